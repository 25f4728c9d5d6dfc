// world vitrine:brand/brand@0.1.0
export type * as VitrineBrandCatalog010 from './interfaces/vitrine-brand-catalog.js'; // import vitrine:brand/catalog@0.1.0
export type * as VitrineBrandLogging010 from './interfaces/vitrine-brand-logging.js'; // import vitrine:brand/logging@0.1.0
export type * as VitrineBrandTypes010 from './interfaces/vitrine-brand-types.js'; // import vitrine:brand/types@0.1.0
export * as bidder from './interfaces/vitrine-brand-bidder.js'; // export vitrine:brand/bidder@0.1.0
