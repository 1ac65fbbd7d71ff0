-- Each case row's revision: it moves on every change to the row, whatever
-- makes the change (the API, the CLI, the bulk loader, the summary
-- triggers, an operator's own SQL). Everything a practitioner's queue shows
-- is on their cases' rows (and their own name), so the list of the ids and
-- revisions of their active cases says exactly whether their queue has
-- changed: a server may answer from the rows it read last time while that
-- list is the same, and must read again the moment it is not. The revision
-- is the row's own, so keeping it locks and writes nothing else.
ALTER TABLE cases ADD COLUMN revision BIGINT NOT NULL DEFAULT 0;

CREATE FUNCTION cases_revision() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.revision := OLD.revision + 1;
    RETURN NEW;
END
$$;

CREATE TRIGGER cases_revision BEFORE UPDATE ON cases
    FOR EACH ROW EXECUTE FUNCTION cases_revision();
