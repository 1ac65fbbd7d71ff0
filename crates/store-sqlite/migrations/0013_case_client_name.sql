-- The client's name kept on the case row, so that reading a caseload or a
-- list of cases reads cases alone: the join to each case's client (an index
-- seek and a table seek a case) was a large part of the queue's statement.
-- Triggers keep it, whatever inserts a case or renames a client.
ALTER TABLE cases ADD COLUMN client_name TEXT NOT NULL DEFAULT '';

UPDATE cases SET client_name = coalesce((SELECT name FROM clients WHERE id = cases.client_id), '');

CREATE TRIGGER cases_client_name_on_insert AFTER INSERT ON cases
BEGIN
    UPDATE cases SET client_name = coalesce((SELECT name FROM clients WHERE id = NEW.client_id), '')
    WHERE id = NEW.id;
END;

CREATE TRIGGER cases_client_name_on_move AFTER UPDATE OF client_id ON cases
BEGIN
    UPDATE cases SET client_name = coalesce((SELECT name FROM clients WHERE id = NEW.client_id), '')
    WHERE id = NEW.id;
END;

CREATE TRIGGER clients_name_to_cases AFTER UPDATE OF name ON clients
BEGIN
    UPDATE cases SET client_name = NEW.name WHERE client_id = NEW.id;
END;
