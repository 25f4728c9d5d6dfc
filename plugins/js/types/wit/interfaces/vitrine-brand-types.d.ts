/** @module Interface vitrine:brand/types@0.1.0 **/
/**
 * Why the platform is asking for offers.
 * # Variants
 * 
 * ## `"replenishment"`
 * 
 * A recurring need predicted from consumption (yogurt runs out).
 * ## `"seasonal"`
 * 
 * A calendar need (back-to-school kit, winter clothing).
 * ## `"desire"`
 * 
 * A want inferred from context; never ordered without asking.
 */
export type NeedKind = 'replenishment' | 'seasonal' | 'desire';
/**
 * The unit a quantity is counted in. Amounts use base units so that the
 * platform can compare quantities without conversion tables.
 * # Variants
 * 
 * ## `"piece"`
 * 
 * Countable items (jars, pairs of shoes, kits, bikes).
 * ## `"gram"`
 * 
 * Mass in grams.
 * ## `"millilitre"`
 * 
 * Volume in millilitres.
 */
export type Unit = 'piece' | 'gram' | 'millilitre';
/**
 * An amount of something.
 */
export interface Quantity {
  /**
   * How many units; in requests this is bucketed by the platform.
   */
  amount: number,
  /**
   * The unit of `amount`.
   */
  unit: Unit,
}
/**
 * When the household needs delivery, in whole days from today.
 */
export interface DeliveryWindow {
  /**
   * The earliest acceptable day (0 = today).
   */
  earliestDay: number,
  /**
   * The latest acceptable day; offers delivering later are penalised.
   */
  latestDay: number,
}
/**
 * A coarse location: a country and a short postal prefix, never an
 * address.
 */
export interface Region {
  /**
   * ISO 3166-1 alpha-2 country code, such as `FR`.
   */
  country: string,
  /**
   * The first characters of the postal code (at most 3), such as `75`.
   */
  postalPrefix: string,
}
/**
 * A price band the household is expected to accept, in minor units.
 */
export interface BudgetBand {
  /**
   * Lower bound of the band, inclusive.
   */
  minMinor: bigint,
  /**
   * Upper bound of the band, inclusive.
   */
  maxMinor: bigint,
}
/**
 * One need, minimised, for which the platform asks for offers.
 */
export interface OfferRequest {
  /**
   * Random per request and per brand: it cannot be linked to other
   * requests, to other brands' requests or to a household.
   */
  requestId: string,
  /**
   * Why the need was raised.
   */
  need: NeedKind,
  /**
   * A taxonomy path such as `food/dairy/yogurt`.
   */
  category: string,
  /**
   * How much is needed, bucketed.
   */
  quantity: Quantity,
  /**
   * When delivery is wanted.
   */
  delivery: DeliveryWindow,
  /**
   * Where, coarsely, when the household allows it.
   */
  region?: Region,
  /**
   * How much the household usually spends on this, as a band.
   */
  budget?: BudgetBand,
  /**
   * ISO 4217 code every offer must be priced in, such as `EUR`.
   */
  currency: string,
  /**
   * Preference labels shared with consent (`organic`, `local`, ...).
   */
  labels: Array<string>,
  /**
   * The most offers the platform will consider from this brand.
   */
  maxOffers: number,
}
/**
 * What kind of deal an offer is.
 * # Variants
 * 
 * ## `"purchase"`
 * 
 * A one-off sale.
 * ## `"subscription"`
 * 
 * A recurring delivery.
 * ## `"rental"`
 * 
 * The household uses the good and gives it back.
 * ## `"refurbished"`
 * 
 * A second-hand good restored by the brand.
 * ## `"repair-service"`
 * 
 * A service performed on a good the household already owns.
 */
export type OfferKind = 'purchase' | 'subscription' | 'rental' | 'refurbished' | 'repair-service';
/**
 * A delivery appointment.
 */
export interface DeliverySlot {
  /**
   * Day of delivery, counted from today.
   */
  day: number,
  /**
   * Start of the slot, hour of the day (0-23).
   */
  startHour: number,
  /**
   * End of the slot, hour of the day (1-24), after `start-hour`.
   */
  endHour: number,
}
/**
 * A recurring delivery.
 */
export interface Subscription {
  /**
   * Days between deliveries.
   */
  periodDays: number,
  /**
   * Whether the household may cancel at any time without fee.
   */
  cancelAnytime: boolean,
}
/**
 * A service attached to an offer; this is where brands compete beyond
 * price.
 */
export type Service = ServiceDeliverySlot | ServiceSubscription | ServiceReturnablePackaging | ServiceTakeBack | ServiceRepairMonths | ServiceWarrantyMonths | ServiceRentalDays | ServiceLoyaltyMinor | ServiceAdvice;
/**
 * A committed delivery appointment.
 */
