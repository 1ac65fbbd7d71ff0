//! Re-evaluation as time passes (SPEC C2): the facts Caseload works out for
//! a policy's derived criteria, and whether a case's band moves when its
//! latest answers are scored again against today's facts.

use std::collections::BTreeMap;

use jiff::Timestamp;
use jiff::civil::Date;

use super::{Answer, Facts, Policy, assess};
use crate::calendars::Calendar;

/// The facts for a policy's derived criteria: working days to the nearest
/// deadline still to be met (given as due date and whether it is met), and
/// days since the last client contact. The one definition, for
/// assessments and re-evaluation.
pub fn facts(
    deadlines: impl IntoIterator<Item = (Date, bool)>,
    last_contact: Option<Timestamp>,
    calendar: &Calendar,
    today: Date,
    now: Timestamp,
) -> Facts {
    Facts {
        working_days_to_nearest_deadline: deadlines
            .into_iter()
            .filter(|(due, met)| !met && *due >= today)
            .map(|(due, _)| i64::from(calendar.working_days_between(today, due)))
            .min(),
        days_since_contact: last_contact.map(|t| (now.duration_since(t).as_secs() / 86_400).max(0)),
    }
}

/// A band a re-evaluation moves a case to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rescored {
    pub band: String,
    pub band_name: String,
    /// Why, in words, as the priority history records it.
    pub rationale: String,
    /// The move brings the case into high priority: its team is told.
    pub enters_high: bool,
}

/// Score a case's latest answers again against today's facts; `Some` when
/// its band moves. A band a person set by override (`last_cause`) stands
/// until the next assessment; answers the policy no longer takes change
/// nothing.
pub fn rescore(
    policy: &Policy,
    answers: &BTreeMap<String, Answer>,
    facts: &Facts,
    band: Option<&str>,
    last_cause: Option<&str>,
) -> Option<Rescored> {
    if last_cause == Some("override") {
        return None;
    }
    let verdict = assess(policy, answers, facts).ok()?;
    if band == Some(verdict.band.as_str()) {
        return None;
    }
    let words = verdict
        .rationale
        .iter()
        .map(|r| r.words.as_str())
        .collect::<Vec<_>>()
        .join("; ");
    Some(Rescored {
        enters_high: policy.enters_high(band, &verdict.band),
        rationale: format!("Re-evaluated as circumstances changed: {words}"),
        band: verdict.band,
        band_name: verdict.band_name,
    })
}
