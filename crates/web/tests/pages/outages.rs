//! Storage faults as someone at a page meets them: a note that could not be
//! saved comes back with what was typed and a calm word, not a lost form
//! or a 500; reading goes on; once the fault clears, the same form saves.

use std::time::{Duration, Instant};

use axum::http::StatusCode;
use caseload_sqlite::SqliteStore;
use caseload_web::{AppState, Settings};
use sqlx::Connection as _;

use crate::common::sign_in;
use crate::support::TestApp;

const NOTE_TEXT: &str = "Phoned about the eviction notice — landlord agreed to wait until Friday";

fn note_fields() -> Vec<(&'static str, &'static str)> {
    vec![
        ("kind", "phone"),
        ("occurred_at", "2026-03-02T08:30"),
        ("template", "star"),
        ("submission_key", "outage-1"),
        ("section_situation", NOTE_TEXT),
    ]
}

/// Another process's connection, holding the database's write lock until
/// it rolls back.
async fn hold_write_lock(app: &TestApp) -> sqlx::SqliteConnection {
    let mut other = sqlx::SqliteConnection::connect(&format!("sqlite:{}", app.db_path.display()))
        .await
        .unwrap();
    sqlx::raw_sql("BEGIN IMMEDIATE")
        .execute(&mut other)
        .await
        .unwrap();
    other
}

#[tokio::test]
async fn a_note_not_saved_while_the_database_is_locked_comes_back_with_its_text_and_saves_after() {
    let app = TestApp::new().await;
    let (_, case) = app.client_and_case(&app.ann.1).await;
    let b = sign_in(&app, "ann@example.org").await;
    let page = format!("/cases/{case}/notes/new");

    // Another process holds the write lock past the busy timeout.
    let mut other = hold_write_lock(&app).await;

    let started = Instant::now();
    let r = b.submit(&page, &page, &note_fields()).await;
    assert!(
        started.elapsed() < Duration::from_secs(8),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(r.status, StatusCode::SERVICE_UNAVAILABLE, "{}", r.html());
    assert_eq!(r.headers.get("retry-after").unwrap(), "1");
    let html = r.html();
    assert!(html.contains("Add a note"), "the form again: {html}");
    assert!(html.contains("There is a problem"), "{html}");
    assert!(
        html.contains("Not saved. Caseload was busy"),
        "says why, calmly: {html}"
    );
    assert!(html.contains("(reference "), "with a reference: {html}");
    assert!(html.contains(NOTE_TEXT), "what was typed is kept: {html}");
    assert!(!html.contains("Something went wrong"), "{html}");

    // Reading goes on while the lock is held.
    let case_page = b.get(&format!("/cases/{case}")).await;
    assert_eq!(case_page.status, StatusCode::OK, "{}", case_page.html());

    // The lock is let go; the same form, sent again, saves once.
    sqlx::raw_sql("ROLLBACK").execute(&mut other).await.unwrap();
    let saved = b.submit(&page, &page, &note_fields()).await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.html());
    assert_eq!(app.count("notes").await, 1);
    assert!(
        b.get(&format!("/cases/{case}"))
            .await
            .html()
            .contains(NOTE_TEXT)
    );
}

/// Any other page's write that a fault stops gets the calm "temporarily
/// unavailable" page with a reference, never a 500; reads carry on.
#[tokio::test]
async fn other_writes_during_an_outage_get_the_temporarily_unavailable_page() {
    let mut app = TestApp::new().await;
    let (_, case) = app.client_and_case(&app.ann.1).await;
    let b = sign_in(&app, "ann@example.org").await;
    let cookie = b.cookie.clone();
    let task_page = format!("/cases/{case}/tasks/new");
    let csrf = crate::common::csrf_of(b.get(&task_page).await.html());
    drop(b);

    let read_only = SqliteStore::connect(&format!("sqlite:{}?mode=ro", app.db_path.display()))
        .await
        .unwrap();
    app.router = caseload_web::router(AppState::new(
        std::sync::Arc::new(read_only),
        app.clock.clone(),
        Settings::default(),
    ));
    let r = crate::common::post_form(
        &app,
        &task_page,
        Some(&cookie),
        &[
            ("csrf", csrf.as_str()),
            ("title", "Send the landlord's letter to the tribunal"),
            ("due_date", "2026-03-09"),
        ],
        "same-origin",
    )
    .await;
    assert_eq!(r.status, StatusCode::SERVICE_UNAVAILABLE, "{}", r.html());
    let html = r.html();
    assert!(html.contains("Temporarily unavailable"), "{html}");
    assert!(html.contains("cannot save changes"), "{html}");
    assert!(
        html.contains("Nothing you had already saved was lost"),
        "{html}"
    );
    assert!(!html.contains("Something went wrong"), "{html}");

    let read = crate::common::Browser {
        app: &app,
        cookie: cookie.clone(),
    }
    .get(&format!("/cases/{case}"))
    .await;
    assert_eq!(read.status, StatusCode::OK, "{}", read.html());
}

#[tokio::test]
async fn an_amendment_not_saved_keeps_the_correction_and_its_reason() {
    let app = TestApp::new().await;
    let (_, case) = app.client_and_case(&app.ann.1).await;
    let note = app.note(&app.ann.1, &case, 5, "Owes £1,200").await.id();
    let b = sign_in(&app, "ann@example.org").await;
    let page = format!("/notes/{note}/amend");
    let correction = [
        ("reason", "Figure transposed when typing up"),
        ("section_situation", "Owes £2,100"),
    ];

    let mut other = hold_write_lock(&app).await;
    let r = b.submit(&page, &page, &correction).await;
    assert_eq!(r.status, StatusCode::SERVICE_UNAVAILABLE, "{}", r.html());
    let html = r.html();
    assert!(html.contains("Not saved. Caseload was busy"), "{html}");
    assert!(
        html.contains("Owes £2,100"),
        "the correction is kept: {html}"
    );
    assert!(
        html.contains("Figure transposed when typing up"),
        "and its reason: {html}"
    );

    sqlx::raw_sql("ROLLBACK").execute(&mut other).await.unwrap();
    let saved = b.submit(&page, &page, &correction).await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.html());
    assert!(
        b.get(&format!("/cases/{case}"))
            .await
            .html()
            .contains("Amended 1 time")
    );
}
