//! Timescales: at risk then breached, clocks stopped on hold, and settings
//! changed outside the server.

use axum::http::StatusCode;
use caseload_store::prelude::*;
use serde_json::json;

use crate::support::{self, TestApp};

#[tokio::test]
async fn timescales_go_at_risk_then_breach_and_each_alert_is_sent_once() {
    let app = TestApp::new().await;
    // The organisation's own timescales: ten working days to first contact
    // for a case not yet assessed, at risk with 20% of the window left.
    let toml = caseload_domain::timescales::DEFAULT_TIMESCALES
        .replace("{ percent = 25 }", "{ percent = 20 }")
        .replace(
            "[unassessed]\nfirst_contact_working_days = 2",
            "[unassessed]\nfirst_contact_working_days = 10",
        );
    app.post("/api/v1/timescales", &app.ann.1, json!({"toml": toml}))
        .await
        .assert_problem(403);
    let bad = app
        .post(
            "/api/v1/timescales",
            &app.ada.1,
            json!({"toml": toml.replace("note_window_hours = 24", "note_window_hours = 0")}),
        )
        .await;
    bad.assert_problem(422);
    assert!(
        bad.body.to_string().contains("note_window_hours"),
        "{}",
        bad.body
    );
    // A margin as long as a window is refused, a share of it suggested.
    let swallowing = app
        .post(
            "/api/v1/timescales",
            &app.ada.1,
            json!({"toml": toml.replace("{ percent = 20 }", "{ working_days = 2 }")}),
        )
        .await;
    swallowing.assert_problem(422);
    let said = swallowing.body.to_string();
    assert!(
        said.contains("band P1") && said.contains("margin = { percent = 25 }"),
        "{said}"
    );
    let saved = app
        .post("/api/v1/timescales", &app.ada.1, json!({"toml": toml}))
        .await;
    assert_eq!(saved.status, StatusCode::CREATED, "{}", saved.body);
    assert_eq!(saved.body["version"], 2, "version 1 is the shipped file");
    let same = app
        .post("/api/v1/timescales", &app.ada.1, json!({"toml": toml}))
        .await;
    assert_eq!(
        same.status,
        StatusCode::OK,
        "unchanged text is not a new version"
    );

    // Monday 2 March 2026: a new case, and a deadline on Friday 20th.
    let (_, case) = app.client_and_case(&app.ann.1).await;
    app.post(
        &format!("/api/v1/cases/{case}/deadlines"),
        &app.ann.1,
        json!({"title": "Reply to the landlord", "due_date": "2026-03-20"}),
    )
    .await;
    let clocks = app
        .get(&format!("/api/v1/cases/{case}/timescales"), &app.ann.1)
        .await;
    let first = &clocks.body["clocks"][0];
    assert_eq!(
        (
            first["clock"].as_str(),
            first["state"].as_str(),
            first["due"].as_str()
        ),
        (Some("first_contact"), Some("on_track"), Some("2026-03-16")),
        "{}",
        clocks.body
    );
    let run = || caseload_web::reevaluation::everything(&app.state);
    assert_eq!(run().await.unwrap().timescales.alerts, 0);

    // Thursday 12th: two working days left of ten — at risk.
    app.advance(10 * 24 * 60);
    let done = run().await.unwrap();
    assert_eq!((done.timescales.checked, done.timescales.alerts), (1, 1));
    assert_eq!(run().await.unwrap().timescales.alerts, 0, "sent once");
    let mine = app.get("/api/v1/notifications", &app.ann.1).await;
    assert_eq!(mine.body.as_array().unwrap().len(), 1, "{}", mine.body);
    assert_eq!(mine.body[0]["kind"], "timescale_at_risk");
    assert!(
        mine.body[0]["message"].as_str().unwrap().contains(
            "First contact at risk: 2 working days left (due Mon 16 Mar 2026). Contact the client."
        ),
        "{}",
        mine.body
    );
    let sue = app.get("/api/v1/notifications", &app.sue.1).await;
    assert!(
        sue.body.as_array().unwrap().is_empty(),
        "supervisors hear of breaches only"
    );
    let queue = app.get("/api/v1/caseload", &app.ann.1).await;
    assert!(
        queue.body[0]["flags"]
            .to_string()
            .contains("timescale_at_risk"),
        "{}",
        queue.body
    );
    assert_eq!(queue.body[0]["attention_due"], "2026-03-16");

    // Wednesday 18th: first contact breached, and the deadline (a window
    // of 14 working days, a fifth of it 2) is at risk.
    app.advance(6 * 24 * 60);
    assert_eq!(run().await.unwrap().timescales.alerts, 2);
    assert_eq!(run().await.unwrap().timescales.alerts, 0);
    let sue = app.get("/api/v1/notifications", &app.sue.1).await;
    assert_eq!(sue.body.as_array().unwrap().len(), 1, "{}", sue.body);
    assert_eq!(sue.body[0]["kind"], "timescale_breached");
    assert!(
        sue.body[0]["message"]
            .as_str()
            .unwrap()
            .contains("First contact breached since Tue 17 Mar 2026 (due Mon 16 Mar 2026)"),
        "dates keep their capitals: {}",
        sue.body
    );
    let queue = app.get("/api/v1/caseload", &app.ann.1).await;
    let flags = queue.body[0]["flags"].to_string();
    assert!(
        flags.contains("timescale_breached") && flags.contains("deadline_at_risk"),
        "{flags}"
    );

    // Contact at last: first contact is met, late.
    app.note(&app.ann.1, &case, 10, "Phoned the client").await;
    let clocks = app
        .get(&format!("/api/v1/cases/{case}/timescales"), &app.ann.1)
        .await;
    assert_eq!(clocks.body["clocks"][0]["state"], "met");
    assert_eq!(clocks.body["clocks"][0]["late"], true);
}

