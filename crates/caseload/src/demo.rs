//! Demonstration data that looks like a real, well-run service: two teams,
//! a supervisor and three practitioners in each, an administrator and an
//! auditor, and 160 clients each with a case in housing, debt, benefits or
//! careers. Every case follows its title's script (`scripts`): the client's
//! age fits the matter, and each note, task and outcome is about it.
//!
//! The cases are written as they would have happened, day by day, relative
//! to today on the organisation's working-day calendar: first contact on
//! the day a case opens, follow-ups at the pace its priority band's
//! timescales ask, a case review (with a reassessment) every three weeks or
//! so, and open tasks due in the coming days. Most cases are on track; each
//! practitioner has a few at risk, at most one breached, at most one
//! overdue task and at most one reassessment due. Each morning's
//! re-evaluation runs as the server's would, so alerts are sent when they
//! fell due; practitioners answer them by working on the case, and
//! supervisors clear their inbox each afternoon but for the last two
//! working days, which is what they find when the demo starts. Generated
//! from a fixed seed, so every load reads the same.

mod scripts;

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use anyhow::{Context, bail};
use caseload_domain::ManualClock;
use caseload_domain::calendars::{Calendar, Division};
use caseload_domain::cases::{CaseStatus, ClosureReason, ServiceArea, StatusChange};
use caseload_domain::ids::{CaseId, NoteId, ObstacleId, OutcomeId, UserId};
use caseload_domain::notes::{DEFAULT_LATE_WINDOW, NoteKind, Section, check_timing};
use caseload_domain::priority::{Answer, CriterionKind, Facts, Policy, assess};
use caseload_domain::records::{OutcomeStatus, TaskStatus};
use caseload_domain::text::Email;
use caseload_domain::timescales::Timescales;
use caseload_domain::users::Role;
use caseload_store::prelude::*;
use caseload_store::*;
use caseload_web::{AppState, Settings};
use jiff::civil::Date;
use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp, ToSpan};

use scripts::{REVIEW_NEED, SCRIPTS, Script, Step};

/// SplitMix64: small, fast, and the same on every machine.
pub(crate) struct Rng(pub(crate) u64);

impl Rng {
    pub(crate) fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    pub(crate) fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
    pub(crate) fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len() as u64) as usize]
    }
    pub(crate) fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }
}

pub(crate) const FIRST: &[&str] = &[
    "Amara",
    "Siobhán",
    "Tomasz",
    "Fatima",
    "Kwame",
    "Zoë",
    "Priya",
    "Liam",
    "Nguyễn",
    "Aisha",
    "Declan",
    "Mei",
    "Oluwaseun",
    "Grace",
    "Łukasz",
    "Hannah",
    "Yusuf",
    "Chloe",
    "Ravi",
    "Bethany",
    "Mohammed",
    "Eilidh",
    "Dariusz",
    "Keisha",
    "Sean",
    "Ana",
    "Imran",
    "Leah",
    "Kofi",
    "Niamh",
];
pub(crate) const LAST: &[&str] = &[
    "Okafor",
    "O'Brien",
    "Kowalski",
    "Hussain",
    "Mensah",
    "Clarke",
    "Patel",
    "Murphy",
    "Thi Lan",
    "Begum",
    "Gallagher",
    "Chen",
    "Adeyemi",
    "Williams",
    "Nowak",
    "Evans",
    "Ali",
    "Robinson",
    "Sharma",
    "Hughes",
    "Rahman",
    "MacLeod",
    "Wiśniewski",
    "Campbell",
    "Doyle",
    "Silva",
    "Khan",
    "Morgan",
    "Asante",
    "Byrne",
];
pub(crate) const STREETS: &[&str] = &[
    "High Street",
    "Station Road",
    "Church Lane",
    "Victoria Road",
    "Mill Street",
    "Park Avenue",
];

pub(crate) const LATE_REASONS: &[&str] = &[
    "Outreach session with no computer access; notes written up from paper the next working day.",
    "Emergency case took the rest of the afternoon.",
    "System unavailable at the time of the appointment.",
    "Home visit ran late and the office was closed on return.",
];

fn ctx(user: &UserId, at: Timestamp) -> WriteCtx {
    WriteCtx {
        actor: user.clone(),
        at,
        request_id: "demo".into(),
    }
}

