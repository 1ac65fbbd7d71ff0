//! Priorities: assessment bands and rationale, policy versions,
//! re-evaluation and reassessment.

use axum::http::{Method, StatusCode};
use caseload_store::prelude::*;
use serde_json::json;

use crate::support::{self, TestApp};

#[tokio::test]
async fn assessing_a_case_gives_a_band_with_its_rationale_and_tells_the_supervisor() {
    let app = TestApp::new().await;
    let (_, case) = app.client_and_case(&app.ann.1).await;
    let policies = app.get("/api/v1/policies", &app.ann.1).await;
    let ids: Vec<&str> = policies
        .body
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["policy_id"].as_str().unwrap())
        .collect();
    assert_eq!(
        ids,
        [
            "careers_neet",
            "debt",
            "domestic_abuse",
            "generic",
            "housing"
        ]
    );

    let path = format!("/api/v1/cases/{case}/assessments");
    let r = app
        .post(
            &path,
            &app.ann.1,
            json!({"answers": {"homeless_tonight": true, "priority_need": "dependent_children"}}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    assert_eq!(
        (
            r.body["band"].as_str(),
            r.body["policy_id"].as_str(),
            r.body["policy_version"].as_i64()
        ),
        (Some("P1"), Some("housing"), Some(1))
    );
    let words: Vec<&str> = r.body["rationale"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["words"].as_str().unwrap())
        .collect();
    assert!(
        words
            .iter()
            .any(|w| w.starts_with("Homeless tonight: yes → P1 (rule H1)")),
        "{words:?}"
    );
    assert!(
        words.iter().any(|w| w.contains("Dependent children (+10)")),
        "{words:?}"
    );
    assert_eq!(
        app.get(&format!("/api/v1/cases/{case}"), &app.ann.1)
            .await
            .body["priority_band"],
        "P1"
    );
    let tasks = app
        .get(&format!("/api/v1/cases/{case}/tasks"), &app.ann.1)
        .await;
    assert!(
        tasks.body.to_string().contains("Housing Options"),
        "the rule's task is on the case"
    );

    let told = app.get("/api/v1/notifications", &app.sue.1).await;
    assert_eq!(told.body.as_array().unwrap().len(), 1, "{}", told.body);
    assert!(
        told.body[0]["message"]
            .as_str()
            .unwrap()
            .contains("now P1 Urgent")
    );
    let ack = app
        .call(
            Method::POST,
            &format!(
                "/api/v1/notifications/{}/acknowledge",
                told.body[0]["id"].as_str().unwrap()
            ),
            Some(&app.sue.1),
            None,
        )
        .await;
    assert_eq!(ack.status, StatusCode::NO_CONTENT);
    assert_eq!(
        app.get("/api/v1/notifications", &app.sue.1).await.body,
        json!([])
    );

    // Lowering a band a hard rule set needs a supervisor.
    let over = format!("/api/v1/cases/{case}/priority-override");
    app.post(
        &over,
        &app.ann.1,
        json!({"band": "P3", "rationale": "Found a room with family"}),
    )
    .await
    .assert_problem(403);
    let no_reason = app
        .post(&over, &app.sue.1, json!({"band": "P3", "rationale": " "}))
        .await;
    assert!(no_reason.field_error("rationale").is_some());
    assert!(
        app.post(&over, &app.sue.1, json!({"band": "P9", "rationale": "x"}))
            .await
            .field_error("band")
            .is_some()
    );
    let lowered = app
        .post(
            &over,
            &app.sue.1,
            json!({"band": "P3", "rationale": "Found a room with family for six months"}),
        )
        .await;
    assert_eq!(lowered.status, StatusCode::CREATED, "{}", lowered.body);
    let raised = app
        .post(
            &over,
            &app.ann.1,
            json!({"band": "P2", "rationale": "Family arrangement looks fragile"}),
        )
        .await;
    assert_eq!(
        raised.status,
        StatusCode::CREATED,
        "practitioners may raise"
    );
    let history = app
        .get(
            &format!("/api/v1/cases/{case}/priority-history"),
            &app.ann.1,
        )
        .await;
    let causes: Vec<(&str, &str)> = history
        .body
        .as_array()
        .unwrap()
        .iter()
        .map(|c| (c["cause"].as_str().unwrap(), c["band"].as_str().unwrap()))
        .collect();
    assert_eq!(
        causes,
        [("assessment", "P1"), ("override", "P3"), ("override", "P2")]
    );
    let timeline = app
        .get(&format!("/api/v1/cases/{case}/timeline"), &app.ann.1)
        .await;
    assert_eq!(
        timeline
            .body
            .as_array()
            .unwrap()
            .iter()
            .filter(|e| e["kind"] == "priority_changed")
            .count(),
        3
    );

    // Bad answers change nothing.
    let unknown = app
        .post(&path, &app.ann.1, json!({"answers": {"feeling_sad": true}}))
        .await;
    assert!(
        unknown.field_error("answers.feeling_sad").is_some(),
        "{}",
        unknown.body
    );
    let wrong = app
        .post(
            &path,
            &app.ann.1,
            json!({"answers": {"homeless_tonight": 3}}),
        )
        .await;
    assert!(
        wrong.field_error("answers.homeless_tonight").is_some(),
        "{}",
        wrong.body
    );
    let bad_option = app
        .post(
            &path,
            &app.ann.1,
            json!({"answers": {"priority_need": "royalty"}}),
        )
        .await;
    assert!(
        bad_option
            .field_error("answers.priority_need")
            .unwrap()
            .contains("dependent_children")
    );
    assert_eq!(
        app.get(
            &format!("/api/v1/cases/{case}/priority-history"),
            &app.ann.1
        )
        .await
        .body
        .as_array()
        .unwrap()
        .len(),
        3
    );
    app.post(&path, &app.cat.1, json!({"answers": {}}))
        .await
        .assert_problem(404);
    // A specialist policy is chosen by name.
    let dash = app
        .post(
            &path,
            &app.ann.1,
            json!({"policy": "domestic_abuse", "answers": {"dash_yes_count": 15}}),
        )
        .await;
    assert_eq!(
        (dash.body["policy_id"].as_str(), dash.body["band"].as_str()),
        (Some("domestic_abuse"), Some("P1")),
        "{}",
        dash.body
    );
    assert!(dash.body["tasks"].to_string().contains("MARAC"));
    assert!(
        app.post(
            &path,
            &app.ann.1,
            json!({"policy": "astrology", "answers": {}})
        )
        .await
        .field_error("policy")
        .is_some()
    );
}

#[tokio::test]
async fn administrators_import_policies_as_new_versions() {
    let app = TestApp::new().await;
    let versions = app.get("/api/v1/policies/generic", &app.ann.1).await;
    let body = versions.body[0]["body"].as_str().unwrap().to_owned();
    let changed = body.replacen("points = 20", "points = 25", 1);
    app.post("/api/v1/policies", &app.ann.1, json!({"toml": changed}))
        .await
        .assert_problem(403);
    let saved = app
        .post("/api/v1/policies", &app.ada.1, json!({"toml": changed}))
        .await;
    assert_eq!(saved.status, StatusCode::CREATED, "{}", saved.body);
    assert_eq!(saved.body["version"], 2);
    let same = app
        .post("/api/v1/policies", &app.ada.1, json!({"toml": changed}))
        .await;
    assert_eq!(
        (same.status, same.body["version"].as_i64()),
        (StatusCode::OK, Some(2)),
        "unchanged is not a new version"
    );
    let broken = changed.replacen("band = \"P1\"", "band = \"P0\"", 1);
    let refused = app
        .post("/api/v1/policies", &app.ada.1, json!({"toml": broken}))
        .await;
    refused.assert_problem(422);
    assert!(
        refused
            .field_error("rule S1")
            .unwrap()
            .contains("not defined"),
        "{}",
        refused.body
    );
    let all = app.get("/api/v1/policies/generic", &app.ann.1).await;
    assert_eq!(all.body.as_array().unwrap().len(), 2);
    assert_eq!(
        all.body[0]["body"].as_str().unwrap(),
        body,
        "version 1 is unchanged"
    );
    app.get("/api/v1/policies/nope", &app.ann.1)
        .await
        .assert_problem(404);
}

#[tokio::test]
async fn priorities_are_re_evaluated_as_deadlines_approach_and_only_once() {
    let app = TestApp::new().await;
    let (_, case) = app.client_and_case(&app.ann.1).await;
    let r = app
        .post(
            &format!("/api/v1/cases/{case}/assessments"),
            &app.ann.1,
            json!({"answers": {}}),
        )
        .await;
    assert_eq!(r.body["band"], "P4");
    // A hearing in two weeks (clock: Mon 2 Mar 2026).
    app.post(
        &format!("/api/v1/cases/{case}/deadlines"),
        &app.ann.1,
        json!({"title": "Possession hearing", "due_date": "2026-03-16"}),
    )
    .await;
    let system =
        caseload_web::api::priority::system_user(app.store.as_ref(), support::start_time())
            .await
            .unwrap();
    let first = caseload_web::api::priority::reevaluate_all(&app.state, &system)
        .await
        .unwrap();
    assert_eq!(
        (first.checked, first.changed),
        (1, 0),
        "ten working days away: no change yet"
    );
    app.advance(7 * 24 * 60);
    let second = caseload_web::api::priority::reevaluate_all(&app.state, &system)
        .await
        .unwrap();
    assert_eq!(second.changed, 1, "five working days away now");
    let history = app
        .get(
            &format!("/api/v1/cases/{case}/priority-history"),
            &app.ann.1,
        )
        .await;
    let last = history.body.as_array().unwrap().last().unwrap().clone();
    assert_eq!(
        (last["cause"].as_str(), last["band"].as_str()),
        (Some("time"), Some("P3")),
        "{last}"
    );
    assert!(
        last["rationale"]
            .as_str()
            .unwrap()
            .contains("a deadline is 5 working days away"),
        "{last}"
    );
    let again = caseload_web::api::priority::reevaluate_all(&app.state, &system)
        .await
        .unwrap();
    assert_eq!(again.changed, 0, "idempotent");
    // A person's override stands until the next assessment.
    app.post(
        &format!("/api/v1/cases/{case}/priority-override"),
        &app.ann.1,
        json!({"band": "P2", "rationale": "Client very anxious about the hearing"}),
    )
    .await;
    app.advance(3 * 24 * 60);
    assert_eq!(
        caseload_web::api::priority::reevaluate_all(&app.state, &system)
            .await
            .unwrap()
            .changed,
        0
    );
    // The system account cannot be used to sign in or call the API.
    assert!(!app.store.get_user(&system).await.unwrap().active);
}

#[tokio::test]
async fn a_met_deadline_raises_nothing_at_assessment_or_re_evaluation_alike() {
    let app = TestApp::new().await;
    let (_, case) = app.client_and_case(&app.ann.1).await;
    // Due in three working days (clock: Monday 2 March 2026), then met.
    let deadline = app
        .post(
            &format!("/api/v1/cases/{case}/deadlines"),
            &app.ann.1,
            json!({"title": "Send the evidence", "due_date": "2026-03-05"}),
        )
        .await;
    let task = deadline.body["task_id"].as_str().unwrap().to_owned();
    let open = app
        .post(
            &format!("/api/v1/cases/{case}/assessments"),
            &app.ann.1,
            json!({"answers": {}}),
        )
        .await;
    assert!(
        open.body["rationale"].to_string().contains("deadline"),
        "an open deadline counts: {}",
        open.body
    );
    app.post(
        &format!("/api/v1/cases/{case}/tasks/{task}/status"),
        &app.ann.1,
        json!({"status": "done"}),
    )
    .await;
    let met = app
        .post(
            &format!("/api/v1/cases/{case}/assessments"),
            &app.ann.1,
            json!({"answers": {}}),
        )
        .await;
    assert!(
        !met.body["rationale"].to_string().contains("deadline"),
        "a met deadline does not: {}",
        met.body
    );
    let again = caseload_web::reevaluation::everything(&app.state)
        .await
        .unwrap();
    assert_eq!(
        again.priorities.changed, 0,
        "re-evaluation weighs the same facts as the assessment"
    );
}

#[tokio::test]
async fn reassessment_falls_due_by_the_review_interval_of_the_policy_assessed_under() {
    let app = TestApp::new().await;
    // Two housing cases: one assessed under the housing policy (review
    // every 28 days), one under the domestic abuse policy (every 14).
    let (_, housing) = app.client_and_case(&app.ann.1).await;
    let (_, dash) = app.client_and_case(&app.ann.1).await;
    for (case, body) in [
        (&housing, json!({"answers": {}})),
        (&dash, json!({"answers": {}, "policy": "domestic_abuse"})),
    ] {
        let r = app
            .post(
                &format!("/api/v1/cases/{case}/assessments"),
                &app.ann.1,
                body,
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    }
    assert!(!reassessment_due(&app, &housing).await && !reassessment_due(&app, &dash).await);
    app.advance(15 * 24 * 60);
    assert!(
        !reassessment_due(&app, &housing).await,
        "28 days have not passed"
    );
    assert!(reassessment_due(&app, &dash).await, "14 days have");
    app.advance(14 * 24 * 60);
    assert!(reassessment_due(&app, &housing).await, "now 29 days have");
}

/// Whether the caller's queue flags the case for reassessment.
async fn reassessment_due(app: &TestApp, case: &str) -> bool {
    let queue = app.get("/api/v1/caseload", &app.ann.1).await;
    queue
        .body
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["case"]["id"] == case)
        .map(|r| r["flags"].to_string().contains("assessment_due"))
        .unwrap()
}
