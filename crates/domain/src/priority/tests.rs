use super::*;
use proptest::prelude::*;

fn pack(id: &str) -> Policy {
    let text = DEFAULT_PACKS
        .iter()
        .find(|(p, _)| *p == id)
        .expect("pack")
        .1;
    Policy::parse(text).unwrap_or_else(|e| panic!("{id}: {e:?}"))
}

fn answers(list: &[(&str, Answer)]) -> BTreeMap<String, Answer> {
    list.iter()
        .map(|(k, v)| ((*k).to_owned(), v.clone()))
        .collect()
}

#[test]
fn every_default_pack_is_valid_and_round_trips() {
    for (id, text) in DEFAULT_PACKS {
        let p = Policy::parse(text).unwrap_or_else(|e| panic!("{id}: {e:?}"));
        assert_eq!(
            Policy::parse(&p.to_toml()).expect("re-parses"),
            p,
            "{id} exports and imports unchanged"
        );
        assert_eq!(
            p.bands.iter().map(|b| b.id.as_str()).collect::<Vec<_>>(),
            ["P1", "P2", "P3", "P4"]
        );
    }
}

#[test]
fn a_safeguarding_concern_is_urgent_whatever_the_score() {
    let p = pack("generic");
    let v = assess(
        &p,
        &answers(&[("safeguarding", Answer::YesNo(true))]),
        &Facts::default(),
    )
    .expect("ok");
    assert_eq!(v.band, "P1");
    assert!(
        v.rationale.iter().any(|r| r
            .words
            .starts_with("Safeguarding concern: yes → P1 (rule S1)")),
        "{:?}",
        v.rationale
    );
    let calm = assess(&p, &BTreeMap::new(), &Facts::default()).expect("ok");
    assert_eq!(calm.band, "P4");
    assert_eq!(
        calm.rationale.last().map(|r| r.words.as_str()),
        Some("Score 0 → P4 Routine (0 or more)")
    );
}

#[test]
fn housing_scenarios() {
    let p = pack("housing");
    let threatened = assess(
        &p,
        &answers(&[
            ("threatened_within_56_days", Answer::YesNo(true)),
            ("priority_need", Answer::Choice("dependent_children".into())),
        ]),
        &Facts::default(),
    )
    .expect("ok");
    assert_eq!(threatened.band, "P2", "{:?}", threatened.rationale);
    let roofless = assess(
        &p,
        &answers(&[("homeless_tonight", Answer::YesNo(true))]),
        &Facts::default(),
    )
    .expect("ok");
    assert_eq!(roofless.band, "P1");
    let s21 = assess(
        &p,
        &answers(&[("s21_notice_expiring", Answer::YesNo(true))]),
        &Facts {
            working_days_to_nearest_deadline: Some(3),
            days_since_contact: None,
        },
    )
    .expect("ok");
    assert!(
        s21.rationale
            .iter()
            .any(|r| r.id == "deadline_within_5_working_days"),
        "{:?}",
        s21.rationale
    );
}

#[test]
fn debt_scenarios() {
    let p = pack("debt");
    let bailiff = assess(
        &p,
        &answers(&[(
            "emergency_within_5_working_days",
            Answer::Choice("enforcement_visit".into()),
        )]),
        &Facts::default(),
    )
    .expect("ok");
    assert_eq!(bailiff.band, "P1");
    let priority = assess(
        &p,
        &answers(&[("priority_debts", Answer::YesNo(true))]),
        &Facts::default(),
    )
    .expect("ok");
    assert_eq!(priority.band, "P3");
    let non_priority = assess(
        &p,
        &answers(&[("non_priority_debts_only", Answer::YesNo(true))]),
        &Facts::default(),
    )
    .expect("ok");
    assert_eq!(non_priority.band, "P4");
}

#[test]
fn careers_neet_scenarios() {
    let p = pack("careers_neet");
    let v = assess(
        &p,
        &answers(&[
            ("neet_months", Answer::Number(7)),
            ("care_leaver", Answer::YesNo(true)),
            ("attendance_below_90", Answer::YesNo(true)),
        ]),
        &Facts::default(),
    )
    .expect("ok");
    assert_eq!(v.band, "P2", "{:?}", v.rationale);
    let low = assess(
        &p,
        &answers(&[("neet_months", Answer::Number(0))]),
        &Facts::default(),
    )
    .expect("ok");
    assert_eq!(low.band, "P4");
}

