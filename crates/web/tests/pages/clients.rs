//! Clients: finding them by name, editing their details, and how to reach
//! them from the case page.

use axum::http::{Method, StatusCode};
use serde_json::json;

use crate::common::{Browser, sign_in};
use crate::support::{Resp, TestApp};

#[tokio::test]
async fn a_client_is_found_from_the_clients_page_by_a_name_typed_without_accents() {
    let app = TestApp::new().await;
    let (_, case) = app.client_and_case(&app.ann.1).await;
    for body in [
        json!({"name": "Zoë Adams", "address": "4 Park Road, Hull, HU1 2AB"}),
        json!({"name": "Łukasz Nowak", "date_of_birth": "1984-02-29", "address": "2 Mill Lane, Leeds, LS1 4AB"}),
        json!({"name": "Lucy Brown"}),
    ] {
        app.post("/api/v1/clients", &app.ann.1, body).await;
    }
    let b = sign_in(&app, "bob@example.org").await;
    let all = b.get("/clients").await;
    assert_eq!(all.status, StatusCode::OK);
    let html = all.html();
    assert!(html.contains("role=\"search\""));
    let order: Vec<usize> = ["Dana Client", "Lucy Brown", "Łukasz Nowak", "Zoë Adams"]
        .iter()
        .map(|n| html.find(n).unwrap_or_else(|| panic!("{n} listed")))
        .collect();
    assert!(
        order.windows(2).all(|w| w[0] < w[1]),
        "in name order: {order:?}"
    );
    assert!(html.contains(&format!("/cases/{case}")), "open cases shown");
    let found = b.get("/clients?q=lukasz").await;
    assert!(found.html().contains("Łukasz Nowak"));
    assert!(
        found.html().contains("LS1 4AB"),
        "the postcode tells them apart"
    );
    assert!(
        !found.html().contains("2 Mill Lane"),
        "not the whole address"
    );
    assert!(!found.html().contains("Zoë Adams"));
    let by_dob = b.get("/clients?q=&date_of_birth=1984-02-29").await;
    assert!(by_dob.html().contains("Łukasz Nowak"));
    assert!(!by_dob.html().contains("Lucy Brown"));
    let bad = b.get("/clients?date_of_birth=yesterday").await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.html().contains("Date of birth must be a date"));
}

/// Submit a page's own form with these (owned) values.
async fn submit_owned(b: &Browser<'_>, page: &str, fields: &[(&str, String)]) -> Resp {
    let f: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
    b.submit(page, page, &f).await
}

#[tokio::test]
async fn a_save_over_someone_elses_change_to_a_client_is_caught_not_silently_undone() {
    let app = TestApp::new().await;
    let (client, _) = app.client_and_case(&app.ann.1).await;
    let edit = format!("/clients/{client}/edit");
    let ann = sign_in(&app, "ann@example.org").await;
    let bob = sign_in(&app, "bob@example.org").await;
    // Both open the form; Ann records that letters are not safe.
    let anns_form = ann.get(&edit).await.html().to_owned();
    let bobs_form = bob.get(&edit).await.html().to_owned();
    let version = |html: &str| {
        let marker = "name=\"version\" value=\"";
        let start = html.find(marker).expect("the form carries its version") + marker.len();
        html[start..].split('"').next().unwrap().to_owned()
    };
    let fields = |v: String, letter: &'static str, phone: &'static str| {
        vec![
            ("version", v),
            ("name", "Dana Client".to_owned()),
            ("phone", phone.to_owned()),
            ("contact.letter", letter.to_owned()),
        ]
    };
    let saved = submit_owned(&ann, &edit, &fields(version(&anns_form), "no", "")).await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.html());
    // Bob, from the form he opened before, changes the phone number.
    let caught = submit_owned(
        &bob,
        &edit,
        &fields(version(&bobs_form), "", "07700 900123"),
    )
    .await;
    assert_eq!(caught.status, StatusCode::CONFLICT, "{}", caught.html());
    assert!(caught.html().contains("Someone else changed these details"));
    assert!(
        caught.html().contains("07700 900123"),
        "what Bob typed is kept"
    );
    let stored = app
        .get(&format!("/api/v1/clients/{client}"), &app.ann.1)
        .await;
    assert_eq!(
        stored.body["contact"]["letter"], false,
        "Ann's change stands"
    );
    assert!(stored.body["phone"].is_null(), "Bob's save waited");
    // Having looked, Bob saves from the form as re-shown.
    let again = submit_owned(
        &bob,
        &edit,
        &fields(version(caught.html()), "no", "07700 900123"),
    )
    .await;
    assert_eq!(again.status, StatusCode::SEE_OTHER, "{}", again.html());
}

