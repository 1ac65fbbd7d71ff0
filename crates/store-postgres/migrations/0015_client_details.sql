-- Finding and editing clients (issue 13).
--
-- Search keys. A client's name is found by the folded form of each of its
-- words (`client_words`: "Łukasz Nowak" is found by "lukasz" and "nowak",
-- by prefix) and sorted by `sort_key` (the folded name, then the name
-- itself: English order, Ł among the Ls). Folding is one Rust function
-- (`caseload_domain::clients`), which SQL cannot call (and `unaccent` is
-- not on SQLite), so the store writes the keys with every client it writes;
-- rows without a key (those from before this migration, a bulk load, or a
-- rename made past the store, which the trigger below un-keys) are keyed by
-- the store when it migrates or bulk-loads, found through
-- `clients_unkeyed_idx`. Keys compare byte by byte ("C"), as on SQLite, so
-- both databases give the same order and prefix ranges use the index.
ALTER TABLE clients ADD COLUMN sort_key TEXT COLLATE "C";

-- Contact preferences: each way of contact safe, not safe or not asked yet
-- (NULL); when it is safe; a safe address or a warning.
ALTER TABLE clients ADD COLUMN contact_phone BOOLEAN;
ALTER TABLE clients ADD COLUMN contact_text BOOLEAN;
ALTER TABLE clients ADD COLUMN contact_email BOOLEAN;
ALTER TABLE clients ADD COLUMN contact_letter BOOLEAN;
ALTER TABLE clients ADD COLUMN contact_in_person BOOLEAN;
ALTER TABLE clients ADD COLUMN contact_times TEXT;
ALTER TABLE clients ADD COLUMN safe_address TEXT;
-- Access needs.
ALTER TABLE clients ADD COLUMN interpreter BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE clients ADD COLUMN interpreter_language TEXT;
ALTER TABLE clients ADD COLUMN adjustments TEXT;

-- The sorted list of a team's clients, and of those a user recorded.
CREATE INDEX clients_team_sort_idx ON clients (team_id, sort_key, id);
CREATE INDEX clients_created_by_sort_idx ON clients (created_by, sort_key, id);
CREATE INDEX clients_date_of_birth_idx ON clients (date_of_birth);
CREATE INDEX clients_unkeyed_idx ON clients (id) WHERE sort_key IS NULL;

CREATE TABLE client_words (
    word TEXT COLLATE "C" NOT NULL,
    client_id TEXT NOT NULL REFERENCES clients (id),
    PRIMARY KEY (word, client_id)
);
CREATE INDEX client_words_client_idx ON client_words (client_id);

-- A name changed without its key (SQL by hand) loses its key, to be keyed
-- again, rather than being found by the old name.
CREATE FUNCTION clients_unkey_on_rename() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.name IS DISTINCT FROM OLD.name AND NEW.sort_key IS NOT DISTINCT FROM OLD.sort_key THEN
        NEW.sort_key := NULL;
        DELETE FROM client_words WHERE client_id = NEW.id;
    END IF;
    RETURN NEW;
END
$$;
CREATE TRIGGER clients_unkey_on_rename BEFORE UPDATE OF name ON clients
    FOR EACH ROW EXECUTE FUNCTION clients_unkey_on_rename();

-- Who changed what in a client's details, when, with the old and new value
-- of each field: one row per field, written in the update's transaction.
CREATE TABLE client_changes (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    client_id TEXT NOT NULL REFERENCES clients (id),
    at TIMESTAMPTZ NOT NULL,
    actor_id TEXT NOT NULL REFERENCES users (id),
    request_id TEXT NOT NULL,
    field TEXT NOT NULL,
    old_value TEXT,
    new_value TEXT
);
CREATE INDEX client_changes_client_idx ON client_changes (client_id, id);

CREATE TRIGGER client_changes_are_append_only BEFORE UPDATE OR DELETE ON client_changes
    FOR EACH ROW EXECUTE FUNCTION caseload_refuse_change();
