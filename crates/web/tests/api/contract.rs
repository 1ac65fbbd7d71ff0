//! The API document tells the truth: what it lists is served, what is served
//! is listed, enums are written as on the wire, authentication comes before
//! the method, creating operations link to what takes their ids, and the
//! response checker in `support::contract` catches a body that drifts.

use axum::http::{Method, StatusCode};
use serde_json::{Value, json};

use crate::support::{TestApp, contract};

async fn document(app: &TestApp) -> Value {
    let r = app
        .call(Method::GET, "/api/v1/openapi.json", None, None)
        .await;
    assert_eq!(r.status, StatusCode::OK);
    r.body
}

/// A concrete path for a template: ids that exist nowhere.
fn concrete(template: &str) -> String {
    template
        .split('/')
        .map(|s| {
            if s.starts_with('{') {
                "nothing-here"
            } else {
                s
            }
        })
        .collect::<Vec<_>>()
        .join("/")
}

#[tokio::test]
async fn every_documented_operation_is_served_and_every_served_method_is_documented() {
    let app = TestApp::new().await;
    let doc = document(&app).await;
    let paths = doc["paths"].as_object().unwrap();
    assert!(paths.len() > 30, "{}", paths.len());
    for (template, item) in paths {
        let path = concrete(template);
        for method in [
            Method::GET,
            Method::POST,
            Method::PUT,
            Method::PATCH,
            Method::DELETE,
        ] {
            let documented = item
                .get(method.as_str().to_ascii_lowercase())
                .is_some_and(Value::is_object);
            let r = app
                .call(method.clone(), &path, Some(&app.ann.1), Some(json!({})))
                .await;
            if documented {
                let op = &item[method.as_str().to_ascii_lowercase()];
                if !op["responses"]["405"].is_object() {
                    assert_ne!(r.status, StatusCode::METHOD_NOT_ALLOWED, "{method} {path}");
                }
                assert_ne!(
                    r.body["detail"], "there is nothing at this address",
                    "{method} {template} is documented but not served"
                );
            } else {
                assert_eq!(
                    r.status,
                    StatusCode::METHOD_NOT_ALLOWED,
                    "{method} {template} is served but not documented: {}",
                    r.body
                );
            }
        }
    }
}

#[tokio::test]
async fn operation_ids_are_unique() {
    let app = TestApp::new().await;
    let doc = document(&app).await;
    let mut seen = std::collections::BTreeSet::new();
    for item in doc["paths"].as_object().unwrap().values() {
        for op in item.as_object().unwrap().values() {
            if let Some(id) = op["operationId"].as_str() {
                assert!(seen.insert(id.to_owned()), "{id} twice");
            }
        }
    }
    assert!(seen.contains("notes_show"), "{seen:?}");
}