fn email(local: &str) -> anyhow::Result<Email> {
    Email::parse("email", &format!("{local}@demo.caseload.invalid"))
        .map_err(|e| anyhow::anyhow!("{}", e.message))
}

const PEOPLE: &[(&str, &str, Role, usize)] = &[
    ("sam.supervisor", "Sam Okonjo", Role::Supervisor, 0),
    ("amara.adviser", "Amara Bello", Role::Practitioner, 0),
    ("rhys.adviser", "Rhys Morgan", Role::Practitioner, 0),
    ("jo.adviser", "Jo Fitzgerald", Role::Practitioner, 0),
    ("kate.supervisor", "Kate Lindqvist", Role::Supervisor, 1),
    ("dev.adviser", "Dev Chauhan", Role::Practitioner, 1),
    ("maya.adviser", "Maya Rosen", Role::Practitioner, 1),
    ("tom.adviser", "Tom Achterberg", Role::Practitioner, 1),
    ("alex.admin", "Alex Admin", Role::Admin, 0),
    ("olu.auditor", "Olu Adebayo", Role::Auditor, 0),
];

/// The service areas each team works.
const TEAM_AREAS: [[ServiceArea; 2]; 2] = [
    [ServiceArea::Housing, ServiceArea::Debt],
    [ServiceArea::Benefits, ServiceArea::Careers],
];

const TEAMS: [&str; 2] = ["Housing and Debt", "Benefits and Careers"];

/// How many clients (each with one case) the demonstration holds.
const CASES: u64 = 160;

/// Load the demonstration data (or, if it is already there, issue fresh
/// sign-in tokens) and print how to sign in.
pub async fn load(store: &Arc<dyn Store>, database: &str, listen: &str) -> anyhow::Result<()> {
    let first = email(PEOPLE[0].0)?;
    if store.find_user_by_email(first.as_str()).await?.is_some() {
        eprintln!(
            "caseload: the demonstration data is already in {database}; issuing fresh tokens"
        );
    } else {
        if store.count_users().await? > 0 {
            bail!(
                "{database} already holds users that are not demonstration data; load the demo into a new database, e.g. --database sqlite:demo.db"
            );
        }
        generate(store, Timestamp::now())
            .await
            .context("loading demonstration data")?;
    }
    print_sign_in(store.as_ref(), listen).await
}

/// Dates and times of the demonstration, counted back from today on the
/// organisation's calendar and in its time zone (the server's defaults).
struct Days {
    calendar: Calendar,
    tz: TimeZone,
    now: Timestamp,
    today: Date,
    /// The last working day on or before today: "0 working days ago".
    anchor: Date,
}

