//! The household's mandates in the console: create one, change a mandate's
//! cap per order and its weekly and monthly budgets, expire it now. Every
//! change goes through `Platform::update_household`, which checks the
//! result (a mandate never orders a desire on its own) and audits it.

use std::sync::Arc;

use axum::Form;
use axum::extract::{Path, State};
use axum::response::Redirect;
use maud::{Markup, html};
use serde::Deserialize;

use super::error::ConsoleError;
use super::layout::{CsrfForm, csrf_field};
use super::session::Session;
use crate::api::AppState;
use vitrine_core::mandate::{Budget, Mandate, Period};

/// The edit form of one mandate, and the form that creates one.
pub(crate) fn forms(session: &Session, mandates: &[Mandate]) -> Markup {
    let amount = |minor: Option<u64>| minor.map(|m| format!("{}.{:02}", m / 100, m % 100));
    let budget = |m: &Mandate, period: Period| {
        amount(
            m.budgets
                .iter()
                .find(|b| b.period == period)
                .map(|b| b.limit_minor),
        )
    };
    html! {
        @for m in mandates {
            details {
                summary { "Change " (m.id) }
                form method="post" action={"/household/control/mandates/" (m.id)} {
                    (csrf_field(session))
                    (money_input(&format!("cap-{}", m.id), "cap", "Most one order may cost", amount(m.per_order_cap_minor)))
                    (money_input(&format!("week-{}", m.id), "week", "Budget per week", budget(m, Period::Week)))
                    (money_input(&format!("month-{}", m.id), "month", "Budget per month", budget(m, Period::Month)))
                    div.actions { button.primary type="submit" { "Save " (m.id) } }
                }
                form method="post" action={"/household/control/mandates/" (m.id) "/expire"} {
                    (csrf_field(session))
                    button.danger type="submit" data-confirm="Expire this mandate now?" { "Expire " (m.id) " now" }
                }
            }
        }
        details {
            summary { "New mandate" }
            form method="post" action="/household/control/mandates" {
                (csrf_field(session))
                label for="new-id" { "Name (letters, digits, - and _)" }
                input id="new-id" type="text" name="id" required pattern="[A-Za-z0-9_-]{1,64}";
                label for="new-categories" { "Categories it covers, comma-separated (food/dairy, household/cleaning)" }
                input id="new-categories" type="text" name="categories" required;
                (money_input("new-cap", "cap", "Most one order may cost", None))
                (money_input("new-month", "month", "Budget per month", None))
                div.actions { button.primary type="submit" { "Create mandate" } }
            }
        }
    }
}

fn money_input(id: &str, name: &str, label: &str, value: Option<String>) -> Markup {
    html! {
        label for=(id) { (label) " (empty: none)" }
        input id=(id) type="text" inputmode="decimal" name=(name) value=[value] pattern="[0-9]{1,7}([.,][0-9]{1,2})?";
    }
}

/// An amount typed by a person (`12`, `12.5`, `12,50`) in minor units;
/// `None` when empty.
fn parse_money(field: &str, text: &str) -> Result<Option<u64>, ConsoleError> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(None);
    }
    let bad = || ConsoleError::BadForm(format!("{field}: {text:?} is not an amount such as 12.50"));
    let (whole, cents) = match text.split_once(['.', ',']) {
        Some((w, c)) if (1..=2).contains(&c.len()) => (w, format!("{c:0<2}")),
        Some(_) => return Err(bad()),
        None => (text, "00".to_owned()),
    };
    if whole.is_empty() || whole.len() > 7 || !whole.bytes().all(|b| b.is_ascii_digit()) {
        return Err(bad());
    }
    if !cents.bytes().all(|b| b.is_ascii_digit()) {
        return Err(bad());
    }
    let minor =
        whole.parse::<u64>().map_err(|_| bad())? * 100 + cents.parse::<u64>().map_err(|_| bad())?;
    if minor > vitrine_types::MAX_MONEY_MINOR {
        return Err(bad());
    }
    Ok(Some(minor))
}

/// The edit form.
#[derive(Debug, Deserialize)]
pub(crate) struct EditForm {
    csrf: String,
    #[serde(default)]
    cap: String,
    #[serde(default)]
    week: String,
    #[serde(default)]
    month: String,
}

fn set_budget(m: &mut Mandate, period: Period, limit: Option<u64>) {
    m.budgets.retain(|b| b.period != period);
    if let Some(limit_minor) = limit {
        m.budgets.push(Budget {
            period,
            limit_minor,
        });
    }
}

