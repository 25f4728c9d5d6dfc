//! # vitrine-sdk: write a Vitrine brand plugin
//!
//! A brand plugin is a WebAssembly component that the Vitrine platform calls
//! with one minimised need ("8 yogurts, delivered within 3 days, the household
//! likes `organic`") and that answers with offers: a product plus the services
//! around it. The platform scores the offers with the household's private
//! preferences; the plugin never sees who the household is.
//!
//! This crate hides the WIT bindings. You implement [`Brand`] and export it
//! with [`export_brand!`]:
//!
//! ```
//! use vitrine_sdk::{catalog, export_brand, BidError, Brand, OfferKind, Request, Offer, Service};
//!
//! struct Dairy;
//!
//! impl Brand for Dairy {
//!     const CATEGORIES: &'static [&'static str] = &["food/dairy"];
//!
//!     fn offers(request: &Request) -> Result<Vec<Offer>, BidError> {
//!         let unit_price = catalog::minor("yogurt.unit-price")?;
//!         let amount = u64::from(request.quantity.amount);
//!         Ok(vec![request
//!             .offer("YOG-PLAIN", "Plain yogurt in glass jars")
//!             .kind(OfferKind::Subscription)
//!             .price_minor(unit_price * amount)
//!             .delivery_days(1)
//!             .service(Service::Subscription { period_days: 7, cancel_anytime: true })
//!             .service(Service::ReturnablePackaging { deposit_minor: 0 })
//!             .label("organic")])
//!     }
//! }
//!
//! export_brand!(Dairy);
//!
//! # // The same logic runs natively in a plugin's own tests:
//! # let request = Request::new("food/dairy/yogurt", vitrine_sdk::Quantity::pieces(8));
//! # let offers = vitrine_sdk::testing::with_catalog(&[("yogurt.unit-price", "55")], || Dairy::offers(&request)).unwrap();
//! # assert_eq!(offers[0].price_minor, 440);
//! ```
//!
//! Build it as a `cdylib` for WebAssembly and try it in the production
//! sandbox:
//!
//! ```text
//! cargo build --release --target wasm32-wasip2
//! vitrine plugin run target/wasm32-wasip2/release/my_brand.wasm --request request.json --catalog catalog.json
//! ```
//!
//! ## What a plugin can do
//!
//! Read its own [`catalog`] (uploaded with the plugin, so prices change without
//! recompiling) and write to the bounded [`log`]. Nothing else: no files, no
//! network, no clock, no environment, and no state survives between calls,
//! because each call runs in a fresh instance with a fuel budget, a deadline
//! and a memory cap.
//!
//! ## Lean by default
//!
//! A plugin is instantiated fresh for every call, so the SDK's default
//! allocator (the `arena` feature) is a bump arena inside the instance's
//! initial memory: no allocator start-up, no memory growth, a third fewer
//! instructions per call on the sample brands. Allocations that do not fit
//! fall back to the system allocator. Disable default features to use your
//! own `#[global_allocator]`.
//!
//! ## Testing natively
//!
//! On a non-wasm target the bidding logic compiles as ordinary Rust; install
//! a catalog with [`testing::with_catalog`] and call your [`Brand::offers`].

#![deny(missing_docs)]

extern crate self as vitrine_sdk;

#[cfg(all(target_family = "wasm", feature = "arena"))]
mod arena;
pub mod catalog;
pub mod log;
mod offer;
#[cfg(not(target_family = "wasm"))]
pub mod testing;

#[doc(hidden)]
#[path = "glue.rs"]
pub mod __private;

pub use offer::{MAX_MESSAGE_CHARS, MAX_TITLE_CHARS, Package};
/// One need, minimised: everything a plugin learns about a household (no
/// identifier, no raw event, no context signal). The contract's
/// [`OfferRequest`](vitrine_types::OfferRequest), under the SDK's name.
pub use vitrine_types::OfferRequest as Request;
/// The contract's data, shared with the host (`vitrine-types`): one
/// definition on both sides of the sandbox.
pub use vitrine_types::{
    BidError, BrandInfo, BudgetBand, DeliveryWindow, NeedKind, Offer, OfferKind, Quantity, Region,
    Service, Unit, category_is_under, check_ranges,
};

/// A brand: the categories it serves and how it answers a request.
///
/// Only [`Brand::CATEGORIES`] and [`Brand::offers`] are required; the other
/// methods have defaults that suit most brands.
pub trait Brand {
    /// Category prefixes served, as taxonomy paths (`food/dairy`,
    /// `school/supplies`). The host only sends requests under these, and the
    /// SDK refuses any other with [`BidError::UnsupportedCategory`].
    const CATEGORIES: &'static [&'static str];

    /// Answer one request. Return an empty list to make no bid. Offers beyond
    /// `request.max_offers` are dropped by the SDK.
    fn offers(request: &Request) -> Result<Vec<Offer>, BidError>;

    /// Whether this brand serves `category`. By default: whether it lies
    /// under one of [`Brand::CATEGORIES`].
    fn serves(category: &str) -> bool {
        Self::CATEGORIES
            .iter()
            .any(|prefix| category_is_under(category, prefix))
    }

    /// What the plugin says about itself. By default the name comes from the
    /// catalog key `brand.name` (else the crate name), the version from the
    /// crate, and the contact from the catalog key `brand.contact` (else the
    /// crate's authors).
    fn describe(package: Package) -> BrandInfo {
        BrandInfo {
            name: catalog::get("brand.name").unwrap_or_else(|| package.name.to_owned()),
            version: package.version.to_owned(),
            categories: Self::CATEGORIES.iter().map(|c| (*c).to_owned()).collect(),
            contact: catalog::get("brand.contact").unwrap_or_else(|| package.authors.to_owned()),
        }
    }
}

/// Export a type implementing [`Brand`] as the plugin's entry points.
///
/// Invoke it once, at the root of the plugin crate:
///
/// ```ignore
/// vitrine_sdk::export_brand!(MyBrand);
/// ```
#[macro_export]
macro_rules! export_brand {
    ($brand:ty) => {
        const _: () = {
            struct VitrineExport;

            impl $crate::__private::Guest for VitrineExport {
                fn describe() -> $crate::__private::bindings::vitrine::brand::types::BrandInfo {
                    $crate::__private::describe::<$brand>($crate::Package {
                        name: env!("CARGO_PKG_NAME"),
                        version: env!("CARGO_PKG_VERSION"),
                        authors: env!("CARGO_PKG_AUTHORS"),
                    })
                }

                fn offers(
                    request: $crate::__private::bindings::vitrine::brand::types::OfferRequest,
                ) -> ::core::result::Result<
                    ::std::vec::Vec<$crate::__private::bindings::vitrine::brand::types::Offer>,
                    $crate::__private::bindings::vitrine::brand::types::BidError,
                > {
                    $crate::__private::offers::<$brand>(request)
                }
            }

            // The component exports only exist in wasm; a native build (the
            // plugin's own unit tests) links without them.
            #[cfg(target_family = "wasm")]
            $crate::__private::bindings::__vitrine_export_bindings!(
                VitrineExport with_types_in $crate::__private::bindings
            );
        };
    };
}
