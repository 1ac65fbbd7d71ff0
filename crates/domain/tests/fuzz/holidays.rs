//! Target `holidays`: the official bank-holidays file
//! (`calendars::parse_official_events`, as `caseload calendars import`
//! reads it). Never a panic; a refusal says which entry or where in the
//! file; an accepted file holds only sound entries, and a calendar built on
//! it still counts working days both ways alike, never landing on a day off.

use caseload_domain::calendars::{Calendar, Division, by_division_and_year, parse_official_events};
use jiff::ToSpan;
use proptest::prelude::*;

use crate::support::{config, inputs, mutated_json, seeds, text};

const WORDS: &[&str] = &[
    "{\"title\": \"x\", \"date\": \"2026-12-28\"},",
    "\"england-and-wales\"",
    "\"scotland\"",
    "\"northern-ireland\"",
    "\"division\"",
    "\"events\"",
    "\"date\": \"",
    "\"title\": \"",
    "\\u0000",
    "\\ud800",
    "[",
    "]",
    "{",
    "}",
    ",",
    ":",
    "\"",
];

fn structured(seeds: Vec<Vec<u8>>) -> BoxedStrategy<Vec<u8>> {
    mutated_json(seeds).boxed()
}

fn assert_specific(message: &str) {
    let placed =
        message.contains(" event ") || message.contains("division") || message.contains("line ");
    assert!(placed, "a refusal that names no entry or place: {message}");
}

/// On a calendar with the file's years, `n` working days on from `from`
/// is a working day, and exactly `n` working days from it.
fn assert_counts(calendar: &Calendar, from: jiff::civil::Date, n: i32) {
    let to = calendar.add_working_days(from, n);
    assert!(
        calendar.is_working_day(to),
        "{from} + {n} = {to}, a day off"
    );
    assert_eq!(calendar.working_days_between(from, to), n, "{from} → {to}");
    let back = calendar.add_working_days(to, -n);
    assert!(back <= from, "{to} - {n} = {back}, after {from}");
}

fn check(bytes: &[u8], division: usize, offset: i32, n: i32) {
    match parse_official_events(&text(bytes)) {
        Err(e) => assert_specific(&e.0),
        Ok(events) => {
            for e in &events {
                assert!((1970..=2200).contains(&e.date.year()), "{e:?}");
                assert!(!e.title.trim().is_empty(), "{e:?}");
            }
            let by_year = by_division_and_year(&events);
            let count: usize = by_year
                .values()
                .flat_map(|y| y.values())
                .map(|d| d.len())
                .sum();
            let distinct: std::collections::BTreeSet<_> =
                events.iter().map(|e| (e.division, e.date)).collect();
            assert_eq!(count, distinct.len(), "every holiday kept once");
            let division = Division::ALL[division % 3];
            let mut calendar = Calendar::new(division);
            calendar.imported = by_year.get(&division).cloned().unwrap_or_default();
            // Start in a year the file covers when it covers any.
            let year = calendar.imported.keys().next().copied().unwrap_or(2026);
            let from = jiff::civil::date(year, 1, 1)
                .checked_add(offset.days())
                .expect("a day in range");
            assert_counts(&calendar, from, n);
        }
    }
}

#[test]
fn every_seed_is_read_as_its_name_says() {
    for (name, bytes) in seeds("holidays") {
        match (
            name.starts_with("valid-"),
            parse_official_events(&text(&bytes)),
        ) {
            (true, Ok(_)) => {}
            (false, Err(e)) => assert_specific(&e.0),
            (true, Err(e)) => panic!("{name} is refused: {e}"),
            (false, Ok(_)) => panic!("{name} is read, but it is a seed of a bad file"),
        }
    }
}

proptest! {
    #![proptest_config(config("holidays"))]

    #[test]
    fn any_holidays_file_is_read_or_refused_by_entry_and_never_panics(
        bytes in inputs("holidays", &[], WORDS, structured),
        division in 0usize..3,
        offset in -400i32..800,
        n in 1i32..300,
    ) {
        check(&bytes, division, offset, n);
    }
}
