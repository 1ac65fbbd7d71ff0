//! The access matrix (issue 15 point 6): every operation the served API
//! document lists is called as every kind of caller, and each answer is
//! checked against one table of expectations. An operation the table has no
//! row for fails the test, so a new route cannot go unchecked.
//!
//! The matrix checks ACCESS, not behaviour, so answers fall into classes:
//! - `A` allowed: 2xx;
//! - `V` past access control but refused for its content: 400, 409 or 422
//!   (the body, a referenced record, or the record's state was refused);
//! - `H` hidden: 404, as if the record did not exist;
//! - `F` forbidden: 403 (the role or the token's scope may not);
//! - `U` unauthenticated: 401;
//! - `M` method not allowed: 405 (the document lists it to say so).
//!
//! Each operation gets a fresh application, with Ann's client, case, note,
//! task, outcome, obstacle and notification made in it; within an operation
//! the callers expected to be refused go first, so a write that changes
//! state (a status, a resolved obstacle) cannot hide a refusal.

use std::collections::BTreeMap;

use axum::http::Method;
use caseload_domain::text::Email;
use caseload_domain::tokens::TokenScopes;
use caseload_domain::users::Role;
use caseload_store::NewUser;
use caseload_store::prelude::*;
use jiff::SignedDuration;
use serde_json::{Value, json};

use crate::support::{TestApp, start_time};

/// The callers, in the order they are called (and the columns of `TABLE`).
const CALLERS: [&str; 10] = [
    "no-token",   // no Authorization header
    "revoked",    // Ann's token, revoked
    "expired",    // Ann's token, past its expiry
    "other",      // Cat: practitioner in another team
    "admin",      // Ada
    "auditor",    // Aud
    "readonly",   // Ann's token scoped to `read`
    "colleague",  // Bob: practitioner in Ann's team
    "supervisor", // Sue: supervisor of Ann's team
    "owner",      // Ann: the practitioner who owns the case
];

