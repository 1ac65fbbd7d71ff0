//! The caseload page: my cases in the queue's order, with what needs
//! attention, and changes shown at once.

use axum::http::StatusCode;
use serde_json::json;

use crate::common::sign_in;
use crate::support::TestApp;

#[tokio::test]
async fn the_caseload_lists_my_cases_with_what_needs_attention() {
    let app = TestApp::new().await;
    let (_, case) = app.client_and_case(&app.ann.1).await;
    app.post(
        &format!("/api/v1/cases/{case}/tasks"),
        &app.ann.1,
        json!({"title": "Chase landlord", "due_date": "2026-02-20"}),
    )
    .await;
    app.client_and_case(&app.bob.1).await;
    let b = sign_in(&app, "ann@example.org").await;
    let page = b.get("/caseload").await;
    assert_eq!(page.status, StatusCode::OK);
    let html = page.html();
    assert!(html.contains("Dana Client") && html.contains("Rent arrears"));
    assert!(html.contains("Chase landlord") && html.contains("1 overdue task"));
    assert!(
        html.contains("Showing 1 of 1 active case."),
        "only my own cases"
    );
    let filtered = b.get("/caseload?area=debt").await;
    assert!(filtered.html().contains("Showing 0 of 1"));
    let sorted = b.get("/caseload?sort=client&dir=desc").await;
    assert!(sorted.html().contains("aria-sort=\"descending\""));
}

/// The case ids of a caseload page's rows, top to bottom.
fn row_case_ids(html: &str) -> Vec<String> {
    let mut ids = Vec::new();
    for piece in html.split("<a href=\"/cases/").skip(1) {
        if let Some((id, rest)) = piece.split_once('"')
            && rest.trim_start().starts_with("class=\"row-link\"")
        {
            ids.push(id.to_owned());
        }
    }
    ids
}

#[tokio::test]
async fn my_caseload_page_shows_the_queues_order_by_default_the_same_as_the_api() {
    let app = TestApp::new().await;
    // Five cases: bands set out of order, and the least urgent one with an
    // overdue task (which used to put it first on the page).
    let cases = app
        .cases_with_bands(&app.ann.1, &["P4", "P1", "", "P3", "P2"])
        .await;
    let api_order = app.queue_order(&app.ann.1).await;
    assert_eq!(api_order.len(), 5);
    // The queue itself: P1, P2, then the unassessed case, P3, P4.
    let expected: Vec<String> = [1, 4, 2, 3, 0].iter().map(|i| cases[*i].clone()).collect();
    assert_eq!(api_order, expected, "the API's queue order");

    let b = sign_in(&app, "ann@example.org").await;
    let page = b.get("/caseload").await;
    let html = page.html();
    assert_eq!(
        row_case_ids(html),
        api_order,
        "the page's default order is the API's"
    );
    assert!(
        html.contains("Priority order: by band"),
        "the page says which order"
    );
    assert!(html.contains("aria-sort=\"ascending\""));
    assert!(!html.contains("Back to priority order"));

    // Another order is a click away, says so, and leads back.
    let by_client = b.get("/caseload?sort=flags").await;
    let html = by_client.html();
    let mut flagged = row_case_ids(html);
    assert_ne!(flagged, api_order, "a different order");
    flagged.sort();
    let mut all = api_order.clone();
    all.sort();
    assert_eq!(flagged, all, "the same cases");
    assert!(html.contains("Sorted by flags"), "{html}");
    assert!(html.contains(">Back to priority order</a>"));
}

/// The queue page answers from the rows kept from the last look while
/// nothing has changed, and shows a change made anywhere at once.
#[tokio::test]
async fn the_queue_page_shows_a_change_at_once() {
    let app = TestApp::new().await;
    let (_, case) = app.client_and_case(&app.ann.1).await;
    let b = sign_in(&app, "ann@example.org").await;
    let counts = || {
        let c = app.state.caseloads.counts();
        (c.kept, c.refreshed, c.read)
    };
    let first = b.get("/caseload").await;
    assert_eq!(first.status, StatusCode::OK);
    assert!(first.html().contains("Rent arrears"));
    assert_eq!(b.get("/caseload").await.html(), first.html());
    assert_eq!(counts(), (1, 0, 1));
    // Retitled straight in the database, past the server.
    sqlx::query("UPDATE cases SET title = 'Rent arrears and council tax' WHERE id = ?")
        .bind(&case)
        .execute(app.store.pool())
        .await
        .unwrap();
    let page = b.get("/caseload").await;
    assert!(page.html().contains("Rent arrears and council tax"));
    assert_eq!(counts(), (1, 0, 2));
}
