//! How the shared SQL store speaks PostgreSQL: timestamps as timestamptz,
//! dates as date, JSON as jsonb; one pool for reads and writes.

use caseload_sql::{Col, Dialect, SqlRow, Statement};
use caseload_store::{Result, StoreError};
use jiff::Timestamp;
use jiff::civil::Date;
use sqlx::postgres::{PgArguments, PgConnection, PgRow};
use sqlx::{PgPool, Row as _};

use crate::{Postgres, db_err, from_pg_ts, pg_date, pg_ts};

/// A statement with its arguments.
pub struct Query<'q>(sqlx::query::Query<'q, sqlx::Postgres, PgArguments>);

/// A row read back.
pub struct Row(pub(crate) PgRow);

impl<'q> Statement<'q> for Query<'q> {
    type Pool = PgPool;
    type Conn = PgConnection;
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
        Query(self.0.bind(pg_ts(v)))
    }
    fn bind_opt_ts(self, v: Option<Timestamp>) -> Self {
        Query(self.0.bind(v.map(pg_ts)))
    }
    fn bind_date(self, v: Date) -> Self {
        Query(self.0.bind(pg_date(v)))
    }
    fn bind_opt_date(self, v: Option<Date>) -> Self {
        Query(self.0.bind(v.and_then(pg_date)))
    }
    fn bind_json(self, v: String) -> Self {
        Query(self.0.bind(JsonText(v)))
    }
    fn bind_str_list(self, v: Vec<String>) -> Self {
        Query(self.0.bind(v))
    }

    async fn fetch_all(self, pool: &PgPool) -> Result<Vec<Row>> {
        self.0.fetch_all(pool).await.map(rows).map_err(db_err)
    }
    async fn fetch_optional(self, pool: &PgPool) -> Result<Option<Row>> {
        self.0
            .fetch_optional(pool)
            .await
            .map(|r| r.map(Row))
            .map_err(db_err)
    }
    async fn fetch_one(self, pool: &PgPool) -> Result<Row> {
        self.0.fetch_one(pool).await.map(Row).map_err(db_err)
    }
    async fn execute(self, pool: &PgPool) -> Result<u64> {
        self.0
            .execute(pool)
            .await
            .map(|r| r.rows_affected())
            .map_err(db_err)
    }

    async fn fetch_all_in(self, conn: &mut PgConnection) -> Result<Vec<Row>> {
        self.0.fetch_all(conn).await.map(rows).map_err(db_err)
    }
    async fn fetch_optional_in(self, conn: &mut PgConnection) -> Result<Option<Row>> {
        self.0
            .fetch_optional(conn)
            .await
            .map(|r| r.map(Row))
            .map_err(db_err)
    }
    async fn fetch_one_in(self, conn: &mut PgConnection) -> Result<Row> {
        self.0.fetch_one(conn).await.map(Row).map_err(db_err)
    }
    async fn execute_in(self, conn: &mut PgConnection) -> Result<u64> {
        self.0
            .execute(conn)
            .await
            .map(|r| r.rows_affected())
            .map_err(db_err)
    }
}

/// JSON already serialised, sent as jsonb (its binary form is a version
/// byte and the text), so the shared SQL needs no `::jsonb` cast.
struct JsonText(String);

impl sqlx::Type<sqlx::Postgres> for JsonText {
    fn type_info() -> sqlx::postgres::PgTypeInfo {
        <sqlx::types::Json<()> as sqlx::Type<sqlx::Postgres>>::type_info()
    }
}

impl sqlx::Encode<'_, sqlx::Postgres> for JsonText {
    fn encode_by_ref(
        &self,
        buf: &mut sqlx::postgres::PgArgumentBuffer,
    ) -> std::result::Result<sqlx::encode::IsNull, sqlx::error::BoxDynError> {
        buf.push(1);
        buf.extend_from_slice(self.0.as_bytes());
        Ok(sqlx::encode::IsNull::No)
    }
}

/// A jsonb value read as its text, as `::text` would give it: the binary
/// form is a version byte and the text.
impl sqlx::Decode<'_, sqlx::Postgres> for JsonText {
    fn decode(
        value: sqlx::postgres::PgValueRef<'_>,
    ) -> std::result::Result<Self, sqlx::error::BoxDynError> {
        let binary = matches!(value.format(), sqlx::postgres::PgValueFormat::Binary);
        let bytes = value.as_bytes()?;
        let text = if binary && bytes.first() == Some(&1) {
            &bytes[1..]
        } else {
            bytes
        };
        Ok(JsonText(std::str::from_utf8(text)?.to_owned()))
    }
}

