//! Timescales: administrators version them and the note window follows.

use axum::http::StatusCode;
use caseload_store::prelude::*;

use crate::common::sign_in;
use crate::support::TestApp;

#[tokio::test]
async fn administrators_version_the_timescales_and_the_note_window_follows() {
    let app = TestApp::new().await;
    let ada = sign_in(&app, "ada@example.org").await;
    let page = ada.get("/admin/timescales").await;
    assert!(page.html().contains("in force"), "{}", page.html());
    let body = caseload_domain::timescales::Timescales::shipped().to_toml();
    let refused = ada
        .submit(
            "/admin/timescales",
            "/admin/timescales",
            &[(
                "body",
                &body.replace(
                    "review_interval_working_days = 20",
                    "review_interval_working_days = 0",
                ),
            )],
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        refused
            .html()
            .contains("review_interval_working_days must be between 1 and 260 working days, not 0"),
        "{}",
        refused.html()
    );
    assert_eq!(app.store.timescale_versions().await.unwrap().len(), 1);
    let saved = ada
        .submit(
            "/admin/timescales",
            "/admin/timescales",
            &[(
                "body",
                &body.replace("note_window_hours = 24", "note_window_hours = 72"),
            )],
        )
        .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.html());
    assert_eq!(app.store.timescale_versions().await.unwrap().len(), 2);
    // A note about a contact two days ago is no longer a late entry.
    let (_, case) = app.client_and_case(&app.ann.1).await;
    let note = app
        .note(&app.ann.1, &case, 48 * 60, "Met at the drop-in")
        .await;
    assert_eq!(note.status, StatusCode::CREATED, "{}", note.body);
    assert_eq!(note.body["late_entry"], false);
    let ann = sign_in(&app, "ann@example.org").await;
    assert_eq!(
        ann.get("/admin/timescales").await.status,
        StatusCode::FORBIDDEN
    );
    assert!(
        ann.get(&format!("/cases/{case}/notes/new"))
            .await
            .html()
            .contains("3 days"),
        "the form states the window in force"
    );
}