#[tokio::test]
async fn clocks_stop_while_a_case_is_on_hold() {
    let app = TestApp::new().await;
    let (_, case) = app.client_and_case(&app.ann.1).await;
    app.post(
        &format!("/api/v1/cases/{case}/assessments"),
        &app.ann.1,
        json!({"answers": {}}),
    )
    .await;
    app.advance(24 * 60);
    let held = app
        .post(
            &format!("/api/v1/cases/{case}/status"),
            &app.ann.1,
            json!({"status": "on_hold", "reason": "Waiting for the client's tenancy agreement"}),
        )
        .await;
    assert_eq!(held.status, StatusCode::OK, "{}", held.body);
    // A fortnight on hold from Tuesday 3rd: the P4 first-contact clock (ten
    // working days) stopped that day with all ten left, and the
    // client-response clock ran instead.
    app.advance(14 * 24 * 60);
    let clocks = app
        .get(&format!("/api/v1/cases/{case}/timescales"), &app.ann.1)
        .await;
    let by_clock = |name: &str| {
        clocks.body["clocks"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["clock"] == name)
            .cloned()
            .unwrap_or_default()
    };
    assert_eq!(
        by_clock("first_contact")["state"],
        "paused",
        "{}",
        clocks.body
    );
    assert_eq!(by_clock("first_contact")["working_days_left"], 10);
    let client = by_clock("client_response");
    assert_eq!(
        (client["state"].as_str(), client["due"].as_str()),
        (Some("at_risk"), Some("2026-03-17")),
        "ten working days on hold: follow up today; {}",
        clocks.body
    );
    // Off hold on Tuesday 17th: the clock resumes where it stopped, and the
    // day it resumes counts.
    app.post(
        &format!("/api/v1/cases/{case}/status"),
        &app.ann.1,
        json!({"status": "open"}),
    )
    .await;
    let clocks = app
        .get(&format!("/api/v1/cases/{case}/timescales"), &app.ann.1)
        .await;
    let first = clocks.body["clocks"][0].clone();
    assert_eq!(first["state"], "on_track", "{}", clocks.body);
    assert_eq!(first["working_days_left"], 9);
    assert_eq!(first["due"], "2026-03-30");
    assert!(
        clocks.body["clocks"].as_array().unwrap().len() == 2,
        "no client-response clock once off hold: {}",
        clocks.body
    );
}

/// Every server holds the settings in memory; a change made anywhere else
/// (another server, the CLI, SQL by hand) must be seen on the next request.
#[tokio::test]
async fn settings_changed_outside_this_server_are_seen_on_the_next_request() {
    let app = TestApp::new().await;
    let (_, case) = app.client_and_case(&app.ann.1).await;
    let window = |r: &support::Resp| {
        r.body["clocks"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["clock"] == "first_contact")
            .map(|c| c["window"].clone())
            .unwrap()
    };
    let path = format!("/api/v1/cases/{case}/timescales");
    let before = app.get(&path, &app.ann.1).await;
    assert_eq!(window(&before), 2, "{}", before.body);
    // Not through this server's API: straight into the database.
    let toml = caseload_domain::timescales::DEFAULT_TIMESCALES.replace(
        "[unassessed]\nfirst_contact_working_days = 2",
        "[unassessed]\nfirst_contact_working_days = 7",
    );
    app.store
        .save_timescales(&toml, None, app.clock_now())
        .await
        .unwrap();
    let after = app.get(&path, &app.ann.1).await;
    assert_eq!(window(&after), 7, "{}", after.body);

    // A closure day added elsewhere moves the due date one working day on.
    let due = |r: &support::Resp| {
        r.body["clocks"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["clock"] == "first_contact")
            .and_then(|c| c["due"].as_str().map(str::to_owned))
            .unwrap()
    };
    let first_due: jiff::civil::Date = due(&after).parse().unwrap();
    app.store
        .add_closure_day(first_due, "Office move", app.clock_now())
        .await
        .unwrap();
    let moved = app.get(&path, &app.ann.1).await;
    assert_ne!(due(&moved), first_due.to_string(), "{}", moved.body);
}
