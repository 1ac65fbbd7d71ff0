//! The organisation's settings, and the generation counter that tells servers when what they keep in memory is stale.
//!
//! Not yet written here: forwarded to the dialect, which still holds its own copy.

use async_trait::async_trait;
use caseload_store::*;
use jiff::Timestamp;

use crate::{Dialect, SqlStore};

#[async_trait]
impl<D: Dialect> OrganisationSettings for SqlStore<D> {
    async fn get_setting(&self, key: &str) -> Result<Option<String>> {
        OrganisationSettings::get_setting(&self.dialect, key).await
    }

    async fn set_setting(&self, key: &str, value: &str, at: Timestamp) -> Result<()> {
        OrganisationSettings::set_setting(&self.dialect, key, value, at).await
    }

    async fn settings_generation(&self) -> Result<i64> {
        OrganisationSettings::settings_generation(&self.dialect).await
    }
}
