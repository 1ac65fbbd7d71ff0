//! The one SQL store. [`SqlStore<D>`] implements every capability trait of
//! `caseload_store` once, for both databases; `D: Dialect` is what truly
//! differs between them: how values are bound and read (SQLite keeps
//! timestamps as i64 microseconds, PostgreSQL as timestamptz), how a write
//! transaction starts (SQLite: `BEGIN IMMEDIATE` on its one writer),
//! constraint errors (by constraint name and SQLSTATE, never message text),
//! migrations, and the few statements tuned per database.
//!
//! Why a façade rather than code generic over `sqlx::Database`: generic sqlx
//! code needs higher-ranked where-clauses (`for<'c> &'c mut DB::Connection:
//! Executor<'c>`, `for<'q> DB::Arguments<'q>: IntoArguments<'q, DB>`, one
//! `Type + Encode` bound per bound type…) that supertraits do not imply, so
//! every impl block would repeat them. Instead each dialect's associated
//! types ([`Dialect::Query`], [`Dialect::Row`], [`Dialect::Tx`]) implement
//! small traits of our own ([`Bind`], [`SqlRow`]), written concretely per
//! database. Everything is monomorphised: `SqlStore<Sqlite>` runs the same
//! machine code and prepares the same statements as a hand-written store.
//!
//! SQL text is shared: sqlx binds `$N` placeholders on SQLite as well
//! (statements built at run time with many values use
//! [`Dialect::push_placeholder`]).

use std::future::Future;
use std::ops::{Deref, DerefMut};

use caseload_store::Result;
use jiff::Timestamp;
use jiff::civil::Date;

mod audit;
mod bulk;
mod calendars;
mod caseload;
mod cases;
mod clients;

pub use clients::key_unkeyed;
pub use database::pool_use;
pub use migrations::Migrations;
pub use notes::note_row;
mod database;
mod deadlines;
mod migrations;
mod notes;
mod notifications;
mod obstacles;
mod outcomes;
mod priorities;
mod sessions;
mod settings;
mod sign_in_attempts;
mod tasks;
mod timescales;
mod users;

/// The store: one dialect's pools, and every capability's logic.
#[derive(Debug, Clone)]
pub struct SqlStore<D> {
    dialect: D,
}

impl<D: Dialect> SqlStore<D> {
    pub fn new(dialect: D) -> Self {
        Self { dialect }
    }

    /// Open the database at `url` (`sqlite:` or `postgres://`), with the
    /// default timeouts.
    pub async fn connect(url: &str) -> Result<Self> {
        Self::connect_with(url, &caseload_store::Timeouts::default()).await
    }

    /// Open the database at `url`, waiting on it no longer than `timeouts`.
    pub async fn connect_with(url: &str, timeouts: &caseload_store::Timeouts) -> Result<Self> {
        Ok(Self::new(D::connect(url, timeouts).await?))
    }
}

/// A failure of the connection rather than of a statement, read the same
/// on both databases: every connection busy past the acquire timeout, or
/// the database gone (a socket or file error, a closed pool).
pub fn connection_outage(e: &sqlx::Error) -> Option<caseload_store::Outage> {
    use caseload_store::Outage;
    match e {
        sqlx::Error::PoolTimedOut => Some(Outage::Busy),
        sqlx::Error::Io(_)
        | sqlx::Error::Tls(_)
        | sqlx::Error::PoolClosed
        | sqlx::Error::WorkerCrashed => Some(Outage::Unreachable),
        _ => None,
    }
}

/// The one row a lookup expects, decoded; `NotFound(what)` if there is none.
fn one<R, T>(row: Option<R>, what: &'static str, map: impl FnOnce(&R) -> Result<T>) -> Result<T> {
    map(&row.ok_or(caseload_store::StoreError::NotFound(what))?)
}

/// `VALUES ($1, $2), ($3, $4), …` for `rows` rows of `columns` values: many
/// rows a statement, numbered as both databases read them.
fn values<D: Dialect>(rows: usize, columns: usize) -> String {
    let mut out = String::with_capacity(8 + rows * columns * 7);
    out.push_str(" VALUES ");
    for row in 0..rows {
        out.push_str(if row == 0 { "(" } else { ", (" });
        for col in 0..columns {
            if col > 0 {
                out.push_str(", ");
            }
            D::push_placeholder(&mut out, row * columns + col + 1);
        }
        out.push(')');
    }
    out
}

/// `$from, $from+1, …` (`n` of them), for an `IN (…)` list.
fn placeholders<D: Dialect>(from: usize, n: usize) -> String {
    let mut out = String::with_capacity(n * 7);
    for i in from..from + n {
        if i > from {
            out.push_str(", ");
        }
        D::push_placeholder(&mut out, i);
    }
    out
}

