//! Target `deadlines`: a deadline-rule catalogue (`deadlines::Catalogue::
//! parse`, the file `deadlines_file` names). Never a panic; a refusal says
//! where (a line, or the rule); every rule of a catalogue that is read
//! computes a deadline from any trigger day in 1990–2100, with any pauses,
//! without a panic, never before the trigger.

use caseload_domain::calendars::{Calendar, Division};
use caseload_domain::deadlines::{Catalogue, DeadlineError, Pause, SHIPPED_CATALOGUE, compute};
use jiff::ToSpan;
use proptest::prelude::*;

use crate::support::{config, inputs, mutated_toml, seeds_with, text};

const SHIPPED: &[(&str, &str)] = &[("deadlines.toml", SHIPPED_CATALOGUE)];

const WORDS: &[&str] = &[
    "[[rule]]\n",
    "period = { unit = \"calendar_months\", count = 1 }\n",
    "period = { unit = \"months_less_one_day\", count = 3650 }\n",
    "period = { unit = \"working_days\", count = 0 }\n",
    "pause = \"early_conciliation\"\n",
    "roll_forward = true\n",
    "trigger_day_counts = true\n",
    "id = \"",
    "\"\"\"",
    "=",
    "\n",
];

fn structured(seeds: Vec<Vec<u8>>) -> BoxedStrategy<Vec<u8>> {
    mutated_toml(seeds).boxed()
}

fn assert_specific(e: &DeadlineError) {
    let DeadlineError::Catalogue(message) = e else {
        panic!("a catalogue refused with {e:?}");
    };
    assert!(
        message.starts_with("line ") || message.starts_with("rule "),
        "a refusal that names no line or rule: {message}"
    );
}

fn check(bytes: &[u8], trigger: u16, pauses: &[(u16, u16)]) {
    let catalogue = match Catalogue::parse(&text(bytes)) {
        Err(e) => return assert_specific(&e),
        Ok(c) => c,
    };
    let day = |n: u16| {
        jiff::civil::date(1990, 1, 1)
            .checked_add(i32::from(n).days())
            .expect("in range")
    };
    let trigger = day(trigger);
    let pauses: Vec<Pause> = pauses
        .iter()
        .map(|&(from, length)| {
            let from = day(from);
            Pause {
                from,
                to: from
                    .checked_add(i32::from(length).days())
                    .expect("in range"),
            }
        })
        .collect();
    let calendar = Calendar::new(Division::Scotland);
    for rule in &catalogue.rules {
        if let Ok(c) = compute(rule, trigger, &calendar, &pauses) {
            assert!(c.due >= trigger, "{rule:?} from {trigger}: {c:?}");
        }
    }
}

#[test]
fn every_seed_is_read_as_its_name_says() {
    for (name, bytes) in seeds_with("deadlines", SHIPPED) {
        match (name.starts_with("valid-"), Catalogue::parse(&text(&bytes))) {
            (true, Ok(c)) => assert!(!c.rules.is_empty(), "{name}"),
            (false, Err(e)) => assert_specific(&e),
            (true, Err(e)) => panic!("{name} is refused: {e}"),
            (false, Ok(_)) => panic!("{name} is read, but it is a seed of a bad file"),
        }
    }
}

proptest! {
    #![proptest_config(config("deadlines"))]

    #[test]
    fn any_deadline_catalogue_is_read_or_refused_by_place_and_its_rules_compute(
        bytes in inputs("deadlines", SHIPPED, WORDS, structured),
        trigger in 0u16..=40_542,
        pauses in prop::collection::vec((0u16..=40_542, 0u16..400), 0..3),
    ) {
        check(&bytes, trigger, &pauses);
    }
}
