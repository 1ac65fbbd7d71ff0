//! API tokens: a caller lists, makes and revokes their own; a token expires,
//! stops at revocation and at a password reset, and its scopes narrow what
//! it may do, every route alike.

use axum::http::{Method, StatusCode};
use caseload_domain::tokens::TokenScopes;
use caseload_store::prelude::*;
use serde_json::{Value, json};

use crate::support::TestApp;

/// Make a token for the holder of `token`; its answer.
async fn make(app: &TestApp, token: &str, body: Value) -> crate::support::Resp {
    app.post("/api/v1/tokens", token, body).await
}

async fn audited(app: &TestApp, action: &str) -> Vec<Option<String>> {
    app.store.move_journal().await.unwrap();
    app.store
        .list_audit(200)
        .await
        .unwrap()
        .into_iter()
        .filter(|e| e.action == action)
        .map(|e| e.object_id)
        .collect()
}

#[tokio::test]
async fn a_caller_makes_lists_and_revokes_their_own_tokens_and_the_secret_is_shown_once() {
    let app = TestApp::new().await;
    let made = make(&app, &app.ann.1, json!({"name": "Reporting script"})).await;
    assert_eq!(made.status, StatusCode::CREATED, "{}", made.body);
    let secret = made.body["secret"].as_str().unwrap().to_owned();
    assert!(secret.starts_with("cl_"));
    assert_eq!(made.body["name"], "Reporting script");
    assert_eq!(made.body["scopes"], json!(["read", "write"]));
    // 90 days by default.
    let expires: jiff::Timestamp = made.body["expires_at"].as_str().unwrap().parse().unwrap();
    assert_eq!(
        expires.duration_since(app.clock_now()),
        jiff::SignedDuration::from_hours(90 * 24)
    );
    // The new token works, and its use is recorded.
    let me = app.get("/api/v1/me", &secret).await;
    assert_eq!(me.body["email"], "ann@example.org");
    let list = app.get("/api/v1/tokens", &app.ann.1).await;
    assert_eq!(list.status, StatusCode::OK);
    let rows = list.body.as_array().unwrap();
    assert_eq!(
        rows.len(),
        2,
        "the test token and the new one: {}",
        list.body
    );
    let new = rows.iter().find(|r| r["id"] == made.body["id"]).unwrap();
    assert_eq!(new["last_used_at"], json!(app.clock_now().to_string()));
    // Never the secret again, nor its hash.
    assert!(!list.body.to_string().contains(&secret));
    assert!(
        !list
            .body
            .to_string()
            .contains(&caseload_web::auth::token_hash(&secret))
    );
    assert!(new.get("secret").is_none());
    // Bob sees only his own, and cannot revoke Ann's (as if it did not exist).
    let bobs = app.get("/api/v1/tokens", &app.bob.1).await;
    assert_eq!(bobs.body.as_array().unwrap().len(), 1);
    let path = format!("/api/v1/tokens/{}", made.id());
    app.call(Method::DELETE, &path, Some(&app.bob.1), None)
        .await
        .assert_problem(404);
    app.get(
        &format!("/api/v1/tokens?user_id={}", app.ann.0.id),
        &app.bob.1,
    )
    .await
    .assert_problem(404);
    // Ann revokes it: it stops at once, and is gone from her list.
    let revoked = app
        .call(Method::DELETE, &path, Some(&app.ann.1), None)
        .await;
    assert_eq!(revoked.status, StatusCode::NO_CONTENT);
    app.get("/api/v1/me", &secret).await.assert_problem(401);
    app.call(Method::DELETE, &path, Some(&app.ann.1), None)
        .await
        .assert_problem(404);
    assert_eq!(
        app.get("/api/v1/tokens", &app.ann.1)
            .await
            .body
            .as_array()
            .unwrap()
            .len(),
        1
    );
    assert_eq!(audited(&app, "api_token.create").await, [Some(made.id())]);
    assert_eq!(audited(&app, "api_token.revoke").await, [Some(made.id())]);
}

