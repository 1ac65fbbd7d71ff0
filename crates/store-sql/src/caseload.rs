//! The caseload: a user's queue rows, a team's summary, and the active caseload re-evaluation walks.

use async_trait::async_trait;
use caseload_domain::ids::*;
use caseload_store::*;
use tracing::instrument;

use crate::cases::case_row;
use crate::users::user_row;
use crate::{Dialect, SqlRow, SqlStore, Statement, one};

#[async_trait]
impl<D: Dialect> Caseloads for SqlStore<D> {
    #[instrument(skip_all)]
    async fn caseload(&self, owner: &UserId, today: jiff::civil::Date) -> Result<Vec<CaseloadRow>> {
        let rows = D::query(&format!(
            "{CASELOAD_SELECT} WHERE c.owner_id = $1 AND c.status IN ('referral', 'open', 'on_hold')"
        ))
        .bind_str(owner.as_str())
        .fetch_all(self.reader())
        .await?;
        decode::caseload_in_id_order(&rows, |r| caseload_row(r, today))
    }

    #[instrument(skip_all)]
    async fn caseload_cases(
        &self,
        owner: &UserId,
        cases: &[CaseId],
        today: jiff::civil::Date,
    ) -> Result<Vec<CaseloadRow>> {
        let ids = cases.iter().map(|c| c.as_str().to_owned()).collect();
        let rows = D::query(&format!(
            "{CASELOAD_SELECT} WHERE c.owner_id = $1 AND c.status IN ('referral', 'open', 'on_hold') AND {}",
            D::in_list("c.id", 2)
        ))
        .bind_str(owner.as_str())
        .bind_str_list(ids)
        .fetch_all(self.reader())
        .await?;
        decode::caseload_in_id_order(&rows, |r| caseload_row(r, today))
    }

    #[instrument(skip_all)]
    async fn caseload_row(&self, case: &CaseId, today: jiff::civil::Date) -> Result<CaseloadRow> {
        let row = D::query(&format!("{CASELOAD_SELECT} WHERE c.id = $1"))
            .bind_str(case.as_str())
            .fetch_optional(self.reader())
            .await?;
        one(row, "case", |r| caseload_row(r, today))
    }

    #[instrument(skip_all)]
    async fn active_caseload(
        &self,
        after: Option<&CaseId>,
        limit: u32,
    ) -> Result<Vec<CaseloadRow>> {
        let rows = D::query(&format!(
            "{CASELOAD_SELECT} WHERE c.status IN ('referral', 'open', 'on_hold') AND c.id > $1 \
             ORDER BY c.id LIMIT $2"
        ))
        .bind_str(after.map(|c| c.as_str()).unwrap_or(""))
        .bind_i64(i64::from(limit))
        .fetch_all(self.reader())
        .await?;
        // Re-evaluation does not read the open tasks, so the day is moot.
        rows.iter()
            .map(|r| caseload_row(r, jiff::civil::Date::MIN))
            .collect()
    }

    #[instrument(skip_all)]
    async fn team_summary(
        &self,
        team: &TeamId,
        today: jiff::civil::Date,
    ) -> Result<Vec<MemberLoad>> {
        let rows = D::query(
            "SELECT u.*, \
             (SELECT COUNT(*) FROM cases c WHERE c.owner_id = u.id AND c.status IN ('referral', 'open', 'on_hold')) AS open_cases, \
             (SELECT COUNT(*) FROM tasks t JOIN cases c ON c.id = t.case_id WHERE c.owner_id = u.id \
                AND c.status IN ('referral', 'open', 'on_hold') AND t.status = 'open' AND t.due_date < $1) AS overdue_tasks \
             FROM users u WHERE u.team_id = $2 AND u.active ORDER BY u.name, u.id",
        )
        .bind_date(today)
        .bind_str(team.as_str())
        .fetch_all(self.reader())
        .await?;
        rows.iter()
            .map(|r| {
                Ok(MemberLoad {
                    user: user_row(r)?,
                    open_cases: r.i64("open_cases")?,
                    overdue_tasks: r.i64("overdue_tasks")?,
                })
            })
            .collect()
    }
}

/// A caseload row; `today` decides which open tasks are overdue.
fn caseload_row(r: &impl SqlRow, today: jiff::civil::Date) -> Result<CaseloadRow> {
    let (overdue_tasks, next_task_title, next_task_due) =
        decode::open_tasks(r.opt_text(case_columns::OPEN_TASKS)?, today)?;
    Ok(CaseloadRow {
        case: case_row(r)?,
        last_contact: r.opt_ts(case_columns::LAST_CONTACT)?,
        next_task_title,
        next_task_due,
        late_notes: r.i64(case_columns::LATE_NOTES)?,
        overdue_tasks,
        first_contact: r.opt_ts(case_columns::FIRST_CONTACT)?,
        last_action: r.opt_ts(case_columns::LAST_ACTION)?,
        last_review: r.opt_ts(case_columns::LAST_REVIEW)?,
        holds: decode::holds(r.opt_text(case_columns::HOLDS)?)?,
        deadlines: decode::deadline_dues(r.opt_text(case_columns::DEADLINE_LIST)?)?,
        assessment: decode::latest_assessment(r.opt_text(case_columns::LATEST_ASSESSMENT)?)?,
        last_priority_cause: r.opt_string(case_columns::LAST_PRIORITY_CAUSE)?,
        revision: r.i64(case_columns::REVISION)?,
    })
}

/// A case with what the queue, its clocks and re-evaluation need: its open
/// tasks, holds, deadlines, latest assessment and the cause of its last
/// change of band, all kept on the case row by triggers (migrations 0012
/// and 0013, which keeps the client's name there too),
/// so reading a caseload is one index range and no subqueries.
const CASELOAD_SELECT: &str = "SELECT c.id, c.client_id, c.client_name, c.title, c.service_area, \
    c.owner_id, u.name AS owner_name, c.team_id, c.status, c.complexity, c.closure_reason, c.closure_summary, \
    c.opened_at, c.closed_at, c.created_by, c.created_at, c.updated_at, c.priority_band, c.priority_floor, c.assessed_at, \
    c.last_contact_at AS last_contact, c.first_contact_at AS first_contact, c.last_action_at AS last_action, \
    c.last_review_at AS last_review, c.late_notes, c.open_tasks, c.hold_marks AS holds, c.deadline_list, \
    c.latest_assessment, c.last_priority_cause, c.revision \
    FROM cases c JOIN users u ON u.id = c.owner_id";

#[cfg(test)]
mod tests {
    use super::*;
    use caseload_store::case_columns::{NAMES, select_names};

    #[test]
    fn the_caseload_select_lists_its_columns_in_order() {
        assert_eq!(select_names(CASELOAD_SELECT), NAMES);
    }
}
