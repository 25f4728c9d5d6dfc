-- Vitrine's store, version 6: compiled plugins are shared through the
-- store, so a node that never saw a plugin maps it instead of compiling it.

-- The machine code a node compiled from a plugin version's component, by
-- the component's hash and the engine's fingerprint (an engine of another
-- version or configuration never loads it). Written only by the platform,
-- from a component it validated and compiled itself.
CREATE TABLE artifacts (
    sha256 TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    bytes BLOB NOT NULL,
    created_at INTEGER NOT NULL,
    PRIMARY KEY (sha256, fingerprint)
);
