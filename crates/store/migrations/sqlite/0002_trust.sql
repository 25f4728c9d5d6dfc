-- Vitrine's store, version 2: what trustworthy decisions need.

-- A need can be decided more than once: when its auction found no offer,
-- or its ask expired, it stays open and is decided again. `open` says
-- whether it may still be decided; `attempts` counts its decisions.
ALTER TABLE needs ADD COLUMN open INTEGER NOT NULL DEFAULT 1;
ALTER TABLE needs ADD COLUMN attempts INTEGER NOT NULL DEFAULT 0;
UPDATE needs SET open = 0, attempts = 1 WHERE decision IS NOT NULL;

-- Several decisions per need (one per attempt, each with its own id); one
-- live order per need (an expired ask no longer holds it).
DROP INDEX one_decision_per_need;
CREATE INDEX decisions_need ON decisions (household, need_id);
DROP INDEX one_order_per_need;
CREATE UNIQUE INDEX one_live_order_per_need ON orders (household, need_id)
    WHERE status != 'expired';

-- A household's events, readings and purchases, one row each, so that a
-- post appends rows instead of rewriting the household's document. Rows
-- older than the history window are deleted as new ones arrive.
CREATE TABLE household_events (
    seq       INTEGER PRIMARY KEY AUTOINCREMENT,
    household TEXT NOT NULL REFERENCES households (id) ON DELETE CASCADE,
    kind      TEXT NOT NULL CHECK (kind IN ('consumption', 'inventory', 'purchase')),
    at        INTEGER NOT NULL,
    data      TEXT NOT NULL
) STRICT;
CREATE INDEX household_events_by_time ON household_events (household, at);

-- Revoked tokens keep their row (so that a revoked operator token given
-- again in the environment is refused, not re-created).
ALTER TABLE tokens ADD COLUMN revoked_at INTEGER;

-- k-anonymity: which households (salted hashes) asked to share each
-- combination of request fields, on which day. Survives restarts; rows
-- older than the window are deleted.
CREATE TABLE k_anonymity (
    key       TEXT NOT NULL,
    household TEXT NOT NULL,
    day       INTEGER NOT NULL,
    PRIMARY KEY (key, household)
) STRICT;
CREATE INDEX k_anonymity_day ON k_anonymity (day);

-- Differential privacy spent on each household in each brand's reports,
-- per report day: a household stops counting in a brand's reports once its
-- budget over the window is spent.
CREATE TABLE privacy_spend (
    brand     TEXT NOT NULL REFERENCES brands (id),
    household TEXT NOT NULL REFERENCES households (id) ON DELETE CASCADE,
    day       INTEGER NOT NULL,
    epsilon   REAL NOT NULL,
    PRIMARY KEY (brand, household, day)
) STRICT;
