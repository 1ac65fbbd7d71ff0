//! Each demonstration case's history, planned before anything is written:
//! the days it happened on, counted back from today on the organisation's
//! calendar, and every act — notes, tasks, assessments, outcomes, holds —
//! paced to the case's priority band and to how it is to stand today.

use std::collections::{BTreeMap, HashMap};

use anyhow::Context;
use caseload_domain::calendars::{Calendar, Division};
use caseload_domain::ids::UserId;
use caseload_domain::notes::NoteKind;
use caseload_domain::priority::{Answer, CriterionKind, Facts, Policy, assess};
use caseload_domain::records::OutcomeStatus;
use caseload_domain::timescales::Timescales;
use caseload_store::*;
use caseload_web::Settings;
use jiff::civil::Date;
use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp, ToSpan};

use super::scripts::{REVIEW_NEED, SCRIPTS, Script, Step};
use super::{FIRST, LAST, LATE_REASONS, Rng, STREETS, TEAM_AREAS};

/// Dates and times of the demonstration, counted back from today on the
/// organisation's calendar and in its time zone (the server's defaults).
pub(super) struct Days {
    pub(super) calendar: Calendar,
    pub(super) tz: TimeZone,
    pub(super) now: Timestamp,
    pub(super) today: Date,
    /// The last working day on or before today: "0 working days ago".
    pub(super) anchor: Date,
}

impl Days {
    pub(super) fn new(now: Timestamp) -> Days {
        let tz = TimeZone::get(&Settings::default().time_zone).unwrap_or(TimeZone::UTC);
        let calendar = Calendar::new(Division::EnglandAndWales);
        let today = now.to_zoned(tz.clone()).date();
        let anchor = if calendar.is_working_day(today) {
            today
        } else {
            calendar.add_working_days(today, -1)
        };
        Days {
            calendar,
            tz,
            now,
            today,
            anchor,
        }
    }

    /// The working day `n` working days before the anchor.
    pub(super) fn back(&self, n: i32) -> Date {
        self.calendar.add_working_days(self.anchor, -n)
    }

    /// `minutes` after midnight on `day`, local time.
    pub(super) fn at(&self, day: Date, minutes: i64) -> anyhow::Result<Timestamp> {
        Ok(day
            .to_zoned(self.tz.clone())?
            .timestamp()
            .checked_add(SignedDuration::from_mins(minutes))?)
    }
}

/// A task a note leaves: its title, due date and whether a colleague does it.
#[derive(Debug, Clone)]
pub(super) struct TaskPlan {
    pub(super) title: &'static str,
    pub(super) due: Date,
    pub(super) colleague: bool,
}

#[derive(Debug, Clone)]
pub(super) struct NotePlan {
    pub(super) kind: NoteKind,
    pub(super) occurred: Timestamp,
    pub(super) situation: &'static str,
    pub(super) need: &'static str,
    pub(super) action: String,
    pub(super) result: &'static str,
    pub(super) late_reason: Option<&'static str>,
    pub(super) first: bool,
    /// A note that leaves a task first finishes the open ones: the work it
    /// records is what they asked for.
    pub(super) task: Option<TaskPlan>,
    /// The closing note finishes every open task.
    pub(super) finish_all: bool,
}

/// One thing that happens to a case, in order.
#[derive(Debug, Clone)]
pub(super) enum Act {
    Open,
    Note(Box<NotePlan>),
    Assess {
        answers: BTreeMap<String, Answer>,
        rule_tasks: bool,
    },
    Outcome {
        target: Date,
    },
    Progress(OutcomeStatus, &'static str),
    Obstacle,
    ResolveObstacle,
    Amend,
    Hold,
    Close,
}

/// How a case is to stand today.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Standing {
    OnTrack,
    /// The next action falls due within the warning margin.
    ActionAtRisk,
    /// The case review falls due within the warning margin.
    ReviewAtRisk,
    /// The next action is a day or two overdue.
    Breached,
}

