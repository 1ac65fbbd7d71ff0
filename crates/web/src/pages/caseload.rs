//! *My caseload*: the landing page. A practitioner's active cases with what
//! needs attention — last contact, next task and when it is due, late notes,
//! overdue tasks — sortable and filterable. When priorities land (C2) this
//! table becomes the prioritised queue: the row model already carries the
//! attention columns the ordering will use.

use askama::Template;
use axum::extract::{Query, State};
use axum::response::Response;
use caseload_domain::cases::{CaseStatus, ServiceArea};
use caseload_store::CaseloadRow;
use serde::Deserialize;

use super::format::{day, when};
use super::{Chrome, PageError, Viewer, render};
use crate::AppState;

#[derive(Debug, Deserialize, Default)]
pub struct CaseloadQuery {
    pub status: Option<String>,
    pub area: Option<String>,
    pub sort: Option<String>,
    pub dir: Option<String>,
}

/// One row as shown.
pub struct Row {
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
    pub late_notes: i64,
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
    pub statuses: Vec<(&'static str, &'static str, bool)>,
    pub areas: Vec<(&'static str, &'static str, bool)>,
    pub filtered: bool,
    pub action: String,
    pub can_add: bool,
}

const COLUMNS: &[(&str, &str)] = &[
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
    rows: Vec<CaseloadRow>,
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
        .filter(|r| status.is_none_or(|s| r.case.status == s))
        .filter(|r| area.is_none_or(|a| r.case.service_area == a))
        .map(|r| Row {
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
            late_notes: r.late_notes,
            overdue_tasks: r.overdue_tasks,
        })
        .collect();
    let sort = q
        .sort
        .as_deref()
        .filter(|s| COLUMNS.iter().any(|(k, _)| k == s))
        .unwrap_or("flags");
    let descending = q.dir.as_deref() == Some("desc");
    shown.sort_by(|a, b| {
        let ord = match sort {
            "client" => a.client.to_lowercase().cmp(&b.client.to_lowercase()),
            "title" => a.title.to_lowercase().cmp(&b.title.to_lowercase()),
            "area" => a.area.cmp(b.area),
            "status" => a.status.cmp(b.status),
            "contact" => a.last_contact_sort.cmp(&b.last_contact_sort),
            "due" => a.next_due_sort.cmp(&b.next_due_sort),
            // Attention first: overdue tasks, then late notes, then what is due soonest.
            _ => (b.overdue_tasks > 0)
                .cmp(&(a.overdue_tasks > 0))
                .then((b.late_notes > 0).cmp(&(a.late_notes > 0)))
                .then(a.next_due_sort.cmp(&b.next_due_sort)),
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

/// Handles `GET /caseload`.
pub async fn my_caseload(
    State(state): State<AppState>,
    viewer: Viewer,
    Query(q): Query<CaseloadQuery>,
) -> Result<Response, PageError> {
    if !viewer.user.role.works_cases() {
        return Err(PageError::Forbidden);
    }
    let rows = state.store.caseload(&viewer.user.id, state.today()).await?;
    viewer.audit(&state, "case.list", "case", None).await?;
    let mut page = build(
        &state,
        &viewer,
        rows,
        &q,
        "My caseload".into(),
        "/caseload".into(),
    );
    page.intro = "Your active cases. The ones needing attention come first: overdue tasks, then late notes, then what is due soonest.".into();
    render(&page)
}
