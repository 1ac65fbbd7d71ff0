//! The embedded SQLite store: one file, WAL journal, `synchronous=FULL` (an
//! acknowledged write survives power loss), foreign keys on, and every write
//! in a `BEGIN IMMEDIATE` transaction on a single writer connection, so
//! writers queue in-process instead of spinning on SQLite's busy lock.
//! Readers use their own pool and never block the writer (WAL).
//!
//! The store logic is `caseload-sql`'s, shared with PostgreSQL; this crate
//! is SQLite's dialect of it ([`Sqlite`], see `dialect.rs`): opening the file,
//! the migrations, the read-audit journal, constraint errors, and the
//! statements tuned for SQLite (appending a note, recording audits).

use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

mod dialect;
mod journal;

use caseload_domain::ids::*;
use caseload_domain::notes::NoteKind;
use caseload_domain::records::EventKind;
use caseload_store::decode::{self, from_micros, micros};
use caseload_store::*;
use jiff::Timestamp;
use serde_json::json;
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteConnection, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous,
};
use sqlx::{Connection as _, QueryBuilder, SqlitePool};
use tracing::instrument;

/// The migrations, embedded in the binary (`caseload_sql::migrations!`).
const MIGRATIONS: caseload_sql::Migrations = caseload_sql::migrations!();

async fn audit(
    conn: &mut Conn,
    ctx: &WriteCtx,
    action: &str,
    object_type: &str,
    object_id: &str,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO audit_events (at, actor_id, action, object_type, object_id, request_id) VALUES (?, ?, ?, ?, ?, ?)",
    )
    .bind(micros(ctx.at))
    .bind(ctx.actor.as_str())
    .bind(action)
    .bind(object_type)
    .bind(object_id)
    .bind(&ctx.request_id)
    .execute(conn)
    .await
    .map_err(db_err)?;
    Ok(())
}