/// A statement written piece by piece (optional filters, scopes): its text,
/// numbered as it grows, and the values to bind, in order.
pub(crate) struct Sql<'a> {
    text: String,
    args: Vec<Arg<'a>>,
}

enum Arg<'a> {
    Str(&'a str),
    String(String),
    I64(i64),
    Date(Date),
}

impl<'a> Sql<'a> {
    pub(crate) fn new(text: &str) -> Self {
        Self {
            text: text.to_owned(),
            args: Vec::new(),
        }
    }
    pub(crate) fn push(&mut self, text: &str) -> &mut Self {
        self.text.push_str(text);
        self
    }
    fn placeholder(&mut self, arg: Arg<'a>) -> &mut Self {
        self.args.push(arg);
        self.text.push('$');
        self.text.push_str(&self.args.len().to_string());
        self
    }
    pub(crate) fn push_str(&mut self, v: &'a str) -> &mut Self {
        self.placeholder(Arg::Str(v))
    }
    pub(crate) fn push_string(&mut self, v: String) -> &mut Self {
        self.placeholder(Arg::String(v))
    }
    pub(crate) fn push_i64(&mut self, v: i64) -> &mut Self {
        self.placeholder(Arg::I64(v))
    }
    pub(crate) fn push_date(&mut self, v: Date) -> &mut Self {
        self.placeholder(Arg::Date(v))
    }
    pub(crate) fn query<D: Dialect>(&self) -> D::Query<'_> {
        let mut q = D::query(&self.text);
        for arg in &self.args {
            q = match arg {
                Arg::Str(v) => q.bind_str(v),
                Arg::String(v) => q.bind_str(v),
                Arg::I64(v) => q.bind_i64(*v),
                Arg::Date(v) => q.bind_date(*v),
            };
        }
        q
    }
}

/// Limit a listing to `scope`: the user's own (by `owner_column`, where the
/// records have an owner) and their team's.
pub(crate) fn push_scope<'a>(
    q: &mut Sql<'a>,
    prefix: &str,
    scope: &'a caseload_store::Scope,
    owner_column: Option<&str>,
) {
    q.push(" AND (");
    match owner_column {
        Some(col) => {
            q.push(&format!("{prefix}{col} = "))
                .push_str(scope.user.as_str());
        }
        None => {
            q.push("FALSE");
        }
    }
    if let Some(team) = &scope.team {
        q.push(&format!(" OR {prefix}team_id = "))
            .push_str(team.as_str());
    }
    q.push(")");
}

/// What a dialect offers beyond the capabilities (SQLite's `move_journal`,
/// either's raw `pool()` for tools and tests) stays reachable on the store.
impl<D: Dialect> SqlStore<D> {
    fn reader(&self) -> &D::Pool {
        self.dialect.reader()
    }
    fn writer(&self) -> &D::Pool {
        self.dialect.writer()
    }
}

impl<D> Deref for SqlStore<D> {
    type Target = D;
    fn deref(&self) -> &D {
        &self.dialect
    }
}

/// A column by name or, on hot paths, by position (sqlx looks names up in a
/// map for each value).
#[derive(Debug, Clone, Copy)]
pub enum Col<'a> {
    Name(&'a str),
    At(usize),
}

impl<'a> From<&'a str> for Col<'a> {
    fn from(name: &'a str) -> Self {
        Col::Name(name)
    }
}

impl From<usize> for Col<'_> {
    fn from(at: usize) -> Self {
        Col::At(at)
    }
}

