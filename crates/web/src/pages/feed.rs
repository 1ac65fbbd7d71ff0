//! A practitioner's private iCalendar feed of deadlines and tasks (SPEC C3):
//! subscribe once in Outlook or a phone and every dated task — deadlines
//! included — appears as an all-day event. The URL's secret is shown once
//! and only its hash is kept; making a new feed or revoking ends the old.
//! Events carry the task and case titles, never the client's name: calendar
//! services are often outside the organisation.

use std::fmt::Write as _;

use askama::Template;
use axum::extract::{Path, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use caseload_domain::records::TaskStatus;
use jiff::Timestamp;
use jiff::civil::Date;

use super::{Chrome, CsrfForm, PageError, Viewer, render};
use crate::AppState;

#[derive(Template)]
#[template(path = "calendar_feed.html")]
pub struct FeedPage {
    pub chrome: Chrome,
    /// The new feed's path, shown once after creating it.
    pub new_path: Option<String>,
    pub revoked: bool,
}

/// Handles `GET /calendar-feed`.
pub async fn page(viewer: Viewer) -> Result<Response, PageError> {
    viewer.require_case_worker()?;
    render(&FeedPage {
        chrome: viewer.chrome("caseload"),
        new_path: None,
        revoked: false,
    })
}

/// Handles `POST /calendar-feed`: make a new feed (ending the old) or revoke.
pub async fn change(
    State(state): State<AppState>,
    CsrfForm(viewer, fields): CsrfForm,
) -> Result<Response, PageError> {
    viewer.require_case_worker()?;
    let now = state.clock.now();
    if fields.get("action") == "revoke" {
        state.store.revoke_feeds(&viewer.user.id, now).await?;
        viewer
            .audit(&state, "feed.revoke", "user", Some(viewer.user.id.as_str()))
            .await?;
        return render(&FeedPage {
            chrome: viewer.chrome("caseload"),
            new_path: None,
            revoked: true,
        });
    }
    let secret = crate::auth::new_token()
        .map(|t| t.trim_start_matches("cl_").to_owned())
        .map_err(PageError::internal)?;
    state
        .store
        .create_feed(&viewer.user.id, &crate::auth::token_hash(&secret), now)
        .await?;
    viewer
        .audit(&state, "feed.create", "user", Some(viewer.user.id.as_str()))
        .await?;
    render(&FeedPage {
        chrome: viewer.chrome("caseload"),
        new_path: Some(format!("/feeds/{secret}.ics")),
        revoked: false,
    })
}

/// One all-day event.
pub struct Event {
    pub uid: String,
    pub date: Date,
    pub summary: String,
    pub description: String,
}

/// Text escaped for iCalendar (RFC 5545 §3.3.11).
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\n' => out.push_str("\\n"),
            '\r' => {}
            c => out.push(c),
        }
    }
    out
}

/// A content line folded at 75 octets (RFC 5545 §3.1), never inside a character.
fn line(out: &mut String, content: &str) {
    let mut width = 0;
    for c in content.chars() {
        let len = c.len_utf8();
        if width + len > 75 {
            out.push_str("\r\n ");
            width = 1;
        }
        out.push(c);
        width += len;
    }
    out.push_str("\r\n");
}

/// A VCALENDAR of all-day events.
pub fn calendar(name: &str, events: &[Event], stamp: Timestamp) -> String {
    let mut out = String::new();
    line(&mut out, "BEGIN:VCALENDAR");
    line(&mut out, "VERSION:2.0");
    line(&mut out, "PRODID:-//Caseload//Deadlines and tasks//EN");
    line(&mut out, "CALSCALE:GREGORIAN");
    line(&mut out, &format!("X-WR-CALNAME:{}", escape(name)));
    let stamp = stamp.strftime("%Y%m%dT%H%M%SZ").to_string();
    for e in events {
        line(&mut out, "BEGIN:VEVENT");
        line(&mut out, &format!("UID:{}", e.uid));
        line(&mut out, &format!("DTSTAMP:{stamp}"));
        line(
            &mut out,
            &format!("DTSTART;VALUE=DATE:{}", e.date.strftime("%Y%m%d")),
        );
        let end = e.date.tomorrow().unwrap_or(e.date);
        line(
            &mut out,
            &format!("DTEND;VALUE=DATE:{}", end.strftime("%Y%m%d")),
        );
        line(&mut out, &format!("SUMMARY:{}", escape(&e.summary)));
        line(&mut out, &format!("DESCRIPTION:{}", escape(&e.description)));
        line(&mut out, "TRANSP:TRANSPARENT");
        line(&mut out, "END:VEVENT");
    }
    line(&mut out, "END:VCALENDAR");
    out
}

/// Handles `GET /feeds/{secret}.ics`: the feed, for calendar programs (no session).
pub async fn feed(
    State(state): State<AppState>,
    Path(file): Path<String>,
) -> Result<Response, PageError> {
    let Some(secret) = file.strip_suffix(".ics") else {
        return Err(PageError::NotFound);
    };
    let Some(user) = state
        .store
        .user_for_feed(&crate::auth::token_hash(secret))
        .await?
    else {
        tracing::warn!("calendar feed requested with an unknown or revoked secret");
        return Err(PageError::NotFound);
    };
    let mut events = Vec::new();
    for row in state.store.caseload(&user.id, state.today()).await? {
        for task in state.store.list_tasks(&row.case.id).await? {
            let (TaskStatus::Open, Some(due)) = (task.status, task.due_date) else {
                continue;
            };
            let mut description = format!("Case: {}", row.case.title);
            if let Some(a) = &task.assignee_name {
                let _ = write!(description, "\nFor: {a}");
            }
            events.push(Event {
                uid: format!("{}@caseload", task.id),
                date: due,
                summary: task.title.clone(),
                description,
            });
        }
    }
    events.sort_by(|a, b| a.date.cmp(&b.date).then(a.uid.cmp(&b.uid)));
    crate::access::audit(
        &state,
        &user,
        "feed",
        "feed.read",
        "user",
        Some(user.id.as_str()),
    )
    .await?;
    let body = calendar(
        &format!("Caseload — {}", user.name),
        &events,
        state.clock.now(),
    );
    let mut response = (StatusCode::OK, body).into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/calendar; charset=utf-8"),
    );
    Ok(response)
}

/// This module's pages and forms, registered by `pages::router`.
pub fn router() -> axum::Router<crate::AppState> {
    use axum::routing::get;
    axum::Router::new()
        .route("/calendar-feed", get(page).post(change))
        .route("/feeds/{file}", get(feed))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_lines_fold_without_splitting_characters() {
        let mut out = String::new();
        line(&mut out, &format!("SUMMARY:{}", "ねこ".repeat(40)));
        for l in out.split("\r\n") {
            assert!(l.len() <= 75, "{} octets", l.len());
        }
        assert_eq!(escape("a,b;c\\d\ne"), "a\\,b\\;c\\\\d\\ne");
    }
}
