//! The case page: another team's case is not found, the history, and each
//! save confirmed.

use axum::http::StatusCode;
use caseload_store::prelude::*;
use serde_json::json;

use crate::common::{at, sign_in, status_of};
use crate::support::TestApp;

#[tokio::test]
async fn another_teams_case_is_not_found_and_the_attempt_is_logged() {
    let app = TestApp::new().await;
    let (client, case) = app.client_and_case(&app.ann.1).await;
    let note = app.note(&app.ann.1, &case, 5, "Private").await.id();
    let cat = sign_in(&app, "cat@example.org").await;
    for path in [
        format!("/cases/{case}"),
        format!("/cases/{case}/notes/new"),
        format!("/notes/{note}/amend"),
        format!("/clients/{client}"),
    ] {
        let r = cat.get(&path).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{path}");
        assert!(!r.html().contains("Private") && !r.html().contains("Dana"));
    }
    let denied = app
        .store
        .list_audit(50)
        .await
        .unwrap()
        .into_iter()
        .filter(|e| e.action.ends_with(".denied"))
        .count();
    assert_eq!(denied, 4);
    assert_eq!(
        cat.get("/cases/cas_nope").await.status,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn the_history_reads_newest_first_by_default_and_can_be_filtered_and_printed() {
    let app = TestApp::new().await;
    let (_, case) = app.client_and_case(&app.ann.1).await;
    app.advance(10);
    app.note(&app.ann.1, &case, 1, "First call").await;
    app.advance(10);
    app.post(
        &format!("/api/v1/cases/{case}/tasks"),
        &app.ann.1,
        json!({"title": "Send the budget sheet"}),
    )
    .await;
    let b = sign_in(&app, "ann@example.org").await;
    let newest = b.get(&format!("/cases/{case}")).await.html().to_owned();
    let history = &newest[at(&newest, "id=\"timeline\"")..];
    assert!(at(history, "Task added: Send the budget sheet") < at(history, "First call"));
    assert!(at(history, "First call") < at(history, "Case recorded as open"));
    assert!(history.contains("Showing all 3 entries, newest first."));
    assert!(history.contains("value=\"newest\" checked"));
    assert!(
        history.contains("?order=oldest&amp;print=1"),
        "a print link, oldest first"
    );

    let oldest = b
        .get(&format!("/cases/{case}?order=oldest"))
        .await
        .html()
        .to_owned();
    let history = &oldest[at(&oldest, "id=\"timeline\"")..];
    assert!(at(history, "Case recorded as open") < at(history, "First call"));
    assert!(at(history, "First call") < at(history, "Task added: Send the budget sheet"));
    assert!(history.contains("Showing all 3 entries, oldest first."));

    let tasks = b
        .get(&format!("/cases/{case}?kind=tasks&kind=status"))
        .await
        .html()
        .to_owned();
    let history = &tasks[at(&tasks, "id=\"timeline\"")..];
    assert!(
        history.contains("Showing status changes and tasks only, newest first: 2 of 3 entries.")
    );
    assert!(!history.contains("First call"));
    assert!(history.contains("value=\"tasks\" checked"));

    let print = b
        .get(&format!("/cases/{case}?order=oldest&print=1&kind=tasks"))
        .await
        .html()
        .to_owned();
    let history = &print[at(&print, "id=\"timeline\"")..];
    assert!(history.contains("Print version: the whole history, oldest first"));
    assert!(at(history, "Case recorded as open") < at(history, "First call"));
    // Unknown values are ignored, never shown back.
    let odd = b
        .get(&format!("/cases/{case}?kind=%3Cb%3E&order=sideways"))
        .await;
    assert_eq!(odd.status, StatusCode::OK);
    assert!(
        odd.html().contains("Showing all 3 entries, newest first.") && !odd.html().contains("<b>")
    );
}

#[tokio::test]
async fn each_save_on_the_case_page_says_what_was_saved() {
    let app = TestApp::new().await;
    let (_, case) = app.client_and_case(&app.ann.1).await;
    let b = sign_in(&app, "ann@example.org").await;
    let page = format!("/cases/{case}/notes/new");
    let note = b
        .submit(
            &page,
            &page,
            &[
                ("kind", "phone"),
                ("template", "star"),
                ("occurred_at", "2026-03-02T08:55"),
                ("section_situation", "Client rang about the notice"),
            ],
        )
        .await;
    assert_eq!(note.status, StatusCode::SEE_OTHER, "{}", note.html());
    assert!(
        note.location()
            .starts_with(&format!("/cases/{case}?saved=note&item=not_"))
    );
    let html = b.get(note.location()).await.html().to_owned();
    assert!(
        status_of(&html).contains("Note saved: phone call, Mon 2 Mar 2026, 08:55."),
        "{}",
        status_of(&html)
    );

    let tasks = format!("/cases/{case}/tasks/new");
    let task = b
        .submit(
            &tasks,
            &tasks,
            &[("title", "Call the landlord"), ("due_date", "2026-03-06")],
        )
        .await;
    let html = b.get(task.location()).await.html().to_owned();
    let said = status_of(&html);
    assert!(said.contains("Task added: Call the landlord, due ") && said.contains("6 Mar 2026."));

    let outcomes = format!("/cases/{case}/outcomes/new");
    let outcome = b
        .submit(&outcomes, &outcomes, &[("description", "Tenancy kept")])
        .await;
    let html = b.get(outcome.location()).await.html().to_owned();
    assert!(status_of(&html).contains("Outcome added: Tenancy kept."));

    let status = format!("/cases/{case}/status");
    let held = b
        .submit(
            &status,
            &status,
            &[
                ("status", "on_hold"),
                ("reason", "Waiting for the landlord"),
            ],
        )
        .await;
    assert_eq!(held.status, StatusCode::SEE_OTHER, "{}", held.html());
    let html = b.get(held.location()).await.html().to_owned();
    assert!(
        status_of(&html).contains("Status changed to On hold."),
        "{}",
        status_of(&html)
    );

    // Nothing from the URL is shown back: only the page's own words.
    let forged = b
        .get(&format!("/cases/{case}?saved=%3Cscript%3E&item=%3Cb%3E"))
        .await
        .html()
        .to_owned();
    assert!(!status_of(&forged).contains("<p") && !forged.contains("<script>"));
    let unknown = b
        .get(&format!("/cases/{case}?saved=note&item=not_gone"))
        .await;
    assert!(status_of(unknown.html()).contains("Saved."));
}
