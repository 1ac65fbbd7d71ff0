//! The case page — header, outcomes, obstacles, tasks and the timeline with
//! notes in full — and the forms that change a case: new case, status,
//! outcome and progress, obstacle and resolution, task and its status.

use std::collections::HashMap;

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use caseload_domain::cases::{CaseStatus, ClosureReason, Complexity, ServiceArea};
use caseload_domain::ids::{ObstacleId, OutcomeId, TaskId, UserId};
use caseload_domain::notes::{STAR, Template as NoteTemplate};
use caseload_domain::records::{EventKind, ObstacleCategory, OutcomeStatus, TaskStatus};
use caseload_domain::text::{FieldErrors, limits, prose, single_line};
use caseload_store::{Case, NewCase, NewObstacle, NewProgress, Note, StoreError, Task, User};
use jiff::civil::Date;

use super::format::{day, when};
use super::{
    Chrome, CsrfForm, Fields, FormErrors, PageError, Viewer, render, render_invalid, saved_from,
    see_other, see_saved,
};
use crate::AppState;
use crate::api::cases::{StatusChangeBody, parse_status_change};

/// A note as shown: current text, with the original and every amendment.
pub struct NoteView {
    pub id: String,
    pub case_id: String,
    /// Whether the person looking may amend it, and how: `author`,
    /// `supervisor`, or empty (read-only: they may add a note of their own).
    pub amend: &'static str,
    pub kind: &'static str,
    pub author: String,
    pub occurred: String,
    pub recorded: String,
    pub late_entry: bool,
    pub late_reason: String,
    pub template: &'static str,
    pub current: Vec<(String, String)>,
    pub original: Vec<(String, String)>,
    pub amendments: Vec<AmendmentView>,
}

pub struct AmendmentView {
    pub number: usize,
    pub author: String,
    pub recorded: String,
    pub reason: String,
    pub sections: Vec<(String, String)>,
    /// Made by a supervisor of the case's team, not the note's author.
    pub by_supervisor: bool,
}

/// A note as `user` sees it on `case`: with "Amend" only if the domain's
/// rule lets them (SPEC C1).
pub fn note_view_for(note: &Note, case: &Case, user: &User, state: &AppState) -> NoteView {
    let mut view = note_view(note, state);
    view.amend = crate::api::notes::capacity_to_amend(user, note, case)
        .map(|c| c.as_str())
        .unwrap_or("");
    view
}

/// A note as shown read-only (no "Amend").
pub fn note_view(note: &Note, state: &AppState) -> NoteView {
    let template = NoteTemplate::find(&note.template).unwrap_or(&STAR);
    let labelled = |sections: &[caseload_domain::notes::Section]| -> Vec<(String, String)> {
        sections
            .iter()
            .map(|s| (template.label(&s.name).to_owned(), s.text.clone()))
            .collect()
    };
    NoteView {
        id: note.id.to_string(),
        case_id: note.case_id.to_string(),
        amend: "",
        kind: note.kind.label(),
        author: note.author_name.clone(),
        occurred: when(note.occurred_at, &state.tz),
        recorded: when(note.recorded_at, &state.tz),
        late_entry: note.late_entry,
        late_reason: note.late_reason.clone().unwrap_or_default(),
        template: template.name,
        current: labelled(&note.current_sections),
        original: labelled(&note.sections),
        amendments: note
            .amendments
            .iter()
            .enumerate()
            .map(|(i, a)| AmendmentView {
                number: i + 1,
                author: a.author_name.clone(),
                recorded: when(a.recorded_at, &state.tz),
                reason: a.reason.clone(),
                sections: labelled(&a.sections),
                by_supervisor: a.amended_as == caseload_domain::notes::AmendedAs::Supervisor,
            })
            .collect(),
    }
}

pub struct Header {
    pub id: String,
    pub client_id: String,
    pub client: String,
    pub title: String,
    pub status: &'static str,
    pub status_code: &'static str,
    pub owner: String,
    pub area: &'static str,
    pub complexity: &'static str,
    pub opened: String,
    pub closed: String,
    pub closure: String,
    /// How to reach the client: set by the case page only.
    pub reach: Option<super::clients::ClientReach>,
}

pub fn header(case: &Case, state: &AppState) -> Header {
    Header {
        id: case.id.to_string(),
        client_id: case.client_id.to_string(),
        client: case.client_name.clone(),
        title: case.title.clone(),
        status: case.status.label(),
        status_code: case.status.as_str(),
        owner: case.owner_name.clone(),
        area: case.service_area.label(),
        complexity: case.complexity.label(),
        opened: case
            .opened_at
            .map(|t| when(t, &state.tz))
            .unwrap_or_else(|| "Not yet (referral)".into()),
        closed: case
            .closed_at
            .map(|t| when(t, &state.tz))
            .unwrap_or_default(),
        closure: match (&case.closure_reason, &case.closure_summary) {
            (Some(r), Some(s)) => format!("{}: {s}", r.label()),
            _ => String::new(),
        },
        reach: None,
    }
}

pub struct OutcomeView {
    pub id: String,
    pub description: String,
    pub target: String,
    pub status: &'static str,
    pub status_code: &'static str,
    pub progress: Vec<(String, String, &'static str, String)>,
}

pub struct ObstacleView {
    pub id: String,
    pub category: &'static str,
    pub description: String,
    pub raised: String,
    pub resolved: String,
    pub resolution: String,
}

pub struct TaskView {
    pub id: String,
    pub title: String,
    pub due: String,
    pub overdue: bool,
    pub assignee: String,
    pub status: &'static str,
    pub open: bool,
    pub cancellation_reason: String,
}

/// Tasks as the case page lists them: open before done or cancelled; each
/// by due date, undated last; then in the order they were added.
pub fn order_tasks(tasks: &mut [Task]) {
    tasks.sort_by(|a, b| {
        let key = |t: &Task| {
            (
                t.status != TaskStatus::Open,
                t.due_date.is_none(),
                t.due_date,
                t.created_at,
            )
        };
        key(a)
            .cmp(&key(b))
            .then_with(|| a.id.as_str().cmp(b.id.as_str()))
    });
}

/// The kinds of entry the case history can be narrowed to (`?kind=`), each
/// with the timeline's kinds of event it covers.
pub const HISTORY_KINDS: &[(&str, &str, &[EventKind])] = &[
    ("notes", "Notes", &[EventKind::NoteAdded]),
    ("amendments", "Amendments", &[EventKind::NoteAmended]),
    (
        "status",
        "Status changes",
        &[EventKind::CaseCreated, EventKind::StatusChanged],
    ),
    ("priority", "Priority", &[EventKind::PriorityChanged]),
    (
        "tasks",
        "Tasks",
        &[EventKind::TaskAdded, EventKind::TaskStatusChanged],
    ),
    ("deadlines", "Deadlines", &[EventKind::DeadlineAdded]),
    (
        "outcomes",
        "Outcomes",
        &[EventKind::OutcomeAdded, EventKind::OutcomeProgress],
    ),
    (
        "obstacles",
        "Obstacles",
        &[EventKind::ObstacleRaised, EventKind::ObstacleResolved],
    ),
];

/// What a case page's forms say they saved (`?saved=`), for [`saved_from`].
pub const SAVED: &[&str] = &[
    "note",
    "amendment",
    "task",
    "task_done",
    "task_cancelled",
    "task_reopened",
    "outcome",
    "progress",
    "obstacle",
    "resolved",
    "deadline",
    "status",
    "assessment",
    "priority",
];

/// How the case history is shown, from the page's query: newest first on
/// screen unless `order=oldest`; `print=1` is the whole record oldest first
/// (a printed record reads in the order things happened; the page's order
/// is its DOM order, never reversed by CSS); `kind=` (repeatable) narrows
/// it to some kinds of entry. Unknown values are ignored, and the page says
/// what it shows.
#[derive(Debug, Clone, Default)]
pub struct HistoryView {
    pub oldest_first: bool,
    pub print: bool,
    pub kinds: Vec<&'static str>,
    pub saved: Option<(&'static str, String)>,
}

impl HistoryView {
    pub fn from_query(query: &[(String, String)]) -> HistoryView {
        let value = |name: &str| {
            query
                .iter()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.as_str())
        };
        let print = value("print") == Some("1");
        let kinds = if print {
            Vec::new()
        } else {
            HISTORY_KINDS
                .iter()
                .map(|(code, _, _)| *code)
                .filter(|code| query.iter().any(|(k, v)| k == "kind" && v == code))
                .collect()
        };
        HistoryView {
            oldest_first: print || value("order") == Some("oldest"),
            print,
            kinds,
            saved: saved_from(query, SAVED),
        }
    }

