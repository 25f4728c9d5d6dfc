-- Vitrine's store, version 1. Private household data lives only in
-- `households`, `needs`, `decisions` and `orders`; erasing a household
-- deletes those rows. The audit log names households by pseudonym only, so
-- it can keep its entries (and its hash chain) after an erasure.

-- Settings the platform generates once: the pseudonym and audit secrets.
CREATE TABLE settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) STRICT;

-- Bearer tokens, stored as SHA-256 hashes (tokens are 256 random bits, so a
-- fast hash is enough: nothing to brute-force).
CREATE TABLE tokens (
    hash       TEXT PRIMARY KEY,
    role       TEXT NOT NULL CHECK (role IN ('operator', 'brand', 'household')),
    subject    TEXT NOT NULL,
    created_at INTEGER NOT NULL
) STRICT;
CREATE INDEX tokens_subject ON tokens (role, subject);

CREATE TABLE brands (
    id         TEXT PRIMARY KEY,
    name       TEXT NOT NULL,
    created_at INTEGER NOT NULL
) STRICT;

-- Every uploaded plugin version. At most one per brand is `enabled`.
CREATE TABLE plugin_versions (
    brand       TEXT NOT NULL REFERENCES brands (id),
    version     INTEGER NOT NULL,
    sha256      TEXT NOT NULL,
    wasm        BLOB NOT NULL,
    catalog     TEXT NOT NULL,
    info        TEXT NOT NULL,
    status      TEXT NOT NULL CHECK (status IN ('enabled', 'disabled', 'retired')),
    limits      TEXT NOT NULL,
    uploaded_at INTEGER NOT NULL,
    PRIMARY KEY (brand, version)
) STRICT;
CREATE UNIQUE INDEX one_enabled_version ON plugin_versions (brand) WHERE status = 'enabled';

-- A household's private model (events, inventory, purchases, calendar,
-- signals, preferences, consents, mandates) as one JSON document.
CREATE TABLE households (
    id         TEXT PRIMARY KEY,
    data       TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
) STRICT;

CREATE TABLE needs (
    id         TEXT NOT NULL,
    household  TEXT NOT NULL REFERENCES households (id) ON DELETE CASCADE,
    kind       TEXT NOT NULL,
    category   TEXT NOT NULL,
    data       TEXT NOT NULL,
    raised_at  INTEGER NOT NULL,
    decision   TEXT,
    PRIMARY KEY (household, id)
) STRICT;
CREATE INDEX needs_household ON needs (household, raised_at);

CREATE TABLE decisions (
    id         TEXT NOT NULL,
    household  TEXT NOT NULL REFERENCES households (id) ON DELETE CASCADE,
    need_id    TEXT NOT NULL,
    at         INTEGER NOT NULL,
    outcome    TEXT NOT NULL,
    data       TEXT NOT NULL,
    PRIMARY KEY (household, id)
) STRICT;
CREATE INDEX decisions_household ON decisions (household, at);
CREATE UNIQUE INDEX one_decision_per_need ON decisions (household, need_id);

CREATE TABLE orders (
    id         TEXT PRIMARY KEY,
    household  TEXT NOT NULL REFERENCES households (id) ON DELETE CASCADE,
    need_id    TEXT NOT NULL,
    brand      TEXT NOT NULL,
    status     TEXT NOT NULL,
    price_paid INTEGER NOT NULL,
    data       TEXT NOT NULL
) STRICT;
CREATE UNIQUE INDEX one_order_per_need ON orders (household, need_id);
CREATE INDEX orders_brand ON orders (brand);

-- The budget ledger: +price when an order starts spending (placed or
-- approved), -price when it stops (cancelled). Its sum per order equals the
-- order's spending.
CREATE TABLE ledger (
    seq        INTEGER PRIMARY KEY AUTOINCREMENT,
    household  TEXT NOT NULL REFERENCES households (id) ON DELETE CASCADE,
    order_id   TEXT NOT NULL,
    mandate    TEXT,
    amount     INTEGER NOT NULL,
    at         INTEGER NOT NULL
) STRICT;
CREATE INDEX ledger_order ON ledger (order_id);

-- Daily brand reports, stored when first issued: asking again returns the
-- same report and spends no more privacy budget.
CREATE TABLE brand_reports (
    brand   TEXT NOT NULL REFERENCES brands (id),
    day     INTEGER NOT NULL,
    epsilon REAL NOT NULL,
    data    TEXT NOT NULL,
    PRIMARY KEY (brand, day)
) STRICT;

-- Operator settings: the data-sharing policy.
CREATE TABLE policy (
    id   INTEGER PRIMARY KEY CHECK (id = 1),
    data TEXT NOT NULL
) STRICT;

-- Answers to POSTs carrying an Idempotency-Key, replayed on a retry.
CREATE TABLE idempotency (
    principal    TEXT NOT NULL,
    key          TEXT NOT NULL,
    route        TEXT NOT NULL,
    request_hash TEXT NOT NULL,
    status       INTEGER NOT NULL,
    body         TEXT NOT NULL,
    created_at   INTEGER NOT NULL,
    PRIMARY KEY (principal, key)
) STRICT;

-- Append-only; each entry's hash covers its fields and the previous hash.
CREATE TABLE audit (
    seq       INTEGER PRIMARY KEY,
    at        INTEGER NOT NULL,
    actor     TEXT NOT NULL,
    action    TEXT NOT NULL,
    subject   TEXT NOT NULL,
    detail    TEXT NOT NULL,
    prev_hash TEXT NOT NULL,
    hash      TEXT NOT NULL
) STRICT;
CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
