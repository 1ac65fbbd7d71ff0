-- What the queue and re-evaluation read of each case's tasks, holds,
-- deadlines, latest assessment and last change of band, kept on the case
-- row. Triggers keep it, whatever writes those rows (the API, the CLI, the
-- bulk loader), so the queue is one index range over an owner's cases
-- instead of five subqueries a case. The formats are the ones
-- `caseload_store::decode` reads:
-- - open_tasks: `due<US>title` per open task, most pressing first, joined
--   by the record separator (0x1E);
-- - hold_marks: `h<micros>` / `r<micros>` for going on and off hold;
-- - deadline_list: `id|due|task status|title` joined by 0x1F;
-- - latest_assessment: `policy id<US>answers<US>rationale` (JSON texts);
-- - last_priority_cause: the cause of the newest change of band.
-- Titles cannot hold control characters, and JSON escapes them.
ALTER TABLE cases ADD COLUMN open_tasks TEXT;
ALTER TABLE cases ADD COLUMN hold_marks TEXT;
ALTER TABLE cases ADD COLUMN deadline_list TEXT;
ALTER TABLE cases ADD COLUMN latest_assessment TEXT;
ALTER TABLE cases ADD COLUMN last_priority_cause TEXT;

CREATE FUNCTION case_open_tasks(TEXT) RETURNS TEXT LANGUAGE sql STABLE AS $$
    SELECT string_agg(coalesce(t.due_date::text, '') || chr(31) || t.title, chr(30)
        ORDER BY t.due_date IS NULL, t.due_date, t.created_at)
    FROM tasks t WHERE t.case_id = $1 AND t.status = 'open'
$$;

CREATE FUNCTION case_hold_marks(TEXT) RETURNS TEXT LANGUAGE sql STABLE AS $$
    SELECT string_agg(CASE WHEN s.to_status = 'on_hold' THEN 'h' ELSE 'r' END
        || (extract(epoch FROM s.at) * 1000000)::bigint, ',')
    FROM case_status_changes s WHERE s.case_id = $1
    AND (s.to_status = 'on_hold' OR s.from_status = 'on_hold')
$$;

CREATE FUNCTION case_deadline_list(TEXT) RETURNS TEXT LANGUAGE sql STABLE AS $$
    SELECT string_agg(d.id || '|' || d.due_date::text || '|' || t.status || '|' || d.title, chr(31))
    FROM deadlines d JOIN tasks t ON t.id = d.task_id WHERE d.case_id = $1
$$;

CREATE FUNCTION case_latest_assessment(TEXT) RETURNS TEXT LANGUAGE sql STABLE AS $$
    SELECT a.policy_id || chr(31) || a.answers::text || chr(31) || a.rationale::text
    FROM assessments a WHERE a.case_id = $1 ORDER BY a.assessed_at DESC LIMIT 1
$$;

CREATE FUNCTION case_last_priority_cause(TEXT) RETURNS TEXT LANGUAGE sql STABLE AS $$
    SELECT p.cause FROM priority_changes p WHERE p.case_id = $1 ORDER BY p.seq DESC LIMIT 1
$$;

UPDATE cases SET
    open_tasks = case_open_tasks(id),
    hold_marks = case_hold_marks(id),
    deadline_list = case_deadline_list(id),
    latest_assessment = case_latest_assessment(id),
    last_priority_cause = case_last_priority_cause(id);

CREATE FUNCTION tasks_summary() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    c TEXT := CASE WHEN TG_OP = 'DELETE' THEN OLD.case_id ELSE NEW.case_id END;
BEGIN
    UPDATE cases SET open_tasks = case_open_tasks(c), deadline_list = case_deadline_list(c)
    WHERE id = c;
    RETURN NULL;
END
$$;
CREATE TRIGGER tasks_summary AFTER INSERT OR UPDATE OR DELETE ON tasks
    FOR EACH ROW EXECUTE FUNCTION tasks_summary();

CREATE FUNCTION deadlines_summary() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    c TEXT := CASE WHEN TG_OP = 'DELETE' THEN OLD.case_id ELSE NEW.case_id END;
BEGIN
    UPDATE cases SET deadline_list = case_deadline_list(c) WHERE id = c;
    RETURN NULL;
END
$$;
CREATE TRIGGER deadlines_summary AFTER INSERT OR UPDATE OR DELETE ON deadlines
    FOR EACH ROW EXECUTE FUNCTION deadlines_summary();

CREATE FUNCTION case_status_changes_summary() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.to_status = 'on_hold' OR NEW.from_status = 'on_hold' THEN
        UPDATE cases SET hold_marks = case_hold_marks(NEW.case_id) WHERE id = NEW.case_id;
    END IF;
    RETURN NULL;
END
$$;
CREATE TRIGGER case_status_changes_summary AFTER INSERT ON case_status_changes
    FOR EACH ROW EXECUTE FUNCTION case_status_changes_summary();

CREATE FUNCTION assessments_summary() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE cases SET latest_assessment = case_latest_assessment(NEW.case_id) WHERE id = NEW.case_id;
    RETURN NULL;
END
$$;
CREATE TRIGGER assessments_summary AFTER INSERT ON assessments
    FOR EACH ROW EXECUTE FUNCTION assessments_summary();

CREATE FUNCTION priority_changes_summary() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE cases SET last_priority_cause = case_last_priority_cause(NEW.case_id) WHERE id = NEW.case_id;
    RETURN NULL;
END
$$;
CREATE TRIGGER priority_changes_summary AFTER INSERT ON priority_changes
    FOR EACH ROW EXECUTE FUNCTION priority_changes_summary();