    fn shows(&self, kind: EventKind) -> bool {
        self.kinds.is_empty()
            || HISTORY_KINDS
                .iter()
                .any(|(code, _, kinds)| self.kinds.contains(code) && kinds.contains(&kind))
    }

    /// "Notes and tasks, newest first" — what the page shows, in words.
    fn describe(&self, shown: usize, total: usize) -> String {
        let order = if self.oldest_first {
            "oldest first"
        } else {
            "newest first"
        };
        if self.kinds.is_empty() {
            let entries = if total == 1 { "entry" } else { "entries" };
            return format!("Showing all {total} {entries}, {order}.");
        }
        let names: Vec<String> = HISTORY_KINDS
            .iter()
            .filter(|(code, _, _)| self.kinds.contains(code))
            .map(|(_, label, _)| label.to_lowercase())
            .collect();
        let names = match names.split_last() {
            Some((last, rest)) if !rest.is_empty() => format!("{} and {last}", rest.join(", ")),
            _ => names.join(""),
        };
        let entries = if total == 1 { "entry" } else { "entries" };
        format!("Showing {names} only, {order}: {shown} of {total} {entries}.")
    }
}

pub struct DeadlineView {
    pub title: String,
    pub due: String,
    pub overdue: bool,
    pub explanation: Vec<String>,
    /// `met`, `on_track`, `at_risk`, `breached`.
    pub state: &'static str,
    pub state_label: String,
}

/// One of the organisation's timescale clocks on the case.
pub struct ClockView {
    pub label: &'static str,
    pub started: String,
    pub due: String,
    pub state: &'static str,
    pub state_label: String,
    pub action: &'static str,
}

/// The case's priority: band, why, history, and what an override may choose.
#[derive(Default)]
pub struct PriorityView {
    pub band: String,
    pub band_name: String,
    pub assessed: String,
    pub policy: String,
    pub why: Vec<String>,
    pub history: Vec<(String, String, String)>,
    pub bands: Vec<(String, String)>,
}

/// One choice of the history's filter: code, label, chosen.
pub struct KindChoice {
    pub code: &'static str,
    pub label: &'static str,
    pub chosen: bool,
}

pub struct TimelineView {
    pub kind: &'static str,
    pub kind_code: &'static str,
    pub at: String,
    pub recorded: String,
    pub actor: String,
    pub text: String,
    pub note: Option<NoteView>,
}

#[derive(Template)]
#[template(path = "case.html")]
pub struct CasePage {
    pub chrome: Chrome,
    pub case: Header,
    pub outcomes: Vec<OutcomeView>,
    pub obstacles: Vec<ObstacleView>,
    pub tasks: Vec<TaskView>,
    pub deadlines: Vec<DeadlineView>,
    pub clocks: Vec<ClockView>,
    /// The version of the organisation's timescales in force.
    pub timescales_version: i64,
    pub priority: PriorityView,
    pub timeline: Vec<TimelineView>,
    pub errors: FormErrors,
    pub outcome_statuses: Vec<(&'static str, &'static str)>,
    /// What the form that led here saved, in words (empty if none).
    pub saved: String,
    pub oldest_first: bool,
    pub print: bool,
    pub kinds: Vec<KindChoice>,
    /// What the history shows, in words.
    pub shown: String,
}

async fn case_page(
    state: &AppState,
    viewer: &Viewer,
    case: &Case,
    errors: FormErrors,
    view: &HistoryView,
) -> Result<CasePage, PageError> {
    let store = &state.store;
    let today = state.today();
    // The page's reads are independent of one another, and its audit event
    // of them: all are asked for at once (each on its own pooled
    // connection), and the page is answered when every one is done. One
    // after another they were a dozen round trips in a row.
    let (
        outcomes,
        obstacles,
        mut tasks,
        notes,
        events,
        deadlines,
        (timescales_version, readings),
        assessment,
        history,
        client,
        (),
    ) = tokio::try_join!(
        async { Ok::<_, PageError>(store.list_outcomes(&case.id).await?) },
        async { Ok(store.list_obstacles(&case.id).await?) },
        async { Ok(store.list_tasks(&case.id).await?) },
        async { Ok(store.list_notes(&case.id).await?) },
        async { Ok(store.timeline(&case.id).await?) },
        async { Ok(store.list_deadlines(&case.id).await?) },
        async { Ok(crate::timescales::for_case(state, case).await?) },
        async { Ok(store.latest_assessment(&case.id).await?) },
        async { Ok(store.priority_history(&case.id).await?) },
        async { Ok(store.get_client(&case.client_id).await?) },
        viewer.audit(state, "case.read", "case", Some(case.id.as_str())),
    )?;
    order_tasks(&mut tasks);
    let notes: HashMap<String, Note> = notes.into_iter().map(|n| (n.id.to_string(), n)).collect();
    let mut priority = PriorityView::default();
    if let Ok((version, policy)) =
        crate::api::priority::policy_for(state, case.service_area.as_str()).await
    {
        priority.bands = policy
            .bands
            .iter()
            .map(|b| (b.id.clone(), format!("{} {}", b.id, b.name)))
            .collect();
        priority.policy = format!("{} v{}", policy.name, version.version);
    }
    if let Some(band) = &case.priority_band {
        priority.band = band.clone();
        priority.band_name = priority
            .bands
            .iter()
            .find(|(id, _)| id == band)
            .map(|(_, l)| l.clone())
            .unwrap_or_else(|| band.clone());
    }
    priority.assessed = case
        .assessed_at
        .map(|t| when(t, &state.tz))
        .unwrap_or_default();
    if let Some(a) = assessment {
        priority.policy = format!("{} v{}", a.policy_id, a.policy_version);
        priority.why =
            serde_json::from_value::<Vec<caseload_domain::priority::Reason>>(a.rationale)
                .map(|r| r.into_iter().map(|x| x.words).collect())
                .unwrap_or_default();
    }
    priority.history = history
        .into_iter()
        .map(|c| {
            let change = match &c.previous_band {
                Some(p) => format!("{p} → {} ({})", c.band, c.cause),
                None => format!("{} ({})", c.band, c.cause),
            };
            (
                when(c.at, &state.tz),
                c.actor_name,
                format!("{change}: {}", c.rationale),
            )
        })
        .collect();

    let outcome_by_id: HashMap<String, &caseload_store::Outcome> =
        outcomes.iter().map(|o| (o.id.to_string(), o)).collect();
    let progress_by_id: HashMap<
        String,
        (&caseload_store::Outcome, &caseload_store::OutcomeProgress),
    > = outcomes
        .iter()
        .flat_map(|o| o.progress.iter().map(move |p| (p.id.to_string(), (o, p))))
        .collect();
    let obstacle_by_id: HashMap<String, &caseload_store::Obstacle> =
        obstacles.iter().map(|o| (o.id.to_string(), o)).collect();
    let task_by_id: HashMap<String, &caseload_store::Task> =
        tasks.iter().map(|t| (t.id.to_string(), t)).collect();
    let label = |d: &serde_json::Value,
                 key: &str,
                 parse: fn(&str) -> Option<&'static str>|
     -> String { d[key].as_str().and_then(parse).unwrap_or("").to_owned() };
    let status_label = |s: &str| CaseStatus::parse(s).map(|s| s.label());
    let task_label = |s: &str| TaskStatus::parse(s).map(|s| s.label());

    let total = events.len();
    let mut shown: Vec<&caseload_store::TimelineEntry> =
        events.iter().filter(|e| view.shows(e.kind)).collect();
    if !view.oldest_first {
        shown.reverse();
    }
    let shown_words = view.describe(shown.len(), total);
    let timeline = shown
        .into_iter()
        .map(|e| {
            let d = &e.data;
            let text = match e.kind {
                EventKind::CaseCreated => format!(
                    "Case recorded as {}.",
                    label(d, "status", status_label).to_lowercase()
                ),
                EventKind::StatusChanged => {
                    let mut t = format!(
                        "Status changed from {} to {}.",
                        label(d, "from", status_label),
                        label(d, "to", status_label)
                    );
                    if let Some(r) = d["reason"].as_str() {
                        t.push_str(&format!(" Reason: {r}"));
                    }
                    if let Some(r) = d["closure_reason"].as_str().and_then(ClosureReason::parse) {
                        t.push_str(&format!(" Closure reason: {}.", r.label()));
                    }
                    t
                }
                EventKind::NoteAdded => String::new(),
                EventKind::NoteAmended => {
                    let found = notes.values().find_map(|n| {
                        n.amendments
                            .iter()
                            .find(|a| a.id.as_str() == e.subject_id)
                            .map(|a| (n, a))
                    });
                    match found {
                        Some((n, a)) => format!(
                            "{} note of {} amended by {}{}. Reason: {}",
                            n.kind.label(),
                            when(n.occurred_at, &state.tz),
                            a.author_name,
                            if a.amended_as == caseload_domain::notes::AmendedAs::Supervisor {
                                " (supervisor)"
                            } else {
                                ""
                            },
                            a.reason
                        ),
                        None => "Note amended.".into(),
                    }
                }
                EventKind::OutcomeAdded => match outcome_by_id.get(&e.subject_id) {
                    Some(o) => format!(
                        "Required outcome set: {}{}",
                        o.description,
                        o.target_date
                            .map(|t| format!(" (target {})", day(t)))
                            .unwrap_or_default()
                    ),
                    None => "Required outcome set.".into(),
                },
                EventKind::OutcomeProgress => match progress_by_id.get(&e.subject_id) {
                    Some((o, p)) => format!(
                        "Progress on \"{}\" — now {}: {}",
                        o.description,
                        p.status.label().to_lowercase(),
                        p.text
                    ),
                    None => "Outcome progress recorded.".into(),
                },
                EventKind::ObstacleRaised => match obstacle_by_id.get(&e.subject_id) {
                    Some(o) => format!(
                        "Obstacle raised ({}): {}",
                        o.category.label(),
                        o.description
                    ),
                    None => "Obstacle raised.".into(),
                },
                EventKind::ObstacleResolved => match obstacle_by_id.get(&e.subject_id) {
                    Some(o) => format!(
                        "Obstacle resolved ({}): {}",
                        o.category.label(),
                        o.resolution.clone().unwrap_or_default()
                    ),
                    None => "Obstacle resolved.".into(),
                },
                EventKind::TaskAdded => match task_by_id.get(&e.subject_id) {
                    Some(t) => format!(
                        "Task added: {}{}{}",
                        t.title,
                        t.due_date
                            .map(|d| format!(", due {}", day(d)))
                            .unwrap_or_default(),
                        t.assignee_name
                            .as_ref()
                            .map(|a| format!(", for {a}"))
                            .unwrap_or_default()
                    ),
                    None => "Task added.".into(),
                },
                EventKind::PriorityChanged => {
                    let band = d["band"].as_str().unwrap_or("");
                    let cause = d["cause"].as_str().unwrap_or("");
                    let rationale = d["rationale"].as_str().unwrap_or("");
                    match d["previous_band"].as_str() {
                        Some(prev) => format!("Priority {prev} → {band} ({cause}). {rationale}"),
                        None => format!("Priority set to {band} ({cause}). {rationale}"),
                    }
                }
                EventKind::DeadlineAdded => {
                    match deadlines.iter().find(|d| d.id.as_str() == e.subject_id) {
                        Some(d) => {
                            let mut t =
                                format!("Deadline set: {}, due {}.", d.title, day(d.due_date));
                            if let Some(first) = d.explanation.first() {
                                t.push_str(&format!(" ({first})"));
                            }
                            t
                        }
                        None => "Deadline set.".into(),
                    }
                }
                EventKind::TaskStatusChanged => {
                    let title = task_by_id
                        .get(&e.subject_id)
                        .map(|t| t.title.clone())
                        .unwrap_or_default();
                    let mut t = match d["to"].as_str() {
                        Some("cancelled") => format!("Task \"{title}\" cancelled."),
                        Some("open") => format!("Task \"{title}\" reopened."),
                        _ => format!(
                            "Task \"{title}\" marked {}.",
                            label(d, "to", task_label).to_lowercase()
                        ),
                    };
                    if let Some(r) = d["reason"].as_str() {
                        t.push_str(&format!(" Reason: {r}"));
                    }
                    t
                }
            };
            TimelineView {
                kind: e.kind.label(),
                kind_code: e.kind.as_str(),
                at: when(e.at, &state.tz),
                recorded: when(e.recorded_at, &state.tz),
                actor: e.actor_name.clone(),
                text,
                note: (e.kind == EventKind::NoteAdded)
                    .then(|| {
                        notes
                            .get(&e.subject_id)
                            .map(|n| note_view_for(n, case, &viewer.user, state))
                    })
                    .flatten(),
            }
        })
        .collect();

    let saved = match &view.saved {
        Some((what, item)) => {
            let found = SavedRecords {
                case,
                notes: &notes,
                tasks: &tasks,
                outcomes: &outcomes,
                obstacles: &obstacles,
                deadlines: &deadlines,
                band: &priority.band_name,
                state,
            };
            found.describe(what, item)
        }
        None => String::new(),
    };
    let mut case_header = header(case, state);
    case_header.reach = Some(super::clients::ClientReach::of(&client));
    Ok(CasePage {
        chrome: viewer.chrome("caseload"),
        case: case_header,
        outcomes: outcomes
            .iter()
            .map(|o| OutcomeView {
                id: o.id.to_string(),
                description: o.description.clone(),
                target: o.target_date.map(day).unwrap_or_default(),
                status: o.status.label(),
                status_code: o.status.as_str(),
                progress: o
                    .progress
                    .iter()
                    .map(|p| {
                        (
                            when(p.recorded_at, &state.tz),
                            p.author_name.clone(),
                            p.status.label(),
                            p.text.clone(),
                        )
                    })
                    .collect(),
            })
            .collect(),
        obstacles: obstacles
            .iter()
            .map(|o| ObstacleView {
                id: o.id.to_string(),
                category: o.category.label(),
                description: o.description.clone(),
                raised: when(o.raised_at, &state.tz),
                resolved: o
                    .resolved_at
                    .map(|t| when(t, &state.tz))
                    .unwrap_or_default(),
                resolution: o.resolution.clone().unwrap_or_default(),
            })
            .collect(),
        tasks: tasks
            .iter()
            .map(|t| TaskView {
                id: t.id.to_string(),
                title: t.title.clone(),
                due: t.due_date.map(day).unwrap_or_default(),
                overdue: t.status == TaskStatus::Open && t.due_date.is_some_and(|d| d < today),
                assignee: t
                    .assignee_name
                    .clone()
                    .unwrap_or_else(|| "Unassigned".into()),
                status: t.status.label(),
                open: t.status == TaskStatus::Open,
                cancellation_reason: t.cancellation_reason.clone().unwrap_or_default(),
            })
            .collect(),
        deadlines: deadlines
            .iter()
            .map(|d| {
                let state = readings
                    .deadlines
                    .iter()
                    .find(|r| r.deadline_id == d.id.as_str())
                    .map(|r| r.state);
                DeadlineView {
                    title: d.title.clone(),
                    due: day(d.due_date),
                    overdue: d.due_date < today,
                    explanation: d.explanation.clone(),
                    state: state.map(|s| s.as_str()).unwrap_or(""),
                    state_label: state.map(|s| s.describe()).unwrap_or_default(),
                }
            })
            .collect(),
        clocks: readings
            .clocks
            .iter()
            .map(|r| ClockView {
                label: r.clock.label(),
                started: day(r.started),
                due: r.due.map(day).unwrap_or_default(),
                state: r.state.as_str(),
                state_label: r.state.describe(),
                action: r.clock.action(),
            })
            .collect(),
        timescales_version,
        priority,
        timeline,
        errors,
        outcome_statuses: OutcomeStatus::ALL
            .iter()
            .map(|s| (s.as_str(), s.label()))
            .collect(),
        saved,
        oldest_first: view.oldest_first,
        print: view.print,
        kinds: HISTORY_KINDS
            .iter()
            .map(|(code, label, _)| KindChoice {
                code,
                label,
                chosen: view.kinds.contains(code),
            })
            .collect(),
        shown: shown_words,
    })
}

/// The case's records, to say what a form just saved in words (the
/// confirmation after POST/redirect/GET).
struct SavedRecords<'a> {
    case: &'a Case,
    notes: &'a HashMap<String, Note>,
    tasks: &'a [Task],
    outcomes: &'a [caseload_store::Outcome],
    obstacles: &'a [caseload_store::Obstacle],
    deadlines: &'a [caseload_store::Deadline],
    band: &'a str,
    state: &'a AppState,
}

