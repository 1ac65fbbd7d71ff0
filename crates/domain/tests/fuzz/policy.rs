//! Target `policy`: a priority policy file (`Policy::parse`), as an
//! administrator imports it. Never a panic; a refusal names its place (a
//! line, a band, a criterion, a rule); a policy that is read hangs together,
//! writes back as itself, and scores any answers without a panic.

use std::collections::BTreeMap;

use caseload_domain::priority::{
    Answer, CriterionKind, DEFAULT_PACKS, Facts, Policy, PolicyProblem, assess,
};
use proptest::prelude::*;

use crate::support::{config, inputs, mutated_toml, seeds_with, text};

const WORDS: &[&str] = &[
    "[[band]]\n",
    "[[criterion]]\n",
    "[[rule]]\n",
    "id = \"P1\"\n",
    "min_score = ",
    "kind = \"yes_no\"\n",
    "kind = \"choice\"\n",
    "kind = \"number\"\n",
    "kind = \"deadline_within\"\n",
    "kind = \"no_contact_for\"\n",
    "points = ",
    "when = { yes = \"safeguarding\" }\n",
    "when = { criterion = \"x\", at_least = 3 }\n",
    "bands = [{ from = 0, to = 4, points = 10 }]\n",
    "options = []\n",
    "\"\"\"",
    "'''",
    "\\u0000",
    "=",
    "\n",
    "é",
];

fn structured(seeds: Vec<Vec<u8>>) -> BoxedStrategy<Vec<u8>> {
    mutated_toml(seeds).boxed()
}

/// A refusal is specific: it says where (a line, the policy's own fields,
/// a band, a criterion or a rule) and what is wrong.
pub fn assert_specific(problems: &[PolicyProblem]) {
    assert!(!problems.is_empty(), "a refusal with no problem in it");
    for p in problems {
        let l = p.location.as_str();
        let placed = l.starts_with("line ")
            || ["policy", "bands", "margin", "timescales", "unassessed"].contains(&l)
            || ["band ", "criterion ", "rule "]
                .iter()
                .any(|prefix| l.starts_with(prefix));
        assert!(placed, "a problem that names no place: {p:?}");
        assert!(
            !p.message.trim().is_empty(),
            "a problem with no words: {p:?}"
        );
    }
}

/// What every policy that is read holds to.
fn assert_sound(policy: &Policy) {
    assert!(!policy.bands.is_empty());
    for pair in policy.bands.windows(2) {
        assert!(pair[0].min_score > pair[1].min_score, "{pair:?}");
    }
    assert!(policy.bands.last().is_some_and(|b| b.min_score <= 0));
    let again = Policy::parse(&policy.to_toml())
        .unwrap_or_else(|e| panic!("a policy read but its own file refused: {e:?}"));
    assert_eq!(&again, policy, "the policy's file reads back as itself");
}

/// Answers for every criterion, drawn from `picks`: in range and out,
/// of the right type and the wrong one.
fn answers(policy: &Policy, picks: &[(u8, i64)]) -> BTreeMap<String, Answer> {
    let mut out = BTreeMap::new();
    for (c, &(kind, n)) in policy.criteria.iter().zip(picks.iter().cycle()) {
        // Mostly answers of the right type; now and then none, a number
        // anywhere, or the wrong type.
        let answer = match (&c.kind, kind % 8) {
            (_, 5) => continue,
            (_, 6) => Answer::Number(n),
            (_, 7) => Answer::Choice(n.to_string()),
            (CriterionKind::DeadlineWithin { .. } | CriterionKind::NoContactFor { .. }, _) => {
                continue;
            }
            (CriterionKind::YesNo { .. }, _) => Answer::YesNo(n % 2 == 0),
            (CriterionKind::Choice { options }, _) => Answer::Choice(
                options
                    .get(n.unsigned_abs() as usize % (options.len() + 1))
                    .map_or("no such option".to_owned(), |o| o.id.clone()),
            ),
            (CriterionKind::Number { min, max, .. }, _) => {
                let span = max.abs_diff(*min).saturating_add(1);
                Answer::Number(min.saturating_add_unsigned(n.unsigned_abs() % span))
            }
        };
        out.insert(c.id.clone(), answer);
    }
    out
}

/// Score the answers; an accepted set gets a band of the policy, no less
/// urgent than any hard rule that fired.
fn assert_scores(policy: &Policy, picks: &[(u8, i64)], facts: &Facts) {
    let answers = answers(policy, picks);
    match assess(policy, &answers, facts) {
        Err(problems) => {
            assert!(!problems.is_empty());
            for p in &problems {
                assert!(p.location.starts_with("answers."), "{p:?}");
            }
        }
        Ok(verdict) => {
            let index = |id: &str| policy.bands.iter().position(|b| b.id == id);
            let band = index(&verdict.band).expect("the verdict's band is the policy's");
            if let Some(floor) = &verdict.floor {
                assert!(band <= index(floor).expect("the floor is a band"));
            }
        }
    }
}

fn check(bytes: &[u8], picks: &[(u8, i64)], facts: &Facts) {
    match Policy::parse(&text(bytes)) {
        Err(problems) => assert_specific(&problems),
        Ok(policy) => {
            assert_sound(&policy);
            assert_scores(&policy, picks, facts);
        }
    }
}

fn facts() -> impl Strategy<Value = Facts> {
    (
        proptest::option::of(prop_oneof![Just(i64::MIN), Just(i64::MAX), -5i64..400]),
        proptest::option::of(prop_oneof![Just(i64::MIN), Just(i64::MAX), -5i64..400]),
    )
        .prop_map(|(d, c)| Facts {
            working_days_to_nearest_deadline: d,
            days_since_contact: c,
        })
}

fn picks() -> impl Strategy<Value = Vec<(u8, i64)>> {
    prop::collection::vec(
        (
            any::<u8>(),
            prop_oneof![any::<i64>(), -50i64..50, Just(i64::MIN), Just(i64::MAX)],
        ),
        1..8,
    )
}

#[test]
fn every_seed_is_read_as_its_name_says() {
    for (name, bytes) in seeds_with("policy", DEFAULT_PACKS) {
        let result = Policy::parse(&text(&bytes));
        match (name.starts_with("valid-"), result) {
            (true, Ok(policy)) => {
                assert_sound(&policy);
                // Every shipped and seeded policy scores all-yes answers.
                let picks = [(0, 0)];
                assert_scores(&policy, &picks, &Facts::default());
            }
            (false, Err(problems)) => assert_specific(&problems),
            (true, Err(e)) => panic!("{name} is refused: {e:?}"),
            (false, Ok(_)) => panic!("{name} is read, but it is a seed of a bad file"),
        }
    }
}

proptest! {
    #![proptest_config(config("policy"))]

    #[test]
    fn any_policy_file_is_read_or_refused_by_place_and_never_panics(
        bytes in inputs("policy", DEFAULT_PACKS, WORDS, structured),
        picks in picks(),
        facts in facts(),
    ) {
        check(&bytes, &picks, &facts);
    }
}