#[tokio::test]
async fn an_administrator_may_list_and_revoke_anyones_tokens() {
    let app = TestApp::new().await;
    let made = make(&app, &app.bob.1, json!({"name": "Bob's script"})).await;
    let listed = app
        .get(
            &format!("/api/v1/tokens?user_id={}", app.bob.0.id),
            &app.ada.1,
        )
        .await;
    assert_eq!(listed.status, StatusCode::OK);
    assert_eq!(listed.body.as_array().unwrap().len(), 2);
    let path = format!("/api/v1/tokens/{}", made.id());
    let r = app
        .call(Method::DELETE, &path, Some(&app.ada.1), None)
        .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT);
    app.get("/api/v1/me", made.body["secret"].as_str().unwrap())
        .await
        .assert_problem(401);
}

/// JSON Schema counts `30.0` as an integer, so a client generated from the
/// document may send it (schemathesis did).
#[tokio::test]
async fn a_whole_number_written_with_a_fraction_is_a_number_of_days() {
    let app = TestApp::new().await;
    let r = make(
        &app,
        &app.ann.1,
        json!({"name": "float days", "expires_in_days": 30.0}),
    )
    .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let expires: jiff::Timestamp = r.body["expires_at"].as_str().unwrap().parse().unwrap();
    assert_eq!(
        expires.duration_since(app.clock_now()),
        jiff::SignedDuration::from_hours(30 * 24)
    );
}

#[tokio::test]
async fn bad_token_requests_name_the_field() {
    let app = TestApp::new().await;
    for (body, field) in [
        (json!({"name": "  "}), "name"),
        (
            json!({"name": "x", "expires_in_days": 0}),
            "expires_in_days",
        ),
        (
            json!({"name": "x", "expires_in_days": 1831}),
            "expires_in_days",
        ),
        (
            json!({"name": "x", "expires_in_days": 2.5}),
            "expires_in_days",
        ),
        (
            json!({"name": "x", "expires_in_days": "30"}),
            "expires_in_days",
        ),
    ] {
        let r = make(&app, &app.ann.1, body.clone()).await;
        r.assert_problem(422);
        assert!(r.field_error(field).is_some(), "{body}: {}", r.body);
    }
    make(&app, &app.ann.1, json!({"name": "x", "scopes": ["admin"]}))
        .await
        .assert_problem(422);
    make(&app, &app.ann.1, json!({"name": "x", "owner": "bob"}))
        .await
        .assert_problem(422);
    app.call(
        Method::DELETE,
        "/api/v1/tokens/not-an-id",
        Some(&app.ann.1),
        None,
    )
    .await
    .assert_problem(404);
}

#[tokio::test]
async fn an_expired_token_is_refused_with_401() {
    let app = TestApp::new().await;
    let made = make(
        &app,
        &app.ann.1,
        json!({"name": "short", "expires_in_days": 1}),
    )
    .await;
    let secret = made.body["secret"].as_str().unwrap().to_owned();
    app.advance(24 * 60 - 1);
    assert_eq!(app.get("/api/v1/me", &secret).await.status, StatusCode::OK);
    app.advance(1);
    let r = app.get("/api/v1/me", &secret).await;
    r.assert_problem(401);
    assert!(r.body["detail"].as_str().unwrap().contains("expired"));
    // The queue's own statement checks the expiry too.
    app.get("/api/v1/caseload", &secret)
        .await
        .assert_problem(401);
}

#[tokio::test]
async fn a_tokens_use_is_written_at_most_once_a_minute() {
    let app = TestApp::new().await;
    let made = make(&app, &app.ann.1, json!({"name": "busy"})).await;
    let secret = made.body["secret"].as_str().unwrap().to_owned();
    let last_used = || async {
        let id = caseload_domain::ids::TokenId::parse(&made.id()).unwrap();
        app.store.get_api_token(&id).await.unwrap().last_used_at
    };
    let first = app.clock_now();
    app.get("/api/v1/me", &secret).await;
    assert_eq!(last_used().await, Some(first));
    app.clock.advance(jiff::SignedDuration::from_secs(59));
    app.get("/api/v1/me", &secret).await;
    assert_eq!(
        last_used().await,
        Some(first),
        "within the minute: no write"
    );
    app.clock.advance(jiff::SignedDuration::from_secs(1));
    app.get("/api/v1/me", &secret).await;
    assert_eq!(last_used().await, Some(app.clock_now()));
}

