//! Each case's clocks (SPEC C3; AG14 PC9): first contact, next action,
//! review and client response, run in working days and paused while a case
//! is on hold.

use jiff::civil::Date;
use serde::Serialize;

use super::{Margin, State, Timescales};
use crate::calendars::Calendar;

/// A period on hold: from the day it started until the day it ended (that
/// day counts again), or still on hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Hold {
    pub from: Date,
    pub to: Option<Date>,
}

fn on_hold(d: Date, holds: &[Hold]) -> bool {
    holds
        .iter()
        .any(|h| h.from <= d && h.to.is_none_or(|to| d < to))
}

/// The organisational clocks a case runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ClockKind {
    FirstContact,
    NextAction,
    Review,
    ClientResponse,
}

impl ClockKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ClockKind::FirstContact => "first_contact",
            ClockKind::NextAction => "next_action",
            ClockKind::Review => "review",
            ClockKind::ClientResponse => "client_response",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            ClockKind::FirstContact => "First contact",
            ClockKind::NextAction => "Next action",
            ClockKind::Review => "Case review",
            ClockKind::ClientResponse => "Client response (on hold)",
        }
    }

    /// What to do when it is at risk or breached.
    pub fn action(self) -> &'static str {
        match self {
            ClockKind::FirstContact => "Contact the client",
            ClockKind::NextAction => "Take the next action and record it",
            ClockKind::Review => "Review the case and record the review",
            ClockKind::ClientResponse => {
                "Follow up with the client, or take the case off hold or close it"
            }
        }
    }
}

/// What Caseload knows about a case for its clocks (dates on the
/// organisation's calendar).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClockInput<'a> {
    pub on_hold_now: bool,
    pub band: Option<&'a str>,
    /// When the case was opened (or referred in).
    pub started: Date,
    /// The first contact with the client on or after `started`.
    pub first_contact: Option<Date>,
    /// The latest piece of work recorded (any note but supervision).
    pub last_action: Option<Date>,
    /// The latest case review.
    pub last_review: Option<Date>,
    pub holds: &'a [Hold],
}

/// One clock's reading.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Reading {
    pub clock: ClockKind,
    /// The day the clock started.
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = Date))]
    #[serde(serialize_with = "crate::json::date")]
    pub started: Date,
    /// Its window, in working days.
    pub window: u32,
    /// When it is (or was) due; none while paused before it fell due.
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, format = Date))]
    #[serde(serialize_with = "crate::json::option_date")]
    pub due: Option<Date>,
    #[serde(flatten)]
    pub state: State,
}

/// One clock to run: `window` working days from `started` (not counting that
/// day), skipping days on hold when `pausable`; `met` is the day it was
/// satisfied, if it was.
struct Spec {
    clock: ClockKind,
    started: Date,
    window: u32,
    met: Option<Date>,
    pausable: bool,
}

fn run_clock(
    spec: Spec,
    input: &ClockInput<'_>,
    today: Date,
    calendar: &Calendar,
    margin: Margin,
) -> Reading {
    let Spec {
        clock,
        started,
        window,
        met,
        pausable,
    } = spec;
    let holds: &[Hold] = if pausable { input.holds } else { &[] };
    let limit = met.unwrap_or(today).max(started);
    // The working days the clock has run, stopping when it falls due:
    // counted on the calendar, or walked a day at a time past days on hold.
    let mut used: u32 = 0;
    let mut due = None;
    let mut d = started;
    if holds.is_empty() {
        let falls_due =
            calendar.add_working_days(started, i32::try_from(window).unwrap_or(i32::MAX));
        if falls_due <= limit {
            (used, d) = (window, falls_due);
        } else {
            used = u32::try_from(calendar.working_days_between(started, limit)).unwrap_or(0);
        }
    } else {
        while d < limit && used < window {
            let Ok(next) = d.tomorrow() else { break };
            d = next;
            if calendar.is_working_day(d) && !on_hold(d, holds) {
                used += 1;
            }
        }
    }
    if used >= window {
        due = Some(d);
    }
    let state = if let Some(on) = met {
        State::Met {
            on: Some(on),
            late: due.is_some_and(|due| on > due),
        }
    } else if let Some(due_day) = due {
        if today > due_day {
            State::Breached {
                since: due_day.tomorrow().unwrap_or(due_day),
            }
        } else {
            State::AtRisk {
                working_days_left: 0,
            }
        }
    } else {
        let left = window - used;
        let left_i = i32::try_from(left).unwrap_or(i32::MAX);
        if pausable && input.on_hold_now {
            State::Paused {
                working_days_left: left_i,
            }
        } else {
            due = Some(calendar.add_working_days(today, left_i));
            if left <= margin.days(window) {
                State::AtRisk {
                    working_days_left: left_i,
                }
            } else {
                State::OnTrack {
                    working_days_left: left_i,
                }
            }
        }
    };
    Reading {
        clock,
        started,
        window,
        due,
        state,
    }
}