impl SavedRecords<'_> {
    fn describe(&self, what: &str, item: &str) -> String {
        let tz = &self.state.tz;
        let task = || self.tasks.iter().find(|t| t.id.as_str() == item);
        let outcome = || self.outcomes.iter().find(|o| o.id.as_str() == item);
        let obstacle = || self.obstacles.iter().find(|o| o.id.as_str() == item);
        let found = match what {
            "note" => self.notes.get(item).map(|n| {
                format!(
                    "Note saved: {}, {}.",
                    n.kind.label().to_lowercase(),
                    when(n.occurred_at, tz)
                )
            }),
            "amendment" => self.notes.values().find_map(|n| {
                let a = n.amendments.iter().find(|a| a.id.as_str() == item)?;
                Some(format!(
                    "Amendment saved{}: {} note of {}.",
                    if a.amended_as == caseload_domain::notes::AmendedAs::Supervisor {
                        " (as supervisor)"
                    } else {
                        ""
                    },
                    n.kind.label().to_lowercase(),
                    when(n.occurred_at, tz)
                ))
            }),
            "task" => task().map(|t| {
                format!(
                    "Task added: {}{}.",
                    t.title,
                    t.due_date
                        .map(|d| format!(", due {}", day(d)))
                        .unwrap_or_default()
                )
            }),
            "task_done" => task().map(|t| format!("Task marked done: {}.", t.title)),
            "task_cancelled" => task().map(|t| {
                format!(
                    "Task cancelled: {}. Reason: {}",
                    t.title,
                    t.cancellation_reason.as_deref().unwrap_or("")
                )
            }),
            "task_reopened" => task().map(|t| format!("Task reopened: {}.", t.title)),
            "outcome" => outcome().map(|o| format!("Outcome added: {}.", o.description)),
            "progress" => outcome().map(|o| {
                format!(
                    "Progress saved on \"{}\": now {}.",
                    o.description,
                    o.status.label().to_lowercase()
                )
            }),
            "obstacle" => obstacle().map(|o| {
                format!(
                    "Obstacle recorded ({}): {}.",
                    o.category.label(),
                    o.description
                )
            }),
            "resolved" => obstacle().map(|o| {
                format!(
                    "Obstacle marked resolved ({}): {}.",
                    o.category.label(),
                    o.description
                )
            }),
            "deadline" => self
                .deadlines
                .iter()
                .find(|d| d.id.as_str() == item)
                .map(|d| format!("Deadline added: {}, due {}.", d.title, day(d.due_date))),
            "status" => Some(format!("Status changed to {}.", self.case.status.label())),
            "assessment" => Some(format!("Priority assessed: {}.", self.band)),
            "priority" => Some(format!("Priority band changed to {}.", self.band)),
            _ => None,
        };
        found.unwrap_or_else(|| "Saved.".to_owned())
    }
}