impl Days {
    fn new(now: Timestamp) -> Days {
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
    fn back(&self, n: i32) -> Date {
        self.calendar.add_working_days(self.anchor, -n)
    }

    /// `minutes` after midnight on `day`, local time.
    fn at(&self, day: Date, minutes: i64) -> anyhow::Result<Timestamp> {
        Ok(day
            .to_zoned(self.tz.clone())?
            .timestamp()
            .checked_add(SignedDuration::from_mins(minutes))?)
    }
}

/// A task a note leaves: its title, due date and whether a colleague does it.
#[derive(Debug, Clone)]
struct TaskPlan {
    title: &'static str,
    due: Date,
    colleague: bool,
}

#[derive(Debug, Clone)]
struct NotePlan {
    kind: NoteKind,
    occurred: Timestamp,
    situation: &'static str,
    need: &'static str,
    action: String,
    result: &'static str,
    late_reason: Option<&'static str>,
    first: bool,
    /// A note that leaves a task first finishes the open ones: the work it
    /// records is what they asked for.
    task: Option<TaskPlan>,
    /// The closing note finishes every open task.
    finish_all: bool,
}

/// One thing that happens to a case, in order.
#[derive(Debug, Clone)]
enum Act {
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
enum Standing {
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
struct Allowance {
    breached: u32,
    action_at_risk: u32,
    review_at_risk: u32,
    overdue_task: u32,
    reassessment_due: u32,
}

struct Planned {
    script: &'static Script,
    owner: UserId,
    colleague: UserId,
    client: NewClient,
    referral: bool,
    policy: usize,
    acts: Vec<(Timestamp, Act)>,
}

/// Answers to a policy's questions: yes/no questions no, choices their
/// first option and numbers their least, then the given `criterion=answer`s.
fn answers(policy: &Policy, given: &[&str]) -> anyhow::Result<BTreeMap<String, Answer>> {
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

fn band_of(policy: &Policy, answers: &BTreeMap<String, Answer>) -> anyhow::Result<String> {
    Ok(assess(policy, answers, &Facts::default())
        .map_err(|e| anyhow::anyhow!("demo answers for {}: {e:?}", policy.id))?
        .band)
}

/// A number from `lo` to `hi` inclusive (`lo` when the range is empty).
fn between(rng: &mut Rng, lo: i32, hi: i32) -> i32 {
    if hi <= lo {
        lo
    } else {
        lo + rng.below(u64::from((hi - lo + 1).unsigned_abs())) as i32
    }
}

/// Plan one case's life, from the first contact to where it stands today.
#[allow(clippy::too_many_arguments)]
fn plan_case(
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

/// A case as it is being written.
#[derive(Default)]
struct Live {
    case: Option<Case>,
    band: Option<String>,
    outcome: Option<OutcomeId>,
    obstacle: Option<ObstacleId>,
    first_note: Option<NoteId>,
}

/// Generate the demonstration as it would have happened: each case's work
/// written on its day, and the hourly re-evaluation's alerts sent as they
/// fell due (each morning), so that inboxes hold notifications at the
/// times they were sent. Practitioners acknowledge an alert when they next
/// work on its case; supervisors clear their inbox each working afternoon
/// but for the last two working days.
async fn generate(store: &Arc<dyn Store>, now: Timestamp) -> anyhow::Result<()> {
    let mut rng = Rng(0x0CA5_E10A_D000_0001);
    let days = Days::new(now);
    let timescales = match store.latest_timescales().await? {
        Some(v) => Timescales::parse(&v.body)
            .map_err(|e| anyhow::anyhow!("the stored timescales do not parse: {e:?}"))?,
        None => Timescales::shipped(),
    };
    let policies = load_policies(store.as_ref()).await?;

    // The organisation was set up before its oldest case.
    let setup = days.at(days.back(130), 8 * 60)?;
    let teams = [
        store.create_team(TEAMS[0], setup).await?,
        store.create_team(TEAMS[1], setup).await?,
    ];
    let mut users = Vec::new();
    for (local, name, role, team) in PEOPLE {
        let team_id = role.works_cases().then(|| teams[*team].id.clone());
        let user = store
            .create_user(
                &NewUser {
                    email: email(local)?,
                    name: (*name).into(),
                    role: *role,
                    team_id,
                },
                setup,
            )
            .await?;
        users.push(user);
    }
    let with_role = |role: Role, team: usize| -> Vec<UserId> {
        users
            .iter()
            .filter(|u| u.role == role && u.team_id.as_ref() == Some(&teams[team].id))
            .map(|u| u.id.clone())
            .collect()
    };
    let practitioners = [
        with_role(Role::Practitioner, 0),
        with_role(Role::Practitioner, 1),
    ];
    let supervisors: Vec<UserId> = [0, 1]
        .into_iter()
        .flat_map(|t| with_role(Role::Supervisor, t))
        .collect();

    let mut allowances = HashMap::new();
    let mut plans = Vec::new();
    for index in 0..CASES {
        plans.push(plan_case(
            &mut rng,
            &days,
            &timescales,
            &policies,
            &teams,
            &practitioners,
            &mut allowances,
            index,
        )?);
    }

    // Everything in time order; within a case, in its own order.
    let mut order: Vec<(Timestamp, usize, usize)> = plans
        .iter()
        .enumerate()
        .flat_map(|(c, p)| {
            p.acts
                .iter()
                .enumerate()
                .map(move |(a, (at, _))| (*at, c, a))
        })
        .collect();
    order.sort();

    let clock = Arc::new(ManualClock::new(setup));
    let state = AppState::new(store.clone(), clock.clone(), Settings::default());
    let mut live: Vec<Live> = plans.iter().map(|_| Live::default()).collect();
    // Practitioners' unacknowledged alerts, read after each re-evaluation.
    let mut pending: HashMap<UserId, Vec<Notification>> = HashMap::new();
    let sweep_until = days.back(2);
    let mut next = 0;
    let mut day = order
        .first()
        .map(|(at, _, _)| at.to_zoned(days.tz.clone()).date())
        .unwrap_or(days.today);
    while day <= days.today {
        let morning = days.at(day, 7 * 60 + 30)?;
        let afternoon = days.at(day, 16 * 60 + 45)?;
        let midnight = days.at(day.tomorrow()?, 0)?;
        for (until, then) in [(morning, 0), (afternoon, 1), (midnight, 2)] {
            while let Some(&(at, c, a)) = order.get(next)
                && at < until
            {
                apply(
                    store.as_ref(),
                    &plans[c],
                    &plans[c].acts[a].1,
                    at,
                    &policies,
                    &mut live[c],
                    &mut pending,
                )
                .await
                .with_context(|| format!("case {c}: {:?}", plans[c].script.title))?;
                next += 1;
            }
            if until > days.now {
                continue;
            }
            if then == 0 {
                clock.set(morning);
                caseload_web::reevaluation::everything(&state)
                    .await
                    .map_err(|e| anyhow::anyhow!("re-evaluation: {}", e.problem().detail))?;
                for user in practitioners.iter().flatten() {
                    pending.insert(user.clone(), store.notifications(user, false).await?);
                }
            } else if then == 1 && day <= sweep_until && days.calendar.is_working_day(day) {
                for user in &supervisors {
                    for n in store.notifications(user, false).await? {
                        if n.created_at < afternoon {
                            store
                                .acknowledge_notification(&n.id, user, afternoon)
                                .await?;
                        }
                    }
                }
            }
        }
        day = day.tomorrow()?;
    }
    for &(at, c, a) in &order[next..] {
        apply(
            store.as_ref(),
            &plans[c],
            &plans[c].acts[a].1,
            at,
            &policies,
            &mut live[c],
            &mut pending,
        )
        .await?;
    }
    Ok(())
}

/// Write one act of a case's plan at its time.
async fn apply(
    store: &dyn Store,
    plan: &Planned,
    act: &Act,
    at: Timestamp,
    policies: &[(PolicyVersion, Policy)],
    live: &mut Live,
    pending: &mut HashMap<UserId, Vec<Notification>>,
) -> anyhow::Result<()> {
    let owner = &plan.owner;
    let case_id = || -> anyhow::Result<CaseId> {
        Ok(live
            .case
            .as_ref()
            .context("a case's work planned before it opened")?
            .id
            .clone())
    };
    match act {
        Act::Open => {
            let client = store.create_client(&plan.client, &ctx(owner, at)).await?;
            let case = store
                .create_case(
                    &NewCase {
                        client_id: client.id.clone(),
                        title: plan.script.title.into(),
                        service_area: plan.script.area,
                        complexity: plan.script.complexity,
                        owner_id: owner.clone(),
                        team_id: plan.client.team_id.clone(),
                        status: if plan.referral {
                            CaseStatus::Referral
                        } else {
                            CaseStatus::Open
                        },
                    },
                    &ctx(owner, at),
                )
                .await?;
            live.case = Some(case);
        }
        Act::Note(note) => {
            let case = case_id()?;
            let timing = check_timing(note.occurred, at, DEFAULT_LATE_WINDOW, note.late_reason)
                .map_err(|e| anyhow::anyhow!("{e}"))?;
            let section = |name: &str, text: &str| Section {
                name: name.into(),
                text: text.into(),
            };
            let written = store
                .add_note(
                    &NewNote {
                        case_id: case.clone(),
                        kind: note.kind,
                        template: "star".into(),
                        occurred_at: note.occurred,
                        late_entry: timing.late_entry,
                        late_reason: timing.late_reason,
                        sections: vec![
                            section("situation", note.situation),
                            section("task", note.need),
                            section("action", &note.action),
                            section("result", note.result),
                        ],
                        submission_key: None,
                    },
                    &ctx(owner, at),
                )
                .await?;
            if note.first {
                live.first_note = Some(written.id.clone());
            }
            if note.task.is_some() || note.finish_all {
                for task in store.list_tasks(&case).await? {
                    if task.status == TaskStatus::Open {
                        let by = task.assignee_id.as_ref().unwrap_or(owner);
                        store
                            .set_task_status(
                                &task.id,
                                TaskStatus::Open,
                                TaskStatus::Done,
                                &ctx(by, at),
                            )
                            .await?;
                    }
                }
            }
            if let Some(task) = &note.task {
                store
                    .add_task(
                        &NewTask {
                            case_id: case.clone(),
                            title: task.title.into(),
                            due_date: Some(task.due),
                            assignee_id: Some(if task.colleague {
                                plan.colleague.clone()
                            } else {
                                owner.clone()
                            }),
                        },
                        &ctx(owner, at),
                    )
                    .await?;
            }
            // Working on the case answers the alerts about it.
            if let Some(list) = pending.get_mut(owner) {
                let mut kept = Vec::new();
                for n in list.drain(..) {
                    if n.case_id.as_ref() == Some(&case) && n.created_at < at {
                        store.acknowledge_notification(&n.id, owner, at).await?;
                    } else {
                        kept.push(n);
                    }
                }
                *list = kept;
            }
        }
        Act::Assess {
            answers,
            rule_tasks,
        } => {
            let case = live.case.as_ref().context("assessed before it opened")?;
            let (version, policy) = &policies[plan.policy];
            let verdict = assess(policy, answers, &Facts::default())
                .map_err(|e| anyhow::anyhow!("demo answers: {e:?}"))?;
            let high = policy.enters_high(live.band.as_deref(), &verdict.band);
            store
                .record_assessment(
                    &NewAssessment {
                        case_id: case.id.clone(),
                        policy_id: version.policy_id.clone(),
                        policy_version: version.version,
                        answers: serde_json::to_value(answers)?,
                        score: i64::from(verdict.score),
                        band: verdict.band.clone(),
                        rationale: serde_json::to_value(&verdict.rationale)?,
                        summary: verdict
                            .rationale
                            .iter()
                            .map(|r| r.words.clone())
                            .collect::<Vec<_>>()
                            .join("; "),
                        floor: verdict.floor.clone(),
                        tasks: if *rule_tasks {
                            verdict.tasks.clone()
                        } else {
                            Vec::new()
                        },
                        notify: high.then(|| {
                            format!(
                                "{} — {}: now {} {}",
                                case.client_name, case.title, verdict.band, verdict.band_name
                            )
                        }),
                    },
                    &ctx(owner, at),
                )
                .await?;
            live.band = Some(verdict.band);
        }
        Act::Outcome { target } => {
            let outcome = store
                .add_outcome(
                    &NewOutcome {
                        case_id: case_id()?,
                        description: plan.script.outcome.into(),
                        target_date: Some(*target),
                    },
                    &ctx(owner, at),
                )
                .await?;
            live.outcome = Some(outcome.id);
        }
        Act::Progress(status, text) => {
            if let Some(outcome) = &live.outcome {
                store
                    .add_outcome_progress(
                        &NewProgress {
                            outcome_id: outcome.clone(),
                            status: *status,
                            text: (*text).into(),
                        },
                        &ctx(owner, at),
                    )
                    .await?;
            }
        }
        Act::Obstacle => {
            if let Some((category, description, _)) = plan.script.obstacle {
                let obstacle = store
                    .add_obstacle(
                        &NewObstacle {
                            case_id: case_id()?,
                            category,
                            description: description.into(),
                        },
                        &ctx(owner, at),
                    )
                    .await?;
                live.obstacle = Some(obstacle.id);
            }
        }
        Act::ResolveObstacle => {
            if let (Some(id), Some((_, _, resolution))) =
                (live.obstacle.take(), plan.script.obstacle)
            {
                store
                    .resolve_obstacle(&id, resolution, &ctx(owner, at))
                    .await?;
            }
        }
        Act::Amend => {
            if let (Some(note), Some((reason, text))) = (&live.first_note, plan.script.correction) {
                store
                    .add_amendment(
                        &NewAmendment {
                            note_id: note.clone(),
                            reason: reason.into(),
                            sections: vec![Section {
                                name: "situation".into(),
                                text: text.into(),
                            }],
                        },
                        &ctx(owner, at),
                    )
                    .await?;
            }
        }
        Act::Hold => {
            let change = StatusChange {
                from: CaseStatus::Open,
                to: CaseStatus::OnHold,
                reason: Some(plan.script.hold.into()),
                closure_reason: None,
                closure_summary: None,
            };
            store
                .change_case_status(&case_id()?, &change, &ctx(owner, at))
                .await?;
        }
        Act::Close => {
            let change = StatusChange {
                from: CaseStatus::Open,
                to: CaseStatus::Closed,
                reason: None,
                closure_reason: Some(ClosureReason::OutcomesAchieved),
                closure_summary: Some(format!(
                    "{}. The client knows to come back if the situation changes.",
                    plan.script.outcome
                )),
            };
            store
                .change_case_status(&case_id()?, &change, &ctx(owner, at))
                .await?;
        }
    }
    Ok(())
}

/// Words for memorable demonstration passwords.
const WORDS: &[&str] = &[
    "amber", "bridge", "cobalt", "dune", "ember", "fjord", "granite", "harbour", "indigo",
    "juniper", "kestrel", "lantern", "meadow", "nettle", "orchard", "pebble", "quartz", "rowan",
    "saffron", "thistle", "umber", "violet", "willow", "yarrow",
];

/// A fresh random password: three words and two digits, e.g. `cobalt-rowan-pebble-42`.
fn demo_password() -> anyhow::Result<String> {
    let mut bytes = [0u8; 4];
    getrandom::fill(&mut bytes).map_err(|e| anyhow::anyhow!("no randomness for passwords: {e}"))?;
    let w = |b: u8| WORDS[usize::from(b) % WORDS.len()];
    Ok(format!(
        "{}-{}-{}-{:02}",
        w(bytes[0]),
        w(bytes[1]),
        w(bytes[2]),
        bytes[3] % 100
    ))
}

async fn print_sign_in(store: &dyn Store, listen: &str) -> anyhow::Result<()> {
    println!("Demonstration data is loaded: 2 teams, 8 caseworkers, 160 clients and cases.");
    println!();
    println!(
        "Open http://{listen}/ and sign in as one of these (new passwords each time you run `caseload demo`):"
    );
    println!();
    println!(
        "  {:<16} {:<13} {:<38} {:<28} API token",
        "Name", "Role", "Email", "Password"
    );
    for (local, name, role, _) in PEOPLE {
        let address = email(local)?;
        let user = store
            .find_user_by_email(address.as_str())
            .await?
            .context("demonstration user missing")?;
        let password = demo_password()?;
        crate::set_password(store, &user, &password).await?;
        store
            .revoke_user_sessions(&user.id, Timestamp::now())
            .await?;
        let token = crate::create_token(store, address.as_str()).await?;
        println!(
            "  {name:<16} {:<13} {:<38} {password:<28} {token}",
            role.as_str(),
            address.as_str()
        );
    }
    println!();
    println!(
        "Amara Bello is a practitioner in the Housing and Debt team; Sam Okonjo supervises it."
    );
    println!("API:  curl -H 'Authorization: Bearer <token>' http://{listen}/api/v1/cases");
    println!("API description: http://{listen}/api/v1/openapi.json");
    Ok(())
}

/// The stored policies, parsed, by the service area they cover.
async fn load_policies(store: &dyn Store) -> anyhow::Result<Vec<(PolicyVersion, Policy)>> {
    let mut out = Vec::new();
    for v in store.list_policies().await? {
        let p = Policy::parse(&v.body)
            .map_err(|e| anyhow::anyhow!("stored policy {} does not parse: {e:?}", v.policy_id))?;
        out.push((v, p));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use caseload_web::api::priority::queue_of;

    /// The demonstration loaded into a fresh SQLite file as if it were `now`.
    async fn loaded_at(now: &str) -> (Arc<dyn Store>, AppState) {
        let dir = std::env::temp_dir().join(format!("caseload-demo-unit-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join(format!("{}.db", now.replace(':', "-")));
        for suffix in ["", "-wal", "-shm", "-audit"] {
            let _ = std::fs::remove_file(format!("{}{suffix}", file.display()));
        }
        let store = crate::migrated_store(&format!("sqlite:{}", file.display()))
            .await
            .unwrap();
        let now: Timestamp = now.parse().unwrap();
        generate(&store, now).await.unwrap();
        let clock = Arc::new(ManualClock::new(now));
        let state = AppState::new(store.clone(), clock, Settings::default());
        (store, state)
    }

    #[test]
    fn every_script_answers_its_areas_policy_and_tells_its_own_story() {
        let policies: Vec<Policy> = caseload_domain::priority::DEFAULT_PACKS
            .iter()
            .map(|(_, text)| Policy::parse(text).unwrap())
            .collect();
        let mut seen = std::collections::HashSet::new();
        for script in SCRIPTS {
            let policy = policies
                .iter()
                .find(|p| p.service_areas.iter().any(|a| a == script.area.as_str()))
                .or_else(|| policies.iter().find(|p| p.id == "generic"))
                .unwrap();
            let mut given = script.answers.to_vec();
            given.extend(script.sometimes.iter().map(|(a, _)| *a));
            given.extend(script.emergency.map(|(a, _)| a));
            band_of(policy, &answers(policy, &given).unwrap()).unwrap();
            assert!(script.ages.0 <= script.ages.1, "{}", script.title);
            assert_eq!(Script::for_title(script.title).unwrap().title, script.title);
            for situation in script.situations() {
                assert!(
                    seen.insert(situation),
                    "{situation:?} is in two scripts' notes"
                );
            }
        }
        assert_eq!(SCRIPTS.len(), 24, "six titles in each of the four areas");
    }

    /// Loaded on a Monday before the office opens, on a Saturday, the day
    /// after the Christmas bank holidays and in British Summer Time, the
    /// demonstration's queues read as a well-run service's, and the
    /// re-evaluation that follows changes no band and floods no inbox.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn the_demonstration_is_a_well_run_service_whatever_day_it_is_loaded() {
        for now in [
            "2026-12-07T07:05:00Z",
            "2026-12-05T11:00:00Z",
            "2026-12-29T14:00:00Z",
            "2027-07-14T12:00:00Z",
        ] {
            let (store, state) = loaded_at(now).await;
            let done = caseload_web::reevaluation::everything(&state)
                .await
                .unwrap();
            assert_eq!(done.priorities.changed, 0, "{now}: no band moves");
            for user in store.list_users().await.unwrap() {
                match user.role {
                    Role::Practitioner => {
                        let rows = store.caseload(&user.id, state.today()).await.unwrap();
                        let queue = queue_of(&state, rows).await.unwrap();
                        let has = |q: &caseload_web::api::priority::QueueRow, f: &str| {
                            q.flags.iter().any(|x| x == f)
                        };
                        let breached = queue
                            .iter()
                            .filter(|q| has(q, "timescale_breached"))
                            .count();
                        let at_risk = queue
                            .iter()
                            .filter(|q| {
                                has(q, "timescale_at_risk") && !has(q, "timescale_breached")
                            })
                            .count();
                        let due = queue.iter().filter(|q| has(q, "assessment_due")).count();
                        let summary = format!(
                            "{now}, {}: {} cases, {breached} breached, {at_risk} at risk, {due} reassessments due",
                            user.name,
                            queue.len()
                        );
                        let detail: Vec<String> = queue
                            .iter()
                            .filter(|q| has(q, "timescale_breached") || has(q, "timescale_at_risk"))
                            .map(|q| {
                                format!(
                                    "{} {:?} {:?}: {}",
                                    q.row.case.title,
                                    q.band,
                                    q.row.case.status,
                                    q.timescales
                                        .clocks
                                        .iter()
                                        .map(|c| format!(
                                            "{} {}",
                                            c.clock.as_str(),
                                            c.state.describe()
                                        ))
                                        .collect::<Vec<_>>()
                                        .join(", ")
                                )
                            })
                            .collect();
                        let summary = format!("{summary}\n{}", detail.join("\n"));
                        assert!(breached <= 1, "{summary}");
                        assert!(at_risk <= 4, "{summary}");
                        assert!(due <= 2, "{summary}");
                        assert!(queue.len() >= 12, "{summary}");
                    }
                    Role::Supervisor => {
                        let inbox = store.notifications(&user.id, false).await.unwrap();
                        assert!(
                            (1..=10).contains(&inbox.len()),
                            "{now}, {}: {} notifications",
                            user.name,
                            inbox.len()
                        );
                    }
                    _ => {}
                }
            }
        }
    }
}
