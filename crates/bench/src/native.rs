//! The dairy sample's bidding logic written as plain Rust on the host's own
//! types: what the same work costs with no sandbox at all. The benchmark
//! compares it with the production call; a test keeps it answering exactly
//! as the compiled plugin does, so the comparison stays fair.

use vitrine_runtime::Catalog;
use vitrine_types::{BidError, Offer, OfferKind, OfferRequest, Quantity, Service, Unit};

/// The dairy's offers for `request`, priced from `catalog` (the logic of
/// `plugins/dairy`).
pub fn dairy_offers(request: &OfferRequest, catalog: &Catalog) -> Result<Vec<Offer>, BidError> {
    if is_under(&request.category, "food/dairy/yogurt") {
        yogurt(request, catalog)
    } else {
        milk(request, catalog)
    }
}

fn is_under(category: &str, prefix: &str) -> bool {
    match category.strip_prefix(prefix) {
        Some(rest) => rest.is_empty() || rest.starts_with('/'),
        None => false,
    }
}

fn number<N: std::str::FromStr>(catalog: &Catalog, key: &str) -> Result<N, BidError> {
    let raw = catalog
        .get(key)
        .ok_or_else(|| BidError::Catalog(format!("missing key `{key}`")))?;
    raw.trim()
        .parse()
        .map_err(|_| BidError::Catalog(format!("key `{key}` is not a number: `{raw}`")))
}

fn offer(request: &OfferRequest, sku: &str, title: &str) -> Offer {
    Offer {
        sku: sku.to_owned(),
        title: title.to_owned(),
        kind: OfferKind::Purchase,
        quantity: request.quantity,
        price_minor: 0,
        currency: request.currency.clone(),
        delivery_days: 0,
        services: Vec::new(),
        labels: Vec::new(),
        carbon_grams: None,
        message: None,
    }
}

fn yogurt(request: &OfferRequest, catalog: &Catalog) -> Result<Vec<Offer>, BidError> {
    if request.quantity.unit != Unit::Piece {
        return Err(BidError::Unserviceable("yogurt is sold by the jar".into()));
    }
    let jars = u64::from(request.quantity.amount.max(1));
    let delivery: u16 = number(catalog, "delivery.days")?;
    let period: u16 = number(catalog, "subscription.period-days")?;
    let subscription = Offer {
        kind: OfferKind::Subscription,
        price_minor: jars * number::<u64>(catalog, "yogurt.subscription-price")?,
        delivery_days: delivery,
        services: vec![
            Service::Subscription {
                period_days: period,
                cancel_anytime: true,
            },
            Service::ReturnablePackaging {
                deposit_minor: number(catalog, "yogurt.jar-deposit")?,
            },
        ],
        labels: vec!["organic".into(), "refill".into()],
        carbon_grams: Some(90 * request.quantity.amount),
        message: Some("Jars collected at your next delivery; skip or stop any week.".into()),
        ..offer(
            request,
            "YOG-JAR-SUB",
            "Organic yogurt, weekly, in returnable glass jars",
        )
    };
    let one_off = Offer {
        price_minor: jars * number::<u64>(catalog, "yogurt.one-off-price")?,
        delivery_days: delivery,
        services: vec![Service::ReturnablePackaging {
            deposit_minor: number(catalog, "yogurt.jar-deposit")?,
        }],
        labels: vec!["organic".into()],
        carbon_grams: Some(110 * request.quantity.amount),
        ..offer(request, "YOG-JAR-1", "Organic yogurt in glass jars")
    };
    Ok(vec![subscription, one_off])
}

fn milk(request: &OfferRequest, catalog: &Catalog) -> Result<Vec<Offer>, BidError> {
    if request.quantity.unit != Unit::Millilitre {
        return Err(BidError::Unserviceable("milk is sold by volume".into()));
    }
    let litres = request.quantity.amount.div_ceil(1000).max(1);
    Ok(vec![Offer {
        quantity: Quantity {
            amount: litres * 1000,
            unit: Unit::Millilitre,
        },
        price_minor: u64::from(litres) * number::<u64>(catalog, "milk.litre-price")?,
        delivery_days: number(catalog, "delivery.days")?,
        services: vec![Service::ReturnablePackaging { deposit_minor: 0 }],
        labels: vec!["refill".into()],
        carbon_grams: Some(400 * litres),
        ..offer(request, "MILK-1L", "Whole milk, returnable litre bottles")
    }])
}

/// The requests the equivalence tests ask every dairy implementation: the
/// example's yogurt by the jar, and milk by volume (rounded up to litres).
#[cfg(test)]
pub(super) fn dairy_test_requests() -> [OfferRequest; 2] {
    let yogurt = vitrine_sim::samples::Sample::named("dairy")
        .unwrap()
        .request();
    let mut milk = yogurt.clone();
    milk.category = "food/dairy/milk".into();
    milk.quantity = Quantity {
        amount: 2_500,
        unit: Unit::Millilitre,
    };
    [yogurt, milk]
}

#[cfg(test)]
mod tests {
    use super::*;
    use vitrine_runtime::{Limits, Runtime};
    use vitrine_sim::samples::Sample;

    #[test]
    fn native_dairy_answers_exactly_as_the_compiled_plugin() {
        let runtime = Runtime::new(Limits::default()).unwrap();
        let dairy = Sample::named("dairy").unwrap();
        let plugin = dairy.load(&runtime).unwrap();
        let catalog = dairy.catalog(&runtime).unwrap();
        let requests = dairy_test_requests();
        let mut wrong_unit = requests[1].clone();
        wrong_unit.quantity.unit = Unit::Gram;
        for request in requests {
            let sandboxed = plugin.call(&request).outcome.unwrap();
            assert_eq!(dairy_offers(&request, &catalog).unwrap(), sandboxed);
        }
        let refused = plugin.call(&wrong_unit).outcome.unwrap_err();
        assert_eq!(
            refused,
            vitrine_runtime::CallError::PluginError(
                dairy_offers(&wrong_unit, &catalog).unwrap_err()
            )
        );
    }
}