/// One row per served operation ("METHOD path" as documented): the class
/// expected for each caller, in the order of `CALLERS`:
/// no-token, revoked, expired, other, admin, auditor, readonly, colleague,
/// supervisor, owner.
const TABLE: &[(&str, &str)] = &[
    // Public: the document and liveness.
    ("GET /api/v1/health", "AAAAAAAAAA"),
    // Readiness, like liveness, is for a load balancer: no token.
    ("GET /api/v1/ready", "AAAAAAAAAA"),
    ("GET /api/v1/openapi.json", "AAAAAAAAAA"),
    // Anyone signed in.
    ("GET /api/v1/me", "UUUAAAAAAA"),
    ("GET /api/v1/tokens", "UUUAAAAAAA"),
    ("POST /api/v1/tokens", "UUUAAAFAAA"),
    ("DELETE /api/v1/tokens/{id}", "UUUHAHFHHA"),
    ("GET /api/v1/notifications", "UUUAAAAAAA"),
    ("POST /api/v1/notifications/acknowledge", "UUUAAAFAAA"),
    ("POST /api/v1/notifications/{id}/acknowledge", "UUUHHHFHHA"),
    ("GET /api/v1/deadline-rules", "UUUAAAAAAA"),
    ("POST /api/v1/deadlines/calculate", "UUUAAAFAAA"),
    ("GET /api/v1/policies", "UUUAAAAAAA"),
    ("GET /api/v1/policies/{id}", "UUUAAAAAAA"),
    ("GET /api/v1/timescales", "UUUAAAAAAA"),
    // Administrators only.
    ("POST /api/v1/policies", "UUUFVFFFFF"),
    ("POST /api/v1/timescales", "UUUFVFFFFF"),
    // Case work: practitioners and supervisors.
    ("GET /api/v1/caseload", "UUUAFFAAAA"),
    ("GET /api/v1/cases", "UUUAFFAAAA"),
    // The body names Ann's client: another team is told it has no such client.
    ("POST /api/v1/cases", "UUUVFFFAAA"),
    ("GET /api/v1/clients", "UUUAFFAAAA"),
    ("POST /api/v1/clients", "UUUAFFFAAA"),
    // Ann's client and case: her team sees them, others as if absent.
    ("GET /api/v1/clients/{id}", "UUUHFFAAAA"),
    ("PATCH /api/v1/clients/{id}", "UUUHFFFAAA"),
    ("GET /api/v1/clients/{id}/history", "UUUHFFAAAA"),
    ("GET /api/v1/cases/{id}", "UUUHHHAAAA"),
    ("POST /api/v1/cases/{id}/status", "UUUHHHFAAA"),
    ("GET /api/v1/cases/{id}/timeline", "UUUHHHAAAA"),
    ("GET /api/v1/cases/{id}/notes", "UUUHHHAAAA"),
    ("POST /api/v1/cases/{id}/notes", "UUUHHHFAAA"),
    ("GET /api/v1/notes/{id}", "UUUHHHAAAA"),
    ("PUT /api/v1/notes/{id}", "UUUMMMFMMM"),
    ("PATCH /api/v1/notes/{id}", "UUUMMMFMMM"),
    ("DELETE /api/v1/notes/{id}", "UUUMMMFMMM"),
    ("POST /api/v1/notes/{id}/amendments", "UUUHHHFFAA"),
    ("GET /api/v1/cases/{id}/outcomes", "UUUHHHAAAA"),
    ("POST /api/v1/cases/{id}/outcomes", "UUUHHHFAAA"),
    (
        "POST /api/v1/cases/{id}/outcomes/{outcome_id}/progress",
        "UUUHHHFAAA",
    ),
    ("GET /api/v1/cases/{id}/obstacles", "UUUHHHAAAA"),
    ("POST /api/v1/cases/{id}/obstacles", "UUUHHHFAAA"),
    (
        "POST /api/v1/cases/{id}/obstacles/{obstacle_id}/resolve",
        "UUUHHHFAAA",
    ),
    ("GET /api/v1/cases/{id}/tasks", "UUUHHHAAAA"),
    ("POST /api/v1/cases/{id}/tasks", "UUUHHHFAAA"),
    (
        "POST /api/v1/cases/{id}/tasks/{task_id}/status",
        "UUUHHHFAAA",
    ),
    ("GET /api/v1/cases/{id}/deadlines", "UUUHHHAAAA"),
    ("POST /api/v1/cases/{id}/deadlines", "UUUHHHFAAA"),
    ("POST /api/v1/cases/{id}/assessments", "UUUHHHFAAA"),
    ("POST /api/v1/cases/{id}/priority-override", "UUUHHHFAAA"),
    ("GET /api/v1/cases/{id}/priority-history", "UUUHHHAAAA"),
    ("GET /api/v1/cases/{id}/timescales", "UUUHHHAAAA"),
];

fn class(status: u16) -> char {
    match status {
        200..=299 => 'A',
        400 | 409 | 422 => 'V',
        401 => 'U',
        403 => 'F',
        404 => 'H',
        405 => 'M',
        _ => '?',
    }
}

/// Ann's records in one application, and every caller's token.
struct World {
    app: TestApp,
    tokens: BTreeMap<&'static str, Option<String>>,
    client: String,
    case: String,
    note: String,
    task: String,
    outcome: String,
    obstacle: String,
    notification: String,
    policy: String,
}

