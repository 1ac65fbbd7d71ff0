//! The organisation's settings, and the generation counter that tells servers when what they keep in memory is stale.

use async_trait::async_trait;
use jiff::Timestamp;

use crate::*;

#[async_trait]
pub trait OrganisationSettings: Send + Sync {
    async fn get_setting(&self, key: &str) -> Result<Option<String>>;

    async fn set_setting(&self, key: &str, value: &str, at: Timestamp) -> Result<()>;

    /// A counter that moves whenever something every request reads changes:
    /// organisation settings, imported holidays, closure days, teams,
    /// policy and timescale versions (triggers move it, whatever made the
    /// change). Servers keep those in memory until it moves.
    async fn settings_generation(&self) -> Result<i64>;
}
