//! Working-day calendars: imported bank holidays, closure days, teams' own calendars, and users' private calendar feeds.
//!
//! Not yet written here: forwarded to the dialect, which still holds its own copy.

use async_trait::async_trait;
use caseload_domain::ids::*;
use caseload_store::*;
use jiff::Timestamp;

use crate::{Dialect, SqlStore};

#[async_trait]
impl<D: Dialect> Calendars for SqlStore<D> {
    async fn import_holidays(&self, days: &[ImportedHoliday], at: Timestamp) -> Result<usize> {
        Calendars::import_holidays(&self.dialect, days, at).await
    }

    async fn imported_holidays(&self, division: &str) -> Result<Vec<jiff::civil::Date>> {
        Calendars::imported_holidays(&self.dialect, division).await
    }

    async fn add_closure_day(
        &self,
        day: jiff::civil::Date,
        title: &str,
        at: Timestamp,
    ) -> Result<()> {
        Calendars::add_closure_day(&self.dialect, day, title, at).await
    }

    async fn remove_closure_day(&self, day: jiff::civil::Date) -> Result<()> {
        Calendars::remove_closure_day(&self.dialect, day).await
    }

    async fn closure_days(&self) -> Result<Vec<(jiff::civil::Date, String)>> {
        Calendars::closure_days(&self.dialect).await
    }

    async fn team_calendar(&self, team: &TeamId) -> Result<Option<String>> {
        Calendars::team_calendar(&self.dialect, team).await
    }

    async fn set_team_calendar(&self, team: &TeamId, calendar: Option<&str>) -> Result<()> {
        Calendars::set_team_calendar(&self.dialect, team, calendar).await
    }

    async fn team_calendars(&self) -> Result<Vec<(TeamId, String)>> {
        Calendars::team_calendars(&self.dialect).await
    }

    async fn create_feed(&self, user: &UserId, token_hash: &str, at: Timestamp) -> Result<()> {
        Calendars::create_feed(&self.dialect, user, token_hash, at).await
    }

    async fn revoke_feeds(&self, user: &UserId, at: Timestamp) -> Result<()> {
        Calendars::revoke_feeds(&self.dialect, user, at).await
    }

    async fn user_for_feed(&self, token_hash: &str) -> Result<Option<User>> {
        Calendars::user_for_feed(&self.dialect, token_hash).await
    }
}
