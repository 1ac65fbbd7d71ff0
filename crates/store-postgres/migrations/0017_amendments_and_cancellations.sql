-- In what capacity each amendment was made (SPEC C1: only the note's author
-- amends it, or a supervisor of the case's team, "shown as such"). Rows
-- written before this migration were made when any colleague with access
-- could amend, and nobody recorded in what capacity: they read
-- 'unrecorded' (the rows themselves are append-only and are not rewritten).
-- Every amendment written since names its capacity.
ALTER TABLE note_amendments ADD COLUMN amended_as TEXT NOT NULL DEFAULT 'unrecorded'
    CHECK (amended_as IN ('author', 'supervisor', 'unrecorded'));

-- Why a task was cancelled: asked for when it is cancelled, cleared when it
-- is reopened or done. Each change's reason also stays on its timeline entry.
ALTER TABLE tasks ADD COLUMN cancellation_reason TEXT;
