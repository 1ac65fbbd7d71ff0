//! Deadlines: the calculator's working, a deadline becoming a task, and its
//! first state.

use axum::http::{Method, StatusCode};
use serde_json::json;

use crate::support::TestApp;

#[tokio::test]
async fn the_deadline_calculator_explains_its_answer() {
    let app = TestApp::new().await;
    let r = app
        .post(
            "/api/v1/deadlines/calculate",
            &app.ann.1,
            json!({"rule": "mandatory_reconsideration", "trigger_date": "2026-01-31"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.body["due_date"], "2026-02-28");
    assert_eq!(r.body["calendar"], "england-and-wales");
    assert!(
        r.body["explanation"][0]
            .as_str()
            .unwrap()
            .starts_with("decision Sat 31 Jan 2026 + 1 calendar month → Sat 28 Feb 2026")
    );
    assert!(r.body["source"].as_str().unwrap().contains("Regulations"));
    let et = app
        .post("/api/v1/deadlines/calculate", &app.ann.1, json!({"rule": "employment_tribunal", "trigger_date": "2026-01-10", "calendar": "scotland", "pauses": [{"from": "2026-04-01", "to": "2026-04-05"}]}))
        .await;
    assert_eq!(et.body["due_date"], "2026-05-05");
    let rules = app.get("/api/v1/deadline-rules", &app.ann.1).await;
    assert!(
        rules
            .body
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r["id"] == "homelessness_review")
    );

    let unknown = app
        .post(
            "/api/v1/deadlines/calculate",
            &app.ann.1,
            json!({"rule": "nope", "trigger_date": "2026-01-31"}),
        )
        .await;
    unknown.assert_problem(422);
    assert!(unknown.field_error("rule").unwrap().contains("known rules"));
    let far = app
        .post(
            "/api/v1/deadlines/calculate",
            &app.ann.1,
            json!({"rule": "tribunal_appeal", "trigger_date": "1890-01-31"}),
        )
        .await;
    assert!(far.field_error("trigger_date").is_some());
    let bad_date = app
        .post(
            "/api/v1/deadlines/calculate",
            &app.ann.1,
            json!({"rule": "tribunal_appeal", "trigger_date": "2026-02-30"}),
        )
        .await;
    assert!(
        bad_date.field_error("trigger_date").is_some(),
        "{}",
        bad_date.body
    );
    let overlap = app
        .post("/api/v1/deadlines/calculate", &app.ann.1, json!({"rule": "employment_tribunal", "trigger_date": "2026-01-10",
            "pauses": [{"from": "2026-02-01", "to": "2026-02-10"}, {"from": "2026-02-05", "to": "2026-02-12"}]}))
        .await;
    assert!(overlap.field_error("pauses").unwrap().contains("overlap"));
    app.call(
        Method::POST,
        "/api/v1/deadlines/calculate",
        None,
        Some(json!({})),
    )
    .await
    .assert_problem(401);
}

#[tokio::test]
async fn a_deadline_on_a_case_becomes_a_task_and_a_timeline_entry() {
    let app = TestApp::new().await;
    let (_, case) = app.client_and_case(&app.ann.1).await;
    let path = format!("/api/v1/cases/{case}/deadlines");
    let d = app
        .post(
            &path,
            &app.ann.1,
            json!({"rule": "homelessness_review", "trigger_date": "2026-03-01"}),
        )
        .await;
    assert_eq!(d.status, StatusCode::CREATED, "{}", d.body);
    assert_eq!(d.body["due_date"], "2026-03-21");
    assert_eq!(d.body["title"], "Homelessness review request");
    assert!(
        d.body["explanation"][0]
            .as_str()
            .unwrap()
            .contains("is day 1 of 21 days")
    );
    let manual = app.post(&path, &app.ann.1, json!({"title": "Landlord to reply", "due_date": "2026-03-10", "assignee_id": app.bob.0.id})).await;
    assert_eq!(manual.status, StatusCode::CREATED, "{}", manual.body);
    let tasks = app
        .get(&format!("/api/v1/cases/{case}/tasks"), &app.ann.1)
        .await;
    let titles: Vec<&str> = tasks
        .body
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["title"].as_str().unwrap())
        .collect();
    assert!(
        titles.contains(&"Deadline: Homelessness review request")
            && titles.contains(&"Deadline: Landlord to reply")
    );
    let bobs = tasks
        .body
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["title"] == "Deadline: Landlord to reply")
        .unwrap();
    assert_eq!(bobs["assignee_name"], "Bob Adviser");
    let listed = app.get(&path, &app.ann.1).await;
    let dues: Vec<&str> = listed
        .body
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["due_date"].as_str().unwrap())
        .collect();
    assert_eq!(dues, ["2026-03-10", "2026-03-21"], "soonest first");
    let timeline = app
        .get(&format!("/api/v1/cases/{case}/timeline"), &app.ann.1)
        .await;
    assert_eq!(
        timeline
            .body
            .as_array()
            .unwrap()
            .iter()
            .filter(|e| e["kind"] == "deadline_added")
            .count(),
        2
    );

    let both = app.post(&path, &app.ann.1, json!({"rule": "breathing_space", "trigger_date": "2026-03-01", "due_date": "2026-04-01"})).await;
    assert!(both.field_error("due_date").is_some());
    let neither = app.post(&path, &app.ann.1, json!({})).await;
    assert!(neither.field_error("rule").is_some());
    let no_trigger = app
        .post(&path, &app.ann.1, json!({"rule": "breathing_space"}))
        .await;
    assert!(no_trigger.field_error("trigger_date").is_some());
    let no_title = app
        .post(&path, &app.ann.1, json!({"due_date": "2026-04-01"}))
        .await;
    assert!(no_title.field_error("title").is_some());
    let outsider = app
        .post(
            &path,
            &app.ann.1,
            json!({"title": "x", "due_date": "2026-04-01", "assignee_id": app.cat.0.id}),
        )
        .await;
    assert!(outsider.field_error("assignee_id").is_some());
    app.post(
        &path,
        &app.cat.1,
        json!({"title": "x", "due_date": "2026-04-01"}),
    )
    .await
    .assert_problem(404);
    assert_eq!(app.count("deadlines").await, 2);
    assert_eq!(app.count("tasks").await, 2);
}

#[tokio::test]
async fn a_deadline_set_on_an_old_case_is_not_at_risk_the_day_it_is_set() {
    let app = TestApp::new().await;
    let (_, case) = app.client_and_case(&app.ann.1).await;
    // Twenty weeks later (Monday 20 July 2026), a deadline four weeks off.
    app.advance(140 * 24 * 60);
    let r = app
        .post(
            &format!("/api/v1/cases/{case}/deadlines"),
            &app.ann.1,
            json!({"title": "Send the appeal", "due_date": "2026-08-17"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    assert_eq!(
        first_deadline_state(&app, &case).await,
        "on_track",
        "a quarter of its own window, not of the case's"
    );
    // Its last quarter: five of twenty working days left (Mon 10 Aug).
    app.advance(21 * 24 * 60);
    assert_eq!(first_deadline_state(&app, &case).await, "at_risk");
}

/// The state of a case's first deadline, as the API reads it now.
async fn first_deadline_state(app: &TestApp, case: &str) -> String {
    let t = app
        .get(&format!("/api/v1/cases/{case}/timescales"), &app.ann.1)
        .await;
    t.body["deadlines"][0]["state"]
        .as_str()
        .unwrap_or_else(|| panic!("{}", t.body))
        .to_owned()
}
