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
