-- Sign-in sessions for the pages (C8). The cookie holds a random secret; only
-- its SHA-256 is stored, so a copy of the database cannot be used to sign in.
CREATE TABLE sessions (
    id_hash TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users (id),
    -- The synchronizer token every state-changing form must carry.
    csrf_token TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    last_seen_at INTEGER NOT NULL,
    revoked_at INTEGER
);
-- Revoking a user's sessions when they are deactivated or their password is reset.
CREATE INDEX sessions_user_idx ON sessions (user_id);

-- A form's one-time key, so a double-submitted note is stored once.
ALTER TABLE notes ADD COLUMN submission_key TEXT;
CREATE UNIQUE INDEX notes_submission_key_idx ON notes (author_id, submission_key);
