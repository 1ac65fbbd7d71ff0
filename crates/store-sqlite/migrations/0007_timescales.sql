-- Organisational timescales (C3): one settings file, versioned like the
-- priority policies; the latest version is in force.
CREATE TABLE timescale_versions (
    version INTEGER PRIMARY KEY,
    -- The timescales as validated, in their readable file format (TOML).
    body TEXT NOT NULL,
    created_by TEXT REFERENCES users (id),
    created_at INTEGER NOT NULL
);
CREATE TRIGGER timescale_versions_are_immutable_update BEFORE UPDATE ON timescale_versions
BEGIN SELECT RAISE(ABORT, 'timescale versions are immutable: save a new version'); END;
CREATE TRIGGER timescale_versions_are_immutable_delete BEFORE DELETE ON timescale_versions
BEGIN SELECT RAISE(ABORT, 'timescale versions are immutable: save a new version'); END;

-- The at-risk and breach alerts already sent: one per case, clock, state and
-- due day, so that re-evaluating again sends nothing twice. The primary key
-- is the lookup re-evaluation makes.
CREATE TABLE timescale_alerts (
    case_id TEXT NOT NULL REFERENCES cases (id),
    -- first_contact, next_action, review, client_response, or deadline:<id>.
    clock TEXT NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('at_risk', 'breached')),
    due_on TEXT NOT NULL,
    at INTEGER NOT NULL,
    PRIMARY KEY (case_id, clock, state, due_on)
);
