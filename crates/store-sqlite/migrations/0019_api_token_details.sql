-- API tokens get a name, a last-used time, an expiry and the scopes they
-- grant (issue 15). Tokens made before this migration had none of these:
-- they are named so, expire 90 days from the migration (the default
-- lifetime), and keep their user's full rights ('read write').
ALTER TABLE api_tokens ADD COLUMN name TEXT NOT NULL DEFAULT 'token created before names';
ALTER TABLE api_tokens ADD COLUMN last_used_at INTEGER;
ALTER TABLE api_tokens ADD COLUMN expires_at INTEGER NOT NULL DEFAULT 0;
ALTER TABLE api_tokens ADD COLUMN scopes TEXT NOT NULL DEFAULT 'read write';
UPDATE api_tokens SET expires_at = (CAST(strftime('%s', 'now') AS INTEGER) + 90 * 86400) * 1000000;

-- A user's tokens, for their list and for revoking them all.
CREATE INDEX api_tokens_user_idx ON api_tokens (user_id, created_at);