/// What each practitioner's caseload may hold of the cases needing
/// attention, so that every queue looks like a well-run one.
#[derive(Debug, Default)]
pub(super) struct Allowance {
    pub(super) breached: u32,
    pub(super) action_at_risk: u32,
    pub(super) review_at_risk: u32,
    pub(super) overdue_task: u32,
    pub(super) reassessment_due: u32,
}

pub(super) struct Planned {
    pub(super) script: &'static Script,
    pub(super) owner: UserId,
    pub(super) colleague: UserId,
    pub(super) client: NewClient,
    pub(super) referral: bool,
    pub(super) policy: usize,
    pub(super) acts: Vec<(Timestamp, Act)>,
}

/// Answers to a policy's questions: yes/no questions no, choices their
/// first option and numbers their least, then the given `criterion=answer`s.
pub(super) fn answers(policy: &Policy, given: &[&str]) -> anyhow::Result<BTreeMap<String, Answer>> {
    let mut out = BTreeMap::new();
    for c in &policy.criteria {
        let answer = match &c.kind {
            CriterionKind::YesNo { .. } => Answer::YesNo(false),
            CriterionKind::Choice { options } => match options.first() {
                Some(o) => Answer::Choice(o.id.clone()),
                None => continue,
            },
            CriterionKind::Number { min, .. } => Answer::Number(*min),
            _ => continue,
        };
        out.insert(c.id.clone(), answer);
    }
    for g in given {
        let (id, value) = g
            .split_once('=')
            .with_context(|| format!("demo answer {g:?} is not criterion=answer"))?;
        let kind = &policy
            .criteria
            .iter()
            .find(|c| c.id == id)
            .with_context(|| format!("policy {} has no criterion {id}", policy.id))?
            .kind;
        let answer = match kind {
            CriterionKind::YesNo { .. } => Answer::YesNo(value == "yes"),
            CriterionKind::Number { .. } => Answer::Number(value.parse()?),
            _ => Answer::Choice(value.to_owned()),
        };
        out.insert(id.to_owned(), answer);
    }
    Ok(out)
}

pub(super) fn band_of(
    policy: &Policy,
    answers: &BTreeMap<String, Answer>,
) -> anyhow::Result<String> {
    Ok(assess(policy, answers, &Facts::default())
        .map_err(|e| anyhow::anyhow!("demo answers for {}: {e:?}", policy.id))?
        .band)
}

/// A number from `lo` to `hi` inclusive (`lo` when the range is empty).
pub(super) fn between(rng: &mut Rng, lo: i32, hi: i32) -> i32 {
    if hi <= lo {
        lo
    } else {
        lo + rng.below(u64::from((hi - lo + 1).unsigned_abs())) as i32
    }
}

