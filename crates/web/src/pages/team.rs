//! The supervisor's team view (AG14 PC2, PC12): each member's open cases and
//! overdue tasks, linking into their caseload.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use caseload_domain::caseload::Flag;
use caseload_domain::ids::UserId;
use caseload_domain::users::Role;

use super::caseload::{CaseloadQuery, build};
use super::{Chrome, PageError, Viewer, render};
use crate::AppState;

pub struct MemberRow {
    pub id: String,
    pub name: String,
    pub role: &'static str,
    pub open_cases: i64,
    pub overdue_tasks: i64,
}

/// A high-priority case that needs the supervisor's eye (AG14 PC12).
pub struct AttentionRow {
    pub case_id: String,
    pub title: String,
    pub client: String,
    pub owner: String,
    pub band: String,
    pub reasons: Vec<&'static str>,
}

#[derive(Template)]
#[template(path = "team.html")]
pub struct TeamPage {
    pub chrome: Chrome,
    pub team: String,
    pub members: Vec<MemberRow>,
    pub attention: Vec<AttentionRow>,
    pub total_open: i64,
    pub total_overdue: i64,
}

fn require_supervisor(viewer: &Viewer) -> Result<caseload_domain::ids::TeamId, PageError> {
    match (&viewer.user.role, &viewer.user.team_id) {
        (Role::Supervisor, Some(team)) => Ok(team.clone()),
        _ => Err(PageError::Forbidden),
    }
}

/// Handles `GET /team`.
pub async fn team(State(state): State<AppState>, viewer: Viewer) -> Result<Response, PageError> {
    let team_id = require_supervisor(&viewer)?;
    let members = state.store.team_summary(&team_id, state.today()).await?;
    let team = state
        .store
        .list_teams()
        .await?
        .into_iter()
        .find(|t| t.id == team_id)
        .map(|t| t.name)
        .unwrap_or_default();
    let rows: Vec<MemberRow> = members
        .iter()
        .map(|m| MemberRow {
            id: m.user.id.to_string(),
            name: m.user.name.clone(),
            role: m.user.role.label(),
            open_cases: m.open_cases,
            overdue_tasks: m.overdue_tasks,
        })
        .collect();
    // P1/P2 cases with no next action, no recent activity, or an owner who
    // has left (deactivated owners' cases no longer appear under members).
    let mut attention = Vec::new();
    let now = state.clock.now();
    // Active members' cases, and cases still owned by people who have left.
    let mut owners: Vec<(caseload_store::User, bool)> =
        members.iter().map(|m| (m.user.clone(), true)).collect();
    for u in state.store.list_users().await? {
        if !u.active && u.team_id.as_ref() == Some(&team_id) {
            owners.push((u, false));
        }
    }
    for (owner, active) in &owners {
        let rows = state.store.caseload(&owner.id, state.today()).await?;
        let queue = crate::queue::queue_of(&state, rows)
            .await
            .map_err(PageError::internal)?;
        for q in queue {
            let high = matches!(q.band.as_deref(), Some("P1") | Some("P2"));
            if !high {
                continue;
            }
            let mut reasons = Vec::new();
            if !active {
                reasons.push("No owner: reallocate (the owner has left)");
            }
            if q.row.next_task_title.is_none() {
                reasons.push("No next action");
            }
            if q.row
                .last_contact
                .is_none_or(|t| now.duration_since(t).as_secs() > 14 * 86_400)
            {
                reasons.push("No contact in the last 14 days");
            }
            if q.flags.contains(&Flag::HighPriorityNotContacted) {
                reasons.push("First contact target missed");
            }
            if !reasons.is_empty() {
                attention.push(AttentionRow {
                    case_id: q.row.case.id.to_string(),
                    title: q.row.case.title.clone(),
                    client: q.row.case.client_name.clone(),
                    owner: q.row.case.owner_name.clone(),
                    band: q.band.clone().unwrap_or_default(),
                    reasons,
                });
            }
        }
    }
    attention.sort_by(|a, b| a.band.cmp(&b.band).then(a.case_id.cmp(&b.case_id)));
    render(&TeamPage {
        chrome: viewer.chrome("team"),
        team,
        attention,
        total_open: rows.iter().map(|r| r.open_cases).sum(),
        total_overdue: rows.iter().map(|r| r.overdue_tasks).sum(),
        members: rows,
    })
}

/// Handles `GET /team/{user_id}`: a team member's caseload.
pub async fn member(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(user_id): Path<String>,
    Query(q): Query<CaseloadQuery>,
) -> Result<Response, PageError> {
    let team_id = require_supervisor(&viewer)?;
    let id = UserId::parse(&user_id).ok_or(PageError::NotFound)?;
    let member = state.store.get_user(&id).await?;
    if member.team_id.as_ref() != Some(&team_id) {
        return Err(viewer.denied(&state, "user", &user_id).await);
    }
    let rows = state.store.caseload(&member.id, state.today()).await?;
    let rows = crate::queue::queue_of(&state, rows)
        .await
        .map_err(PageError::internal)?;
    viewer
        .audit(&state, "case.list", "user", Some(member.id.as_str()))
        .await?;
    let mut page = build(
        &state,
        &viewer,
        rows,
        &q,
        format!("Caseload of {}", member.name),
        format!("/team/{}", member.id),
    );
    page.chrome.current = "team";
    page.intro = format!("{}'s active cases, as they see them.", member.name);
    page.can_add = false;
    render(&page)
}

/// This module's pages and forms, registered by `pages::router`.
pub fn router() -> axum::Router<crate::AppState> {
    use axum::routing::get;
    axum::Router::new()
        .route("/team", get(team))
        .route("/team/{user_id}", get(member))
}
