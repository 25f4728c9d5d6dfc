-- Vitrine's store, version 5: subscriptions are standing orders.

-- One row per subscription; `data` is its JSON (vitrine_core's
-- `Subscription`), the columns are what it is looked up by.
CREATE TABLE subscriptions (
    id TEXT PRIMARY KEY NOT NULL,
    household TEXT NOT NULL,
    brand TEXT NOT NULL,
    category TEXT NOT NULL,
    status TEXT NOT NULL,
    data TEXT NOT NULL,
    updated_at INTEGER NOT NULL
);
CREATE INDEX subscriptions_by_household ON subscriptions (household);
CREATE INDEX subscriptions_by_brand ON subscriptions (brand);
CREATE INDEX subscriptions_live ON subscriptions (status)
    WHERE status IN ('active', 'paused');
