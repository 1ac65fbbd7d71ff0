-- Private iCalendar feeds of a practitioner's deadlines and tasks (C3). The
-- URL carries a random secret; only its SHA-256 is kept. Creating a new feed
-- or revoking ends the old one.
CREATE TABLE calendar_feeds (
    token_hash TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users (id),
    created_at INTEGER NOT NULL,
    revoked_at INTEGER
);
CREATE INDEX calendar_feeds_user_idx ON calendar_feeds (user_id);
