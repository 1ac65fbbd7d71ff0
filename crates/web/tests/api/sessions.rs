//! Who may call the API: the health check needs no token, everything else a
//! valid bearer token.

use axum::body::Body;
use axum::http::{Method, Request, StatusCode};
use serde_json::json;

use crate::support::TestApp;

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
async fn the_bearer_scheme_is_matched_in_any_case() {
    let app = TestApp::new().await;
    for scheme in ["Bearer", "bearer", "BEARER", "bEaReR"] {
        let r = app
            .raw(
                Request::builder()
                    .uri("/api/v1/me")
                    .header("authorization", format!("{scheme} {}", app.ann.1))
                    .body(Body::empty())
                    .unwrap(),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{scheme}");
        assert_eq!(r.body["email"], "ann@example.org");
    }
    for refused in [
        format!("Bearer{}", app.ann.1),
        format!("Bearerx {}", app.ann.1),
        "bearer ".to_owned(),
    ] {
        let r = app
            .raw(
                Request::builder()
                    .uri("/api/v1/me")
                    .header("authorization", refused.as_str())
                    .body(Body::empty())
                    .unwrap(),
            )
            .await;
        r.assert_problem(401);
    }
}
