-- Deadlines on cases (C3): from a catalogue rule and its trigger date, or a
-- date given by hand. Each carries a task, so deadlines reach the caseload.
CREATE TABLE deadlines (
    id TEXT PRIMARY KEY,
    case_id TEXT NOT NULL REFERENCES cases (id),
    rule_id TEXT,
    title TEXT NOT NULL,
    trigger_date DATE,
    calendar TEXT,
    due_date DATE NOT NULL,
    -- JSON array of the computation's steps.
    explanation JSONB NOT NULL,
    task_id TEXT NOT NULL REFERENCES tasks (id),
    created_by TEXT NOT NULL REFERENCES users (id),
    created_at TIMESTAMPTZ NOT NULL
);
-- A case's deadlines, soonest first.
CREATE INDEX deadlines_case_idx ON deadlines (case_id, due_date);
-- What falls due across all cases (timescale re-evaluation, later issues).
CREATE INDEX deadlines_due_idx ON deadlines (due_date);
