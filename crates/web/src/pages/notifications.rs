//! In-app notifications ("inform others of the need to prioritise", AG14
//! PC11): a case entering P1 or P2 tells the team's supervisors; a timescale
//! or deadline going at risk tells the case's owner, and a breach tells the
//! supervisors too. The page filters them by kind and case, groups repeated
//! alerts about one case, and acknowledges one, a selection or all shown.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use caseload_domain::ids::NotificationId;
use caseload_store::{Notification, NotificationFilter, NotificationSelection};
use serde::Deserialize;

use super::format::when;
use super::{Chrome, CsrfForm, FormErrors, PageError, Viewer, render, see_other};
use crate::AppState;
use crate::notifications::{KINDS, MAX_IDS, filter, kind_label};

pub struct NotificationRow {
    pub id: String,
    pub kind: &'static str,
    pub message: String,
    pub at: String,
    /// "Acknowledged Tue 1 Dec 2026, 13:13", or empty while unread.
    pub acknowledged: String,
}

impl NotificationRow {
    pub fn unread(&self) -> bool {
        self.acknowledged.is_empty()
    }
}

/// The notifications about one case (or, for those about none, one each).
pub struct Group {
    /// For element ids: the case's id, or the notification's.
    pub key: String,
    pub case_id: String,
    pub heading: String,
    /// The latest first.
    pub latest: NotificationRow,
    pub others: Vec<NotificationRow>,
    /// The group's unread ids, space-separated (the group's checkbox).
    pub unread_ids: String,
    pub unread: usize,
}

impl Group {
    pub fn count(&self) -> usize {
        1 + self.others.len()
    }
}

