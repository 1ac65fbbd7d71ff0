use super::*;
use crate::timescales::{DeadlineReading, Reading};
use proptest::prelude::*;

fn d(s: &str) -> Date {
    s.parse().expect("date")
}

fn day(offset: i32) -> Date {
    d("2026-06-01")
        .checked_add(jiff::Span::new().days(offset))
        .expect("date")
}

/// A state of the given severity (0 on track, 1 at risk, 2 breached) for
/// an item due on `due`.
fn state(severity: u8, due: Date) -> State {
    match severity {
        2 => State::Breached {
            since: due.tomorrow().expect("date"),
        },
        1 => State::AtRisk {
            working_days_left: 1,
        },
        _ => State::OnTrack {
            working_days_left: 9,
        },
    }
}

fn clock(kind: ClockKind, severity: u8, due: Date) -> Reading {
    Reading {
        clock: kind,
        started: day(-30),
        window: 10,
        due: Some(due),
        state: state(severity, due),
    }
}

fn deadline(severity: u8, due: Date) -> DeadlineReading {
    DeadlineReading {
        deadline_id: "d".into(),
        title: "Mandatory reconsideration".into(),
        due,
        state: state(severity, due),
    }
}

/// A case as the queue orders it.
#[derive(Debug, Clone)]
struct Case {
    id: String,
    band: Option<String>,
    timescales: CaseTimescales,
    next_task_due: Option<Date>,
    created_at: Timestamp,
}

impl Case {
    fn standing(&self) -> Standing {
        Standing::new(
            self.band.as_deref(),
            self.timescales.attention(),
            self.next_task_due,
            self.created_at,
        )
    }
}

fn band() -> impl Strategy<Value = Option<String>> {
    prop_oneof![
        Just(None),
        (1u32..=4).prop_map(|n| Some(format!("P{n}"))),
        Just(Some("Urgent".to_owned())),
    ]
}

fn items() -> impl Strategy<Value = Vec<(u8, i32)>> {
    prop::collection::vec((0u8..=2, -20i32..40), 0..3)
}

/// Few distinct values, so that cases often tie on the early keys.
fn case() -> impl Strategy<Value = Case> {
    (
        band(),
        items(),
        items(),
        prop::option::of(-5i32..5),
        0i64..4,
    )
        .prop_map(|(band, clocks, deadlines, next, created)| Case {
            id: String::new(),
            band,
            timescales: CaseTimescales {
                clocks: clocks
                    .into_iter()
                    .map(|(s, due)| clock(ClockKind::NextAction, s, day(due)))
                    .collect(),
                deadlines: deadlines
                    .into_iter()
                    .map(|(s, due)| deadline(s, day(due)))
                    .collect(),
            },
            next_task_due: next.map(day),
            created_at: Timestamp::from_second(1_780_000_000 + created * 3_600).expect("time"),
        })
}

/// Cases with unique ids, as a caseload has.
fn caseload() -> impl Strategy<Value = Vec<Case>> {
    prop::collection::vec(case(), 0..24).prop_map(|cases| {
        cases
            .into_iter()
            .enumerate()
            .map(|(i, mut c)| {
                c.id = format!("case-{i:03}");
                c
            })
            .collect()
    })
}

fn queue(cases: Vec<Case>) -> Vec<Case> {
    sort(cases, Case::standing, |c| c.id.as_str())
}

fn ids(cases: &[Case]) -> Vec<&str> {
    cases.iter().map(|c| c.id.as_str()).collect()
}

proptest! {
    #[test]
    fn the_order_is_the_same_whatever_order_the_cases_are_read_in(
        (cases, shuffled) in caseload().prop_flat_map(|c| (Just(c.clone()), Just(c).prop_shuffle()))
    ) {
        let a = queue(cases);
        let b = queue(shuffled);
        prop_assert_eq!(ids(&a), ids(&b));
    }

    #[test]
    fn the_order_is_total_no_two_cases_tie_and_it_is_consistent(cases in caseload()) {
        for a in &cases {
            for b in &cases {
                let ab = compare((&a.standing(), &a.id), (&b.standing(), &b.id));
                let ba = compare((&b.standing(), &b.id), (&a.standing(), &a.id));
                prop_assert_eq!(ab, ba.reverse());
                prop_assert_eq!(ab == Ordering::Equal, a.id == b.id);
            }
        }
        let sorted = queue(cases);
        for pair in sorted.windows(2) {
            prop_assert_eq!(
                compare((&pair[0].standing(), &pair[0].id), (&pair[1].standing(), &pair[1].id)),
                Ordering::Less
            );
        }
    }

    #[test]
    fn sorting_keeps_every_case_once(cases in caseload()) {
        let mut before: Vec<String> = cases.iter().map(|c| c.id.clone()).collect();
        let mut after: Vec<String> = queue(cases).into_iter().map(|c| c.id).collect();
        before.sort();
        after.sort();
        prop_assert_eq!(before, after);
    }

    #[test]
    fn a_more_urgent_band_always_comes_first_and_unassessed_cases_sit_between_p2_and_p3(
        cases in caseload()
    ) {
        let sorted = queue(cases);
        for (i, a) in sorted.iter().enumerate() {
            for b in &sorted[i + 1..] {
                prop_assert!(band_rank(a.band.as_deref()) <= band_rank(b.band.as_deref()));
                let (a, b) = (a.band.as_deref(), b.band.as_deref());
                prop_assert!(!(a.is_none() && matches!(b, Some("P1" | "P2"))));
                prop_assert!(!(matches!(a, Some("P3" | "P4")) && b.is_none()));
            }
        }
    }

    #[test]
    fn within_a_band_breached_comes_before_at_risk_and_at_risk_before_the_rest_nearest_due_first(
        cases in caseload()
    ) {
        let sorted = queue(cases);
        for (i, a) in sorted.iter().enumerate() {
            for b in &sorted[i + 1..] {
                if band_rank(a.band.as_deref()) != band_rank(b.band.as_deref()) {
                    continue;
                }
                let (sa, da) = a.timescales.attention();
                let (sb, db) = b.timescales.attention();
                prop_assert!(sa >= sb, "{} ({sa}) before {} ({sb})", a.id, b.id);
                if sa == sb && sa > 0 {
                    prop_assert!(da <= db);
                }
                if sa == sb && da == db {
                    prop_assert!(
                        a.next_task_due.unwrap_or(Date::MAX) <= b.next_task_due.unwrap_or(Date::MAX)
                    );
                    if a.next_task_due == b.next_task_due {
                        prop_assert!(a.created_at <= b.created_at);
                    }
                }
            }
        }
    }

    #[test]
    fn attention_is_the_worst_state_and_its_nearest_due_date(case in case()) {
        let t = &case.timescales;
        let items: Vec<(u8, Date)> = t
            .clocks
            .iter()
            .filter_map(|r| Some((r.state.severity(), r.due?)))
            .chain(t.deadlines.iter().map(|x| (x.state.severity(), x.due)))
            .collect();
        let worst = items.iter().map(|i| i.0).max().unwrap_or(0);
        let nearest = items.iter().filter(|i| i.0 == worst).map(|i| i.1).min();
        prop_assert_eq!(t.attention(), (worst, if worst > 0 { nearest } else { None }));
    }
}

