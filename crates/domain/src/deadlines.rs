//! Deadlines computed from rules held as data (SPEC C3; AG14 PC9): each rule
//! counts calendar days, working days, calendar months or "N months less one
//! day" from a trigger date, may count the trigger day, may roll forward off
//! non-working days, and may stop the clock for ACAS early conciliation.
//! Every computation explains itself step by step, so an adviser can check
//! it and a supervisor can trust it.

use jiff::ToSpan;
use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use crate::calendars::Calendar;

/// The catalogue shipped with Caseload (`crates/domain/deadlines.toml`).
pub const SHIPPED_CATALOGUE: &str = include_str!("../deadlines.toml");

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum Unit {
    CalendarDays,
    WorkingDays,
    CalendarMonths,
    MonthsLessOneDay,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Period {
    pub unit: Unit,
    pub count: u32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum PauseKind {
    /// Employment Rights Act 1996 s207B (and Equality Act 2010 s140B).
    EarlyConciliation,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Rule {
    pub id: String,
    pub name: String,
    /// What starts the clock, in words: "decision", "request received".
    pub trigger: String,
    pub period: Period,
    #[serde(default)]
    pub trigger_day_counts: bool,
    #[serde(default)]
    pub roll_forward: bool,
    #[serde(default)]
    pub pause: Option<PauseKind>,
    /// The law or guidance the rule implements.
    pub source: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct CatalogueFile {
    rule: Vec<Rule>,
}

/// A set of rules, by id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Catalogue {
    pub rules: Vec<Rule>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DeadlineError {
    #[error("the deadline catalogue is not valid: {0}")]
    Catalogue(String),
    #[error("unknown rule {0:?}; known rules: {1}")]
    UnknownRule(String, String),
    #[error("{0}")]
    Invalid(String),
}

impl Catalogue {
    /// Parse and check a catalogue: unique ids, positive counts.
    pub fn parse(toml_text: &str) -> Result<Self, DeadlineError> {
        let file: CatalogueFile = toml::from_str(toml_text)
            .map_err(|e| DeadlineError::Catalogue(one_line(toml_text, &e)))?;
        let mut seen = std::collections::BTreeSet::new();
        for rule in &file.rule {
            if !seen.insert(rule.id.clone()) {
                return Err(DeadlineError::Catalogue(format!(
                    "rule id {:?} appears twice",
                    rule.id
                )));
            }
            if rule.period.count == 0 || rule.period.count > 3650 {
                return Err(DeadlineError::Catalogue(format!(
                    "rule {:?}: count must be 1–3650",
                    rule.id
                )));
            }
            if rule.id.is_empty()
                || !rule
                    .id
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
            {
                return Err(DeadlineError::Catalogue(format!(
                    "rule id {:?} must be lower_snake_case",
                    rule.id
                )));
            }
        }
        Ok(Catalogue { rules: file.rule })
    }

    pub fn shipped() -> Self {
        // The shipped file is checked by a test; an error here is a build defect.
        Self::parse(SHIPPED_CATALOGUE).unwrap_or(Catalogue { rules: Vec::new() })
    }

    pub fn get(&self, id: &str) -> Result<&Rule, DeadlineError> {
        self.rules.iter().find(|r| r.id == id).ok_or_else(|| {
            DeadlineError::UnknownRule(
                id.to_owned(),
                self.rules
                    .iter()
                    .map(|r| r.id.as_str())
                    .collect::<Vec<_>>()
                    .join(", "),
            )
        })
    }
}

/// "line 3, column 1: missing field `name`" — a TOML error on one line.
pub fn one_line(text: &str, e: &toml::de::Error) -> String {
    let message = e.message().replace('\n', " ");
    match e.span() {
        Some(span) => {
            let before = &text[..span.start.min(text.len())];
            let line = before.matches('\n').count() + 1;
            let column = before.len() - before.rfind('\n').map(|i| i + 1).unwrap_or(0) + 1;
            format!("line {line}, column {column}: {message}")
        }
        None => message,
    }
}

/// A computed deadline and how it was reached.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Computation {
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = Date))]
    pub due: Date,
    /// Each step in words, e.g. "decision Sat 31 Jan 2026 + 1 calendar month → Sat 28 Feb 2026".
    pub explanation: Vec<String>,
}

