//! Working-day calendars: imported bank holidays, closure days, teams' own calendars, and users' private calendar feeds.

use async_trait::async_trait;
use caseload_domain::ids::*;
use caseload_store::*;
use jiff::Timestamp;
use tracing::instrument;

use crate::users::user_row;
use crate::{Dialect, SqlRow, SqlStore, Statement};

#[async_trait]
impl<D: Dialect> Calendars for SqlStore<D> {
    #[instrument(skip_all)]
    async fn import_holidays(&self, days: &[ImportedHoliday], at: Timestamp) -> Result<usize> {
        let mut years: std::collections::BTreeSet<(String, i16)> =
            std::collections::BTreeSet::new();
        for d in days {
            years.insert((d.division.clone(), d.day.year()));
        }
        let mut tx = self.dialect.begin().await?;
        for (division, year) in &years {
            let first = jiff::civil::date(*year, 1, 1);
            let last = jiff::civil::date(*year, 12, 31);
            D::query(
                "DELETE FROM imported_holidays WHERE division = $1 AND day >= $2 AND day <= $3",
            )
            .bind_str(division)
            .bind_date(first)
            .bind_date(last)
            .execute_in(&mut tx)
            .await?;
        }
        for d in days {
            D::query("INSERT INTO imported_holidays (division, day, title, imported_at) VALUES ($1, $2, $3, $4)")
                .bind_str(&d.division)
                .bind_date(d.day)
                .bind_str(&d.title)
                .bind_ts(at)
                .execute_in(&mut tx)
                .await?;
        }
        D::commit(tx).await?;
        Ok(days.len())
    }

    #[instrument(skip_all)]
    async fn imported_holidays(&self, division: &str) -> Result<Vec<jiff::civil::Date>> {
        let rows = D::query("SELECT day FROM imported_holidays WHERE division = $1 ORDER BY day")
            .bind_str(division)
            .fetch_all(self.reader())
            .await?;
        rows.iter()
            .map(|r| {
                r.opt_date("day")?
                    .ok_or_else(|| StoreError::corrupt("holiday without a day"))
            })
            .collect()
    }

    #[instrument(skip_all)]
    async fn add_closure_day(
        &self,
        day: jiff::civil::Date,
        title: &str,
        at: Timestamp,
    ) -> Result<()> {
        D::query("INSERT INTO closure_days (day, title, created_at) VALUES ($1, $2, $3)")
            .bind_date(day)
            .bind_str(title)
            .bind_ts(at)
            .execute(self.writer())
            .await
            .map_err(|e| match e {
                StoreError::Conflict(ConflictKind::Duplicate { what, .. }) => {
                    StoreError::Conflict(ConflictKind::Duplicate {
                        what,
                        key: Some(day.to_string()),
                    })
                }
                other => other,
            })?;
        Ok(())
    }

    #[instrument(skip_all)]
    async fn remove_closure_day(&self, day: jiff::civil::Date) -> Result<()> {
        let done = D::query("DELETE FROM closure_days WHERE day = $1")
            .bind_date(day)
            .execute(self.writer())
            .await?;
        if done == 0 {
            return Err(StoreError::NotFound("closure day"));
        }
        Ok(())
    }

    #[instrument(skip_all)]
    async fn closure_days(&self) -> Result<Vec<(jiff::civil::Date, String)>> {
        let rows = D::query("SELECT day, title FROM closure_days ORDER BY day")
            .fetch_all(self.reader())
            .await?;
        rows.iter()
            .map(|r| {
                Ok((
                    r.opt_date("day")?
                        .ok_or_else(|| StoreError::corrupt("closure without a day"))?,
                    r.string("title")?,
                ))
            })
            .collect()
    }

    #[instrument(skip_all)]
    async fn team_calendar(&self, team: &TeamId) -> Result<Option<String>> {
        let row = D::query("SELECT calendar FROM teams WHERE id = $1")
            .bind_str(team.as_str())
            .fetch_optional(self.reader())
            .await?
            .ok_or(StoreError::NotFound("team"))?;
        row.opt_string("calendar")
    }

    #[instrument(skip_all)]
    async fn team_calendars(&self) -> Result<Vec<(TeamId, String)>> {
        let rows =
            D::query("SELECT id, calendar FROM teams WHERE calendar IS NOT NULL ORDER BY id")
                .fetch_all(self.reader())
                .await?;
        rows.iter()
            .map(|r| Ok((TeamId::from_trusted(r.string("id")?), r.string("calendar")?)))
            .collect()
    }

    #[instrument(skip_all)]
    async fn set_team_calendar(&self, team: &TeamId, calendar: Option<&str>) -> Result<()> {
        let done = D::query("UPDATE teams SET calendar = $1 WHERE id = $2")
            .bind_opt_str(calendar)
            .bind_str(team.as_str())
            .execute(self.writer())
            .await?;
        if done == 0 {
            return Err(StoreError::NotFound("team"));
        }
        Ok(())
    }

    #[instrument(skip_all)]
    async fn create_feed(&self, user: &UserId, token_hash: &str, at: Timestamp) -> Result<()> {
        let mut tx = self.dialect.begin().await?;
        D::query(
            "UPDATE calendar_feeds SET revoked_at = $1 WHERE user_id = $2 AND revoked_at IS NULL",
        )
        .bind_ts(at)
        .bind_str(user.as_str())
        .execute_in(&mut tx)
        .await?;
        D::query(
            "INSERT INTO calendar_feeds (token_hash, user_id, created_at) VALUES ($1, $2, $3)",
        )
        .bind_str(token_hash)
        .bind_str(user.as_str())
        .bind_ts(at)
        .execute_in(&mut tx)
        .await?;
        D::commit(tx).await?;
        Ok(())
    }

    #[instrument(skip_all)]
    async fn revoke_feeds(&self, user: &UserId, at: Timestamp) -> Result<()> {
        D::query(
            "UPDATE calendar_feeds SET revoked_at = $1 WHERE user_id = $2 AND revoked_at IS NULL",
        )
        .bind_ts(at)
        .bind_str(user.as_str())
        .execute(self.writer())
        .await?;
        Ok(())
    }

    #[instrument(skip_all)]
    async fn user_for_feed(&self, token_hash: &str) -> Result<Option<User>> {
        let row = D::query(
            "SELECT u.* FROM calendar_feeds f JOIN users u ON u.id = f.user_id \
             WHERE f.token_hash = $1 AND f.revoked_at IS NULL AND u.active",
        )
        .bind_str(token_hash)
        .fetch_optional(self.reader())
        .await?;
        row.as_ref().map(user_row).transpose()
    }
}
