//! The pages, as a browser meets them: sign-in and sessions, CSRF, access,
//! escaping, forms that keep what was typed, and security headers.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

#[path = "pages/audit.rs"]
mod audit;
#[path = "pages/calendars.rs"]
mod calendars;
#[path = "pages/caseload.rs"]
mod caseload;
#[path = "pages/cases.rs"]
mod cases;
#[path = "pages/clients.rs"]
mod clients;
#[path = "pages/common.rs"]
mod common;
#[path = "pages/deadlines.rs"]
mod deadlines;
#[path = "pages/fuzz.rs"]
mod fuzz;
#[path = "pages/notes.rs"]
mod notes;
#[path = "pages/notifications.rs"]
mod notifications;
#[path = "pages/outages.rs"]
mod outages;
#[path = "pages/priorities.rs"]
mod priorities;
#[path = "pages/sessions.rs"]
mod sessions;
#[path = "pages/sign_in_throttle.rs"]
mod sign_in_throttle;
#[path = "pages/tasks.rs"]
mod tasks;
#[path = "pages/timescales.rs"]
mod timescales;
#[path = "pages/tokens.rs"]
mod tokens;
#[path = "pages/users.rs"]
mod users;
