//! Fuzz targets for the pages (issue 15): `forms`, any body sent to the
//! forms that change things, through the real router with a valid session
//! and CSRF token, and `contact_times`, the contact-time parsers a note
//! form goes through. Seeds in `tests/corpus/<target>/`; see
//! `support::fuzz` for the case count.

use axum::body::Body;
use axum::http::{Method, Request, StatusCode};
use caseload_web::extract::{form_pairs, percent_decode};
use caseload_web::notes::rfc3339;
use caseload_web::pages::format::parse_local;
use proptest::prelude::*;
use proptest::sample::Index;

use crate::common::{Browser, csrf_of, sign_in};
use crate::support::TestApp;
use crate::support::fuzz::{apply, cases, edits, runner, seeds};

/// Pieces of hostile form text, as they travel on the wire.
const WORDS: &[&str] = &[
    "%FF",
    "%C0%AF",
    "%ED%A0%80",
    "%F4%90%80%80",
    "%00",
    "%",
    "%2",
    "%%",
    "+",
    "&",
    "=",
    "&&",
    "%0D%0A",
    "%E2%80%AE",
    "%3Cscript%3E",
    "9223372036854775808",
    "-1",
    "2026-02-30",
    "0000-01-01T00%3A00",
    "%2B999999-01-01T00%3A00",
    "2026-03-02T08%3A30%2B25%3A00",
    "9999-12-31",
    "1900-01-01",
    "P1",
    "P9",
    "yes",
    "closed",
    "on_hold",
    "admin",
    "csrf=x",
];

/// One change to a form's fields.
#[derive(Debug, Clone)]
enum Change {
    /// A field's value becomes a word (or the word is added to it).
    Value(Index, Index, bool),
    Drop(Index),
    Twice(Index),
    /// A field takes another's name.
    Rename(Index, Index),
}

fn changes() -> impl Strategy<Value = Vec<Change>> {
    let i = any::<Index>;
    prop::collection::vec(
        prop_oneof![
            3 => (i(), i(), any::<bool>()).prop_map(|(f, w, add)| Change::Value(f, w, add)),
            1 => i().prop_map(Change::Drop),
            1 => i().prop_map(Change::Twice),
            1 => (i(), i()).prop_map(|(a, b)| Change::Rename(a, b)),
        ],
        0..4,
    )
}

/// A form body with its fields changed (still encoded, as sent).
fn change(body: &[u8], changes: &[Change]) -> Vec<u8> {
    let mut fields: Vec<(Vec<u8>, Vec<u8>)> = body
        .split(|&b| b == b'&')
        .map(|pair| match pair.iter().position(|&b| b == b'=') {
            Some(i) => (pair[..i].to_vec(), pair[i + 1..].to_vec()),
            None => (pair.to_vec(), Vec::new()),
        })
        .collect();
    for c in changes {
        let n = fields.len();
        if n == 0 {
            break;
        }
        match c {
            Change::Value(f, w, add) => {
                let word = WORDS[w.index(WORDS.len())].as_bytes();
                let value = &mut fields[f.index(n)].1;
                if !*add {
                    value.clear();
                }
                value.extend_from_slice(word);
            }
            Change::Drop(f) => {
                fields.remove(f.index(n));
            }
            Change::Twice(f) => {
                let field = fields[f.index(n)].clone();
                fields.push(field);
            }
            Change::Rename(a, b) => {
                let name = fields[b.index(n)].0.clone();
                fields[a.index(n)].0 = name;
            }
        }
    }
    let pairs: Vec<Vec<u8>> = fields
        .into_iter()
        .map(|(k, v)| [k, b"=".to_vec(), v].concat())
        .collect();
    pairs.join(&b'&')
}

/// The app, a practitioner's and an administrator's sessions, and a case
/// of each kind the forms need.
struct World {
    app: &'static TestApp,
    ann: Browser<'static>,
    ann_csrf: String,
    ada: Browser<'static>,
    ada_csrf: String,
    client: String,
    case: String,
    /// A case whose status the fuzzer may change.
    spare: String,
}

impl World {
    async fn new() -> World {
        let app: &'static TestApp = Box::leak(Box::new(TestApp::new().await));
        let (client, case) = app.client_and_case(&app.ann.1).await;
        let (_, spare) = app.client_and_case(&app.ann.1).await;
        let ann = sign_in(app, "ann@example.org").await;
        let ann_csrf = csrf_of(ann.get("/clients/new").await.html());
        let ada = sign_in(app, "ada@example.org").await;
        let ada_csrf = csrf_of(ada.get("/admin/timescales").await.html());
        World {
            app,
            ann,
            ann_csrf,
            ada,
            ada_csrf,
            client,
            case,
            spare,
        }
    }

