//! Timescales (SPEC C3; AG14 PC9, PC14): whether each deadline and each of
//! the organisation's timescales is on track, at risk or breached, counted in
//! working days on the case's calendar.
//!
//! The priority policy decides *how urgent* a case is (its band); the
//! organisation's timescales, a versioned settings file, decide *how fast*
//! each band is handled: first contact, next action, case reviews, how long a
//! case may wait on the client, and the window for recording notes. Clocks
//! stop while a case is on hold (except the client-response clock, which is
//! what runs during a hold) and carry on where they stopped when it resumes.

use std::collections::BTreeMap;

use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use crate::calendars::Calendar;
use crate::priority::PolicyProblem;

mod clocks;

pub use clocks::{
    CaseTimescales, ClockInput, ClockKind, DeadlineReading, Hold, Reading, case_clocks,
};

/// The default warning margin: the last quarter of each window.
pub const DEFAULT_MARGIN: Margin = Margin::Percent(25);

/// The organisation's timescales as shipped; an administrator exports,
/// edits and imports them as new versions.
pub const DEFAULT_TIMESCALES: &str = include_str!("../../timescales.toml");

/// Where a deadline or a timescale stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum State {
    /// Done; `late` if it was done after it was due.
    Met {
        #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, format = Date))]
        #[serde(serialize_with = "crate::json::option_date")]
        on: Option<Date>,
        late: bool,
    },
    OnTrack {
        working_days_left: i32,
    },
    /// Within the margin: act now.
    AtRisk {
        working_days_left: i32,
    },
    /// Passed without being met; breached from the day after it was due.
    Breached {
        #[cfg_attr(feature = "openapi", schema(value_type = String, format = Date))]
        #[serde(serialize_with = "crate::json::date")]
        since: Date,
    },
    /// The case is on hold: the clock has stopped with this much left.
    Paused {
        working_days_left: i32,
    },
}

impl State {
    /// `met`, `on_track`, `at_risk`, `breached`, `paused`.
    pub fn as_str(&self) -> &'static str {
        match self {
            State::Met { .. } => "met",
            State::OnTrack { .. } => "on_track",
            State::AtRisk { .. } => "at_risk",
            State::Breached { .. } => "breached",
            State::Paused { .. } => "paused",
        }
    }

    /// How much attention it needs: breached 2, at risk 1, otherwise 0.
    pub fn severity(&self) -> u8 {
        match self {
            State::Breached { .. } => 2,
            State::AtRisk { .. } => 1,
            _ => 0,
        }
    }

    /// In words, e.g. "At risk: 1 working day left".
    pub fn describe(&self) -> String {
        let days = |n: i32| match n {
            1 => "1 working day".to_owned(),
            n => format!("{n} working days"),
        };
        match self {
            State::Met { late: false, .. } => "Met".into(),
            State::Met { late: true, .. } => "Met late".into(),
            State::OnTrack { working_days_left } => {
                format!("On track: {} left", days(*working_days_left))
            }
            State::AtRisk {
                working_days_left: 0,
            } => "At risk: due today".into(),
            State::AtRisk { working_days_left } => {
                format!("At risk: {} left", days(*working_days_left))
            }
            State::Breached { since } => format!("Breached since {}", crate::dates::day(*since)),
            State::Paused { working_days_left } => {
                format!("Paused (on hold) with {} left", days(*working_days_left))
            }
        }
    }
}

/// When a clock turns "at risk".
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum Margin {
    /// This many working days before it is due.
    WorkingDays(u32),
    /// When this share of the window (rounded down to whole working days)
    /// is left.
    Percent(u32),
}

impl Margin {
    /// The margin in working days for a window of `window` working days:
    /// never the whole window, so a clock is on track when it starts and
    /// at risk at the latest on the day it falls due. (Validation refuses a
    /// margin that would swallow a window; this also holds for versions
    /// stored before it did.)
    pub fn days(self, window: u32) -> u32 {
        let days = match self {
            Margin::WorkingDays(n) => n,
            Margin::Percent(p) => window.saturating_mul(p) / 100,
        };
        days.min(window.saturating_sub(1))
    }

    /// The margin as set, before it is limited to a window.
    fn as_set(self, window: u32) -> u32 {
        match self {
            Margin::WorkingDays(n) => n,
            Margin::Percent(p) => window.saturating_mul(p) / 100,
        }
    }
}

/// Targets for one priority band.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BandTimescale {
    /// First contact with the client after the case is opened.
    pub first_contact_working_days: u32,
    /// The next action after each piece of work on the case.
    pub next_action_working_days: u32,
}

/// The organisation's timescales (one versioned settings file).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Timescales {
    /// When a clock (and a deadline) turns "at risk".
    pub margin: Margin,
    /// A case review (a `review` note) at least this often.
    pub review_interval_working_days: u32,
    /// A note recorded more than this many hours after what it records is a
    /// late entry and needs a reason.
    pub note_window_hours: u32,
    /// While a case is on hold waiting on the client, follow up within this.
    pub client_response_working_days: u32,
    /// Targets for a case not yet assessed.
    pub unassessed: BandTimescale,
    /// Targets per priority band id (`P1`…), as the policies name them.
    #[serde(rename = "band")]
    pub bands: BTreeMap<String, BandTimescale>,
}

fn problem(location: impl Into<String>, message: impl Into<String>) -> PolicyProblem {
    PolicyProblem {
        location: location.into(),
        message: message.into(),
    }
}

