-- Case records (C1), users and teams, the case timeline and the audit trail.
-- Timestamps are timestamptz, dates are date, JSON is jsonb. Ids are opaque
-- TEXT, time-ordered. The SQLite schema holds the same tables and columns (a
-- test checks).

CREATE TABLE teams (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    CONSTRAINT teams_name_key UNIQUE (name)
);

CREATE TABLE users (
    id TEXT PRIMARY KEY,
    email TEXT NOT NULL,
    name TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('practitioner', 'supervisor', 'admin', 'auditor')),
    team_id TEXT REFERENCES teams (id),
    active BOOLEAN NOT NULL DEFAULT TRUE,
    password_hash TEXT,
    created_at TIMESTAMPTZ NOT NULL,
    CONSTRAINT users_email_key UNIQUE (email)
);

CREATE TABLE api_tokens (
    id TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users (id),
    token_hash TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    revoked_at TIMESTAMPTZ,
    CONSTRAINT api_tokens_hash_key UNIQUE (token_hash)
);

CREATE TABLE clients (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    date_of_birth DATE,
    phone TEXT,
    email TEXT,
    address TEXT,
    team_id TEXT NOT NULL REFERENCES teams (id),
    created_by TEXT NOT NULL REFERENCES users (id),
    created_at TIMESTAMPTZ NOT NULL
);
-- Listing a team's clients.
CREATE INDEX clients_team_idx ON clients (team_id, id);

CREATE TABLE cases (
    id TEXT PRIMARY KEY,
    client_id TEXT NOT NULL REFERENCES clients (id),
    title TEXT NOT NULL,
    service_area TEXT NOT NULL,
    owner_id TEXT NOT NULL REFERENCES users (id),
    team_id TEXT NOT NULL REFERENCES teams (id),
    status TEXT NOT NULL CHECK (status IN ('referral', 'open', 'on_hold', 'closed')),
    complexity TEXT NOT NULL CHECK (complexity IN ('low', 'medium', 'high')),
    closure_reason TEXT,
    closure_summary TEXT,
    opened_at TIMESTAMPTZ,
    closed_at TIMESTAMPTZ,
    created_by TEXT NOT NULL REFERENCES users (id),
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
);
-- A practitioner's caseload (the queue): their cases by status.
CREATE INDEX cases_owner_idx ON cases (owner_id, status, id);
-- A team's cases, for supervisors and team members.
CREATE INDEX cases_team_idx ON cases (team_id, status, id);
-- A client's cases.
CREATE INDEX cases_client_idx ON cases (client_id);

CREATE TABLE case_status_changes (
    id TEXT PRIMARY KEY,
    case_id TEXT NOT NULL REFERENCES cases (id),
    from_status TEXT NOT NULL,
    to_status TEXT NOT NULL,
    reason TEXT,
    actor_id TEXT NOT NULL REFERENCES users (id),
    at TIMESTAMPTZ NOT NULL
);
CREATE INDEX case_status_changes_case_idx ON case_status_changes (case_id, at);

CREATE TABLE notes (
    id TEXT PRIMARY KEY,
    case_id TEXT NOT NULL REFERENCES cases (id),
    author_id TEXT NOT NULL REFERENCES users (id),
    kind TEXT NOT NULL,
    template TEXT NOT NULL,
    occurred_at TIMESTAMPTZ NOT NULL,
    recorded_at TIMESTAMPTZ NOT NULL,
    late_entry BOOLEAN NOT NULL,
    late_reason TEXT,
    -- JSON array of {"name", "text"} in template order.
    sections JSONB NOT NULL,
    CHECK (NOT late_entry OR late_reason IS NOT NULL)
);
-- A case's notes in the order the contacts happened.
CREATE INDEX notes_case_idx ON notes (case_id, occurred_at);

CREATE TABLE note_amendments (
    id TEXT PRIMARY KEY,
    note_id TEXT NOT NULL REFERENCES notes (id),
    -- 1, 2, 3… per note: the order amendments were made.
    seq INTEGER NOT NULL,
    author_id TEXT NOT NULL REFERENCES users (id),
    recorded_at TIMESTAMPTZ NOT NULL,
    reason TEXT NOT NULL,
    sections JSONB NOT NULL,
    CONSTRAINT note_amendments_seq_key UNIQUE (note_id, seq)
);

