//! Service-sized synthetic data for benchmarks (`caseload demo --scale`): a
//! deterministic (seeded) service of teams, practitioners, clients and cases
//! across the service areas, with notes of varied length, late entries,
//! amendments, outcomes, obstacles, tasks, deadlines and priority
//! assessments made with the shipped policy packs. Rows go in through
//! `Store::bulk_insert`, a thousand cases a transaction, with a progress bar.

mod areas;
mod tables;

use std::time::Instant;

use anyhow::Context;
use caseload_domain::cases::ServiceArea;
use caseload_domain::ids::*;
use caseload_domain::notes::NoteKind;
use caseload_domain::priority::{Policy, assess};
use caseload_store::{BulkValue, PolicyVersion, Store};
use jiff::{SignedDuration, Timestamp};
use serde_json::json;

use crate::demo::{FIRST, LAST, LATE_REASONS, Rng, STREETS};

use areas::{AREAS, RESULTS, demo_answers};
use tables::Tables;

/// How big a service to generate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Scale {
    /// 20 practitioners, 1,000 cases, about 10,000 notes (CI's smoke run).
    Tiny,
    /// 200 practitioners, 10,000 cases, about 100,000 notes.
    Small,
    /// 2,000 practitioners, 100,000 cases, about 1,000,000 notes.
    Medium,
}

impl Scale {
    pub fn practitioners(self) -> usize {
        match self {
            Scale::Tiny => 20,
            Scale::Small => 200,
            Scale::Medium => 2_000,
        }
    }
    /// Fifty cases each (about 45 of them active).
    pub fn cases(self) -> usize {
        self.practitioners() * 50
    }
}

/// Every this-many cases has exactly fifty notes: the benchmark's "case
/// with fifty notes".
pub const FIFTY_NOTE_EVERY: usize = 500;

const TEAM_SIZE: usize = 10;
const CHUNK: usize = 1_000;

/// What was loaded, for the summary line.
#[derive(Debug, Default)]
pub struct Loaded {
    pub teams: usize,
    pub users: usize,
    pub cases: usize,
    pub notes: usize,
    pub rows: usize,
}

fn text(s: impl Into<String>) -> BulkValue {
    BulkValue::Text(Some(s.into()))
}
fn no_text() -> BulkValue {
    BulkValue::Text(None)
}
fn ts(t: Timestamp) -> BulkValue {
    BulkValue::Ts(Some(t))
}
fn no_ts() -> BulkValue {
    BulkValue::Ts(None)
}
fn date(d: jiff::civil::Date) -> BulkValue {
    BulkValue::Date(Some(d))
}

fn bytes(rng: &mut Rng) -> [u8; 10] {
    let a = rng.next().to_le_bytes();
    let b = rng.next().to_le_bytes();
    let mut out = [0u8; 10];
    out[..8].copy_from_slice(&a);
    out[8..].copy_from_slice(&b[..2]);
    out
}

fn millis(t: Timestamp) -> u64 {
    u64::try_from(t.as_millisecond()).unwrap_or(0)
}

fn after(t: Timestamp, hours: i64) -> anyhow::Result<Timestamp> {
    Ok(t.checked_add(SignedDuration::from_hours(hours))?)
}

/// Sentences to vary note length: from a line to a couple of pages.
const MORE: &[&str] = &[
    "Client described the history in detail and we went through the paperwork together.",
    "We checked income and outgoings line by line against the bank statements brought in.",
    "Client was anxious but engaged; we agreed to take things one step at a time.",
    "Explained the options, the likely timescales and what each would mean for the household.",
    "Client's support worker joined by phone for part of the conversation, with consent.",
    "I read back the key points and the client confirmed they were accurate.",
    "Noted the client's preferred contact times and that texts are better than calls.",
    "Discussed the risks of doing nothing and the client chose to go ahead.",
];

fn paragraph(rng: &mut Rng, first: &str, extra: u64) -> String {
    let mut out = first.to_owned();
    for _ in 0..rng.below(extra + 1) {
        out.push(' ');
        out.push_str(rng_pick(rng, MORE));
    }
    out
}

