//! The organisation's timescales in use (SPEC C3; AG14 PC9, PC14): the
//! version in force, each case's clocks and deadline states, and the
//! re-evaluation that tells owners (and supervisors, on a breach) when
//! something goes at risk or is breached.

use std::sync::Arc;

use caseload_domain::calendars::Calendar;
use caseload_domain::ids::UserId;
use caseload_domain::timescales::{ClockInput, Hold, Timescales, case_clocks, deadline_state};
// A case's readings are the domain's; these names stay for the API.
pub use caseload_domain::timescales::{CaseTimescales, DeadlineReading};
use caseload_store::{CaseloadRow, Store, StoreError, TimescaleVersion};
use jiff::civil::Date;

use crate::AppState;
use crate::problem::ApiError;

/// The timescales in force: the latest saved version, or the shipped file
/// when none has been saved (version 0). Parsed once per version.
pub async fn current(state: &AppState) -> Result<(i64, Arc<Timescales>), StoreError> {
    state.reference().await?.timescales()
}

/// Save the shipped timescales as version 1 on a new installation.
pub async fn ensure_default(store: &dyn Store, at: jiff::Timestamp) -> Result<bool, StoreError> {
    if store.latest_timescales().await?.is_some() {
        return Ok(false);
    }
    // The shipped file as it is, comments and all, so whoever edits it
    // first sees what each setting means.
    store
        .save_timescales(caseload_domain::timescales::DEFAULT_TIMESCALES, None, at)
        .await?;
    Ok(true)
}

/// Check and save timescales as the next version, as written (comments
/// kept); unchanged text is not a new version. The bool says whether a
/// version was added.
pub async fn import(
    store: &dyn Store,
    text: &str,
    by: Option<&UserId>,
    at: jiff::Timestamp,
) -> Result<(TimescaleVersion, bool), ApiError> {
    Timescales::parse(text).map_err(caseload_domain::text::FieldErrors::from)?;
    if let Some(last) = store.latest_timescales().await?
        && last.body == text
    {
        return Ok((last, false));
    }
    Ok((store.save_timescales(text, by, at).await?, true))
}

/// Work out a case's clocks and deadline states from its caseload row.
pub fn for_row(
    row: &CaseloadRow,
    settings: &Timescales,
    calendar: &Calendar,
    tz: &jiff::tz::TimeZone,
    today: Date,
) -> CaseTimescales {
    let day = |t: jiff::Timestamp| t.to_zoned(tz.clone()).date();
    let holds: Vec<Hold> = row
        .holds
        .iter()
        .map(|(from, to)| Hold {
            from: day(*from),
            to: to.map(day),
        })
        .collect();
    let case = &row.case;
    let input = ClockInput {
        on_hold_now: case.status == caseload_domain::cases::CaseStatus::OnHold,
        band: case.priority_band.as_deref(),
        started: day(case.opened_at.unwrap_or(case.created_at)),
        first_contact: row.first_contact.map(day),
        last_action: row.last_action.map(day),
        last_review: row.last_review.map(day),
        holds: &holds,
    };
    let margin = settings.margin;
    CaseTimescales {
        clocks: case_clocks(&input, settings, calendar, today),
        deadlines: row
            .deadlines
            .iter()
            .map(|d| {
                // The window runs from when the deadline was set (its id
                // says when), not from when the case was opened: a deadline
                // set on a case months old is not at risk the day it is set.
                let set = caseload_domain::ids::made_at_millis(&d.id)
                    .and_then(|ms| i64::try_from(ms).ok())
                    .and_then(|ms| jiff::Timestamp::from_millisecond(ms).ok())
                    .map_or(case.created_at, |t| t.max(case.created_at));
                let window = calendar
                    .working_days_between(day(set), d.due)
                    .max(1)
                    .unsigned_abs();
                DeadlineReading {
                    deadline_id: d.id.clone(),
                    title: d.title.clone(),
                    due: d.due,
                    state: deadline_state(d.due, today, d.met, calendar, margin.days(window)),
                }
            })
            .collect(),
    }
}

/// Timescales for many rows, under one reading of the settings.
pub fn for_rows<'a>(
    state: &AppState,
    reference: &crate::reference::Reference,
    rows: impl IntoIterator<Item = &'a CaseloadRow>,
) -> Result<Vec<CaseTimescales>, StoreError> {
    let (_, settings) = reference.timescales()?;
    Ok(with_settings(state, reference, rows, &settings))
}

fn with_settings<'a>(
    state: &AppState,
    reference: &crate::reference::Reference,
    rows: impl IntoIterator<Item = &'a CaseloadRow>,
    settings: &Timescales,
) -> Vec<CaseTimescales> {
    let today = state.today();
    rows.into_iter()
        .map(|row| {
            let calendar = reference.team_calendar(&row.case.team_id);
            for_row(row, settings, &calendar, &state.tz, today)
        })
        .collect()
}

/// One case's timescales (none once it is closed), with the version of
/// the timescales they were worked out under.
pub async fn for_case(
    state: &AppState,
    case: &caseload_store::Case,
) -> Result<(i64, CaseTimescales), StoreError> {
    let reference = state.reference().await?;
    let (version, settings) = reference.timescales()?;
    if case.status == caseload_domain::cases::CaseStatus::Closed {
        return Ok((version, CaseTimescales::default()));
    }
    let row = state.store.caseload_row(&case.id, state.today()).await?;
    let readings = with_settings(state, &reference, [&row], &settings)
        .pop()
        .unwrap_or_default();
    Ok((version, readings))
}

/// What a timescale re-evaluation did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct TimescaleRun {
    pub checked: usize,
    pub alerts: usize,
}
