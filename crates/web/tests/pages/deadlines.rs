//! Deadlines: the calculator page, adding a deadline to a case, and the
//! deadlines page as time moves.

use axum::http::StatusCode;
use serde_json::json;

use crate::common::{sign_in, status_of};
use crate::support::TestApp;

#[tokio::test]
async fn the_deadline_calculator_page_shows_the_working() {
    let app = TestApp::new().await;
    let b = sign_in(&app, "ann@example.org").await;
    let empty = b.get("/deadlines/calculator").await;
    assert_eq!(empty.status, StatusCode::OK);
    let r = b.get("/deadlines/calculator?rule=homelessness_review&trigger_date=2026-06-01&calendar=england-and-wales").await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.html().contains("due Sun 21 Jun 2026"), "{}", r.html());
    assert!(r.html().contains("is day 1 of 21 days"));
    let bad = b
        .get("/deadlines/calculator?rule=&trigger_date=31/01/2026")
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        bad.html().contains("Deadline must be chosen")
            && bad.html().contains("Trigger date must be a date")
    );
    let half = b.get("/deadlines/calculator?rule=employment_tribunal&trigger_date=2026-01-10&pause_from=2026-02-01").await;
    assert!(half.html().contains("give both dates or neither"));
}

#[tokio::test]
async fn a_deadline_is_added_from_the_case_page_with_its_working() {
    let app = TestApp::new().await;
    let (_, case) = app.client_and_case(&app.ann.1).await;
    let b = sign_in(&app, "ann@example.org").await;
    let page = format!("/cases/{case}/deadlines/new");
    let bad = b
        .submit(
            &page,
            &page,
            &[
                ("rule", "employment_tribunal"),
                ("trigger_date", "2026-01-10"),
                ("calendar", "england-and-wales"),
                ("pause_from", "2026-04-10"),
                ("pause_to", "2026-04-20"),
            ],
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.html().contains("already expired"), "{}", bad.html());
    let ok = b
        .submit(
            &page,
            &page,
            &[
                ("rule", "employment_tribunal"),
                ("trigger_date", "2026-01-10"),
                ("calendar", "england-and-wales"),
                ("pause_from", "2026-04-01"),
                ("pause_to", "2026-04-05"),
            ],
        )
        .await;
    assert_eq!(ok.status, StatusCode::SEE_OTHER, "{}", ok.html());
    let html = b.get(&format!("/cases/{case}")).await.html().to_owned();
    assert!(
        html.contains("Employment Tribunal claim (most claims)") && html.contains("5 May 2026")
    );
    assert!(html.contains("one month after the certificate"));
    assert!(html.contains("Deadline set"));
    assert_eq!(app.count("deadlines").await, 1);
}

#[tokio::test]
async fn the_deadlines_page_shows_what_is_due_at_risk_and_breached_as_time_moves() {
    let app = TestApp::new().await;
    let (_, case) = app.client_and_case(&app.ann.1).await;
    // Clock: Monday 2 March 2026. A review request due in 21 days, and one due Wednesday.
    app.post(
        &format!("/api/v1/cases/{case}/deadlines"),
        &app.ann.1,
        json!({"rule": "homelessness_review", "trigger_date": "2026-03-02"}),
    )
    .await;
    app.post(
        &format!("/api/v1/cases/{case}/deadlines"),
        &app.ann.1,
        json!({"title": "Send evidence to the council", "due_date": "2026-03-04"}),
    )
    .await;
    let b = sign_in(&app, "ann@example.org").await;
    let now = b.get("/deadlines").await.html().to_owned();
    // Nothing is at risk the day it starts: the margin is a quarter of
    // each window, never the whole of it.
    assert!(now.contains("At risk (0)"), "{now}");
    assert!(now.contains("Coming up") && now.contains("Send evidence to the council"));
    assert!(now.contains("Homelessness review request"));
    assert!(now.contains("Breached (0)"));
    // Wednesday: the deadline and the organisation's first-contact
    // timescale for a case not yet assessed (two working days) fall due.
    app.advance(2 * 24 * 60);
    let b = sign_in(&app, "ann@example.org").await; // the old session has idled out
    let due = b.get("/deadlines").await.html().to_owned();
    assert!(
        due.contains("At risk (2)") && due.contains("Due today"),
        "{due}"
    );
    assert!(due.contains("First contact") && due.contains("Contact the client"));
    assert!(
        b.get("/caseload")
            .await
            .html()
            .contains("Deadline Wed 4 Mar 2026: Send evidence to the council"),
        "the queue flags it, with its date"
    );
    app.advance(24 * 60);
    let b = sign_in(&app, "ann@example.org").await;
    let later = b.get("/deadlines").await.html().to_owned();
    assert!(
        later.contains("Breached (2)") && later.contains("breached since Thu 5 Mar 2026"),
        "{later}"
    );
    assert!(later.contains("ask for late acceptance"));
    let queue = b.get("/caseload").await.html().to_owned();
    assert!(
        queue.contains("First contact overdue since Thu 5 Mar 2026")
            && queue.contains("Deadline passed Wed 4 Mar 2026: Send evidence to the council"),
        "{queue}"
    );
    let page = b.get(&format!("/cases/{case}")).await.html().to_owned();
    let section = &page[page.find("id=\"timescales\"").expect("timescales section")..];
    assert!(
        section.contains("First contact")
            && section.contains("Breached since Thu 5 Mar 2026")
            && section.contains("Contact the client"),
        "{section}"
    );
}

#[tokio::test]
async fn a_calculator_result_is_added_to_a_case_in_one_step() {
    let app = TestApp::new().await;
    let (_, case) = app.client_and_case(&app.ann.1).await;
    app.client_and_case(&app.bob.1).await;
    let b = sign_in(&app, "ann@example.org").await;
    let page = "/deadlines/calculator?rule=homelessness_review&trigger_date=2026-06-01&calendar=england-and-wales";
    let result = b.get(page).await;
    let html = result.html();
    assert!(html.contains("Add this deadline to a case"));
    assert!(
        html.contains(&format!(
            "<option value=\"{case}\">Dana Client — Rent arrears</option>"
        )),
        "my active cases are offered"
    );
    assert_eq!(
        html.matches("Dana Client — Rent arrears").count(),
        1,
        "not a colleague's"
    );
    let fields = [
        ("rule", "homelessness_review"),
        ("trigger_date", "2026-06-01"),
        ("calendar", "england-and-wales"),
        ("pause_from", ""),
        ("pause_to", ""),
    ];
    let mut none = fields.to_vec();
    none.push(("case_id", ""));
    let refused = b.submit(page, "/deadlines/calculator/add", &none).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        refused.html().contains("Case must be chosen") && refused.html().contains("21 Jun 2026")
    );
    assert_eq!(app.count("deadlines").await, 0);
    let mut chosen = fields.to_vec();
    chosen.push(("case_id", &case));
    let added = b.submit(page, "/deadlines/calculator/add", &chosen).await;
    assert_eq!(added.status, StatusCode::SEE_OTHER, "{}", added.html());
    assert!(
        added
            .location()
            .starts_with(&format!("/cases/{case}?saved=deadline"))
    );
    let html = b.get(added.location()).await.html().to_owned();
    assert!(
        status_of(&html).contains("Deadline added: ") && status_of(&html).contains("21 Jun 2026."),
        "{}",
        status_of(&html)
    );
    assert_eq!(app.count("deadlines").await, 1);
}
