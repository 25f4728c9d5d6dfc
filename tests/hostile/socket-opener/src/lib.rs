//! Tries to open a TCP connection; linking `std::net` makes the component
//! import `wasi:sockets`, which the host refuses at load.

use vitrine_sdk::{BidError, Brand, Offer, Request, export_brand};

/// The plugin.
pub struct SocketOpener;

impl Brand for SocketOpener {
    const CATEGORIES: &'static [&'static str] = &["food"];

    fn offers(_request: &Request) -> Result<Vec<Offer>, BidError> {
        let seen = std::net::TcpStream::connect("127.0.0.1:80")
            .map(|_| "connected".to_owned())
            .unwrap_or_else(|e| format!("error:{}", e.kind()));
        Err(BidError::Internal(seen))
    }
}

export_brand!(SocketOpener);
