//! The organisation's timescales (versioned) and the at-risk and breach alerts their clocks raise.

use async_trait::async_trait;
use caseload_domain::ids::*;
use caseload_store::*;
use jiff::Timestamp;
use tracing::instrument;

use crate::{Dialect, SqlRow, SqlStore, Statement, placeholders, values};

#[async_trait]
impl<D: Dialect> Timescales for SqlStore<D> {
    #[instrument(skip_all)]
    async fn save_timescales(
        &self,
        body: &str,
        by: Option<&UserId>,
        at: Timestamp,
    ) -> Result<TimescaleVersion> {
        let mut tx = self.dialect.begin().await?;
        D::lock_table(&mut tx, "timescale_versions").await?;
        let version = D::query("SELECT COALESCE(MAX(version), 0) + 1 FROM timescale_versions")
            .fetch_one_in(&mut tx)
            .await?
            .i64(0)?;
        D::query(
            "INSERT INTO timescale_versions (version, body, created_by, created_at) VALUES ($1, $2, $3, $4)",
        )
        .bind_i64(version)
        .bind_str(body)
        .bind_opt_str(by.map(|u| u.as_str()))
        .bind_ts(at)
        .execute_in(&mut tx)
        .await?;
        D::commit(tx).await?;
        Ok(TimescaleVersion {
            version,
            body: body.to_owned(),
            created_by: by.cloned(),
            created_at: at,
        })
    }

    #[instrument(skip_all)]
    async fn timescale_versions(&self) -> Result<Vec<TimescaleVersion>> {
        let rows = D::query("SELECT * FROM timescale_versions ORDER BY version")
            .fetch_all(self.reader())
            .await?;
        rows.iter().map(timescale_row).collect()
    }

    #[instrument(skip_all)]
    async fn latest_timescales(&self) -> Result<Option<TimescaleVersion>> {
        let row = D::query("SELECT * FROM timescale_versions ORDER BY version DESC LIMIT 1")
            .fetch_optional(self.reader())
            .await?;
        row.as_ref().map(timescale_row).transpose()
    }

    #[instrument(skip_all)]
    async fn record_alerts(&self, alerts: &[NewAlert], ctx: &WriteCtx) -> Result<usize> {
        if alerts.is_empty() {
            return Ok(0);
        }
        // Insert the page's alerts a few hundred a statement; the ones
        // already sent conflict and are skipped, and RETURNING names the
        // new ones — usually none, so a steady-state run writes nothing.
        let mut tx = self.dialect.begin().await?;
        let mut fresh = std::collections::HashSet::new();
        for chunk in alerts.chunks(500) {
            let sql = format!(
                "INSERT INTO timescale_alerts (case_id, clock, state, due_on, at){} \
                 ON CONFLICT DO NOTHING RETURNING case_id, clock, state, due_on",
                values::<D>(chunk.len(), 5)
            );
            let mut q = D::query(&sql);
            for a in chunk {
                q = q
                    .bind_str(a.case_id.as_str())
                    .bind_str(a.clock.as_str())
                    .bind_str(a.state.as_str())
                    .bind_date(a.due)
                    .bind_ts(ctx.at);
            }
            for r in q.fetch_all_in(&mut tx).await? {
                let due = r
                    .opt_date(3)?
                    .ok_or_else(|| StoreError::corrupt("alert without a day"))?;
                fresh.insert((
                    r.string("case_id")?,
                    r.string("clock")?,
                    r.string("state")?,
                    due.to_string(),
                ));
            }
        }
        let sent: Vec<&NewAlert> = alerts
            .iter()
            .filter(|a| {
                fresh.remove(&(
                    a.case_id.to_string(),
                    a.clock.clone(),
                    a.state.clone(),
                    a.due.to_string(),
                ))
            })
            .collect();
        // Who each newly sent alert reaches, for the whole page at once.
        let mut cases = std::collections::HashMap::new();
        let mut supervisors: std::collections::HashMap<String, Vec<UserId>> =
            std::collections::HashMap::new();
        let mut ids: Vec<&str> = sent.iter().map(|a| a.case_id.as_str()).collect();
        ids.sort_unstable();
        ids.dedup();
        for chunk in ids.chunks(500) {
            let sql = format!(
                "SELECT c.id, c.team_id, CASE WHEN u.active THEN c.owner_id END AS owner \
                 FROM cases c JOIN users u ON u.id = c.owner_id WHERE c.id IN ({})",
                placeholders::<D>(1, chunk.len())
            );
            let mut q = D::query(&sql);
            for id in chunk {
                q = q.bind_str(id);
            }
            for r in q.fetch_all_in(&mut tx).await? {
                cases.insert(
                    r.string("id")?,
                    AlertRecipients {
                        owner: r.opt_string("owner")?.map(UserId::from_trusted),
                        team: TeamId::from_trusted(r.string("team_id")?),
                    },
                );
            }
        }
        let mut teams: Vec<&str> = sent
            .iter()
            .filter(|a| a.supervisors)
            .filter_map(|a| cases.get(a.case_id.as_str()).map(|c| c.team.as_str()))
            .collect();
        teams.sort_unstable();
        teams.dedup();
        for chunk in teams.chunks(500) {
            let sql = format!(
                "SELECT id, team_id FROM users WHERE role = 'supervisor' AND active AND team_id IN ({})",
                placeholders::<D>(1, chunk.len())
            );
            let mut q = D::query(&sql);
            for team in chunk {
                q = q.bind_str(team);
            }
            for r in q.fetch_all_in(&mut tx).await? {
                supervisors
                    .entry(r.string("team_id")?)
                    .or_default()
                    .push(UserId::from_trusted(r.string("id")?));
            }
        }
        let rows = alert_notifications(&sent, &cases, &supervisors, &ctx.actor, ctx.at);
        for chunk in rows.chunks(500) {
            let sql = format!(
                "INSERT INTO notifications (id, user_id, case_id, kind, message, created_at){}",
                values::<D>(chunk.len(), 6)
            );
            let mut q = D::query(&sql);
            for n in chunk {
                q = q
                    .bind_str(n.id.as_str())
                    .bind_str(n.user.as_str())
                    .bind_str(n.case.as_str())
                    .bind_str(n.kind.as_str())
                    .bind_str(n.message.as_str())
                    .bind_ts(ctx.at);
            }
            q.execute_in(&mut tx).await?;
        }
        let sent = sent.len();
        D::commit(tx).await?;
        Ok(sent)
    }
}

fn timescale_row(r: &impl SqlRow) -> Result<TimescaleVersion> {
    Ok(TimescaleVersion {
        version: r.i64("version")?,
        body: r.string("body")?,
        created_by: r.opt_string("created_by")?.map(UserId::from_trusted),
        created_at: r.ts("created_at")?,
    })
}
