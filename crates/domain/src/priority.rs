//! Priorities with a clear rationale (SPEC C2; AG14 PC7–PC12, PC15; K14–K16,
//! K19). An organisation's priority policy is data: criteria with points,
//! hard rules that set a minimum band, and bands with target timescales.
//! The engine scores a case's answers against a policy and explains the
//! result line by line — every criterion and rule that contributed, in
//! plain words. The same inputs always give the same result.
//!
//! The seed's "common mistakes" include prioritising on preference or
//! convenience instead of a structured risk- or need-based framework: this
//! is that framework, and the rationale is the evidence that it was used.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

/// The shipped default packs (editable copies: export, change, import).
pub const DEFAULT_PACKS: &[(&str, &str)] = &[
    ("generic", include_str!("../policies/generic.toml")),
    ("housing", include_str!("../policies/housing.toml")),
    ("debt", include_str!("../policies/debt.toml")),
    (
        "careers_neet",
        include_str!("../policies/careers_neet.toml"),
    ),
    (
        "domestic_abuse",
        include_str!("../policies/domestic_abuse.toml"),
    ),
];

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Band {
    /// `P1`, `P2`… Earlier bands in the file are more urgent. How fast each
    /// band is handled is the organisation's timescales (`timescales.toml`).
    pub id: String,
    pub name: String,
    /// A case scoring at least this (and below the band above) is in this band.
    pub min_score: i32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ChoiceOption {
    pub id: String,
    pub label: String,
    pub points: i32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NumberBand {
    pub from: i64,
    pub to: i64,
    pub points: i32,
}

/// What kind of answer a criterion takes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum CriterionKind {
    /// Points when the answer is yes.
    YesNo { points: i32 },
    /// Points for the chosen option.
    Choice { options: Vec<ChoiceOption> },
    /// Points by the band the number falls in.
    Number {
        min: i64,
        max: i64,
        bands: Vec<NumberBand>,
    },
    /// A fact Caseload works out itself: points when a deadline falls within
    /// `days` working days (fed by the timescales capability).
    DeadlineWithin { days: u32, points: i32 },
    /// A fact Caseload works out itself: points when the client has not been
    /// contacted for `days` days.
    NoContactFor { days: u32, points: i32 },
}

// No deny_unknown_fields here: serde cannot combine it with `flatten`; the
// flattened kind refuses unknown fields itself (a test checks).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Criterion {
    pub id: String,
    /// The question as the practitioner sees it.
    pub question: String,
    #[serde(flatten)]
    pub kind: CriterionKind,
}

/// When a hard rule fires.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(untagged, deny_unknown_fields)]
pub enum Condition {
    /// A yes/no criterion answered yes.
    Yes { yes: String },
    /// A choice criterion answered with one of these options.
    OneOf {
        criterion: String,
        one_of: Vec<String>,
    },
    /// A number criterion at least this.
    AtLeast { criterion: String, at_least: i64 },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct HardRule {
    /// e.g. `S1`.
    pub id: String,
    /// e.g. "Safeguarding concern".
    pub description: String,
    pub when: Condition,
    /// The band the case is raised to at least.
    pub band: String,
    /// A task to create when the rule fires, e.g. "Refer to MARAC".
    #[serde(default)]
    pub task: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Policy {
    pub id: String,
    pub name: String,
    /// The service areas this policy is for (see `cases::ServiceArea`).
    pub service_areas: Vec<String>,
    /// Reassess a case at least this often.
    pub review_interval_days: u32,
    #[serde(rename = "band")]
    pub bands: Vec<Band>,
    #[serde(rename = "criterion")]
    pub criteria: Vec<Criterion>,
    #[serde(rename = "rule", default)]
    pub rules: Vec<HardRule>,
}

/// One problem in a policy file, with where it is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PolicyProblem {
    /// e.g. `rule S1`, `criterion dash_score`, `band P2`, `line 4, column 1`.
    pub location: String,
    pub message: String,
}

impl std::fmt::Display for PolicyProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.location, self.message)
    }
}

