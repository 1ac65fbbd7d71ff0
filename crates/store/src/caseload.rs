//! The caseload: a user's queue rows, a team's summary, and the active caseload re-evaluation walks.

use async_trait::async_trait;
use caseload_domain::ids::*;
use jiff::Timestamp;
use jiff::civil::Date;
use serde::Serialize;

use crate::*;

/// One row of a practitioner's caseload: the case and what needs attention.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CaseloadRow {
    pub case: Case,
    /// The most recent contact with the client (notes other than internal,
    /// review and supervision).
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, format = DateTime))]
    #[serde(serialize_with = "caseload_domain::json::option_timestamp")]
    pub last_contact: Option<Timestamp>,
    /// The open task due soonest.
    pub next_task_title: Option<String>,
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, format = Date))]
    #[serde(serialize_with = "caseload_domain::json::option_date")]
    pub next_task_due: Option<Date>,
    pub late_notes: i64,
    pub overdue_tasks: i64,
    /// What the timescale clocks read (not part of the row's JSON: the web
    /// layer turns them into states). The first contact with the client.
    #[serde(skip)]
    pub first_contact: Option<Timestamp>,
    /// The latest piece of work recorded: any note but supervision.
    #[serde(skip)]
    pub last_action: Option<Timestamp>,
    /// The latest case review note.
    #[serde(skip)]
    pub last_review: Option<Timestamp>,
    /// Periods on hold, oldest first: (put on hold, taken off hold).
    #[serde(skip)]
    pub holds: Vec<(Timestamp, Option<Timestamp>)>,
    /// The case's deadlines, soonest first.
    #[serde(skip)]
    pub deadlines: Vec<DeadlineDue>,
    /// The latest assessment (policy, answers, rationale), once assessed.
    #[serde(skip)]
    pub assessment: Option<LatestAssessment>,
    /// What caused the latest change of band (`override` stands until the
    /// next assessment).
    #[serde(skip)]
    pub last_priority_cause: Option<String>,
    /// The case row's revision, which moves on every change to the row
    /// (see `CaseloadMark`).
    #[serde(skip)]
    pub revision: i64,
}

/// What a user's active caseload is made of: the id and revision of each of
/// their active cases, in id order, as `id:revision` joined by commas. Every
/// change to a case row moves its revision, and everything a caseload row
/// holds is on its case row but the owner's name, so while a user's mark
/// and name stay the same, their caseload reads the same: a case that
/// changed, arrived, left or closed changes the mark.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CaseloadMark(pub String);

impl CaseloadMark {
    /// The mark of rows as `Store::caseload` gives them (in id order).
    pub fn of<'a>(rows: impl IntoIterator<Item = &'a CaseloadRow>) -> CaseloadMark {
        use std::fmt::Write;
        let mut mark = String::new();
        for (i, row) in rows.into_iter().enumerate() {
            if i > 0 {
                mark.push(',');
            }
            let _ = write!(mark, "{}:{}", row.case.id.as_str(), row.revision);
        }
        CaseloadMark(mark)
    }

    /// The (case id, revision) pairs the mark lists, in its order; none if
    /// it is not a mark.
    pub fn cases(&self) -> Option<Vec<(&str, i64)>> {
        if self.0.is_empty() {
            return Some(Vec::new());
        }
        self.0
            .split(',')
            .map(|pair| {
                let (id, revision) = pair.rsplit_once(':')?;
                Some((id, revision.parse().ok()?))
            })
            .collect()
    }
}

/// The parts of a case's latest assessment that re-evaluation and the queue
/// need, as the stored JSON text: each reader parses only what it uses (the
/// queue the rationale, re-evaluation the answers); a part not read for the
/// row at hand is empty.
#[derive(Debug, Clone, PartialEq)]
pub struct LatestAssessment {
    pub policy_id: String,
    pub answers: String,
    pub rationale: String,
}

/// A team member's load, for supervisors.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MemberLoad {
    pub user: User,
    pub open_cases: i64,
    pub overdue_tasks: i64,
}

#[async_trait]
pub trait Caseloads: Send + Sync {
    /// A user's active cases (referral, open, on hold) with what needs
    /// attention as of `today`: last contact, next task, late notes, overdue tasks.
    async fn caseload(&self, owner: &UserId, today: jiff::civil::Date) -> Result<Vec<CaseloadRow>>;

    /// Those of `cases` that are in `owner`'s active caseload, as
    /// `caseload` gives them (in id order): what a kept caseload whose mark
    /// has moved reads again, rather than the whole caseload.
    async fn caseload_cases(
        &self,
        owner: &UserId,
        cases: &[CaseId],
        today: jiff::civil::Date,
    ) -> Result<Vec<CaseloadRow>>;

    /// Active cases (referral, open, on hold) with what their clocks and
    /// priorities need, for re-evaluation: a page of `limit` in id order
    /// after `after`.
    async fn active_caseload(&self, after: Option<&CaseId>, limit: u32)
    -> Result<Vec<CaseloadRow>>;

    /// One case as the caseload sees it (any status).
    async fn caseload_row(&self, case: &CaseId, today: jiff::civil::Date) -> Result<CaseloadRow>;

    /// Each active member of a team with their open cases and overdue tasks.
    async fn team_summary(
        &self,
        team: &TeamId,
        today: jiff::civil::Date,
    ) -> Result<Vec<MemberLoad>>;
}