#[allow(clippy::too_many_arguments)]
async fn event(
    conn: &mut Conn,
    case: &CaseId,
    at: Timestamp,
    ctx: &WriteCtx,
    kind: EventKind,
    subject: &str,
    data: serde_json::Value,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO case_events (case_id, at, recorded_at, actor_id, kind, subject_id, data) VALUES (?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(case.as_str())
    .bind(micros(at))
    .bind(micros(ctx.at))
    .bind(ctx.actor.as_str())
    .bind(kind.as_str())
    .bind(subject)
    .bind(data.to_string())
    .execute(conn)
    .await
    .map_err(db_err)?;
    Ok(())
}

#[derive(Debug, Clone)]
/// SQLite's dialect: its writer and reader pools and the read-audit journal.
pub struct Sqlite {
    writer: SqlitePool,
    reader: SqlitePool,
    /// Read audit events on their way to `audit_events` (none in memory).
    journal: Option<Arc<journal::Journal>>,
    /// The database file (none in memory), for the readiness check's
    /// probe of the space beside it.
    file: Option<std::path::PathBuf>,
}

/// Constraint violations by SQLite's extended result code (which sqlx gives
/// as the error's kind); SQLite names no constraint, only the `table.column`
/// list at the end of its message, which names the unique key.
fn db_err(e: sqlx::Error) -> StoreError {
    if let sqlx::Error::Database(d) = &e {
        match d.kind() {
            sqlx::error::ErrorKind::UniqueViolation => {
                let columns = d.message().rsplit(": ").next().unwrap_or_default();
                return StoreError::Conflict(ConflictKind::of_unique(columns));
            }
            sqlx::error::ErrorKind::ForeignKeyViolation => {
                return StoreError::Conflict(ConflictKind::MissingParent { what: "record" });
            }
            _ => {}
        }
        if let Some(what) = d.code().and_then(|c| c.parse().ok()).and_then(outage) {
            return StoreError::unavailable(what, e);
        }
    }
    if let Some(what) = caseload_sql::connection_outage(&e) {
        return StoreError::unavailable(what, e);
    }
    StoreError::other(e)
}

/// The outage an SQLite result code reports (sqlx gives the extended code;
/// its low byte is the primary one: <https://sqlite.org/rescode.html>).
fn outage(code: i32) -> Option<Outage> {
    match code & 0xff {
        13 => Some(Outage::DiskFull),         // SQLITE_FULL
        8 => Some(Outage::ReadOnly),          // SQLITE_READONLY
        5 | 6 => Some(Outage::Busy),          // SQLITE_BUSY, SQLITE_LOCKED
        10 | 14 => Some(Outage::Unreachable), // SQLITE_IOERR, SQLITE_CANTOPEN
        _ => None,
    }
}

type Conn = SqliteConnection;

/// The SQLite store: the shared SQL store speaking SQLite.
pub type SqliteStore = caseload_sql::SqlStore<Sqlite>;

impl Sqlite {
    /// Open (creating if missing) the database at a `sqlite:` URL.
    async fn open(url: &str, timeouts: &Timeouts) -> Result<Self> {
        let options = SqliteConnectOptions::from_str(url)
            .map_err(StoreError::other)?
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Full)
            .foreign_keys(true)
            .busy_timeout(timeouts.busy)
            // 8 MiB of page cache a connection (SQLite's default is 2 MiB):
            // the queue's and re-evaluation's index lookups stay in memory,
            // and five connections stay well inside the memory budget.
            .pragma("cache_size", "-8192");
        let journal = journal::Journal::beside(options.get_filename()).map(Arc::new);
        let file = journal
            .as_ref()
            .map(|_| options.get_filename().to_path_buf());
        let writer = SqlitePoolOptions::new()
            .max_connections(1)
            // A local file has no connection to lose: checking each one
            // before use only costs a round trip to its thread.
            .test_before_acquire(false)
            // A transaction whose COMMIT failed (SQLITE_FULL) and whose
            // ROLLBACK then failed too ("no transaction is active": SQLite
            // had already rolled it back) leaves sqlx counting the
            // connection as inside a transaction, and every later
            // `BEGIN IMMEDIATE` refused until a restart. Such a connection
            // is closed instead of lent; the pool opens a fresh one. (sqlx
            // reads its own count: no round trip.)
            .before_acquire(|conn, _| {
                let stuck = conn.is_in_transaction();
                Box::pin(async move {
                    if stuck {
                        tracing::warn!(
                            "closing the writer connection left inside a failed transaction"
                        );
                    }
                    Ok(!stuck)
                })
            })
            .acquire_timeout(timeouts.acquire)
            .connect_with(options.clone())
            .await
            .map_err(db_err)?;
        let reader = SqlitePoolOptions::new()
            .max_connections(4)
            .test_before_acquire(false)
            .acquire_timeout(timeouts.acquire)
            .connect_with(options.read_only(false))
            .await
            .map_err(db_err)?;
        if let Some(journal) = &journal {
            tokio::spawn(move_journal_every_second(
                writer.clone(),
                Arc::downgrade(journal),
            ));
        }
        Ok(Self {
            writer,
            reader,
            journal,
            file,
        })
    }

    /// Move the read-audit journal into `audit_events` now.
    pub async fn move_journal(&self) -> Result<usize> {
        match &self.journal {
            Some(journal) => move_journal(&self.writer, journal).await,
            None => Ok(0),
        }
    }

    /// Whether the file system holding the database takes new blocks: a
    /// fresh 16 KiB file beside it, written, synced and removed. The
    /// readiness check's one-page update alone can pass on a full disk,
    /// landing in WAL space a failed, larger write had already taken.
    pub(crate) async fn check_space(&self) -> Result<()> {
        let Some(file) = self.file.clone() else {
            return Ok(());
        };
        tokio::task::spawn_blocking(move || {
            use std::io::Write as _;
            let probe = std::path::PathBuf::from(format!(
                "{}-ready-{}",
                file.display(),
                std::process::id()
            ));
            let written = std::fs::File::create(&probe).and_then(|mut f| {
                f.write_all(&[0u8; 16 * 1024])?;
                f.sync_all()
            });
            let _ = std::fs::remove_file(&probe);
            written.map_err(StoreError::io)
        })
        .await
        .map_err(StoreError::other)?
    }

    /// The writer pool, for tools that need raw access (integrity checks,
    /// bulk loading, benchmarks).
    pub fn pool(&self) -> &SqlitePool {
        &self.writer
    }

    async fn begin(&self) -> Result<sqlx::Transaction<'static, sqlx::Sqlite>> {
        self.writer
            .begin_with("BEGIN IMMEDIATE")
            .await
            .map_err(db_err)
    }
}

