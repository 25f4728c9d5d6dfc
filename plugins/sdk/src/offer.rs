//! What the SDK adds to the contract's offers: texts cut to the platform's
//! limits when an offer is handed over (so a long title never fails a
//! call), and the facts about the plugin's own crate.

pub use vitrine_types::{MAX_MESSAGE_CHARS, MAX_TITLE_CHARS};

/// `text` cut to its first `max` characters (the platform's limits are in
/// characters, whatever their size in bytes).
pub(crate) fn cut(mut text: String, max: usize) -> String {
    if let Some((end, _)) = text.char_indices().nth(max) {
        text.truncate(end);
    }
    text
}

/// Facts about the plugin's own crate, captured by
/// [`export_brand!`](crate::export_brand) where it is invoked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Package {
    /// `CARGO_PKG_NAME` of the plugin crate.
    pub name: &'static str,
    /// `CARGO_PKG_VERSION` of the plugin crate.
    pub version: &'static str,
    /// `CARGO_PKG_AUTHORS` of the plugin crate (may be empty).
    pub authors: &'static str,
}

#[cfg(test)]
mod text_tests {
    use super::*;

    #[test]
    fn texts_are_cut_by_characters_at_the_platforms_limits() {
        let long = "😀".repeat(300);
        assert_eq!(cut(long.clone(), MAX_MESSAGE_CHARS).chars().count(), 280);
        assert_eq!(cut("short".into(), MAX_TITLE_CHARS), "short");
        let t = cut("é".repeat(121), MAX_TITLE_CHARS);
        assert_eq!(t.chars().count(), 120);
    }
}
