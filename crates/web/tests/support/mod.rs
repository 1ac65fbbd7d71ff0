//! A test application: the real router over a fresh SQLite file, a clock
//! that only moves when told, and a few users with API tokens.

#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

pub mod contract;
pub mod fuzz;

use std::sync::Arc;

use axum::body::Body;
use axum::http::{HeaderMap, Method, Request, StatusCode};
use caseload_domain::ManualClock;
use caseload_domain::text::Email;
use caseload_domain::users::Role;
use caseload_sqlite::SqliteStore;
use caseload_store::prelude::*;
use caseload_store::{NewUser, Team, User};
use caseload_web::{AppState, Settings};
use http_body_util::BodyExt;
use jiff::{SignedDuration, Timestamp};
use serde_json::{Value, json};
use tower::ServiceExt;

pub struct TestApp {
    pub router: axum::Router,
    pub state: AppState,
    pub store: Arc<SqliteStore>,
    /// The database file.
    pub db_path: std::path::PathBuf,
    pub clock: Arc<ManualClock>,
    pub north: Team,
    pub south: Team,
    /// Practitioner in North.
    pub ann: (User, String),
    /// Practitioner in North.
    pub bob: (User, String),
    /// Supervisor of North.
    pub sue: (User, String),
    /// Practitioner in South.
    pub cat: (User, String),
    /// Administrator.
    pub ada: (User, String),
}

pub struct Resp {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Value,
}

impl Resp {
    pub fn content_type(&self) -> &str {
        self.headers
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
    }
    pub fn id(&self) -> String {
        self.body["id"].as_str().expect("an id").to_owned()
    }
    /// An error answer: problem+json with status, type and a detail.
    pub fn assert_problem(&self, status: u16) -> &Self {
        assert_eq!(self.status.as_u16(), status, "{}", self.body);
        assert_eq!(
            self.content_type(),
            "application/problem+json",
            "{}",
            self.body
        );
        assert_eq!(self.body["status"], status);
        assert!(
            self.body["type"]
                .as_str()
                .unwrap()
                .starts_with("urn:caseload:problem:")
        );
        assert!(!self.body["detail"].as_str().unwrap().is_empty());
        self
    }
    pub fn field_error(&self, field: &str) -> Option<String> {
        self.body["errors"]
            .as_array()?
            .iter()
            .find(|e| e["field"] == field)
            .map(|e| e["message"].as_str().unwrap().to_owned())
    }
}

static COUNTER: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);

pub fn start_time() -> Timestamp {
    "2026-03-02T09:00:00Z".parse().unwrap()
}

impl TestApp {
    pub async fn new() -> TestApp {
        TestApp::new_with(Settings {
            body_limit: 64 * 1024,
            ..Settings::default()
        })
        .await
    }

    pub async fn new_with(settings: Settings) -> TestApp {
        let dir = std::env::temp_dir().join(format!("caseload-web-tests-{}", std::process::id()));
        TestApp::new_in(&dir, settings).await
    }

