//! The queue (SPEC C2): a caseload's active cases with their bands, "why",
//! flags and clocks, in the queue's order. The rules — flags, ranking, the
//! order — are `caseload_domain::caseload`'s; this gathers what they need
//! from the caseload rows and the policies and timescales in force, once
//! for the whole queue. `GET /api/v1/caseload`, *My caseload* and a
//! supervisor's view of a member's caseload all call [`queue`].

use std::collections::BTreeMap;
use std::sync::Arc;

use caseload_domain::caseload::{self, CaseFacts, Flag, Standing};
use caseload_domain::priority::Policy;
use caseload_store::CaseloadRow;
use jiff::civil::Date;
use serde::Serialize;
use utoipa::ToSchema;

use crate::AppState;
use crate::caseloads::SharedRow;
use crate::problem::ApiError;
use crate::timescales::CaseTimescales;

/// One row of the prioritised queue.
#[derive(Debug, Serialize, ToSchema)]
pub struct QueueRow {
    // Shared with the kept caseload (`crate::caseloads`), not copied; not
    // a doc comment, which would become the schema's description.
    #[serde(flatten)]
    #[schema(value_type = caseload_store::CaseloadRow)]
    pub row: Arc<SharedRow>,
    /// `P1`…, or none before the first assessment.
    pub band: Option<String>,
    pub band_name: Option<String>,
    /// Why the case has its band: the latest assessment's rationale in words.
    pub why: Vec<String>,
    /// `no_assessment`, `assessment_due`, `high_priority_no_next_action`,
    /// `high_priority_not_contacted`, `deadline_at_risk`, `deadline_breached`,
    /// `timescale_at_risk`, `timescale_breached`, `overdue_tasks`: only what
    /// needs action now. (A late entry always carries its reason: it is
    /// history, on the timeline, not a flag.)
    pub flags: Vec<Flag>,
    /// The case's timescale clocks and deadlines, each with its state.
    pub timescales: CaseTimescales,
    /// When the most pressing at-risk or breached item is (was) due.
    #[schema(value_type = Option<String>, format = Date)]
    #[serde(serialize_with = "caseload_domain::json::option_date")]
    pub attention_due: Option<Date>,
}

/// `QueueRow` but its row: written after the row's own (kept) JSON.
/// `queue_json` holds the two to the bytes `Serialize` gives a `QueueRow`.
#[derive(Serialize)]
struct QueueRowRest<'a> {
    band: &'a Option<String>,
    band_name: &'a Option<String>,
    why: &'a Vec<String>,
    flags: &'a Vec<Flag>,
    timescales: &'a CaseTimescales,
    #[serde(serialize_with = "caseload_domain::json::option_date")]
    attention_due: &'a Option<Date>,
}

/// The queue's JSON: the same bytes as serializing the rows, but each
/// row's own part is the one its `SharedRow` wrote once.
pub fn queue_json(rows: &[QueueRow]) -> Result<Vec<u8>, serde_json::Error> {
    // About 1.5 kB a row.
    let mut out = Vec::with_capacity(2048 * rows.len() + 2);
    out.push(b'[');
    for (i, q) in rows.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        // The row's object without its closing brace, then the rest's
        // object with its opening brace turned into a comma. Neither is
        // ever empty: both have fields that are always written.
        let row = q.row.json()?;
        out.extend_from_slice(&row[..row.len() - 1]);
        let at = out.len();
        serde_json::to_writer(
            &mut out,
            &QueueRowRest {
                band: &q.band,
                band_name: &q.band_name,
                why: &q.why,
                flags: &q.flags,
                timescales: &q.timescales,
                attention_due: &q.attention_due,
            },
        )?;
        out[at] = b',';
    }
    out.push(b']');
    Ok(out)
}

/// The words of a rationale's reasons: all the queue shows of them.
#[derive(serde::Deserialize)]
struct Words {
    words: String,
}

/// The prioritised queue of these rows (see `caseload_domain::caseload`
/// for its order). Everything comes from the rows the store gives (one
/// query): no per-case reads.
pub async fn queue_of(state: &AppState, rows: Vec<CaseloadRow>) -> Result<Vec<QueueRow>, ApiError> {
    let rows = rows
        .into_iter()
        .map(|row| Arc::new(SharedRow::new(row)))
        .collect();
    queue(state, rows).await
}

/// `queue_of` rows already shared (as the kept caseloads are).
pub async fn queue(state: &AppState, rows: Vec<Arc<SharedRow>>) -> Result<Vec<QueueRow>, ApiError> {
    let now = state.clock.now();
    let mut policies: BTreeMap<String, Option<Arc<Policy>>> = BTreeMap::new();
    // Policies by id, for cases assessed under one other than their area's.
    let mut named: BTreeMap<String, Option<Arc<Policy>>> = BTreeMap::new();
    // The policies in force, read once for the whole queue.
    let reference = state.reference().await?;
    let stored = &reference.policies;
    let timescales = crate::timescales::for_rows(state, &reference, rows.iter().map(|r| &r.row))?;
    let mut out = Vec::with_capacity(rows.len());
    for (row, timescales) in rows.into_iter().zip(timescales) {
        let area = row.case.service_area.as_str();
        if !policies.contains_key(area) {
            let policy = crate::priorities::in_force(stored, area, None)
                .and_then(|v| reference.policy(v).ok());
            policies.insert(area.to_owned(), policy);
        }
        let policy = policies.get(area).and_then(Option::as_ref);
        let band = policy.and_then(|p| {
            row.case
                .priority_band
                .as_ref()
                .and_then(|b| p.bands.iter().find(|x| &x.id == b))
        });
        let high = policy.is_some_and(|p| {
            row.case
                .priority_band
                .as_deref()
                .is_some_and(|b| p.is_high(b))
        });
        // Reassessment falls due by the review interval of the policy the
        // case was assessed under (a specialist one, such as domestic
        // abuse's 14 days, may differ from its area's).
        let assessed_under = match row.assessment.as_ref() {
            Some(a) if Some(a.policy_id.as_str()) != policy.map(|p| p.id.as_str()) => {
                if !named.contains_key(&a.policy_id) {
                    let found = stored
                        .iter()
                        .find(|v| v.policy_id == a.policy_id)
                        .and_then(|v| reference.policy(v).ok());
                    named.insert(a.policy_id.clone(), found);
                }
                named.get(&a.policy_id).and_then(Option::as_ref).or(policy)
            }
            _ => policy,
        };
        let flags = caseload::flags(
            &CaseFacts {
                assessed_at: row.case.assessed_at,
                review_interval_days: assessed_under.map(|p| p.review_interval_days),
                high,
                has_next_task: row.next_task_title.is_some(),
                overdue_tasks: row.overdue_tasks,
                timescales: &timescales,
            },
            now,
        );
        let why = row
            .assessment
            .as_ref()
            .and_then(|a| serde_json::from_str::<Vec<Words>>(&a.rationale).ok())
            .map(|r| r.into_iter().map(|x| x.words).collect())
            .unwrap_or_default();
        let (_, attention_due) = timescales.attention();
        out.push(QueueRow {
            band: band
                .map(|b| b.id.clone())
                .or(row.case.priority_band.clone()),
            band_name: band.map(|b| b.name.clone()),
            why,
            flags,
            attention_due,
            timescales,
            row,
        });
    }
    Ok(caseload::sort(
        out,
        |q| {
            Standing::new(
                q.band.as_deref(),
                q.timescales.attention(),
                q.row.next_task_due,
                q.row.case.created_at,
            )
        },
        |q| q.row.case.id.as_str(),
    ))
}
