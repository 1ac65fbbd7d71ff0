-- The settings every request reads (policies and timescales in force,
-- calendars, organisation settings, teams' calendars) are kept in memory by
-- each server and re-read only when this counter moves. Triggers move it on
-- every change to those tables, so no code path can change a setting and
-- leave a server working from the old one; a server asks for the counter
-- (one row, by primary key) on each request.
CREATE TABLE settings_generation (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    generation INTEGER NOT NULL
);
INSERT INTO settings_generation (id, generation) VALUES (1, 1);

CREATE TRIGGER organisation_settings_insert_generation AFTER INSERT ON organisation_settings
BEGIN UPDATE settings_generation SET generation = generation + 1 WHERE id = 1; END;
CREATE TRIGGER organisation_settings_update_generation AFTER UPDATE ON organisation_settings
BEGIN UPDATE settings_generation SET generation = generation + 1 WHERE id = 1; END;
CREATE TRIGGER organisation_settings_delete_generation AFTER DELETE ON organisation_settings
BEGIN UPDATE settings_generation SET generation = generation + 1 WHERE id = 1; END;
CREATE TRIGGER imported_holidays_insert_generation AFTER INSERT ON imported_holidays
BEGIN UPDATE settings_generation SET generation = generation + 1 WHERE id = 1; END;
CREATE TRIGGER imported_holidays_update_generation AFTER UPDATE ON imported_holidays
BEGIN UPDATE settings_generation SET generation = generation + 1 WHERE id = 1; END;
CREATE TRIGGER imported_holidays_delete_generation AFTER DELETE ON imported_holidays
BEGIN UPDATE settings_generation SET generation = generation + 1 WHERE id = 1; END;
CREATE TRIGGER closure_days_insert_generation AFTER INSERT ON closure_days
BEGIN UPDATE settings_generation SET generation = generation + 1 WHERE id = 1; END;
CREATE TRIGGER closure_days_update_generation AFTER UPDATE ON closure_days
BEGIN UPDATE settings_generation SET generation = generation + 1 WHERE id = 1; END;
CREATE TRIGGER closure_days_delete_generation AFTER DELETE ON closure_days
BEGIN UPDATE settings_generation SET generation = generation + 1 WHERE id = 1; END;
CREATE TRIGGER teams_insert_generation AFTER INSERT ON teams
BEGIN UPDATE settings_generation SET generation = generation + 1 WHERE id = 1; END;
CREATE TRIGGER teams_update_generation AFTER UPDATE ON teams
BEGIN UPDATE settings_generation SET generation = generation + 1 WHERE id = 1; END;
CREATE TRIGGER teams_delete_generation AFTER DELETE ON teams
BEGIN UPDATE settings_generation SET generation = generation + 1 WHERE id = 1; END;
CREATE TRIGGER policy_versions_insert_generation AFTER INSERT ON policy_versions
BEGIN UPDATE settings_generation SET generation = generation + 1 WHERE id = 1; END;
CREATE TRIGGER policy_versions_update_generation AFTER UPDATE ON policy_versions
BEGIN UPDATE settings_generation SET generation = generation + 1 WHERE id = 1; END;
CREATE TRIGGER policy_versions_delete_generation AFTER DELETE ON policy_versions
BEGIN UPDATE settings_generation SET generation = generation + 1 WHERE id = 1; END;
CREATE TRIGGER timescale_versions_insert_generation AFTER INSERT ON timescale_versions
BEGIN UPDATE settings_generation SET generation = generation + 1 WHERE id = 1; END;
CREATE TRIGGER timescale_versions_update_generation AFTER UPDATE ON timescale_versions
BEGIN UPDATE settings_generation SET generation = generation + 1 WHERE id = 1; END;
CREATE TRIGGER timescale_versions_delete_generation AFTER DELETE ON timescale_versions
BEGIN UPDATE settings_generation SET generation = generation + 1 WHERE id = 1; END;
