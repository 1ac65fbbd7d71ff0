//! The case page: header, outcomes, obstacles, tasks, deadlines and clocks,
//! priority, and the timeline with notes in full.

use std::collections::HashMap;

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use caseload_domain::cases::{CaseStatus, ClosureReason};
use caseload_domain::records::{EventKind, OutcomeStatus, TaskStatus};
use caseload_store::{Case, Note, Task};

use super::history::{HISTORY_KINDS, HistoryView};
use super::notes::{NoteView, note_view_for};
use super::{Header, header};
use crate::AppState;
use crate::pages::format::{day, when};
use crate::pages::{Chrome, FormErrors, PageError, Viewer, render, render_invalid};

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
        crate::priorities::policy_for(state, case.service_area.as_str()).await
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
    case_header.reach = Some(crate::pages::clients::ClientReach::of(&client));
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

pub(crate) async fn case_with_error(
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