async fn world() -> World {
    let app = TestApp::new().await;
    let ann = app.ann.1.clone();
    let (client, case) = app.client_and_case(&ann).await;
    let note = app.note(&ann, &case, 30, "First contact").await.id();
    let task = ann_makes(&app, "/api/v1/cases/{id}/tasks", &case, &client).await;
    let outcome = ann_makes(&app, "/api/v1/cases/{id}/outcomes", &case, &client).await;
    let obstacle = ann_makes(&app, "/api/v1/cases/{id}/obstacles", &case, &client).await;
    app.alerts_about(&case, &[("review", "breached", false)])
        .await;
    let notifications = app.get("/api/v1/notifications", &ann).await;
    let notification = notifications.body[0]["id"]
        .as_str()
        .unwrap_or_else(|| panic!("a notification for Ann: {}", notifications.body))
        .to_owned();
    let policies = app.get("/api/v1/policies", &ann).await;
    let policy = policies.body[0]["policy_id"].as_str().unwrap().to_owned();

    let readonly = make_token(&app, &ann, json!({"name": "ro", "scopes": ["read"]})).await;
    let revoked = app
        .post("/api/v1/tokens", &ann, json!({"name": "gone"}))
        .await;
    let r = app
        .call(
            Method::DELETE,
            &format!("/api/v1/tokens/{}", revoked.id()),
            Some(&ann),
            None,
        )
        .await;
    assert!(r.status.is_success(), "{}", r.body);
    let expired = caseload_web::auth::new_token().unwrap();
    insert_token(
        &app,
        &app.ann.0.id,
        &expired,
        SignedDuration::from_hours(-1),
    )
    .await;
    let auditor = app
        .store
        .create_user(
            &NewUser {
                email: Email::parse("e", "aud@example.org").unwrap(),
                name: "Aud Auditor".into(),
                role: Role::Auditor,
                team_id: None,
            },
            start_time(),
        )
        .await
        .unwrap();
    let aud = caseload_web::auth::new_token().unwrap();
    insert_token(
        &app,
        &auditor.id,
        &aud,
        SignedDuration::from_hours(24 * 365),
    )
    .await;

    let tokens = BTreeMap::from([
        ("no-token", None),
        (
            "revoked",
            Some(revoked.body["secret"].as_str().unwrap().to_owned()),
        ),
        ("expired", Some(expired)),
        ("other", Some(app.cat.1.clone())),
        ("admin", Some(app.ada.1.clone())),
        ("auditor", Some(aud)),
        ("readonly", Some(readonly)),
        ("colleague", Some(app.bob.1.clone())),
        ("supervisor", Some(app.sue.1.clone())),
        ("owner", Some(ann)),
    ]);
    World {
        app,
        tokens,
        client,
        case,
        note,
        task,
        outcome,
        obstacle,
        notification,
        policy,
    }
}

async fn make_token(app: &TestApp, who: &str, body: Value) -> String {
    let r = app.post("/api/v1/tokens", who, body).await;
    r.body["secret"]
        .as_str()
        .unwrap_or_else(|| panic!("{}", r.body))
        .to_owned()
}

/// A full-rights token for `user` that expires `expires_in` after the start.
async fn insert_token(
    app: &TestApp,
    user: &caseload_domain::ids::UserId,
    secret: &str,
    expires_in: SignedDuration,
) {
    app.store
        .create_api_token(&caseload_store::NewApiToken {
            user_id: user.clone(),
            name: "matrix".into(),
            token_hash: caseload_web::auth::token_hash(secret),
            scopes: TokenScopes::all(),
            created_at: start_time()
                .checked_sub(SignedDuration::from_hours(48))
                .unwrap(),
            expires_at: start_time().checked_add(expires_in).unwrap(),
        })
        .await
        .unwrap();
}

