-- In what capacity each amendment was made (SPEC C1: only the note's author
-- amends it, or a supervisor of the case's team, "shown as such"). Rows
-- written before this migration were made by their authors' rules of the
-- time and read as 'author'.
ALTER TABLE note_amendments ADD COLUMN amended_as TEXT NOT NULL DEFAULT 'author'
    CHECK (amended_as IN ('author', 'supervisor'));

-- Why a task was cancelled: asked for when it is cancelled, cleared when it
-- is reopened or done. Each change's reason also stays on its timeline entry.
ALTER TABLE tasks ADD COLUMN cancellation_reason TEXT;
