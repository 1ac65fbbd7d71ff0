-- Working-day calendars (C3). Bank holidays are computed from their rules;
-- a year imported from the official bank-holidays file replaces the
-- computed holidays of that division and year (it carries one-offs).
CREATE TABLE imported_holidays (
    division TEXT NOT NULL,
    day TEXT NOT NULL,
    title TEXT NOT NULL,
    imported_at INTEGER NOT NULL,
    PRIMARY KEY (division, day)
);

-- The organisation's own closure days, for every calendar.
CREATE TABLE closure_days (
    day TEXT PRIMARY KEY,
    title TEXT NOT NULL,
    created_at INTEGER NOT NULL
);

-- Organisation-wide settings, e.g. `calendar` = `england-and-wales`.
CREATE TABLE organisation_settings (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL,
    updated_at INTEGER NOT NULL
);

-- A team may count working days in another nation's calendar than the
-- organisation (a Scottish office of an English charity).
ALTER TABLE teams ADD COLUMN calendar TEXT;