-- Notes and amendments are legal records: the database itself refuses to
-- rewrite or remove them. (Retention, a later capability, will anonymise
-- through an explicit, audited path.)
CREATE FUNCTION caseload_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% is append-only: add an amendment instead', TG_TABLE_NAME
        USING ERRCODE = 'integrity_constraint_violation';
END;
$$;
CREATE TRIGGER notes_are_append_only BEFORE UPDATE OR DELETE ON notes
    FOR EACH ROW EXECUTE FUNCTION caseload_refuse_change();
CREATE TRIGGER note_amendments_are_append_only BEFORE UPDATE OR DELETE ON note_amendments
    FOR EACH ROW EXECUTE FUNCTION caseload_refuse_change();

CREATE TABLE outcomes (
    id TEXT PRIMARY KEY,
    case_id TEXT NOT NULL REFERENCES cases (id),
    description TEXT NOT NULL,
    target_date DATE,
    status TEXT NOT NULL,
    created_by TEXT NOT NULL REFERENCES users (id),
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX outcomes_case_idx ON outcomes (case_id);

CREATE TABLE outcome_progress (
    id TEXT PRIMARY KEY,
    outcome_id TEXT NOT NULL REFERENCES outcomes (id),
    seq INTEGER NOT NULL,
    author_id TEXT NOT NULL REFERENCES users (id),
    recorded_at TIMESTAMPTZ NOT NULL,
    status TEXT NOT NULL,
    text TEXT NOT NULL,
    CONSTRAINT outcome_progress_seq_key UNIQUE (outcome_id, seq)
);

CREATE TABLE obstacles (
    id TEXT PRIMARY KEY,
    case_id TEXT NOT NULL REFERENCES cases (id),
    category TEXT NOT NULL,
    description TEXT NOT NULL,
    raised_by TEXT NOT NULL REFERENCES users (id),
    raised_at TIMESTAMPTZ NOT NULL,
    resolved_at TIMESTAMPTZ,
    resolved_by TEXT REFERENCES users (id),
    resolution TEXT
);
CREATE INDEX obstacles_case_idx ON obstacles (case_id);

CREATE TABLE tasks (
    id TEXT PRIMARY KEY,
    case_id TEXT NOT NULL REFERENCES cases (id),
    title TEXT NOT NULL,
    due_date DATE,
    assignee_id TEXT REFERENCES users (id),
    status TEXT NOT NULL CHECK (status IN ('open', 'done', 'cancelled')),
    created_by TEXT NOT NULL REFERENCES users (id),
    created_at TIMESTAMPTZ NOT NULL,
    completed_at TIMESTAMPTZ,
    completed_by TEXT REFERENCES users (id)
);
-- A case's tasks; and "what is due" for a case's next action.
CREATE INDEX tasks_case_idx ON tasks (case_id, status, due_date);
-- A person's open tasks.
CREATE INDEX tasks_assignee_idx ON tasks (assignee_id, status, due_date);

-- The case timeline: one row per thing that happened, written in the same
-- transaction as the thing itself. `at` is when it happened (for a note, the
-- contact time); `seq` breaks ties in the order things were recorded.
CREATE TABLE case_events (
    seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    case_id TEXT NOT NULL REFERENCES cases (id),
    at TIMESTAMPTZ NOT NULL,
    recorded_at TIMESTAMPTZ NOT NULL,
    actor_id TEXT NOT NULL REFERENCES users (id),
    kind TEXT NOT NULL,
    subject_id TEXT NOT NULL,
    data JSONB NOT NULL
);
CREATE INDEX case_events_case_idx ON case_events (case_id, at, seq);

-- The audit trail (C8): who did what to which record, when, under which
-- request — never the content. `seq` orders the chain; `prev_hash` and
-- `hash` are reserved for the tamper-evident hash chain (a later issue).
CREATE TABLE audit_events (
    seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at TIMESTAMPTZ NOT NULL,
    actor_id TEXT,
    action TEXT NOT NULL,
    object_type TEXT NOT NULL,
    object_id TEXT,
    request_id TEXT NOT NULL,
    prev_hash TEXT,
    hash TEXT
);
-- "Who viewed this client / case" reports.
CREATE INDEX audit_events_object_idx ON audit_events (object_type, object_id, seq);
CREATE INDEX audit_events_actor_idx ON audit_events (actor_id, seq);

CREATE TRIGGER audit_events_are_append_only BEFORE DELETE ON audit_events
    FOR EACH ROW EXECUTE FUNCTION caseload_refuse_change();
