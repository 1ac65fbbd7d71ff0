//! Loading generated rows (demonstration and benchmark data) many to a statement.
//!
//! Not yet written here: forwarded to the dialect, which still holds its own copy.

use async_trait::async_trait;
use caseload_store::*;

use crate::{Dialect, SqlStore};

#[async_trait]
impl<D: Dialect> BulkLoad for SqlStore<D> {
    async fn bulk_insert(&self, batches: &[BulkRows]) -> Result<()> {
        BulkLoad::bulk_insert(&self.dialect, batches).await
    }
}