/// A statement and its arguments, bound in the database's own encoding,
/// run on a pool or on a transaction's connection (`_in`).
pub trait Statement<'q>: Sized + Send {
    type Pool: Send + Sync;
    type Conn: Send;
    type Row: SqlRow;

    fn bind_str(self, v: &'q str) -> Self;
    fn bind_opt_str(self, v: Option<&'q str>) -> Self;
    fn bind_string(self, v: String) -> Self;
    fn bind_opt_string(self, v: Option<String>) -> Self;
    fn bind_i64(self, v: i64) -> Self;
    fn bind_opt_i64(self, v: Option<i64>) -> Self;
    fn bind_bool(self, v: bool) -> Self;
    fn bind_opt_bool(self, v: Option<bool>) -> Self;
    fn bind_ts(self, v: Timestamp) -> Self;
    fn bind_opt_ts(self, v: Option<Timestamp>) -> Self;
    fn bind_date(self, v: Date) -> Self;
    fn bind_opt_date(self, v: Option<Date>) -> Self;
    /// A JSON document (SQLite: text; PostgreSQL: jsonb).
    fn bind_json(self, v: String) -> Self;
    /// A list of texts, for [`Dialect::in_list`] (SQLite: a JSON array;
    /// PostgreSQL: a text[]).
    fn bind_str_list(self, v: Vec<String>) -> Self;

    fn fetch_all(self, pool: &Self::Pool) -> impl Future<Output = Result<Vec<Self::Row>>> + Send;
    fn fetch_optional(
        self,
        pool: &Self::Pool,
    ) -> impl Future<Output = Result<Option<Self::Row>>> + Send;
    fn fetch_one(self, pool: &Self::Pool) -> impl Future<Output = Result<Self::Row>> + Send;
    /// Run it; how many rows it changed.
    fn execute(self, pool: &Self::Pool) -> impl Future<Output = Result<u64>> + Send;

    fn fetch_all_in(
        self,
        conn: &mut Self::Conn,
    ) -> impl Future<Output = Result<Vec<Self::Row>>> + Send;
    fn fetch_optional_in(
        self,
        conn: &mut Self::Conn,
    ) -> impl Future<Output = Result<Option<Self::Row>>> + Send;
    fn fetch_one_in(self, conn: &mut Self::Conn) -> impl Future<Output = Result<Self::Row>> + Send;
    fn execute_in(self, conn: &mut Self::Conn) -> impl Future<Output = Result<u64>> + Send;
}

/// A row read back, decoded in the database's own encoding.
pub trait SqlRow: Send + Sync + 'static {
    fn text<'a>(&self, c: impl Into<Col<'a>>) -> Result<&str>;
    fn opt_text<'a>(&self, c: impl Into<Col<'a>>) -> Result<Option<&str>>;
    fn i64<'a>(&self, c: impl Into<Col<'a>>) -> Result<i64>;
    fn opt_i64<'a>(&self, c: impl Into<Col<'a>>) -> Result<Option<i64>>;
    fn bool<'a>(&self, c: impl Into<Col<'a>>) -> Result<bool>;
    fn opt_bool<'a>(&self, c: impl Into<Col<'a>>) -> Result<Option<bool>>;
    fn ts<'a>(&self, c: impl Into<Col<'a>>) -> Result<Timestamp>;
    fn opt_ts<'a>(&self, c: impl Into<Col<'a>>) -> Result<Option<Timestamp>>;
    fn opt_date<'a>(&self, c: impl Into<Col<'a>>) -> Result<Option<Date>>;
    /// A JSON document as text.
    fn json_text<'a>(&self, c: impl Into<Col<'a>>) -> Result<String>;

    fn string<'a>(&self, c: impl Into<Col<'a>>) -> Result<String> {
        self.text(c).map(str::to_owned)
    }
    fn opt_string<'a>(&self, c: impl Into<Col<'a>>) -> Result<Option<String>> {
        Ok(self.opt_text(c)?.map(str::to_owned))
    }
}