fn problem(location: impl Into<String>, message: impl Into<String>) -> PolicyProblem {
    PolicyProblem {
        location: location.into(),
        message: message.into(),
    }
}

impl Policy {
    /// Parse a policy file and check it; every problem is reported with its place.
    pub fn parse(text: &str) -> Result<Policy, Vec<PolicyProblem>> {
        let policy: Policy = toml::from_str(text).map_err(|e| {
            let one = crate::deadlines::one_line(text, &e);
            vec![match one.split_once(": ") {
                Some((loc, msg)) if loc.starts_with("line ") => problem(loc, msg),
                _ => problem("file", one),
            }]
        })?;
        policy.validate()?;
        Ok(policy)
    }

    /// The policy as a readable TOML file.
    pub fn to_toml(&self) -> String {
        toml::to_string(self).unwrap_or_default()
    }

    /// Check the policy hangs together: known ids, bands that do not overlap,
    /// number bands that cover their range once, rules that can fire.
    pub fn validate(&self) -> Result<(), Vec<PolicyProblem>> {
        let mut problems = Vec::new();
        let id_ok =
            |id: &str| !id.is_empty() && id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_');
        if !id_ok(&self.id) {
            problems.push(problem(
                "policy",
                format!("id {:?} must be letters, digits and _", self.id),
            ));
        }
        for area in &self.service_areas {
            if crate::cases::ServiceArea::parse(area).is_none() {
                problems.push(problem(
                    "policy",
                    format!(
                        "service area {area:?} is not one of {}",
                        crate::cases::ServiceArea::expected()
                    ),
                ));
            }
        }
        if self.review_interval_days == 0 {
            problems.push(problem("policy", "review_interval_days must be at least 1"));
        }
        // Bands: unique ids, strictly decreasing thresholds, the last one 0 or less.
        if self.bands.is_empty() {
            problems.push(problem("bands", "a policy needs at least one band"));
        }
        let mut band_ids = BTreeSet::new();
        for (i, b) in self.bands.iter().enumerate() {
            if !band_ids.insert(b.id.as_str()) {
                problems.push(problem(
                    format!("band {}", b.id),
                    "this band id is used twice",
                ));
            }
            if let Some(prev) = i.checked_sub(1).map(|j| &self.bands[j])
                && b.min_score >= prev.min_score
            {
                problems.push(problem(
                    format!("band {}", b.id),
                    format!("overlaps band {}: min_score {} must be below {} (list bands from most to least urgent)", prev.id, b.min_score, prev.min_score),
                ));
            }
        }
        if let Some(last) = self.bands.last()
            && last.min_score > 0
        {
            problems.push(problem(
                format!("band {}", last.id),
                "the least urgent band must start at 0 or below, so every score has a band",
            ));
        }
        // Criteria.
        let mut criteria: BTreeMap<&str, &Criterion> = BTreeMap::new();
        for c in &self.criteria {
            let loc = format!("criterion {}", c.id);
            if !id_ok(&c.id) {
                problems.push(problem(&loc, "ids are letters, digits and _"));
            }
            if criteria.insert(c.id.as_str(), c).is_some() {
                problems.push(problem(&loc, "this criterion id is used twice"));
            }
            match &c.kind {
                CriterionKind::Choice { options } => {
                    let mut seen = BTreeSet::new();
                    if options.len() < 2 {
                        problems.push(problem(&loc, "a choice needs at least two options"));
                    }
                    for o in options {
                        if !seen.insert(o.id.as_str()) {
                            problems
                                .push(problem(&loc, format!("option {:?} is listed twice", o.id)));
                        }
                    }
                }
                CriterionKind::Number { min, max, bands } => {
                    if min > max {
                        problems.push(problem(&loc, format!("min {min} is above max {max}")));
                    }
                    let mut sorted: Vec<&NumberBand> = bands.iter().collect();
                    sorted.sort_by_key(|b| b.from);
                    let mut next = *min;
                    for b in sorted {
                        if b.from > b.to {
                            problems.push(problem(
                                &loc,
                                format!("the band {}–{} runs backwards", b.from, b.to),
                            ));
                        } else if b.from < next {
                            problems
                                .push(problem(&loc, format!("the bands overlap at {}", b.from)));
                        } else if b.from > next {
                            problems.push(problem(
                                &loc,
                                format!("values {next}–{} fall in no band", b.from - 1),
                            ));
                        }
                        next = next.max(b.to.saturating_add(1));
                    }
                    if next <= *max {
                        problems.push(problem(
                            &loc,
                            format!("values {next}–{max} fall in no band"),
                        ));
                    }
                }
                CriterionKind::DeadlineWithin { days, .. }
                | CriterionKind::NoContactFor { days, .. } => {
                    if *days == 0 {
                        problems.push(problem(&loc, "days must be at least 1"));
                    }
                }
                CriterionKind::YesNo { .. } => {}
            }
        }
        // Rules: known criteria of the right kind, conditions that can be met, known bands.
        let mut rule_ids = BTreeSet::new();
        for r in &self.rules {
            let loc = format!("rule {}", r.id);
            if !rule_ids.insert(r.id.as_str()) {
                problems.push(problem(&loc, "this rule id is used twice"));
            }
            if !band_ids.contains(r.band.as_str()) {
                problems.push(problem(&loc, format!("band {:?} is not defined", r.band)));
            }
            let (cid, need) = match &r.when {
                Condition::Yes { yes } => (yes, "yes_no"),
                Condition::OneOf { criterion, .. } => (criterion, "choice"),
                Condition::AtLeast { criterion, .. } => (criterion, "number"),
            };
            let Some(c) = criteria.get(cid.as_str()) else {
                problems.push(problem(&loc, format!("criterion {cid:?} is not defined")));
                continue;
            };
            match (&r.when, &c.kind) {
                (Condition::Yes { .. }, CriterionKind::YesNo { .. }) => {}
                (Condition::OneOf { one_of, .. }, CriterionKind::Choice { options }) => {
                    for o in one_of {
                        if !options.iter().any(|x| &x.id == o) {
                            problems.push(problem(&loc, format!("option {o:?} is not an option of {cid}, so the rule can never fire")));
                        }
                    }
                    if one_of.is_empty() {
                        problems.push(problem(&loc, "one_of is empty, so the rule can never fire"));
                    }
                }
                (Condition::AtLeast { at_least, .. }, CriterionKind::Number { max, .. }) => {
                    if at_least > max {
                        problems.push(problem(&loc, format!("{cid} is at most {max}, so \"at least {at_least}\" can never happen")));
                    }
                }
                _ => problems.push(problem(&loc, format!("{cid} is not a {need} criterion"))),
            }
        }
        if problems.is_empty() {
            Ok(())
        } else {
            Err(problems)
        }
    }

