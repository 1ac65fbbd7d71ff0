//! Tasks: cancelling one needs a reason, which the timeline shows.

use axum::http::StatusCode;
use serde_json::{Value, json};

use crate::support::TestApp;

#[tokio::test]
async fn cancelling_a_task_needs_a_reason_which_the_timeline_shows() {
    let app = TestApp::new().await;
    let (_, case) = app.client_and_case(&app.ann.1).await;
    let task = app
        .post(
            &format!("/api/v1/cases/{case}/tasks"),
            &app.ann.1,
            json!({"title": "Book interpreter", "due_date": "2026-03-09"}),
        )
        .await
        .id();
    let path = format!("/api/v1/cases/{case}/tasks/{task}/status");
    for body in [
        json!({"status": "cancelled"}),
        json!({"status": "cancelled", "reason": "   "}),
    ] {
        let refused = app.post(&path, &app.ann.1, body).await;
        refused.assert_problem(422);
        assert!(
            refused
                .field_error("reason")
                .is_some_and(|m| m.contains("required when cancelling")),
            "{}",
            refused.body
        );
    }
    let too_long = app
        .post(
            &path,
            &app.ann.1,
            json!({"status": "cancelled", "reason": "x".repeat(2_001)}),
        )
        .await;
    too_long.assert_problem(422);
    assert!(too_long.field_error("reason").is_some());
    assert_eq!(
        app.get(&format!("/api/v1/cases/{case}/tasks"), &app.ann.1)
            .await
            .body[0]["status"],
        "open",
        "nothing changed"
    );
    let ok = app
        .post(
            &path,
            &app.ann.1,
            json!({"status": "cancelled", "reason": "Family member now interprets"}),
        )
        .await;
    assert_eq!(ok.status, StatusCode::OK, "{}", ok.body);
    assert_eq!(ok.body["status"], "cancelled");
    assert_eq!(
        ok.body["cancellation_reason"],
        "Family member now interprets"
    );
    let timeline = app
        .get(&format!("/api/v1/cases/{case}/timeline"), &app.ann.1)
        .await;
    let change = timeline
        .body
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["kind"] == "task_status_changed")
        .expect("on the timeline");
    assert_eq!(change["data"]["to"], "cancelled");
    assert_eq!(change["data"]["reason"], "Family member now interprets");
    // Done and reopen need no reason.
    let reopened = app.post(&path, &app.ann.1, json!({"status": "open"})).await;
    assert_eq!(reopened.status, StatusCode::OK);
    assert_eq!(reopened.body["cancellation_reason"], Value::Null);
}
