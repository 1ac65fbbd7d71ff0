//! Working-day calendars: imported bank holidays, closure days, teams' own calendars, and users' private calendar feeds.

use async_trait::async_trait;
use caseload_domain::ids::*;
use jiff::Timestamp;
use jiff::civil::Date;

use crate::*;

/// One bank holiday from the official file.
#[derive(Debug, Clone, PartialEq)]
pub struct ImportedHoliday {
    pub division: String,
    pub day: Date,
    pub title: String,
}

#[async_trait]
pub trait Calendars: Send + Sync {
    /// Replace the imported bank holidays of each (division, year) present
    /// in `days` — all in one transaction. Returns how many were stored.
    async fn import_holidays(&self, days: &[ImportedHoliday], at: Timestamp) -> Result<usize>;

    /// All imported holidays of one division.
    async fn imported_holidays(&self, division: &str) -> Result<Vec<jiff::civil::Date>>;

    async fn add_closure_day(
        &self,
        day: jiff::civil::Date,
        title: &str,
        at: Timestamp,
    ) -> Result<()>;

    async fn remove_closure_day(&self, day: jiff::civil::Date) -> Result<()>;

    async fn closure_days(&self) -> Result<Vec<(jiff::civil::Date, String)>>;

    /// A team's own calendar, if it has one.
    async fn team_calendar(&self, team: &TeamId) -> Result<Option<String>>;

    async fn set_team_calendar(&self, team: &TeamId, calendar: Option<&str>) -> Result<()>;

    /// Every team that counts in a calendar of its own, with that calendar.
    async fn team_calendars(&self) -> Result<Vec<(TeamId, String)>>;

    /// Start a private calendar feed for a user (ending any earlier one).
    async fn create_feed(&self, user: &UserId, token_hash: &str, at: Timestamp) -> Result<()>;

    async fn revoke_feeds(&self, user: &UserId, at: Timestamp) -> Result<()>;

    /// The active user whose live feed this is.
    async fn user_for_feed(&self, token_hash: &str) -> Result<Option<User>>;
}
