//! Fuzz target `notes` (issue 15): any body sent to record a note, through
//! the real router: the JSON, the sections against the template and the
//! contact time. Seeds in `tests/corpus/notes/`, changed field by field and
//! byte by byte. Never a 5xx or an answer the API document does not list;
//! what is not JSON gets 400; a note that is saved reads back as sent.

use std::collections::BTreeMap;

use axum::http::StatusCode;
use proptest::prelude::*;
use proptest::sample::Index;
use serde_json::{Value, json};

use crate::support::TestApp;
use crate::support::fuzz::{apply, cases, edits, runner, seeds};

const WORDS: &[&str] = &[
    "\\u0000",
    "\\ud800",
    "\\\"",
    "\"",
    ",",
    ":",
    "{",
    "}",
    "[",
    "]",
    "null",
    "1e999",
    "-0",
    "+25:00",
    "Z",
    "T",
    ".999999999",
    "0000",
    "2100",
    "soap",
    "star",
    "situation",
];

/// A value put in place of a field or a section.
fn hostile() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(Value::Null),
        Just(json!(true)),
        Just(json!(9_223_372_036_854_775_807_i64)),
        Just(json!(1.5)),
        Just(json!([])),
        Just(json!({})),
        Just(json!({"situation": "nested"})),
        Just(json!("")),
        Just(json!("   ")),
        Just(json!("\u{0}")),
        Just(json!("\u{202e}")),
        Just(json!("x".repeat(20_001))),
        Just(json!("2026-03-02T08:30:00Z")),
        Just(json!("2026-03-02T10:00:00Z")),
        Just(json!("2026-03-02T08:30:00+18:00")),
        Just(json!("2026-03-02T08:30:00-18:00")),
        Just(json!("1900-01-01T00:00:00+01:00")),
        Just(json!("2026-03-02T08:30:00Z[Europe/London]")),
        Just(json!("soap")),
        Just(json!("review")),
        Just(json!("supervision")),
        "\\PC{0,16}".prop_map(Value::from),
    ]
}

/// One change to a note body.
#[derive(Debug, Clone)]
enum Change {
    Field(Index, Value),
    Remove(Index),
    Section(Index, Value),
    Rename(String, Value),
}

fn changes() -> impl Strategy<Value = Vec<Change>> {
    prop::collection::vec(
        prop_oneof![
            (any::<Index>(), hostile()).prop_map(|(i, v)| Change::Field(i, v)),
            any::<Index>().prop_map(Change::Remove),
            (any::<Index>(), hostile()).prop_map(|(i, v)| Change::Section(i, v)),
            ("[a-z_]{0,12}", hostile()).prop_map(|(k, v)| Change::Rename(k, v)),
        ],
        0..4,
    )
}

const FIELDS: &[&str] = &["kind", "occurred_at", "template", "sections", "late_reason"];
const SECTIONS: &[&str] = &[
    "situation",
    "task",
    "action",
    "result",
    "subjective",
    "objective",
    "assessment",
    "plan",
];

fn change(seed: &[u8], changes: &[Change]) -> Vec<u8> {
    let Ok(Value::Object(mut body)) = serde_json::from_slice::<Value>(seed) else {
        return seed.to_vec();
    };
    for c in changes {
        match c {
            Change::Field(i, v) => {
                body.insert(FIELDS[i.index(FIELDS.len())].to_owned(), v.clone());
            }
            Change::Remove(i) => {
                body.remove(FIELDS[i.index(FIELDS.len())]);
            }
            Change::Section(i, v) => {
                if let Some(Value::Object(s)) = body.get_mut("sections") {
                    s.insert(SECTIONS[i.index(SECTIONS.len())].to_owned(), v.clone());
                }
            }
            Change::Rename(k, v) => {
                body.insert(k.clone(), v.clone());
            }
        }
    }
    serde_json::to_vec(&Value::Object(body)).unwrap()
}

#[test]
fn any_note_body_is_saved_as_sent_or_refused_below_500() {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let app = rt.block_on(TestApp::new());
    let (_, case) = rt.block_on(app.client_and_case(&app.ann.1));
    let path = format!("/api/v1/cases/{case}/notes");
    let token = app.ann.1.clone();
    let send = |body: Vec<u8>| {
        rt.block_on(async {
            let req = axum::http::Request::post(&path)
                .header("authorization", format!("Bearer {token}"))
                .header("content-type", "application/json")
                .body(axum::body::Body::from(body))
                .unwrap();
            app.raw(req).await
        })
    };
    let seeds = seeds("notes");
    for (name, body) in &seeds {
        let r = send(body.clone());
        let saved = r.status == StatusCode::CREATED;
        assert_eq!(
            saved,
            name.starts_with("valid-"),
            "{name}: {} {}",
            r.status,
            r.body
        );
    }
    // Byte edits in one case of three: most break the JSON, and the rest
    // is what reaches the note's rules.
    let strategy = (
        0..seeds.len(),
        changes(),
        prop_oneof![2 => Just(Vec::new()), 1 => edits()],
    );
    runner("notes", cases() / 4)
        .run(&strategy, |(s, changes, edits)| {
            let body = apply(&change(&seeds[s].1, &changes), WORDS, &edits);
            let r = send(body.clone());
            prop_assert!(r.status.as_u16() < 500, "{} {}", r.status, r.body);
            let json = serde_json::from_slice::<Value>(&body);
            if json.is_err() {
                prop_assert_eq!(r.status, StatusCode::BAD_REQUEST);
            }
            if r.status == StatusCode::CREATED {
                let sent: BTreeMap<String, String> =
                    serde_json::from_value(json.unwrap()["sections"].clone()).unwrap();
                let note = rt.block_on(app.get(&format!("/api/v1/notes/{}", r.id()), &token));
                for section in note.body["sections"].as_array().unwrap() {
                    let name = section["name"].as_str().unwrap();
                    prop_assert_eq!(section["text"].as_str(), sent.get(name).map(String::as_str));
                }
            }
            Ok(())
        })
        .unwrap();
}
