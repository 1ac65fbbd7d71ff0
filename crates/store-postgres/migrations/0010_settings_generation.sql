-- The settings every request reads (policies and timescales in force,
-- calendars, organisation settings, teams' calendars) are kept in memory by
-- each server and re-read only when this counter moves. Triggers move it on
-- every change to those tables, so no code path can change a setting and
-- leave a server working from the old one; a server asks for the counter
-- (one row, by primary key) on each request.
CREATE TABLE settings_generation (
    id SMALLINT PRIMARY KEY CHECK (id = 1),
    generation BIGINT NOT NULL
);
INSERT INTO settings_generation (id, generation) VALUES (1, 1);

CREATE FUNCTION bump_settings_generation() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE settings_generation SET generation = generation + 1 WHERE id = 1;
    RETURN NULL;
END
$$;

CREATE TRIGGER organisation_settings_generation AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON organisation_settings
    FOR EACH STATEMENT EXECUTE FUNCTION bump_settings_generation();
CREATE TRIGGER imported_holidays_generation AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON imported_holidays
    FOR EACH STATEMENT EXECUTE FUNCTION bump_settings_generation();
CREATE TRIGGER closure_days_generation AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON closure_days
    FOR EACH STATEMENT EXECUTE FUNCTION bump_settings_generation();
CREATE TRIGGER teams_generation AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON teams
    FOR EACH STATEMENT EXECUTE FUNCTION bump_settings_generation();
CREATE TRIGGER policy_versions_generation AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON policy_versions
    FOR EACH STATEMENT EXECUTE FUNCTION bump_settings_generation();
CREATE TRIGGER timescale_versions_generation AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON timescale_versions
    FOR EACH STATEMENT EXECUTE FUNCTION bump_settings_generation();
