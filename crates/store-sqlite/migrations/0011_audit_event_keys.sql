-- Read audit events reach the trail through a journal file on SQLite (see
-- the SQLite store's journal module): each carries a unique key, so moving
-- a journal twice after a crash stores each event once. Events written in
-- the same transaction as the change they record have no key.
ALTER TABLE audit_events ADD COLUMN event_key TEXT;
CREATE UNIQUE INDEX audit_events_key_idx ON audit_events (event_key);
