//! Brands' plugins as the decision core's bidders: asking a bidder runs
//! its plugin in the sandbox, on a blocking thread, and a plugin suspended
//! for failing is answered for at once (see `vitrine_runtime::ask`).

use std::time::{Duration, Instant};

use vitrine_core::auction::{Bid, BidFuture, Bidder};
use vitrine_runtime::Plugin;
use vitrine_types::OfferRequest;

/// A plugin version entered in auctions.
#[derive(Debug, Clone)]
pub struct PluginBidder {
    /// The plugin, with its catalog and limits.
    pub plugin: Plugin,
}

impl PluginBidder {
    /// `plugin` as a bidder.
    pub fn new(plugin: Plugin) -> Self {
        PluginBidder { plugin }
    }
}

impl Bidder for PluginBidder {
    fn serves(&self, category: &str) -> bool {
        self.plugin.serves(category)
    }

    fn declares_sku(&self, sku: &str) -> bool {
        self.plugin.catalog().declares_sku(sku)
    }

    fn ask(&self, request: OfferRequest, deadline: Instant, grace: Duration) -> BidFuture {
        let call = vitrine_runtime::ask(self.plugin.clone(), request, deadline, grace);
        Box::pin(async move {
            let report = call.await;
            Bid {
                outcome: report.outcome,
                fuel_used: report.fuel_used,
                wall_time: report.wall_time,
            }
        })
    }
}
