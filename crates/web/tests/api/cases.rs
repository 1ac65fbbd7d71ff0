//! Cases through the API: fields the server owns, the lifecycle, team access,
//! the timeline and the list.

use axum::http::StatusCode;
use caseload_store::prelude::*;
use serde_json::{Value, json};

use crate::support::TestApp;

#[tokio::test]
async fn fields_the_server_owns_cannot_be_sent() {
    let app = TestApp::new().await;
    let (client, case) = app.client_and_case(&app.ann.1).await;
    let now = app.clock_now().to_string();
    let attempts = [
        (
            format!("/api/v1/cases/{case}/notes"),
            json!({"kind": "phone", "occurred_at": now, "sections": {"situation": "x"}, "author_id": app.bob.0.id}),
            "author_id",
        ),
        (
            format!("/api/v1/cases/{case}/notes"),
            json!({"kind": "phone", "occurred_at": now, "sections": {"situation": "x"}, "recorded_at": now}),
            "recorded_at",
        ),
        (
            format!("/api/v1/cases/{case}/notes"),
            json!({"kind": "phone", "occurred_at": now, "sections": {"situation": "x"}, "late_entry": false}),
            "late_entry",
        ),
        (
            "/api/v1/clients".to_string(),
            json!({"name": "X", "team_id": app.south.id}),
            "team_id",
        ),
    ];
    for (path, body, field) in attempts {
        let r = app.post(&path, &app.ann.1, body).await;
        r.assert_problem(422);
        assert!(
            r.body["detail"].as_str().unwrap().contains(field),
            "{}",
            r.body
        );
    }
    let other_team = app
        .post("/api/v1/cases", &app.ann.1, json!({"client_id": client, "title": "T", "service_area": "debt", "owner_id": app.cat.0.id}))
        .await;
    other_team.assert_problem(422);
    assert!(other_team.field_error("owner_id").is_some());
    let teammate = app
        .post("/api/v1/cases", &app.sue.1, json!({"client_id": client, "title": "T", "service_area": "debt", "owner_id": app.bob.0.id}))
        .await;
    assert_eq!(
        teammate.status,
        StatusCode::CREATED,
        "a supervisor allocates within the team"
    );
    assert_eq!(app.count("notes").await, 0);
    assert_eq!(app.count("cases").await, 2);
}

#[tokio::test]
async fn the_case_lifecycle_is_enforced() {
    let app = TestApp::new().await;
    let (_, case) = app.client_and_case(&app.ann.1).await;
    let status = format!("/api/v1/cases/{case}/status");
    let skip = app
        .post(&status, &app.ann.1, json!({"status": "referral"}))
        .await;
    skip.assert_problem(409);
    assert!(
        skip.body["detail"]
            .as_str()
            .unwrap()
            .contains("from open it can go to")
    );
    let hold = app
        .post(&status, &app.ann.1, json!({"status": "on_hold"}))
        .await;
    hold.assert_problem(422);
    assert!(hold.field_error("reason").is_some());
    let close = app
        .post(&status, &app.ann.1, json!({"status": "closed"}))
        .await;
    close.assert_problem(422);
    assert!(
        close.field_error("closure_reason").is_some()
            && close.field_error("closure_summary").is_some()
    );
    let bad_reason = app
        .post(
            &status,
            &app.ann.1,
            json!({"status": "closed", "closure_reason": "bored", "closure_summary": "x"}),
        )
        .await;
    bad_reason.assert_problem(422);
    let closed = app
        .post(&status, &app.ann.1, json!({"status": "closed", "closure_reason": "outcomes_achieved", "closure_summary": "Arrears cleared."}))
        .await;
    assert_eq!(closed.status, StatusCode::OK, "{}", closed.body);
    assert_eq!(closed.body["status"], "closed");
    assert_eq!(closed.body["closed_at"], app.clock_now().to_string());
    app.post(
        &status,
        &app.ann.1,
        json!({"status": "on_hold", "reason": "x"}),
    )
    .await
    .assert_problem(409);
    let reopened = app
        .post(
            &status,
            &app.ann.1,
            json!({"status": "open", "reason": "New notice served"}),
        )
        .await;
    assert_eq!(reopened.body["status"], "open");
    assert_eq!(reopened.body["closed_at"], Value::Null);
}

