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

/// The default warning margin: the last quarter of each window.
pub const DEFAULT_MARGIN: Margin = Margin::Percent(25);

/// The organisation's timescales as shipped; an administrator exports,
/// edits and imports them as new versions.
pub const DEFAULT_TIMESCALES: &str = include_str!("../timescales.toml");

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
            State::Breached { since } => format!("Breached since {}", since.strftime("%-d %b %Y")),
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::calendars::Division;
    use proptest::prelude::*;

    fn d(s: &str) -> Date {
        s.parse().expect("date")
    }

    #[test]
    fn states_follow_working_days_not_calendar_days() {
        let cal = Calendar::new(Division::EnglandAndWales);
        // Due Tuesday 7 Apr 2026, seen on Thursday 2 Apr: Good Friday and Easter
        // Monday are bank holidays, so one working day is left.
        assert_eq!(
            deadline_state(d("2026-04-07"), d("2026-04-02"), false, &cal, 2),
            State::AtRisk {
                working_days_left: 1
            }
        );
        assert_eq!(
            deadline_state(d("2026-04-20"), d("2026-04-02"), false, &cal, 2),
            State::OnTrack {
                working_days_left: 10
            }
        );
        assert_eq!(
            deadline_state(d("2026-04-07"), d("2026-04-08"), false, &cal, 2),
            State::Breached {
                since: d("2026-04-08")
            }
        );
        assert_eq!(
            deadline_state(d("2026-04-07"), d("2026-04-08"), true, &cal, 2),
            State::Met {
                on: None,
                late: false
            }
        );
        assert_eq!(
            deadline_state(d("2026-04-07"), d("2026-04-07"), false, &cal, 2),
            State::AtRisk {
                working_days_left: 0
            }
        );
    }

    fn settings(margin: Margin) -> Timescales {
        let mut t = Timescales::shipped();
        t.margin = margin;
        t
    }

    fn input<'a>(band: &'a str, started: &str, holds: &'a [Hold]) -> ClockInput<'a> {
        ClockInput {
            on_hold_now: holds.iter().any(|h| h.to.is_none()),
            band: Some(band),
            started: d(started),
            first_contact: None,
            last_action: None,
            last_review: None,
            holds,
        }
    }

    fn reading(readings: &[Reading], clock: ClockKind) -> Reading {
        *readings.iter().find(|r| r.clock == clock).expect("clock")
    }

    #[test]
    fn the_shipped_timescales_parse_and_round_trip() {
        let t = Timescales::parse(DEFAULT_TIMESCALES).expect("shipped file");
        assert_eq!(t.for_band(Some("P1")).first_contact_working_days, 1);
        assert_eq!(t.for_band(None), t.unassessed);
        assert_eq!(t.for_band(Some("P9")), t.unassessed);
        assert_eq!(Timescales::parse(&t.to_toml()).expect("round trip"), t);
    }

    #[test]
    fn bad_timescales_files_say_where() {
        let bad = DEFAULT_TIMESCALES.replace("note_window_hours = 24", "note_window_hours = 0");
        let problems = Timescales::parse(&bad).expect_err("zero window");
        assert!(
            problems[0].message.contains("note_window_hours"),
            "{problems:?}"
        );
        let bad = DEFAULT_TIMESCALES.replace("{ percent = 25 }", "{ percent = 150 }");
        let problems = Timescales::parse(&bad).expect_err("percent");
        assert_eq!(problems[0].location, "margin");
        let bad = DEFAULT_TIMESCALES.replace("[band.P2]", "[band.P2]\nfirst_contact_days = 3");
        let problems = Timescales::parse(&bad).expect_err("misspelt");
        assert!(problems[0].location.starts_with("line "), "{problems:?}");
    }

    #[test]
    fn a_margin_that_would_swallow_a_window_is_refused_with_a_share_suggested() {
        // The old shipped file: two working days' warning on a P1's
        // one-day windows made every P1 "at risk" the moment it started.
        let bad = DEFAULT_TIMESCALES.replace("{ percent = 25 }", "{ working_days = 2 }");
        let problems = Timescales::parse(&bad).expect_err("margin swallows P1");
        let p1: Vec<_> = problems.iter().filter(|p| p.location == "band P1").collect();
        assert_eq!(p1.len(), 2, "{problems:?}");
        assert!(
            p1[0].message.contains("first_contact_working_days (1)")
                && p1[0].message.contains("percent"),
            "{problems:?}"
        );
        // P2's first contact (2 working days) is swallowed too; P3's are not.
        assert!(problems.iter().any(|p| p.location == "band P2"));
        assert!(!problems.iter().any(|p| p.location == "band P3"));
        // A share of each window always leaves the start of it on track.
        let share = DEFAULT_TIMESCALES.replace("{ percent = 25 }", "{ percent = 99 }");
        assert!(Timescales::parse(&share).is_ok());
    }

    #[test]
    fn no_shipped_clock_is_at_risk_when_it_starts() {
        let t = Timescales::shipped();
        let cal = Calendar::new(Division::EnglandAndWales);
        let holds = [];
        for band in ["P1", "P2", "P3", "P4"] {
            // Monday 2 March 2026, the day the case opens.
            let i = input(band, "2026-03-02", &holds);
            let first = reading(
                &case_clocks(&i, &t, &cal, d("2026-03-02")),
                ClockKind::FirstContact,
            );
            assert!(
                matches!(first.state, State::OnTrack { .. }),
                "{band}: {first:?}"
            );
        }
    }

    #[test]
    fn margins_in_days_or_as_a_share_of_the_window() {
        assert_eq!(Margin::WorkingDays(2).days(20), 2);
        assert_eq!(Margin::Percent(20).days(20), 4);
        assert_eq!(Margin::Percent(25).days(10), 2);
        // Never the whole window: a one-day window is at risk only on its day.
        assert_eq!(Margin::Percent(20).days(1), 0);
        assert_eq!(Margin::WorkingDays(2).days(1), 0);
        assert_eq!(Margin::WorkingDays(5).days(5), 4);
        // P3 first contact: 5 working days from Monday 2 March 2026.
        let cal = Calendar::new(Division::EnglandAndWales);
        let holds = [];
        let i = input("P3", "2026-03-02", &holds);
        let days = settings(Margin::WorkingDays(2));
        let share = settings(Margin::Percent(60));
        let on_thursday = |t: &Timescales| {
            reading(
                &case_clocks(&i, t, &cal, d("2026-03-05")),
                ClockKind::FirstContact,
            )
            .state
        };
        assert_eq!(
            on_thursday(&days),
            State::AtRisk {
                working_days_left: 2
            }
        );
        assert_eq!(
            reading(
                &case_clocks(&i, &days, &cal, d("2026-03-04")),
                ClockKind::FirstContact
            )
            .state,
            State::OnTrack {
                working_days_left: 3
            }
        );
        assert_eq!(
            reading(
                &case_clocks(&i, &share, &cal, d("2026-03-04")),
                ClockKind::FirstContact
            )
            .state,
            State::AtRisk {
                working_days_left: 3
            }
        );
    }

    #[test]
    fn first_contact_is_met_on_time_or_late_and_otherwise_breaches() {
        let cal = Calendar::new(Division::EnglandAndWales);
        let holds = [];
        let mut i = input("P2", "2026-03-02", &holds);
        let t = Timescales::shipped();
        let r = reading(
            &case_clocks(&i, &t, &cal, d("2026-03-05")),
            ClockKind::FirstContact,
        );
        assert_eq!(r.due, Some(d("2026-03-04")));
        assert_eq!(
            r.state,
            State::Breached {
                since: d("2026-03-05")
            }
        );
        i.first_contact = Some(d("2026-03-03"));
        let r = reading(
            &case_clocks(&i, &t, &cal, d("2026-03-05")),
            ClockKind::FirstContact,
        );
        assert_eq!(
            r.state,
            State::Met {
                on: Some(d("2026-03-03")),
                late: false
            }
        );
        i.first_contact = Some(d("2026-03-06"));
        let r = reading(
            &case_clocks(&i, &t, &cal, d("2026-03-09")),
            ClockKind::FirstContact,
        );
        assert_eq!(
            r.state,
            State::Met {
                on: Some(d("2026-03-06")),
                late: true
            }
        );
        // After first contact the next-action clock runs from the last action.
        i.last_action = Some(d("2026-03-06"));
        let r = reading(
            &case_clocks(&i, &t, &cal, d("2026-03-09")),
            ClockKind::NextAction,
        );
        assert_eq!(r.started, d("2026-03-06"));
        assert_eq!(r.due, Some(d("2026-03-13")));
    }

    #[test]
    fn clocks_stop_on_hold_and_resume_where_they_stopped() {
        let cal = Calendar::new(Division::EnglandAndWales);
        let t = Timescales::shipped();
        // P3: 5 working days from Monday 2 March. Without a hold it is due
        // Monday 9 March and breached on Wednesday 11th.
        let none = [];
        let r = reading(
            &case_clocks(&input("P3", "2026-03-02", &none), &t, &cal, d("2026-03-11")),
            ClockKind::FirstContact,
        );
        assert_eq!(
            r.state,
            State::Breached {
                since: d("2026-03-10")
            }
        );
        // On hold from Tuesday 3rd to Monday 9th: Mon 9, Tue 10, Wed 11 count.
        let resumed = [Hold {
            from: d("2026-03-03"),
            to: Some(d("2026-03-09")),
        }];
        let r = reading(
            &case_clocks(
                &input("P3", "2026-03-02", &resumed),
                &t,
                &cal,
                d("2026-03-11"),
            ),
            ClockKind::FirstContact,
        );
        assert_eq!(
            r.state,
            State::AtRisk {
                working_days_left: 2
            }
        );
        assert_eq!(r.due, Some(d("2026-03-13")));
        // Still on hold: paused with all five days left, and the client-response
        // clock (10 working days from the hold) runs instead.
        let open = [Hold {
            from: d("2026-03-02"),
            to: None,
        }];
        let readings = case_clocks(&input("P3", "2026-03-02", &open), &t, &cal, d("2026-03-11"));
        assert_eq!(
            reading(&readings, ClockKind::FirstContact).state,
            State::Paused {
                working_days_left: 5
            }
        );
        let client = reading(&readings, ClockKind::ClientResponse);
        assert_eq!(client.due, Some(d("2026-03-16")));
        assert_eq!(
            client.state,
            State::OnTrack {
                working_days_left: 3
            }
        );
    }

    #[test]
    fn reviews_fall_due_from_the_last_review() {
        let cal = Calendar::new(Division::Scotland);
        let t = Timescales::shipped();
        let none = [];
        let mut i = input("P4", "2026-01-05", &none);
        i.first_contact = Some(d("2026-01-05"));
        i.last_action = Some(d("2026-01-20"));
        let r = reading(
            &case_clocks(&i, &t, &cal, d("2026-02-10")),
            ClockKind::Review,
        );
        assert_eq!(r.due, Some(d("2026-02-02")));
        assert!(matches!(r.state, State::Breached { .. }));
        i.last_review = Some(d("2026-02-09"));
        let r = reading(
            &case_clocks(&i, &t, &cal, d("2026-02-10")),
            ClockKind::Review,
        );
        assert_eq!(
            r.state,
            State::OnTrack {
                working_days_left: 19
            }
        );
    }

    proptest! {
        /// A hold never makes a clock fall due sooner.
        #[test]
        fn holds_never_bring_a_clock_forward(start in 0i64..30, hold_from in 0i64..40, hold_len in 0i64..20, today in 0i64..60) {
            use jiff::ToSpan;
            let cal = Calendar::new(Division::EnglandAndWales);
            let t = Timescales::shipped();
            let base = d("2026-03-02");
            let started = base.checked_add(start.days()).expect("date");
            let from = base.checked_add(hold_from.days()).expect("date");
            let holds = [Hold { from, to: Some(from.checked_add(hold_len.days()).expect("date")) }];
            let none = [];
            let today = base.checked_add(today.days()).expect("date");
            let with = reading(&case_clocks(&input("P3", &started.to_string(), &holds), &t, &cal, today), ClockKind::FirstContact);
            let without = reading(&case_clocks(&input("P3", &started.to_string(), &none), &t, &cal, today), ClockKind::FirstContact);
            prop_assert!(with.state.severity() <= without.state.severity());
            if let (Some(a), Some(b)) = (with.due, without.due) { prop_assert!(a >= b); }
        }

        /// A clock reads the same whether its working days are counted on
        /// the calendar (no holds) or walked a day at a time (a hold long
        /// over before the case began, which pauses nothing).
        #[test]
        fn counted_clocks_read_as_walked_ones(
            start in 0i64..400,
            contact in proptest::option::of(0i64..60),
            action in proptest::option::of(0i64..60),
            review in proptest::option::of(0i64..90),
            today in 0i64..120,
            band in 0usize..5,
            closures in proptest::collection::vec(0i64..500, 0..10),
            div in 0usize..3,
        ) {
            use jiff::ToSpan;
            let mut cal = Calendar::new(Division::ALL[div]);
            let base = d("2025-11-03");
            let day = |n: i64| base.checked_add(n.days()).expect("date");
            cal.closures = closures.into_iter().map(day).collect();
            let started = day(start);
            let after = |n: Option<i64>| n.map(|n| started.checked_add(n.days()).expect("date"));
            let t = Timescales::shipped();
            let ancient = [Hold { from: d("1999-01-04"), to: Some(d("1999-01-08")) }];
            let clocks = |holds| {
                let input = ClockInput {
                    on_hold_now: false,
                    band: ["P1", "P2", "P3", "P4", "none"].get(band).copied(),
                    started,
                    first_contact: after(contact),
                    last_action: after(action),
                    last_review: after(review),
                    holds,
                };
                case_clocks(&input, &t, &cal, started.checked_add(today.days()).expect("date"))
            };
            prop_assert_eq!(clocks(&[]), clocks(&ancient));
        }

        /// Moving time forward never makes a deadline look safer.
        #[test]
        fn states_only_get_worse_as_time_passes(offset in 0i64..60, step in 1i64..30, margin in 0u32..10) {
            use jiff::ToSpan;
            let cal = Calendar::new(Division::Scotland);
            let due = d("2026-06-15");
            let today = due.checked_sub(offset.days()).expect("date");
            let later = today.checked_add(step.days()).expect("date");
            let rank = |s: State| match s { State::OnTrack { .. } | State::Paused { .. } => 0, State::AtRisk { .. } => 1, State::Breached { .. } => 2, State::Met { .. } => 3 };
            prop_assert!(rank(deadline_state(due, later, false, &cal, margin)) >= rank(deadline_state(due, today, false, &cal, margin)));
        }
    }
}