/// Handles `GET /cases/{id}`: the case, its history newest first unless
/// `?order=oldest` (or `?print=1`), narrowed by `?kind=`; after a form,
/// `?saved=` says what was saved.
pub async fn show(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<String>,
    Query(query): Query<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let case = viewer.case(&state, &id).await?;
    let view = HistoryView::from_query(&query);
    render(&case_page(&state, &viewer, &case, FormErrors::default(), &view).await?)
}

/// Re-show the case page with a problem from one of its small forms.
pub async fn show_with_error(
    state: &AppState,
    viewer: &Viewer,
    case: &Case,
    field: &str,
    message: &str,
) -> Result<Response, PageError> {
    case_with_error(state, viewer, case, field, message).await
}

async fn case_with_error(
    state: &AppState,
    viewer: &Viewer,
    case: &Case,
    field: &str,
    message: &str,
) -> Result<Response, PageError> {
    let mut errors = FormErrors::default();
    errors.push(field, message);
    render_invalid(&case_page(state, viewer, case, errors, &HistoryView::default()).await?)
}

// ---- New case -------------------------------------------------------------

#[derive(Template)]
#[template(path = "case_form.html")]
pub struct CaseForm {
    pub chrome: Chrome,
    pub client_id: String,
    pub client_name: String,
    pub errors: FormErrors,
    pub title: String,
    pub area: String,
    pub complexity: String,
    pub status: String,
    pub owner: String,
    pub areas: Vec<(&'static str, &'static str)>,
    pub complexities: Vec<(&'static str, &'static str)>,
    pub owners: Vec<(String, String)>,
}