    /// A test application whose database file is in `dir`.
    pub async fn new_in(dir: &std::path::Path, settings: Settings) -> TestApp {
        std::fs::create_dir_all(dir).unwrap();
        let n = COUNTER.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        let path = dir.join(format!("t{n}.db"));
        for suffix in ["", "-wal", "-shm", "-audit"] {
            let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
        }
        let store = Arc::new(
            SqliteStore::connect(&format!("sqlite:{}", path.display()))
                .await
                .unwrap(),
        );
        store.migrate().await.unwrap();
        caseload_web::api::priority::ensure_default_policies(store.as_ref(), start_time())
            .await
            .unwrap();
        caseload_web::timescales::ensure_default(store.as_ref(), start_time())
            .await
            .unwrap();
        let clock = Arc::new(ManualClock::new(start_time()));
        let state = AppState::new(store.clone(), clock.clone(), settings);
        let router = caseload_web::router(state.clone());
        let north = store.create_team("North", start_time()).await.unwrap();
        let south = store.create_team("South", start_time()).await.unwrap();
        let mk = |email: &'static str, name: &'static str, role: Role, team: Option<&Team>| {
            let store = store.clone();
            let team_id = team.map(|t| t.id.clone());
            async move {
                let user = store
                    .create_user(
                        &NewUser {
                            email: Email::parse("e", email).unwrap(),
                            name: name.into(),
                            role,
                            team_id,
                        },
                        start_time(),
                    )
                    .await
                    .unwrap();
                let token = caseload_web::auth::new_token().unwrap();
                // Long-lived: tests move the clock on by months.
                store
                    .create_api_token(&caseload_store::NewApiToken {
                        user_id: user.id.clone(),
                        name: "test".into(),
                        token_hash: caseload_web::auth::token_hash(&token),
                        scopes: caseload_domain::tokens::TokenScopes::all(),
                        created_at: start_time(),
                        expires_at: start_time()
                            .checked_add(jiff::SignedDuration::from_hours(24 * 3650))
                            .unwrap(),
                    })
                    .await
                    .unwrap();
                (user, token)
            }
        };
        let ann = mk(
            "ann@example.org",
            "Ann Adviser",
            Role::Practitioner,
            Some(&north),
        )
        .await;
        let bob = mk(
            "bob@example.org",
            "Bob Adviser",
            Role::Practitioner,
            Some(&north),
        )
        .await;
        let sue = mk(
            "sue@example.org",
            "Sue Supervisor",
            Role::Supervisor,
            Some(&north),
        )
        .await;
        let cat = mk(
            "cat@example.org",
            "Cat Adviser",
            Role::Practitioner,
            Some(&south),
        )
        .await;
        let ada = mk("ada@example.org", "Ada Admin", Role::Admin, None).await;
        TestApp {
            router,
            state,
            store,
            db_path: path,
            clock,
            north,
            south,
            ann,
            bob,
            sue,
            cat,
            ada,
        }
    }

    /// Send a request; an answer under `/api/` is checked against the
    /// API's document (`contract`).
    pub async fn raw(&self, request: Request<Body>) -> Resp {
        let method = request.method().clone();
        let uri = request.uri().to_string();
        let resp = self.unchecked(request).await;
        if uri.starts_with("/api/") {
            if contract::document().is_none() {
                let document = self
                    .unchecked(
                        Request::get("/api/v1/openapi.json")
                            .body(Body::empty())
                            .unwrap(),
                    )
                    .await;
                assert_eq!(document.status, StatusCode::OK);
                contract::set_document(document.body);
            }
            contract::check(&method, &uri, resp.status, resp.content_type(), &resp.body);
        }
        resp
    }

    /// Send a request and take the answer as it comes.
    pub async fn unchecked(&self, request: Request<Body>) -> Resp {
        let response = self.router.clone().oneshot(request).await.unwrap();
        let status = response.status();
        let headers = response.headers().clone();
        let bytes = response.into_body().collect().await.unwrap().to_bytes();
        let body = if bytes.is_empty() {
            Value::Null
        } else {
            serde_json::from_slice(&bytes)
                .unwrap_or_else(|_| Value::String(String::from_utf8_lossy(&bytes).into_owned()))
        };
        Resp {
            status,
            headers,
            body,
        }
    }

    pub async fn call(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
        body: Option<Value>,
    ) -> Resp {
        let mut req = Request::builder().method(method).uri(path);
        if let Some(t) = token {
            req = req.header("authorization", format!("Bearer {t}"));
        }
        let req = match body {
            Some(b) => req
                .header("content-type", "application/json")
                .body(Body::from(b.to_string()))
                .unwrap(),
            None => req.body(Body::empty()).unwrap(),
        };
        self.raw(req).await
    }

    pub async fn get(&self, path: &str, token: &str) -> Resp {
        self.call(Method::GET, path, Some(token), None).await
    }

    pub async fn post(&self, path: &str, token: &str, body: Value) -> Resp {
        self.call(Method::POST, path, Some(token), Some(body)).await
    }

    pub fn advance(&self, minutes: i64) {
        self.clock.advance(SignedDuration::from_mins(minutes));
    }

    /// A client and an open case owned by `who`.
    pub async fn client_and_case(&self, who: &str) -> (String, String) {
        let client = self
            .post("/api/v1/clients", who, json!({"name": "Dana Client"}))
            .await;
        assert_eq!(client.status, StatusCode::CREATED, "{}", client.body);
        let case = self
            .post(
                "/api/v1/cases",
                who,
                json!({"client_id": client.id(), "title": "Rent arrears", "service_area": "housing"}),
            )
            .await;
        assert_eq!(case.status, StatusCode::CREATED, "{}", case.body);
        (client.id(), case.id())
    }

