//! What an operator's load balancer and scraper ask: liveness
//! (`/api/v1/health`), readiness (`/api/v1/ready`) and `/metrics`.

use std::sync::Arc;

use axum::body::Body;
use axum::http::{Method, Request, StatusCode};
use caseload_sqlite::SqliteStore;
use caseload_web::{AppState, Secret, Settings};
use serde_json::json;

use crate::support::{Resp, TestApp};

const TOKEN: &str = "a-scrapers-token-0123456789";

#[tokio::test]
async fn ready_needs_no_token_and_says_the_database_reads_and_writes() {
    let app = TestApp::new().await;
    let r = app.call(Method::GET, "/api/v1/ready", None, None).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(
        r.body,
        json!({"status": "ready", "read": "ok", "write": "ok"})
    );
}

/// Point the application at the same file opened read-only, as the
/// storage tests do.
async fn read_only(app: &mut TestApp) {
    let store = SqliteStore::connect(&format!("sqlite:{}?mode=ro", app.db_path.display()))
        .await
        .unwrap();
    app.router = caseload_web::router(AppState::new(
        Arc::new(store),
        app.clock.clone(),
        Settings::default(),
    ));
}

#[tokio::test]
async fn a_read_only_database_is_not_ready_naming_the_write_while_health_stays_ok() {
    let mut app = TestApp::new().await;
    read_only(&mut app).await;

    let r = app.call(Method::GET, "/api/v1/ready", None, None).await;
    r.assert_problem(503);
    assert_eq!(r.body["type"], "urn:caseload:problem:not-ready");
    assert_eq!(r.body["read"], "ok");
    assert_eq!(r.body["write"], "read-only");
    let detail = r.body["detail"].as_str().unwrap();
    assert!(detail.contains("can be read but not written"), "{detail}");
    // Only ok or the kind of outage: no SQL, no file name, no driver text.
    let text = r.body.to_string();
    for leak in ["readiness", "UPDATE", "sqlite", ".db", "attempt to write"] {
        assert!(!text.contains(leak), "{leak} leaked: {text}");
    }
    assert!(r.body["reference"].is_string());

    // Liveness is the process, not the database: a load balancer keeps it.
    let health = app.call(Method::GET, "/api/v1/health", None, None).await;
    assert_eq!(health.status, StatusCode::OK, "{}", health.body);
    assert_eq!(health.body, json!({"status": "ok", "database": "sqlite"}));
}

#[tokio::test]
async fn a_closed_writer_is_not_ready_naming_the_write_as_unreachable() {
    let app = TestApp::new().await;
    app.store.pool().close().await;
    let r = app.call(Method::GET, "/api/v1/ready", None, None).await;
    r.assert_problem(503);
    assert_eq!(r.body["read"], "ok");
    assert_eq!(r.body["write"], "unreachable");
}

async fn scrape(app: &TestApp, authorization: Option<&str>) -> Resp {
    let mut req = Request::get("/metrics");
    if let Some(a) = authorization {
        req = req.header("authorization", a);
    }
    app.raw(req.body(Body::empty()).unwrap()).await
}

async fn with_metrics_token() -> TestApp {
    TestApp::new_with(Settings {
        metrics_token: Some(Secret::new(TOKEN)),
        ..Settings::default()
    })
    .await
}

#[tokio::test]
async fn metrics_are_not_served_unless_a_token_is_configured() {
    let app = TestApp::new().await;
    let none = scrape(&app, None).await;
    assert_eq!(none.status, StatusCode::NOT_FOUND);
    let guessed = scrape(&app, Some(&format!("Bearer {TOKEN}"))).await;
    assert_eq!(guessed.status, StatusCode::NOT_FOUND);
    // Nor is it part of the API or its document.
    let doc = app
        .call(Method::GET, "/api/v1/openapi.json", None, None)
        .await;
    assert!(!doc.body.to_string().contains("/metrics"));
}

#[tokio::test]
async fn metrics_need_the_configured_token() {
    let app = with_metrics_token().await;
    let none = scrape(&app, None).await;
    assert_eq!(none.status, StatusCode::UNAUTHORIZED);
    assert_eq!(none.headers.get("www-authenticate").unwrap(), "Bearer");
    for wrong in [
        "Bearer a-scrapers-token-012345678",
        "Bearer a-scrapers-token-0123456789x",
        "Basic YTpi",
        &format!("Bearer {}", app.ann.1),
    ] {
        assert_eq!(
            scrape(&app, Some(wrong)).await.status,
            StatusCode::UNAUTHORIZED,
            "{wrong}"
        );
    }
    let right = scrape(&app, Some(&format!("bearer {TOKEN}"))).await;
    assert_eq!(right.status, StatusCode::OK, "{}", right.body);
    assert_eq!(
        right.content_type(),
        "text/plain; version=0.0.4; charset=utf-8"
    );
}

/// One sample line: name, labels, value.
type Sample = (String, Vec<(String, String)>, f64);