/// Every organisational clock for an active case, as of `today`.
pub fn case_clocks(
    input: &ClockInput<'_>,
    settings: &Timescales,
    calendar: &Calendar,
    today: Date,
) -> Vec<Reading> {
    let targets = settings.for_band(input.band);
    let margin = settings.margin;
    let first_contact = input.first_contact.filter(|c| *c >= input.started);
    let mut out = vec![run_clock(
        Spec {
            clock: ClockKind::FirstContact,
            started: input.started,
            window: targets.first_contact_working_days,
            met: first_contact,
            pausable: true,
        },
        input,
        today,
        calendar,
        margin,
    )];
    if first_contact.is_some() {
        let from = input
            .last_action
            .unwrap_or(input.started)
            .max(input.started);
        out.push(run_clock(
            Spec {
                clock: ClockKind::NextAction,
                started: from,
                window: targets.next_action_working_days,
                met: None,
                pausable: true,
            },
            input,
            today,
            calendar,
            margin,
        ));
    }
    let review_from = input
        .last_review
        .unwrap_or(input.started)
        .max(input.started);
    out.push(run_clock(
        Spec {
            clock: ClockKind::Review,
            started: review_from,
            window: settings.review_interval_working_days,
            met: None,
            pausable: true,
        },
        input,
        today,
        calendar,
        margin,
    ));
    if input.on_hold_now
        && let Some(hold) = input.holds.iter().rev().find(|h| h.to.is_none())
    {
        out.push(run_clock(
            Spec {
                clock: ClockKind::ClientResponse,
                started: hold.from,
                window: settings.client_response_working_days,
                met: None,
                pausable: false,
            },
            input,
            today,
            calendar,
            margin,
        ));
    }
    out
}

/// A deadline's state on a case.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DeadlineReading {
    pub deadline_id: String,
    pub title: String,
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = Date))]
    #[serde(serialize_with = "crate::json::date")]
    pub due: Date,
    #[serde(flatten)]
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub state: State,
}

/// Every clock and deadline of one case, as of today.
#[derive(Debug, Clone, Default, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CaseTimescales {
    /// The organisation's timescales: first contact, next action, review,
    /// and client response while on hold.
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<Object>))]
    pub clocks: Vec<Reading>,
    pub deadlines: Vec<DeadlineReading>,
}

impl CaseTimescales {
    /// The worst state (breached 2, at risk 1, otherwise 0) and the nearest
    /// due date among the items in that state.
    pub fn attention(&self) -> (u8, Option<Date>) {
        let items = self
            .clocks
            .iter()
            .map(|r| (r.state.severity(), r.due))
            .chain(
                self.deadlines
                    .iter()
                    .map(|d| (d.state.severity(), Some(d.due))),
            );
        let mut worst = (0u8, None::<Date>);
        for (severity, due) in items {
            if severity > worst.0 || (severity == worst.0 && severity > 0 && due < worst.1) {
                worst = (severity, due);
            }
        }
        worst
    }

    /// True when any clock or deadline is in this state (`at_risk`, `breached`).
    pub fn any(&self, state: &str) -> bool {
        self.clocks.iter().any(|r| r.state.as_str() == state)
            || self.deadlines.iter().any(|d| d.state.as_str() == state)
    }
}
