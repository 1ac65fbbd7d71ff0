//! Loading generated rows (demonstration and benchmark data) many to a statement.

use async_trait::async_trait;
use jiff::Timestamp;
use jiff::civil::Date;

use crate::*;

/// A typed value for [`crate::Store::bulk_insert`]; each backend binds it
/// in its own column type (a timestamp is microseconds in SQLite and
/// `timestamptz` in PostgreSQL, JSON is text or `jsonb`).
#[derive(Debug, Clone, PartialEq)]
pub enum BulkValue {
    Text(Option<String>),
    Int(Option<i64>),
    Bool(bool),
    Ts(Option<Timestamp>),
    Date(Option<Date>),
    Json(serde_json::Value),
}

/// Generated rows for one table, loaded by [`crate::Store::bulk_insert`].
#[derive(Debug, Clone)]
pub struct BulkRows {
    pub table: &'static str,
    pub columns: &'static [&'static str],
    pub rows: Vec<Vec<BulkValue>>,
}

/// The tables bulk loading may write: the case record, never sessions,
/// tokens, audit or settings.
pub const BULK_TABLES: &[&str] = &[
    "teams",
    "users",
    "clients",
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
];

impl BulkRows {
    /// Refuse a table outside [`BULK_TABLES`], a column that is not a plain
    /// identifier, or a row of the wrong width.
    pub fn check(&self) -> Result<(), crate::StoreError> {
        let ident =
            |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_lowercase() || b == b'_');
        if !BULK_TABLES.contains(&self.table) || !self.columns.iter().all(|c| ident(c)) {
            return Err(crate::StoreError::Conflict(crate::ConflictKind::Refused(
                format!(
                    "bulk loading cannot write {}({})",
                    self.table,
                    self.columns.join(", ")
                ),
            )));
        }
        if let Some(bad) = self.rows.iter().find(|r| r.len() != self.columns.len()) {
            return Err(crate::StoreError::Conflict(crate::ConflictKind::Refused(
                format!(
                    "a {} row has {} values for {} columns",
                    self.table,
                    bad.len(),
                    self.columns.len()
                ),
            )));
        }
        Ok(())
    }
}

#[async_trait]
pub trait BulkLoad: Send + Sync {
    /// Load generated rows (demonstration and benchmark data) in one
    /// transaction, many rows a statement. Only the case-record tables.
    async fn bulk_insert(&self, batches: &[BulkRows]) -> Result<()>;
}
