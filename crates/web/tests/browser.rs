//! End to end in a real Chromium, driven through chromedriver: sign in, see
//! the caseload, open a case, add a note, meet the late-entry error and fix
//! it, amend the note, try another team's case, try a cross-site POST, sign
//! out. axe-core checks every page for WCAG 2.2 A/AA violations, and a
//! screenshot of each page is saved under `target/browser-screenshots/`.
//!
//! Needs Debian's `chromium` and `chromium-driver`, and `npm ci` for
//! axe-core. Without them the test says so loudly and is skipped — except
//! under `CI=true`, where it fails.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

#[path = "browser/caseload.rs"]
mod caseload;
#[path = "browser/cases.rs"]
mod cases;
#[path = "browser/clients.rs"]
mod clients;
#[path = "browser/common.rs"]
mod common;
#[path = "browser/notifications.rs"]
mod notifications;
#[path = "browser/tasks.rs"]
mod tasks;
#[path = "browser/users.rs"]
mod users;
