-- One row the readiness check (GET /api/v1/ready, issue 15) reads and
-- updates, so that "ready" means the database took a committed write: a
-- full disk, a read-only server or an unreachable one shows as not ready.
CREATE TABLE readiness (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    checked_at TIMESTAMPTZ NOT NULL
);
INSERT INTO readiness (id, checked_at) VALUES (1, TIMESTAMPTZ '1970-01-01 00:00:00+00');
