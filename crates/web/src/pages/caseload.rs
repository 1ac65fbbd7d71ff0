//! *My caseload*: the landing page, and the prioritised queue (SPEC C2): a
//! practitioner's active cases in the queue's order — the very order of
//! `GET /api/v1/caseload`, from the same function — with "why?" on demand
//! and flags for what needs action now: no assessment, assessment due, high
//! priority without a next action or first contact, overdue tasks, clocks
//! and deadlines at risk or breached. Other orders (by any column) are a
//! click away, and the page always says which order it shows.

use askama::Template;
use axum::extract::{Query, State};
use axum::response::Response;
use caseload_domain::cases::{CaseStatus, ServiceArea};
use serde::Deserialize;

use super::format::{day, when};
use super::{Chrome, PageError, QueueViewer, Viewer, render};
use crate::AppState;
use crate::queue::QueueRow;

#[derive(Debug, Deserialize, Default)]
pub struct CaseloadQuery {
    pub status: Option<String>,
    pub area: Option<String>,
    pub sort: Option<String>,
    pub dir: Option<String>,
}

/// One row as shown.
pub struct Row {
    pub position: usize,
    pub band: String,
    pub band_label: String,
    pub why: Vec<String>,
    /// Each flag in words, with its style (`flag-overdue` for what is
    /// breached or missing, `flag-late` for what is at risk).
    pub flags: Vec<(String, &'static str)>,
    pub case_id: String,
    pub client_id: String,
    pub client: String,
    pub title: String,
    pub area: &'static str,
    pub status: &'static str,
    pub status_code: &'static str,
    pub last_contact: String,
    pub last_contact_sort: String,
    pub next_task: String,
    pub next_due: String,
    pub next_due_sort: String,
    pub overdue: bool,
    pub overdue_tasks: i64,
}

pub struct SortLink {
    pub key: &'static str,
    pub label: &'static str,
    pub href: String,
    /// `ascending`, `descending` or `none`, for `aria-sort`.
    pub aria: &'static str,
}

#[derive(Template)]
#[template(path = "caseload.html")]
pub struct CaseloadPage {
    pub chrome: Chrome,
    pub heading: String,
    pub intro: String,
    pub rows: Vec<Row>,
    pub total: usize,
    pub columns: Vec<SortLink>,
    /// Which order the rows are in, in words ("Priority order: …").
    pub order: String,
    /// The link back to the queue's own order, when another is shown.
    pub queue_order_href: Option<String>,
    pub statuses: Vec<(&'static str, &'static str, bool)>,
    pub areas: Vec<(&'static str, &'static str, bool)>,
    pub filtered: bool,
    pub action: String,
    pub can_add: bool,
}

const COLUMNS: &[(&str, &str)] = &[
    ("priority", "Priority"),
    ("client", "Client"),
    ("title", "Case"),
    ("area", "Service area"),
    ("status", "Status"),
    ("contact", "Last contact"),
    ("due", "Next task"),
    ("flags", "Flags"),
];

pub fn build(
    state: &AppState,
    viewer: &Viewer,
    rows: Vec<QueueRow>,
    q: &CaseloadQuery,
    heading: String,
    action: String,
) -> CaseloadPage {
    let today = state.today();
    let status = q.status.as_deref().and_then(CaseStatus::parse);
    let area = q.area.as_deref().and_then(ServiceArea::parse);
    let total = rows.len();
    let mut shown: Vec<Row> = rows
        .into_iter()
        .enumerate()
        .filter(|(_, q)| status.is_none_or(|s| q.row.case.status == s))
        .filter(|(_, q)| area.is_none_or(|a| q.row.case.service_area == a))
        .map(|(position, q)| {
            let flags = flags_in_words(&q);
            (
                position,
                q.band.clone(),
                q.band_name.clone(),
                q.why,
                flags,
                q.row,
            )
        })
        .map(|(position, band, band_name, why, flags, r)| Row {
            position,
            band_label: match (&band, &band_name) {
                (Some(b), Some(n)) => format!("{b} {n}"),
                (Some(b), None) => b.clone(),
                _ => "Not assessed".into(),
            },
            band: band.unwrap_or_default(),
            why,
            flags,
            case_id: r.case.id.to_string(),
            client_id: r.case.client_id.to_string(),
            client: r.case.client_name.clone(),
            title: r.case.title.clone(),
            area: r.case.service_area.label(),
            status: r.case.status.label(),
            status_code: r.case.status.as_str(),
            last_contact: r
                .last_contact
                .map(|t| when(t, &state.tz))
                .unwrap_or_else(|| "None yet".into()),
            last_contact_sort: r.last_contact.map(|t| t.to_string()).unwrap_or_default(),
            next_task: r
                .next_task_title
                .clone()
                .unwrap_or_else(|| "No next action".into()),
            next_due: r.next_task_due.map(day).unwrap_or_default(),
            next_due_sort: r
                .next_task_due
                .map(|d| d.to_string())
                .unwrap_or_else(|| "9999".into()),
            overdue: r.next_task_due.is_some_and(|d| d < today),
            overdue_tasks: r.overdue_tasks,
        })
        .collect();
    // The queue's own order unless another is asked for.
    let sort = q
        .sort
        .as_deref()
        .filter(|s| COLUMNS.iter().any(|(k, _)| k == s))
        .unwrap_or("priority");
    let descending = q.dir.as_deref() == Some("desc");
    shown.sort_by(|a, b| {
        let ord = match sort {
            "client" => a.client.to_lowercase().cmp(&b.client.to_lowercase()),
            "title" => a.title.to_lowercase().cmp(&b.title.to_lowercase()),
            "area" => a.area.cmp(b.area),
            "status" => a.status.cmp(b.status),
            "contact" => a.last_contact_sort.cmp(&b.last_contact_sort),
            "due" => a.next_due_sort.cmp(&b.next_due_sort),
            "priority" => a.position.cmp(&b.position),
            // Most flags first, then the queue's order.
            "flags" => (b.flags.len() + usize::from(b.overdue_tasks > 0))
                .cmp(&(a.flags.len() + usize::from(a.overdue_tasks > 0)))
                .then(a.position.cmp(&b.position)),
            _ => a.position.cmp(&b.position),
        };
        let ord = ord.then(a.case_id.cmp(&b.case_id));
        if descending { ord.reverse() } else { ord }
    });
    let base_query = |key: &str, desc: bool| {
        let mut parts = vec![format!("sort={key}")];
        if desc {
            parts.push("dir=desc".into());
        }
        if let Some(s) = status {
            parts.push(format!("status={s}"));
        }
        if let Some(a) = area {
            parts.push(format!("area={a}"));
        }
        format!("{action}?{}", parts.join("&"))
    };
    let label = COLUMNS
        .iter()
        .find(|(k, _)| *k == sort)
        .map(|(_, l)| *l)
        .unwrap_or("Priority");
    let order = match (sort, descending) {
        ("priority", false) => "Priority order: by band; within a band, anything breached or at risk first, then the task due soonest, then the oldest case.".to_owned(),
        ("priority", true) => "Priority order, reversed: least urgent first.".to_owned(),
        ("flags", false) => "Sorted by flags: the most flags first, then priority order.".to_owned(),
        ("flags", true) => "Sorted by flags: the fewest flags first.".to_owned(),
        (_, false) => format!("Sorted by {}, A to Z or earliest first.", label.to_lowercase()),
        (_, true) => format!("Sorted by {}, Z to A or latest first.", label.to_lowercase()),
    };
    let queue_order_href = (sort != "priority" || descending).then(|| {
        let mut parts = Vec::new();
        if let Some(s) = status {
            parts.push(format!("status={s}"));
        }
        if let Some(a) = area {
            parts.push(format!("area={a}"));
        }
        if parts.is_empty() {
            action.clone()
        } else {
            format!("{action}?{}", parts.join("&"))
        }
    });
    let columns = COLUMNS
        .iter()
        .map(|(key, label)| {
            let active = *key == sort;
            SortLink {
                key,
                label,
                href: base_query(key, active && !descending),
                aria: match (active, descending) {
                    (false, _) => "none",
                    (true, false) => "ascending",
                    (true, true) => "descending",
                },
            }
        })
        .collect();
    CaseloadPage {
        chrome: viewer.chrome("caseload"),
        heading,
        intro: String::new(),
        total,
        rows: shown,
        columns,
        order,
        queue_order_href,
        statuses: [CaseStatus::Referral, CaseStatus::Open, CaseStatus::OnHold]
            .iter()
            .map(|s| (s.as_str(), s.label(), Some(*s) == status))
            .collect(),
        areas: ServiceArea::ALL
            .iter()
            .map(|a| (a.as_str(), a.label(), Some(*a) == area))
            .collect(),
        filtered: status.is_some() || area.is_some(),
        action,
        can_add: true,
    }
}

/// A row's flags as a practitioner reads them: which clock or deadline is
/// at risk or breached, and its date, rather than "timescale breached".
/// (Overdue tasks are counted separately on the row.)
fn flags_in_words(q: &QueueRow) -> Vec<(String, &'static str)> {
    use caseload_domain::timescales::State;
    let mut out: Vec<(String, &'static str)> = q
        .flags
        .iter()
        .filter_map(|f| f.words())
        .map(|f| (f.to_owned(), "flag-overdue"))
        .collect();
    for r in &q.timescales.clocks {
        match (r.state, r.due) {
            (State::Breached { since }, _) => out.push((
                format!("{} overdue since {}", r.clock.label(), day(since)),
                "flag-overdue",
            )),
            (State::AtRisk { .. }, Some(due)) => {
                out.push((format!("{} due {}", r.clock.label(), day(due)), "flag-late"))
            }
            _ => {}
        }
    }
    for d in &q.timescales.deadlines {
        match d.state {
            State::Breached { .. } => out.push((
                format!("Deadline passed {}: {}", day(d.due), d.title),
                "flag-overdue",
            )),
            State::AtRisk { .. } => {
                out.push((format!("Deadline {}: {}", day(d.due), d.title), "flag-late"))
            }
            _ => {}
        }
    }
    out
}

/// Handles `GET /caseload`.
pub async fn my_caseload(
    State(state): State<AppState>,
    QueueViewer { viewer, mark }: QueueViewer,
    Query(q): Query<CaseloadQuery>,
) -> Result<Response, PageError> {
    if !viewer.user.role.works_cases() {
        return Err(PageError::Forbidden);
    }
    // The read's audit event is made durable while the queue is read: the
    // page still waits for both. The rows are those kept from the viewer's
    // last look if their caseload's mark says nothing has changed.
    let (rows, audited) = tokio::join!(
        state
            .caseloads
            .rows(&*state.store, &viewer.user, &mark, state.today()),
        viewer.audit(&state, "case.list", "case", None)
    );
    audited?;
    let rows = crate::queue::queue(&state, rows?)
        .await
        .map_err(PageError::internal)?;
    let mut page = build(
        &state,
        &viewer,
        rows,
        &q,
        "My caseload".into(),
        "/caseload".into(),
    );
    page.intro = "Your active cases: what to do next, and why.".into();
    render(&page)
}

/// This module's pages and forms, registered by `pages::router`.
pub fn router() -> axum::Router<crate::AppState> {
    use axum::routing::get;
    axum::Router::new().route("/caseload", get(my_caseload))
}
