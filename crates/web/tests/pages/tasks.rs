//! Tasks on the case page: cancelling asks why, and the list's order.

use axum::http::StatusCode;
use serde_json::json;

use crate::common::{at, sign_in, status_of};
use crate::support::TestApp;

#[tokio::test]
async fn cancelling_a_task_asks_why_and_the_history_shows_the_reason() {
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
    let b = sign_in(&app, "ann@example.org").await;
    let html = b.get(&format!("/cases/{case}")).await.html().to_owned();
    let cancel = format!("/cases/{case}/tasks/{task}/cancel");
    assert!(html.contains(&format!("href=\"{cancel}\"")));
    assert!(
        !html.contains("value=\"cancelled\""),
        "Cancel no longer acts on one click"
    );
    let form = b.get(&cancel).await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(
        form.html().contains("Why it is cancelled") && form.html().contains("Book interpreter")
    );
    let action = format!("/cases/{case}/tasks/{task}/status");
    let no_reason = b
        .submit(
            &cancel,
            &action,
            &[("status", "cancelled"), ("reason", " ")],
        )
        .await;
    assert_eq!(no_reason.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        no_reason
            .html()
            .contains("Why it is cancelled is required when cancelling")
    );
    let ok = b
        .submit(
            &cancel,
            &action,
            &[
                ("status", "cancelled"),
                ("reason", "Family member now interprets"),
            ],
        )
        .await;
    assert_eq!(ok.status, StatusCode::SEE_OTHER);
    assert!(ok.location().contains("saved=task_cancelled"));
    let html = b.get(ok.location()).await.html().to_owned();
    assert!(
        status_of(&html)
            .contains("Task cancelled: Book interpreter. Reason: Family member now interprets")
    );
    assert!(
        html.contains(
            "Task &#34;Book interpreter&#34; cancelled. Reason: Family member now interprets"
        ),
        "{html}"
    );
    // A cancelled task goes back to the case rather than asking again.
    assert_eq!(b.get(&cancel).await.status, StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn tasks_are_listed_open_first_by_due_date_undated_last() {
    let app = TestApp::new().await;
    let (_, case) = app.client_and_case(&app.ann.1).await;
    let mut ids = Vec::new();
    for (title, due) in [
        ("Undated", None),
        ("Later", Some("2026-04-01")),
        ("Sooner", Some("2026-03-05")),
        ("Finished", Some("2026-03-03")),
    ] {
        let task = app
            .post(
                &format!("/api/v1/cases/{case}/tasks"),
                &app.ann.1,
                json!({"title": title, "due_date": due}),
            )
            .await;
        ids.push(task.id());
    }
    app.post(
        &format!("/api/v1/cases/{case}/tasks/{}/status", ids[3]),
        &app.ann.1,
        json!({"status": "done"}),
    )
    .await;
    let b = sign_in(&app, "ann@example.org").await;
    let html = b.get(&format!("/cases/{case}")).await.html().to_owned();
    let tasks = &html[at(&html, "id=\"tasks\"")..at(&html, "id=\"outcomes\"")];
    let order: Vec<usize> = ["Sooner", "Later", "Undated", "Finished"]
        .iter()
        .map(|t| at(tasks, &format!("item-title\">{t}<")))
        .collect();
    let mut sorted = order.clone();
    sorted.sort();
    assert_eq!(order, sorted, "{tasks}");
}
