//! The JSON API, as its users meet it.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use axum::body::Body;
use axum::http::{Method, Request, StatusCode};
use caseload_store::prelude::*;
use serde_json::{Value, json};
use support::TestApp;

#[tokio::test]
async fn health_needs_no_token_and_names_the_database() {
    let app = TestApp::new().await;
    let r = app.call(Method::GET, "/api/v1/health", None, None).await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.body, json!({"status": "ok", "database": "sqlite"}));
    assert!(r.headers.contains_key("x-request-id"));
}

#[tokio::test]
async fn requests_without_a_valid_token_are_refused_with_401() {
    let app = TestApp::new().await;
    let none = app.call(Method::GET, "/api/v1/cases", None, None).await;
    none.assert_problem(401);
    assert_eq!(none.headers.get("www-authenticate").unwrap(), "Bearer");
    app.call(Method::GET, "/api/v1/me", Some("cl_not-a-real-token"), None)
        .await
        .assert_problem(401);
    let basic = Request::builder()
        .uri("/api/v1/me")
        .header("authorization", "Basic YTpi")
        .body(Body::empty())
        .unwrap();
    app.raw(basic).await.assert_problem(401);
    let me = app.get("/api/v1/me", &app.ann.1).await;
    assert_eq!(me.body["email"], "ann@example.org");
    assert_eq!(me.body["role"], "practitioner");
}

#[tokio::test]
async fn a_client_case_and_note_round_trip_byte_exact() {
    let app = TestApp::new().await;
    let names = ["Siobhán O'Hara", "ねこ", "Zoë 👩🏽‍🦱", "مريم الحسن"];
    for name in names {
        let c = app
            .post(
                "/api/v1/clients",
                &app.ann.1,
                json!({"name": name, "date_of_birth": "1990-05-17"}),
            )
            .await;
        assert_eq!(c.status, StatusCode::CREATED, "{}", c.body);
        assert_eq!(c.body["name"], name);
        let back = app
            .get(&format!("/api/v1/clients/{}", c.id()), &app.ann.1)
            .await;
        assert_eq!(
            back.body["name"].as_str().unwrap().as_bytes(),
            name.as_bytes()
        );
    }
    let (client, case) = app.client_and_case(&app.ann.1).await;
    let got = app.get(&format!("/api/v1/cases/{case}"), &app.ann.1).await;
    assert_eq!(got.body["client_id"], client);
    assert_eq!(got.body["owner_name"], "Ann Adviser");
    assert_eq!(got.body["status"], "open");
    assert_eq!(got.body["complexity"], "medium");

    let text = "Client said: \"I can't pay\" — ねこ 🐈\nSecond line\t<script>alert(1)</script>";
    let note = app.note(&app.ann.1, &case, 30, text).await;
    assert_eq!(note.status, StatusCode::CREATED, "{}", note.body);
    assert_eq!(note.body["recorded_at"], app.clock_now().to_string());
    assert_eq!(note.body["author_name"], "Ann Adviser");
    assert_eq!(note.body["late_entry"], false);
    let back = app
        .get(&format!("/api/v1/notes/{}", note.id()), &app.ann.1)
        .await;
    assert_eq!(
        back.body["sections"][0]["text"]
            .as_str()
            .unwrap()
            .as_bytes(),
        text.as_bytes()
    );
    assert_eq!(back.body["amendments"], json!([]));
    let listed = app
        .get(&format!("/api/v1/cases/{case}/notes"), &app.bob.1)
        .await;
    assert_eq!(
        listed.body.as_array().unwrap().len(),
        1,
        "a teammate reads the team's notes"
    );
}

#[tokio::test]
async fn a_late_note_needs_a_reason_and_is_marked_late_entry() {
    let app = TestApp::new().await;
    let (_, case) = app.client_and_case(&app.ann.1).await;
    let occurred = app.clock_now().to_string();
    app.advance(25 * 60);
    let body = json!({"kind": "face_to_face", "occurred_at": occurred, "sections": {"situation": "Home visit"}});
    let refused = app
        .post(
            &format!("/api/v1/cases/{case}/notes"),
            &app.ann.1,
            body.clone(),
        )
        .await;
    refused.assert_problem(422);
    assert!(
        refused
            .field_error("late_reason")
            .unwrap()
            .contains("late entry")
    );
    assert_eq!(app.count("notes").await, 0, "nothing stored");

    let mut with_reason = body;
    with_reason["late_reason"] = json!("Visit ran late; no signal");
    let late = app
        .post(
            &format!("/api/v1/cases/{case}/notes"),
            &app.ann.1,
            with_reason,
        )
        .await;
    assert_eq!(late.status, StatusCode::CREATED, "{}", late.body);
    assert_eq!(late.body["late_entry"], true);
    assert_eq!(late.body["late_reason"], "Visit ran late; no signal");
    assert_eq!(late.body["occurred_at"], occurred);
}

#[tokio::test]
async fn a_note_about_the_future_or_with_a_bad_time_is_refused() {
    let app = TestApp::new().await;
    let (_, case) = app.client_and_case(&app.ann.1).await;
    let future = app
        .clock_now()
        .checked_add(jiff::SignedDuration::from_hours(1))
        .unwrap()
        .to_string();
    for (when, field) in [
        (future.as_str(), "occurred_at"),
        ("yesterday", "occurred_at"),
        ("2026-03-01T10:00", "occurred_at"),
    ] {
        let r = app
            .post(
                &format!("/api/v1/cases/{case}/notes"),
                &app.ann.1,
                json!({"kind": "phone", "occurred_at": when, "sections": {"situation": "x"}}),
            )
            .await;
        r.assert_problem(422);
        assert!(r.field_error(field).is_some(), "{when}: {}", r.body);
    }
    let empty = app
        .post(&format!("/api/v1/cases/{case}/notes"), &app.ann.1, json!({"kind": "phone", "occurred_at": app.clock_now().to_string(), "sections": {"action": "  "}}))
        .await;
    empty.assert_problem(422);
    assert!(
        empty
            .field_error("sections")
            .unwrap()
            .contains("at least one section")
    );
    let unknown = app
        .post(&format!("/api/v1/cases/{case}/notes"), &app.ann.1, json!({"kind": "phone", "occurred_at": app.clock_now().to_string(), "sections": {"feelings": "x"}}))
        .await;
    assert!(unknown.field_error("sections.feelings").is_some());
    let soap = app
        .post(&format!("/api/v1/cases/{case}/notes"), &app.ann.1, json!({"kind": "review", "template": "soap", "occurred_at": app.clock_now().to_string(), "sections": {"plan": "Review in 28 days"}}))
        .await;
    assert_eq!(soap.status, StatusCode::CREATED, "{}", soap.body);
    assert_eq!(soap.body["template"], "soap");
    assert_eq!(app.count("notes").await, 1);
}

