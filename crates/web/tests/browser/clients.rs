//! Clients in a real browser: found by a name typed without accents, and
//! edited, at desktop and phone widths.

use serde_json::json;

use crate::common::signed_in;
use crate::support::TestApp;

/// Issue 13: a client is found by a name typed without its accents and
/// their details edited, at desktop and phone widths.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_client_is_found_by_a_misspelt_accent_name_and_edited() {
    let app = TestApp::new().await;
    app.client_and_case(&app.ann.1).await;
    let lukasz = app
        .post(
            "/api/v1/clients",
            &app.ann.1,
            json!({"name": "Łukasz Nowak", "date_of_birth": "1984-02-29", "address": "2 Mill Lane, Leeds, LS1 4AB"}),
        )
        .await
        .id();
    app.post("/api/v1/clients", &app.ann.1, json!({"name": "Zoë Adams"}))
        .await;
    let Some((_driver, mut s)) = signed_in(&app, "ann@example.org").await else {
        return;
    };

    for (width, tag) in [(1366u32, "1366"), (390, "390")] {
        s.client.set_window_size(width, 900).await.unwrap();
        s.go("/clients").await;
        s.fill("#f-q", "lukasz").await;
        // The list before the search has a table too: wait for the page
        // that answers the search (its field carries what was searched).
        s.click_then("form[role='search'] button", "#f-q[value='lukasz']")
            .await;
        let html = s.html().await;
        assert!(html.contains("Łukasz Nowak"), "found without the accent");
        assert!(!html.contains("Zoë Adams"));
        s.check(&format!("clients-found-{tag}")).await;

        s.click_then(&format!("a[href='/clients/{lukasz}']"), "a[href$='/edit']")
            .await;
        s.click_then("a[href$='/edit']", "#f-contact-text").await;
        s.check(&format!("client-edit-{tag}")).await;
        // An interpreter without a language is refused, by its field.
        s.click("#f-access_needs-interpreter").await;
        s.click_then("form[action$='/edit'] button", ".error-summary")
            .await;
        assert!(s.html().await.contains("Interpreter language is required"));
        s.check(&format!("client-edit-error-{tag}")).await;
        s.fill("#f-access_needs-interpreter_language", "Polish")
            .await;
        s.fill("#f-contact-times", &format!("Weekdays after 3pm ({tag})"))
            .await;
        s.click_then("form[action$='/edit'] button", "#history-title + table")
            .await;
        assert_eq!(s.path().await, format!("/clients/{lukasz}"));
        let html = s.html().await;
        assert!(html.contains(&format!("Weekdays after 3pm ({tag})")));
        assert!(html.contains("Needed: Polish"));
        s.check(&format!("client-history-{tag}")).await;
        // Leave the checkbox as the next width expects to find it.
        if width == 1366 {
            app.call(
                axum::http::Method::PATCH,
                &format!("/api/v1/clients/{lukasz}"),
                Some(&app.ann.1),
                Some(json!({"access_needs": {"interpreter": false, "interpreter_language": null}})),
            )
            .await;
        }
    }
    let checked = s.checked.len();
    s.client.close().await.unwrap();
    if s.axe.is_some() {
        assert_eq!(checked, 8, "every page was checked at both widths");
    }
}