/// The concrete path for a template, with Ann's records' ids.
async fn fill(w: &World, template: &str) -> String {
    let mut path = template.to_owned();
    let id = if template.starts_with("/api/v1/clients/") {
        w.client.clone()
    } else if template.starts_with("/api/v1/notes/") {
        w.note.clone()
    } else if template.starts_with("/api/v1/notifications/") {
        w.notification.clone()
    } else if template.starts_with("/api/v1/policies/") {
        w.policy.clone()
    } else if template.starts_with("/api/v1/tokens/") {
        // A fresh token of Ann's each time, so one caller's revoking it
        // does not change what the next caller meets.
        let made = w
            .app
            .post("/api/v1/tokens", &w.app.ann.1, json!({"name": "target"}))
            .await;
        made.id()
    } else {
        w.case.clone()
    };
    // Operations that move a record on from a state it can leave only once
    // get a fresh record of Ann's each time, so every caller meets the
    // same state.
    let (mut id, mut task, mut obstacle) = (id, w.task.clone(), w.obstacle.clone());
    let (app, case, client) = (&w.app, &w.case, &w.client);
    if template == "/api/v1/cases/{id}/status" {
        id = ann_makes(app, "/api/v1/cases", case, client).await;
    } else if template.ends_with("/tasks/{task_id}/status") {
        task = ann_makes(app, "/api/v1/cases/{id}/tasks", case, client).await;
    } else if template.ends_with("/obstacles/{obstacle_id}/resolve") {
        obstacle = ann_makes(app, "/api/v1/cases/{id}/obstacles", case, client).await;
    }
    for (name, value) in [
        ("{id}", &id),
        ("{task_id}", &task),
        ("{outcome_id}", &w.outcome),
        ("{obstacle_id}", &obstacle),
    ] {
        path = path.replace(name, value);
    }
    assert!(!path.contains('{'), "no id for {template}");
    path
}

/// Ann makes a record by posting to `template` (a collection; `{id}` is
/// her case) the body the matrix uses for it, and gets its id.
async fn ann_makes(app: &TestApp, template: &str, case: &str, client: &str) -> String {
    let path = template.replace("{id}", case);
    let made = app
        .post(
            &path,
            &app.ann.1,
            body_for(template, client, app.clock_now()),
        )
        .await;
    assert!(made.status.is_success(), "{path}: {}", made.body);
    made.id()
}

/// A minimal valid body for a write, so that a refusal is about the caller.
fn body(w: &World, method: &Method, template: &str) -> Option<Value> {
    (*method != Method::GET && *method != Method::DELETE)
        .then(|| body_for(template, &w.client, w.app.clock_now()))
}

/// The body for a write to `template`, naming Ann's `client` where needed.
fn body_for(template: &str, client: &str, now: jiff::Timestamp) -> Value {
    match template.trim_start_matches("/api/v1") {
        "/tokens" => json!({"name": "matrix"}),
        "/notifications/acknowledge" => json!({"all": true}),
        "/notifications/{id}/acknowledge" => json!({}),
        "/deadlines/calculate" => {
            json!({"rule": "mandatory_reconsideration", "trigger_date": "2026-01-31"})
        }
        "/cases" => {
            json!({"client_id": client, "title": "PIP appeal", "service_area": "benefits"})
        }
        "/clients" => json!({"name": "Eve Client"}),
        "/clients/{id}" => json!({"name": "Dana Renamed"}),
        "/cases/{id}/status" => json!({"status": "on_hold", "reason": "Client abroad"}),
        "/cases/{id}/notes" => {
            json!({"kind": "phone", "occurred_at": now.to_string(), "sections": {"situation": "Called"}})
        }
        "/notes/{id}/amendments" => {
            json!({"reason": "Typo", "sections": {"situation": "First contact."}})
        }
        "/cases/{id}/outcomes" => {
            json!({"description": "Debt relief", "target_date": "2026-06-30"})
        }
        "/cases/{id}/outcomes/{outcome_id}/progress" => {
            json!({"status": "in_progress", "text": "Plan agreed"})
        }
        "/cases/{id}/obstacles" => json!({"category": "digital_access", "description": "No phone"}),
        "/cases/{id}/obstacles/{obstacle_id}/resolve" => json!({"resolution": "Library booked"}),
        "/cases/{id}/tasks" => json!({"title": "Call back", "due_date": "2026-03-20"}),
        "/cases/{id}/tasks/{task_id}/status" => json!({"status": "done"}),
        "/cases/{id}/deadlines" => json!({"title": "Send the appeal", "due_date": "2026-08-17"}),
        "/cases/{id}/assessments" => json!({"answers": {}}),
        "/cases/{id}/priority-override" => json!({"band": "P1", "rationale": "For the matrix"}),
        // Administrators' documents: one that is not a valid file gets past
        // access control only to be refused as invalid (422, `V`). Anyone
        // else is refused before the body is read (see below).
        "/policies" | "/timescales" => json!({"toml": "not = [a valid file"}),
        _ => json!({}),
    }
}