    /// A note on a case about a contact `minutes_ago` before now.
    pub async fn note(&self, who: &str, case: &str, minutes_ago: i64, text: &str) -> Resp {
        let at = self
            .clock_now()
            .checked_sub(SignedDuration::from_mins(minutes_ago))
            .unwrap();
        self.post(
            &format!("/api/v1/cases/{case}/notes"),
            who,
            json!({"kind": "phone", "occurred_at": at.to_string(), "sections": {"situation": text}}),
        )
        .await
    }

    pub fn clock_now(&self) -> Timestamp {
        use caseload_domain::Clock;
        self.clock.now()
    }

    /// Rows in a table, to show that a refused request stored nothing.
    pub async fn count(&self, table: &str) -> i64 {
        // Read audit events wait in the journal until moved.
        self.store.move_journal().await.unwrap();
        sqlx::query_scalar(&format!("SELECT COUNT(*) FROM {table}"))
            .fetch_one(self.store.pool())
            .await
            .unwrap()
    }

    /// Alerts about a case, as re-evaluation sends them, a minute apart:
    /// (clock, state, whether the team's supervisors hear too).
    pub async fn alerts_about(&self, case: &str, alerts: &[(&str, &str, bool)]) {
        for (clock, state, supervisors) in alerts {
            self.advance(1);
            let alert = caseload_store::NewAlert {
                case_id: caseload_domain::ids::CaseId::parse(case).unwrap(),
                clock: (*clock).to_owned(),
                state: (*state).to_owned(),
                due: "2026-03-04".parse().unwrap(),
                message: format!("{clock} {state}"),
                supervisors: *supervisors,
            };
            let ctx = caseload_store::WriteCtx {
                actor: self.ada.0.id.clone(),
                at: self.clock_now(),
                request_id: "test".into(),
            };
            assert_eq!(self.store.record_alerts(&[alert], &ctx).await.unwrap(), 1);
        }
    }

    /// Each query string on `path` is refused with a 422 naming its field.
    pub async fn assert_bad_queries(&self, path: &str, token: &str, cases: &[(&str, &str)]) {
        for (query, field) in cases {
            let r = self.get(&format!("{path}?{query}"), token).await;
            r.assert_problem(422);
            assert!(r.field_error(field).is_some(), "{query}: {}", r.body);
        }
    }

    /// Cases for `who`, one a band (`""` for none, the rest set by
    /// override), the first also with a task overdue since 20 Feb 2026.
    pub async fn cases_with_bands(&self, who: &str, bands: &[&str]) -> Vec<String> {
        let mut cases = Vec::new();
        for band in bands {
            let (_, case) = self.client_and_case(who).await;
            if !band.is_empty() {
                let r = self
                    .post(
                        &format!("/api/v1/cases/{case}/priority-override"),
                        who,
                        json!({"band": band, "rationale": "Set for the test"}),
                    )
                    .await;
                assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
            }
            cases.push(case);
        }
        if let Some(first) = cases.first() {
            self.post(
                &format!("/api/v1/cases/{first}/tasks"),
                who,
                json!({"title": "Chase landlord", "due_date": "2026-02-20"}),
            )
            .await;
        }
        cases
    }

    /// The case ids of `who`'s queue, in the API's order.
    pub async fn queue_order(&self, who: &str) -> Vec<String> {
        let api = self.get("/api/v1/caseload", who).await;
        api.body
            .as_array()
            .unwrap_or_else(|| panic!("{}", api.body))
            .iter()
            .map(|r| r["case"]["id"].as_str().unwrap().to_owned())
            .collect()
    }

    /// A second case ("PIP appeal", benefits) for a client of `who`'s.
    pub async fn pip_appeal(&self, who: &str, client: &str) -> String {
        self.post(
            "/api/v1/cases",
            who,
            json!({"client_id": client, "title": "PIP appeal", "service_area": "benefits"}),
        )
        .await
        .id()
    }
}