#[test]
fn dash_fourteen_yes_is_high_risk_with_a_marac_referral() {
    let p = pack("domestic_abuse");
    let v = assess(
        &p,
        &answers(&[("dash_yes_count", Answer::Number(14))]),
        &Facts::default(),
    )
    .expect("ok");
    assert_eq!(v.band, "P1");
    assert_eq!(v.tasks, ["Refer to MARAC"]);
    assert_eq!(v.floor.as_deref(), Some("P1"));
    assert!(
        p.enters_high(Some("P3"), "P2")
            && !p.enters_high(Some("P1"), "P2")
            && !p.enters_high(None, "P4")
    );
    let judgement = assess(
        &p,
        &answers(&[
            ("dash_yes_count", Answer::Number(4)),
            ("professional_judgement_high_risk", Answer::YesNo(true)),
        ]),
        &Facts::default(),
    )
    .expect("ok");
    assert_eq!(judgement.band, "P1", "professional judgement may raise");
    assert!(
        judgement
            .rationale
            .iter()
            .any(|r| r.words.contains("a hard rule raises it"))
    );
    let medium = assess(
        &p,
        &answers(&[("dash_yes_count", Answer::Number(10))]),
        &Facts::default(),
    )
    .expect("ok");
    assert_eq!(medium.band, "P2");
}

#[test]
fn bad_answers_are_refused_by_criterion() {
    let p = pack("domestic_abuse");
    let e = assess(
        &p,
        &answers(&[("dash_yes_count", Answer::Number(25))]),
        &Facts::default(),
    )
    .unwrap_err();
    assert_eq!(e[0].location, "answers.dash_yes_count");
    let e = assess(
        &p,
        &answers(&[("nonsense", Answer::YesNo(true))]),
        &Facts::default(),
    )
    .unwrap_err();
    assert!(e[0].message.contains("not a criterion"));
    let e = assess(
        &p,
        &answers(&[("dash_yes_count", Answer::YesNo(true))]),
        &Facts::default(),
    )
    .unwrap_err();
    assert!(e[0].message.contains("whole number"));
}

#[test]
fn inconsistent_policies_are_refused_with_their_place() {
    let base = DEFAULT_PACKS[0].1;
    let broken = format!(
        "{base}\n[[rule]]\nid = \"X1\"\ndescription = \"Ghost\"\nwhen = {{ yes = \"no_such_question\" }}\nband = \"P1\"\n"
    );
    let e = Policy::parse(&broken).unwrap_err();
    assert!(
        e.iter()
            .any(|p| p.location == "rule X1" && p.message.contains("not defined")),
        "{e:?}"
    );
    let overlapping = base.replacen("min_score = 25", "min_score = 40", 1);
    let e = Policy::parse(&overlapping).unwrap_err();
    assert!(
        e.iter()
            .any(|p| p.location == "band P2" && p.message.contains("overlaps")),
        "{e:?}"
    );
    let dash = DEFAULT_PACKS
        .iter()
        .find(|(id, _)| *id == "domestic_abuse")
        .expect("pack")
        .1;
    let never = dash.replace("at_least = 14", "at_least = 30");
    let e = Policy::parse(&never).unwrap_err();
    assert!(
        e.iter().any(|p| p.message.contains("can never happen")),
        "{e:?}"
    );
    let gap = dash.replace(
        "{ from = 10, to = 13, points = 25 }",
        "{ from = 11, to = 13, points = 25 }",
    );
    let e = Policy::parse(&gap).unwrap_err();
    assert!(
        e.iter().any(|p| p.message.contains("fall in no band")),
        "{e:?}"
    );
    let typo = base.replacen("points = 30", "pionts = 30", 1);
    assert!(
        Policy::parse(&typo).is_err(),
        "a misspelt field is refused, not ignored"
    );
    let e = Policy::parse("id = 3").unwrap_err();
    assert!(e[0].location.starts_with("line 1"), "{e:?}");
}

/// Found by fuzzing (`tests/fuzz`): two criteria of `i32::MAX` points, both
/// answered yes, overflowed the score — a panic in a debug build, and in a
/// release build a score wrapped round to a large negative number, so the
/// least urgent band.
#[test]
fn points_that_add_up_past_the_largest_score_stay_in_the_most_urgent_band() {
    let text = "id = \"huge\"\nname = \"Huge\"\nservice_areas = []\nreview_interval_days = 7\n\
        [[band]]\nid = \"P1\"\nname = \"High\"\nmin_score = 100\n\
        [[band]]\nid = \"P2\"\nname = \"Low\"\nmin_score = 0\n\
        [[criterion]]\nid = \"a\"\nquestion = \"A?\"\nkind = \"yes_no\"\npoints = 2147483647\n\
        [[criterion]]\nid = \"b\"\nquestion = \"B?\"\nkind = \"yes_no\"\npoints = 2147483647\n";
    let p = Policy::parse(text).expect("a sound policy");
    let both = answers(&[("a", Answer::YesNo(true)), ("b", Answer::YesNo(true))]);
    let v = assess(&p, &both, &Facts::default()).expect("assessed");
    assert_eq!((v.score, v.band.as_str()), (i32::MAX, "P1"));
}

