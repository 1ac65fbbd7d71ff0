//! How the shared SQL store speaks SQLite: timestamps as i64 microseconds,
//! dates as `YYYY-MM-DD` text, JSON as text, writes in `BEGIN IMMEDIATE`
//! transactions on the one writer connection.

use caseload_sql::{Col, Dialect, SqlRow, Statement};
use caseload_store::decode::{self, from_micros, micros};
use caseload_store::{Result, StoreError};
use jiff::Timestamp;
use jiff::civil::Date;
use sqlx::sqlite::{SqliteArguments, SqliteConnection, SqliteRow};
use sqlx::{Row as _, SqlitePool};

use crate::{Sqlite, db_err};

/// A statement with its arguments.
pub struct Query<'q>(sqlx::query::Query<'q, sqlx::Sqlite, SqliteArguments<'q>>);

/// A row read back.
pub struct Row(SqliteRow);

impl<'q> Statement<'q> for Query<'q> {
    type Pool = SqlitePool;
    type Conn = SqliteConnection;
    type Row = Row;

    fn bind_str(self, v: &'q str) -> Self {
        Query(self.0.bind(v))
    }
    fn bind_opt_str(self, v: Option<&'q str>) -> Self {
        Query(self.0.bind(v))
    }
    fn bind_string(self, v: String) -> Self {
        Query(self.0.bind(v))
    }
    fn bind_opt_string(self, v: Option<String>) -> Self {
        Query(self.0.bind(v))
    }
    fn bind_i64(self, v: i64) -> Self {
        Query(self.0.bind(v))
    }
    fn bind_opt_i64(self, v: Option<i64>) -> Self {
        Query(self.0.bind(v))
    }
    fn bind_bool(self, v: bool) -> Self {
        Query(self.0.bind(v))
    }
    fn bind_opt_bool(self, v: Option<bool>) -> Self {
        Query(self.0.bind(v))
    }
    fn bind_ts(self, v: Timestamp) -> Self {
        Query(self.0.bind(micros(v)))
    }
    fn bind_opt_ts(self, v: Option<Timestamp>) -> Self {
        Query(self.0.bind(v.map(micros)))
    }
    fn bind_date(self, v: Date) -> Self {
        Query(self.0.bind(v.to_string()))
    }
    fn bind_opt_date(self, v: Option<Date>) -> Self {
        Query(self.0.bind(v.map(|d| d.to_string())))
    }
    fn bind_json(self, v: String) -> Self {
        Query(self.0.bind(v))
    }
    fn bind_str_list(self, v: Vec<String>) -> Self {
        Query(
            self.0
                .bind(serde_json::to_string(&v).unwrap_or_else(|_| "[]".into())),
        )
    }

    async fn fetch_all(self, pool: &SqlitePool) -> Result<Vec<Row>> {
        self.0.fetch_all(pool).await.map(rows).map_err(db_err)
    }
    async fn fetch_optional(self, pool: &SqlitePool) -> Result<Option<Row>> {
        self.0
            .fetch_optional(pool)
            .await
            .map(|r| r.map(Row))
            .map_err(db_err)
    }
    async fn fetch_one(self, pool: &SqlitePool) -> Result<Row> {
        self.0.fetch_one(pool).await.map(Row).map_err(db_err)
    }
    async fn execute(self, pool: &SqlitePool) -> Result<u64> {
        self.0
            .execute(pool)
            .await
            .map(|r| r.rows_affected())
            .map_err(db_err)
    }

    async fn fetch_all_in(self, conn: &mut SqliteConnection) -> Result<Vec<Row>> {
        self.0.fetch_all(conn).await.map(rows).map_err(db_err)
    }
    async fn fetch_optional_in(self, conn: &mut SqliteConnection) -> Result<Option<Row>> {
        self.0
            .fetch_optional(conn)
            .await
            .map(|r| r.map(Row))
            .map_err(db_err)
    }
    async fn fetch_one_in(self, conn: &mut SqliteConnection) -> Result<Row> {
        self.0.fetch_one(conn).await.map(Row).map_err(db_err)
    }
    async fn execute_in(self, conn: &mut SqliteConnection) -> Result<u64> {
        self.0
            .execute(conn)
            .await
            .map(|r| r.rows_affected())
            .map_err(db_err)
    }
}

fn get<'r, T: sqlx::Decode<'r, sqlx::Sqlite> + sqlx::Type<sqlx::Sqlite>>(
    row: &'r SqliteRow,
    c: Col<'_>,
) -> Result<T> {
    match c {
        Col::Name(name) => row.try_get(name),
        Col::At(at) => row.try_get(at),
    }
    .map_err(StoreError::other)
}

