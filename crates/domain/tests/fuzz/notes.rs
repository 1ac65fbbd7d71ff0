//! Target `note_sections`: a note's sections (`notes::parse_sections`) and
//! its timing (`notes::check_timing`), as every note and amendment is
//! checked. Texts come from the corpus (byte-mutated) and from any string;
//! section names are the template's, near misses and junk. Never a panic;
//! a refusal names `sections.<name>`, `sections`, `occurred_at` or
//! `late_reason`; accepted sections are the template's, in its order, kept
//! byte for byte.

use caseload_domain::notes::{SOAP, STAR, check_timing, parse_sections};
use jiff::{SignedDuration, Timestamp};
use proptest::prelude::*;

use crate::support::{config, mutated_bytes, seeds, text};

const WORDS: &[&str] = &[
    "\u{0}",
    "\r\n",
    "\t",
    "\u{7f}",
    "\u{202e}",
    "\u{200b}",
    "\u{feff}",
    "é",
    "e\u{301}",
    "👩‍👩‍👧",
    " ",
];

fn section_text() -> impl Strategy<Value = String> {
    let corpus: Vec<Vec<u8>> = seeds("note_sections").into_iter().map(|(_, s)| s).collect();
    prop_oneof![
        2 => mutated_bytes(corpus, WORDS).prop_map(|b| text(&b)),
        1 => any::<String>(),
        1 => Just(String::new()),
        1 => Just("x".repeat(20_000)),
        1 => Just("x".repeat(20_001)),
    ]
}

fn section_name() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => prop::sample::select(vec![
            "situation", "task", "action", "result", "subjective", "objective", "assessment", "plan",
        ])
        .prop_map(str::to_owned),
        1 => prop::sample::select(vec!["Situation", "situation ", "", "sections", "section_situation", "__proto__"])
            .prop_map(str::to_owned),
        1 => any::<String>(),
    ]
}

fn instant() -> impl Strategy<Value = Timestamp> {
    prop_oneof![
        Just(Timestamp::MIN),
        Just(Timestamp::MAX),
        Just(Timestamp::UNIX_EPOCH),
        (-2_208_988_800i64..4_133_980_799)
            .prop_map(|s| Timestamp::from_second(s).expect("in range")),
    ]
}

fn window() -> impl Strategy<Value = SignedDuration> {
    prop_oneof![
        Just(SignedDuration::ZERO),
        Just(SignedDuration::MIN),
        Just(SignedDuration::MAX),
        (1i64..=720).prop_map(SignedDuration::from_hours),
    ]
}

proptest! {
    #![proptest_config(config("note_sections"))]

    #[test]
    fn any_sections_are_kept_as_written_or_refused_by_section(
        soap in any::<bool>(),
        given in prop::collection::btree_map(section_name(), section_text(), 0..6),
    ) {
        let template = if soap { &SOAP } else { &STAR };
        match parse_sections(template, &given, "sections") {
            Err(errors) => {
                prop_assert!(!errors.is_empty());
                for e in &errors.0 {
                    prop_assert!(e.field == "sections" || e.field.starts_with("sections."), "{e:?}");
                    prop_assert!(!e.message.trim().is_empty());
                }
            }
            Ok(sections) => {
                prop_assert!(!sections.is_empty());
                let order: Vec<usize> = sections
                    .iter()
                    .map(|s| template.sections.iter().position(|(id, _)| *id == s.name).expect("a template section"))
                    .collect();
                prop_assert!(order.windows(2).all(|w| w[0] < w[1]), "in template order, once each");
                for s in &sections {
                    prop_assert_eq!(Some(&s.text), given.get(&s.name), "kept byte for byte");
                }
            }
        }
    }

    #[test]
    fn any_timing_is_judged_without_a_panic(
        occurred in instant(),
        recorded in instant(),
        window in window(),
        reason in proptest::option::of(section_text()),
    ) {
        match check_timing(occurred, recorded, window, reason.as_deref()) {
            Err(errors) => {
                for e in &errors.0 {
                    prop_assert!(["occurred_at", "late_reason"].contains(&e.field.as_str()), "{e:?}");
                }
            }
            Ok(timing) => prop_assert_eq!(timing.late_entry, timing.late_reason.is_some()),
        }
    }
}
