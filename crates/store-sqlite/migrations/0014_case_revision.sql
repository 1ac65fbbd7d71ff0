-- Each case row's revision: it moves on every change to the row, whatever
-- makes the change (the API, the CLI, the bulk loader, the summary
-- triggers, an operator's own SQL). Everything a practitioner's queue shows
-- is on their cases' rows (and their own name), so the list of the ids and
-- revisions of their active cases says exactly whether their queue has
-- changed: a server may answer from the rows it read last time while that
-- list is the same, and must read again the moment it is not. The revision
-- is the row's own, so keeping it writes no other row.
ALTER TABLE cases ADD COLUMN revision INTEGER NOT NULL DEFAULT 0;

-- SQLite's triggers cannot set NEW, so the change is followed by a second
-- update of the same row (its page is already in hand). The condition stops
-- that update from counting itself.
CREATE TRIGGER cases_revision AFTER UPDATE ON cases
    WHEN NEW.revision = OLD.revision
BEGIN
    UPDATE cases SET revision = OLD.revision + 1 WHERE id = NEW.id;
END;
