//! Webhooks: where a household is told of its inbox items, the events sent
//! (each until the receiver takes it or the retries run out) and the log of
//! every attempt. The platform decides what to send and when; this module
//! only keeps it.

use sqlx::Row;

use super::{Store, StoreError, Tx};
use vitrine_types::time::Timestamp;

/// A household's webhook.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Webhook {
    /// The household told.
    pub household: String,
    /// Where events are POSTed.
    pub url: String,
    /// The signing secret (the household holds a copy).
    pub secret: String,
    /// Inbox items from before this moment are not sent.
    pub since: Timestamp,
}

/// One event: an inbox item, sent until delivered or given up.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WebhookEvent {
    /// The household it is for.
    pub household: String,
    /// Stable id (the receiver deduplicates on it).
    pub id: String,
    /// The inbox item's kind.
    pub kind: String,
    /// The body, as sent on every attempt.
    pub payload: String,
    /// When the event was first seen.
    pub created_at: Timestamp,
    /// Attempts made so far.
    pub attempts: u32,
    /// When the next attempt is due; `None` once delivered or given up.
    pub next_attempt_at: Option<Timestamp>,
    /// When the receiver took it.
    pub delivered_at: Option<Timestamp>,
}

/// One attempt to deliver an event, as the delivery log shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WebhookAttempt {
    /// The event.
    pub event_id: String,
    /// The event's kind.
    pub kind: String,
    /// 1 for the first attempt.
    pub attempt: u32,
    /// When it was made.
    pub at: Timestamp,
    /// The receiver's HTTP status, when it answered.
    pub status: Option<u16>,
    /// Why it failed, when it did.
    pub error: Option<String>,
    /// How long it took, in milliseconds.
    pub millis: u64,
}

impl Tx {
    /// Sets (or replaces) `webhook.household`'s webhook.
    pub async fn set_webhook(&mut self, webhook: &Webhook) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO webhooks (household, url, secret, since) VALUES ($1, $2, $3, $4) \
             ON CONFLICT (household) DO UPDATE SET url = excluded.url, \
             secret = excluded.secret, since = excluded.since",
        )
        .bind(&webhook.household)
        .bind(&webhook.url)
        .bind(&webhook.secret)
        .bind(webhook.since.0)
        .execute(&mut *self.tx)
        .await?;
        Ok(())
    }

    /// Removes `household`'s webhook; events not yet delivered are dropped
    /// (the log stays). Returns whether there was one.
    pub async fn delete_webhook(&mut self, household: &str) -> Result<bool, StoreError> {
        sqlx::query(
            "UPDATE webhook_events SET next_attempt_at = NULL \
             WHERE household = $1 AND delivered_at IS NULL",
        )
        .bind(household)
        .execute(&mut *self.tx)
        .await?;
        let done = sqlx::query("DELETE FROM webhooks WHERE household = $1")
            .bind(household)
            .execute(&mut *self.tx)
            .await?;
        Ok(done.rows_affected() == 1)
    }

    /// Adds `event` unless an event with its id exists. Returns whether it
    /// was added.
    pub async fn insert_webhook_event(&mut self, event: &WebhookEvent) -> Result<bool, StoreError> {
        let done = sqlx::query(
            "INSERT INTO webhook_events \
             (household, id, kind, payload, created_at, attempts, next_attempt_at, delivered_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT DO NOTHING",
        )
        .bind(&event.household)
        .bind(&event.id)
        .bind(&event.kind)
        .bind(&event.payload)
        .bind(event.created_at.0)
        .bind(i64::from(event.attempts))
        .bind(event.next_attempt_at.map(|t| t.0))
        .bind(event.delivered_at.map(|t| t.0))
        .execute(&mut *self.tx)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    /// Logs `attempt` of `household`'s event and sets when the next one is
    /// due (`None`: no more attempts); `delivered` marks it taken.
    pub async fn record_webhook_attempt(
        &mut self,
        household: &str,
        attempt: &WebhookAttempt,
        next_attempt_at: Option<Timestamp>,
        delivered: bool,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO webhook_attempts \
             (household, event_id, attempt, at, status, error, millis) VALUES ($1, $2, $3, $4, $5, $6, $7) \
             ON CONFLICT (household, event_id, attempt) DO UPDATE SET at = excluded.at, \
             status = excluded.status, error = excluded.error, millis = excluded.millis",
        )
        .bind(household)
        .bind(&attempt.event_id)
        .bind(i64::from(attempt.attempt))
        .bind(attempt.at.0)
        .bind(attempt.status.map(i64::from))
        .bind(&attempt.error)
        .bind(i64::try_from(attempt.millis).unwrap_or(i64::MAX))
        .execute(&mut *self.tx)
        .await?;
        sqlx::query(
            "UPDATE webhook_events SET attempts = $1, next_attempt_at = $2, \
             delivered_at = CASE WHEN $3 THEN $4 ELSE delivered_at END \
             WHERE household = $5 AND id = $6",
        )
        .bind(i64::from(attempt.attempt))
        .bind(next_attempt_at.map(|t| t.0))
        .bind(delivered)
        .bind(attempt.at.0)
        .bind(household)
        .bind(&attempt.event_id)
        .execute(&mut *self.tx)
        .await?;
        Ok(())
    }
}

