//! The caseload: a practitioner's prioritised queue (SPEC C2; AG14 PC11,
//! PC12, PC15). What the queue says of each active case — its flags, what
//! needs action now — and the one order the queue is read in, as plain
//! functions over plain data. `GET /api/v1/caseload`, *My caseload* and a
//! supervisor's view of a member's caseload all call these.
//!
//! The order, key by key (each only breaks ties of the one before):
//! 1. the band's rank: `P<n>` ranks `2n`, so P1 (2) and P2 (4) come first,
//!    then cases not yet assessed (5: they need assessing), then P3 (6), P4
//!    (8), …; a band that is not `P<n>` ranks last (100);
//! 2. the worst state of the case's clocks and deadlines: breached, then at
//!    risk, then the rest;
//! 3. the nearest due date among the items in that worst state;
//! 4. the nearest due open task (cases without one after those with one);
//! 5. the oldest case;
//! 6. the case id — unique, so no two cases ever tie, and the queue is the
//!    same whatever order the cases were read in.

use std::cmp::{Ordering, Reverse};

use jiff::Timestamp;
use jiff::civil::Date;
use serde::Serialize;

use crate::timescales::{CaseTimescales, ClockKind, State};

/// What needs action on a case now. Only these: a late entry always
/// carries its reason on the timeline, and is not a flag.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Flag {
    NoAssessment,
    AssessmentDue,
    HighPriorityNoNextAction,
    HighPriorityNotContacted,
    DeadlineAtRisk,
    DeadlineBreached,
    TimescaleAtRisk,
    TimescaleBreached,
    OverdueTasks,
}

impl Flag {
    /// As the API writes it.
    pub fn as_str(self) -> &'static str {
        match self {
            Flag::NoAssessment => "no_assessment",
            Flag::AssessmentDue => "assessment_due",
            Flag::HighPriorityNoNextAction => "high_priority_no_next_action",
            Flag::HighPriorityNotContacted => "high_priority_not_contacted",
            Flag::DeadlineAtRisk => "deadline_at_risk",
            Flag::DeadlineBreached => "deadline_breached",
            Flag::TimescaleAtRisk => "timescale_at_risk",
            Flag::TimescaleBreached => "timescale_breached",
            Flag::OverdueTasks => "overdue_tasks",
        }
    }

    /// In a practitioner's words, for the flags the page shows as they
    /// are; the page words clocks and deadlines itself (which one, and
    /// when), and counts overdue tasks on the row.
    pub fn words(self) -> Option<&'static str> {
        Some(match self {
            Flag::NoAssessment => "Needs assessing",
            Flag::AssessmentDue => "Reassessment due",
            Flag::HighPriorityNoNextAction => "High priority, no next action",
            Flag::HighPriorityNotContacted => "High priority, not contacted in time",
            _ => return None,
        })
    }
}

/// A flag is the word the API writes for it: code that reads the queue's
/// flags as words keeps working.
impl PartialEq<str> for Flag {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == other
    }
}

impl PartialEq<&str> for Flag {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

impl std::fmt::Display for Flag {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What the queue knows of one case, for its flags.
#[derive(Debug, Clone, Copy)]
pub struct CaseFacts<'a> {
    /// When it was last assessed; none before its first assessment.
    pub assessed_at: Option<Timestamp>,
    /// The review interval of the policy it was assessed under (a
    /// specialist one, such as domestic abuse's 14 days, may differ from
    /// its area's), if that policy is known.
    pub review_interval_days: Option<u32>,
    /// In one of its policy's two most urgent bands.
    pub high: bool,
    pub has_next_task: bool,
    pub overdue_tasks: i64,
    pub timescales: &'a CaseTimescales,
}

/// What needs action on a case as of `now`, in the order the API lists them.
pub fn flags(case: &CaseFacts<'_>, now: Timestamp) -> Vec<Flag> {
    let mut flags = Vec::new();
    match (case.assessed_at, case.review_interval_days) {
        (None, _) => flags.push(Flag::NoAssessment),
        (Some(at), Some(days)) if now.duration_since(at).as_secs() > i64::from(days) * 86_400 => {
            flags.push(Flag::AssessmentDue)
        }
        _ => {}
    }
    let timescales = case.timescales;
    if case.high && !case.has_next_task {
        flags.push(Flag::HighPriorityNoNextAction);
    }
    if case.high
        && timescales.clocks.iter().any(|r| {
            r.clock == ClockKind::FirstContact && matches!(r.state, State::Breached { .. })
        })
    {
        flags.push(Flag::HighPriorityNotContacted);
    }
    let deadlines = timescales.deadlines.iter().map(|d| d.state.severity());
    match deadlines.max().unwrap_or(0) {
        2 => flags.push(Flag::DeadlineBreached),
        1 => flags.push(Flag::DeadlineAtRisk),
        _ => {}
    }
    let clocks = timescales.clocks.iter().map(|r| r.state.severity());
    match clocks.max().unwrap_or(0) {
        2 => flags.push(Flag::TimescaleBreached),
        1 => flags.push(Flag::TimescaleAtRisk),
        _ => {}
    }
    if case.overdue_tasks > 0 {
        flags.push(Flag::OverdueTasks);
    }
    flags
}

/// A band's place in the queue: `P<n>` ranks `2n`; no band (not yet
/// assessed) ranks 5, after P1 and P2 and before P3; anything else last.
pub fn band_rank(band: Option<&str>) -> u32 {
    match band {
        Some(b) => b
            .trim_start_matches('P')
            .parse::<u32>()
            .map_or(100, |n| n.saturating_mul(2)),
        None => 5,
    }
}

/// A case's place in the queue, but for its id (see the module's order).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Standing {
    rank: u32,
    severity: Reverse<u8>,
    attention_due: Date,
    next_task_due: Date,
    created_at: Timestamp,
}

impl Standing {
    /// `attention` is the worst state and its nearest due date, as
    /// [`CaseTimescales::attention`] gives them.
    pub fn new(
        band: Option<&str>,
        attention: (u8, Option<Date>),
        next_task_due: Option<Date>,
        created_at: Timestamp,
    ) -> Standing {
        Standing {
            rank: band_rank(band),
            severity: Reverse(attention.0),
            attention_due: attention.1.unwrap_or(Date::MAX),
            next_task_due: next_task_due.unwrap_or(Date::MAX),
            created_at,
        }
    }
}

/// Which of two cases comes first: by standing, then by id.
pub fn compare(a: (&Standing, &str), b: (&Standing, &str)) -> Ordering {
    a.0.cmp(b.0).then_with(|| a.1.cmp(b.1))
}

/// Put items in the queue's order. `standing` is worked out once per item,
/// not at every comparison; `id` must be unique (a case's id).
pub fn sort<T>(
    items: Vec<T>,
    standing: impl Fn(&T) -> Standing,
    id: impl Fn(&T) -> &str,
) -> Vec<T> {
    let mut order: Vec<(Standing, usize)> = items
        .iter()
        .enumerate()
        .map(|(i, t)| (standing(t), i))
        .collect();
    order.sort_unstable_by(|a, b| compare((&a.0, id(&items[a.1])), (&b.0, id(&items[b.1]))));
    let mut slots: Vec<Option<T>> = items.into_iter().map(Some).collect();
    order
        .into_iter()
        .filter_map(|(_, i)| slots[i].take())
        .collect()
}

#[cfg(test)]
mod tests;