impl SqlRow for Row {
    fn text<'a>(&self, c: impl Into<Col<'a>>) -> Result<&str> {
        get(&self.0, c.into())
    }
    fn opt_text<'a>(&self, c: impl Into<Col<'a>>) -> Result<Option<&str>> {
        get(&self.0, c.into())
    }
    fn i64<'a>(&self, c: impl Into<Col<'a>>) -> Result<i64> {
        get(&self.0, c.into())
    }
    fn opt_i64<'a>(&self, c: impl Into<Col<'a>>) -> Result<Option<i64>> {
        get(&self.0, c.into())
    }
    fn bool<'a>(&self, c: impl Into<Col<'a>>) -> Result<bool> {
        get(&self.0, c.into())
    }
    fn opt_bool<'a>(&self, c: impl Into<Col<'a>>) -> Result<Option<bool>> {
        get(&self.0, c.into())
    }
    fn ts<'a>(&self, c: impl Into<Col<'a>>) -> Result<Timestamp> {
        from_micros(get(&self.0, c.into())?)
    }
    fn opt_ts<'a>(&self, c: impl Into<Col<'a>>) -> Result<Option<Timestamp>> {
        get::<Option<i64>>(&self.0, c.into())?
            .map(from_micros)
            .transpose()
    }
    fn opt_date<'a>(&self, c: impl Into<Col<'a>>) -> Result<Option<Date>> {
        get::<Option<&str>>(&self.0, c.into())?
            .map(decode::date)
            .transpose()
    }
    fn json_text<'a>(&self, c: impl Into<Col<'a>>) -> Result<String> {
        get(&self.0, c.into())
    }
}

fn rows(rows: Vec<SqliteRow>) -> Vec<Row> {
    rows.into_iter().map(Row).collect()
}

impl Dialect for Sqlite {
    const NAME: &'static str = "sqlite";
    const SESSION_USER_AND_CASELOAD_MARK: &'static str = crate::SESSION_USER_AND_CASELOAD_MARK;
    const TOKEN_USER_AND_CASELOAD_MARK: &'static str = crate::TOKEN_USER_AND_CASELOAD_MARK;
    type Pool = SqlitePool;
    const MAX_BIND_VALUES: usize = 30_000;
    const FOR_UPDATE: &'static str = "";
    type Conn = SqliteConnection;
    type Lease = sqlx::pool::PoolConnection<sqlx::Sqlite>;
    type Tx = sqlx::Transaction<'static, sqlx::Sqlite>;
    type Row = Row;
    type Query<'q> = Query<'q>;

    async fn connect(url: &str, timeouts: &caseload_store::Timeouts) -> Result<Self> {
        Sqlite::open(url, timeouts).await
    }
    async fn run_migrations(&self) -> Result<()> {
        Sqlite::run_migrations(self).await
    }
    async fn refresh_statistics(&self) -> Result<()> {
        Sqlite::refresh_statistics(self).await
    }
    async fn read_schema(&self) -> Result<Vec<(String, Vec<String>)>> {
        Sqlite::read_schema(self).await
    }
    fn reader(&self) -> &SqlitePool {
        &self.reader
    }
    async fn check_space(&self) -> Result<()> {
        Sqlite::check_space(self).await
    }
    fn pool_use(&self) -> Vec<caseload_store::PoolUse> {
        vec![
            caseload_sql::pool_use("writer", &self.writer),
            caseload_sql::pool_use("reader", &self.reader),
        ]
    }
    fn writer(&self) -> &SqlitePool {
        &self.writer
    }
    async fn acquire_reader(&self) -> Result<Self::Lease> {
        self.reader.acquire().await.map_err(db_err)
    }
    async fn begin(&self) -> Result<Self::Tx> {
        Sqlite::begin(self).await
    }
    async fn commit(tx: Self::Tx) -> Result<()> {
        tx.commit().await.map_err(db_err)
    }
    async fn record_audits(&self, events: &[caseload_store::NewAuditEvent]) -> Result<()> {
        Sqlite::record_audits(self, events).await
    }
    async fn settle_audits(&self) -> Result<()> {
        self.move_journal().await.map(|_| ())
    }
    async fn add_note(
        &self,
        new: &caseload_store::NewNote,
        ctx: &caseload_store::WriteCtx,
    ) -> Result<caseload_store::Note> {
        Sqlite::add_note(self, new, ctx).await
    }
    fn query(sql: &str) -> Query<'_> {
        Query(sqlx::query(sql))
    }
    fn in_list(column: &str, param: u32) -> String {
        format!("{column} IN (SELECT value FROM json_each(${param}))")
    }
    /// `?`: see `Dialect::push_placeholder` (SQLite numbers `?` in order,
    /// with no name to look up).
    fn push_placeholder(sql: &mut String, _n: usize) {
        sql.push('?');
    }
    async fn lock_table(_conn: &mut SqliteConnection, _table: &str) -> Result<()> {
        Ok(())
    }
}
