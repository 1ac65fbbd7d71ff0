//! *Deadlines*: what is due across my cases, at risk and breached, with the
//! action each needs (AG14 PC9, PC14). States are counted in working days on
//! each case's calendar; "at risk" starts two working days before the date.

use askama::Template;
use axum::extract::State;
use axum::response::Response;
use caseload_domain::records::TaskStatus;
use caseload_domain::timescales::{DEFAULT_MARGIN_WORKING_DAYS, DeadlineState, deadline_state};

use super::format::day;
use super::{Chrome, PageError, Viewer, render};
use crate::AppState;

pub struct DeadlineRow {
    pub case_id: String,
    pub case_title: String,
    pub client: String,
    pub title: String,
    pub due: String,
    pub state: &'static str,
    pub state_label: String,
    pub action: String,
}

#[derive(Template)]
#[template(path = "deadline_list.html")]
pub struct DeadlinesPage {
    pub chrome: Chrome,
    /// Breached, at risk, coming up — in that order.
    pub sections: Vec<(&'static str, Vec<DeadlineRow>)>,
}

/// Handles `GET /deadlines`.
pub async fn list(State(state): State<AppState>, viewer: Viewer) -> Result<Response, PageError> {
    viewer.require_case_worker()?;
    let today = state.today();
    let (mut breached, mut at_risk, mut on_track) = (Vec::new(), Vec::new(), Vec::new());
    let mut calendars = std::collections::HashMap::new();
    for row in state.store.caseload(&viewer.user.id, today).await? {
        let deadlines = state.store.list_deadlines(&row.case.id).await?;
        if deadlines.is_empty() {
            continue;
        }
        let calendar = state
            .team_calendar_cached(&row.case.team_id, &mut calendars)
            .await?;
        for d in deadlines {
            let done = matches!(
                state.store.get_task(&d.task_id).await?.status,
                TaskStatus::Done | TaskStatus::Cancelled
            );
            let s = deadline_state(
                d.due_date,
                today,
                done,
                &calendar,
                DEFAULT_MARGIN_WORKING_DAYS,
            );
            let (code, label, action, bucket) = match s {
                DeadlineState::Met => continue,
                DeadlineState::Breached { since } => (
                    "breached",
                    format!("Passed — breached since {}", day(since)),
                    "Record what happened; if it is still possible, ask for late acceptance and note the reasons".to_owned(),
                    &mut breached,
                ),
                DeadlineState::AtRisk { working_days_left } => (
                    "at_risk",
                    match working_days_left {
                        0 => "Due today".to_owned(),
                        1 => "1 working day left".to_owned(),
                        n => format!("{n} working days left"),
                    },
                    "Act now: make sure it is done or sent before the date".to_owned(),
                    &mut at_risk,
                ),
                DeadlineState::OnTrack { working_days_left } => (
                    "on_track",
                    format!("{working_days_left} working days left"),
                    "Plan the work; it will show as at risk two working days before".to_owned(),
                    &mut on_track,
                ),
            };
            bucket.push(DeadlineRow {
                case_id: row.case.id.to_string(),
                case_title: row.case.title.clone(),
                client: row.case.client_name.clone(),
                title: d.title.clone(),
                due: day(d.due_date),
                state: code,
                state_label: label,
                action,
            });
        }
    }
    viewer
        .audit(
            &state,
            "deadline.list",
            "user",
            Some(viewer.user.id.as_str()),
        )
        .await?;
    render(&DeadlinesPage {
        chrome: viewer.chrome("deadlines-list"),
        sections: vec![
            ("Breached", breached),
            ("At risk", at_risk),
            ("Coming up", on_track),
        ],
    })
}