/// Plan one case's life, from the first contact to where it stands today.
#[allow(clippy::too_many_arguments)]
pub(super) fn plan_case(
    rng: &mut Rng,
    days: &Days,
    timescales: &Timescales,
    policies: &[(PolicyVersion, Policy)],
    teams: &[Team; 2],
    practitioners: &[Vec<UserId>; 2],
    allowances: &mut HashMap<UserId, Allowance>,
    index: u64,
) -> anyhow::Result<Planned> {
    let team = (index % 2) as usize;
    let scripts: Vec<&'static Script> = SCRIPTS
        .iter()
        .filter(|s| TEAM_AREAS[team].contains(&s.area))
        .collect();
    // Each team's first case is an urgent one that came in today or
    // yesterday: every service has one or two.
    let urgent = index < 2;
    let script = if urgent {
        let emergencies: Vec<&'static Script> = scripts
            .iter()
            .copied()
            .filter(|s| s.emergency.is_some())
            .collect();
        *rng.pick(if emergencies.is_empty() {
            &scripts
        } else {
            &emergencies
        })
    } else {
        *rng.pick(&scripts)
    };
    let who = rng.below(practitioners[team].len() as u64) as usize;
    let owner = practitioners[team][who].clone();
    let colleague = practitioners[team][(who + 1 + rng.below(2) as usize) % 3].clone();

    // The client: of an age the matter fits.
    let age_years = between(rng, i32::from(script.ages.0), i32::from(script.ages.1));
    let date_of_birth = days
        .today
        .checked_sub(i64::from(age_years).years())?
        .checked_sub((rng.below(360) as i64).days())?;
    let client = NewClient {
        name: format!("{} {}", rng.pick(FIRST), rng.pick(LAST)),
        date_of_birth: Some(date_of_birth),
        phone: Some(format!("07700 9{:05}", rng.below(100_000))),
        email: None,
        address: Some(format!("{} {}", 1 + rng.below(120), rng.pick(STREETS))),
        team_id: teams[team].id.clone(),
        // Contact preferences and access needs are left for practitioners
        // to record: the demonstration shows them empty.
        contact: Default::default(),
        access_needs: Default::default(),
    };

    let area = script.area.as_str();
    let policy = policies
        .iter()
        .position(|(v, _)| v.service_areas.iter().any(|a| a == area))
        .or_else(|| policies.iter().position(|(v, _)| v.policy_id == "generic"))
        .context("no priority policy for the demonstration's areas")?;
    let rules = &policies[policy].1;
    let mut given: Vec<&str> = script.answers.to_vec();
    for (answer, percent) in script.sometimes {
        if rng.chance(*percent) {
            given.push(answer);
        }
    }
    let settled = answers(rules, &given)?;
    let emergency = match script.emergency {
        _ if urgent => Some(script.emergency.map_or("safeguarding=yes", |(a, _)| a)),
        Some((answer, percent)) if rng.chance(percent) => Some(answer),
        _ if rng.chance(2) => Some("safeguarding=yes"),
        _ => None,
    };
    let initial = match emergency {
        Some(e) => {
            let mut g = given.clone();
            g.push(e);
            answers(rules, &g)?
        }
        None => settled.clone(),
    };
    let settled_band = band_of(rules, &settled)?;
    let initial_band = band_of(rules, &initial)?;

    let roll = if urgent { 99 } else { rng.below(100) };
    let mut acts = Vec::new();
    let opening_minutes = 9 * 60 + rng.below(6 * 60) as i64;
    if roll < 5 {
        // A referral waiting for its first contact: in today or yesterday.
        let day = days.back(rng.below(2) as i32);
        acts.push((days.at(day, opening_minutes)?, Act::Open));
        return Ok(Planned {
            script,
            owner,
            colleague,
            client,
            referral: true,
            policy,
            acts,
        });
    }
    let closed = roll < 20;
    let on_hold = !closed && roll < 26;

    // The band's windows (working days): the next action's, and how long
    // it may run and stay on track.
    let windows = |band: &str| {
        let window = timescales.for_band(Some(band)).next_action_working_days;
        let margin = timescales.margin.days(window);
        (window as i32, margin as i32)
    };
    let emergency_days = if emergency.is_some() {
        2 + rng.below(2) as i32
    } else {
        0
    };
    let (window, margin) = windows(&settled_band);
    let on_track = (window - margin - 1).max(0);
    let (gap_min, gap_max) = ((on_track.max(1) / 3).max(1), on_track.max(1));

    let mut age = if closed {
        0
    } else if urgent {
        between(rng, 0, 1)
    } else {
        match settled_band.as_str() {
            "P1" => between(rng, 0, 5),
            "P2" => between(rng, 0, 35),
            "P3" => between(rng, 0, 65),
            _ => between(rng, 2, 85),
        }
    };
    let mut standing = Standing::OnTrack;
    // A clock due on the last working day is "due today" on that day, but
    // breached by the weekend: loaded on a day off, at risk stops a day
    // short of due.
    let late = i32::from(days.today != days.anchor);
    let review_window = timescales.review_interval_working_days as i32;
    let (end, closed_ago) = if closed {
        let ago = between(rng, 2, 40);
        age = ago + between(rng, 12, 60);
        (ago, Some(ago))
    } else if on_hold {
        let e = between(rng, 1, 6);
        // Any emergency was dealt with before the case went on hold.
        age = age.max(e + 1 + emergency_days);
        (e, None)
    } else {
        // Still in its first days of emergency: a P1's windows.
        let in_emergency = emergency.is_some() && age <= emergency_days;
        let (window, margin) = if in_emergency {
            windows(&initial_band)
        } else {
            (window, margin)
        };
        let on_track = (window - margin - 1).max(0);
        let allowance = allowances.entry(owner.clone()).or_default();
        let current = if in_emergency {
            initial_band.as_str()
        } else {
            settled_band.as_str()
        };
        if matches!(current, "P2" | "P3")
            && age >= window + 3
            && allowance.breached < 1
            && rng.chance(5)
        {
            standing = Standing::Breached;
            allowance.breached += 1;
        } else if age >= window
            && window - margin <= window - late
            && allowance.action_at_risk < 2
            && rng.chance(10)
        {
            standing = Standing::ActionAtRisk;
            allowance.action_at_risk += 1;
        } else if age >= 15 && allowance.review_at_risk < 1 && rng.chance(8) {
            standing = Standing::ReviewAtRisk;
            allowance.review_at_risk += 1;
        }
        let e = match standing {
            Standing::OnTrack | Standing::ReviewAtRisk => between(rng, 0, on_track.min(age)),
            Standing::ActionAtRisk => between(rng, window - margin, window - late),
            Standing::Breached => between(rng, window + 1, window + 2),
        };
        if !in_emergency && emergency.is_some() {
            // The emergency was dealt with (and the case reassessed) before
            // the latest work on it.
            age = age.max(e + emergency_days);
        }
        if standing != Standing::OnTrack && age >= 15 && age < e + 5 {
            // Old enough for reviews: the latest is no later than the
            // latest action, and some days after the case opened.
            age = e + 5 + between(rng, 0, 15);
        }
        (e, None)
    };

    // Case reviews, counted back from the latest: within the review
    // interval less its warning margin (on track), or inside the margin.
    let review_margin = timescales.margin.days(review_window.unsigned_abs()) as i32;
    let review_ok = review_window - review_margin - 1;
    let mut reviews = Vec::new();
    let last_review = match (standing, closed_ago) {
        (_, Some(ago)) => (age > ago + 15).then(|| between(rng, ago + 1, ago + 10)),
        _ if age <= review_ok => None,
        (Standing::OnTrack, _) if on_hold => {
            Some(between(rng, end, end.max(review_ok.min(age - 5))))
        }
        (Standing::OnTrack, _) => Some(between(rng, 0, review_ok.min(age - 5))),
        (Standing::ReviewAtRisk, _) if age <= review_window - late => None,
        (Standing::ReviewAtRisk, _) => Some(between(
            rng,
            review_ok + 1,
            (review_window - 2).min(age - 5),
        )),
        (Standing::ActionAtRisk | Standing::Breached, _) => {
            Some(between(rng, end, end.max(review_ok.min(age - 5))))
        }
    };
    if let Some(mut r) = last_review {
        while r <= age - 5 {
            reviews.push(r);
            r += between(rng, 12, 16);
        }
        reviews.reverse();
    }

    // The working days with a piece of work on them, oldest first: the
    // first contact on the day the case opened, then follow-ups at the
    // band's pace (daily through an emergency).
    let mut work = vec![age];
    let mut day = age;
    while day > end {
        let gap = if day > age - emergency_days {
            1
        } else {
            between(rng, gap_min, gap_max)
        };
        day = (day - gap).max(end);
        work.push(day);
    }

    // Which step each follow-up takes: the script's steps spread through
    // them in order, check-ins in between.
    let follow_ups = work.len() - 1 - usize::from(closed);
    let steps = script.steps.len();
    let mut which: Vec<Option<&'static Step>> = vec![None; follow_ups];
    if follow_ups > 0 {
        for k in 0..steps.min(follow_ups) {
            let at = if follow_ups <= steps {
                k
            } else {
                k * follow_ups / steps
            };
            which[at] = Some(&script.steps[k]);
        }
    }

    let opened_day = days.back(age);
    let opened = days.at(opened_day, opening_minutes)?;
    acts.push((opened, Act::Open));
    let allowance = allowances.entry(owner.clone()).or_default();
    let overdue =
        !closed && !on_hold && end >= 2 && allowance.overdue_task < 1 && rng.chance(8) && {
            allowance.overdue_task += 1;
            true
        };
    let skip_last_reassessment =
        !closed && reviews.len() >= 2 && allowance.reassessment_due < 1 && rng.chance(15) && {
            // Only if the assessment before it is over 28 days old.
            let before = reviews[reviews.len() - 2];
            let ok = days.back(before) < days.today.checked_sub(30.days())?;
            if ok {
                allowance.reassessment_due += 1;
            }
            ok
        };

    let obstacle = script.obstacle.is_some() && rng.chance(45);
    let resolve_at = (obstacle && work.len() > 3 && rng.chance(50))
        .then(|| between(rng, 3, work.len() as i32 - 1) as usize);
    let amend = script.correction.is_some() && rng.chance(25);
    let de_escalate = emergency.is_some() && age > emergency_days;
    let mut de_escalated = false;

    // The latest working day the client was in touch (notes other than
    // internal ones and reviews): a client the service has not heard from
    // for four weeks would rise in priority.
    let mut last_contact = age;
    for (n, &day_ago) in work.iter().enumerate() {
        let day = days.back(day_ago);
        let last = n == work.len() - 1;
        let (step, first) = if n == 0 {
            (rng.pick(script.opening), true)
        } else if closed && last {
            (&script.closing, false)
        } else {
            (
                which[n - 1].unwrap_or_else(|| rng.pick(script.check_ins)),
                false,
            )
        };
        // No note without the client in it may stretch the time since the
        // client was last in touch past three weeks or so.
        let next = work.get(n + 1).copied().unwrap_or(0);
        let mut kind = step.kind;
        if kind == NoteKind::Internal && last_contact - next > 12 {
            kind = NoteKind::Phone;
        }
        if kind != NoteKind::Internal {
            last_contact = day_ago;
        }
        let minutes = 9 * 60 + 30 + rng.below(7 * 60) as i64;
        let occurred = if first {
            opened.checked_add(SignedDuration::from_mins(5 + rng.below(35) as i64))?
        } else {
            days.at(day, minutes)?
        };
        // A few notes written up the next working day (more than the
        // 24-hour window later), with the reason.
        let late = !first && day_ago >= 2 && rng.chance(4);
        let recorded = if late {
            days.at(days.back(day_ago - 1), minutes + 60 + rng.below(120) as i64)?
        } else {
            occurred.checked_add(SignedDuration::from_mins(10 + rng.below(140) as i64))?
        };
        let task = if closed && last {
            None
        } else if last {
            // The case's next action: due in the coming days (or, on the
            // one case in a caseload that has slipped, a day or two ago).
            let (title, wd) = step.task.unwrap_or((script.follow_up, 5));
            let wd = if overdue {
                between(rng, 1, end - 1)
            } else {
                wd.max(end + 1 + between(rng, 0, 5))
            };
            Some((title, wd))
        } else {
            step.task
        };
        let task = task.map(|(title, wd)| TaskPlan {
            title,
            due: days.calendar.add_working_days(day, wd),
            colleague: !last && (title == "Mock interview session" || rng.chance(6)),
        });
        acts.push((
            recorded,
            Act::Note(Box::new(NotePlan {
                kind,
                occurred,
                situation: step.situation,
                need: script.need,
                action: step.action.to_owned(),
                result: step.result,
                late_reason: late.then(|| *rng.pick(LATE_REASONS)),
                first,
                task,
                finish_all: closed && last,
            })),
        ));
        let after = |mins: i64| recorded.checked_add(SignedDuration::from_mins(mins));
        if first {
            acts.push((
                after(5)?,
                Act::Assess {
                    answers: initial.clone(),
                    rule_tasks: true,
                },
            ));
            let target = match closed_ago {
                Some(ago) => days.back(ago).checked_add((rng.below(10) as i64).days())?,
                None => days.today.checked_add((10 + rng.below(50) as i64).days())?,
            };
            acts.push((after(10)?, Act::Outcome { target }));
            if obstacle {
                acts.push((after(12)?, Act::Obstacle));
            }
            if amend {
                acts.push((after(26 * 60)?, Act::Amend));
            }
        }
        if de_escalate && !de_escalated && !first && day_ago <= age - emergency_days {
            // The emergency is dealt with: reassessed without it.
            de_escalated = true;
            acts.push((
                after(5)?,
                Act::Assess {
                    answers: settled.clone(),
                    rule_tasks: false,
                },
            ));
        }
        if n == 2 {
            acts.push((
                after(8)?,
                Act::Progress(
                    OutcomeStatus::InProgress,
                    "Plan agreed with the client; the first steps are done.",
                ),
            ));
        }
        if Some(n) == resolve_at {
            acts.push((after(9)?, Act::ResolveObstacle));
        }
        if last && on_hold {
            acts.push((after(15)?, Act::Hold));
        }
        if last && closed {
            acts.push((
                after(5)?,
                Act::Progress(
                    OutcomeStatus::Achieved,
                    "Achieved: the client agrees the matter is resolved.",
                ),
            ));
            acts.push((after(10)?, Act::Close));
        }
    }

    // Reviews at the end of the day, each with a reassessment.
    let band_name = |band: &str| {
        policies[policy]
            .1
            .bands
            .iter()
            .find(|b| b.id == band)
            .map(|b| b.name.clone())
            .unwrap_or_default()
    };
    for (k, &day_ago) in reviews.iter().enumerate() {
        let day = days.back(day_ago);
        let occurred = days.at(day, 16 * 60 + rng.below(60) as i64)?;
        let recorded = occurred.checked_add(SignedDuration::from_mins(5 + rng.below(25) as i64))?;
        let band = &settled_band;
        let reassess = !(skip_last_reassessment && k == reviews.len() - 1);
        let action = if reassess {
            format!(
                "Read the file, the plan and the open tasks; reassessed the priority with the client's current circumstances: {band} {}.",
                band_name(band)
            )
        } else {
            "Read the file, the plan and the open tasks; the priority will be reassessed with the client at the next appointment.".to_owned()
        };
        acts.push((
            recorded,
            Act::Note(Box::new(NotePlan {
                kind: NoteKind::Review,
                occurred,
                situation: script.review,
                need: REVIEW_NEED,
                action,
                result: "Plan still fits; next steps and tasks are in date.",
                late_reason: None,
                first: false,
                task: None,
                finish_all: false,
            })),
        ));
        if reassess {
            acts.push((
                recorded.checked_add(SignedDuration::from_mins(2))?,
                Act::Assess {
                    answers: settled.clone(),
                    rule_tasks: false,
                },
            ));
        }
    }

    // In time order, and never after now (a case acted on "today" when the
    // demo loads early in the morning has its work just before now).
    acts.sort_by_key(|(at, _)| *at);
    let latest = days.now.checked_sub(SignedDuration::from_secs(60))?;
    for (at, act) in &mut acts {
        *at = (*at).min(latest);
        if let Act::Note(note) = act {
            note.occurred = note.occurred.min(*at);
        }
    }
    Ok(Planned {
        script,
        owner,
        colleague,
        client,
        referral: false,
        policy,
        acts,
    })
}