/// Applies `edit` to the signed-in household's mandate `id` (404 when it
/// has none of that name), checked and audited by `update_household`.
async fn change(
    s: &AppState,
    session: &Session,
    id: &str,
    edit: impl FnOnce(&mut Mandate),
) -> Result<(), ConsoleError> {
    let household = session.household()?;
    let known = s.platform.household(household)?;
    if !known.mandates.iter().any(|m| m.id == id) {
        return Err(ConsoleError::NotFound("mandate"));
    }
    s.platform
        .update_household(
            household,
            &session.principal,
            "household.mandates_set",
            |h| {
                if let Some(m) = h.mandates.iter_mut().find(|m| m.id == id) {
                    edit(m);
                }
                Ok(())
            },
        )
        .await?;
    Ok(())
}

/// `POST /household/control/mandates/{mandate}`.
pub(crate) async fn edit(
    State(s): State<Arc<AppState>>,
    session: Session,
    Path(id): Path<String>,
    Form(form): Form<EditForm>,
) -> Result<Redirect, ConsoleError> {
    session.check(&form.csrf)?;
    let cap = parse_money("most one order may cost", &form.cap)?;
    let week = parse_money("budget per week", &form.week)?;
    let month = parse_money("budget per month", &form.month)?;
    change(&s, &session, &id, |m| {
        m.per_order_cap_minor = cap;
        set_budget(m, Period::Week, week);
        set_budget(m, Period::Month, month);
    })
    .await?;
    Ok(Redirect::to("/household/control?done=mandate_saved"))
}

/// `POST /household/control/mandates/{mandate}/expire`.
pub(crate) async fn expire(
    State(s): State<Arc<AppState>>,
    session: Session,
    Path(id): Path<String>,
    Form(form): Form<CsrfForm>,
) -> Result<Redirect, ConsoleError> {
    session.check(&form.csrf)?;
    let now = s.platform.now();
    change(&s, &session, &id, |m| m.expires = Some(now)).await?;
    Ok(Redirect::to("/household/control?done=mandate_expired"))
}

/// The creation form.
#[derive(Debug, Deserialize)]
pub(crate) struct CreateForm {
    csrf: String,
    id: String,
    categories: String,
    #[serde(default)]
    cap: String,
    #[serde(default)]
    month: String,
}

/// `POST /household/control/mandates`.
pub(crate) async fn create(
    State(s): State<Arc<AppState>>,
    session: Session,
    Form(form): Form<CreateForm>,
) -> Result<Redirect, ConsoleError> {
    session.check(&form.csrf)?;
    let household = session.household()?;
    let id = form.id.trim().to_owned();
    if id.is_empty()
        || id.len() > 64
        || !id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_'))
    {
        return Err(ConsoleError::BadForm(
            "a mandate's name is 1 to 64 letters, digits, - or _".into(),
        ));
    }
    let categories: Vec<&str> = form
        .categories
        .split(',')
        .map(str::trim)
        .filter(|c| !c.is_empty())
        .collect();
    if categories.is_empty() {
        return Err(ConsoleError::BadForm(
            "name at least one category, such as food/dairy".into(),
        ));
    }
    let cap = parse_money("most one order may cost", &form.cap)?;
    let month = parse_money("budget per month", &form.month)?;
    if s.platform
        .household(household)?
        .mandates
        .iter()
        .any(|m| m.id == id)
    {
        return Err(ConsoleError::BadForm(format!(
            "there is already a mandate called {id}"
        )));
    }
    let mut mandate = Mandate::new(id, &categories);
    mandate.per_order_cap_minor = cap;
    set_budget(&mut mandate, Period::Month, month);
    if let Err(why) = mandate.validate() {
        return Err(ConsoleError::BadForm(why));
    }
    s.platform
        .update_household(
            household,
            &session.principal,
            "household.mandates_set",
            |h| {
                h.mandates.push(mandate);
                Ok(())
            },
        )
        .await?;
    Ok(Redirect::to("/household/control?done=mandate_created"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_typed_by_a_person_are_read_in_minor_units() {
        assert_eq!(parse_money("x", "").unwrap(), None);
        assert_eq!(parse_money("x", "12").unwrap(), Some(1200));
        assert_eq!(parse_money("x", "12.5").unwrap(), Some(1250));
        assert_eq!(parse_money("x", " 12,05 ").unwrap(), Some(1205));
        for bad in ["12.345", "-3", "1e3", "abc", ".5", "12.", "99999999"] {
            assert!(parse_money("x", bad).is_err(), "{bad}");
        }
    }
}
