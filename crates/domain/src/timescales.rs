//! Whether a deadline is on track, at risk or breached (SPEC C3; AG14 PC9,
//! PC14), counted in working days on the case's calendar. "At risk" starts
//! a margin of working days before the due date (two by default), so there
//! is still time to act.

use jiff::civil::Date;
use serde::Serialize;

use crate::calendars::Calendar;

/// The default warning margin, in working days.
pub const DEFAULT_MARGIN_WORKING_DAYS: u32 = 2;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum DeadlineState {
    /// Done in time (the deadline's task was completed).
    Met,
    OnTrack {
        working_days_left: i32,
    },
    AtRisk {
        working_days_left: i32,
    },
    /// Passed without being met; breached from the day after it was due.
    Breached {
        since: Date,
    },
}

/// The state of a deadline due on `due`, as of `today`.
pub fn deadline_state(
    due: Date,
    today: Date,
    done: bool,
    calendar: &Calendar,
    margin: u32,
) -> DeadlineState {
    if done {
        return DeadlineState::Met;
    }
    if today > due {
        return DeadlineState::Breached {
            since: due.tomorrow().unwrap_or(due),
        };
    }
    let left = calendar.working_days_between(today, due);
    if left <= i32::try_from(margin).unwrap_or(i32::MAX) {
        DeadlineState::AtRisk {
            working_days_left: left,
        }
    } else {
        DeadlineState::OnTrack {
            working_days_left: left,
        }
    }
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
            DeadlineState::AtRisk {
                working_days_left: 1
            }
        );
        assert_eq!(
            deadline_state(d("2026-04-20"), d("2026-04-02"), false, &cal, 2),
            DeadlineState::OnTrack {
                working_days_left: 10
            }
        );
        assert_eq!(
            deadline_state(d("2026-04-07"), d("2026-04-08"), false, &cal, 2),
            DeadlineState::Breached {
                since: d("2026-04-08")
            }
        );
        assert_eq!(
            deadline_state(d("2026-04-07"), d("2026-04-08"), true, &cal, 2),
            DeadlineState::Met
        );
        assert_eq!(
            deadline_state(d("2026-04-07"), d("2026-04-07"), false, &cal, 2),
            DeadlineState::AtRisk {
                working_days_left: 0
            }
        );
    }

    proptest! {
        /// Moving time forward never makes a deadline look safer.
        #[test]
        fn states_only_get_worse_as_time_passes(offset in 0i64..60, step in 1i64..30, margin in 0u32..10) {
            use jiff::ToSpan;
            let cal = Calendar::new(Division::Scotland);
            let due = d("2026-06-15");
            let today = due.checked_sub(offset.days()).expect("date");
            let later = today.checked_add(step.days()).expect("date");
            let rank = |s: DeadlineState| match s { DeadlineState::OnTrack { .. } => 0, DeadlineState::AtRisk { .. } => 1, DeadlineState::Breached { .. } => 2, DeadlineState::Met => 3 };
            prop_assert!(rank(deadline_state(due, later, false, &cal, margin)) >= rank(deadline_state(due, today, false, &cal, margin)));
        }
    }
}
