//! Query-plan checks: every statement a backend runs while the conformance
//! scenarios work through a practitioner's day — the queue, a case and its
//! timeline, notes, tasks, deadlines, priorities, re-evaluation — is
//! captured from sqlx's statement log, and the backend's tests ask the
//! database for each one's plan (`EXPLAIN QUERY PLAN` on SQLite, `EXPLAIN`
//! of a generic plan on PostgreSQL). None may read a large table in full.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::{BTreeMap, BTreeSet};
use std::sync::{Arc, Mutex, OnceLock};

use tracing::field::{Field, Visit};
use tracing_subscriber::layer::{Context, SubscriberExt};

/// Tables that grow with the service: a full read of any of them on a
/// request path is a bug. (Teams, users, policies, calendars and settings
/// are small and read whole by design.)
pub const LARGE_TABLES: &[&str] = &[
    "clients",
    "client_words",
    "client_changes",
    "cases",
    "case_status_changes",
    "notes",
    "note_amendments",
    "outcomes",
    "outcome_progress",
    "obstacles",
    "tasks",
    "deadlines",
    "case_events",
    "assessments",
    "priority_changes",
    "notifications",
    "timescale_alerts",
    "sessions",
    "api_tokens",
    "calendar_feeds",
];

type Captured = Arc<Mutex<BTreeSet<String>>>;

struct Capture(Captured);

struct StatementVisitor {
    statement: String,
    summary: String,
}

impl Visit for StatementVisitor {
    fn record_str(&mut self, field: &Field, value: &str) {
        match field.name() {
            "db.statement" => self.statement = value.trim().to_owned(),
            "summary" => self.summary = value.trim().to_owned(),
            _ => {}
        }
    }
    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        if field.name() == "summary" && self.summary.is_empty() {
            self.summary = format!("{value:?}").trim_matches('"').to_owned();
        }
    }
}

impl<S: tracing::Subscriber> tracing_subscriber::Layer<S> for Capture {
    fn on_event(&self, event: &tracing::Event<'_>, _: Context<'_, S>) {
        if event.metadata().target() != "sqlx::query" {
            return;
        }
        let mut v = StatementVisitor {
            statement: String::new(),
            summary: String::new(),
        };
        event.record(&mut v);
        let sql = if v.statement.is_empty() {
            v.summary
        } else {
            v.statement
        };
        let sql = sql.split_whitespace().collect::<Vec<_>>().join(" ");
        if let Ok(mut set) = self.0.lock() {
            set.insert(sql);
        }
    }
}

/// Start capturing every statement sqlx runs in this process (once).
pub fn capture() -> Captured {
    static CAPTURED: OnceLock<Captured> = OnceLock::new();
    CAPTURED
        .get_or_init(|| {
            let captured = Captured::default();
            let subscriber = tracing_subscriber::registry().with(Capture(captured.clone()));
            tracing::subscriber::set_global_default(subscriber)
                .expect("the plan check installs the only subscriber in its test binary");
            captured
        })
        .clone()
}

/// The statements worth planning: reads and the updates and deletes that
/// find their rows, not the schema's own housekeeping.
pub fn statements(captured: &Captured) -> Vec<String> {
    captured
        .lock()
        .unwrap()
        .iter()
        .filter(|s| {
            let head = s.trim_start().to_ascii_uppercase();
            (head.starts_with("SELECT") || head.starts_with("UPDATE") || head.starts_with("DELETE"))
                && !head.contains("SQLITE_MASTER")
                && !head.contains("PRAGMA")
                && !head.contains("_CASELOAD_MIGRATIONS")
                && !head.contains("INFORMATION_SCHEMA")
                && !head.contains("PG_")
        })
        .cloned()
        .collect()
}

/// The table each name in a statement stands for (`notes n` → n = notes).
pub fn aliases(sql: &str) -> BTreeMap<String, String> {
    let words: Vec<&str> = sql
        .split(|c: char| c.is_whitespace() || c == '(' || c == ')' || c == ',')
        .filter(|w| !w.is_empty())
        .collect();
    let mut out = BTreeMap::new();
    for (i, w) in words.iter().enumerate() {
        let kw = w.to_ascii_uppercase();
        if (kw == "FROM" || kw == "JOIN" || kw == "UPDATE" || kw == "INTO")
            && let Some(table) = words.get(i + 1)
        {
            {
                let table = table.to_ascii_lowercase();
                out.insert(table.clone(), table.clone());
                let mut next = words.get(i + 2).map(|x| x.to_ascii_lowercase());
                if next.as_deref() == Some("as") {
                    next = words.get(i + 3).map(|x| x.to_ascii_lowercase());
                }
                if let Some(alias) = next
                    && alias
                        .bytes()
                        .all(|b| b.is_ascii_alphanumeric() || b == b'_')
                    && ![
                        "where", "join", "on", "left", "order", "group", "limit", "set", "values",
                        "inner",
                    ]
                    .contains(&alias.as_str())
                {
                    out.insert(alias, table);
                }
            }
        }
    }
    out
}

/// The large tables a plan reads in full: `scanned` lists the names the
/// plan says it scans in full (aliases or tables).
pub fn full_scans(sql: &str, scanned: &[String]) -> Vec<String> {
    let names = aliases(sql);
    scanned
        .iter()
        .filter_map(|name| {
            let table = names
                .get(&name.to_ascii_lowercase())
                .cloned()
                .unwrap_or_else(|| name.to_ascii_lowercase());
            LARGE_TABLES.contains(&table.as_str()).then_some(table)
        })
        .collect()
}
