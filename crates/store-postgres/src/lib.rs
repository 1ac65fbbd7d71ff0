//! The PostgreSQL store, for services bigger than one SQLite file: the same
//! behaviour as the SQLite store (one conformance suite proves it), with
//! PostgreSQL's own types (timestamptz, date, jsonb) and row locks where
//! SQLite relies on its single writer. Default commit settings: a commit is
//! durable when acknowledged.
//!
//! The store logic is `caseload-sql`'s, shared with SQLite; this crate is
//! PostgreSQL's dialect of it ([`Postgres`], see `dialect.rs`): the pool, the
//! migrations, constraint errors by SQLSTATE and name, and the statements
//! tuned for PostgreSQL (appending a note in one statement, recording audits).

mod dialect;

use std::str::FromStr;

use caseload_domain::ids::*;
use caseload_domain::notes::NoteKind;
use caseload_domain::records::EventKind;
use caseload_store::decode;
use caseload_store::*;
use jiff::Timestamp;
use serde_json::json;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::{PgPool, QueryBuilder};
use time::OffsetDateTime;
use tracing::instrument;

/// The migrations, embedded in the binary (`caseload_sql::migrations!`).
const MIGRATIONS: caseload_sql::Migrations = caseload_sql::migrations!();

#[derive(Debug, Clone)]
/// PostgreSQL's dialect: its pools.
pub struct Postgres {
    writer: PgPool,
    reader: PgPool,
}

/// Constraint violations by SQLSTATE and constraint name.
fn db_err(e: sqlx::Error) -> StoreError {
    if let sqlx::Error::Database(d) = &e {
        match d.code().as_deref() {
            // unique_violation
            Some("23505") => {
                return StoreError::Conflict(ConflictKind::of_unique(
                    d.constraint().unwrap_or_default(),
                ));
            }
            // foreign_key_violation
            Some("23503") => {
                return StoreError::Conflict(ConflictKind::MissingParent { what: "record" });
            }
            _ => {}
        }
        if let Some(what) = d.code().as_deref().and_then(outage) {
            return StoreError::unavailable(what, e);
        }
    }
    if let Some(what) = caseload_sql::connection_outage(&e) {
        return StoreError::unavailable(what, e);
    }
    StoreError::other(e)
}

/// The outage a SQLSTATE reports
/// (<https://www.postgresql.org/docs/current/errcodes-appendix.html>).
fn outage(code: &str) -> Option<Outage> {
    match code {
        // disk_full
        "53100" => Some(Outage::DiskFull),
        // read_only_sql_transaction (a standby, or default_transaction_read_only)
        "25006" => Some(Outage::ReadOnly),
        // query_canceled (statement_timeout), lock_not_available
        "57014" | "55P03" => Some(Outage::Busy),
        // admin_shutdown, crash_shutdown, cannot_connect_now, database_dropped
        "57P01" | "57P02" | "57P03" | "57P04" => Some(Outage::Unreachable),
        // insufficient resources (too many connections, out of memory);
        // connection exceptions
        c if c.starts_with("53") => Some(Outage::Busy),
        c if c.starts_with("08") => Some(Outage::Unreachable),
        _ => None,
    }
}

/// The PostgreSQL store: the shared SQL store speaking PostgreSQL.
pub type PgStore = caseload_sql::SqlStore<Postgres>;

/// How the store opens its pool. [`PgStore::connect`] and
/// [`PgStore::connect_with`] take the defaults' pool size; the test suites
/// ask for a small pool, since many test databases share one server.
#[derive(Debug, Clone)]
pub struct PoolOptions {
    pub timeouts: Timeouts,
    /// Connections the pool may hold at once: 16 by default, enough for a
    /// server's concurrent requests on a few cores, and well under
    /// PostgreSQL's default of 100 a server.
    pub max_connections: u32,
}

impl Default for PoolOptions {
    fn default() -> Self {
        Self {
            timeouts: Timeouts::default(),
            max_connections: 16,
        }
    }
}

/// Open the database at a `postgres://` URL with a pool as `options` says.
pub async fn connect_with_pool(url: &str, options: &PoolOptions) -> Result<PgStore> {
    Ok(PgStore::new(Postgres::open(url, options).await?))
}