const CASE_LABELS: &[(&str, &str)] = &[
    ("title", "Case title"),
    ("service_area", "Service area"),
    ("complexity", "Complexity"),
    ("status", "Starting status"),
    ("owner_id", "Owner"),
];

async fn case_form(
    state: &AppState,
    viewer: &Viewer,
    client: &caseload_store::Client,
    fields: &Fields,
    errors: FormErrors,
) -> Result<CaseForm, PageError> {
    let owners = match &viewer.user.team_id {
        Some(team) => state
            .store
            .team_summary(team, state.today())
            .await?
            .into_iter()
            .map(|m| (m.user.id.to_string(), m.user.name))
            .collect(),
        None => vec![(viewer.user.id.to_string(), viewer.user.name.clone())],
    };
    Ok(CaseForm {
        chrome: viewer.chrome("caseload"),
        client_id: client.id.to_string(),
        client_name: client.name.clone(),
        errors,
        title: fields.get("title").to_owned(),
        area: fields.get("service_area").to_owned(),
        complexity: fields.opt("complexity").unwrap_or("medium").to_owned(),
        status: fields.opt("status").unwrap_or("open").to_owned(),
        owner: fields
            .opt("owner_id")
            .map(str::to_owned)
            .unwrap_or_else(|| viewer.user.id.to_string()),
        areas: ServiceArea::ALL
            .iter()
            .map(|a| (a.as_str(), a.label()))
            .collect(),
        complexities: Complexity::ALL
            .iter()
            .map(|c| (c.as_str(), c.label()))
            .collect(),
        owners,
    })
}

/// Handles `GET /clients/{id}/cases/new`.
pub async fn new_page(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    viewer.require_case_worker()?;
    let client = super::clients::visible_client(&state, &viewer, &id).await?;
    render(
        &case_form(
            &state,
            &viewer,
            &client,
            &Fields::default(),
            FormErrors::default(),
        )
        .await?,
    )
}

/// Handles `POST /clients/{id}/cases/new`.
pub async fn create(
    State(state): State<AppState>,
    Path(id): Path<String>,
    CsrfForm(viewer, fields): CsrfForm,
) -> Result<Response, PageError> {
    viewer.require_case_worker()?;
    let client = super::clients::visible_client(&state, &viewer, &id).await?;
    let mut errors = FieldErrors::new();
    let title = errors.take(single_line("title", fields.get("title"), limits::TITLE));
    let area = ServiceArea::parse(fields.get("service_area"));
    if area.is_none() {
        errors.push("service_area", "must be chosen");
    }
    let complexity = Complexity::parse(fields.get("complexity"));
    if complexity.is_none() {
        errors.push("complexity", "must be chosen");
    }
    let status = match fields.get("status") {
        "referral" => Some(CaseStatus::Referral),
        "open" | "" => Some(CaseStatus::Open),
        _ => {
            errors.push("status", "must be referral or open");
            None
        }
    };
    let owner = match UserId::parse(fields.get("owner_id")) {
        None => {
            errors.push("owner_id", "must be someone in your team");
            None
        }
        Some(id) => match state.store.get_user(&id).await {
            Ok(u)
                if u.active
                    && u.role.works_cases()
                    && viewer.user.actor().can_assign_to(&u.id, u.team_id.as_ref()) =>
            {
                Some(u)
            }
            Ok(_) | Err(StoreError::NotFound(_)) => {
                errors.push(
                    "owner_id",
                    "must be an active practitioner or supervisor in your team",
                );
                None
            }
            Err(e) => return Err(e.into()),
        },
    };
    let (Some(title), Some(area), Some(complexity), Some(status), Some(owner)) =
        (title, area, complexity, status, owner)
    else {
        let errors = FormErrors::labelled(&errors, CASE_LABELS);
        return render_invalid(&case_form(&state, &viewer, &client, &fields, errors).await?);
    };
    let Some(team_id) = owner.team_id.clone() else {
        return Err(PageError::Forbidden);
    };
    let new = NewCase {
        client_id: client.id,
        title,
        service_area: area,
        complexity,
        owner_id: owner.id,
        team_id,
        status,
    };
    let case = state
        .store
        .create_case(&new, &viewer.write_ctx(&state))
        .await?;
    Ok(see_other(&format!("/cases/{}", case.id)))
}

// ---- Status -----------------------------------------------------------------

#[derive(Template)]
#[template(path = "status_form.html")]
pub struct StatusForm {
    pub chrome: Chrome,
    pub case: Header,
    pub errors: FormErrors,
    pub choices: Vec<(&'static str, &'static str)>,
    pub chosen: String,
    pub reason: String,
    pub closure_reasons: Vec<(&'static str, &'static str)>,
    pub closure_reason: String,
    pub closure_summary: String,
}

const STATUS_LABELS: &[(&str, &str)] = &[
    ("status", "New status"),
    ("reason", "Reason"),
    ("closure_reason", "Closure reason"),
    ("closure_summary", "Closure summary"),
];

fn status_form(
    state: &AppState,
    viewer: &Viewer,
    case: &Case,
    fields: &Fields,
    errors: FormErrors,
) -> StatusForm {
    StatusForm {
        chrome: viewer.chrome("caseload"),
        case: header(case, state),
        errors,
        choices: case
            .status
            .next()
            .iter()
            .map(|s| (s.as_str(), s.label()))
            .collect(),
        chosen: fields.get("status").to_owned(),
        reason: fields.get("reason").to_owned(),
        closure_reasons: ClosureReason::ALL
            .iter()
            .map(|r| (r.as_str(), r.label()))
            .collect(),
        closure_reason: fields.get("closure_reason").to_owned(),
        closure_summary: fields.get("closure_summary").to_owned(),
    }
}