/// A period during which the clock stops (e.g. Day A to Day B of early conciliation).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Pause {
    pub from: Date,
    pub to: Date,
}

fn show(d: Date) -> String {
    crate::dates::day(d)
}

fn plural(n: u32, word: &str) -> String {
    if n == 1 {
        format!("1 {word}")
    } else {
        format!("{n} {word}s")
    }
}

/// Triggers outside these years are almost certainly typing mistakes.
pub const EARLIEST_YEAR: i16 = 1990;
pub const LATEST_YEAR: i16 = 2100;

/// Compute a rule's deadline from its trigger date.
pub fn compute(
    rule: &Rule,
    trigger: Date,
    calendar: &Calendar,
    pauses: &[Pause],
) -> Result<Computation, DeadlineError> {
    if !(EARLIEST_YEAR..=LATEST_YEAR).contains(&trigger.year()) {
        return Err(DeadlineError::Invalid(format!(
            "the trigger date {trigger} is outside {EARLIEST_YEAR}–{LATEST_YEAR}; check the year"
        )));
    }
    let bad = |e: jiff::Error| DeadlineError::Invalid(format!("the date is out of range: {e}"));
    let count = rule.period.count;
    let mut steps = Vec::new();
    let label = &rule.trigger;
    let mut due = match rule.period.unit {
        Unit::CalendarDays => {
            let add = if rule.trigger_day_counts {
                count - 1
            } else {
                count
            };
            let due = trigger.checked_add(i64::from(add).days()).map_err(bad)?;
            if rule.trigger_day_counts {
                steps.push(format!(
                    "{label} {} is day 1 of {} → day {count} is {}",
                    show(trigger),
                    plural(count, "day"),
                    show(due)
                ));
            } else {
                steps.push(format!(
                    "{label} {} + {} → {}",
                    show(trigger),
                    plural(count, "day"),
                    show(due)
                ));
            }
            due
        }
        Unit::WorkingDays => {
            let n = if rule.trigger_day_counts && calendar.is_working_day(trigger) {
                count - 1
            } else {
                count
            };
            let due = calendar.add_working_days(trigger, i32::try_from(n).unwrap_or(i32::MAX));
            steps.push(format!(
                "{label} {} + {} ({} calendar) → {}",
                show(trigger),
                plural(count, "working day"),
                calendar.division.label(),
                show(due)
            ));
            due
        }
        Unit::CalendarMonths => {
            let due = trigger
                .checked_add(i64::from(count).months())
                .map_err(bad)?;
            let mut line = format!(
                "{label} {} + {} → {}",
                show(trigger),
                plural(count, "calendar month"),
                show(due)
            );
            if due.day() != trigger.day() {
                line.push_str(&format!(
                    " (there is no {} {}: the last day of that month)",
                    trigger.day(),
                    due.strftime("%b")
                ));
            }
            steps.push(line);
            due
        }
        Unit::MonthsLessOneDay => {
            let corresponding = trigger
                .checked_add(i64::from(count).months())
                .map_err(bad)?;
            if corresponding.day() != trigger.day() {
                steps.push(format!(
                    "{} beginning with {label} {}: there is no corresponding date in {}, so the period ends on its last day → {}",
                    plural(count, "month"),
                    show(trigger),
                    corresponding.strftime("%B %Y"),
                    show(corresponding)
                ));
                corresponding
            } else {
                let due = corresponding.yesterday().map_err(bad)?;
                steps.push(format!(
                    "{} beginning with {label} {} (the day before the corresponding date {}) → {}",
                    plural(count, "month"),
                    show(trigger),
                    show(corresponding),
                    show(due)
                ));
                due
            }
        }
    };

    if !pauses.is_empty() {
        if rule.pause.is_none() {
            return Err(DeadlineError::Invalid(format!(
                "the {} rule has no clock stop; leave out the pause",
                rule.id
            )));
        }
        let mut sorted = pauses.to_vec();
        sorted.sort_by_key(|p| p.from);
        for p in &sorted {
            if p.to < p.from {
                return Err(DeadlineError::Invalid(format!(
                    "the pause {}..{} ends before it starts",
                    p.from, p.to
                )));
            }
            if p.from < trigger {
                return Err(DeadlineError::Invalid(format!(
                    "the pause starting {} begins before the {label} on {trigger}",
                    p.from
                )));
            }
        }
        for w in sorted.windows(2) {
            if w[1].from <= w[0].to {
                return Err(DeadlineError::Invalid(format!(
                    "the pauses {}..{} and {}..{} overlap",
                    w[0].from, w[0].to, w[1].from, w[1].to
                )));
            }
        }
        for p in &sorted {
            // s207B(2)(a): conciliation must start within the original limit.
            if p.from > due {
                return Err(DeadlineError::Invalid(format!(
                    "early conciliation started on {} after the time limit had already expired on {}: it does not extend it",
                    p.from, due
                )));
            }
            // s207B(3): the days after Day A up to and including Day B are not counted.
            let stopped = p.to.since(p.from).map_err(bad)?.get_days();
            let extended = due.checked_add(i64::from(stopped).days()).map_err(bad)?;
            steps.push(format!(
                "the clock stops from the day after {} to {} ({}): {} → {}",
                show(p.from),
                show(p.to),
                plural(u32::try_from(stopped).unwrap_or(0), "day"),
                show(due),
                show(extended)
            ));
            due = extended;
            // s207B(4): a limit that would expire between Day A and one month
            // after Day B expires at the end of that month instead.
            let month_after = p.to.checked_add(1.month()).map_err(bad)?;
            if due >= p.from && due < month_after {
                steps.push(format!(
                    "that falls within one month after the certificate ({}), so the limit is {}",
                    show(p.to),
                    show(month_after)
                ));
                due = month_after;
            }
        }
    }

    if rule.roll_forward && !calendar.is_working_day(due) {
        let rolled = calendar.roll_forward(due);
        steps.push(format!(
            "{} is not a working day → the next working day, {}",
            show(due),
            show(rolled)
        ));
        due = rolled;
    }
    Ok(Computation {
        due,
        explanation: steps,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::calendars::Division;
    use proptest::prelude::*;

    fn d(s: &str) -> Date {
        s.parse().expect("date")
    }

    fn due(rule: &str, trigger: &str) -> String {
        let cat = Catalogue::shipped();
        compute(
            cat.get(rule).expect("rule"),
            d(trigger),
            &Calendar::new(Division::EnglandAndWales),
            &[],
        )
        .expect("computes")
        .due
        .to_string()
    }

    #[test]
    fn the_shipped_catalogue_is_valid_and_complete() {
        let cat = Catalogue::parse(SHIPPED_CATALOGUE).expect("valid");
        for id in [
            "mandatory_reconsideration",
            "tribunal_appeal",
            "homelessness_review",
            "employment_tribunal",
            "employment_tribunal_redundancy_pay",
            "county_court_response",
            "county_court_response_acknowledged",
            "immigration_appeal_in_country",
            "immigration_appeal_out_of_country",
            "breathing_space",
            "subject_access_request",
        ] {
            let rule = cat.get(id).expect(id);
            assert!(rule.source.len() > 20, "{id} cites its source");
        }
    }

    /// Hand-worked examples, one or more per shipped rule.
    #[test]
    fn every_shipped_rule_matches_hand_worked_examples() {
        // One calendar month, clamped to the month's end (the example).
        assert_eq!(due("mandatory_reconsideration", "2026-01-31"), "2026-02-28");
        assert_eq!(due("mandatory_reconsideration", "2026-03-15"), "2026-04-15");
        assert_eq!(due("tribunal_appeal", "2024-01-30"), "2024-02-29");
        // 21 days beginning with the day of notification: notified 1 Jun → 21 Jun.
        assert_eq!(due("homelessness_review", "2026-06-01"), "2026-06-21");
        // Three months less one day: act 10 Jan → 9 Apr; act 30 Nov → 28 Feb (no 30 Feb).
        assert_eq!(due("employment_tribunal", "2026-01-10"), "2026-04-09");
        assert_eq!(due("employment_tribunal", "2025-11-30"), "2026-02-28");
        assert_eq!(
            due("employment_tribunal_redundancy_pay", "2026-01-10"),
            "2026-07-09"
        );
        // 14 days after service, moved off a weekend: served Fri 13 Mar 2026 → Fri 27 Mar;
        // served Sat 14 Mar → Sat 28 Mar → Mon 30 Mar.
        assert_eq!(due("county_court_response", "2026-03-13"), "2026-03-27");
        assert_eq!(due("county_court_response", "2026-03-14"), "2026-03-30");
        assert_eq!(
            due("county_court_response_acknowledged", "2026-03-13"),
            "2026-04-10"
        );
        // Immigration: 14 days after sending; 28 days out of country. Sent 20 Mar 2026
        // → 3 Apr is Good Friday → Tue 7 Apr (Easter Monday is the 6th).
        assert_eq!(
            due("immigration_appeal_in_country", "2026-03-20"),
            "2026-04-07"
        );
        assert_eq!(
            due("immigration_appeal_out_of_country", "2026-03-02"),
            "2026-03-30"
        );
        // Breathing space: 60 days beginning with the start day.
        assert_eq!(due("breathing_space", "2026-01-01"), "2026-03-01");
        // ICO: received 31 Jan 2026 → 28 Feb (a Saturday) → Mon 2 Mar.
        assert_eq!(due("subject_access_request", "2026-01-31"), "2026-03-02");
        assert_eq!(due("subject_access_request", "2026-04-01"), "2026-05-01");
        assert_eq!(
            due("subject_access_request_extended", "2026-04-01"),
            "2026-07-01"
        );
    }

    #[test]
    fn the_explanation_shows_the_computation() {
        let cat = Catalogue::shipped();
        let c = compute(
            cat.get("mandatory_reconsideration").expect("rule"),
            d("2026-01-31"),
            &Calendar::new(Division::EnglandAndWales),
            &[],
        )
        .expect("computes");
        assert!(
            c.explanation[0]
                .starts_with("decision Sat 31 Jan 2026 + 1 calendar month → Sat 28 Feb 2026"),
            "{:?}",
            c.explanation
        );
    }

    #[test]
    fn early_conciliation_stops_the_clock() {
        let cat = Catalogue::shipped();
        let et = cat.get("employment_tribunal").expect("rule");
        let cal = Calendar::new(Division::EnglandAndWales);
        // Act 10 Jan → limit 9 Apr. Day A 1 Mar, Day B 15 Mar: 14 days stopped → 23 Apr,
        // which is after 15 Apr (one month after Day B), so it stands.
        let c = compute(
            et,
            d("2026-01-10"),
            &cal,
            &[Pause {
                from: d("2026-03-01"),
                to: d("2026-03-15"),
            }],
        )
        .expect("ok");
        assert_eq!(c.due.to_string(), "2026-04-23");
        // Day A 1 Apr, Day B 5 Apr: 4 days → 13 Apr, inside a month after Day B → 5 May.
        let c = compute(
            et,
            d("2026-01-10"),
            &cal,
            &[Pause {
                from: d("2026-04-01"),
                to: d("2026-04-05"),
            }],
        )
        .expect("ok");
        assert_eq!(c.due.to_string(), "2026-05-05");
        assert!(
            c.explanation
                .iter()
                .any(|s| s.contains("one month after the certificate"))
        );
        // Conciliation after the limit expired does not revive it.
        assert!(
            compute(
                et,
                d("2026-01-10"),
                &cal,
                &[Pause {
                    from: d("2026-04-10"),
                    to: d("2026-04-20")
                }]
            )
            .is_err()
        );
        // Overlapping or backwards pauses are refused.
        let overlapping = [
            Pause {
                from: d("2026-02-01"),
                to: d("2026-02-10"),
            },
            Pause {
                from: d("2026-02-05"),
                to: d("2026-02-12"),
            },
        ];
        assert!(
            compute(et, d("2026-01-10"), &cal, &overlapping)
                .unwrap_err()
                .to_string()
                .contains("overlap")
        );
        assert!(
            compute(
                et,
                d("2026-01-10"),
                &cal,
                &[Pause {
                    from: d("2026-02-10"),
                    to: d("2026-02-01")
                }]
            )
            .is_err()
        );
        // A rule with no clock stop refuses a pause.
        let mr = cat.get("mandatory_reconsideration").expect("rule");
        assert!(
            compute(
                mr,
                d("2026-01-10"),
                &cal,
                &[Pause {
                    from: d("2026-01-11"),
                    to: d("2026-01-12")
                }]
            )
            .is_err()
        );
    }

    #[test]
    fn bad_catalogues_and_triggers_are_refused() {
        assert!(Catalogue::parse("[[rule]]\nid = \"x\"").is_err());
        let dup = "[[rule]]\nid='a'\nname='A'\ntrigger='t'\nperiod={unit='calendar_days',count=1}\nsource='s'\n".repeat(2);
        assert!(
            Catalogue::parse(&dup)
                .unwrap_err()
                .to_string()
                .contains("twice")
        );
        let unknown_field = "[[rule]]\nid='a'\nname='A'\ntrigger='t'\nperiod={unit='fortnights',count=1}\nsource='s'\n";
        assert!(Catalogue::parse(unknown_field).is_err());
        let cat = Catalogue::shipped();
        assert!(matches!(
            cat.get("nope"),
            Err(DeadlineError::UnknownRule(..))
        ));
        let mr = cat.get("mandatory_reconsideration").expect("rule");
        assert!(compute(mr, d("1926-01-10"), &Calendar::new(Division::Scotland), &[]).is_err());
    }

    fn any_date() -> impl Strategy<Value = Date> {
        (1990i16..2090, 1i8..=12, 1i8..=31).prop_map(|(y, m, day)| {
            let first = Date::new(y, m, 1).expect("valid");
            Date::new(y, m, day.min(first.days_in_month())).expect("valid")
        })
    }

    proptest! {
        #[test]
        fn month_arithmetic_clamps_to_the_end_of_shorter_months(start in any_date(), months in 1u32..24) {
            let rule = Rule {
                id: "m".into(), name: "m".into(), trigger: "t".into(),
                period: Period { unit: Unit::CalendarMonths, count: months },
                trigger_day_counts: false, roll_forward: false, pause: None, source: "s".into(),
            };
            let due = compute(&rule, start, &Calendar::new(Division::EnglandAndWales), &[]).expect("ok").due;
            let first_of_target = start.first_of_month().checked_add(i64::from(months).months()).expect("ok");
            prop_assert_eq!(due.first_of_month(), first_of_target, "lands in the right month");
            prop_assert_eq!(due.day(), start.day().min(first_of_target.days_in_month()));
        }

        #[test]
        fn rolled_deadlines_land_on_working_days(start in any_date(), div in 0usize..3) {
            let cat = Catalogue::shipped();
            let cal = Calendar::new(Division::ALL[div]);
            for id in ["county_court_response", "immigration_appeal_in_country", "subject_access_request"] {
                let due = compute(cat.get(id).expect("rule"), start, &cal, &[]).expect("ok").due;
                prop_assert!(cal.is_working_day(due));
                prop_assert!(due > start);
            }
        }
    }
}