#[tokio::test]
async fn practitioner_cannot_read_another_teams_case_and_the_attempt_is_logged() {
    let app = TestApp::new().await;
    let (client, case) = app.client_and_case(&app.ann.1).await;
    let note = app.note(&app.ann.1, &case, 5, "Private").await.id();
    for path in [
        format!("/api/v1/cases/{case}"),
        format!("/api/v1/cases/{case}/timeline"),
        format!("/api/v1/cases/{case}/notes"),
        format!("/api/v1/notes/{note}"),
        format!("/api/v1/clients/{client}"),
    ] {
        let r = app.get(&path, &app.cat.1).await;
        r.assert_problem(404);
        assert!(!r.body.to_string().contains("Private"));
    }
    let write = app.post(&format!("/api/v1/cases/{case}/notes"), &app.cat.1, json!({"kind": "phone", "occurred_at": app.clock_now().to_string(), "sections": {"situation": "sneaky"}})).await;
    write.assert_problem(404);
    let amend = app
        .post(
            &format!("/api/v1/notes/{note}/amendments"),
            &app.cat.1,
            json!({"reason": "x", "sections": {"situation": "y"}}),
        )
        .await;
    amend.assert_problem(404);
    assert_eq!(app.count("notes").await, 1);
    assert_eq!(app.count("note_amendments").await, 0);
    let listed = app.get("/api/v1/cases", &app.cat.1).await;
    assert_eq!(listed.body["items"], json!([]));
    let denials: Vec<(String, Option<String>)> = app
        .store
        .list_audit(100)
        .await
        .unwrap()
        .into_iter()
        .filter(|e| e.action.ends_with(".denied"))
        .map(|e| (e.action, e.actor_id.map(|a| a.to_string())))
        .collect();
    assert_eq!(denials.len(), 7, "{denials:?}");
    assert!(
        denials
            .iter()
            .all(|(_, actor)| actor.as_deref() == Some(app.cat.0.id.as_str()))
    );
}

#[tokio::test]
async fn administrators_see_no_case_content() {
    let app = TestApp::new().await;
    let (_, case) = app.client_and_case(&app.ann.1).await;
    app.get("/api/v1/cases", &app.ada.1)
        .await
        .assert_problem(403);
    app.get("/api/v1/clients", &app.ada.1)
        .await
        .assert_problem(403);
    app.get(&format!("/api/v1/cases/{case}"), &app.ada.1)
        .await
        .assert_problem(404);
    app.post("/api/v1/clients", &app.ada.1, json!({"name": "X"}))
        .await
        .assert_problem(403);
}

