-- Vitrine's store, version 8: several nodes on one database (see
-- migrations/sqlite/0008_nodes.sql).

ALTER TABLE households ADD COLUMN version BIGINT NOT NULL DEFAULT 1;

CREATE TABLE work_items (
    job TEXT NOT NULL,
    run BIGINT NOT NULL,
    item TEXT NOT NULL,
    claimed_by TEXT,
    lease_until BIGINT,
    done_at BIGINT,
    PRIMARY KEY (job, run, item)
);
CREATE INDEX work_items_open ON work_items (job, run) WHERE done_at IS NULL;

-- A plugin version's revision, raised when its limits or catalog change:
-- with the enabled version, what tells a node its copy of a brand's plugin
-- is stale. Every change to what is enabled raises the setting
-- `plugins_generation` (and, on PostgreSQL, notifies `vitrine_plugins`).
ALTER TABLE plugin_versions ADD COLUMN revision BIGINT NOT NULL DEFAULT 1;

-- Plugins a node suspended after failing call after call (the runtime's
-- circuit breaker), until when (Unix milliseconds): every node on the
-- database suspends them too, so a failing plugin costs its failures once,
-- not once per node.
CREATE TABLE plugin_suspensions (
    brand TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    until_ms BIGINT NOT NULL,
    failures BIGINT NOT NULL,
    PRIMARY KEY (brand, sha256)
);