#[tokio::test]
async fn access_matrix_every_operation_as_every_caller() {
    let started = std::time::Instant::now();
    let probe = TestApp::new().await;
    let doc = probe
        .call(Method::GET, "/api/v1/openapi.json", None, None)
        .await
        .body;
    let mut ops = Vec::new();
    for (template, item) in doc["paths"].as_object().unwrap() {
        for method in ["get", "post", "put", "patch", "delete"] {
            if item.get(method).is_some_and(Value::is_object) {
                ops.push((method.to_ascii_uppercase(), template.clone()));
            }
        }
    }
    assert!(ops.len() > 40, "{}", ops.len());

    let table: BTreeMap<&str, &str> = TABLE.iter().copied().collect();
    assert_eq!(table.len(), TABLE.len(), "a row is in the table twice");
    for (_, row) in TABLE {
        assert_eq!(row.len(), CALLERS.len(), "{row}");
    }
    let keys: Vec<String> = ops.iter().map(|(m, p)| format!("{m} {p}")).collect();
    let missing: Vec<&String> = keys
        .iter()
        .filter(|k| !table.contains_key(k.as_str()))
        .collect();
    assert!(
        missing.is_empty(),
        "add a row to access_matrix::TABLE for: {missing:#?}"
    );
    let stale: Vec<&&str> = table
        .keys()
        .filter(|k| !keys.iter().any(|x| x == *k))
        .collect();
    assert!(
        stale.is_empty(),
        "rows for operations not served: {stale:#?}"
    );

    let mut mismatches = Vec::new();
    let mut calls = 0;
    for ((method, template), key) in ops.iter().zip(&keys) {
        let w = world().await;
        let method = Method::from_bytes(method.as_bytes()).unwrap();
        let expected: Vec<char> = table[key.as_str()].chars().collect();
        for (caller, want) in CALLERS.iter().zip(expected) {
            let path = fill(&w, template).await;
            let token = w.tokens[caller].as_deref();
            let r = w
                .app
                .call(method.clone(), &path, token, body(&w, &method, template))
                .await;
            calls += 1;
            let got = class(r.status.as_u16());
            if std::env::var_os("MATRIX_VERBOSE").is_some() {
                eprintln!("{key} as {caller}: {} {}", r.status, r.body);
            }
            if got != want {
                mismatches.push(format!(
                    "{key} as {caller}: expected {want}, got {got} ({}): {}",
                    r.status, r.body
                ));
            }
        }
    }
    assert!(
        mismatches.is_empty(),
        "{} of {calls} access checks differ from the table:\n{}",
        mismatches.len(),
        mismatches.join("\n")
    );
    eprintln!("{calls} access checks in {:?}", started.elapsed());
}

/// A caller without the role is refused before the body is read: a body
/// that is not even the right shape answers 403, not 422, so nobody learns
/// what an administrator's operation would accept.
#[tokio::test]
async fn a_caller_without_the_role_is_refused_before_the_body_is_read() {
    let app = TestApp::new().await;
    for path in ["/api/v1/policies", "/api/v1/timescales"] {
        for body in [json!({}), json!({"unexpected": 1}), json!({"toml": 42})] {
            app.post(path, &app.ann.1, body.clone())
                .await
                .assert_problem(403);
        }
    }
}