#[tokio::test]
async fn a_clients_details_are_edited_with_errors_reshown_and_the_change_is_in_their_history() {
    let app = TestApp::new().await;
    let (client, _) = app.client_and_case(&app.ann.1).await;
    let b = sign_in(&app, "bob@example.org").await;
    let edit = format!("/clients/{client}/edit");
    let form = b.get(&edit).await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(form.html().contains("value=\"Dana Client\""));
    let bad = b
        .submit(
            &edit,
            &edit,
            &[
                ("name", "Dana Łęcka"),
                ("email", "nope"),
                ("access_needs.interpreter", "yes"),
            ],
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.html().contains("Email must be an email address"));
    assert!(bad.html().contains("value=\"Dana Łęcka\""), "input kept");
    assert_eq!(app.count("client_changes").await, 0);
    let still = b
        .submit(
            &edit,
            &edit,
            &[("name", "Dana Łęcka"), ("access_needs.interpreter", "yes")],
        )
        .await;
    assert!(
        still
            .html()
            .contains("Interpreter language is required when an interpreter is needed")
    );
    let saved = b
        .submit(
            &edit,
            &edit,
            &[
                ("name", "Dana Łęcka"),
                ("contact.text", "yes"),
                ("contact.letter", "no"),
                ("contact.times", "Weekdays after 3pm"),
                ("contact.safe_address", "Do not write to home address"),
                ("access_needs.interpreter", "yes"),
                ("access_needs.interpreter_language", "Polish"),
            ],
        )
        .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.html());
    assert_eq!(saved.location(), format!("/clients/{client}"));
    let page = b.get(&format!("/clients/{client}")).await;
    let html = page.html();
    assert!(html.contains("History of these details"));
    assert!(html.contains("Dana Client"), "old name in the history");
    assert!(html.contains("Bob Adviser"));
    assert!(html.contains("Weekdays after 3pm"));
    // Another team's practitioner may not edit.
    let cat = sign_in(&app, "cat@example.org").await;
    assert_eq!(cat.get(&edit).await.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn the_case_page_shows_how_to_reach_the_client() {
    let app = TestApp::new().await;
    let (client, case) = app.client_and_case(&app.ann.1).await;
    app.call(
        Method::PATCH,
        &format!("/api/v1/clients/{client}"),
        Some(&app.ann.1),
        Some(json!({
            "phone": "07700 900123",
            "contact": {"text": true, "phone": false, "times": "Weekdays after 3pm", "safe_address": "Do not write to home address"},
            "access_needs": {"interpreter": true, "interpreter_language": "Polish", "adjustments": "Step-free access"}
        })),
    )
    .await;
    let b = sign_in(&app, "ann@example.org").await;
    let page = b.get(&format!("/cases/{case}")).await;
    let html = page.html();
    assert!(html.contains("How to reach Dana Client"));
    assert!(html.contains("Interpreter needed:</strong> Polish"));
    assert!(html.contains("Step-free access"));
    assert!(html.contains("Text message"));
    assert!(html.contains("Weekdays after 3pm"));
    assert!(html.contains("Do not write to home address"));
    assert!(html.contains("07700 900123"));
}