#[tokio::test]
async fn notes_cannot_be_edited_or_deleted_in_place() {
    let app = TestApp::new().await;
    let (_, case) = app.client_and_case(&app.ann.1).await;
    let note = app.note(&app.ann.1, &case, 5, "Original words").await;
    let path = format!("/api/v1/notes/{}", note.id());
    for method in [Method::PUT, Method::PATCH, Method::DELETE] {
        let r = app
            .call(
                method.clone(),
                &path,
                Some(&app.ann.1),
                Some(json!({"sections": {"situation": "rewritten"}})),
            )
            .await;
        r.assert_problem(405);
        assert_eq!(r.headers.get("allow").unwrap(), "GET", "{method}");
    }
    let back = app.get(&path, &app.ann.1).await;
    assert_eq!(back.body["sections"][0]["text"], "Original words");
}

#[tokio::test]
async fn amendments_keep_the_original_readable_in_order() {
    let app = TestApp::new().await;
    let (_, case) = app.client_and_case(&app.ann.1).await;
    let note = app.note(&app.ann.1, &case, 5, "Owes £1,200").await;
    let path = format!("/api/v1/notes/{}/amendments", note.id());
    let no_reason = app
        .post(
            &path,
            &app.ann.1,
            json!({"reason": " ", "sections": {"situation": "Owes £2,100"}}),
        )
        .await;
    no_reason.assert_problem(422);
    assert!(no_reason.field_error("reason").is_some());
    app.advance(60);
    let first = app
        .post(
            &path,
            &app.ann.1,
            json!({"reason": "Wrong figure", "sections": {"situation": "Owes £2,100"}}),
        )
        .await;
    assert_eq!(first.status, StatusCode::CREATED, "{}", first.body);
    assert_eq!(first.body["author_name"], "Ann Adviser");
    app.advance(60);
    let second = app
        .post(
            &path,
            &app.ann.1,
            json!({"reason": "Result added", "sections": {"result": "Plan agreed"}}),
        )
        .await;
    assert_eq!(second.status, StatusCode::CREATED);
    let back = app
        .get(&format!("/api/v1/notes/{}", note.id()), &app.ann.1)
        .await;
    assert_eq!(
        back.body["sections"],
        json!([{"name": "situation", "text": "Owes £1,200"}])
    );
    let reasons: Vec<&str> = back.body["amendments"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["reason"].as_str().unwrap())
        .collect();
    assert_eq!(reasons, ["Wrong figure", "Result added"]);
    assert_eq!(
        back.body["current_sections"],
        json!([{"name": "situation", "text": "Owes £2,100"}, {"name": "result", "text": "Plan agreed"}])
    );
}

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
async fn bad_input_gets_a_specific_4xx_and_changes_nothing() {
    let app = TestApp::new().await;
    let (_, case) = app.client_and_case(&app.ann.1).await;
    let notes = format!("/api/v1/cases/{case}/notes");
    let send = |body: Body, content_type: &'static str| {
        Request::builder()
            .method(Method::POST)
            .uri(notes.clone())
            .header("authorization", format!("Bearer {}", app.ann.1))
            .header("content-type", content_type)
            .body(body)
            .unwrap()
    };
    let malformed = app
        .raw(send(Body::from("{\"kind\": "), "application/json"))
        .await;
    malformed.assert_problem(400);
    let wrong_type = app
        .raw(send(
            Body::from(r#"{"kind": 5, "occurred_at": "x", "sections": {}}"#),
            "application/json",
        ))
        .await;
    wrong_type.assert_problem(422);
    assert!(
        wrong_type.field_error("kind").is_some(),
        "{}",
        wrong_type.body
    );
    let bad_kind = app
        .raw(send(
            Body::from(r#"{"kind": "telepathy", "occurred_at": "x", "sections": {}}"#),
            "application/json",
        ))
        .await;
    assert!(
        bad_kind
            .field_error("kind")
            .unwrap()
            .contains("face_to_face")
    );
    app.raw(send(
        Body::from("kind=phone"),
        "application/x-www-form-urlencoded",
    ))
    .await
    .assert_problem(415);
    let big = format!(
        r#"{{"kind": "phone", "occurred_at": "x", "sections": {{"situation": "{}"}}}}"#,
        "a".repeat(100 * 1024)
    );
    app.raw(send(Body::from(big), "application/json"))
        .await
        .assert_problem(413);
    let nul = app
        .post(&notes, &app.ann.1, json!({"kind": "phone", "occurred_at": app.clock_now().to_string(), "sections": {"situation": "a\u{0}b"}}))
        .await;
    nul.assert_problem(422);
    assert!(
        nul.field_error("sections.situation")
            .unwrap()
            .contains("NUL")
    );
    let too_long = app
        .post(
            "/api/v1/clients",
            &app.ann.1,
            json!({"name": "x".repeat(201)}),
        )
        .await;
    assert!(
        too_long
            .field_error("name")
            .unwrap()
            .contains("at most 200")
    );
    let nul_name = app
        .post("/api/v1/clients", &app.ann.1, json!({"name": "a\u{0}"}))
        .await;
    nul_name.assert_problem(422);
    app.get("/api/v1/cases/cas_01kydvhc00z6hqj6j97v0zfy7t", &app.ann.1)
        .await
        .assert_problem(404);
    app.get("/api/v1/cases/not-an-id", &app.ann.1)
        .await
        .assert_problem(404);
    app.get("/api/v1/notes/../../etc/passwd", &app.ann.1)
        .await
        .assert_problem(404);
    app.get("/api/v1/nothing-here", &app.ann.1)
        .await
        .assert_problem(404);
    app.get("/api/v1/cases?limit=0", &app.ann.1)
        .await
        .assert_problem(422);
    app.get("/api/v1/cases?status=sideways", &app.ann.1)
        .await
        .assert_problem(422);
    app.get("/api/v1/cases?colour=red", &app.ann.1)
        .await
        .assert_problem(422);
    assert_eq!(app.count("notes").await, 0);
    assert_eq!(app.count("clients").await, 1);
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
async fn every_read_and_write_is_audited_with_its_request_id() {
    let app = TestApp::new().await;
    let (client, case) = app.client_and_case(&app.ann.1).await;
    let note = app.note(&app.ann.1, &case, 5, "Sensitive words").await;
    let read = app
        .get(&format!("/api/v1/notes/{}", note.id()), &app.bob.1)
        .await;
    app.get(&format!("/api/v1/cases/{case}"), &app.bob.1).await;
    app.get(&format!("/api/v1/clients/{client}"), &app.bob.1)
        .await;
    app.get(&format!("/api/v1/cases/{case}/timeline"), &app.bob.1)
        .await;
    let events = app.store.list_audit(100).await.unwrap();
    let actions: Vec<&str> = events.iter().rev().map(|e| e.action.as_str()).collect();
    assert_eq!(
        actions,
        [
            "client.create",
            "case.create",
            "note.create",
            "note.read",
            "case.read",
            "client.read",
            "case.timeline.read"
        ]
    );
    let note_read = events.iter().find(|e| e.action == "note.read").unwrap();
    assert_eq!(
        note_read.request_id,
        read.headers.get("x-request-id").unwrap().to_str().unwrap()
    );
    assert_eq!(note_read.actor_id.as_ref(), Some(&app.bob.0.id));
    assert_eq!(note_read.object_id.as_deref(), Some(note.id().as_str()));
    assert!(
        events
            .iter()
            .all(|e| !format!("{e:?}").contains("Sensitive")),
        "never the content"
    );
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

#[tokio::test]
async fn the_openapi_document_describes_every_route() {
    let app = TestApp::new().await;
    let doc = app
        .call(Method::GET, "/api/v1/openapi.json", None, None)
        .await;
    assert_eq!(doc.status, StatusCode::OK);
    assert!(doc.body["openapi"].as_str().unwrap().starts_with("3.1"));
    let expected = [
        ("get", "/api/v1/health"),
        ("get", "/api/v1/me"),
        ("post", "/api/v1/clients"),
        ("get", "/api/v1/clients"),
        ("get", "/api/v1/clients/{id}"),
        ("patch", "/api/v1/clients/{id}"),
        ("get", "/api/v1/clients/{id}/history"),
        ("post", "/api/v1/cases"),
        ("get", "/api/v1/cases"),
        ("get", "/api/v1/cases/{id}"),
        ("post", "/api/v1/cases/{id}/status"),
        ("get", "/api/v1/cases/{id}/timeline"),
        ("post", "/api/v1/cases/{id}/notes"),
        ("get", "/api/v1/cases/{id}/notes"),
        ("get", "/api/v1/notes/{id}"),
        ("put", "/api/v1/notes/{id}"),
        ("patch", "/api/v1/notes/{id}"),
        ("delete", "/api/v1/notes/{id}"),
        ("post", "/api/v1/notes/{id}/amendments"),
        ("post", "/api/v1/cases/{id}/outcomes"),
        ("get", "/api/v1/cases/{id}/outcomes"),
        ("post", "/api/v1/cases/{id}/outcomes/{outcome_id}/progress"),
        ("post", "/api/v1/cases/{id}/obstacles"),
        ("get", "/api/v1/cases/{id}/obstacles"),
        ("post", "/api/v1/cases/{id}/obstacles/{obstacle_id}/resolve"),
        ("post", "/api/v1/cases/{id}/tasks"),
        ("get", "/api/v1/cases/{id}/tasks"),
        ("post", "/api/v1/cases/{id}/tasks/{task_id}/status"),
        ("post", "/api/v1/deadlines/calculate"),
        ("get", "/api/v1/deadline-rules"),
        ("post", "/api/v1/cases/{id}/deadlines"),
        ("get", "/api/v1/cases/{id}/deadlines"),
        ("get", "/api/v1/policies"),
        ("post", "/api/v1/policies"),
        ("get", "/api/v1/policies/{id}"),
        ("post", "/api/v1/cases/{id}/assessments"),
        ("post", "/api/v1/cases/{id}/priority-override"),
        ("get", "/api/v1/cases/{id}/priority-history"),
        ("get", "/api/v1/caseload"),
        ("get", "/api/v1/notifications"),
        ("post", "/api/v1/notifications/{id}/acknowledge"),
        ("post", "/api/v1/notifications/acknowledge"),
        ("get", "/api/v1/timescales"),
        ("post", "/api/v1/timescales"),
        ("get", "/api/v1/cases/{id}/timescales"),
    ];
    let mut documented = Vec::new();
    for (path, item) in doc.body["paths"].as_object().unwrap() {
        for method in item
            .as_object()
            .unwrap()
            .keys()
            .filter(|k| ["get", "post", "put", "patch", "delete"].contains(&k.as_str()))
        {
            documented.push((method.clone(), path.clone()));
            let op = &item[method];
            if path != "/api/v1/health" {
                assert!(
                    op["responses"]["401"].is_object(),
                    "{method} {path} documents 401"
                );
            }
            for (code, response) in op["responses"].as_object().unwrap() {
                if code.starts_with('4') || code.starts_with('5') {
                    assert!(
                        response["content"]["application/problem+json"].is_object(),
                        "{method} {path} {code}"
                    );
                }
            }
        }
    }
    let mut expected: Vec<(String, String)> = expected
        .iter()
        .map(|(m, p)| (m.to_string(), p.to_string()))
        .collect();
    expected.sort();
    documented.sort();
    assert_eq!(documented, expected);
    // And every documented route is really served (never a 404 for the path itself).
    for (method, path) in &expected {
        let concrete = path
            .replace("{id}", "x")
            .replace("{outcome_id}", "x")
            .replace("{obstacle_id}", "x")
            .replace("{task_id}", "x");
        let r = app
            .call(
                method.to_uppercase().parse().unwrap(),
                &concrete,
                Some(&app.ann.1),
                Some(json!({})),
            )
            .await;
        assert_ne!(
            r.body["detail"], "there is nothing at this address",
            "{method} {path}"
        );
    }
    for schema in [
        "Problem",
        "Case",
        "Note",
        "Amendment",
        "Client",
        "Outcome",
        "Obstacle",
        "Task",
        "TimelineItem",
        "NewNoteBody",
    ] {
        assert!(
            doc.body["components"]["schemas"][schema].is_object(),
            "schema {schema}"
        );
    }
}

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
async fn calculations_follow_the_organisations_calendars() {
    let app = TestApp::new().await;
    // A subject access request received 30 Oct 2026 is due 30 Nov: a working day in
    // England, St Andrew's Day in Scotland (so 1 Dec there).
    let body = json!({"rule": "subject_access_request", "trigger_date": "2026-10-30"});
    let ew = app
        .post("/api/v1/deadlines/calculate", &app.ann.1, body.clone())
        .await;
    assert_eq!(ew.body["due_date"], "2026-11-30");
    assert_eq!(ew.body["calendar"], "england-and-wales");
    app.store
        .set_team_calendar(&app.north.id, Some("scotland"))
        .await
        .unwrap();
    let scot = app
        .post("/api/v1/deadlines/calculate", &app.ann.1, body.clone())
        .await;
    assert_eq!(
        scot.body["calendar"], "scotland",
        "the team's calendar by default"
    );
    assert_eq!(scot.body["due_date"], "2026-12-01");
    app.store
        .set_team_calendar(&app.north.id, None)
        .await
        .unwrap();
    app.store
        .set_setting("calendar", "northern-ireland", support::start_time())
        .await
        .unwrap();
    assert_eq!(
        app.post("/api/v1/deadlines/calculate", &app.ann.1, body.clone())
            .await
            .body["calendar"],
        "northern-ireland"
    );
    // A closure day is not a working day.
    app.store
        .add_closure_day(
            "2026-11-30".parse().unwrap(),
            "Staff training",
            support::start_time(),
        )
        .await
        .unwrap();
    let closed = app
        .post("/api/v1/deadlines/calculate", &app.ann.1, body)
        .await;
    assert_eq!(closed.body["due_date"], "2026-12-01");
    assert!(
        closed.body["explanation"]
            .to_string()
            .contains("is not a working day")
    );
}

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
async fn the_queue_orders_by_band_then_urgency_and_flags_what_needs_attention() {
    let app = TestApp::new().await;
    let (client, routine) = app.client_and_case(&app.ann.1).await;
    let mk = |title: &str| json!({"client_id": client, "title": title, "service_area": "debt"});
    let urgent = app
        .post("/api/v1/cases", &app.ann.1, mk("Bailiff visit Friday"))
        .await
        .id();
    let unassessed = app
        .post("/api/v1/cases", &app.ann.1, mk("New referral"))
        .await
        .id();
    app.post(
        &format!("/api/v1/cases/{routine}/assessments"),
        &app.ann.1,
        json!({"answers": {}}),
    )
    .await;
    let u = app
        .post(
            &format!("/api/v1/cases/{urgent}/assessments"),
            &app.ann.1,
            json!({"answers": {"emergency_within_5_working_days": "enforcement_visit"}}),
        )
        .await;
    assert_eq!(u.body["band"], "P1");
    let queue = app.get("/api/v1/caseload", &app.ann.1).await;
    assert_eq!(queue.status, StatusCode::OK, "{}", queue.body);
    // The queue's answer, written from each row's kept JSON and the rest,
    // is byte for byte the rows serialized whole (the first time, when the
    // rows' JSON is written, and again from what was kept).
    let rows = app
        .store
        .caseload(&app.ann.0.id, app.state.today())
        .await
        .unwrap();
    let whole = caseload_web::api::priority::queue_of(&app.state, rows)
        .await
        .ok()
        .unwrap();
    let serialized = serde_json::to_vec(&whole).unwrap();
    for _ in 0..2 {
        let written = caseload_web::api::priority::queue_json(&whole).unwrap();
        assert_eq!(
            String::from_utf8(written).unwrap(),
            String::from_utf8(serialized.clone()).unwrap()
        );
    }
    assert_eq!(
        serde_json::from_slice::<Value>(&serialized).unwrap(),
        queue.body
    );
    let rows = queue.body.as_array().unwrap();
    let order: Vec<&str> = rows
        .iter()
        .map(|r| r["case"]["id"].as_str().unwrap())
        .collect();
    assert_eq!(
        order,
        [urgent.as_str(), unassessed.as_str(), routine.as_str()]
    );
    assert_eq!(rows[0]["band"], "P1");
    assert!(
        rows[0]["why"]
            .as_array()
            .unwrap()
            .iter()
            .any(|w| w.as_str().unwrap().contains("(rule D1)")),
        "why? on demand"
    );
    assert!(
        rows[1]["flags"]
            .as_array()
            .unwrap()
            .contains(&json!("no_assessment"))
    );
    assert_eq!(rows[2]["band"], "P4");
    // A week on, the urgent case has had no contact: flagged.
    app.advance(7 * 24 * 60);
    let later = app.get("/api/v1/caseload", &app.ann.1).await;
    let first = &later.body[0];
    assert!(
        first["flags"]
            .as_array()
            .unwrap()
            .contains(&json!("high_priority_not_contacted")),
        "{first}"
    );
    app.get("/api/v1/caseload", &app.ada.1)
        .await
        .assert_problem(403);
}

/// The queue answers from the rows read for the caller's last look while
/// none of their cases has changed, and reads them again the moment one
/// has — whoever changed it, through this server or straight into the store.
#[tokio::test]
async fn the_queue_is_read_again_the_moment_a_case_changes() {
    let app = TestApp::new().await;
    let (_, case) = app.client_and_case(&app.ann.1).await;
    let (_, other) = app.client_and_case(&app.ann.1).await;
    let counts = || {
        let c = app.state.caseloads.counts();
        (c.kept, c.refreshed, c.read)
    };
    // Ann's case as the queue shows it, and the whole queue as a server
    // reading everything afresh would answer it.
    let row_of = |queue: &Value, id: &str| -> Value {
        queue
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["case"]["id"] == id)
            .cloned()
            .unwrap()
    };
    let afresh = || async {
        let rows = app
            .store
            .caseload(&app.ann.0.id, app.state.today())
            .await
            .unwrap();
        let queue = caseload_web::api::priority::queue_of(&app.state, rows)
            .await
            .ok()
            .unwrap();
        serde_json::to_value(&queue).unwrap()
    };
    let first = app.get("/api/v1/caseload", &app.ann.1).await;
    assert_eq!(first.status, StatusCode::OK, "{}", first.body);
    assert_eq!(counts(), (0, 0, 1));
    let again = app.get("/api/v1/caseload", &app.ann.1).await;
    assert_eq!(again.body, first.body);
    assert_eq!(counts(), (1, 0, 1), "nothing changed: the kept rows answer");

    // Through the API: a task due tomorrow.
    let tomorrow = app
        .clock_now()
        .checked_add(jiff::SignedDuration::from_hours(24))
        .unwrap();
    let due = tomorrow
        .to_zoned(jiff::tz::TimeZone::UTC)
        .date()
        .to_string();
    let task = app
        .post(
            &format!("/api/v1/cases/{case}/tasks"),
            &app.ann.1,
            json!({"title": "Chase landlord", "due_date": due}),
        )
        .await;
    assert_eq!(task.status, StatusCode::CREATED, "{}", task.body);
    let queue = app.get("/api/v1/caseload", &app.ann.1).await;
    assert_eq!(
        row_of(&queue.body, &case)["next_task_title"],
        "Chase landlord"
    );
    assert_eq!(row_of(&queue.body, &case)["overdue_tasks"], 0);
    assert_eq!(counts(), (1, 1, 1), "only the changed case is read again");
    assert_eq!(queue.body, afresh().await);
    assert_eq!(row_of(&queue.body, &other), row_of(&first.body, &other));

    // Two days on, nothing has been written but the task is overdue.
    app.advance(2 * 24 * 60);
    let queue = app.get("/api/v1/caseload", &app.ann.1).await;
    let row = row_of(&queue.body, &case);
    assert_eq!(row["overdue_tasks"], 1, "{row}");
    assert!(
        row["flags"]
            .as_array()
            .unwrap()
            .contains(&json!("overdue_tasks"))
    );
    assert_eq!(counts(), (1, 1, 2), "a new day reads afresh");

    // Straight into the store, as another server or the CLI would.
    let case_id = caseload_domain::ids::CaseId::parse(&case).unwrap();
    let at = app.clock_now();
    app.store
        .add_note(
            &caseload_store::NewNote {
                case_id: case_id.clone(),
                kind: caseload_domain::notes::NoteKind::Phone,
                template: "star".into(),
                occurred_at: at,
                late_entry: false,
                late_reason: None,
                sections: vec![caseload_domain::notes::Section {
                    name: "situation".into(),
                    text: "Rang the client".into(),
                }],
                submission_key: None,
            },
            &caseload_store::WriteCtx {
                actor: app.ann.0.id.clone(),
                at,
                request_id: "elsewhere".into(),
            },
        )
        .await
        .unwrap();
    let queue = app.get("/api/v1/caseload", &app.ann.1).await;
    assert_eq!(
        row_of(&queue.body, &case)["last_contact"],
        json!(at.to_string())
    );
    assert_eq!(counts(), (1, 2, 2));
    assert_eq!(queue.body, afresh().await);
    app.store
        .update_user(
            &app.ann.0.id,
            &caseload_store::UserChange {
                name: Some("Ann Renamed".into()),
                role: None,
                team_id: None,
                active: None,
            },
        )
        .await
        .unwrap();
    let queue = app.get("/api/v1/caseload", &app.ann.1).await;
    assert_eq!(
        row_of(&queue.body, &other)["case"]["owner_name"],
        "Ann Renamed"
    );
    assert_eq!(counts(), (1, 2, 3), "a new name is read afresh");
    // Someone else's case changing leaves Ann's rows standing.
    app.client_and_case(&app.bob.1).await;
    app.get("/api/v1/caseload", &app.ann.1).await;
    assert_eq!(counts(), (2, 2, 3));
}

/// The rows kept are bounded: the least recently asked-for caseload goes
/// first, and with no room at all every queue is read afresh.
#[tokio::test]
async fn kept_caseloads_stay_within_their_budget() {
    let app = TestApp::new_with(caseload_web::Settings {
        kept_caseload_rows: 2,
        ..caseload_web::Settings::default()
    })
    .await;
    app.client_and_case(&app.ann.1).await;
    app.client_and_case(&app.bob.1).await;
    app.client_and_case(&app.bob.1).await;
    let counts = || {
        let c = app.state.caseloads.counts();
        (c.kept, c.refreshed, c.read)
    };
    app.get("/api/v1/caseload", &app.ann.1).await;
    app.get("/api/v1/caseload", &app.ann.1).await;
    assert_eq!(counts(), (1, 0, 1));
    // Bob's two rows need all the room: Ann's one goes.
    let bob = app.get("/api/v1/caseload", &app.bob.1).await;
    assert_eq!(bob.body.as_array().unwrap().len(), 2);
    app.get("/api/v1/caseload", &app.bob.1).await;
    assert_eq!(counts(), (2, 0, 2));
    app.get("/api/v1/caseload", &app.ann.1).await;
    assert_eq!(counts(), (2, 0, 3), "Ann's rows were let go");

    let none = TestApp::new_with(caseload_web::Settings {
        kept_caseload_rows: 0,
        ..caseload_web::Settings::default()
    })
    .await;
    none.client_and_case(&none.ann.1).await;
    for _ in 0..3 {
        let queue = none.get("/api/v1/caseload", &none.ann.1).await;
        assert_eq!(queue.body.as_array().unwrap().len(), 1);
        // Nor an empty caseload.
        let empty = none.get("/api/v1/caseload", &none.bob.1).await;
        assert_eq!(empty.body, json!([]));
    }
    let c = none.state.caseloads.counts();
    assert_eq!((c.kept, c.refreshed, c.read), (0, 0, 6));
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

/// Reads are audited in groups, but every read still gets its own event,
/// recorded before it is answered.
#[tokio::test]
async fn reads_made_at_once_are_each_audited_before_they_are_answered() {
    let app = TestApp::new().await;
    let (_, case) = app.client_and_case(&app.ann.1).await;
    let before = app.count("audit_events").await;
    let path = format!("/api/v1/cases/{case}");
    let reads = (0..25).map(|_| app.get(&path, &app.ann.1));
    let answers = futures_util::future::join_all(reads).await;
    assert!(answers.iter().all(|r| r.status == 200));
    // Every answer was given after its event was stored: nothing to wait for.
    assert_eq!(app.count("audit_events").await, before + 25);
    let events = app.store.list_audit(25).await.unwrap();
    let ids: std::collections::BTreeSet<&str> =
        events.iter().map(|e| e.request_id.as_str()).collect();
    assert_eq!(ids.len(), 25, "one event per request, each its own");
    assert!(
        events
            .iter()
            .all(|e| e.action == "case.read" && e.actor_id.as_ref() == Some(&app.ann.0.id))
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

/// Alerts about a case as re-evaluation sends them, a minute apart: each
/// `(clock, state, supervisors too)`, its message "clock state".
fn messages(body: &Value) -> Vec<String> {
    body.as_array()
        .unwrap()
        .iter()
        .map(|n| n["message"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn notifications_filter_by_kind_and_case_and_name_bad_filters() {
    let app = TestApp::new().await;
    let (client, first) = app.client_and_case(&app.ann.1).await;
    let second = app.pip_appeal(&app.ann.1, &client).await;
    app.alerts_about(
        &first,
        &[
            ("first_contact", "at_risk", false),
            ("deadline:dln_1", "at_risk", false),
        ],
    )
    .await;
    app.alerts_about(&second, &[("next_action", "breached", true)])
        .await;

    let all = app.get("/api/v1/notifications", &app.ann.1).await;
    assert_eq!(
        messages(&all.body),
        [
            "next_action breached",
            "deadline:dln_1 at_risk",
            "first_contact at_risk"
        ]
    );
    assert_eq!(
        (&all.body[0]["case_title"], &all.body[0]["client_name"]),
        (&json!("PIP appeal"), &json!("Dana Client"))
    );
    let deadlines = app
        .get("/api/v1/notifications?kind=deadline_at_risk", &app.ann.1)
        .await;
    assert_eq!(messages(&deadlines.body), ["deadline:dln_1 at_risk"]);
    let about_first = app
        .get(&format!("/api/v1/notifications?case={first}"), &app.ann.1)
        .await;
    assert_eq!(about_first.body.as_array().unwrap().len(), 2);
    let both = app
        .get(
            &format!("/api/v1/notifications?case={first}&kind=timescale_breached"),
            &app.ann.1,
        )
        .await;
    assert_eq!(both.body, json!([]));

    app.assert_bad_queries(
        "/api/v1/notifications",
        &app.ann.1,
        &[
            ("kind=urgent", "kind"),
            ("case=not-a-case", "case"),
            ("show=everything", "show"),
        ],
    )
    .await;
    app.get("/api/v1/notifications?colour=red", &app.ann.1)
        .await
        .assert_problem(422);

    // Acknowledged ones come back with show=all.
    app.post(
        "/api/v1/notifications/acknowledge",
        &app.ann.1,
        json!({"all": true, "case": second}),
    )
    .await;
    assert_eq!(
        app.get("/api/v1/notifications", &app.ann.1)
            .await
            .body
            .as_array()
            .unwrap()
            .len(),
        2
    );
    let everything = app.get("/api/v1/notifications?show=all", &app.ann.1).await;
    assert_eq!(everything.body.as_array().unwrap().len(), 3);
    assert!(everything.body[0]["acknowledged_at"].is_string());
}

#[tokio::test]
async fn bulk_acknowledgement_touches_only_the_callers_own_notifications() {
    let app = TestApp::new().await;
    let (_, case) = app.client_and_case(&app.ann.1).await;
    app.alerts_about(
        &case,
        &[
            ("first_contact", "at_risk", false),
            ("next_action", "at_risk", false),
            ("review", "breached", true),
        ],
    )
    .await;
    let anns = app.get("/api/v1/notifications", &app.ann.1).await.body;
    let sues = app.get("/api/v1/notifications", &app.sue.1).await.body;
    assert_eq!(
        (
            anns.as_array().unwrap().len(),
            sues.as_array().unwrap().len()
        ),
        (3, 1)
    );
    let ack = "/api/v1/notifications/acknowledge";

    // Sue names one of Ann's and her own: only hers is acknowledged.
    let r = app
        .post(
            ack,
            &app.sue.1,
            json!({"ids": [anns[0]["id"], sues[0]["id"]]}),
        )
        .await;
    assert_eq!(
        (r.status, &r.body),
        (StatusCode::OK, &json!({"acknowledged": 1}))
    );
    assert_eq!(
        app.get("/api/v1/notifications", &app.ann.1)
            .await
            .body
            .as_array()
            .unwrap()
            .len(),
        3,
        "Ann's are untouched"
    );

    // Ann: all her at-risk timescale alerts at once.
    let r = app
        .post(
            ack,
            &app.ann.1,
            json!({"all": true, "kind": "timescale_at_risk", "case": case}),
        )
        .await;
    assert_eq!(r.body, json!({"acknowledged": 2}));
    let left = app.get("/api/v1/notifications", &app.ann.1).await.body;
    assert_eq!(messages(&left), ["review breached"]);
    // By id, twice: the second time there is nothing left to do.
    let once = app
        .post(ack, &app.ann.1, json!({"ids": [left[0]["id"]]}))
        .await;
    assert_eq!(once.body, json!({"acknowledged": 1}));
    let twice = app
        .post(ack, &app.ann.1, json!({"ids": [left[0]["id"]]}))
        .await;
    assert_eq!(twice.body, json!({"acknowledged": 0}));

    for (body, field) in [
        (json!({}), "ids"),
        (json!({"ids": []}), "ids"),
        (json!({"ids": ["nope"]}), "ids[0]"),
        (json!({"all": false}), "all"),
        (json!({"all": true, "ids": [left[0]["id"]]}), "all"),
        (json!({"all": true, "kind": "urgent"}), "kind"),
        (json!({"all": true, "case": "nope"}), "case"),
        (
            json!({"ids": [left[0]["id"]], "kind": "high_priority"}),
            "kind",
        ),
    ] {
        let r = app.post(ack, &app.ann.1, body.clone()).await;
        r.assert_problem(422);
        assert!(r.field_error(field).is_some(), "{body}: {}", r.body);
    }
    app.post(ack, &app.ann.1, json!({"all": true, "colour": "red"}))
        .await
        .assert_problem(422);
    app.call(Method::POST, ack, None, Some(json!({"all": true})))
        .await
        .assert_problem(401);
}

// ---- Only the author amends a note; cancelling a task says why (issue 13) ----

#[tokio::test]
async fn a_colleague_cannot_amend_anothers_note_and_the_attempt_is_logged() {
    let app = TestApp::new().await;
    let (_, case) = app.client_and_case(&app.ann.1).await;
    let note = app.note(&app.ann.1, &case, 5, "Owes £1,200").await.id();
    let refused = app
        .post(
            &format!("/api/v1/notes/{note}/amendments"),
            &app.bob.1,
            json!({"reason": "I think it was more", "sections": {"situation": "Owes £2,100"}}),
        )
        .await;
    refused.assert_problem(403);
    let detail = refused.body["detail"].as_str().unwrap();
    assert!(
        detail.contains("only the note's author (Ann Adviser) or a supervisor")
            && detail.contains("add a note of your own"),
        "{detail}"
    );
    assert_eq!(app.count("note_amendments").await, 0);
    let logged = app
        .store
        .list_audit(20)
        .await
        .unwrap()
        .into_iter()
        .find(|e| e.action == "note.amend.denied")
        .expect("the refused attempt is audited");
    assert_eq!(logged.actor_id.as_ref(), Some(&app.bob.0.id));
    assert_eq!(logged.object_id.as_deref(), Some(note.as_str()));
    // Bob may still read it, and add a note of his own.
    let read = app.get(&format!("/api/v1/notes/{note}"), &app.bob.1).await;
    assert_eq!(read.status, StatusCode::OK);
    let own = app
        .note(&app.bob.1, &case, 1, "Spoke to the landlord")
        .await;
    assert_eq!(own.status, StatusCode::CREATED);
}

#[tokio::test]
async fn the_author_amends_their_own_note_as_its_author() {
    let app = TestApp::new().await;
    let (_, case) = app.client_and_case(&app.ann.1).await;
    let note = app.note(&app.ann.1, &case, 5, "Owes £1,200").await.id();
    let ok = app
        .post(
            &format!("/api/v1/notes/{note}/amendments"),
            &app.ann.1,
            json!({"reason": "Wrong figure", "sections": {"situation": "Owes £2,100"}}),
        )
        .await;
    assert_eq!(ok.status, StatusCode::CREATED, "{}", ok.body);
    assert_eq!(ok.body["amended_as"], "author");
    assert_eq!(ok.body["author_name"], "Ann Adviser");
}

#[tokio::test]
async fn a_supervisor_amends_with_a_reason_and_the_amendment_says_so() {
    let app = TestApp::new().await;
    let (_, case) = app.client_and_case(&app.ann.1).await;
    let note = app.note(&app.ann.1, &case, 5, "Owes £1,200").await.id();
    let path = format!("/api/v1/notes/{note}/amendments");
    let no_reason = app
        .post(
            &path,
            &app.sue.1,
            json!({"reason": "", "sections": {"situation": "Owes £2,150"}}),
        )
        .await;
    no_reason.assert_problem(422);
    assert!(no_reason.field_error("reason").is_some());
    let ok = app
        .post(
            &path,
            &app.sue.1,
            json!({"reason": "File review: checked against the statement", "sections": {"situation": "Owes £2,150"}}),
        )
        .await;
    assert_eq!(ok.status, StatusCode::CREATED, "{}", ok.body);
    assert_eq!(ok.body["amended_as"], "supervisor");
    assert_eq!(ok.body["author_name"], "Sue Supervisor");
    let timeline = app
        .get(&format!("/api/v1/cases/{case}/timeline"), &app.ann.1)
        .await;
    let amended = timeline
        .body
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["kind"] == "note_amended")
        .expect("on the timeline");
    assert_eq!(amended["data"]["amended_as"], "supervisor");
    assert_eq!(amended["actor_name"], "Sue Supervisor");
}

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

async fn new_client(app: &TestApp, token: &str, body: Value) -> String {
    let r = app.post("/api/v1/clients", token, body).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    r.id()
}

fn names(r: &support::Resp) -> Vec<String> {
    r.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["name"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn clients_are_found_by_name_ignoring_accents_and_case_and_by_date_of_birth() {
    let app = TestApp::new().await;
    let (_, case) = app.client_and_case(&app.ann.1).await;
    let lukasz = new_client(
        &app,
        &app.ann.1,
        json!({"name": "Łukasz Nowak", "date_of_birth": "1984-02-29", "address": "2 Mill Lane, Leeds, LS1 4AB"}),
    )
    .await;
    new_client(&app, &app.ann.1, json!({"name": "Zoë Adams"})).await;
    new_client(&app, &app.cat.1, json!({"name": "Lukasz Elsewhere"})).await;
    for q in ["lukasz", "LUKASZ", "now", "%C5%81uk"] {
        let r = app.get(&format!("/api/v1/clients?q={q}"), &app.bob.1).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        assert_eq!(names(&r), ["Łukasz Nowak"], "{q}");
    }
    assert_eq!(
        names(&app.get("/api/v1/clients?q=zoe", &app.bob.1).await),
        ["Zoë Adams"]
    );
    let by_dob = app
        .get("/api/v1/clients?date_of_birth=1984-02-29", &app.bob.1)
        .await;
    assert_eq!(by_dob.body["items"][0]["id"], lukasz.as_str());
    // The list is in name order, Ł among the Ls, each with open cases.
    let all = app.get("/api/v1/clients", &app.bob.1).await;
    assert_eq!(names(&all), ["Dana Client", "Łukasz Nowak", "Zoë Adams"]);
    assert_eq!(all.body["items"][0]["open_cases"][0]["id"], case.as_str());
    // A page at a time.
    let first = app.get("/api/v1/clients?limit=2", &app.bob.1).await;
    assert_eq!(names(&first), ["Dana Client", "Łukasz Nowak"]);
    let cursor = first.body["next_cursor"].as_str().unwrap().to_owned();
    let second = app
        .get(
            &format!("/api/v1/clients?limit=2&cursor={cursor}"),
            &app.bob.1,
        )
        .await;
    assert_eq!(names(&second), ["Zoë Adams"]);
    assert_eq!(second.body["next_cursor"], Value::Null);
}

#[tokio::test]
async fn a_bad_client_search_is_a_422_naming_the_field() {
    let app = TestApp::new().await;
    app.assert_bad_queries(
        "/api/v1/clients",
        &app.ann.1,
        &[
            ("date_of_birth=17-05-1990", "date_of_birth"),
            ("limit=0", "limit"),
            ("limit=500", "limit"),
            ("cursor=cas_nonsense", "cursor"),
            ("q=%20--%20", "q"),
            ("q=a%07b", "q"),
        ],
    )
    .await;
    app.get("/api/v1/clients?colour=red", &app.ann.1)
        .await
        .assert_problem(422);
}

#[tokio::test]
async fn patching_a_client_changes_only_the_fields_sent_and_keeps_their_history() {
    let app = TestApp::new().await;
    let (client, case) = app.client_and_case(&app.ann.1).await;
    let path = format!("/api/v1/clients/{client}");
    let r = app
        .call(
            Method::PATCH,
            &path,
            Some(&app.bob.1),
            Some(json!({
                "name": "Dana Łęcka",
                "phone": "07700 900123",
                "contact": {"text": true, "letter": false, "times": "Weekdays after 3pm", "safe_address": "Do not write to home address"},
                "access_needs": {"interpreter": true, "interpreter_language": "Polish"}
            })),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.body["name"], "Dana Łęcka");
    assert_eq!(r.body["contact"]["text"], true);
    assert_eq!(r.body["contact"]["letter"], false);
    assert_eq!(r.body["contact"]["phone"], Value::Null);
    assert_eq!(r.body["access_needs"]["interpreter_language"], "Polish");
    // The rename reaches the case.
    let c = app.get(&format!("/api/v1/cases/{case}"), &app.ann.1).await;
    assert_eq!(c.body["client_name"], "Dana Łęcka");
    // null clears; absent leaves alone.
    let r = app
        .call(
            Method::PATCH,
            &path,
            Some(&app.ann.1),
            Some(json!({"phone": null})),
        )
        .await;
    assert_eq!(r.body["phone"], Value::Null);
    assert_eq!(r.body["name"], "Dana Łęcka");
    let history = app.get(&format!("{path}/history"), &app.ann.1).await;
    assert_eq!(history.status, StatusCode::OK, "{}", history.body);
    let items = history.body["items"].as_array().unwrap();
    let first = &items[0];
    assert_eq!(first["field"], "name");
    assert_eq!(first["old_value"], "Dana Client");
    assert_eq!(first["new_value"], "Dana Łęcka");
    assert_eq!(first["actor_name"], app.bob.0.name.as_str());
    let last = items.last().unwrap();
    assert_eq!(last["field"], "phone");
    assert_eq!(last["old_value"], "07700 900123");
    assert_eq!(last["new_value"], Value::Null);
    // Audited by name of the client, never the content.
    let audit = app.store.list_audit(100).await.unwrap();
    let updates: Vec<_> = audit
        .iter()
        .filter(|e| e.action == "client.update")
        .collect();
    assert_eq!(updates.len(), 2);
    assert!(
        updates
            .iter()
            .all(|e| e.object_id.as_deref() == Some(client.as_str()))
    );
}

#[tokio::test]
async fn a_bad_client_patch_is_a_422_naming_the_field_and_changes_nothing() {
    let app = TestApp::new().await;
    let (client, _) = app.client_and_case(&app.ann.1).await;
    let path = format!("/api/v1/clients/{client}");
    for (body, field) in [
        (json!({"name": null}), "name"),
        (json!({"name": "  "}), "name"),
        (json!({"email": "not-an-email"}), "email"),
        (json!({"date_of_birth": "2999-01-01"}), "date_of_birth"),
        (
            json!({"access_needs": {"interpreter": true}}),
            "access_needs.interpreter_language",
        ),
        (json!({"contact": {"times": "a\u{0}b"}}), "contact.times"),
    ] {
        let r = app
            .call(Method::PATCH, &path, Some(&app.ann.1), Some(body.clone()))
            .await;
        r.assert_problem(422);
        assert!(r.field_error(field).is_some(), "{body}: {}", r.body);
    }
    let unknown = app
        .call(
            Method::PATCH,
            &path,
            Some(&app.ann.1),
            Some(json!({"colour": "red"})),
        )
        .await;
    unknown.assert_problem(422);
    assert!(
        unknown.body.to_string().contains("colour"),
        "{}",
        unknown.body
    );
    assert_eq!(app.count("client_changes").await, 0);
}

#[tokio::test]
async fn another_teams_client_cannot_be_edited_or_its_history_read_and_the_attempt_is_logged() {
    let app = TestApp::new().await;
    let (client, _) = app.client_and_case(&app.ann.1).await;
    let path = format!("/api/v1/clients/{client}");
    app.call(
        Method::PATCH,
        &path,
        Some(&app.cat.1),
        Some(json!({"name": "Hijacked"})),
    )
    .await
    .assert_problem(404);
    app.get(&format!("{path}/history"), &app.cat.1)
        .await
        .assert_problem(404);
    let shown = app.get(&path, &app.ann.1).await;
    assert_eq!(shown.body["name"], "Dana Client");
    let denials = app
        .store
        .list_audit(100)
        .await
        .unwrap()
        .into_iter()
        .filter(|e| e.action.ends_with(".denied"))
        .count();
    assert_eq!(denials, 2);
    // And the search does not find them.
    assert!(names(&app.get("/api/v1/clients?q=dana", &app.cat.1).await).is_empty());
}

#[tokio::test]
async fn someone_who_moved_team_reads_a_client_they_recorded_but_cannot_edit_it() {
    let app = TestApp::new().await;
    let (client, _) = app.client_and_case(&app.ann.1).await;
    // Ann moves to the other team.
    app.store
        .update_user(
            &app.ann.0.id,
            &caseload_store::UserChange {
                team_id: Some(Some(app.south.id.clone())),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    let path = format!("/api/v1/clients/{client}");
    let read = app.get(&path, &app.ann.1).await;
    assert_eq!(
        read.status,
        StatusCode::OK,
        "she recorded them: {}",
        read.body
    );
    app.call(
        Method::PATCH,
        &path,
        Some(&app.ann.1),
        Some(json!({"contact": {"letter": true}})),
    )
    .await
    .assert_problem(404);
    let denied = app
        .store
        .list_audit(100)
        .await
        .unwrap()
        .into_iter()
        .filter(|e| e.action.ends_with(".denied"))
        .count();
    assert_eq!(denied, 1, "the attempt is logged");
    let still = app.get(&path, &app.bob.1).await;
    assert!(still.body["contact"]["letter"].is_null(), "{}", still.body);
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
