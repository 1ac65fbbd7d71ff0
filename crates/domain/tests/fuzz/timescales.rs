//! Target `timescales`: the organisation's timescales file
//! (`Timescales::parse`). Never a panic; a refusal names its place; a file
//! that is read writes back as itself, and its clocks run on any case on
//! any day from 1990 to 2100 without a panic, each reading within its
//! window.

use caseload_domain::calendars::{Calendar, Division};
use caseload_domain::timescales::{
    ClockInput, DEFAULT_TIMESCALES, Hold, State, Timescales, case_clocks,
};
use jiff::ToSpan;
use jiff::civil::Date;
use proptest::prelude::*;

use crate::policy::assert_specific;
use crate::support::{config, inputs, mutated_toml, seeds_with, text};

const SHIPPED: &[(&str, &str)] = &[("timescales.toml", DEFAULT_TIMESCALES)];

const WORDS: &[&str] = &[
    "margin = { percent = 25 }\n",
    "margin = { working_days = 3 }\n",
    "margin = { percent = 25, working_days = 1 }\n",
    "[band.P1]\n",
    "[band.\"\"]\n",
    "[unassessed]\n",
    "first_contact_working_days = ",
    "next_action_working_days = ",
    "note_window_hours = ",
    "review_interval_working_days = ",
    "client_response_working_days = ",
    "\"\"\"",
    "=",
    "\n",
    "é",
];

fn structured(seeds: Vec<Vec<u8>>) -> BoxedStrategy<Vec<u8>> {
    mutated_toml(seeds).boxed()
}

/// A case's dates as days from 1 January 1990, none after `today` (a case
/// is opened, contacted and put on hold on or before the day it is read).
#[derive(Debug, Clone)]
pub struct CaseDays {
    band: Option<String>,
    on_hold_now: bool,
    started: u16,
    first_contact: Option<u16>,
    last_action: Option<u16>,
    last_review: Option<u16>,
    holds: Vec<(u16, Option<u16>)>,
    today: u16,
}

/// Days from 1990-01-01 to 2100-12-31.
const SPAN: u16 = 40_542;

fn day(n: u16) -> Date {
    jiff::civil::date(1990, 1, 1)
        .checked_add(i32::from(n.min(SPAN)).days())
        .expect("a day in range")
}

pub fn case_days() -> impl Strategy<Value = CaseDays> {
    // How long before today: days, months, years, or the whole span.
    let back = || prop_oneof![0u16..10, 0u16..400, 0..=SPAN];
    (
        proptest::option::of(prop_oneof![
            Just("P1".to_owned()),
            Just("P4".to_owned()),
            "[A-Z0-9]{0,3}"
        ]),
        any::<bool>(),
        prop_oneof![0..=SPAN, Just(0), Just(SPAN), 12_000u16..13_000],
        back(),
        proptest::option::of(back()),
        proptest::option::of(back()),
        proptest::option::of(back()),
        prop::collection::vec((back(), proptest::option::of(back())), 0..4),
    )
        .prop_map(
            |(
                band,
                on_hold_now,
                today,
                started,
                first_contact,
                last_action,
                last_review,
                holds,
            )| {
                let before = |n: u16| today.saturating_sub(n);
                CaseDays {
                    band,
                    on_hold_now,
                    started: before(started),
                    first_contact: first_contact.map(before),
                    last_action: last_action.map(before),
                    last_review: last_review.map(before),
                    holds: holds
                        .into_iter()
                        .map(|(from, length)| {
                            let from = before(from);
                            (from, length.map(|l| from.saturating_add(l).min(today)))
                        })
                        .collect(),
                    today,
                }
            },
        )
}

/// Every clock of the case runs; each reading stays within its window.
pub fn assert_clocks(t: &Timescales, calendar: &Calendar, case: &CaseDays) {
    let holds: Vec<Hold> = case
        .holds
        .iter()
        .map(|&(from, to)| Hold {
            from: day(from),
            to: to.map(day),
        })
        .collect();
    let input = ClockInput {
        on_hold_now: case.on_hold_now,
        band: case.band.as_deref(),
        started: day(case.started),
        first_contact: case.first_contact.map(day),
        last_action: case.last_action.map(day),
        last_review: case.last_review.map(day),
        holds: &holds,
    };
    for reading in case_clocks(&input, t, calendar, day(case.today)) {
        let window = i32::try_from(reading.window).expect("a window fits");
        match reading.state {
            State::OnTrack { working_days_left }
            | State::AtRisk { working_days_left }
            | State::Paused { working_days_left } => {
                assert!((0..=window).contains(&working_days_left), "{reading:?}");
            }
            State::Breached { since } => assert!(since > reading.started, "{reading:?}"),
            State::Met { .. } => {}
        }
        if let Some(due) = reading.due {
            assert!(due >= reading.started, "{reading:?}");
        }
    }
}

fn check(bytes: &[u8], case: &CaseDays) {
    match Timescales::parse(&text(bytes)) {
        Err(problems) => assert_specific(&problems),
        Ok(t) => {
            let again = Timescales::parse(&t.to_toml())
                .unwrap_or_else(|e| panic!("read, but its own file is refused: {e:?}"));
            assert_eq!(again, t, "the file reads back as itself");
            assert_clocks(&t, &Calendar::new(Division::EnglandAndWales), case);
        }
    }
}

#[test]
fn every_seed_is_read_as_its_name_says() {
    for (name, bytes) in seeds_with("timescales", SHIPPED) {
        match (name.starts_with("valid-"), Timescales::parse(&text(&bytes))) {
            (true, Ok(t)) => assert_eq!(Timescales::parse(&t.to_toml()), Ok(t)),
            (false, Err(problems)) => assert_specific(&problems),
            (true, Err(e)) => panic!("{name} is refused: {e:?}"),
            (false, Ok(_)) => panic!("{name} is read, but it is a seed of a bad file"),
        }
    }
}

proptest! {
    #![proptest_config(config("timescales"))]

    #[test]
    fn any_timescales_file_is_read_or_refused_by_place_and_its_clocks_run(
        bytes in inputs("timescales", SHIPPED, WORDS, structured),
        case in case_days(),
    ) {
        check(&bytes, &case);
    }
}