/// Generate and load a service of `scale` into an empty database.
pub async fn load(store: &dyn Store, scale: Scale, seed: u64) -> anyhow::Result<Loaded> {
    if !store.list_teams().await?.is_empty() {
        anyhow::bail!("the database already holds data: load a scaled demo into a new, empty one");
    }
    let started = Instant::now();
    let now = Timestamp::now();
    let today = now.to_zoned(jiff::tz::TimeZone::UTC).date();
    let mut rng = Rng(seed);
    let policies: Vec<(PolicyVersion, Policy)> = store
        .list_policies()
        .await?
        .into_iter()
        .filter_map(|v| Policy::parse(&v.body).ok().map(|p| (v, p)))
        .collect();
    let policy_for = |area: ServiceArea| {
        policies
            .iter()
            .find(|(v, _)| v.service_areas.iter().any(|a| a == area.as_str()))
            .or_else(|| policies.iter().find(|(v, _)| v.policy_id == "generic"))
    };
    let mut loaded = Loaded::default();
    let mut t = Tables::new();

    // Teams of ten practitioners and a supervisor; one administrator.
    let created = now.checked_sub(SignedDuration::from_hours(24 * 800))?;
    let practitioners = scale.practitioners();
    let team_count = practitioners.div_ceil(TEAM_SIZE);
    let mut teams = Vec::new();
    for n in 0..team_count {
        let id = TeamId::from_parts(millis(created), bytes(&mut rng));
        t.push(
            "teams",
            vec![
                text(id.as_str()),
                text(format!("Team {:04}", n + 1)),
                ts(created),
            ],
        );
        let supervisor = UserId::from_parts(millis(created), bytes(&mut rng));
        t.push(
            "users",
            vec![
                text(supervisor.as_str()),
                text(format!("supervisor.{:04}@demo.caseload.invalid", n + 1)),
                text(format!("{} {}", rng.pick(FIRST), rng.pick(LAST))),
                text("supervisor"),
                text(id.as_str()),
                BulkValue::Bool(true),
                ts(created),
            ],
        );
        teams.push(id);
    }
    let admin = UserId::from_parts(millis(created), bytes(&mut rng));
    t.push(
        "users",
        vec![
            text(admin.as_str()),
            text("admin@demo.caseload.invalid"),
            text("Alex Admin"),
            text("admin"),
            BulkValue::Text(None),
            BulkValue::Bool(true),
            ts(created),
        ],
    );
    let mut people = Vec::new();
    for n in 0..practitioners {
        let id = UserId::from_parts(millis(created), bytes(&mut rng));
        let team = teams[n / TEAM_SIZE].clone();
        t.push(
            "users",
            vec![
                text(id.as_str()),
                text(format!("practitioner.{:05}@demo.caseload.invalid", n + 1)),
                text(format!("{} {}", rng.pick(FIRST), rng.pick(LAST))),
                text("practitioner"),
                text(team.as_str()),
                BulkValue::Bool(true),
                ts(created),
            ],
        );
        people.push((id, team));
    }
    loaded.teams = team_count;
    loaded.users = practitioners + team_count + 1;
    loaded.rows += t.flush(store).await?;

    let total = scale.cases();
    let bar = indicatif::ProgressBar::new(total as u64);
    bar.set_style(
        indicatif::ProgressStyle::with_template(
            "{elapsed_precise} [{wide_bar}] {pos}/{len} cases, {msg} ({eta} left)",
        )
        .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
    );
    for index in 0..total {
        let (owner, team) = &people[index / 50];
        let area = rng.pick(AREAS);
        let roll = rng.below(100);
        // The benchmark's fifty-note cases are always open.
        let status = match roll {
            _ if index % FIFTY_NOTE_EVERY == 0 => "open",
            0..10 => "closed",
            10..14 => "on_hold",
            14..17 => "referral",
            _ => "open",
        };
        // Active cases opened within the last year; closed ones up to two.
        let age_days = if status == "closed" {
            120 + rng.below(600)
        } else if status == "referral" {
            rng.below(5)
        } else {
            3 + rng.below(360)
        } as i64;
        let opened = now.checked_sub(SignedDuration::from_hours(24 * age_days + 1))?;
        let end = if status == "closed" {
            after(opened, 24 * (20 + rng.below(90) as i64))?
        } else {
            now
        };
        let case = CaseId::from_parts(millis(opened), bytes(&mut rng));
        let client = ClientId::from_parts(millis(opened), bytes(&mut rng));
        let name = format!("{} {}", rng.pick(FIRST), rng.pick(LAST));
        t.push(
            "clients",
            vec![
                text(client.as_str()),
                text(&name),
                date(jiff::civil::date(
                    1950 + rng.below(55) as i16,
                    1 + rng.below(12) as i8,
                    1 + rng.below(28) as i8,
                )),
                text(format!("07700 9{:05}", rng.below(100_000))),
                no_text(),
                text(format!(
                    "{} {}, Anytown",
                    1 + rng.below(200),
                    rng.pick(STREETS)
                )),
                text(team.as_str()),
                text(owner.as_str()),
                ts(opened),
            ],
        );
        t.event(
            &case,
            opened,
            opened,
            owner,
            "case_created",
            case.as_str(),
            json!({"status": if status == "referral" { "referral" } else { "open" },
                "service_area": area.area, "owner_id": owner}),
        );

        // Notes: a first contact, then follow-ups until today (or closure).
        let mut notes = 0usize;
        let mut last_note = opened;
        let (mut first_contact, mut last_contact, mut last_action, mut last_review) = (
            None::<Timestamp>,
            None::<Timestamp>,
            None::<Timestamp>,
            None::<Timestamp>,
        );
        let mut late_notes = 0i64;
        if status != "referral" {
            let count = if index % FIFTY_NOTE_EVERY == 0 {
                50
            } else {
                1 + rng.below(20) as usize
            };
            let span = end.duration_since(opened).as_secs().max(3_600);
            for n in 0..count {
                let offset = span * n as i64 / count as i64 + rng.below(3_000) as i64;
                let occurred = opened.checked_add(SignedDuration::from_secs(offset))?;
                let late = rng.chance(5);
                let delay = if late {
                    SignedDuration::from_hours(26 + rng.below(60) as i64)
                } else {
                    SignedDuration::from_mins(10 + rng.below(240) as i64)
                };
                let recorded = occurred.checked_add(delay)?.min(now);
                let kind = if n == 0 {
                    NoteKind::FaceToFace
                } else {
                    *rng.pick(&[
                        NoteKind::Phone,
                        NoteKind::Email,
                        NoteKind::FaceToFace,
                        NoteKind::Letter,
                        NoteKind::Video,
                        NoteKind::Internal,
                        NoteKind::Phone,
                        NoteKind::Review,
                    ])
                };
                let situation = rng_pick(&mut rng, area.situations);
                let situation = paragraph(&mut rng, situation, 4);
                let action = rng_pick(&mut rng, area.actions);
                let action = paragraph(&mut rng, action, 6);
                let sections = json!([
                    {"name": "situation", "text": situation},
                    {"name": "task", "text": "Agree the client's priorities and what needs doing first."},
                    {"name": "action", "text": action},
                    {"name": "result", "text": rng_pick(&mut rng, RESULTS)},
                ]);
                let note = NoteId::from_parts(millis(recorded), bytes(&mut rng));
                let reason = late.then(|| rng_pick(&mut rng, LATE_REASONS));
                t.push(
                    "notes",
                    vec![
                        text(note.as_str()),
                        text(case.as_str()),
                        text(owner.as_str()),
                        text(kind.as_str()),
                        text("star"),
                        ts(occurred),
                        ts(recorded),
                        BulkValue::Bool(late),
                        BulkValue::Text(reason.map(str::to_owned)),
                        BulkValue::Json(sections),
                    ],
                );
                t.event(
                    &case,
                    occurred,
                    recorded,
                    owner,
                    "note_added",
                    note.as_str(),
                    json!({"kind": kind.as_str(), "late_entry": late}),
                );
                if rng.chance(1) {
                    let amended = after(recorded, 2)?.min(now);
                    let amendment = AmendmentId::from_parts(millis(amended), bytes(&mut rng));
                    t.push(
                        "note_amendments",
                        vec![
                            text(amendment.as_str()),
                            text(note.as_str()),
                            BulkValue::Int(Some(1)),
                            text(owner.as_str()),
                            ts(amended),
                            text("Corrected a date the client gave"),
                            BulkValue::Json(json!([{"name": "result",
                                "text": "Corrected: the appointment is on the Thursday, not the Tuesday."}])),
                            text("author"),
                        ],
                    );
                    t.event(
                        &case,
                        amended,
                        amended,
                        owner,
                        "note_amended",
                        amendment.as_str(),
                        json!({"note_id": note, "sections": ["result"]}),
                    );
                }
                last_note = last_note.max(occurred);
                // The case's activity columns, as add_note keeps them.
                if kind.is_client_contact() {
                    last_contact = last_contact.max(Some(occurred));
                    if occurred >= opened {
                        first_contact = Some(first_contact.map_or(occurred, |f| f.min(occurred)));
                    }
                }
                if kind != NoteKind::Supervision {
                    last_action = last_action.max(Some(occurred));
                }
                if kind == NoteKind::Review {
                    last_review = last_review.max(Some(occurred));
                }
                late_notes += i64::from(late);
                notes += 1;
            }
        }
        loaded.notes += notes;

        // An outcome, sometimes an obstacle, and a next action or two.
        let outcome = OutcomeId::from_parts(millis(opened), bytes(&mut rng));
        let outcome_status = match status {
            "closed" => "achieved",
            "referral" => "not_started",
            _ => "in_progress",
        };
        t.push(
            "outcomes",
            vec![
                text(outcome.as_str()),
                text(case.as_str()),
                text(rng_pick(&mut rng, area.outcomes)),
                date(today.checked_add(jiff::Span::new().days(rng.below(90) as i64))?),
                text(outcome_status),
                text(owner.as_str()),
                ts(opened),
                ts(opened),
            ],
        );
        t.event(
            &case,
            opened,
            opened,
            owner,
            "outcome_added",
            outcome.as_str(),
            json!({"target_date": null}),
        );
        if rng.chance(25) {
            let obstacle = ObstacleId::from_parts(millis(opened), bytes(&mut rng));
            let category = *rng.pick(&["financial", "housing", "health", "language", "caring"]);
            t.push(
                "obstacles",
                vec![
                    text(obstacle.as_str()),
                    text(case.as_str()),
                    text(category),
                    text("Client finds it hard to attend appointments in person."),
                    text(owner.as_str()),
                    ts(opened),
                ],
            );
            t.event(
                &case,
                opened,
                opened,
                owner,
                "obstacle_raised",
                obstacle.as_str(),
                json!({"category": category}),
            );
        }
        let active = status != "closed";
        for _ in 0..(1 + rng.below(3)) {
            let task = TaskId::from_parts(millis(last_note), bytes(&mut rng));
            let due = today.checked_add(jiff::Span::new().days(rng.below(30) as i64 - 7))?;
            let done = !active || rng.chance(40);
            t.push(
                "tasks",
                vec![
                    text(task.as_str()),
                    text(case.as_str()),
                    text(rng_pick(&mut rng, area.tasks)),
                    date(due),
                    text(owner.as_str()),
                    text(if done { "done" } else { "open" }),
                    text(owner.as_str()),
                    ts(last_note),
                    if done { ts(last_note) } else { no_ts() },
                    if done {
                        text(owner.as_str())
                    } else {
                        no_text()
                    },
                ],
            );
            t.event(
                &case,
                last_note,
                last_note,
                owner,
                "task_added",
                task.as_str(),
                json!({"due_date": due, "assignee_id": owner}),
            );
        }
        if active && rng.chance(8) {
            let deadline = DeadlineId::from_parts(millis(last_note), bytes(&mut rng));
            let task = TaskId::from_parts(millis(last_note), bytes(&mut rng));
            let due = today.checked_add(jiff::Span::new().days(rng.below(40) as i64 - 5))?;
            t.push(
                "tasks",
                vec![
                    text(task.as_str()),
                    text(case.as_str()),
                    text("Deadline: Reply to the decision"),
                    date(due),
                    text(owner.as_str()),
                    text("open"),
                    text(owner.as_str()),
                    ts(last_note),
                    no_ts(),
                    no_text(),
                ],
            );
            t.push(
                "deadlines",
                vec![
                    text(deadline.as_str()),
                    text(case.as_str()),
                    no_text(),
                    text("Reply to the decision"),
                    BulkValue::Date(None),
                    no_text(),
                    date(due),
                    BulkValue::Json(json!([format!("set by hand: due {due}")])),
                    text(task.as_str()),
                    text(owner.as_str()),
                    ts(last_note),
                ],
            );
            t.event(
                &case,
                last_note,
                last_note,
                owner,
                "deadline_added",
                deadline.as_str(),
                json!({"rule_id": null, "due_date": due, "task_id": task}),
            );
        }

        // Assessed with the pack for its area (not referrals, not yet).
        let mut band = None;
        let mut floor = None;
        let mut assessed_at = None;
        if status != "referral"
            && let Some((version, policy)) = policy_for(area.area)
        {
            let answers = demo_answers(&mut rng, policy);
            let verdict = assess(policy, &answers, &Default::default())
                .map_err(|e| anyhow::anyhow!("generated answers: {e:?}"))?;
            let at = after(opened, 1)?;
            let assessment = AssessmentId::from_parts(millis(at), bytes(&mut rng));
            t.push(
                "assessments",
                vec![
                    text(assessment.as_str()),
                    text(case.as_str()),
                    text(&version.policy_id),
                    BulkValue::Int(Some(version.version)),
                    BulkValue::Json(serde_json::to_value(&answers)?),
                    BulkValue::Int(Some(i64::from(verdict.score))),
                    text(&verdict.band),
                    BulkValue::Json(serde_json::to_value(&verdict.rationale)?),
                    text(owner.as_str()),
                    ts(at),
                ],
            );
            let words = verdict
                .rationale
                .iter()
                .map(|r| r.words.as_str())
                .collect::<Vec<_>>()
                .join("; ");
            let change = PriorityChangeId::from_parts(millis(at), bytes(&mut rng));
            t.push(
                "priority_changes",
                vec![
                    text(change.as_str()),
                    text(case.as_str()),
                    BulkValue::Int(Some(1)),
                    text(&verdict.band),
                    no_text(),
                    text("assessment"),
                    text(&words),
                    text(assessment.as_str()),
                    text(owner.as_str()),
                    ts(at),
                ],
            );
            t.event(
                &case,
                at,
                at,
                owner,
                "priority_changed",
                change.as_str(),
                json!({"band": verdict.band, "previous_band": null, "cause": "assessment", "rationale": words}),
            );
            band = Some(verdict.band);
            floor = verdict.floor;
            assessed_at = Some(at);
        }

        // Holds and closures leave their status changes.
        let (closure_reason, closure_summary, closed_at) = if status == "closed" {
            (
                Some("outcomes_achieved"),
                Some("Outcomes achieved; client knows how to come back if things change."),
                Some(end),
            )
        } else {
            (None, None, None)
        };
        if matches!(status, "closed" | "on_hold") {
            let at = if status == "closed" {
                end
            } else {
                after(last_note, 1)?.min(now)
            };
            let change = format!(
                "chg_{}",
                &CaseId::from_parts(millis(at), bytes(&mut rng)).as_str()[4..]
            );
            let reason = (status == "on_hold").then_some("Waiting for the client's documents");
            t.push(
                "case_status_changes",
                vec![
                    text(&change),
                    text(case.as_str()),
                    text("open"),
                    text(status),
                    BulkValue::Text(reason.map(str::to_owned)),
                    text(owner.as_str()),
                    ts(at),
                ],
            );
            t.event(
                &case,
                at,
                at,
                owner,
                "status_changed",
                case.as_str(),
                json!({"from": "open", "to": status, "reason": reason,
                    "closure_reason": closure_reason}),
            );
        }
        t.push(
            "cases",
            vec![
                text(case.as_str()),
                text(client.as_str()),
                text(rng_pick(&mut rng, area.titles)),
                text(area.area.as_str()),
                text(owner.as_str()),
                text(team.as_str()),
                text(status),
                text(*rng.pick(&["low", "medium", "medium", "high"])),
                BulkValue::Text(closure_reason.map(str::to_owned)),
                BulkValue::Text(closure_summary.map(str::to_owned)),
                if status == "referral" {
                    no_ts()
                } else {
                    ts(opened)
                },
                BulkValue::Ts(closed_at),
                text(owner.as_str()),
                ts(opened),
                ts(last_note.max(opened)),
                BulkValue::Text(band),
                BulkValue::Text(floor),
                BulkValue::Ts(assessed_at),
                BulkValue::Ts(first_contact),
                BulkValue::Ts(last_contact),
                BulkValue::Ts(last_action),
                BulkValue::Ts(last_review),
                BulkValue::Int(Some(late_notes)),
            ],
        );
        loaded.cases += 1;

        if (index + 1) % CHUNK == 0 || index + 1 == total {
            loaded.rows += t
                .flush(store)
                .await
                .with_context(|| format!("loading cases up to number {}", index + 1))?;
            bar.set_position(index as u64 + 1);
            bar.set_message(format!("{} notes", loaded.notes));
        }
    }
    bar.finish_and_clear();
    // Fresh statistics, or the planner guesses from an empty database.
    store.analyze().await.context("analysing the loaded data")?;
    eprintln!(
        "caseload: loaded {} teams, {} users, {} cases, {} notes ({} rows) in {:.1} s",
        loaded.teams,
        loaded.users,
        loaded.cases,
        loaded.notes,
        loaded.rows,
        started.elapsed().as_secs_f64()
    );
    Ok(loaded)
}

fn rng_pick(rng: &mut Rng, items: &[&'static str]) -> &'static str {
    let index = rng.below(items.len() as u64) as usize;
    items[index]
}
