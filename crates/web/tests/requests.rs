//! Requests as a whole: the tracing span that wraps each one, and the
//! reference a server error quotes, which is the request's id.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use std::sync::{Arc, Mutex};

use axum::body::Body;
use axum::http::{Method, Request, StatusCode};
use caseload_store::prelude::*;
use support::TestApp;

/// Log output, kept to read back.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Captured {
    fn text(&self) -> String {
        String::from_utf8(self.0.lock().unwrap().clone()).unwrap()
    }
}

impl std::io::Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl<'a> tracing_subscriber::fmt::MakeWriter<'a> for Captured {
    type Writer = Captured;
    fn make_writer(&'a self) -> Self::Writer {
        self.clone()
    }
}

/// Logs of everything this (single-threaded) test runs, until dropped.
fn capture_logs() -> (Captured, tracing::subscriber::DefaultGuard) {
    let logs = Captured::default();
    let subscriber = tracing_subscriber::fmt()
        .with_writer(logs.clone())
        .with_ansi(false)
        .finish();
    (logs, tracing::subscriber::set_default(subscriber))
}

/// A sign-in form post from our own pages with this body.
fn sign_in_request(body: &'static str) -> Request<Body> {
    Request::builder()
        .method(Method::POST)
        .uri("/sign-in")
        .header("content-type", "application/x-www-form-urlencoded")
        .header("host", "caseload.test")
        .header("sec-fetch-site", "same-origin")
        .header("origin", "http://caseload.test")
        .body(Body::from(body))
        .unwrap()
}

#[tokio::test]
async fn a_server_error_quotes_its_request_id_and_the_log_line_for_it_names_the_same_id() {
    let (logs, _guard) = capture_logs();
    let app = TestApp::new().await;
    // Break the database under the server: the clients table disappears.
    sqlx::query("ALTER TABLE clients RENAME TO clients_gone")
        .execute(app.store.pool())
        .await
        .unwrap();
    let r = app.get("/api/v1/clients", &app.ann.1).await;
    r.assert_problem(500);
    let id = r.headers["x-request-id"].to_str().unwrap().to_owned();
    assert_eq!(r.body["reference"], id.as_str());
    assert!(
        !r.body["detail"].as_str().unwrap().contains("clients"),
        "the cause is logged, never shown: {}",
        r.body
    );
    let log = logs.text();
    let line = log
        .lines()
        .find(|l| l.contains("internal error"))
        .unwrap_or_else(|| panic!("no log line for the error in:\n{log}"));
    assert!(
        line.contains(&format!(
            "request{{id={id} method=GET route=/api/v1/clients}}"
        )),
        "the request span, with its id, method and route: {line}"
    );
    assert!(
        line.contains(&format!("reference=\"{id}\"")) || line.contains(&format!("reference={id}")),
        "{line}"
    );
    assert!(line.contains("clients"), "the cause is in the log: {line}");
    assert_eq!(errors_naming(&log, &id), 1, "logged once: {log}");
}

#[tokio::test]
async fn a_server_error_page_quotes_the_request_id_as_its_reference() {
    let (logs, _guard) = capture_logs();
    let app = TestApp::new().await;
    sqlx::query("ALTER TABLE users RENAME TO users_gone")
        .execute(app.store.pool())
        .await
        .unwrap();
    let r = app
        .raw(sign_in_request(
            "email=ann%40example.org&password=plum+kettle+orbit&next=",
        ))
        .await;
    assert_eq!(r.status, StatusCode::INTERNAL_SERVER_ERROR);
    let id = r.headers["x-request-id"].to_str().unwrap().to_owned();
    let html = r.body.as_str().unwrap();
    assert!(
        html.contains(&format!("Reference: <code>{id}</code>")),
        "{html}"
    );
    let log = logs.text();
    assert!(
        log.lines().any(|l| l.contains("internal error")
            && l.contains(&format!("id={id} method=POST route=/sign-in"))),
        "{log}"
    );
    assert_eq!(errors_naming(&log, &id), 1, "logged once: {log}");
}

/// The error-level log lines that name `id`.
fn errors_naming(log: &str, id: &str) -> usize {
    log.lines()
        .filter(|l| l.contains("ERROR") && l.contains(id))
        .count()
}

#[tokio::test]
async fn a_server_error_nobody_explained_is_still_logged_with_its_reference() {
    use axum::routing::get;
    use tower::ServiceExt;
    let (logs, _guard) = capture_logs();
    let app = axum::Router::new()
        .route("/", get(|| async { StatusCode::BAD_GATEWAY }))
        .route("/fine", get(|| async { StatusCode::NOT_FOUND }))
        .layer(axum::middleware::from_fn(caseload_web::request_id::assign));
    let r = app
        .clone()
        .oneshot(Request::get("/").body(Body::empty()).unwrap())
        .await
        .unwrap();
    let id = r.headers()["x-request-id"].to_str().unwrap().to_owned();
    let log = logs.text();
    assert_eq!(errors_naming(&log, &id), 1, "{log}");
    assert!(log.contains("status=502"), "{log}");
    let r = app
        .oneshot(Request::get("/fine").body(Body::empty()).unwrap())
        .await
        .unwrap();
    let id = r.headers()["x-request-id"].to_str().unwrap().to_owned();
    assert_eq!(
        errors_naming(&logs.text(), &id),
        0,
        "a 4xx is no server error"
    );
}

#[tokio::test]
async fn an_unknown_policy_on_the_assessment_page_is_the_askers_mistake() {
    let (logs, _guard) = capture_logs();
    let app = TestApp::new().await;
    let (_, case) = app.client_and_case(&app.ann.1).await;
    app.store
        .set_password(
            &app.ann.0.id,
            &caseload_web::passwords::hash("plum kettle orbit").unwrap(),
        )
        .await
        .unwrap();
    let signed_in = app
        .raw(sign_in_request(
            "email=ann%40example.org&password=plum+kettle+orbit&next=",
        ))
        .await;
    let cookie = signed_in.headers["set-cookie"]
        .to_str()
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_owned();
    let r = app
        .raw(
            Request::get(format!(
                "/cases/{case}/priority/assess?policy=no-such-policy"
            ))
            .header("cookie", cookie)
            .body(Body::empty())
            .unwrap(),
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    let html = r.body.as_str().unwrap();
    assert!(html.contains("no-such-policy"), "{html}");
    assert!(!logs.text().contains("ERROR"), "{}", logs.text());
}