#[test]
fn bands_rank_p1_p2_then_unassessed_then_p3_p4_then_anything_else() {
    let ranks: Vec<u32> = [
        Some("P1"),
        Some("P2"),
        None,
        Some("P3"),
        Some("P4"),
        Some("Urgent"),
    ]
    .into_iter()
    .map(band_rank)
    .collect();
    assert_eq!(ranks, [2, 4, 5, 6, 8, 100]);
}

fn facts(timescales: &CaseTimescales) -> CaseFacts<'_> {
    CaseFacts {
        assessed_at: Some(Timestamp::from_second(1_780_000_000).expect("time")),
        review_interval_days: Some(14),
        high: false,
        has_next_task: true,
        overdue_tasks: 0,
        timescales,
    }
}

fn at(days_after: i64) -> Timestamp {
    Timestamp::from_second(1_780_000_000 + days_after * 86_400).expect("time")
}

#[test]
fn a_case_never_assessed_needs_assessing_and_one_past_its_review_interval_is_due() {
    let none = CaseTimescales::default();
    let mut case = facts(&none);
    assert!(
        flags(&case, at(14)).is_empty(),
        "exactly 14 days is not yet due"
    );
    assert_eq!(flags(&case, at(15)), [Flag::AssessmentDue]);
    case.review_interval_days = None;
    assert!(
        flags(&case, at(400)).is_empty(),
        "an unknown policy sets no due date"
    );
    case.assessed_at = None;
    assert_eq!(flags(&case, at(0)), [Flag::NoAssessment]);
}

#[test]
fn a_high_priority_case_without_a_next_action_or_first_contact_in_time_is_flagged() {
    let late = CaseTimescales {
        clocks: vec![clock(ClockKind::FirstContact, 2, day(-3))],
        deadlines: vec![],
    };
    let mut case = facts(&late);
    case.has_next_task = false;
    assert_eq!(flags(&case, at(0)), [Flag::TimescaleBreached]);
    case.high = true;
    assert_eq!(
        flags(&case, at(0)),
        [
            Flag::HighPriorityNoNextAction,
            Flag::HighPriorityNotContacted,
            Flag::TimescaleBreached
        ]
    );
}

#[test]
fn deadlines_and_clocks_are_flagged_by_their_worst_state_and_overdue_tasks_last() {
    let t = CaseTimescales {
        clocks: vec![
            clock(ClockKind::Review, 1, day(2)),
            clock(ClockKind::NextAction, 0, day(9)),
        ],
        deadlines: vec![
            deadline(1, day(3)),
            deadline(2, day(-1)),
            deadline(0, day(20)),
        ],
    };
    let mut case = facts(&t);
    case.overdue_tasks = 2;
    assert_eq!(
        flags(&case, at(0)),
        [
            Flag::DeadlineBreached,
            Flag::TimescaleAtRisk,
            Flag::OverdueTasks
        ]
    );
    let json = serde_json::to_string(&flags(&case, at(0))).expect("json");
    assert_eq!(
        json,
        r#"["deadline_breached","timescale_at_risk","overdue_tasks"]"#
    );
}

#[test]
fn every_flag_is_written_as_the_api_documents_it() {
    for flag in [
        Flag::NoAssessment,
        Flag::AssessmentDue,
        Flag::HighPriorityNoNextAction,
        Flag::HighPriorityNotContacted,
        Flag::DeadlineAtRisk,
        Flag::DeadlineBreached,
        Flag::TimescaleAtRisk,
        Flag::TimescaleBreached,
        Flag::OverdueTasks,
    ] {
        assert_eq!(
            serde_json::to_string(&flag).expect("json"),
            format!("\"{}\"", flag.as_str())
        );
        assert!(flag == *flag.as_str() && flag == flag.as_str() && flag != "flag");
    }
}