/// Found by fuzzing: a band id of any text (`é`, empty) was accepted,
/// though the timescales file can only name bands by letters, digits and _.
#[test]
fn a_band_id_must_be_letters_digits_and_underscores_as_the_timescales_name_them() {
    for bad in ["é", "", "P 1", "P-1"] {
        let text = DEFAULT_PACKS[0]
            .1
            .replace("id = \"P4\"", &format!("id = \"{bad}\""));
        let e = Policy::parse(&text).expect_err(bad);
        assert!(
            e.iter().any(|p| p.location == format!("band {bad}")
                && p.message.contains("letters, digits and _")),
            "{bad:?}: {e:?}"
        );
    }
}

/// Found by fuzzing: number bands reaching the largest number were said to
/// leave that number in no band (the count of covered values saturated).
#[test]
fn number_bands_may_reach_the_largest_and_smallest_numbers() {
    let text = "id = \"edges\"\nname = \"Edges\"\nservice_areas = []\nreview_interval_days = 7\n\
        [[band]]\nid = \"P1\"\nname = \"Only\"\nmin_score = 0\n\
        [[criterion]]\nid = \"n\"\nquestion = \"N?\"\nkind = \"number\"\n\
        min = -9223372036854775808\nmax = 9223372036854775807\nbands = [\n\
        { from = -9223372036854775808, to = 0, points = 0 },\n\
        { from = 1, to = 9223372036854775807, points = 7 },\n]\n";
    let p = Policy::parse(text).unwrap_or_else(|e| panic!("{e:?}"));
    let top = answers(&[("n", Answer::Number(i64::MAX))]);
    assert_eq!(
        assess(&p, &top, &Facts::default()).expect("assessed").score,
        7
    );
    let short = text.replace("to = 9223372036854775807", "to = 9223372036854775806");
    let e = Policy::parse(&short).unwrap_err();
    assert!(
        e.iter().any(|p| p
            .message
            .contains("9223372036854775807–9223372036854775807 fall in no band")),
        "{e:?}"
    );
}

fn generic_answers() -> impl Strategy<Value = BTreeMap<String, Answer>> {
    let p = pack("generic");
    let yes_no: Vec<String> = p
        .criteria
        .iter()
        .filter(|c| matches!(c.kind, CriterionKind::YesNo { .. }))
        .map(|c| c.id.clone())
        .collect();
    proptest::collection::vec(proptest::bool::ANY, yes_no.len()).prop_map(move |bits| {
        yes_no
            .iter()
            .cloned()
            .zip(bits)
            .map(|(k, b)| (k, Answer::YesNo(b)))
            .collect()
    })
}

proptest! {
    /// Adding a "yes" to a positively weighted criterion never lowers the band.
    #[test]
    fn the_engine_is_monotonic(a in generic_answers(), pick in 0usize..32) {
        let p = pack("generic");
        let before = assess(&p, &a, &Facts::default()).expect("ok");
        let positive: Vec<&Criterion> = p.criteria.iter().filter(|c| matches!(c.kind, CriterionKind::YesNo { points } if points > 0)).collect();
        let c = positive[pick % positive.len()];
        let mut more = a.clone();
        more.insert(c.id.clone(), Answer::YesNo(true));
        let after = assess(&p, &more, &Facts::default()).expect("ok");
        prop_assert!(p.band_index(&after.band) <= p.band_index(&before.band));
        prop_assert!(after.score >= before.score);
    }

    /// A hard rule always wins, and the same inputs give the same result.
    #[test]
    fn hard_rules_always_win_and_results_are_deterministic(a in generic_answers()) {
        let p = pack("generic");
        let mut with = a.clone();
        with.insert("safeguarding".into(), Answer::YesNo(true));
        let v = assess(&p, &with, &Facts::default()).expect("ok");
        prop_assert_eq!(v.band.as_str(), "P1");
        prop_assert_eq!(assess(&p, &with, &Facts::default()).expect("ok"), v);
    }
}