fn webhook(row: &sqlx::any::AnyRow) -> Result<Webhook, StoreError> {
    Ok(Webhook {
        household: row.try_get("household")?,
        url: row.try_get("url")?,
        secret: row.try_get("secret")?,
        since: Timestamp(row.try_get("since")?),
    })
}

fn event(row: &sqlx::any::AnyRow) -> Result<WebhookEvent, StoreError> {
    let at = |column: &str| -> Result<Option<Timestamp>, StoreError> {
        Ok(row.try_get::<Option<i64>, _>(column)?.map(Timestamp))
    };
    Ok(WebhookEvent {
        household: row.try_get("household")?,
        id: row.try_get("id")?,
        kind: row.try_get("kind")?,
        payload: row.try_get("payload")?,
        created_at: Timestamp(row.try_get("created_at")?),
        attempts: u32::try_from(row.try_get::<i64, _>("attempts")?).unwrap_or(u32::MAX),
        next_attempt_at: at("next_attempt_at")?,
        delivered_at: at("delivered_at")?,
    })
}

impl Store {
    /// `household`'s webhook, if it set one.
    pub async fn webhook(&self, household: &str) -> Result<Option<Webhook>, StoreError> {
        let row =
            sqlx::query("SELECT household, url, secret, since FROM webhooks WHERE household = $1")
                .bind(household)
                .fetch_optional(self.reader())
                .await?;
        row.as_ref().map(webhook).transpose()
    }

    /// Every webhook.
    pub async fn webhooks(&self) -> Result<Vec<Webhook>, StoreError> {
        let rows =
            sqlx::query("SELECT household, url, secret, since FROM webhooks ORDER BY household")
                .fetch_all(self.reader())
                .await?;
        rows.iter().map(webhook).collect()
    }

    /// Up to `limit` events whose next attempt is due at `now`, oldest due
    /// first.
    pub async fn due_webhook_events(
        &self,
        now: Timestamp,
        limit: u32,
    ) -> Result<Vec<WebhookEvent>, StoreError> {
        let rows = sqlx::query(
            "SELECT household, id, kind, payload, created_at, attempts, next_attempt_at, delivered_at \
             FROM webhook_events WHERE next_attempt_at IS NOT NULL AND next_attempt_at <= $1 \
             ORDER BY next_attempt_at, household, id LIMIT $2",
        )
        .bind(now.0)
        .bind(i64::from(limit))
        .fetch_all(self.reader())
        .await?;
        rows.iter().map(event).collect()
    }

    /// `household`'s events, newest first (at most `limit`).
    pub async fn webhook_events(
        &self,
        household: &str,
        limit: u32,
    ) -> Result<Vec<WebhookEvent>, StoreError> {
        let rows = sqlx::query(
            "SELECT household, id, kind, payload, created_at, attempts, next_attempt_at, delivered_at \
             FROM webhook_events WHERE household = $1 ORDER BY created_at DESC, id LIMIT $2",
        )
        .bind(household)
        .bind(i64::from(limit))
        .fetch_all(self.reader())
        .await?;
        rows.iter().map(event).collect()
    }

    /// `household`'s delivery log, newest attempt first (at most `limit`).
    pub async fn webhook_attempts(
        &self,
        household: &str,
        limit: u32,
    ) -> Result<Vec<WebhookAttempt>, StoreError> {
        let rows = sqlx::query(
            "SELECT a.event_id, e.kind, a.attempt, a.at, a.status, a.error, a.millis \
             FROM webhook_attempts a JOIN webhook_events e \
             ON e.household = a.household AND e.id = a.event_id \
             WHERE a.household = $1 ORDER BY a.at DESC, a.event_id, a.attempt DESC LIMIT $2",
        )
        .bind(household)
        .bind(i64::from(limit))
        .fetch_all(self.reader())
        .await?;
        rows.iter()
            .map(|row| {
                Ok(WebhookAttempt {
                    event_id: row.try_get("event_id")?,
                    kind: row.try_get("kind")?,
                    attempt: u32::try_from(row.try_get::<i64, _>("attempt")?).unwrap_or(0),
                    at: Timestamp(row.try_get("at")?),
                    status: row
                        .try_get::<Option<i64>, _>("status")?
                        .and_then(|s| u16::try_from(s).ok()),
                    error: row.try_get("error")?,
                    millis: u64::try_from(row.try_get::<i64, _>("millis")?).unwrap_or(0),
                })
            })
            .collect()
    }
}