/// Handles `GET /cases/{id}/status`.
pub async fn status_page(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let case = viewer.case(&state, &id).await?;
    render(&status_form(
        &state,
        &viewer,
        &case,
        &Fields::default(),
        FormErrors::default(),
    ))
}

/// Handles `POST /cases/{id}/status`.
pub async fn change_status(
    State(state): State<AppState>,
    Path(id): Path<String>,
    CsrfForm(viewer, fields): CsrfForm,
) -> Result<Response, PageError> {
    let case = viewer.case(&state, &id).await?;
    let Some(status) = CaseStatus::parse(fields.get("status")) else {
        let errors = FormErrors::labelled(
            &FieldErrors::single("status", "must be chosen"),
            STATUS_LABELS,
        );
        return render_invalid(&status_form(&state, &viewer, &case, &fields, errors));
    };
    let body = StatusChangeBody {
        status,
        reason: fields.opt("reason").map(str::to_owned),
        closure_reason: fields.opt("closure_reason").and_then(ClosureReason::parse),
        closure_summary: fields.opt("closure_summary").map(str::to_owned),
    };
    let change = match parse_status_change(&case, &body) {
        Ok(c) => c,
        Err(crate::problem::ApiError::Validation(errors)) => {
            return render_invalid(&status_form(
                &state,
                &viewer,
                &case,
                &fields,
                FormErrors::labelled(&errors, STATUS_LABELS),
            ));
        }
        Err(e) => {
            let message = e.problem().detail;
            let errors =
                FormErrors::labelled(&FieldErrors::single("status", message), &[("status", "")]);
            return render_invalid(&status_form(&state, &viewer, &case, &fields, errors));
        }
    };
    state
        .store
        .change_case_status(&case.id, &change, &viewer.write_ctx(&state))
        .await?;
    Ok(see_saved(
        &format!("/cases/{}", case.id),
        "status",
        None,
        "",
    ))
}

// ---- Outcomes, obstacles, tasks ---------------------------------------------

#[derive(Template)]
#[template(path = "item_form.html")]
pub struct ItemForm {
    pub chrome: Chrome,
    pub case: Header,
    pub errors: FormErrors,
    pub kind: &'static str,
    pub fields: Fields,
    pub categories: Vec<(&'static str, &'static str)>,
    pub assignees: Vec<(String, String)>,
}

async fn item_form(
    state: &AppState,
    viewer: &Viewer,
    case: &Case,
    kind: &'static str,
    fields: Fields,
    errors: FormErrors,
) -> Result<ItemForm, PageError> {
    let assignees = if kind == "task" {
        state
            .store
            .team_summary(&case.team_id, state.today())
            .await?
            .into_iter()
            .map(|m| (m.user.id.to_string(), m.user.name))
            .collect()
    } else {
        Vec::new()
    };
    Ok(ItemForm {
        chrome: viewer.chrome("caseload"),
        case: header(case, state),
        errors,
        kind,
        fields,
        categories: ObstacleCategory::ALL
            .iter()
            .map(|c| (c.as_str(), c.label()))
            .collect(),
        assignees,
    })
}

fn parse_date(field: &str, value: &str, errors: &mut FieldErrors) -> Option<Date> {
    if value.trim().is_empty() {
        return None;
    }
    match value.trim().parse::<Date>() {
        Ok(d) if (2000..=2200).contains(&d.year()) => Some(d),
        _ => {
            errors.push(field, "must be a real date, like 2026-03-31");
            None
        }
    }
}

/// Handles `GET /cases/{id}/outcomes/new`.
pub async fn outcome_page(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let case = viewer.case(&state, &id).await?;
    render(
        &item_form(
            &state,
            &viewer,
            &case,
            "outcome",
            Fields::default(),
            FormErrors::default(),
        )
        .await?,
    )
}

/// Handles `POST /cases/{id}/outcomes/new`.
pub async fn add_outcome(
    State(state): State<AppState>,
    Path(id): Path<String>,
    CsrfForm(viewer, fields): CsrfForm,
) -> Result<Response, PageError> {
    let case = viewer.case(&state, &id).await?;
    let mut errors = FieldErrors::new();
    let target = parse_date("target_date", fields.get("target_date"), &mut errors);
    let new = match crate::api::outcomes::parse_outcome(&case.id, fields.get("description"), target)
    {
        Ok(n) if errors.is_empty() => n,
        other => {
            if let Err(e) = other {
                errors.0.extend(e.0);
            }
            let labels = &[("description", "Outcome"), ("target_date", "Target date")];
            return render_invalid(
                &item_form(
                    &state,
                    &viewer,
                    &case,
                    "outcome",
                    fields,
                    FormErrors::labelled(&errors, labels),
                )
                .await?,
            );
        }
    };
    let outcome = state
        .store
        .add_outcome(&new, &viewer.write_ctx(&state))
        .await?;
    Ok(see_saved(
        &format!("/cases/{}", case.id),
        "outcome",
        Some(outcome.id.as_str()),
        "outcomes",
    ))
}

/// Handles `POST /cases/{id}/outcomes/{outcome_id}/progress`.
pub async fn outcome_progress(
    State(state): State<AppState>,
    Path((id, outcome_id)): Path<(String, String)>,
    CsrfForm(viewer, fields): CsrfForm,
) -> Result<Response, PageError> {
    let case = viewer.case(&state, &id).await?;
    let outcome_id = OutcomeId::parse(&outcome_id).ok_or(PageError::NotFound)?;
    let outcome = state.store.get_outcome(&outcome_id).await?;
    if outcome.case_id != case.id {
        return Err(PageError::NotFound);
    }
    let Some(status) = OutcomeStatus::parse(fields.get("status")) else {
        return case_with_error(
            &state,
            &viewer,
            &case,
            &format!("progress-{outcome_id}"),
            "Choose the outcome's status",
        )
        .await;
    };
    let text = match prose("text", fields.get("text"), limits::SUMMARY) {
        Ok(t) => t,
        Err(e) => {
            return case_with_error(
                &state,
                &viewer,
                &case,
                &format!("progress-{outcome_id}"),
                &format!("Progress {}", e.message),
            )
            .await;
        }
    };
    state
        .store
        .add_outcome_progress(
            &NewProgress {
                outcome_id: outcome_id.clone(),
                status,
                text,
            },
            &viewer.write_ctx(&state),
        )
        .await?;
    Ok(see_saved(
        &format!("/cases/{}", case.id),
        "progress",
        Some(outcome_id.as_str()),
        "outcomes",
    ))
}

/// Handles `GET /cases/{id}/obstacles/new`.
pub async fn obstacle_page(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let case = viewer.case(&state, &id).await?;
    render(
        &item_form(
            &state,
            &viewer,
            &case,
            "obstacle",
            Fields::default(),
            FormErrors::default(),
        )
        .await?,
    )
}

