//! Assessing a case against a policy (SPEC C2; AG14 PC7, PC8): answers
//! checked, scored and explained line by line.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::{Condition, CriterionKind, Policy, PolicyProblem, problem};

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
    let mut score: i32 = 0;
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
        // Saturating: points at the edge of the type must not wrap a score
        // round to the least urgent band (found by fuzzing).
        score = score.saturating_add(points);
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
