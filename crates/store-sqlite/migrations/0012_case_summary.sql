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

UPDATE cases SET
    open_tasks = (SELECT group_concat(coalesce(t.due_date, '') || char(31) || t.title, char(30)
        ORDER BY t.due_date IS NULL, t.due_date, t.created_at)
        FROM tasks t WHERE t.case_id = cases.id AND t.status = 'open'),
    hold_marks = (SELECT group_concat(CASE WHEN s.to_status = 'on_hold' THEN 'h' ELSE 'r' END || s.at, ',')
        FROM case_status_changes s WHERE s.case_id = cases.id
        AND (s.to_status = 'on_hold' OR s.from_status = 'on_hold')),
    deadline_list = (SELECT group_concat(d.id || '|' || d.due_date || '|' || t.status || '|' || d.title, char(31))
        FROM deadlines d JOIN tasks t ON t.id = d.task_id WHERE d.case_id = cases.id),
    latest_assessment = (SELECT a.policy_id || char(31) || a.answers || char(31) || a.rationale
        FROM assessments a WHERE a.case_id = cases.id ORDER BY a.assessed_at DESC LIMIT 1),
    last_priority_cause = (SELECT p.cause FROM priority_changes p WHERE p.case_id = cases.id ORDER BY p.seq DESC LIMIT 1);

CREATE TRIGGER tasks_insert_summary AFTER INSERT ON tasks
BEGIN
    UPDATE cases SET open_tasks = (SELECT group_concat(coalesce(t.due_date, '') || char(31) || t.title, char(30)
        ORDER BY t.due_date IS NULL, t.due_date, t.created_at)
        FROM tasks t WHERE t.case_id = NEW.case_id AND t.status = 'open'),
        deadline_list = (SELECT group_concat(d.id || '|' || d.due_date || '|' || t.status || '|' || d.title, char(31))
        FROM deadlines d JOIN tasks t ON t.id = d.task_id WHERE d.case_id = NEW.case_id)
    WHERE id = NEW.case_id;
END;

CREATE TRIGGER tasks_update_summary AFTER UPDATE ON tasks
BEGIN
    UPDATE cases SET open_tasks = (SELECT group_concat(coalesce(t.due_date, '') || char(31) || t.title, char(30)
        ORDER BY t.due_date IS NULL, t.due_date, t.created_at)
        FROM tasks t WHERE t.case_id = NEW.case_id AND t.status = 'open'),
        deadline_list = (SELECT group_concat(d.id || '|' || d.due_date || '|' || t.status || '|' || d.title, char(31))
        FROM deadlines d JOIN tasks t ON t.id = d.task_id WHERE d.case_id = NEW.case_id)
    WHERE id = NEW.case_id;
END;

CREATE TRIGGER tasks_delete_summary AFTER DELETE ON tasks
BEGIN
    UPDATE cases SET open_tasks = (SELECT group_concat(coalesce(t.due_date, '') || char(31) || t.title, char(30)
        ORDER BY t.due_date IS NULL, t.due_date, t.created_at)
        FROM tasks t WHERE t.case_id = OLD.case_id AND t.status = 'open'),
        deadline_list = (SELECT group_concat(d.id || '|' || d.due_date || '|' || t.status || '|' || d.title, char(31))
        FROM deadlines d JOIN tasks t ON t.id = d.task_id WHERE d.case_id = OLD.case_id)
    WHERE id = OLD.case_id;
END;

CREATE TRIGGER deadlines_insert_summary AFTER INSERT ON deadlines
BEGIN
    UPDATE cases SET deadline_list = (SELECT group_concat(d.id || '|' || d.due_date || '|' || t.status || '|' || d.title, char(31))
        FROM deadlines d JOIN tasks t ON t.id = d.task_id WHERE d.case_id = NEW.case_id) WHERE id = NEW.case_id;
END;

CREATE TRIGGER deadlines_update_summary AFTER UPDATE ON deadlines
BEGIN
    UPDATE cases SET deadline_list = (SELECT group_concat(d.id || '|' || d.due_date || '|' || t.status || '|' || d.title, char(31))
        FROM deadlines d JOIN tasks t ON t.id = d.task_id WHERE d.case_id = NEW.case_id) WHERE id = NEW.case_id;
END;

CREATE TRIGGER deadlines_delete_summary AFTER DELETE ON deadlines
BEGIN
    UPDATE cases SET deadline_list = (SELECT group_concat(d.id || '|' || d.due_date || '|' || t.status || '|' || d.title, char(31))
        FROM deadlines d JOIN tasks t ON t.id = d.task_id WHERE d.case_id = OLD.case_id) WHERE id = OLD.case_id;
END;

CREATE TRIGGER case_status_changes_insert_summary AFTER INSERT ON case_status_changes
WHEN NEW.to_status = 'on_hold' OR NEW.from_status = 'on_hold'
BEGIN
    UPDATE cases SET hold_marks = (SELECT group_concat(CASE WHEN s.to_status = 'on_hold' THEN 'h' ELSE 'r' END || s.at, ',')
        FROM case_status_changes s WHERE s.case_id = NEW.case_id
        AND (s.to_status = 'on_hold' OR s.from_status = 'on_hold')) WHERE id = NEW.case_id;
END;

CREATE TRIGGER assessments_insert_summary AFTER INSERT ON assessments
BEGIN
    UPDATE cases SET latest_assessment = (SELECT a.policy_id || char(31) || a.answers || char(31) || a.rationale
        FROM assessments a WHERE a.case_id = NEW.case_id ORDER BY a.assessed_at DESC LIMIT 1) WHERE id = NEW.case_id;
END;

CREATE TRIGGER priority_changes_insert_summary AFTER INSERT ON priority_changes
BEGIN
    UPDATE cases SET last_priority_cause = (SELECT p.cause FROM priority_changes p WHERE p.case_id = NEW.case_id ORDER BY p.seq DESC LIMIT 1) WHERE id = NEW.case_id;
END;
