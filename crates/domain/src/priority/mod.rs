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

mod assess;
mod reevaluation;

pub use assess::{Answer, Facts, Reason, Verdict, assess, check_answers};
pub use reevaluation::{Rescored, facts, rescore};

/// The shipped default packs (editable copies: export, change, import).
pub const DEFAULT_PACKS: &[(&str, &str)] = &[
    ("generic", include_str!("../../policies/generic.toml")),
    ("housing", include_str!("../../policies/housing.toml")),
    ("debt", include_str!("../../policies/debt.toml")),
    (
        "careers_neet",
        include_str!("../../policies/careers_neet.toml"),
    ),
    (
        "domestic_abuse",
        include_str!("../../policies/domestic_abuse.toml"),
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

/// A policy's (or the timescales') problems as field errors: each
/// problem's location is its field.
impl From<Vec<PolicyProblem>> for crate::text::FieldErrors {
    fn from(problems: Vec<PolicyProblem>) -> Self {
        crate::text::FieldErrors(
            problems
                .into_iter()
                .map(|p| crate::text::FieldError::new(p.location, p.message))
                .collect(),
        )
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
            // The timescales file names bands by these ids (`[band.P1]`).
            if !id_ok(&b.id) {
                problems.push(problem(
                    format!("band {}", b.id),
                    "band ids are letters, digits and _",
                ));
            }
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
                    // The first value not yet in a band: wider than i64, so
                    // a band reaching i64::MAX leaves nothing after it.
                    let mut next = i128::from(*min);
                    for b in sorted {
                        let (from, to) = (i128::from(b.from), i128::from(b.to));
                        if from > to {
                            problems.push(problem(
                                &loc,
                                format!("the band {}–{} runs backwards", b.from, b.to),
                            ));
                        } else if from < next {
                            problems
                                .push(problem(&loc, format!("the bands overlap at {}", b.from)));
                        } else if from > next {
                            problems.push(problem(
                                &loc,
                                format!("values {next}–{} fall in no band", from - 1),
                            ));
                        }
                        next = next.max(to + 1);
                    }
                    if next <= i128::from(*max) {
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

#[cfg(test)]
mod tests;