/// The text exposition format, line by line: `# HELP`, `# TYPE` or a
/// sample; anything else fails the test.
fn parse(text: &str) -> Vec<Sample> {
    fn name_ok(n: &str) -> bool {
        !n.is_empty()
            && n.chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == ':')
            && !n.starts_with(|c: char| c.is_ascii_digit())
    }
    let mut samples = Vec::new();
    let mut typed = std::collections::BTreeSet::new();
    for line in text.lines() {
        if let Some(rest) = line.strip_prefix("# HELP ") {
            let (name, help) = rest.split_once(' ').unwrap();
            assert!(name_ok(name) && !help.is_empty(), "{line}");
            continue;
        }
        if let Some(rest) = line.strip_prefix("# TYPE ") {
            let (name, kind) = rest.split_once(' ').unwrap();
            assert!(name_ok(name), "{line}");
            assert!(["counter", "gauge", "histogram"].contains(&kind), "{line}");
            assert!(typed.insert(name.to_owned()), "typed twice: {line}");
            continue;
        }
        let (series, value) = line.rsplit_once(' ').expect(line);
        let value: f64 = match value {
            "+Inf" => f64::INFINITY,
            v => v.parse().unwrap_or_else(|_| panic!("bad value: {line}")),
        };
        let (name, labels) = match series.split_once('{') {
            None => (series, Vec::new()),
            Some((name, rest)) => {
                let body = rest.strip_suffix('}').expect(line);
                let labels = body
                    .split("\",")
                    .map(|pair| {
                        let (k, v) = pair.split_once("=\"").expect(line);
                        assert!(name_ok(k), "{line}");
                        (k.to_owned(), v.trim_end_matches('"').to_owned())
                    })
                    .collect();
                (name, labels)
            }
        };
        assert!(name_ok(name), "{line}");
        let family = ["_bucket", "_sum", "_count"]
            .iter()
            .find_map(|s| name.strip_suffix(s).filter(|f| typed.contains(*f)))
            .unwrap_or(name);
        assert!(typed.contains(family), "a sample before its TYPE: {line}");
        samples.push((name.to_owned(), labels, value));
    }
    samples
}

fn value(samples: &[Sample], name: &str, labels: &[(&str, &str)]) -> Option<f64> {
    samples
        .iter()
        .find(|(n, l, _)| {
            n == name
                && l.len() == labels.len()
                && labels
                    .iter()
                    .all(|(k, v)| l.iter().any(|(lk, lv)| lk == k && lv == v))
        })
        .map(|(_, _, v)| *v)
}

async fn metrics(app: &TestApp) -> Vec<Sample> {
    let r = scrape(app, Some(&format!("Bearer {TOKEN}"))).await;
    assert_eq!(r.status, StatusCode::OK);
    parse(r.body.as_str().unwrap())
}

#[tokio::test]
async fn requests_are_counted_and_timed_by_route_template_method_and_status() {
    let app = with_metrics_token().await;
    let ann = app.ann.1.clone();
    let (_, case) = app.client_and_case(&ann).await;
    let queue = [
        ("route", "/api/v1/caseload"),
        ("method", "GET"),
        ("status", "200"),
    ];
    let before = value(&metrics(&app).await, "caseload_http_requests_total", &queue);
    assert_eq!(
        app.get("/api/v1/caseload", &ann).await.status,
        StatusCode::OK
    );
    let once = metrics(&app).await;
    assert_eq!(
        value(&once, "caseload_http_requests_total", &queue),
        Some(before.unwrap_or(0.0) + 1.0)
    );
    assert_eq!(
        app.get("/api/v1/caseload", &ann).await.status,
        StatusCode::OK
    );
    let twice = metrics(&app).await;
    assert_eq!(
        value(&twice, "caseload_http_requests_total", &queue),
        Some(before.unwrap_or(0.0) + 2.0)
    );
    let route = [("route", "/api/v1/caseload")];
    let count = value(
        &twice,
        "caseload_http_request_duration_seconds_count",
        &route,
    )
    .unwrap();
    assert_eq!(
        value(
            &twice,
            "caseload_http_request_duration_seconds_bucket",
            &[("route", "/api/v1/caseload"), ("le", "+Inf")]
        ),
        Some(count)
    );
    assert!(value(&twice, "caseload_http_request_duration_seconds_sum", &route).unwrap() > 0.0);

    // A path with an id is counted under its template, never its address;
    // an address no route matches, as `unmatched`.
    app.get(&format!("/api/v1/cases/{case}"), &ann).await;
    app.get("/api/v1/no-such-thing/123", &ann).await;
    let r = scrape(&app, Some(&format!("Bearer {TOKEN}"))).await;
    let text = r.body.as_str().unwrap();
    assert!(!text.contains(&case), "a raw address became a label");
    assert!(
        !text.contains("no-such-thing"),
        "a raw address became a label"
    );
    let samples = parse(text);
    assert_eq!(
        value(
            &samples,
            "caseload_http_requests_total",
            &[
                ("route", "/api/v1/cases/{id}"),
                ("method", "GET"),
                ("status", "200")
            ]
        ),
        Some(1.0)
    );
    assert_eq!(
        value(
            &samples,
            "caseload_http_requests_total",
            &[("route", "unmatched"), ("method", "GET"), ("status", "404")]
        ),
        Some(1.0)
    );
}

#[tokio::test]
async fn pools_and_reevaluation_runs_are_reported() {
    let app = with_metrics_token().await;
    let samples = metrics(&app).await;
    for pool in ["writer", "reader"] {
        for state in ["idle", "in_use"] {
            assert!(
                value(
                    &samples,
                    "caseload_db_pool_connections",
                    &[("pool", pool), ("state", state)]
                )
                .is_some(),
                "{pool} {state}"
            );
        }
    }
    assert_eq!(
        value(
            &samples,
            "caseload_db_pool_max_connections",
            &[("pool", "writer")]
        ),
        Some(1.0)
    );
    let runs = [("outcome", "ok")];
    assert_eq!(
        value(&samples, "caseload_reevaluation_runs_total", &runs),
        Some(0.0)
    );

    caseload_web::reevaluation::everything(&app.state)
        .await
        .unwrap();
    let samples = metrics(&app).await;
    assert_eq!(
        value(&samples, "caseload_reevaluation_runs_total", &runs),
        Some(1.0)
    );
    assert!(value(&samples, "caseload_reevaluation_duration_seconds", &[]).unwrap() > 0.0);
}
