-- Organisational timescales (C3): one settings file, versioned like the
-- priority policies; the latest version is in force.
CREATE TABLE timescale_versions (
    version BIGINT PRIMARY KEY,
    -- The timescales as validated, in their readable file format (TOML).
    body TEXT NOT NULL,
    created_by TEXT REFERENCES users (id),
    created_at TIMESTAMPTZ NOT NULL
);
CREATE TRIGGER timescale_versions_are_immutable BEFORE UPDATE OR DELETE ON timescale_versions
    FOR EACH ROW EXECUTE FUNCTION caseload_refuse_change();

-- The at-risk and breach alerts already sent: one per case, clock, state and
-- due day, so that re-evaluating again sends nothing twice. The primary key
-- is the lookup re-evaluation makes.
CREATE TABLE timescale_alerts (
    case_id TEXT NOT NULL REFERENCES cases (id),
    -- first_contact, next_action, review, client_response, or deadline:<id>.
    clock TEXT NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('at_risk', 'breached')),
    due_on DATE NOT NULL,
    at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (case_id, clock, state, due_on)
);
