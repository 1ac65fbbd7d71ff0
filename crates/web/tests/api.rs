//! The JSON API, as its users meet it.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

#[path = "api/access_matrix.rs"]
mod access_matrix;
#[path = "api/audit.rs"]
mod audit;
#[path = "api/calendars.rs"]
mod calendars;
#[path = "api/caseload.rs"]
mod caseload;
#[path = "api/cases.rs"]
mod cases;
#[path = "api/clients.rs"]
mod clients;
#[path = "api/contract.rs"]
mod contract;
#[path = "api/deadlines.rs"]
mod deadlines;
#[path = "api/fuzz.rs"]
mod fuzz;
#[path = "api/notes.rs"]
mod notes;
#[path = "api/notifications.rs"]
mod notifications;
#[path = "api/priorities.rs"]
mod priorities;
#[path = "api/service.rs"]
mod service;
#[path = "api/sessions.rs"]
mod sessions;
#[path = "api/storage.rs"]
mod storage;
#[path = "api/tasks.rs"]
mod tasks;
#[path = "api/timescales.rs"]
mod timescales;
#[path = "api/tokens.rs"]
mod tokens;