    /// High priority: the two most urgent bands (P1 and P2 by default) —
    /// the ones the team's supervisors are told about (AG14 PC11, PC12).
    pub fn is_high(&self, band: &str) -> bool {
        self.bands.iter().take(2).any(|b| b.id == band)
    }

    /// Does a move from `previous` to `band` bring the case into high priority?
    pub fn enters_high(&self, previous: Option<&str>, band: &str) -> bool {
        self.is_high(band) && !previous.is_some_and(|p| self.is_high(p))
    }

    fn band_index(&self, id: &str) -> usize {
        self.bands
            .iter()
            .position(|b| b.id == id)
            .unwrap_or(self.bands.len().saturating_sub(1))
    }
}

/// An answer to one criterion.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Answer {
    YesNo(bool),
    Number(i64),
    Choice(String),
}

/// Facts Caseload works out for itself (the timescales capability feeds these).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Facts {
    /// Working days until the nearest open deadline, if there is one.
    pub working_days_to_nearest_deadline: Option<i64>,
    /// Days since the last contact with the client, if there has been one.
    pub days_since_contact: Option<i64>,
}

/// One line of the rationale.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reason {
    /// `criterion`, `rule` or `band`.
    pub source: String,
    pub id: String,
    pub points: i32,
    /// Plain words: "Safeguarding concern: yes → P1 (rule S1)".
    pub words: String,
}

