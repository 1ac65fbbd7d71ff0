//! The API's answers held to its own document: every JSON and problem+json
//! body the tests receive under `/api/` is validated against the schema
//! `/api/v1/openapi.json` gives for its route, method and status code. A
//! status the operation does not document, a content type it does not
//! document, or a body that does not match fails the test, naming the
//! request and the schema error.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

use axum::http::{Method, StatusCode};
use serde_json::{Value, json};

/// The served document, loaded once per test binary.
static DOCUMENT: OnceLock<Value> = OnceLock::new();

/// Validators by (method, path template, status, content type), compiled once.
type Key = (String, String, u16, String);
static VALIDATORS: OnceLock<Mutex<HashMap<Key, Arc<jsonschema::Validator>>>> = OnceLock::new();

pub fn document() -> Option<&'static Value> {
    DOCUMENT.get()
}

pub fn set_document(document: Value) {
    let _ = DOCUMENT.set(document);
}

/// The document's path template for a concrete path: every literal segment
/// equal, `{…}` segments matching anything; the most literal match wins.
pub fn template_for<'a>(document: &'a Value, path: &str) -> Option<&'a str> {
    let segments: Vec<&str> = path.split('/').collect();
    let paths = document["paths"].as_object()?;
    paths
        .keys()
        .filter_map(|template| {
            let parts: Vec<&str> = template.split('/').collect();
            if parts.len() != segments.len() {
                return None;
            }
            let mut literal = 0;
            for (part, segment) in parts.iter().zip(&segments) {
                if part.starts_with('{') && part.ends_with('}') {
                    if segment.is_empty() {
                        return None;
                    }
                } else if part == segment {
                    literal += 1;
                } else {
                    return None;
                }
            }
            Some((literal, template.as_str()))
        })
        .max_by_key(|(literal, _)| *literal)
        .map(|(_, template)| template)
}

/// Check one answer against the document; panics with what does not match.
pub fn check(method: &Method, uri: &str, status: StatusCode, content_type: &str, body: &Value) {
    let Some(document) = document() else { return };
    let path = uri.split('?').next().unwrap_or(uri);
    let essence = content_type
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    let request = format!("{method} {uri} answered {status}");
    let operation = template_for(document, path).and_then(|template| {
        let op = &document["paths"][template][method.as_str().to_ascii_lowercase()];
        op.is_object().then_some((template, op))
    });
    let Some((template, operation)) = operation else {
        // No such operation (an unknown path or method): the answer is an
        // error, and every error is a Problem.
        assert!(
            status.is_client_error(),
            "{request}, but the document has no such operation"
        );
        assert_eq!(essence, "application/problem+json", "{request}: {body}");
        validate(
            ("-".into(), path.into(), status.as_u16(), essence.clone()),
            &json!({"$ref": "#/components/schemas/Problem"}),
            body,
            &request,
        );
        return;
    };
    let response = &operation["responses"][status.as_str()];
    assert!(
        response.is_object(),
        "{request}, a status the document does not give for {} {template}: {body}",
        method
    );
    let content = &response["content"];
    if body.is_null() && content.is_null() {
        return;
    }
    let Some(media) = content.get(&essence) else {
        panic!(
            "{request} with content type {essence:?}, which the document does not give \
             for {method} {template} {status} (it gives {}): {body}",
            content
        );
    };
    if !(essence == "application/json" || essence == "application/problem+json") {
        return;
    }
    let Some(schema) = media.get("schema") else {
        return;
    };
    validate(
        (
            method.as_str().to_owned(),
            template.to_owned(),
            status.as_u16(),
            essence.clone(),
        ),
        schema,
        body,
        &request,
    );
}

fn validate(key: Key, schema: &Value, body: &Value, request: &str) {
    let validators = VALIDATORS.get_or_init(Default::default);
    let validator = {
        let mut cache = validators.lock().unwrap();
        cache
            .entry(key)
            .or_insert_with(|| {
                let document = document().expect("the document is loaded");
                // The response's schema, with the document's components
                // beside it so that `#/components/schemas/…` resolves.
                let root = json!({
                    "$schema": "https://json-schema.org/draft/2020-12/schema",
                    "components": document["components"],
                    "allOf": [schema],
                });
                Arc::new(
                    jsonschema::draft202012::options()
                        .should_validate_formats(true)
                        .build(&root)
                        .unwrap_or_else(|e| panic!("the document's schema for {request}: {e}")),
                )
            })
            .clone()
    };
    let errors: Vec<String> = validator
        .iter_errors(body)
        .map(|e| format!("at {}: {e}", e.instance_path()))
        .collect();
    assert!(
        errors.is_empty(),
        "{request}, a body that does not match the document:\n  {}\nbody: {body}",
        errors.join("\n  ")
    );
}

/// Does the document's request body schema for `method template` accept `body`?
pub fn request_allowed(method: &str, template: &str, body: &Value) -> bool {
    let document = document().expect("the document is loaded");
    let schema = &document["paths"][template][method]["requestBody"]["content"]["application/json"]
        ["schema"];
    assert!(schema.is_object(), "{method} {template} takes no JSON body");
    let root = json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "components": document["components"],
        "allOf": [schema],
    });
    jsonschema::draft202012::options()
        .should_validate_formats(true)
        .build(&root)
        .unwrap()
        .is_valid(body)
}
