-- One row the readiness check (GET /api/v1/ready, issue 15) reads and
-- updates, so that "ready" means the database took a committed write: a
-- full disk, a read-only file or a held lock shows as not ready.
CREATE TABLE readiness (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    checked_at INTEGER NOT NULL
);
INSERT INTO readiness (id, checked_at) VALUES (1, 0);
