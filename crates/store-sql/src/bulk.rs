//! Loading generated rows (demonstration and benchmark data) many to a statement.

use async_trait::async_trait;
use caseload_store::*;
use tracing::instrument;

use crate::{Dialect, SqlStore, Statement, key_unkeyed, values};

#[async_trait]
impl<D: Dialect> BulkLoad for SqlStore<D> {
    #[instrument(skip_all)]
    async fn bulk_insert(&self, batches: &[BulkRows]) -> Result<()> {
        let mut tx = self.dialect.begin().await?;
        for batch in batches {
            batch.check()?;
            let per = (D::MAX_BIND_VALUES / batch.columns.len().max(1)).max(1);
            for chunk in batch.rows.chunks(per) {
                let sql = format!(
                    "INSERT INTO {} ({}){}",
                    batch.table,
                    batch.columns.join(", "),
                    values::<D>(chunk.len(), batch.columns.len())
                );
                let mut q = D::query(&sql);
                for row in chunk {
                    for v in row {
                        q = match v {
                            BulkValue::Text(t) => q.bind_opt_str(t.as_deref()),
                            BulkValue::Int(i) => q.bind_opt_i64(*i),
                            BulkValue::Bool(b) => q.bind_bool(*b),
                            BulkValue::Ts(t) => q.bind_opt_ts(*t),
                            BulkValue::Date(d) => q.bind_opt_date(*d),
                            BulkValue::Json(j) => q.bind_json(j.to_string()),
                        };
                    }
                }
                q.execute_in(&mut tx).await?;
            }
        }
        // Loaded clients come without search keys (migration 0015).
        if batches.iter().any(|b| b.table == "clients") {
            key_unkeyed::<D>(&mut tx).await?;
        }
        D::commit(tx).await
    }
}
