-- Vitrine's store, version 8: several nodes on one database.

-- A household's version, raised by every change to its profile or its
-- events: a node keeps a household in memory and reads it again when the
-- version in the store is not the one it holds.
ALTER TABLE households ADD COLUMN version INTEGER NOT NULL DEFAULT 1;

-- Periodic work shared between nodes: each run of a job (`needs-cycle`
-- and its number) is a set of items (households); a node claims a batch
-- until `lease_until`, marks each item done, and a claim whose lease ran
-- out (its node died) is claimed again by another.
CREATE TABLE work_items (
    job TEXT NOT NULL,
    run INTEGER NOT NULL,
    item TEXT NOT NULL,
    claimed_by TEXT,
    lease_until INTEGER,
    done_at INTEGER,
    PRIMARY KEY (job, run, item)
);
CREATE INDEX work_items_open ON work_items (job, run) WHERE done_at IS NULL;

-- A plugin version's revision, raised when its limits or catalog change:
-- with the enabled version, what tells a node its copy of a brand's plugin
-- is stale. Every change to what is enabled raises the setting
-- `plugins_generation` (and, on PostgreSQL, notifies `vitrine_plugins`).
ALTER TABLE plugin_versions ADD COLUMN revision INTEGER NOT NULL DEFAULT 1;

-- Plugins a node suspended after failing call after call (the runtime's
-- circuit breaker), until when (Unix milliseconds): every node on the
-- database suspends them too, so a failing plugin costs its failures once,
-- not once per node.
CREATE TABLE plugin_suspensions (
    brand TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    until_ms INTEGER NOT NULL,
    failures INTEGER NOT NULL,
    PRIMARY KEY (brand, sha256)
);