#[tokio::test]
async fn enums_are_documented_as_the_server_reads_and_writes_them() {
    let app = TestApp::new().await;
    let doc = document(&app).await;
    let schemas = &doc["components"]["schemas"];
    let values = |name: &str| -> Vec<String> {
        schemas[name]["enum"]
            .as_array()
            .unwrap_or_else(|| panic!("{name}: {}", schemas[name]))
            .iter()
            .map(|v| v.as_str().unwrap().to_owned())
            .collect()
    };
    assert!(values("NoteKind").contains(&"face_to_face".to_owned()));
    assert!(values("CaseStatus").contains(&"on_hold".to_owned()));
    assert!(values("ServiceArea").contains(&"debt".to_owned()));
    // No enum anywhere in the document is in Rust's PascalCase.
    fn walk(v: &Value, at: &str) {
        match v {
            Value::Object(map) => {
                if let Some(Value::Array(values)) = map.get("enum") {
                    for value in values.iter().filter_map(Value::as_str) {
                        assert!(
                            !value.starts_with(|c: char| c.is_ascii_uppercase())
                                || value.len() <= 3,
                            "{at}: {value}"
                        );
                    }
                }
                for (k, v) in map {
                    walk(v, &format!("{at}/{k}"));
                }
            }
            Value::Array(items) => items.iter().for_each(|v| walk(v, at)),
            _ => {}
        }
    }
    walk(&doc, "");
    // And the documented value is what the server takes.
    let (_, case) = app.client_and_case(&app.ann.1).await;
    let r = app
        .post(
            &format!("/api/v1/cases/{case}/status"),
            &app.ann.1,
            json!({"status": "on_hold", "reason": "Client abroad"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
}

#[tokio::test]
async fn a_documented_limit_is_enforced_and_an_enforced_one_documented() {
    let app = TestApp::new().await;
    let doc = document(&app).await;
    for path in ["/api/v1/clients", "/api/v1/cases"] {
        let limit = doc["paths"][path]["get"]["parameters"]
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["name"] == "limit")
            .unwrap()
            .clone();
        assert_eq!(limit["schema"]["minimum"], 1, "{path}: {limit}");
        assert_eq!(limit["schema"]["maximum"], 200, "{path}: {limit}");
        app.assert_bad_queries(
            path,
            &app.ann.1,
            &[("limit=0", "limit"), ("limit=201", "limit")],
        )
        .await;
        let r = app.get(&format!("{path}?limit=200"), &app.ann.1).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    }
}

#[tokio::test]
async fn a_method_a_path_does_not_take_is_401_without_a_token_and_405_with_one() {
    let app = TestApp::new().await;
    let (_, case) = app.client_and_case(&app.ann.1).await;
    let note = app.note(&app.ann.1, &case, 5, "Called").await.id();
    let path = format!("/api/v1/notes/{note}");
    // PUT is documented (always 405), POST is not taken at all: either way
    // the caller must say who they are first.
    for method in [Method::PUT, Method::PATCH, Method::DELETE, Method::POST] {
        let anonymous = app.call(method.clone(), &path, None, None).await;
        anonymous.assert_problem(401);
        let bad = app
            .call(method.clone(), &path, Some("cl_not-a-real-token"), None)
            .await;
        bad.assert_problem(401);
        let known = app
            .call(method.clone(), &path, Some(&app.ann.1), Some(json!({})))
            .await;
        known.assert_problem(405);
        let allow = known.headers.get("allow").unwrap().to_str().unwrap();
        assert!(allow.starts_with("GET"), "{method}: {allow}");
    }
    // The same on a path with no token-free methods at all.
    app.call(Method::DELETE, "/api/v1/caseload", None, None)
        .await
        .assert_problem(401);
    app.call(Method::DELETE, "/api/v1/caseload", Some(&app.ann.1), None)
        .await
        .assert_problem(405);
}

#[tokio::test]
async fn creating_operations_link_to_the_operations_that_take_their_ids() {
    let app = TestApp::new().await;
    let doc = document(&app).await;
    let links = |path: &str| doc["paths"][path]["post"]["responses"]["201"]["links"].clone();
    let clients = links("/api/v1/clients");
    assert_eq!(
        clients["clients_show"]["parameters"],
        json!({"id": "$response.body#/id"})
    );
    assert_eq!(
        clients["cases_create"]["requestBody"],
        json!({"client_id": "$response.body#/id"})
    );
    let notes = links("/api/v1/cases/{id}/notes");
    assert_eq!(
        notes["notes_amend"]["parameters"],
        json!({"id": "$response.body#/id"})
    );
    assert_eq!(
        notes["notes_list"]["parameters"],
        json!({"id": "$request.path.id"})
    );
    let outcomes = links("/api/v1/cases/{id}/outcomes");
    assert_eq!(
        outcomes["outcomes_progress"]["parameters"],
        json!({"id": "$request.path.id", "outcome_id": "$response.body#/id"})
    );
    let policies = links("/api/v1/policies");
    assert_eq!(
        policies["priorities_policy_versions"]["parameters"],
        json!({"id": "$response.body#/policy_id"})
    );
    // Every creating operation links somewhere, and every link names an
    // operation that exists.
    let ids: Vec<String> = doc["paths"]
        .as_object()
        .unwrap()
        .values()
        .flat_map(|item| item.as_object().unwrap().values())
        .filter_map(|op| op["operationId"].as_str().map(str::to_owned))
        .collect();
    for (path, item) in doc["paths"].as_object().unwrap() {
        let Some(links) = item["post"]["responses"]["201"]["links"].as_object() else {
            continue;
        };
        for link in links.values() {
            let id = link["operationId"].as_str().unwrap();
            assert!(ids.contains(&id.to_owned()), "{path} links to {id}");
        }
    }
    // Each record a practitioner creates links somewhere.
    for path in [
        "/api/v1/clients",
        "/api/v1/cases",
        "/api/v1/cases/{id}/notes",
        "/api/v1/cases/{id}/outcomes",
        "/api/v1/cases/{id}/obstacles",
        "/api/v1/cases/{id}/tasks",
        "/api/v1/cases/{id}/deadlines",
        "/api/v1/policies",
    ] {
        assert!(
            links(path).as_object().is_some_and(|l| !l.is_empty()),
            "{path} links nowhere"
        );
    }
}

#[tokio::test]
async fn a_policy_is_given_in_structured_form_beside_its_toml() {
    let app = TestApp::new().await;
    let r = app.get("/api/v1/policies/domestic_abuse", &app.ann.1).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let version = r.body.as_array().unwrap().last().unwrap();
    assert!(version["body"].as_str().unwrap().contains("[[criterion]]"));
    let policy = &version["policy"];
    assert_eq!(policy["id"], "domestic_abuse");
    assert!(!policy["bands"].as_array().unwrap().is_empty());
    let criteria = policy["criteria"].as_array().unwrap();
    assert!(
        criteria
            .iter()
            .all(|c| c["kind"].is_string() && c["question"].is_string())
    );
    let rules = policy["rules"].as_array().unwrap();
    assert!(
        rules
            .iter()
            .any(|r| r["when"].is_object() && r["band"].is_string())
    );
    // The structured form is the same policy the TOML says.
    let parsed =
        caseload_domain::priority::Policy::parse(version["body"].as_str().unwrap()).unwrap();
    assert_eq!(criteria.len(), parsed.criteria.len());
    assert_eq!(rules.len(), parsed.rules.len());
    assert_eq!(policy["bands"][0]["id"], parsed.bands[0].id);
}

#[tokio::test]
async fn the_response_checker_catches_a_body_that_drifts_from_the_document() {
    let app = TestApp::new().await;
    let (client, _) = app.client_and_case(&app.ann.1).await;
    let uri = format!("/api/v1/clients/{client}");
    let good = app.get(&uri, &app.ann.1).await;
    let check = |status: StatusCode, content_type: &'static str, body: Value| {
        let uri = uri.clone();
        std::panic::catch_unwind(move || {
            contract::check(&Method::GET, &uri, status, content_type, &body)
        })
    };
    assert!(check(StatusCode::OK, "application/json", good.body.clone()).is_ok());
    let mut wrong_type = good.body.clone();
    wrong_type["name"] = json!(42);
    assert!(check(StatusCode::OK, "application/json", wrong_type).is_err());
    let mut missing = good.body.clone();
    missing.as_object_mut().unwrap().remove("id");
    assert!(check(StatusCode::OK, "application/json", missing).is_err());
    assert!(
        check(
            StatusCode::IM_A_TEAPOT,
            "application/json",
            good.body.clone()
        )
        .is_err(),
        "an undocumented status"
    );
    assert!(
        check(StatusCode::OK, "text/plain", good.body).is_err(),
        "an undocumented content type"
    );
    assert!(
        check(
            StatusCode::NOT_FOUND,
            "application/problem+json",
            json!({"title": "Not Found"})
        )
        .is_err(),
        "an incomplete problem"
    );
}

#[tokio::test]
async fn text_the_document_allows_is_accepted_and_text_it_forbids_is_refused() {
    let app = TestApp::new().await;
    document(&app).await;
    let long = |n: usize| "x".repeat(n);
    let blank_but_long = "\u{85}".repeat(50);
    let cases = [
        json!({"name": "Zoë O'Hara"}),
        json!({"name": ""}),
        json!({"name": " \u{a0}\u{3000}"}),
        json!({"name": "Ann\u{7}"}),
        json!({"name": "Ann\nAdams"}),
        json!({"name": long(200)}),
        json!({"name": long(201)}),
        json!({"name": "Ann", "phone": blank_but_long}),
        json!({"name": "Ann", "phone": long(41)}),
        json!({"name": "Ann", "email": "ann@example.org"}),
        json!({"name": "Ann", "email": "  "}),
        json!({"name": "Ann", "email": "ann@example"}),
        json!({"name": "Ann", "email": "ann@.example.org"}),
        json!({"name": "Ann", "access_needs": {"adjustments": "Step-free\naccess"}}),
        json!({"name": "Ann", "access_needs": {"adjustments": "Bell\u{7}"}}),
        json!({"name": "Ann", "contact": [null, null]}),
    ];
    for body in cases {
        let allowed = contract::request_allowed("post", "/api/v1/clients", &body);
        let r = app.post("/api/v1/clients", &app.ann.1, body.clone()).await;
        assert_eq!(
            r.status == StatusCode::CREATED,
            allowed,
            "{body}: the document {} it, the server answered {}: {}",
            if allowed { "allows" } else { "forbids" },
            r.status,
            r.body
        );
    }
}

#[tokio::test]
async fn notification_filters_are_documented_as_checked() {
    let app = TestApp::new().await;
    let doc = document(&app).await;
    let params = doc["paths"]["/api/v1/notifications"]["get"]["parameters"]
        .as_array()
        .unwrap()
        .clone();
    let pattern = |name: &str| {
        params.iter().find(|p| p["name"] == name).unwrap()["schema"]["pattern"]
            .as_str()
            .unwrap()
            .to_owned()
    };
    for (kind, _) in caseload_web::notifications::KINDS {
        assert!(pattern("kind").contains(&format!("|{kind}")), "{kind}");
        let r = app
            .get(&format!("/api/v1/notifications?kind={kind}"), &app.ann.1)
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    }
    assert_eq!(pattern("show"), "^(unread|all)$");
    app.assert_bad_queries(
        "/api/v1/notifications",
        &app.ann.1,
        &[("kind=urgent", "kind"), ("show=some", "show")],
    )
    .await;
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
        ("get", "/api/v1/ready"),
        ("get", "/api/v1/openapi.json"),
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
        ("get", "/api/v1/tokens"),
        ("post", "/api/v1/tokens"),
        ("delete", "/api/v1/tokens/{id}"),
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
            // Public: liveness, readiness and the document itself.
            if !["/api/v1/health", "/api/v1/ready", "/api/v1/openapi.json"].contains(&path.as_str())
            {
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