#[tokio::test]
async fn a_password_reset_or_deactivation_revokes_every_token() {
    let app = TestApp::new().await;
    let made = make(&app, &app.bob.1, json!({"name": "second"})).await;
    let second = made.body["secret"].as_str().unwrap().to_owned();
    let by = caseload_web::tokens::By {
        user: Some(&app.ada.0.id),
        request_id: "test",
    };
    let n =
        caseload_web::tokens::sign_out_everywhere(&*app.store, &app.bob.0.id, app.clock_now(), by)
            .await
            .unwrap();
    assert_eq!(n, 2);
    app.get("/api/v1/me", &app.bob.1).await.assert_problem(401);
    app.get("/api/v1/me", &second).await.assert_problem(401);
    assert_eq!(
        app.get("/api/v1/me", &app.ann.1).await.status,
        StatusCode::OK
    );
    assert_eq!(
        audited(&app, "api_token.revoke_all").await,
        [Some(app.bob.0.id.to_string())]
    );
}

#[tokio::test]
async fn a_read_only_token_reads_but_every_write_is_refused_naming_the_scope() {
    let app = TestApp::new().await;
    let (_, case) = app.client_and_case(&app.ann.1).await;
    let made = make(
        &app,
        &app.ann.1,
        json!({"name": "dashboard", "scopes": ["read"]}),
    )
    .await;
    assert_eq!(made.body["scopes"], json!(["read"]));
    let read_only = made.body["secret"].as_str().unwrap().to_owned();
    assert_eq!(
        app.get(&format!("/api/v1/cases/{case}"), &read_only)
            .await
            .status,
        StatusCode::OK
    );
    assert_eq!(
        app.get("/api/v1/caseload", &read_only).await.status,
        StatusCode::OK
    );
    let before = app.count("notes").await;
    let r = app.note(&read_only, &case, 5, "Should not be stored").await;
    r.assert_problem(403);
    assert!(
        r.body["detail"].as_str().unwrap().contains("`write` scope"),
        "{}",
        r.body
    );
    assert_eq!(app.count("notes").await, before);
    // Every method but GET needs `write`, on every route.
    let doc = app.get("/api/v1/openapi.json", &app.ann.1).await.body;
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            let Some(scopes) = op["security"][0]["bearer"].as_array() else {
                continue;
            };
            let expected = if method == "get" { "read" } else { "write" };
            assert_eq!(scopes, &vec![json!(expected)], "{method} {path}");
            if method == "get" {
                continue;
            }
            let path = path.replace(['{', '}'], "x");
            let m = Method::from_bytes(method.to_uppercase().as_bytes()).unwrap();
            let r = app.call(m, &path, Some(&read_only), None).await;
            assert_eq!(
                r.status,
                StatusCode::FORBIDDEN,
                "{method} {path}: {}",
                r.body
            );
        }
    }
    // Nor can it make itself a token with more.
    make(
        &app,
        &read_only,
        json!({"name": "sneaky", "scopes": ["read", "write"]}),
    )
    .await
    .assert_problem(403);
    // A token stored with only `write` may write but not read.
    let write_only = caseload_web::auth::new_token().unwrap();
    app.store
        .create_api_token(&caseload_store::NewApiToken {
            user_id: app.ann.0.id.clone(),
            name: "writer".into(),
            token_hash: caseload_web::auth::token_hash(&write_only),
            scopes: TokenScopes::new([caseload_domain::tokens::TokenScope::Write]).unwrap(),
            created_at: app.clock_now(),
            expires_at: app
                .clock_now()
                .checked_add(jiff::SignedDuration::from_hours(1))
                .unwrap(),
        })
        .await
        .unwrap();
    app.get("/api/v1/me", &write_only).await.assert_problem(403);
    assert_eq!(
        app.note(&write_only, &case, 5, "Written").await.status,
        StatusCode::CREATED
    );
}