impl Postgres {
    /// Connect to the database at a `postgres://` URL.
    async fn open(url: &str, pool: &PoolOptions) -> Result<Self> {
        let timeouts = &pool.timeouts;
        let statement_ms = timeouts.statement.as_millis().to_string();
        let options = PgConnectOptions::from_str(url)
            .map_err(StoreError::other)?
            .application_name("caseload")
            // Index reads cost about what sequential ones do when the working
            // set is in memory or on SSD. At the default (4) the planner
            // hashed every user to name the authors of one case's fifty notes
            // or timeline entries (1.4 ms a statement); at 1.1 it looks each
            // up by key (0.3 ms).
            .options([
                ("random_page_cost", "1.1"),
                // No statement holds a connection (and its request) longer
                // than this; cancelled, it answers 57014, an outage.
                ("statement_timeout", statement_ms.as_str()),
            ]);
        let pool = PgPoolOptions::new()
            .max_connections(pool.max_connections)
            .acquire_timeout(timeouts.acquire)
            .connect_with(options)
            .await
            .map_err(db_err)?;
        Ok(Self {
            writer: pool.clone(),
            reader: pool,
        })
    }

    /// The writer pool, for tools that need raw access (integrity checks,
    /// bulk loading, benchmarks).
    pub fn pool(&self) -> &PgPool {
        &self.writer
    }

    async fn begin(&self) -> Result<sqlx::Transaction<'static, sqlx::Postgres>> {
        self.writer.begin().await.map_err(db_err)
    }
}

// A column is named (`&str`) or, on the queue's hot path, numbered (`usize`).
/// jiff → the driver's timestamptz type.
fn pg_ts(t: Timestamp) -> OffsetDateTime {
    OffsetDateTime::from_unix_timestamp_nanos(t.as_nanosecond())
        .unwrap_or(OffsetDateTime::UNIX_EPOCH)
}
fn from_pg_ts(t: OffsetDateTime) -> Result<Timestamp> {
    Timestamp::from_nanosecond(t.unix_timestamp_nanos())
        .map_err(|_| StoreError::corrupt(format!("timestamp {t}")))
}
fn pg_date(d: jiff::civil::Date) -> Option<time::Date> {
    let month = time::Month::try_from(u8::try_from(d.month()).ok()?).ok()?;
    time::Date::from_calendar_date(i32::from(d.year()), month, u8::try_from(d.day()).ok()?).ok()
}

caseload_sql::user_and_caseload_mark_statements!(
    "string_agg(c.id || ':' || c.revision, ',' ORDER BY c.id COLLATE \"C\")"
);

impl Postgres {
    #[instrument(skip_all)]
    pub(crate) async fn add_note(&self, new: &NewNote, ctx: &WriteCtx) -> Result<Note> {
        let id = new_id(NoteId::from_parts, ctx.at);
        // One statement, so one round trip and its own transaction: the
        // note, the case's activity columns (migration 0008), the timeline
        // entry and the audit event are written together or not at all.
        let contact = new.kind.is_client_contact();
        let data = json!({"kind": new.kind, "late_entry": new.late_entry});
        let row = sqlx::query(
            "WITH n AS (\
                INSERT INTO notes (id, case_id, author_id, kind, template, occurred_at, recorded_at, late_entry, \
                late_reason, sections, submission_key) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10::jsonb, $11) \
                RETURNING *), \
             c AS (UPDATE cases SET \
                first_contact_at = CASE WHEN $12 AND $6 >= COALESCE(opened_at, created_at) \
                   THEN LEAST(first_contact_at, $6) ELSE first_contact_at END, \
                last_contact_at = CASE WHEN $12 THEN GREATEST(last_contact_at, $6) ELSE last_contact_at END, \
                last_action_at = CASE WHEN $13 THEN GREATEST(last_action_at, $6) ELSE last_action_at END, \
                last_review_at = CASE WHEN $14 THEN GREATEST(last_review_at, $6) ELSE last_review_at END, \
                late_notes = late_notes + $15 \
                WHERE id = $2), \
             e AS (INSERT INTO case_events (case_id, at, recorded_at, actor_id, kind, subject_id, data) \
                VALUES ($2, $6, $7, $3, $16, $1, $17::jsonb)), \
             a AS (INSERT INTO audit_events (at, actor_id, action, object_type, object_id, request_id) \
                VALUES ($7, $3, 'note.create', 'note', $1, $18)) \
             SELECT n.id, n.case_id, n.author_id, u.name AS author_name, n.kind, n.template, n.occurred_at, \
                n.recorded_at, n.late_entry, n.late_reason, n.sections \
             FROM n JOIN users u ON u.id = n.author_id",
        )
        .bind(id.as_str())
        .bind(new.case_id.as_str())
        .bind(ctx.actor.as_str())
        .bind(new.kind.as_str())
        .bind(&new.template)
        .bind(pg_ts(new.occurred_at))
        .bind(pg_ts(ctx.at))
        .bind(new.late_entry)
        .bind(&new.late_reason)
        .bind(decode::sections_json(&new.sections))
        .bind(&new.submission_key)
        .bind(contact)
        .bind(new.kind != NoteKind::Supervision)
        .bind(new.kind == NoteKind::Review)
        .bind(i64::from(new.late_entry))
        .bind(EventKind::NoteAdded.as_str())
        .bind(data.to_string())
        .bind(&ctx.request_id)
        .fetch_one(&self.writer)
        .await
        .map_err(db_err)?;
        // A new note has no amendments yet.
        let mut note = caseload_sql::note_row(&dialect::Row(row))?;
        decode::finish_note(&mut note);
        Ok(note)
    }
}

