-- Finding and editing clients (issue 13).
--
-- Search keys. A client's name is found by the folded form of each of its
-- words (`client_words`: "Łukasz Nowak" is found by "lukasz" and "nowak",
-- by prefix) and sorted by `sort_key` (the folded name, then the name
-- itself: English order, Ł among the Ls). Folding is one Rust function
-- (`caseload_domain::clients`), which SQL cannot call, so the store writes
-- the keys with every client it writes; rows without a key (those from
-- before this migration, a bulk load, or a rename made past the store, which
-- the trigger below un-keys) are keyed by the store when it migrates or
-- bulk-loads, found through `clients_unkeyed_idx`.
ALTER TABLE clients ADD COLUMN sort_key TEXT;

-- Contact preferences: each way of contact safe (1), not safe (0) or not
-- asked yet (NULL); when it is safe; a safe address or a warning.
ALTER TABLE clients ADD COLUMN contact_phone INTEGER;
ALTER TABLE clients ADD COLUMN contact_text INTEGER;
ALTER TABLE clients ADD COLUMN contact_email INTEGER;
ALTER TABLE clients ADD COLUMN contact_letter INTEGER;
ALTER TABLE clients ADD COLUMN contact_in_person INTEGER;
ALTER TABLE clients ADD COLUMN contact_times TEXT;
ALTER TABLE clients ADD COLUMN safe_address TEXT;
-- Access needs.
ALTER TABLE clients ADD COLUMN interpreter INTEGER NOT NULL DEFAULT 0;
ALTER TABLE clients ADD COLUMN interpreter_language TEXT;
ALTER TABLE clients ADD COLUMN adjustments TEXT;

-- The sorted list of a team's clients, and of those a user recorded.
CREATE INDEX clients_team_sort_idx ON clients (team_id, sort_key, id);
CREATE INDEX clients_created_by_sort_idx ON clients (created_by, sort_key, id);
CREATE INDEX clients_date_of_birth_idx ON clients (date_of_birth);
CREATE INDEX clients_unkeyed_idx ON clients (id) WHERE sort_key IS NULL;

CREATE TABLE client_words (
    word TEXT NOT NULL,
    client_id TEXT NOT NULL REFERENCES clients (id),
    PRIMARY KEY (word, client_id)
);
CREATE INDEX client_words_client_idx ON client_words (client_id);

-- A name changed without its key (SQL by hand) loses its key, to be keyed
-- again, rather than being found by the old name.
CREATE TRIGGER clients_unkey_on_rename AFTER UPDATE OF name ON clients
WHEN NEW.name IS NOT OLD.name AND NEW.sort_key IS OLD.sort_key
BEGIN
    UPDATE clients SET sort_key = NULL WHERE id = NEW.id;
    DELETE FROM client_words WHERE client_id = NEW.id;
END;

-- Who changed what in a client's details, when, with the old and new value
-- of each field: one row per field, written in the update's transaction.
CREATE TABLE client_changes (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    client_id TEXT NOT NULL REFERENCES clients (id),
    at INTEGER NOT NULL,
    actor_id TEXT NOT NULL REFERENCES users (id),
    request_id TEXT NOT NULL,
    field TEXT NOT NULL,
    old_value TEXT,
    new_value TEXT
);
CREATE INDEX client_changes_client_idx ON client_changes (client_id, id);

CREATE TRIGGER client_changes_are_append_only_update BEFORE UPDATE ON client_changes
BEGIN SELECT RAISE(ABORT, 'client history is append-only'); END;
CREATE TRIGGER client_changes_are_append_only_delete BEFORE DELETE ON client_changes
BEGIN SELECT RAISE(ABORT, 'client history is append-only'); END;