/// Handles `POST /cases/{id}/obstacles/new`.
pub async fn add_obstacle(
    State(state): State<AppState>,
    Path(id): Path<String>,
    CsrfForm(viewer, fields): CsrfForm,
) -> Result<Response, PageError> {
    let case = viewer.case(&state, &id).await?;
    let mut errors = FieldErrors::new();
    let category = ObstacleCategory::parse(fields.get("category"));
    if category.is_none() {
        errors.push("category", "must be chosen");
    }
    let description = errors.take(prose(
        "description",
        fields.get("description"),
        limits::SUMMARY,
    ));
    let (Some(category), Some(description)) = (category, description) else {
        let labels = &[("category", "Category"), ("description", "Description")];
        return render_invalid(
            &item_form(
                &state,
                &viewer,
                &case,
                "obstacle",
                fields,
                FormErrors::labelled(&errors, labels),
            )
            .await?,
        );
    };
    let obstacle = state
        .store
        .add_obstacle(
            &NewObstacle {
                case_id: case.id.clone(),
                category,
                description,
            },
            &viewer.write_ctx(&state),
        )
        .await?;
    Ok(see_saved(
        &format!("/cases/{}", case.id),
        "obstacle",
        Some(obstacle.id.as_str()),
        "obstacles",
    ))
}

/// Handles `POST /cases/{id}/obstacles/{obstacle_id}/resolve`.
pub async fn resolve_obstacle(
    State(state): State<AppState>,
    Path((id, obstacle_id)): Path<(String, String)>,
    CsrfForm(viewer, fields): CsrfForm,
) -> Result<Response, PageError> {
    let case = viewer.case(&state, &id).await?;
    let obstacle_id = ObstacleId::parse(&obstacle_id).ok_or(PageError::NotFound)?;
    let obstacle = state.store.get_obstacle(&obstacle_id).await?;
    if obstacle.case_id != case.id {
        return Err(PageError::NotFound);
    }
    let resolution = match prose("resolution", fields.get("resolution"), limits::SUMMARY) {
        Ok(r) => r,
        Err(e) => {
            return case_with_error(
                &state,
                &viewer,
                &case,
                &format!("resolve-{obstacle_id}"),
                &format!("How it was resolved {}", e.message),
            )
            .await;
        }
    };
    match state
        .store
        .resolve_obstacle(&obstacle_id, &resolution, &viewer.write_ctx(&state))
        .await
    {
        Ok(_) => Ok(see_saved(
            &format!("/cases/{}", case.id),
            "resolved",
            Some(obstacle_id.as_str()),
            "obstacles",
        )),
        Err(StoreError::Conflict(_)) => Ok(see_other(&format!("/cases/{}#obstacles", case.id))),
        Err(e) => Err(e.into()),
    }
}

/// Handles `GET /cases/{id}/tasks/new`.
pub async fn task_page(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let case = viewer.case(&state, &id).await?;
    let fields = Fields(vec![("assignee_id".into(), viewer.user.id.to_string())]);
    render(
        &item_form(
            &state,
            &viewer,
            &case,
            "task",
            fields,
            FormErrors::default(),
        )
        .await?,
    )
}

/// Handles `POST /cases/{id}/tasks/new`.
pub async fn add_task(
    State(state): State<AppState>,
    Path(id): Path<String>,
    CsrfForm(viewer, fields): CsrfForm,
) -> Result<Response, PageError> {
    let case = viewer.case(&state, &id).await?;
    let mut errors = FieldErrors::new();
    let due = parse_date("due_date", fields.get("due_date"), &mut errors);
    let parsed = crate::api::tasks::parse_task(
        &state,
        &case,
        fields.get("title"),
        due,
        fields.opt("assignee_id"),
    )
    .await;
    let new = match parsed {
        Ok(n) if errors.is_empty() => n,
        Ok(_) => return invalid_task(&state, &viewer, &case, fields, errors).await,
        Err(crate::problem::ApiError::Validation(e)) => {
            errors.0.extend(e.0);
            return invalid_task(&state, &viewer, &case, fields, errors).await;
        }
        Err(_) => {
            return Err(PageError::Internal {
                reference: viewer.request_id.clone(),
            });
        }
    };
    let task = state
        .store
        .add_task(&new, &viewer.write_ctx(&state))
        .await?;
    Ok(see_saved(
        &format!("/cases/{}", case.id),
        "task",
        Some(task.id.as_str()),
        "tasks",
    ))
}

async fn invalid_task(
    state: &AppState,
    viewer: &Viewer,
    case: &Case,
    fields: Fields,
    errors: FieldErrors,
) -> Result<Response, PageError> {
    let labels = &[
        ("title", "Task"),
        ("due_date", "Due date"),
        ("assignee_id", "Assignee"),
    ];
    render_invalid(
        &item_form(
            state,
            viewer,
            case,
            "task",
            fields,
            FormErrors::labelled(&errors, labels),
        )
        .await?,
    )
}

/// Handles `POST /cases/{id}/tasks/{task_id}/status`.
pub async fn task_status(
    State(state): State<AppState>,
    Path((id, task_id)): Path<(String, String)>,
    CsrfForm(viewer, fields): CsrfForm,
) -> Result<Response, PageError> {
    let case = viewer.case(&state, &id).await?;
    let task_id = TaskId::parse(&task_id).ok_or(PageError::NotFound)?;
    let task = state.store.get_task(&task_id).await?;
    if task.case_id != case.id {
        return Err(PageError::NotFound);
    }
    let Some(to) = TaskStatus::parse(fields.get("status")) else {
        return case_with_error(
            &state,
            &viewer,
            &case,
            "tasks",
            "Choose what to do with the task",
        )
        .await;
    };
    let reason = match crate::api::tasks::parse_task_reason(to, fields.opt("reason")) {
        Ok(r) => r,
        Err(errors) => {
            return render_invalid(&cancel_form(
                &state,
                &viewer,
                &case,
                &task,
                fields.get("reason"),
                FormErrors::labelled(&errors, &[("reason", "Why it is cancelled")]),
            ));
        }
    };
    if to == task.status {
        return Ok(see_other(&format!("/cases/{}#tasks", case.id)));
    }
    match state
        .store
        .change_task_status(
            &task_id,
            task.status,
            to,
            reason.as_deref(),
            &viewer.write_ctx(&state),
        )
        .await
    {
        Ok(_) => {
            let saved = match to {
                TaskStatus::Done => "task_done",
                TaskStatus::Cancelled => "task_cancelled",
                TaskStatus::Open => "task_reopened",
            };
            Ok(see_saved(
                &format!("/cases/{}", case.id),
                saved,
                Some(task_id.as_str()),
                "tasks",
            ))
        }
        // Someone else changed it meanwhile: show the page as it now is.
        Err(StoreError::Conflict(_)) => Ok(see_other(&format!("/cases/{}#tasks", case.id))),
        Err(e) => Err(e.into()),
    }
}

#[derive(Template)]
#[template(path = "task_cancel.html")]
pub struct CancelForm {
    pub chrome: Chrome,
    pub case: Header,
    pub errors: FormErrors,
    pub task_id: String,
    pub title: String,
    pub due: String,
    pub reason: String,
}

fn cancel_form(
    state: &AppState,
    viewer: &Viewer,
    case: &Case,
    task: &Task,
    reason: &str,
    errors: FormErrors,
) -> CancelForm {
    CancelForm {
        chrome: viewer.chrome("caseload"),
        case: header(case, state),
        errors,
        task_id: task.id.to_string(),
        title: task.title.clone(),
        due: task.due_date.map(day).unwrap_or_default(),
        reason: reason.to_owned(),
    }
}