/// What differs between the databases. Implemented by `caseload_sqlite::Sqlite`
/// and `caseload_postgres::Postgres`, each holding its pools: encodings (by
/// its [`Statement`] and [`SqlRow`] types), connections and transactions,
/// migrations and catalogue, and the few statements kept per database, each
/// saying why. Constraint errors are mapped by the dialect's statements into
/// `caseload_store::ConflictKind`.
pub trait Dialect: Send + Sync + Sized + 'static {
    /// `"sqlite"` or `"postgres"`.
    const NAME: &'static str;

    /// `SESSION_USER` with the mark of the user's caseload (`CaseloadMark`:
    /// `id:revision` of each active case, in id order, byte-wise). Per
    /// database: SQLite's `group_concat` sorts bytes as it is; PostgreSQL's
    /// `string_agg` needs `COLLATE "C"`, which SQLite does not know.
    const SESSION_USER_AND_CASELOAD_MARK: &'static str;
    /// `TOKEN_USER` with the mark of the user's caseload (as above).
    const TOKEN_USER_AND_CASELOAD_MARK: &'static str;
    type Pool: Send + Sync;
    type Conn: Send;
    /// `" FOR UPDATE"` on PostgreSQL, where writers run side by side and a
    /// write that reads before it writes locks the row it read; nothing on
    /// SQLite, whose one writer already holds the whole database.
    const FOR_UPDATE: &'static str;
    /// How many values one statement may bind (SQLite allows 32,766,
    /// PostgreSQL 65,535), for bulk loading many rows a statement.
    const MAX_BIND_VALUES: usize;
    /// A reader connection lent by the pool; it derefs to its connection.
    type Lease: Send + DerefMut<Target = Self::Conn>;
    /// A write transaction; it derefs to its connection.
    type Tx: Send + DerefMut<Target = Self::Conn>;
    type Row: SqlRow;
    type Query<'q>: Statement<'q, Pool = Self::Pool, Conn = Self::Conn, Row = Self::Row>;

    fn connect(
        url: &str,
        timeouts: &caseload_store::Timeouts,
    ) -> impl Future<Output = Result<Self>> + Send;
    /// Apply the embedded migrations (each database has its own files).
    fn run_migrations(&self) -> impl Future<Output = Result<()>> + Send;
    /// Refresh the planner's statistics after a bulk load.
    fn refresh_statistics(&self) -> impl Future<Output = Result<()>> + Send;
    /// Table name → sorted column names, from the database's own catalogue.
    fn read_schema(&self) -> impl Future<Output = Result<Vec<(String, Vec<String>)>>> + Send;
    /// The pool reads use (SQLite: the readers, never blocking the writer).
    fn reader(&self) -> &Self::Pool;
    /// Whether the database's storage can take new space now, beyond what
    /// the readiness check's one-row update shows (see SQLite's). The
    /// default: the update says enough.
    fn check_space(&self) -> impl Future<Output = Result<()>> + Send {
        std::future::ready(Ok(()))
    }
    /// Each pool's connections now (`caseload_sql::pool_use` of each), for
    /// the operator's metrics: SQLite has two pools, PostgreSQL one.
    fn pool_use(&self) -> Vec<caseload_store::PoolUse>;
    /// The pool single-statement writes use (SQLite: the one writer).
    fn writer(&self) -> &Self::Pool;
    /// A reader connection, for several statements in a row.
    fn acquire_reader(&self) -> impl Future<Output = Result<Self::Lease>> + Send;
    /// Keep other writers out of `table` until the transaction ends, where
    /// a write numbers the next version from what is stored (PostgreSQL:
    /// `LOCK TABLE`; SQLite's one writer already excludes them).
    fn lock_table(conn: &mut Self::Conn, table: &str) -> impl Future<Output = Result<()>> + Send;
    /// Start a write transaction (SQLite: `BEGIN IMMEDIATE`, so writers queue
    /// in-process instead of failing on an upgrade from a read lock).
    fn begin(&self) -> impl Future<Output = Result<Self::Tx>> + Send;
    fn commit(tx: Self::Tx) -> impl Future<Output = Result<()>> + Send;

    fn query(sql: &str) -> Self::Query<'_>;

    /// Append audit events on their own (reads, denials), all or none; per
    /// database for speed. SQLite appends them to its journal file (moved
    /// into `audit_events` about once a second), so a read never queues for
    /// the one writer; PostgreSQL inserts them, a usual batch in one
    /// statement.
    fn record_audits(
        &self,
        events: &[caseload_store::NewAuditEvent],
    ) -> impl Future<Output = Result<()>> + Send;
    /// Make every recorded audit event readable in `audit_events` (SQLite
    /// moves its journal in now).
    fn settle_audits(&self) -> impl Future<Output = Result<()>> + Send;

    /// Append a note with the case's activity columns (migration 0008), its
    /// timeline entry and audit event: the hot write, so per database.
    /// PostgreSQL does it in one statement (one round trip, atomic on its
    /// own, with LEAST/GREATEST); SQLite, in-process, in a transaction on its
    /// one writer, with MIN/MAX as scalar functions.
    fn add_note(
        &self,
        new: &caseload_store::NewNote,
        ctx: &caseload_store::WriteCtx,
    ) -> impl Future<Output = Result<caseload_store::Note>> + Send;

    /// `column` is one of the list bound at `$param` (by `bind_str_list`):
    /// SQLite has no arrays and reads a JSON array (`json_each`); PostgreSQL
    /// takes a text[] (`= ANY`).
    fn in_list(column: &str, param: u32) -> String;

    /// Append the `n`th (from 1) placeholder of a statement built at run
    /// time with many values (`values`, `placeholders`): `$n` here. SQLite
    /// writes `?` instead, because it looks every `$n` up by name in a list,
    /// when preparing and again for each value bound — quadratic in a bulk
    /// statement's thousands of values. The numbering is the same: those
    /// lists are always bound in order, and a `?` takes the number after
    /// the largest already used.
    fn push_placeholder(sql: &mut String, n: usize) {
        use std::fmt::Write as _;
        let _ = write!(sql, "${n}");
    }
}