impl Timescales {
    /// Parse a timescales file and check it; every problem is reported with its place.
    pub fn parse(text: &str) -> Result<Timescales, Vec<PolicyProblem>> {
        let t: Timescales = toml::from_str(text).map_err(|e| {
            let one = crate::deadlines::one_line(text, &e);
            vec![match one.split_once(": ") {
                Some((loc, msg)) if loc.starts_with("line ") => problem(loc, msg),
                _ => problem("file", one),
            }]
        })?;
        t.validate()?;
        Ok(t)
    }

    /// The shipped defaults.
    pub fn shipped() -> Timescales {
        Timescales::parse(DEFAULT_TIMESCALES).unwrap_or_else(|_| Timescales {
            margin: DEFAULT_MARGIN,
            review_interval_working_days: 20,
            note_window_hours: 24,
            client_response_working_days: 10,
            unassessed: BandTimescale {
                first_contact_working_days: 2,
                next_action_working_days: 5,
            },
            bands: BTreeMap::new(),
        })
    }

    pub fn to_toml(&self) -> String {
        toml::to_string(self).unwrap_or_default()
    }

    pub fn validate(&self) -> Result<(), Vec<PolicyProblem>> {
        let mut problems = Vec::new();
        const MAX: u32 = 260; // a working year
        let mut window = |loc: &str, name: &str, n: u32| {
            if !(1..=MAX).contains(&n) {
                problems.push(problem(
                    loc,
                    format!("{name} must be between 1 and {MAX} working days, not {n}"),
                ));
            }
        };
        window(
            "timescales",
            "review_interval_working_days",
            self.review_interval_working_days,
        );
        window(
            "timescales",
            "client_response_working_days",
            self.client_response_working_days,
        );
        for (loc, b) in std::iter::once(("unassessed".to_owned(), &self.unassessed))
            .chain(self.bands.iter().map(|(id, b)| (format!("band {id}"), b)))
        {
            window(
                &loc,
                "first_contact_working_days",
                b.first_contact_working_days,
            );
            window(&loc, "next_action_working_days", b.next_action_working_days);
        }
        if !(1..=24 * 30).contains(&self.note_window_hours) {
            problems.push(problem(
                "timescales",
                format!(
                    "note_window_hours must be between 1 and 720, not {}",
                    self.note_window_hours
                ),
            ));
        }
        match self.margin {
            Margin::WorkingDays(n) if n > MAX => problems.push(problem(
                "margin",
                format!("working_days must be at most {MAX}, not {n}"),
            )),
            Margin::Percent(p) if !(1..=99).contains(&p) => problems.push(problem(
                "margin",
                format!("percent must be between 1 and 99, not {p}"),
            )),
            _ => {}
        }
        // A margin as long as a window would put that clock at risk from
        // the moment it starts: every alert would fire at once and mean
        // nothing.
        let windows = std::iter::once((
            "timescales".to_owned(),
            "review_interval_working_days",
            self.review_interval_working_days,
        ))
        .chain(std::iter::once((
            "timescales".to_owned(),
            "client_response_working_days",
            self.client_response_working_days,
        )))
        .chain(
            std::iter::once(("unassessed".to_owned(), &self.unassessed))
                .chain(self.bands.iter().map(|(id, b)| (format!("band {id}"), b)))
                .flat_map(|(loc, b)| {
                    [
                        (
                            loc.clone(),
                            "first_contact_working_days",
                            b.first_contact_working_days,
                        ),
                        (loc, "next_action_working_days", b.next_action_working_days),
                    ]
                }),
        );
        for (loc, name, window) in windows {
            let margin = self.margin.as_set(window);
            if window >= 1 && margin >= window {
                problems.push(problem(
                    loc,
                    format!(
                        "the at-risk margin of {margin} working day{} is not shorter than {name} ({window}), so this clock would be at risk from the moment it starts; use a smaller margin, or a share of each window such as margin = {{ percent = 25 }}",
                        if margin == 1 { "" } else { "s" }
                    ),
                ));
            }
        }
        if self.bands.is_empty() {
            problems.push(problem(
                "bands",
                "list the targets for each priority band, e.g. [band.P1]",
            ));
        }
        for id in self.bands.keys() {
            if id.is_empty() || !id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_') {
                problems.push(problem(
                    format!("band {id}"),
                    "band ids are letters, digits and _",
                ));
            }
        }
        if problems.is_empty() {
            Ok(())
        } else {
            Err(problems)
        }
    }

    /// The targets for a band (or for an unassessed case, or a band these
    /// timescales do not name).
    pub fn for_band(&self, band: Option<&str>) -> BandTimescale {
        band.and_then(|b| self.bands.get(b))
            .copied()
            .unwrap_or(self.unassessed)
    }

    /// The note-recording window as a duration.
    pub fn note_window(&self) -> jiff::SignedDuration {
        jiff::SignedDuration::from_hours(i64::from(self.note_window_hours))
    }
}

/// The state of a deadline due on `due`, as of `today`.
pub fn deadline_state(
    due: Date,
    today: Date,
    done: bool,
    calendar: &Calendar,
    margin: u32,
) -> State {
    if done {
        return State::Met {
            on: None,
            late: false,
        };
    }
    if today > due {
        return State::Breached {
            since: due.tomorrow().unwrap_or(due),
        };
    }
    let left = calendar.working_days_between(today, due);
    if left <= i32::try_from(margin).unwrap_or(i32::MAX) {
        State::AtRisk {
            working_days_left: left,
        }
    } else {
        State::OnTrack {
            working_days_left: left,
        }
    }
}

#[cfg(test)]
mod tests;