/// Handles `GET /cases/{id}/tasks/{task_id}/cancel`: ask why before a task
/// is cancelled. A task that is no longer open goes back to the case.
pub async fn cancel_task_page(
    State(state): State<AppState>,
    viewer: Viewer,
    Path((id, task_id)): Path<(String, String)>,
) -> Result<Response, PageError> {
    let case = viewer.case(&state, &id).await?;
    let task_id = TaskId::parse(&task_id).ok_or(PageError::NotFound)?;
    let task = state.store.get_task(&task_id).await?;
    if task.case_id != case.id {
        return Err(PageError::NotFound);
    }
    if task.status != TaskStatus::Open {
        return Ok(see_other(&format!("/cases/{}#tasks", case.id)));
    }
    render(&cancel_form(
        &state,
        &viewer,
        &case,
        &task,
        "",
        FormErrors::default(),
    ))
}

/// Used by the client page: a case list entry.
pub fn client_case_line(case: &Case) -> (String, String, &'static str, &'static str) {
    (
        case.id.to_string(),
        case.title.clone(),
        case.service_area.label(),
        case.status.label(),
    )
}

// ---- Deadlines ----------------------------------------------------------------

#[derive(Template)]
#[template(path = "deadline_form.html")]
pub struct DeadlineForm {
    pub chrome: Chrome,
    pub case: Header,
    pub errors: FormErrors,
    pub fields: Fields,
    pub rules: Vec<(String, String)>,
    pub calendars: Vec<(&'static str, &'static str)>,
}

fn deadline_form(
    state: &AppState,
    viewer: &Viewer,
    case: &Case,
    fields: Fields,
    errors: FormErrors,
) -> DeadlineForm {
    DeadlineForm {
        chrome: viewer.chrome("caseload"),
        case: header(case, state),
        errors,
        fields,
        rules: state
            .deadlines
            .rules
            .iter()
            .map(|r| (r.id.clone(), r.name.clone()))
            .collect(),
        calendars: caseload_domain::calendars::Division::ALL
            .iter()
            .map(|d| (d.as_str(), d.label()))
            .collect(),
    }
}

/// Handles `GET /cases/{id}/deadlines/new`.
pub async fn deadline_page(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let case = viewer.case(&state, &id).await?;
    render(&deadline_form(
        &state,
        &viewer,
        &case,
        Fields::default(),
        FormErrors::default(),
    ))
}

/// Handles `POST /cases/{id}/deadlines/new`.
pub async fn add_deadline(
    State(state): State<AppState>,
    Path(id): Path<String>,
    CsrfForm(viewer, fields): CsrfForm,
) -> Result<Response, PageError> {
    let case = viewer.case(&state, &id).await?;
    match save_deadline(&state, &viewer, &case, &fields).await? {
        Ok(deadline) => Ok(deadline_saved(&case, &deadline)),
        Err(errors) => render_invalid(&deadline_form(
            &state,
            &viewer,
            &case,
            fields,
            FormErrors::labelled(&errors, DEADLINE_LABELS),
        )),
    }
}

/// Back to the case, saying which deadline was added.
pub fn deadline_saved(case: &Case, deadline: &caseload_store::Deadline) -> Response {
    see_saved(
        &format!("/cases/{}", case.id),
        "deadline",
        Some(deadline.id.as_str()),
        "deadlines",
    )
}

pub const DEADLINE_LABELS: &[(&str, &str)] = &[
    ("rule", "Deadline rule"),
    ("trigger_date", "Trigger date"),
    ("due_date", "Due date"),
    ("title", "Title"),
    ("pause_from", "Clock stop start"),
    ("pause_to", "Clock stop end"),
    ("pauses", "Clock stop"),
];

/// Add a deadline to `case` from a form's fields (the case's own form, or
/// the calculator's "add to a case"): the deadline, or what is wrong.
pub async fn save_deadline(
    state: &AppState,
    viewer: &Viewer,
    case: &Case,
    fields: &Fields,
) -> Result<Result<caseload_store::Deadline, FieldErrors>, PageError> {
    use caseload_domain::calendars::Division;
    use caseload_domain::deadlines::Pause;
    let mut errors = FieldErrors::new();
    let trigger = parse_date("trigger_date", fields.get("trigger_date"), &mut errors);
    let due = parse_date("due_date", fields.get("due_date"), &mut errors);
    let pause_from = parse_date("pause_from", fields.get("pause_from"), &mut errors);
    let pause_to = parse_date("pause_to", fields.get("pause_to"), &mut errors);
    let pauses = match (pause_from, pause_to) {
        (Some(from), Some(to)) => vec![Pause { from, to }],
        (None, None) => Vec::new(),
        _ => {
            errors.push(
                "pause_from",
                "and the end of the clock stop go together: give both dates or neither",
            );
            Vec::new()
        }
    };
    if errors.is_empty() {
        let input = crate::api::deadlines::DeadlineInput {
            rule: fields.opt("rule"),
            trigger_date: trigger,
            calendar: Division::parse(fields.get("calendar")),
            pauses,
            title: fields.opt("title"),
            due_date: due,
        };
        match crate::api::deadlines::parse_deadline(state, case, &input).await {
            Ok(new) => {
                let deadline = state
                    .store
                    .add_deadline(&new, &viewer.write_ctx(state))
                    .await?;
                return Ok(Ok(deadline));
            }
            Err(crate::api::deadlines::CalcError::Input(e)) => errors.0.extend(e.0),
            Err(crate::api::deadlines::CalcError::Store(e)) => return Err(e.into()),
        }
    }
    Ok(Err(errors))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_of_history_entry_can_be_chosen_in_the_filter() {
        for kind in EventKind::ALL {
            let groups = HISTORY_KINDS
                .iter()
                .filter(|(_, _, kinds)| kinds.contains(kind))
                .count();
            assert_eq!(groups, 1, "{kind} belongs to exactly one filter choice");
        }
    }

    #[test]
    fn the_history_is_newest_first_unless_asked_and_printing_is_oldest_first_and_whole() {
        let q = |pairs: &[(&str, &str)]| {
            let owned: Vec<(String, String)> = pairs
                .iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                .collect();
            HistoryView::from_query(&owned)
        };
        assert!(!q(&[]).oldest_first);
        assert!(q(&[("order", "oldest")]).oldest_first);
        assert!(!q(&[("order", "sideways")]).oldest_first);
        let narrowed = q(&[("kind", "tasks"), ("kind", "nonsense"), ("kind", "notes")]);
        assert_eq!(narrowed.kinds, ["notes", "tasks"]);
        assert!(narrowed.shows(EventKind::TaskStatusChanged));
        assert!(!narrowed.shows(EventKind::PriorityChanged));
        let print = q(&[("print", "1"), ("kind", "tasks")]);
        assert!(print.oldest_first && print.print && print.kinds.is_empty());
        assert_eq!(
            q(&[("saved", "<b>"), ("item", "x")]).saved,
            None,
            "only known words"
        );
    }
}
