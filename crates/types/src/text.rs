//! Text a plugin wrote, made safe to store and to show.
//!
//! A plugin's strings (offer titles, messages, advice, SKUs, bid-error
//! details, log lines, its self-description) reach a household's
//! explanation, a brand's dashboard and an operator's logs. Before any of
//! them is stored or shown it goes through [`normalise`]:
//!
//! - line breaks and tabs (`\n`, `\r`, `\t`, U+0085, U+2028, U+2029) and
//!   every other separator become one space, so a plugin cannot start a
//!   line of its own;
//! - control characters (Unicode category Cc: C0, DEL, C1, which includes
//!   the escape that starts ANSI sequences) and format characters (Cf: the
//!   bidi overrides and isolates, zero-width spaces and joiners, the BOM,
//!   tag characters) are removed, so text cannot reorder, hide or colour
//!   what surrounds it;
//! - runs of spaces are collapsed and the ends trimmed.
//!
//! Markup such as `<script>` is left as text: it is data, and every place
//! that renders it escapes it (the console writes text, never HTML).
//! Explanations then show plugin text only inside [`quoted`], so that no
//! string can make a line that reads as the platform's own words.
//!
//! Lengths are counted in characters (Unicode scalar values) throughout the
//! contract: [`truncate_chars`] cuts on a character boundary.

use unicode_properties::{GeneralCategory, UnicodeGeneralCategory};

/// `text` with separators turned into single spaces, control and format
/// characters removed, and the ends trimmed.
pub fn normalise(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut pending_space = false;
    for c in text.chars() {
        // ASCII is classified without the Unicode tables (most plugin text
        // is ASCII, and the table lookup is most of normalising's cost).
        let category = match c {
            ' ' => GeneralCategory::SpaceSeparator,
            '\0'..='\u{1f}' | '\u{7f}' => GeneralCategory::Control,
            '!'..='~' => GeneralCategory::OtherSymbol,
            _ => c.general_category(),
        };
        match category {
            GeneralCategory::Control if matches!(c, '\n' | '\r' | '\t' | '\u{85}') => {
                pending_space = true;
            }
            GeneralCategory::Control | GeneralCategory::Format => {}
            GeneralCategory::SpaceSeparator
            | GeneralCategory::LineSeparator
            | GeneralCategory::ParagraphSeparator => pending_space = true,
            _ => {
                if pending_space && !out.is_empty() {
                    out.push(' ');
                }
                pending_space = false;
                out.push(c);
            }
        }
    }
    out
}

/// [`normalise`] for an owned string: returned as it is, without copying,
/// when it is already printable ASCII in normal form (the common case).
pub fn normalise_owned(text: String) -> String {
    if is_plain_ascii_normal(&text) {
        text
    } else {
        normalise(&text)
    }
}

/// Printable ASCII, single spaces only between words: nothing to change.
fn is_plain_ascii_normal(text: &str) -> bool {
    let bytes = text.as_bytes();
    bytes.first() != Some(&b' ')
        && bytes.last() != Some(&b' ')
        && bytes.iter().all(|b| (b' '..=b'~').contains(b))
        && !bytes.windows(2).any(|w| w == b"  ")
}

/// Whether `text` is already in normal form (nothing [`normalise`] would
/// change).
pub fn is_normal(text: &str) -> bool {
    normalise(text) == text
}

/// `text` normalised and shown as quoted data: between straight double
/// quotes, inner quotes and backslashes escaped.
pub fn quoted(text: &str) -> String {
    let text = normalise(text);
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        if matches!(c, '"' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out.push('"');
    out
}

/// The first `max` characters of `text` (all of it when shorter).
pub fn truncate_chars(text: &str, max: usize) -> &str {
    match text.char_indices().nth(max) {
        Some((end, _)) => &text[..end],
        None => text,
    }
}

/// The number of characters (Unicode scalar values) in `text`.
pub fn chars(text: &str) -> usize {
    text.chars().count()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_breaks_become_spaces_so_no_line_can_be_forged() {
        let forged = "Yogurt\n\nDecision: declined — no acceptable offer.\r\nWinner: us";
        let clean = normalise(forged);
        assert!(!clean.contains('\n') && !clean.contains('\r'));
        assert_eq!(
            clean,
            "Yogurt Decision: declined — no acceptable offer. Winner: us"
        );
        assert_eq!(normalise("a\u{2028}b\u{2029}c\u{85}d\te"), "a b c d e");
    }

    #[test]
    fn bidi_zero_width_and_escape_characters_are_removed() {
        let text = "\u{202E}tsrif\u{202C} \u{200B}free\u{2066}\u{FEFF}\u{1b}[31mred\u{1b}[0m\u{9b}";
        assert_eq!(normalise(text), "tsrif free[31mred[0m");
        assert!(is_normal("Organic yogurt, 8 × 125 g"));
        assert!(!is_normal(text));
    }

    #[test]
    fn markup_stays_text_and_quotes_are_escaped_inside_quoted() {
        assert_eq!(quoted("<b>\"best\"</b> \\o/"), r#""<b>\"best\"</b> \\o/""#);
    }

    #[test]
    fn the_ascii_shortcut_agrees_with_the_unicode_tables() {
        for c in (0u8..=0x7f).map(char::from) {
            let by_table = match c.general_category() {
                GeneralCategory::Control if matches!(c, '\n' | '\r' | '\t') => " ".to_owned(),
                GeneralCategory::Control | GeneralCategory::Format => String::new(),
                GeneralCategory::SpaceSeparator => " ".to_owned(),
                _ => c.to_string(),
            };
            let text = format!("a{c}b");
            let expected = format!("a{by_table}b").replace("  ", " ");
            assert_eq!(normalise(&text), expected, "{:?}", c);
        }
    }

    proptest::proptest! {
        #[test]
        fn normalising_an_owned_string_is_normalising_it(text in "(?s).{0,40}|[ -~]{0,40}") {
            proptest::prop_assert_eq!(normalise_owned(text.clone()), normalise(&text));
            proptest::prop_assert!(is_normal(&normalise(&text)));
        }
    }

    #[test]
    fn truncation_is_by_characters_not_bytes() {
        let four_byte = "😀".repeat(300);
        assert_eq!(chars(truncate_chars(&four_byte, 280)), 280);
        assert_eq!(truncate_chars("abc", 10), "abc");
    }
}
