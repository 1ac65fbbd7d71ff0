-- Priorities (C2). Policy versions are immutable: a change is a new version,
-- and every assessment points at the version it was made under.
CREATE TABLE policy_versions (
    policy_id TEXT NOT NULL,
    version INTEGER NOT NULL,
    name TEXT NOT NULL,
    -- JSON array of service areas the policy is for.
    service_areas TEXT NOT NULL,
    -- The policy as validated, in its readable file format (TOML).
    body TEXT NOT NULL,
    created_by TEXT REFERENCES users (id),
    created_at INTEGER NOT NULL,
    PRIMARY KEY (policy_id, version)
);

CREATE TABLE assessments (
    id TEXT PRIMARY KEY,
    case_id TEXT NOT NULL REFERENCES cases (id),
    policy_id TEXT NOT NULL,
    policy_version INTEGER NOT NULL,
    answers TEXT NOT NULL,
    score INTEGER NOT NULL,
    band TEXT NOT NULL,
    rationale TEXT NOT NULL,
    assessed_by TEXT NOT NULL REFERENCES users (id),
    assessed_at INTEGER NOT NULL,
    FOREIGN KEY (policy_id, policy_version) REFERENCES policy_versions (policy_id, version)
);
-- A case's assessments, newest last.
CREATE INDEX assessments_case_idx ON assessments (case_id, assessed_at);

-- Every change of band, with its cause: assessment, reassessment, override, time.
CREATE TABLE priority_changes (
    id TEXT PRIMARY KEY,
    case_id TEXT NOT NULL REFERENCES cases (id),
    -- 1, 2, 3… per case: the order the changes were made.
    seq INTEGER NOT NULL,
    band TEXT NOT NULL,
    previous_band TEXT,
    cause TEXT NOT NULL CHECK (cause IN ('assessment', 'reassessment', 'override', 'time')),
    rationale TEXT NOT NULL,
    assessment_id TEXT REFERENCES assessments (id),
    actor_id TEXT NOT NULL REFERENCES users (id),
    at INTEGER NOT NULL
);
CREATE UNIQUE INDEX priority_changes_case_idx ON priority_changes (case_id, seq);

-- The current band on the case itself, so the queue orders without joins:
-- the band, the floor a hard rule set (only a supervisor may go below it),
-- and when the case was last assessed.
ALTER TABLE cases ADD COLUMN priority_band TEXT;
ALTER TABLE cases ADD COLUMN priority_floor TEXT;
ALTER TABLE cases ADD COLUMN assessed_at INTEGER;

-- In-app notifications ("inform others of the need to prioritise", PC11).
CREATE TABLE notifications (
    id TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users (id),
    case_id TEXT REFERENCES cases (id),
    kind TEXT NOT NULL,
    message TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    acknowledged_at INTEGER
);
-- A person's unacknowledged notifications, newest first.
CREATE INDEX notifications_user_idx ON notifications (user_id, acknowledged_at, created_at);

CREATE TRIGGER policy_versions_are_immutable_update BEFORE UPDATE ON policy_versions
BEGIN SELECT RAISE(ABORT, 'policy versions are immutable: save a new version'); END;
CREATE TRIGGER policy_versions_are_immutable_delete BEFORE DELETE ON policy_versions
BEGIN SELECT RAISE(ABORT, 'policy versions are immutable'); END;