/// Move the journal's events into `audit_events` in one transaction, then
/// empty it. Events already moved (a crash came between the two) are
/// skipped by their key.
async fn move_journal(writer: &SqlitePool, journal: &journal::Journal) -> Result<usize> {
    let Some((held, entries)) = journal.take().await? else {
        return Ok(0);
    };
    let mut tx = writer.begin_with("BEGIN IMMEDIATE").await.map_err(db_err)?;
    for chunk in entries.chunks(500) {
        let mut insert = sqlx::QueryBuilder::<sqlx::Sqlite>::new(
            "INSERT INTO audit_events (at, actor_id, action, object_type, object_id, request_id, event_key) ",
        );
        insert.push_values(chunk, |mut row, e| {
            row.push_bind(e.at)
                .push_bind(e.actor.clone())
                .push_bind(e.action.clone())
                .push_bind(e.object_type.clone())
                .push_bind(e.object_id.clone())
                .push_bind(e.request_id.clone())
                .push_bind(e.key.clone());
        });
        insert.push(" ON CONFLICT DO NOTHING");
        insert.build().execute(&mut *tx).await.map_err(db_err)?;
    }
    tx.commit().await.map_err(db_err)?;
    held.empty().await?;
    Ok(entries.len())
}

/// The server's (and any long-lived process's) mover: about once a second
/// while the store is open.
async fn move_journal_every_second(writer: SqlitePool, journal: std::sync::Weak<journal::Journal>) {
    let mut tick = tokio::time::interval(Duration::from_secs(1));
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    tick.tick().await;
    loop {
        tick.tick().await;
        let Some(journal) = journal.upgrade() else {
            return;
        };
        if writer.is_closed() {
            return;
        }
        if let Err(e) = move_journal(&writer, &journal).await {
            tracing::warn!(error = %e, journal = %journal.path().display(), "could not move read audit events into the database yet");
        }
    }
}

caseload_sql::user_and_caseload_mark_statements!(
    "group_concat(c.id || ':' || c.revision, ',' ORDER BY c.id)"
);

