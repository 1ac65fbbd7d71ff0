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
    let p1: Vec<_> = problems
        .iter()
        .filter(|p| p.location == "band P1")
        .collect();
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
    // Two of five working days left: on track (the margin is a quarter
    // of the window, rounded down: one day).
    assert_eq!(
        r.state,
        State::OnTrack {
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