fn get<'r, T: sqlx::Decode<'r, sqlx::Postgres> + sqlx::Type<sqlx::Postgres>>(
    row: &'r PgRow,
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
        from_pg_ts(get(&self.0, c.into())?)
    }
    fn opt_ts<'a>(&self, c: impl Into<Col<'a>>) -> Result<Option<Timestamp>> {
        get::<Option<time::OffsetDateTime>>(&self.0, c.into())?
            .map(from_pg_ts)
            .transpose()
    }
    fn opt_date<'a>(&self, c: impl Into<Col<'a>>) -> Result<Option<Date>> {
        get::<Option<time::Date>>(&self.0, c.into())?
            .map(|d| Date::new(d.year() as i16, u8::from(d.month()) as i8, d.day() as i8))
            .transpose()
            .map_err(|e| StoreError::corrupt(format!("date: {e}")))
    }
    fn json_text<'a>(&self, c: impl Into<Col<'a>>) -> Result<String> {
        Ok(get::<JsonText>(&self.0, c.into())?.0)
    }
}

fn rows(rows: Vec<PgRow>) -> Vec<Row> {
    rows.into_iter().map(Row).collect()
}

impl Dialect for Postgres {
    const NAME: &'static str = "postgres";
    const SESSION_USER_AND_CASELOAD_MARK: &'static str = crate::SESSION_USER_AND_CASELOAD_MARK;
    const TOKEN_USER_AND_CASELOAD_MARK: &'static str = crate::TOKEN_USER_AND_CASELOAD_MARK;
    type Pool = PgPool;
    const MAX_BIND_VALUES: usize = 60_000;
    const FOR_UPDATE: &'static str = " FOR UPDATE";
    type Conn = PgConnection;
    type Lease = sqlx::pool::PoolConnection<sqlx::Postgres>;
    type Tx = sqlx::Transaction<'static, sqlx::Postgres>;
    type Row = Row;
    type Query<'q> = Query<'q>;

    async fn connect(url: &str, timeouts: &caseload_store::Timeouts) -> Result<Self> {
        let options = crate::PoolOptions {
            timeouts: *timeouts,
            ..crate::PoolOptions::default()
        };
        Postgres::open(url, &options).await
    }
    async fn run_migrations(&self) -> Result<()> {
        Postgres::run_migrations(self).await
    }
    async fn refresh_statistics(&self) -> Result<()> {
        Postgres::refresh_statistics(self).await
    }
    async fn read_schema(&self) -> Result<Vec<(String, Vec<String>)>> {
        Postgres::read_schema(self).await
    }
    fn reader(&self) -> &PgPool {
        &self.reader
    }
    fn pool_use(&self) -> Vec<caseload_store::PoolUse> {
        // Reads and writes share one pool here.
        vec![caseload_sql::pool_use("main", &self.writer)]
    }
    fn writer(&self) -> &PgPool {
        &self.writer
    }
    async fn acquire_reader(&self) -> Result<Self::Lease> {
        self.reader.acquire().await.map_err(db_err)
    }
    async fn begin(&self) -> Result<Self::Tx> {
        Postgres::begin(self).await
    }
    async fn commit(tx: Self::Tx) -> Result<()> {
        tx.commit().await.map_err(db_err)
    }
    async fn record_audits(&self, events: &[caseload_store::NewAuditEvent]) -> Result<()> {
        Postgres::record_audits(self, events).await
    }
    async fn settle_audits(&self) -> Result<()> {
        Ok(())
    }
    async fn add_note(
        &self,
        new: &caseload_store::NewNote,
        ctx: &caseload_store::WriteCtx,
    ) -> Result<caseload_store::Note> {
        Postgres::add_note(self, new, ctx).await
    }
    fn query(sql: &str) -> Query<'_> {
        Query(sqlx::query(sql))
    }
    fn in_list(column: &str, param: u32) -> String {
        format!("{column} = ANY(${param})")
    }
    async fn lock_table(conn: &mut PgConnection, table: &str) -> Result<()> {
        sqlx::query(&format!("LOCK TABLE {table} IN EXCLUSIVE MODE"))
            .execute(conn)
            .await
            .map_err(db_err)?;
        Ok(())
    }
}
