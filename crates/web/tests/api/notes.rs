//! Case notes through the API: byte-exact round trips, late entries, times,
//! amendments instead of edits, and who may amend.

use axum::body::Body;
use axum::http::{Method, Request, StatusCode};
use caseload_store::prelude::*;
use serde_json::json;

use crate::support::TestApp;

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
async fn a_contact_time_is_strict_rfc_3339_within_18_hours_and_1900_to_2100() {
    let app = TestApp::new().await;
    let (_, case) = app.client_and_case(&app.ann.1).await;
    let path = format!("/api/v1/cases/{case}/notes");
    let a_minute_ago = app
        .clock_now()
        .checked_sub(jiff::SignedDuration::from_mins(1))
        .unwrap();
    let written_at = |hours: i8| {
        a_minute_ago
            .to_zoned(jiff::tz::TimeZone::fixed(jiff::tz::Offset::constant(hours)))
            .strftime("%Y-%m-%dT%H:%M:%S%:z")
            .to_string()
    };
    for fine in [
        written_at(18),
        written_at(-18),
        written_at(0),
        a_minute_ago.to_string(),
    ] {
        let r = app
            .post(
                &path,
                &app.ann.1,
                json!({"kind": "phone", "occurred_at": fine, "sections": {"situation": "x"}}),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{fine}: {}", r.body);
    }
    for refused in [
        "2026-03-01T10:00:00+25:00",
        "2026-03-01T10:00:00+18:01",
        "2026-03-01T10:00:00-19:00",
        "0000-03-01T10:00:00Z",
        "1899-12-31T23:59:59Z",
        "1900-01-01T00:30:00+01:00",
        "2101-01-01T00:00:00Z",
        "2026-03-01T10:00Z",
        "2026-03-01T10:00:00",
        "2026-03-01T10:00:00+0100",
        "2026-03-01T10:00:00Z[Europe/London]",
    ] {
        let r = app
            .post(
                &path,
                &app.ann.1,
                json!({"kind": "phone", "occurred_at": refused, "sections": {"situation": "x"}}),
            )
            .await;
        r.assert_problem(422);
        assert!(
            r.field_error("occurred_at").is_some(),
            "{refused}: {}",
            r.body
        );
    }
}

#[tokio::test]
async fn a_key_sent_twice_is_refused_by_name() {
    let app = TestApp::new().await;
    let (_, case) = app.client_and_case(&app.ann.1).await;
    let at = app.clock_now().to_string();
    let send = |body: String| {
        Request::builder()
            .method(Method::POST)
            .uri(format!("/api/v1/cases/{case}/notes"))
            .header("authorization", format!("Bearer {}", app.ann.1))
            .header("content-type", "application/json")
            .body(Body::from(body))
            .unwrap()
    };
    for (body, field) in [
        (
            format!(
                r#"{{"kind": "phone", "kind": "face_to_face", "occurred_at": "{at}", "sections": {{"situation": "x"}}}}"#
            ),
            "kind",
        ),
        (
            format!(
                r#"{{"kind": "phone", "occurred_at": "{at}", "sections": {{"situation": "x", "situation": "y"}}}}"#
            ),
            "sections.situation",
        ),
    ] {
        let r = app.raw(send(body)).await;
        r.assert_problem(422);
        assert!(r.field_error(field).is_some(), "{field}: {}", r.body);
    }
    assert_eq!(app.count("notes").await, 0);
    let once = app
        .raw(send(format!(
            r#"{{"kind": "phone", "occurred_at": "{at}", "sections": {{"situation": "x"}}}}"#
        )))
        .await;
    assert_eq!(once.status, StatusCode::CREATED, "{}", once.body);
}