    /// Post `body` to the form a seed named `<form>--…` is for, signed in
    /// as the one who uses it (with the session's CSRF token first).
    async fn post(&self, form: &str, body: &[u8]) -> StatusCode {
        let (path, who) = match form {
            "client" => ("/clients/new".to_owned(), Some(&self.ann)),
            "case" => (
                format!("/clients/{}/cases/new", self.client),
                Some(&self.ann),
            ),
            "note" => (format!("/cases/{}/notes/new", self.case), Some(&self.ann)),
            "task" => (format!("/cases/{}/tasks/new", self.case), Some(&self.ann)),
            "assess" => (
                format!("/cases/{}/priority/assess", self.case),
                Some(&self.ann),
            ),
            "status" => (format!("/cases/{}/status", self.spare), Some(&self.ann)),
            "timescales" => ("/admin/timescales".to_owned(), Some(&self.ada)),
            "policy" => ("/admin/policies/generic".to_owned(), Some(&self.ada)),
            "user" => ("/admin/users/new".to_owned(), Some(&self.ada)),
            "sign_in" => ("/sign-in".to_owned(), None),
            other => panic!("a seed for no form: {other}"),
        };
        let mut full = Vec::new();
        if let Some(b) = who {
            let csrf = if std::ptr::eq(b, &self.ada) {
                &self.ada_csrf
            } else {
                &self.ann_csrf
            };
            full.extend_from_slice(format!("csrf={csrf}&").as_bytes());
        }
        full.extend_from_slice(body);
        let mut req = Request::builder()
            .method(Method::POST)
            .uri(&path)
            .header("content-type", "application/x-www-form-urlencoded")
            .header("host", "caseload.test")
            .header("origin", "http://caseload.test")
            .header("sec-fetch-site", "same-origin");
        if let Some(b) = who {
            req = req.header("cookie", &b.cookie);
        }
        self.app
            .unchecked(req.body(Body::from(full)).unwrap())
            .await
            .status
    }
}

#[test]
fn any_form_body_is_answered_below_500_and_one_that_is_not_utf8_with_400() {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let world = rt.block_on(World::new());
    // Seeds name the practitioner and her team as `{ann}` and `{north}`.
    let seeds: Vec<(String, Vec<u8>)> = seeds("forms")
        .into_iter()
        .map(|(name, body)| {
            let body = String::from_utf8_lossy(&body)
                .replace("{ann}", world.app.ann.0.id.as_str())
                .replace("{north}", world.app.north.id.as_str());
            (name, body.into_bytes())
        })
        .collect();
    // Every seed as it is first: each reaches its handler.
    for (name, body) in &seeds {
        let form = name.split("--").next().unwrap();
        let status = rt.block_on(world.post(form, body));
        assert!(status.as_u16() < 500, "{name}: {status}");
        // The seeds named valid reach their handler and are saved.
        if name.ends_with("--valid.form") {
            assert_eq!(status, StatusCode::SEE_OTHER, "{name}");
        }
    }
    let strategy = (0..seeds.len(), changes(), edits());
    runner("forms", cases() / 4)
        .run(&strategy, |(s, changes, edits)| {
            let (name, seed) = &seeds[s];
            let form = name.split("--").next().unwrap();
            let body = apply(&change(seed, &changes), WORDS, &edits);
            let status = rt.block_on(world.post(form, &body));
            prop_assert!(status.as_u16() < 500, "{name}: {status}");
            if form_pairs(&body).is_err() {
                prop_assert_eq!(status, StatusCode::BAD_REQUEST, "{}", name);
            }
            Ok(())
        })
        .unwrap();
}

/// Percent-encoding as a browser sends a form field.
fn encode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'*' => {
                (b as char).to_string()
            }
            b' ' => "+".to_owned(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

proptest! {
    #![proptest_config(proptest::test_runner::Config {
        cases: cases(),
        failure_persistence: Some(Box::new(
            proptest::test_runner::FileFailurePersistence::Direct("tests/fuzz/regressions/form_pairs.txt"),
        )),
        ..Default::default()
    })]

    /// Any bytes: refused naming the field when not UTF-8 once decoded;
    /// otherwise fields that encode and decode back to themselves.
    #[test]
    fn any_bytes_are_read_as_fields_or_refused_by_field(
        body in prop_oneof![
            prop::collection::vec(any::<u8>(), 0..256),
            (0..22usize, changes(), edits()).prop_map(|(s, c, e)| {
                let seeds = seeds("forms");
                apply(&change(&seeds[s % seeds.len()].1, &c), WORDS, &e)
            }),
        ],
    ) {
        prop_assert!(percent_decode(&body).len() <= body.len());
        match form_pairs(&body) {
            Err(message) => prop_assert!(message.contains("field"), "{}", message),
            Ok(fields) => {
                let again: Vec<String> = fields
                    .iter()
                    .map(|(k, v)| format!("{}={}", encode(k), encode(v)))
                    .collect();
                let reread = form_pairs(again.join("&").as_bytes()).unwrap();
                prop_assert_eq!(reread, fields);
            }
        }
    }
}

proptest! {
    #![proptest_config(proptest::test_runner::Config {
        cases: cases(),
        failure_persistence: Some(Box::new(
            proptest::test_runner::FileFailurePersistence::Direct("tests/fuzz/regressions/contact_times.txt"),
        )),
        ..Default::default()
    })]

    /// A contact time is read only within 1900–2100 and ±18:00, and then
    /// writes back as itself; neither parser panics on anything.
    #[test]
    fn any_contact_time_is_read_within_its_bounds_or_refused(
        value in prop_oneof![
            any::<String>(),
            (any::<Index>(), edits()).prop_map(|(s, e)| {
                let all = seeds("contact_times");
                let text = String::from_utf8_lossy(&all[0].1).into_owned();
                let lines: Vec<&str> = text.lines().collect();
                let line = lines[s.index(lines.len())];
                String::from_utf8_lossy(&apply(line.as_bytes(), &[":", "+", "-", "T", "Z", "9", "0", ".", "[UTC]"], &e)).into_owned()
            }),
        ],
    ) {
        if let Some(ts) = rfc3339(&value) {
            let year = ts.to_zoned(jiff::tz::TimeZone::UTC).year();
            prop_assert!((1900..=2100).contains(&year), "{} → {}", value, ts);
            prop_assert_eq!(rfc3339(&ts.to_string()), Some(ts));
        }
        let _ = parse_local(&value, &jiff::tz::TimeZone::get("Europe/London").unwrap());
    }
}