#[derive(Template)]
#[template(path = "notifications.html")]
pub struct NotificationsPage {
    pub chrome: Chrome,
    pub groups: Vec<Group>,
    /// (kind, label, selected)
    pub kinds: Vec<(&'static str, &'static str, bool)>,
    /// (case id, "Client — title", selected)
    pub cases: Vec<(String, String, bool)>,
    pub show_all: bool,
    pub filtered: bool,
    /// The filter as hidden fields for the acknowledge form: (name, value).
    pub keep: Vec<(&'static str, String)>,
    /// Every unread notification shown, for "Acknowledge all shown".
    pub shown_unread: Vec<String>,
    pub total: usize,
    pub confirmation: String,
    pub errors: FormErrors,
}

#[derive(Debug, Default, Deserialize)]
pub struct NotificationsQuery {
    pub kind: Option<String>,
    pub case: Option<String>,
    pub show: Option<String>,
    pub done: Option<String>,
}

/// The filter the query asks for; bad values become errors, and their part
/// of the filter is dropped.
fn read_query(q: &NotificationsQuery, errors: &mut FormErrors) -> NotificationFilter {
    let show_all = match q.show.as_deref().unwrap_or("") {
        "" | "unread" => false,
        "all" => true,
        _ => {
            errors.push("show", "Show must be unread or all");
            false
        }
    };
    let kind = match filter(q.kind.as_deref(), None, show_all) {
        Ok(f) => f.kind,
        Err(_) => {
            errors.push("kind", "Kind must be one of those listed");
            None
        }
    };
    let case = match filter(None, q.case.as_deref(), show_all) {
        Ok(f) => f.case,
        Err(_) => {
            errors.push("case", "Case is not a case id");
            None
        }
    };
    NotificationFilter {
        kind,
        case,
        include_acknowledged: show_all,
    }
}

/// `?kind=…&case=…&show=all`, for links and redirects back.
fn query_string(f: &NotificationFilter, extra: Option<(&str, String)>) -> String {
    let mut parts = Vec::new();
    if let Some(k) = &f.kind {
        parts.push(format!("kind={k}"));
    }
    if let Some(c) = &f.case {
        parts.push(format!("case={c}"));
    }
    if f.include_acknowledged {
        parts.push("show=all".to_owned());
    }
    if let Some((k, v)) = extra {
        parts.push(format!("{k}={v}"));
    }
    if parts.is_empty() {
        String::new()
    } else {
        format!("?{}", parts.join("&"))
    }
}

fn row(n: &Notification, state: &AppState) -> NotificationRow {
    NotificationRow {
        id: n.id.to_string(),
        kind: KINDS
            .iter()
            .find(|(k, _)| *k == n.kind)
            .map(|(_, l)| *l)
            .unwrap_or("Notification"),
        message: n.message.clone(),
        at: when(n.created_at, &state.tz),
        acknowledged: n
            .acknowledged_at
            .map(|a| format!("Acknowledged {}", when(a, &state.tz)))
            .unwrap_or_default(),
    }
}

/// One group per case, most recent group first; within it the latest first.
fn group(list: &[Notification], state: &AppState) -> Vec<Group> {
    let mut groups: Vec<(Option<String>, Vec<&Notification>)> = Vec::new();
    for n in list {
        let key = n.case_id.as_ref().map(|c| c.to_string());
        match groups.iter_mut().find(|(k, _)| key.is_some() && *k == key) {
            Some((_, members)) => members.push(n),
            None => groups.push((key, vec![n])),
        }
    }
    groups
        .into_iter()
        .map(|(case, members)| {
            let first = members[0];
            let heading = match (&first.client_name, &first.case_title) {
                (Some(client), Some(title)) => format!("{client} — {title}"),
                _ => kind_label(&first.kind).to_owned(),
            };
            let rows: Vec<NotificationRow> = members.iter().map(|n| row(n, state)).collect();
            let unread: Vec<&str> = rows
                .iter()
                .filter(|r| r.unread())
                .map(|r| r.id.as_str())
                .collect();
            let unread_ids = unread.join(" ");
            let unread = unread.len();
            let mut rows = rows.into_iter();
            let latest = rows.next().expect("a group has a member");
            Group {
                key: case.clone().unwrap_or_else(|| latest.id.clone()),
                case_id: case.unwrap_or_default(),
                heading,
                latest,
                others: rows.collect(),
                unread_ids,
                unread,
            }
        })
        .collect()
}

async fn page(
    state: &AppState,
    viewer: &Viewer,
    f: &NotificationFilter,
    confirmation: String,
    errors: FormErrors,
) -> Result<Response, PageError> {
    let list = state
        .store
        .filtered_notifications(&viewer.user.id, f)
        .await?;
    let groups = group(&list, state);
    let mut cases: Vec<(String, String, bool)> = groups
        .iter()
        .filter(|g| !g.case_id.is_empty())
        .map(|g| {
            let selected = f.case.as_ref().is_some_and(|c| c.as_str() == g.case_id);
            (g.case_id.clone(), g.heading.clone(), selected)
        })
        .collect();
    cases.sort_by(|a, b| a.1.cmp(&b.1));
    if let Some(c) = &f.case
        && !cases.iter().any(|(id, _, _)| id == c.as_str())
    {
        cases.push((c.to_string(), "This case".to_owned(), true));
    }
    let mut keep = Vec::new();
    if let Some(k) = &f.kind {
        keep.push(("kind", k.clone()));
    }
    if let Some(c) = &f.case {
        keep.push(("case", c.to_string()));
    }
    if f.include_acknowledged {
        keep.push(("show", "all".to_owned()));
    }
    let shown_unread = list
        .iter()
        .filter(|n| n.acknowledged_at.is_none())
        .map(|n| n.id.to_string())
        .collect();
    let invalid = !errors.is_empty();
    let mut response = render(&NotificationsPage {
        chrome: viewer.chrome("notifications"),
        kinds: KINDS
            .iter()
            .map(|(k, l)| (*k, *l, f.kind.as_deref() == Some(*k)))
            .collect(),
        cases,
        show_all: f.include_acknowledged,
        filtered: f.kind.is_some() || f.case.is_some() || f.include_acknowledged,
        keep,
        shown_unread,
        total: list.len(),
        groups,
        confirmation,
        errors,
    })?;
    if invalid {
        *response.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    }
    Ok(response)
}

fn confirmation(done: Option<&str>) -> String {
    match done.and_then(|d| d.parse::<u64>().ok()) {
        None => String::new(),
        Some(0) => "Nothing was acknowledged: those notifications had been already.".to_owned(),
        Some(1) => "1 notification acknowledged.".to_owned(),
        Some(n) => format!("{n} notifications acknowledged."),
    }
}

/// Handles `GET /notifications`: `?kind=&case=&show=all` filter it.
pub async fn list(
    State(state): State<AppState>,
    viewer: Viewer,
    Query(q): Query<NotificationsQuery>,
) -> Result<Response, PageError> {
    let mut errors = FormErrors::default();
    let f = read_query(&q, &mut errors);
    page(&state, &viewer, &f, confirmation(q.done.as_deref()), errors).await
}

/// Handles `POST /notifications/{id}/acknowledge`.
pub async fn acknowledge(
    State(state): State<AppState>,
    Path(id): Path<String>,
    CsrfForm(viewer, _): CsrfForm,
) -> Result<Response, PageError> {
    let id = NotificationId::parse(&id).ok_or(PageError::NotFound)?;
    match state
        .store
        .acknowledge_notification(&id, &viewer.user.id, state.clock.now())
        .await
    {
        Ok(()) => Ok(see_other("/notifications?done=1")),
        Err(caseload_store::StoreError::NotFound(_)) => Ok(see_other("/notifications")),
        Err(e) => Err(e.into()),
    }
}

/// Handles `POST /notifications/acknowledge`: the button pressed (`ack`)
/// is one notification's id, `selected` (the ticked `id`s and `group`s) or
/// `all` (every unread one `shown`). Only the viewer's own are touched;
/// back to the same filters with how many were acknowledged.
pub async fn acknowledge_many(
    State(state): State<AppState>,
    CsrfForm(viewer, fields): CsrfForm,
) -> Result<Response, PageError> {
    let mut errors = FormErrors::default();
    let query = NotificationsQuery {
        kind: fields.opt("kind").map(str::to_owned),
        case: fields.opt("case").map(str::to_owned),
        show: fields.opt("show").map(str::to_owned),
        done: None,
    };
    let f = read_query(&query, &mut errors);
    let all = |name: &str| -> Vec<&str> {
        fields
            .0
            .iter()
            .filter(|(k, _)| k == name)
            .flat_map(|(_, v)| v.split_whitespace())
            .collect()
    };
    let chosen: Vec<&str> = match fields.get("ack") {
        "selected" => {
            let mut ids = all("id");
            ids.extend(all("group"));
            if ids.is_empty() {
                errors.push(
                    "selection",
                    "Choose at least one notification to acknowledge, or use “Acknowledge all shown”",
                );
            }
            ids
        }
        "all" => all("shown"),
        one => vec![one],
    };
    let ids: Vec<NotificationId> = chosen
        .iter()
        .filter_map(|id| NotificationId::parse(id))
        .collect();
    if ids.len() != chosen.len() || ids.len() > MAX_IDS {
        tracing::warn!(user = %viewer.user.id, "notification form with unreadable ids refused");
        errors.push(
            "selection",
            "The selection could not be read: reload the page and try again",
        );
    }
    if !errors.is_empty() {
        return page(&state, &viewer, &f, String::new(), errors).await;
    }
    let done = state
        .store
        .acknowledge_notifications(
            &viewer.user.id,
            &NotificationSelection::Ids(ids),
            state.clock.now(),
        )
        .await?;
    Ok(see_other(&format!(
        "/notifications{}",
        query_string(&f, Some(("done", done.to_string())))
    )))
}

/// This module's pages and forms, registered by `pages::router`.
pub fn router() -> axum::Router<crate::AppState> {
    use axum::routing::{get, post};
    axum::Router::new()
        .route("/notifications", get(list))
        .route("/notifications/{id}/acknowledge", post(acknowledge))
        .route("/notifications/acknowledge", post(acknowledge_many))
}
