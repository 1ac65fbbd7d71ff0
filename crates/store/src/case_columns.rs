//! Where the case SELECTs of both stores put each column: `CASE_SELECT`
//! gives the first twenty, `CASELOAD_SELECT` all thirty-one. Cases are read by
//! position, not name: sqlx looks a name up in a hash map for every value
//! of every row, and the queue reads thirty-one values a row. Each store's test
//! `the_case_selects_list_their_columns_in_order` holds its SELECTs to this.

pub const NAMES: [&str; 31] = [
    "id",
    "client_id",
    "client_name",
    "title",
    "service_area",
    "owner_id",
    "owner_name",
    "team_id",
    "status",
    "complexity",
    "closure_reason",
    "closure_summary",
    "opened_at",
    "closed_at",
    "created_by",
    "created_at",
    "updated_at",
    "priority_band",
    "priority_floor",
    "assessed_at",
    "last_contact",
    "first_contact",
    "last_action",
    "last_review",
    "late_notes",
    "open_tasks",
    "holds",
    "deadline_list",
    "latest_assessment",
    "last_priority_cause",
    "revision",
];
pub const ID: usize = 0;
pub const CLIENT_ID: usize = 1;
pub const CLIENT_NAME: usize = 2;
pub const TITLE: usize = 3;
pub const SERVICE_AREA: usize = 4;
pub const OWNER_ID: usize = 5;
pub const OWNER_NAME: usize = 6;
pub const TEAM_ID: usize = 7;
pub const STATUS: usize = 8;
pub const COMPLEXITY: usize = 9;
pub const CLOSURE_REASON: usize = 10;
pub const CLOSURE_SUMMARY: usize = 11;
pub const OPENED_AT: usize = 12;
pub const CLOSED_AT: usize = 13;
pub const CREATED_BY: usize = 14;
pub const CREATED_AT: usize = 15;
pub const UPDATED_AT: usize = 16;
pub const PRIORITY_BAND: usize = 17;
pub const PRIORITY_FLOOR: usize = 18;
pub const ASSESSED_AT: usize = 19;
pub const LAST_CONTACT: usize = 20;
pub const FIRST_CONTACT: usize = 21;
pub const LAST_ACTION: usize = 22;
pub const LAST_REVIEW: usize = 23;
pub const LATE_NOTES: usize = 24;
pub const OPEN_TASKS: usize = 25;
pub const HOLDS: usize = 26;
pub const DEADLINE_LIST: usize = 27;
pub const LATEST_ASSESSMENT: usize = 28;
pub const LAST_PRIORITY_CAUSE: usize = 29;
pub const REVISION: usize = 30;

/// The name each item of a SELECT list gives its column (its alias, or the
/// column itself), for the tests above.
pub fn select_names(select: &str) -> Vec<&str> {
    let list = select
        .trim_start_matches("SELECT ")
        .split(" FROM ")
        .next()
        .unwrap_or_default();
    list.split(", ")
        .map(|item| match item.trim().rsplit_once(" AS ") {
            Some((_, alias)) => alias,
            None => item.trim().rsplit('.').next().unwrap_or(item),
        })
        .collect()
}
