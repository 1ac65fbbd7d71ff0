//! Clients through the API: search, patch with history, and team access.

use axum::http::{Method, StatusCode};
use caseload_store::prelude::*;
use serde_json::{Value, json};

use crate::support::{self, TestApp};

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