export interface ServiceDeliverySlot {
  tag: 'delivery-slot',
  val: DeliverySlot,
}
/**
 * Recurring delivery terms.
 */
export interface ServiceSubscription {
  tag: 'subscription',
  val: Subscription,
}
/**
 * Packaging the brand collects and reuses; the deposit in minor
 * units, refunded on return (0 when there is none).
 */
export interface ServiceReturnablePackaging {
  tag: 'returnable-packaging',
  val: bigint,
}
/**
 * The brand takes the product (or last year's one) back at end of
 * life; the payload is the buy-back credit in minor units.
 */
export interface ServiceTakeBack {
  tag: 'take-back',
  val: bigint,
}
/**
 * Free repairs for this many months.
 */
export interface ServiceRepairMonths {
  tag: 'repair-months',
  val: number,
}
/**
 * Warranty for this many months.
 */
export interface ServiceWarrantyMonths {
  tag: 'warranty-months',
  val: number,
}
/**
 * The good is rented for this many days.
 */
export interface ServiceRentalDays {
  tag: 'rental-days',
  val: number,
}
/**
 * Loyalty value granted with the order, in minor units.
 */
export interface ServiceLoyaltyMinor {
  tag: 'loyalty-minor',
  val: bigint,
}
/**
 * Personal advice (sizing, recipes, usage), described briefly: at
 * most 280 characters.
 */
export interface ServiceAdvice {
  tag: 'advice',
  val: string,
}
/**
 * One offer: a product plus the services around it.
 * 
 * Texts are limited in characters (Unicode scalar values, whatever
 * their size in bytes) and are plain text: line breaks, control and
 * format characters are removed before anyone reads them. Amounts of
 * money are at most 1,000,000,000 minor units, days at most 366,
 * months of repair or warranty at most 120, rental days at most 3,660;
 * an answer with any number beyond these is refused whole
 * (`invalid-output`).
 */
export interface Offer {
  /**
   * The brand's own stock-keeping unit: 1 to 64 ASCII letters,
   * digits, `.`, `_` or `-`, declared in the brand's catalog as a key
   * `sku.<SKU>` (an offer with an undeclared SKU is dropped).
   */
  sku: string,
  /**
   * A short human-readable title, at most 120 characters.
   */
  title: string,
  /**
   * Purchase, subscription, rental, ...
   */
  kind: OfferKind,
  /**
   * What is delivered, in the request's unit.
   */
  quantity: Quantity,
  /**
   * Total price of this offer in minor units; must be positive.
   */
  priceMinor: bigint,
  /**
   * ISO 4217 code; must equal the request's currency.
   */
  currency: string,
  /**
   * Days until the earliest possible delivery.
   */
  deliveryDays: number,
  /**
   * Services included in the price.
   */
  services: Array<Service>,
  /**
   * Labels the product carries (`organic`, `fair-trade`, `local`,
   * `refill`, `low-carbon`, ...): lower-case words joined by `-`.
   */
  labels: Array<string>,
  /**
   * Estimated carbon footprint of product and delivery, in grams.
   */
  carbonGrams?: number,
  /**
   * A short message from the brand to the household, at most 280
   * characters.
   */
  message?: string,
}
/**
 * Why a plugin could not bid. A plugin that simply has nothing to offer
 * returns an empty list instead. Details are kept to their first 200
 * characters.
 */
export type BidError = BidErrorUnsupportedCategory | BidErrorOutOfStock | BidErrorCatalog | BidErrorUnserviceable | BidErrorInternal;
/**
 * The request is for a category the plugin does not serve.
 */
export interface BidErrorUnsupportedCategory {
  tag: 'unsupported-category',
  val: string,
}
/**
 * The plugin serves the category but has nothing in stock.
 */
export interface BidErrorOutOfStock {
  tag: 'out-of-stock',
}
/**
 * A catalog key the plugin needs is missing or malformed.
 */
export interface BidErrorCatalog {
  tag: 'catalog',
  val: string,
}
/**
 * The request is well formed but the plugin cannot serve it (for
 * example an unsupported unit or region).
 */
export interface BidErrorUnserviceable {
  tag: 'unserviceable',
  val: string,
}
/**
 * Any other failure inside the plugin.
 */
export interface BidErrorInternal {
  tag: 'internal',
  val: string,
}
/**
 * What a plugin says about itself. The host reads it once at load.
 */
export interface BrandInfo {
  /**
   * The brand's display name.
   */
  name: string,
  /**
   * The plugin's own version, such as `1.4.0`.
   */
  version: string,
  /**
   * Category prefixes served, such as `food/dairy`; the host only asks
   * for needs whose category starts with one of them.
   */
  categories: Array<string>,
  /**
   * Where the operator can reach the brand (an e-mail address or URL).
   */
  contact: string,
}
