//! The case page of issue 13 in a real browser: cancelling a task with a
//! reason, and a colleague who cannot amend another's note.

use caseload_store::prelude::*;
use fantoccini::Locator;
use serde_json::json;

use crate::common::{PASSWORD, signed_in};
use crate::support::TestApp;

/// Issue 13's case page in a real browser, each new page checked by axe-core:
/// cancelling a task asks why, the save is confirmed, a calculator result
/// goes to a case in one step, and a colleague reads a note they cannot amend.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_task_is_cancelled_with_a_reason_and_a_colleague_cannot_amend_anothers_note() {
    let app = TestApp::new().await;
    let bob = app
        .store
        .find_user_by_email("bob@example.org")
        .await
        .unwrap()
        .unwrap();
    app.store
        .set_password(&bob.id, &caseload_web::passwords::hash(PASSWORD).unwrap())
        .await
        .unwrap();
    let (_, case) = app.client_and_case(&app.ann.1).await;
    let task = app
        .post(
            &format!("/api/v1/cases/{case}/tasks"),
            &app.ann.1,
            json!({"title": "Book interpreter", "due_date": "2026-03-09"}),
        )
        .await
        .id();
    let note = app.note(&app.ann.1, &case, 5, "Owes £1,200").await.id();
    let Some((_driver, mut s)) = signed_in(&app, "ann@example.org").await else {
        return;
    };

    s.go(&format!("/cases/{case}")).await;
    s.click_then(
        &format!("a[href='/cases/{case}/tasks/{task}/cancel']"),
        "#f-reason",
    )
    .await;
    s.check("20-cancel-task").await;
    s.click_then("button[data-once]", ".error-summary").await;
    s.check("20b-cancel-task-error").await;
    s.fill("#f-reason", "Family member now interprets").await;
    s.click_then("button[data-once]", "p.saved").await;
    assert!(
        s.html()
            .await
            .contains("Task cancelled: Book interpreter. Reason: Family member now interprets")
    );
    s.check("20c-case-after-cancel").await;

    s.go("/deadlines/calculator?rule=homelessness_review&trigger_date=2026-06-01&calendar=england-and-wales")
        .await;
    s.check("20d-calculator-add-to-case").await;
    s.client
        .find(Locator::Css("#f-case_id"))
        .await
        .unwrap()
        .select_by_value(&case)
        .await
        .unwrap();
    s.click_then("form[action='/deadlines/calculator/add'] button", "p.saved")
        .await;
    assert_eq!(s.path().await, format!("/cases/{case}"));
    assert!(
        s.html()
            .await
            .contains("Deadline added: Homelessness review request")
    );
    s.click_then("form[action='/sign-out'] button", "#f-email")
        .await;

    s.fill("#f-email", "bob@example.org").await;
    s.fill("#f-password", PASSWORD).await;
    s.click_then("form[action='/sign-in'] button", "form[action='/sign-out']")
        .await;
    s.go(&format!("/notes/{note}/amend")).await;
    assert!(
        s.html()
            .await
            .contains("This note cannot be amended by you")
    );
    s.check("20e-amend-refused").await;

    let checked = s.checked.len();
    s.client.close().await.unwrap();
    if s.axe.is_some() {
        assert_eq!(checked, 5);
    }
}