#[tokio::test]
async fn the_timeline_merges_the_case_history_oldest_first() {
    let app = TestApp::new().await;
    let (_, case) = app.client_and_case(&app.ann.1).await;
    let base = format!("/api/v1/cases/{case}");
    app.advance(10);
    let note = app.note(&app.ann.1, &case, 5, "First contact").await;
    app.advance(10);
    let outcome = app
        .post(
            &format!("{base}/outcomes"),
            &app.ann.1,
            json!({"description": "Tenancy sustained", "target_date": "2026-06-30"}),
        )
        .await;
    assert_eq!(outcome.status, StatusCode::CREATED, "{}", outcome.body);
    app.advance(10);
    let progress = app
        .post(
            &format!("{base}/outcomes/{}/progress", outcome.id()),
            &app.ann.1,
            json!({"status": "in_progress", "text": "Plan agreed"}),
        )
        .await;
    assert_eq!(progress.body["status"], "in_progress");
    app.advance(10);
    let obstacle = app
        .post(
            &format!("{base}/obstacles"),
            &app.ann.1,
            json!({"category": "digital_access", "description": "No internet"}),
        )
        .await;
    assert_eq!(obstacle.status, StatusCode::CREATED);
    app.advance(10);
    let resolved = app
        .post(
            &format!("{base}/obstacles/{}/resolve", obstacle.id()),
            &app.ann.1,
            json!({"resolution": "Library booked"}),
        )
        .await;
    assert_eq!(resolved.body["resolution"], "Library booked");
    app.post(
        &format!("{base}/obstacles/{}/resolve", obstacle.id()),
        &app.ann.1,
        json!({"resolution": "again"}),
    )
    .await
    .assert_problem(409);
    app.advance(10);
    let task = app.post(&format!("{base}/tasks"), &app.ann.1, json!({"title": "Chase landlord", "due_date": "2026-03-09", "assignee_id": app.bob.0.id})).await;
    assert_eq!(task.body["assignee_name"], "Bob Adviser");
    app.advance(10);
    let done = app
        .post(
            &format!("{base}/tasks/{}/status", task.id()),
            &app.bob.1,
            json!({"status": "done"}),
        )
        .await;
    assert_eq!(done.body["status"], "done");
    app.post(
        &format!("{base}/tasks/{}/status", task.id()),
        &app.bob.1,
        json!({"status": "done"}),
    )
    .await
    .assert_problem(409);
    app.advance(10);
    app.post(
        &format!("/api/v1/notes/{}/amendments", note.id()),
        &app.ann.1,
        json!({"reason": "Typo", "sections": {"situation": "First contact."}}),
    )
    .await;
    app.advance(10);
    app.post(
        &format!("{base}/status"),
        &app.ann.1,
        json!({"status": "on_hold", "reason": "Waiting"}),
    )
    .await;

    let timeline = app.get(&format!("{base}/timeline"), &app.ann.1).await;
    let items = timeline.body.as_array().unwrap();
    let kinds: Vec<&str> = items.iter().map(|i| i["kind"].as_str().unwrap()).collect();
    assert_eq!(
        kinds,
        [
            "case_created",
            "note_added",
            "outcome_added",
            "outcome_progress",
            "obstacle_raised",
            "obstacle_resolved",
            "task_added",
            "task_status_changed",
            "note_amended",
            "status_changed"
        ]
    );
    assert_eq!(
        items[1]["note"]["sections"][0]["text"], "First contact",
        "note events carry the note in full"
    );
    assert_eq!(items[1]["note"]["amendments"][0]["reason"], "Typo");
    assert_eq!(items[7]["actor_name"], "Bob Adviser");
    let times: Vec<&str> = items.iter().map(|i| i["at"].as_str().unwrap()).collect();
    let mut sorted = times.clone();
    sorted.sort();
    assert_eq!(times, sorted);

    let other = app.client_and_case(&app.cat.1).await.1;
    let wrong_case = app
        .post(
            &format!("/api/v1/cases/{other}/outcomes/{}/progress", outcome.id()),
            &app.cat.1,
            json!({"status": "achieved", "text": "x"}),
        )
        .await;
    wrong_case.assert_problem(404);
    let outsider = app
        .post(
            &format!("{base}/tasks"),
            &app.ann.1,
            json!({"title": "x", "assignee_id": app.cat.0.id}),
        )
        .await;
    assert!(outsider.field_error("assignee_id").is_some());
}

#[tokio::test]
async fn cases_are_listed_with_filters_and_pages() {
    let app = TestApp::new().await;
    let (client, first) = app.client_and_case(&app.ann.1).await;
    let mut ids = vec![first];
    for (i, area) in ["debt", "debt", "benefits"].iter().enumerate() {
        let r = app.post("/api/v1/cases", &app.bob.1, json!({"client_id": client, "title": format!("Case {i}"), "service_area": area, "status": "referral"})).await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
        ids.push(r.id());
    }
    let debt = app.get("/api/v1/cases?service_area=debt", &app.ann.1).await;
    assert_eq!(debt.body["items"].as_array().unwrap().len(), 2);
    let mine = app
        .get(&format!("/api/v1/cases?owner={}", app.ann.0.id), &app.bob.1)
        .await;
    assert_eq!(mine.body["items"].as_array().unwrap().len(), 1);
    let referrals = app.get("/api/v1/cases?status=referral", &app.sue.1).await;
    assert_eq!(referrals.body["items"].as_array().unwrap().len(), 3);
    let mut seen = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let path = match &cursor {
            Some(c) => format!("/api/v1/cases?limit=3&cursor={c}"),
            None => "/api/v1/cases?limit=3".to_string(),
        };
        let page = app.get(&path, &app.sue.1).await;
        seen.extend(
            page.body["items"]
                .as_array()
                .unwrap()
                .iter()
                .map(|c| c["id"].as_str().unwrap().to_owned()),
        );
        match page.body["next_cursor"].as_str() {
            Some(c) => cursor = Some(c.to_owned()),
            None => break,
        }
    }
    ids.sort();
    assert_eq!(seen, ids);
}
