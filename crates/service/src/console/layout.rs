//! The console's page shell and the small pieces every page uses: the
//! navigation for the caller's role, buttons that post a CSRF-protected
//! form, money and time in words. Every value is written through maud,
//! which escapes it: nothing a plugin, a brand or a household wrote is ever
//! markup.

use maud::{DOCTYPE, Markup, html};
use serde::Deserialize;

use super::session::Session;
use vitrine_store::tokens::Principal;
use vitrine_types::time::Timestamp;

/// A form with only its CSRF token.
#[derive(Debug, Deserialize)]
pub(crate) struct CsrfForm {
    pub csrf: String,
}

/// `?done=...` after an action: which fixed sentence to show.
#[derive(Debug, Deserialize)]
pub(crate) struct Done {
    pub done: Option<String>,
}

/// A page without navigation (sign-in, errors).
pub(crate) fn bare(title: &str, content: Markup) -> Markup {
    shell(title, html! {}, content)
}

/// A page of the signed-in console: `current` is the navigation entry
/// highlighted; `notice` a line shown above the content (the outcome of
/// the last action).
pub(crate) fn page(
    session: &Session,
    title: &str,
    current: &str,
    notice: Option<&str>,
    content: Markup,
) -> Markup {
    let entries: &[(&str, &str)] = match &session.principal {
        Principal::Household(_) => &[
            ("/household", "Home"),
            ("/household/budgets", "Budgets"),
            ("/household/pantry", "Pantry"),
            ("/household/control", "Consent & control"),
        ],
        Principal::Brand(_) => &[("/brand", "Plugin"), ("/brand/orders", "Orders & reports")],
        Principal::Operator => &[("/operator", "Platform"), ("/operator/policy", "Policy")],
    };
    let who = match &session.principal {
        Principal::Household(h) => format!("Household {h}"),
        Principal::Brand(b) => format!("Brand {b}"),
        Principal::Operator => "Operator".to_owned(),
    };
    let header = html! {
        header {
            a.brand-mark href="/" { "Vitrine" }
            nav aria-label="Sections" {
                ul {
                    @for (href, label) in entries {
                        li {
                            @if *href == current {
                                a href=(href) aria-current="page" { (label) }
                            } @else {
                                a href=(href) { (label) }
                            }
                        }
                    }
                }
            }
            div.who {
                span { (who) }
                (post_button(session, "/signout", "Sign out", "link"))
            }
        }
    };
    shell(
        title,
        header,
        html! {
            @if let Some(notice) = notice {
                p.notice role="status" { (notice) }
            }
            (content)
        },
    )
}

fn shell(title: &str, header: Markup, content: Markup) -> Markup {
    html! {
        (DOCTYPE)
        html lang="en" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (title) " · Vitrine" }
                link rel="stylesheet" href=(super::assets::CSS_PATH);
                script src=(super::assets::JS_PATH) defer {}
            }
            body {
                (header)
                main id="main" { (content) }
            }
        }
    }
}

/// A button that posts `action` with the session's CSRF token. `class`
/// styles it (`primary`, `danger`, `link`, or empty).
pub(crate) fn post_button(session: &Session, action: &str, label: &str, class: &str) -> Markup {
    html! {
        form.inline method="post" action=(action) {
            input type="hidden" name="csrf" value=(session.csrf);
            button type="submit" class=(class) { (label) }
        }
    }
}

/// The hidden CSRF field of a form.
pub(crate) fn csrf_field(session: &Session) -> Markup {
    html! { input type="hidden" name="csrf" value=(session.csrf); }
}

/// Money in minor units, as the household reads it.
pub(crate) fn money(minor: u64) -> String {
    vitrine_core::explain::money(minor)
}

/// How long from `now` until `until`, in words (`2 h 5 min`, `3 days`),
/// or `over` once past.
pub(crate) fn time_left(now: Timestamp, until: Timestamp) -> String {
    let seconds = until.0 - now.0;
    if seconds <= 0 {
        return "over".to_owned();
    }
    let minutes = (seconds + 59) / 60;
    match minutes {
        0..60 => format!("{minutes} min"),
        60..2880 => format!("{} h {} min", minutes / 60, minutes % 60),
        _ => format!("{} days", minutes / 1440),
    }
}

/// A countdown to `until`: the time left in words, kept current by the
/// console's script (`data-until`, seconds since the epoch; `data-now`, the
/// server's clock, so a simulated clock counts down right too).
pub(crate) fn countdown(now: Timestamp, until: Timestamp) -> Markup {
    html! {
        time datetime=(iso(until)) data-until=(until.0) data-now=(now.0) {
            (time_left(now, until))
        }
    }
}

/// `until` as an ISO 8601 instant.
pub(crate) fn iso(at: Timestamp) -> String {
    chrono::DateTime::from_timestamp(at.0, 0)
        .map(|t| t.format("%Y-%m-%dT%H:%M:%SZ").to_string())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn time_left_reads_in_minutes_hours_then_days() {
        let now = Timestamp(1_000_000);
        assert_eq!(time_left(now, Timestamp(now.0 - 5)), "over");
        assert_eq!(time_left(now, Timestamp(now.0 + 59)), "1 min");
        assert_eq!(
            time_left(now, Timestamp(now.0 + 3 * 3600 + 300)),
            "3 h 5 min"
        );
        assert_eq!(time_left(now, Timestamp(now.0 + 5 * 86_400)), "5 days");
    }
}
