-- Vitrine's store, version 4: the household is told through a webhook.

-- One webhook per household: where its inbox items are POSTed, and the
-- secret they are signed with (HMAC-SHA256). Items from before `since` are
-- not sent.
CREATE TABLE webhooks (
    household TEXT PRIMARY KEY NOT NULL,
    url TEXT NOT NULL,
    secret TEXT NOT NULL,
    since INTEGER NOT NULL
);

-- Each inbox item is one event, sent until the receiver answers 2xx or the
-- retries run out. `id` is stable (the receiver deduplicates on it);
-- `payload` is the body as first sent, so a retry sends the same bytes.
CREATE TABLE webhook_events (
    household TEXT NOT NULL,
    id TEXT NOT NULL,
    kind TEXT NOT NULL,
    payload TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at INTEGER,
    delivered_at INTEGER,
    PRIMARY KEY (household, id)
);
CREATE INDEX webhook_events_due ON webhook_events (next_attempt_at)
    WHERE next_attempt_at IS NOT NULL;

-- The delivery log: every attempt, what the receiver answered (or why it
-- could not be reached), and how long it took.
CREATE TABLE webhook_attempts (
    household TEXT NOT NULL,
    event_id TEXT NOT NULL,
    attempt INTEGER NOT NULL,
    at INTEGER NOT NULL,
    status INTEGER,
    error TEXT,
    millis INTEGER NOT NULL,
    PRIMARY KEY (household, event_id, attempt)
);