/// The engine's verdict.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Verdict {
    pub score: i32,
    /// The band's id, e.g. `P1`.
    pub band: String,
    pub band_name: String,
    /// Every criterion and rule that contributed, then how the band was set.
    pub rationale: Vec<Reason>,
    /// Tasks the fired rules ask for, e.g. "Refer to MARAC".
    pub tasks: Vec<String>,
    /// The rules that fired (a band set by a rule can only be lowered by a supervisor).
    pub fired_rules: Vec<String>,
    /// The most urgent band a fired hard rule set, if any: the floor only a
    /// supervisor may override below.
    pub floor: Option<String>,
}

/// Answers checked against the policy: unknown criteria, wrong types and
/// out-of-range numbers are refused, each with its criterion.
pub fn check_answers(
    policy: &Policy,
    answers: &BTreeMap<String, Answer>,
) -> Result<(), Vec<PolicyProblem>> {
    let mut problems = Vec::new();
    for (id, answer) in answers {
        let Some(c) = policy.criteria.iter().find(|c| &c.id == id) else {
            problems.push(problem(
                format!("answers.{id}"),
                "is not a criterion of this policy",
            ));
            continue;
        };
        match (&c.kind, answer) {
            (CriterionKind::YesNo { .. }, Answer::YesNo(_)) => {}
            (CriterionKind::Choice { options }, Answer::Choice(o)) => {
                if !options.iter().any(|x| &x.id == o) {
                    let ids: Vec<&str> = options.iter().map(|x| x.id.as_str()).collect();
                    problems.push(problem(
                        format!("answers.{id}"),
                        format!("must be one of {}", ids.join(", ")),
                    ));
                }
            }
            (CriterionKind::Number { min, max, .. }, Answer::Number(n)) => {
                if n < min || n > max {
                    problems.push(problem(
                        format!("answers.{id}"),
                        format!("must be from {min} to {max}"),
                    ));
                }
            }
            (CriterionKind::DeadlineWithin { .. } | CriterionKind::NoContactFor { .. }, _) => {
                problems.push(problem(
                    format!("answers.{id}"),
                    "is worked out by Caseload, not answered",
                ));
            }
            (CriterionKind::YesNo { .. }, _) => {
                problems.push(problem(format!("answers.{id}"), "must be true or false"))
            }
            (CriterionKind::Choice { .. }, _) => problems.push(problem(
                format!("answers.{id}"),
                "must be one of the options (a string)",
            )),
            (CriterionKind::Number { .. }, _) => {
                problems.push(problem(format!("answers.{id}"), "must be a whole number"))
            }
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(problems)
    }
}

fn signed(points: i32) -> String {
    if points >= 0 {
        format!("+{points}")
    } else {
        points.to_string()
    }
}

/// Score answers against a policy and explain the result.
pub fn assess(
    policy: &Policy,
    answers: &BTreeMap<String, Answer>,
    facts: &Facts,
) -> Result<Verdict, Vec<PolicyProblem>> {
    check_answers(policy, answers)?;
    let mut score = 0;
    let mut rationale = Vec::new();
    for c in &policy.criteria {
        let (points, words) = match (&c.kind, answers.get(&c.id)) {
            (CriterionKind::YesNo { points }, Some(Answer::YesNo(true))) => {
                (*points, format!("{}: yes", c.question))
            }
            (CriterionKind::Choice { options }, Some(Answer::Choice(o))) => {
                match options.iter().find(|x| &x.id == o) {
                    Some(opt) => (opt.points, format!("{}: {}", c.question, opt.label)),
                    None => continue,
                }
            }
            (CriterionKind::Number { bands, .. }, Some(Answer::Number(n))) => {
                let points = bands
                    .iter()
                    .find(|b| b.from <= *n && *n <= b.to)
                    .map(|b| b.points)
                    .unwrap_or(0);
                (points, format!("{}: {n}", c.question))
            }
            (CriterionKind::DeadlineWithin { days, points }, _) => {
                match facts.working_days_to_nearest_deadline {
                    Some(d) if d <= i64::from(*days) => (
                        *points,
                        format!(
                            "{} (a deadline is {d} working day{} away)",
                            c.question,
                            if d == 1 { "" } else { "s" }
                        ),
                    ),
                    _ => continue,
                }
            }
            (CriterionKind::NoContactFor { days, points }, _) => match facts.days_since_contact {
                Some(d) if d >= i64::from(*days) => {
                    (*points, format!("{} (no contact for {d} days)", c.question))
                }
                _ => continue,
            },
            _ => continue,
        };
        if points == 0 {
            continue;
        }
        score += points;
        rationale.push(Reason {
            source: "criterion".into(),
            id: c.id.clone(),
            points,
            words: format!("{words} ({})", signed(points)),
        });
    }
    let by_score = policy
        .bands
        .iter()
        .position(|b| score >= b.min_score)
        .unwrap_or(policy.bands.len().saturating_sub(1));
    let mut band = by_score;
    let mut tasks = Vec::new();
    let mut fired = Vec::new();
    for r in &policy.rules {
        let (fires, said) = match &r.when {
            Condition::Yes { yes } => (
                answers.get(yes) == Some(&Answer::YesNo(true)),
                "yes".to_owned(),
            ),
            Condition::OneOf { criterion, one_of } => match answers.get(criterion) {
                Some(Answer::Choice(o)) if one_of.contains(o) => (true, o.clone()),
                _ => (false, String::new()),
            },
            Condition::AtLeast {
                criterion,
                at_least,
            } => match answers.get(criterion) {
                Some(Answer::Number(n)) if n >= at_least => {
                    (true, format!("{n} (at least {at_least})"))
                }
                _ => (false, String::new()),
            },
        };
        if !fires {
            continue;
        }
        let idx = policy.band_index(&r.band);
        band = band.min(idx);
        fired.push(r.id.clone());
        let mut words = format!("{}: {said} → {} (rule {})", r.description, r.band, r.id);
        if let Some(t) = &r.task {
            words.push_str(&format!("; task: {t}"));
            tasks.push(t.clone());
        }
        rationale.push(Reason {
            source: "rule".into(),
            id: r.id.clone(),
            points: 0,
            words,
        });
    }
    let chosen = &policy.bands[band];
    let floor = policy
        .rules
        .iter()
        .filter(|r| fired.contains(&r.id))
        .map(|r| r.band.clone())
        .min_by_key(|b| policy.band_index(b));
    let from_score = &policy.bands[by_score];
    let words = if band == by_score {
        format!(
            "Score {score} → {} {} ({} or more)",
            chosen.id, chosen.name, from_score.min_score
        )
    } else {
        format!(
            "Score {score} would be {} {}; a hard rule raises it to {} {}",
            from_score.id, from_score.name, chosen.id, chosen.name
        )
    };
    rationale.push(Reason {
        source: "band".into(),
        id: chosen.id.clone(),
        points: score,
        words,
    });
    Ok(Verdict {
        score,
        band: chosen.id.clone(),
        band_name: chosen.name.clone(),
        rationale,
        tasks,
        fired_rules: fired,
        floor,
    })
}

#[cfg(test)]
mod tests {
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
}
