-- A practitioner's clients are those of their team or those they recorded:
-- with an index on each side, the "or" is two index searches, not a read
-- of every client.
CREATE INDEX clients_created_by_idx ON clients (created_by, id);