impl Postgres {
    #[instrument(skip_all)]
    pub(crate) async fn record_audits(&self, events: &[NewAuditEvent]) -> Result<()> {
        if events.is_empty() {
            return Ok(());
        }
        const ROWS: usize = 500; // a statement's worth (6 parameters a row)
        let insert = |chunk: &[NewAuditEvent]| {
            let mut insert = QueryBuilder::<sqlx::Postgres>::new(
                "INSERT INTO audit_events (at, actor_id, action, object_type, object_id, request_id) ",
            );
            insert.push_values(chunk, |mut row, e| {
                row.push_bind(pg_ts(e.at))
                    .push_bind(e.actor.as_ref().map(|a| a.to_string()))
                    .push_bind(e.action.clone())
                    .push_bind(e.object_type)
                    .push_bind(e.object_id.clone())
                    .push_bind(e.request_id.clone());
            });
            insert
        };
        // One statement is atomic on its own: the usual batch is one round
        // trip, not three (BEGIN, INSERT, COMMIT) — every read waits for it.
        if events.len() <= ROWS {
            insert(events)
                .build()
                .execute(&self.writer)
                .await
                .map_err(db_err)?;
            return Ok(());
        }
        let mut tx = self.writer.begin().await.map_err(db_err)?;
        for chunk in events.chunks(ROWS) {
            insert(chunk)
                .build()
                .execute(&mut *tx)
                .await
                .map_err(db_err)?;
        }
        tx.commit().await.map_err(db_err)
    }
}

impl Postgres {
    async fn run_migrations(&self) -> Result<()> {
        let migrator = sqlx::migrate::Migrator::new(MIGRATIONS)
            .await
            .map_err(StoreError::other)?;
        migrator
            .run(&self.writer)
            .await
            .map_err(StoreError::other)?;
        Ok(())
    }

    async fn refresh_statistics(&self) -> Result<()> {
        // VACUUM too: a bulk load updates each case row several times (its
        // summary follows its tasks, holds and assessments), and the dead
        // versions would otherwise wait for autovacuum.
        sqlx::query("VACUUM (ANALYZE)")
            .execute(&self.writer)
            .await
            .map_err(db_err)?;
        Ok(())
    }

    async fn read_schema(&self) -> Result<Vec<(String, Vec<String>)>> {
        let tables: Vec<String> = sqlx::query_scalar(
            "SELECT table_name::text FROM information_schema.tables WHERE table_schema = current_schema() \
             AND table_name NOT LIKE '_sqlx%' ORDER BY table_name",
        )
        .fetch_all(&self.reader)
        .await
        .map_err(db_err)?;
        let mut out = Vec::new();
        for table in tables {
            let mut cols: Vec<String> = sqlx::query_scalar(
                "SELECT column_name::text FROM information_schema.columns WHERE table_schema = current_schema() \
                 AND table_name = $1",
            )
                .bind(&table)
                .fetch_all(&self.reader)
                .await
                .map_err(db_err)?;
            cols.sort();
            out.push((table, cols));
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    /// Every file in `migrations/` is one `caseload_sql::migrations!` lists.
    #[test]
    fn every_migration_file_is_listed() {
        let folder = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("migrations");
        assert_eq!(
            super::MIGRATIONS.check_folder(&folder),
            Vec::<String>::new()
        );
    }
}