impl Sqlite {
    #[instrument(skip_all)]
    pub(crate) async fn add_note(&self, new: &NewNote, ctx: &WriteCtx) -> Result<Note> {
        let id = new_id(NoteId::from_parts, ctx.at);
        // The author's name, read before taking the single writer, so the
        // note need not be read back inside the write (names are not part
        // of the record: an unknown author fails the insert below).
        let author_name: Option<String> = sqlx::query_scalar("SELECT name FROM users WHERE id = ?")
            .bind(ctx.actor.as_str())
            .fetch_optional(&self.reader)
            .await
            .map_err(db_err)?;
        let mut tx = self.begin().await?;
        sqlx::query(
            "INSERT INTO notes (id, case_id, author_id, kind, template, occurred_at, recorded_at, late_entry, \
             late_reason, sections, submission_key) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(id.as_str())
        .bind(new.case_id.as_str())
        .bind(ctx.actor.as_str())
        .bind(new.kind.as_str())
        .bind(&new.template)
        .bind(micros(new.occurred_at))
        .bind(micros(ctx.at))
        .bind(new.late_entry)
        .bind(&new.late_reason)
        .bind(decode::sections_json(&new.sections))
        .bind(&new.submission_key)
        .execute(&mut *tx)
        .await
        .map_err(db_err)?;
        // Keep the case's activity columns (see migration 0008) in step.
        let contact = new.kind.is_client_contact();
        let occurred = micros(new.occurred_at);
        sqlx::query(
            "UPDATE cases SET \
             first_contact_at = CASE WHEN ?1 AND ?2 >= COALESCE(opened_at, created_at) \
                THEN MIN(COALESCE(first_contact_at, ?2), ?2) ELSE first_contact_at END, \
             last_contact_at = CASE WHEN ?1 THEN MAX(COALESCE(last_contact_at, ?2), ?2) ELSE last_contact_at END, \
             last_action_at = CASE WHEN ?3 THEN MAX(COALESCE(last_action_at, ?2), ?2) ELSE last_action_at END, \
             last_review_at = CASE WHEN ?4 THEN MAX(COALESCE(last_review_at, ?2), ?2) ELSE last_review_at END, \
             late_notes = late_notes + ?5 \
             WHERE id = ?6",
        )
        .bind(contact)
        .bind(occurred)
        .bind(new.kind != NoteKind::Supervision)
        .bind(new.kind == NoteKind::Review)
        .bind(i64::from(new.late_entry))
        .bind(new.case_id.as_str())
        .execute(&mut *tx)
        .await
        .map_err(db_err)?;
        let data = json!({"kind": new.kind, "late_entry": new.late_entry});
        event(
            &mut tx,
            &new.case_id,
            new.occurred_at,
            ctx,
            EventKind::NoteAdded,
            id.as_str(),
            data,
        )
        .await?;
        audit(&mut tx, ctx, "note.create", "note", id.as_str()).await?;
        tx.commit().await.map_err(db_err)?;
        // The note as stored (times to the microsecond); a new note has no
        // amendments yet.
        let mut note = Note {
            id,
            case_id: new.case_id.clone(),
            author_id: ctx.actor.clone(),
            author_name: author_name.unwrap_or_default(),
            kind: new.kind,
            template: new.template.clone(),
            occurred_at: from_micros(micros(new.occurred_at))?,
            recorded_at: from_micros(micros(ctx.at))?,
            late_entry: new.late_entry,
            late_reason: new.late_reason.clone(),
            sections: new.sections.clone(),
            amendments: Vec::new(),
            current_sections: Vec::new(),
        };
        decode::finish_note(&mut note);
        Ok(note)
    }
}

impl Sqlite {
    #[instrument(skip_all)]
    pub(crate) async fn record_audits(&self, events: &[NewAuditEvent]) -> Result<()> {
        if events.is_empty() {
            return Ok(());
        }
        if let Some(journal) = &self.journal {
            return journal.append(events).await;
        }
        let mut tx = self.writer.begin().await.map_err(db_err)?;
        for chunk in events.chunks(500) {
            let mut insert = QueryBuilder::<sqlx::Sqlite>::new(
                "INSERT INTO audit_events (at, actor_id, action, object_type, object_id, request_id) ",
            );
            insert.push_values(chunk, |mut row, e| {
                row.push_bind(micros(e.at))
                    .push_bind(e.actor.as_ref().map(|a| a.to_string()))
                    .push_bind(e.action.clone())
                    .push_bind(e.object_type)
                    .push_bind(e.object_id.clone())
                    .push_bind(e.request_id.clone());
            });
            insert.build().execute(&mut *tx).await.map_err(db_err)?;
        }
        tx.commit().await.map_err(db_err)
    }
}

impl Sqlite {
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
        sqlx::query("ANALYZE")
            .execute(&self.writer)
            .await
            .map_err(db_err)?;
        Ok(())
    }

    async fn read_schema(&self) -> Result<Vec<(String, Vec<String>)>> {
        let tables: Vec<String> = sqlx::query_scalar(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' \
             AND name NOT LIKE '_sqlx%' ORDER BY name",
        )
        .fetch_all(&self.reader)
        .await
        .map_err(db_err)?;
        let mut out = Vec::new();
        for table in tables {
            let mut cols: Vec<String> = sqlx::query_scalar("SELECT name FROM pragma_table_info(?)")
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
