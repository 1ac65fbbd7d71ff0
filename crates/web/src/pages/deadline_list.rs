//! *Deadlines*: what is due across my cases — statutory deadlines and the
//! organisation's timescales — at risk and breached, with the action each
//! needs (AG14 PC9, PC14). States are counted in working days on each case's
//! calendar; "at risk" starts at the margin the timescales set.

use askama::Template;
use axum::extract::State;
use axum::response::Response;
use caseload_domain::timescales::State as Clock;

use super::format::day;
use super::{Chrome, PageError, Viewer, render};
use crate::AppState;

pub struct DeadlineRow {
    pub case_id: String,
    pub case_title: String,
    pub client: String,
    pub title: String,
    pub due: String,
    pub due_date: Option<jiff::civil::Date>,
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
    let rows = state.store.caseload(&viewer.user.id, today).await?;
    let readings = crate::timescales::for_rows(&state, &*state.reference().await?, &rows)?;
    for (row, case) in rows.iter().zip(readings) {
        let items = case
            .deadlines
            .iter()
            .map(|d| (d.title.clone(), Some(d.due), d.state, None))
            .chain(case.clocks.iter().map(|r| {
                (
                    r.clock.label().to_owned(),
                    r.due,
                    r.state,
                    Some(r.clock.action()),
                )
            }));
        for (title, due, s, clock_action) in items {
            let (code, label, action, bucket) = match s {
                Clock::Met { .. } | Clock::Paused { .. } => continue,
                Clock::Breached { since } => (
                    "breached",
                    format!("Passed — breached since {}", day(since)),
                    clock_action.map(|a| format!("{a}, and record why it is late")).unwrap_or_else(|| "Record what happened; if it is still possible, ask for late acceptance and note the reasons".to_owned()),
                    &mut breached,
                ),
                Clock::AtRisk { working_days_left } => (
                    "at_risk",
                    match working_days_left {
                        0 => "Due today".to_owned(),
                        1 => "1 working day left".to_owned(),
                        n => format!("{n} working days left"),
                    },
                    clock_action.map(str::to_owned).unwrap_or_else(|| "Act now: make sure it is done or sent before the date".to_owned()),
                    &mut at_risk,
                ),
                // Organisational clocks on track are routine: only deadlines
                // are listed as coming up.
                Clock::OnTrack { .. } if clock_action.is_some() => continue,
                Clock::OnTrack { working_days_left } => (
                    "on_track",
                    format!("{working_days_left} working days left"),
                    "Plan the work; it will show as at risk before the date".to_owned(),
                    &mut on_track,
                ),
            };
            bucket.push(DeadlineRow {
                case_id: row.case.id.to_string(),
                case_title: row.case.title.clone(),
                client: row.case.client_name.clone(),
                title,
                due: due.map(day).unwrap_or_default(),
                due_date: due,
                state: code,
                state_label: label,
                action,
            });
        }
    }
    for bucket in [&mut breached, &mut at_risk, &mut on_track] {
        bucket.sort_by_key(|r| r.due_date);
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

/// This module's pages and forms, registered by `pages::router`.
pub fn router() -> axum::Router<crate::AppState> {
    use axum::routing::get;
    axum::Router::new().route("/deadlines", get(list))
}
