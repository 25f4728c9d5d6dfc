//! The fuzzing plugin: its answer is read from the hex bytes under the
//! catalog key `script`, so a fuzzer on the host side chooses every offer
//! the host gets back — any number of offers, any strings (any UTF-8, any
//! length up to hundreds of KiB), any numbers, any services and labels.
//! Bytes past the end read as zero.

use vitrine_sdk::{
    BidError, Brand, Offer, OfferKind, Quantity, Request, Service, Unit, catalog, export_brand,
};

/// The plugin.
pub struct FuzzOffers;

struct Script {
    bytes: Vec<u8>,
    at: usize,
}

impl Script {
    fn u8(&mut self) -> u8 {
        let b = self.bytes.get(self.at).copied().unwrap_or(0);
        self.at += 1;
        b
    }

    fn u16(&mut self) -> u16 {
        u16::from_le_bytes([self.u8(), self.u8()])
    }

    fn u32(&mut self) -> u32 {
        u32::from_le_bytes([self.u8(), self.u8(), self.u8(), self.u8()])
    }

    fn u64(&mut self) -> u64 {
        u64::from(self.u32()) | (u64::from(self.u32()) << 32)
    }

    /// A length byte, then that many bytes as (lossy) UTF-8; a length of
    /// 240 or more makes a large string of (L - 239) × 16 KiB instead.
    fn string(&mut self) -> String {
        let len = self.u8();
        if len >= 240 {
            let fill = char::from(b'a' + self.u8() % 26);
            return std::iter::repeat_n(fill, usize::from(len - 239) * 16 * 1024).collect();
        }
        let bytes: Vec<u8> = (0..len).map(|_| self.u8()).collect();
        String::from_utf8_lossy(&bytes).into_owned()
    }

    fn service(&mut self) -> Service {
        match self.u8() % 9 {
            0 => Service::DeliverySlot {
                day: self.u16(),
                start_hour: self.u8(),
                end_hour: self.u8(),
            },
            1 => Service::Subscription {
                period_days: self.u16(),
                cancel_anytime: self.u8().is_multiple_of(2),
            },
            2 => Service::ReturnablePackaging {
                deposit_minor: self.u64(),
            },
            3 => Service::TakeBack {
                credit_minor: self.u64(),
            },
            4 => Service::RepairMonths(self.u16()),
            5 => Service::WarrantyMonths(self.u16()),
            6 => Service::RentalDays(self.u16()),
            7 => Service::Loyalty { minor: self.u64() },
            _ => Service::Advice(self.string()),
        }
    }

    fn offer(&mut self) -> Offer {
        let sku = self.string();
        let title = self.string();
        let kind = match self.u8() % 5 {
            0 => OfferKind::Purchase,
            1 => OfferKind::Subscription,
            2 => OfferKind::Rental,
            3 => OfferKind::Refurbished,
            _ => OfferKind::RepairService,
        };
        let amount = self.u32();
        let unit = match self.u8() % 3 {
            0 => Unit::Piece,
            1 => Unit::Gram,
            _ => Unit::Millilitre,
        };
        let mut offer = Offer::new(sku, title, Quantity { amount, unit }, "EUR");
        offer.kind = kind;
        offer.price_minor = self.u64();
        offer.currency = self.string();
        offer.delivery_days = self.u16();
        offer.services = (0..self.u8() % 24).map(|_| self.service()).collect();
        offer.labels = (0..self.u8() % 24).map(|_| self.string()).collect();
        offer.carbon_grams = (self.u8().is_multiple_of(2)).then(|| self.u32());
        offer.message = (self.u8().is_multiple_of(2)).then(|| self.string());
        offer
    }
}

fn unhex(text: &str) -> Vec<u8> {
    let digits: Vec<u8> = text
        .bytes()
        .filter_map(|c| char::from(c).to_digit(16).map(|d| d as u8))
        .collect();
    digits
        .chunks(2)
        .map(|p| (p[0] << 4) | p.get(1).copied().unwrap_or(0))
        .collect()
}

impl Brand for FuzzOffers {
    const CATEGORIES: &'static [&'static str] = &["food"];

    fn offers(_request: &Request) -> Result<Vec<Offer>, BidError> {
        let mut script = Script {
            bytes: unhex(&catalog::get("script").unwrap_or_default()),
            at: 0,
        };
        match script.u8() % 8 {
            // Mostly offers; sometimes each kind of refusal.
            0 => Err(BidError::Unserviceable(script.string())),
            1 => Err(BidError::Internal(script.string())),
            _ => Ok((0..script.u8() % 24).map(|_| script.offer()).collect()),
        }
    }
}

export_brand!(FuzzOffers);
