-- What the queue and re-evaluation need from a case's notes, kept on the
-- case row by each note as it is written (in the note's own transaction):
-- the first and latest client contact, the latest piece of work, the latest
-- case review, and how many notes were late entries. With millions of notes
-- the queue and the hourly re-evaluation then read one row per case instead
-- of five index searches into the notes. Contact means any note but
-- internal, review and supervision notes; work means any note but
-- supervision; the first contact counts from when the case was (re)opened.
ALTER TABLE cases ADD COLUMN first_contact_at TIMESTAMPTZ;
ALTER TABLE cases ADD COLUMN last_contact_at TIMESTAMPTZ;
ALTER TABLE cases ADD COLUMN last_action_at TIMESTAMPTZ;
ALTER TABLE cases ADD COLUMN last_review_at TIMESTAMPTZ;
ALTER TABLE cases ADD COLUMN late_notes BIGINT NOT NULL DEFAULT 0;

UPDATE cases SET
    first_contact_at = (SELECT MIN(n.occurred_at) FROM notes n WHERE n.case_id = cases.id
        AND n.kind NOT IN ('internal', 'review', 'supervision')
        AND n.occurred_at >= COALESCE(cases.opened_at, cases.created_at)),
    last_contact_at = (SELECT MAX(n.occurred_at) FROM notes n WHERE n.case_id = cases.id
        AND n.kind NOT IN ('internal', 'review', 'supervision')),
    last_action_at = (SELECT MAX(n.occurred_at) FROM notes n WHERE n.case_id = cases.id
        AND n.kind <> 'supervision'),
    last_review_at = (SELECT MAX(n.occurred_at) FROM notes n WHERE n.case_id = cases.id
        AND n.kind = 'review'),
    late_notes = (SELECT COUNT(*) FROM notes n WHERE n.case_id = cases.id AND n.late_entry);
