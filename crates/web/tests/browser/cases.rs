//! A practitioner works a case end to end: caseload, case, notes, the
//! late-entry error, amendment, another team's case, a cross-site POST, sign out.

use caseload_store::prelude::*;
use fantoccini::Locator;
use serde_json::{Value, json};

use crate::common::{PASSWORD, Session, browser, serve, skip, start_chromedriver, workspace};
use crate::support::TestApp;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_practitioner_works_a_case_in_a_real_browser() {
    let Some((_driver, webdriver)) = start_chromedriver().await else {
        return;
    };
    let axe_path = workspace().join("node_modules/axe-core/axe.min.js");
    let axe = match std::fs::read_to_string(&axe_path) {
        Ok(s) => Some(s),
        Err(_) => {
            skip("node_modules/axe-core is missing (run npm ci); accessibility checks need it");
            None
        }
    };

    let app = TestApp::new().await;
    for email in ["ann@example.org", "sue@example.org", "ada@example.org"] {
        let user = app.store.find_user_by_email(email).await.unwrap().unwrap();
        app.store
            .set_password(&user.id, &caseload_web::passwords::hash(PASSWORD).unwrap())
            .await
            .unwrap();
    }
    let (client_id, case) = app.client_and_case(&app.ann.1).await;
    app.post(
        &format!("/api/v1/cases/{case}/tasks"),
        &app.ann.1,
        json!({"title": "Chase landlord", "due_date": "2026-03-06"}),
    )
    .await;
    app.post(
        &format!("/api/v1/cases/{case}/outcomes"),
        &app.ann.1,
        json!({"description": "Tenancy sustained"}),
    )
    .await;
    let (_, theirs) = app.client_and_case(&app.cat.1).await;
    let addr = serve(caseload_web::router(app.state.clone())).await;

    // A page on another site that posts a form to Caseload.
    let target = format!("http://127.0.0.1:{}/cases/{case}/notes/new", addr.port());
    let attacker = serve(axum::Router::new().route(
        "/",
        axum::routing::get(move || {
            let target = target.clone();
            async move {
                axum::response::Html(format!(
                    "<!doctype html><title>x</title><form id=f method=post action=\"{target}\">\
                 <input name=kind value=phone><input name=occurred_at value=2026-03-02T08:00>\
                 <input name=section_situation value=forged><button>go</button></form>"
                ))
            }
        }),
    ))
    .await;

    let client = browser(&webdriver).await;
    let mut s = Session {
        client,
        base: format!("http://127.0.0.1:{}", addr.port()),
        axe,
        checked: Vec::new(),
    };

    // Signing in lands on the caseload.
    s.go("/caseload").await;
    assert_eq!(s.path().await, "/sign-in");
    s.check("01-sign-in").await;
    s.fill("#f-email", "ann@example.org").await;
    s.fill("#f-password", "wrong password here").await;
    s.click_then("form[action='/sign-in'] button", ".error-summary")
        .await;
    assert!(
        s.html()
            .await
            .contains("email address or password is not right")
    );
    s.check("02-sign-in-error").await;
    s.fill("#f-password", PASSWORD).await;
    s.click_then("form[action='/sign-in'] button", "table.caseload")
        .await;
    assert_eq!(s.path().await, "/caseload");
    let html = s.html().await;
    assert!(
        html.contains("Dana Client") && html.contains("Chase landlord"),
        "the caseload lists the case"
    );
    s.check("03-caseload").await;

    // Open the case.
    s.click_then("a.row-link", "#timeline").await;
    assert_eq!(s.path().await, format!("/cases/{case}"));
    s.check("04-case").await;

    // Add a note about yesterday's visit: a late entry, refused without a reason.
    s.click_then(
        &format!("a[href='/cases/{case}/notes/new']"),
        "#f-occurred_at",
    )
    .await;
    s.check("05-add-note").await;
    s.client
        .execute(
            "document.getElementById('f-occurred_at').value = '2026-03-01T08:00';",
            vec![],
        )
        .await
        .unwrap();
    s.fill(
        "#f-sections-situation",
        "Home visit. Client showed the section 21 notice.",
    )
    .await;
    s.fill(
        "#f-sections-action",
        "Checked the notice; deposit was not protected.",
    )
    .await;
    s.click_then("button[data-once]", ".error-summary").await;
    let html = s.html().await;
    assert!(
        html.contains("There is a problem") && html.contains("id=\"e-late_reason\""),
        "late entry needs a reason: {}",
        &html[html.find("<main").unwrap_or(0)..]
    );
    assert!(
        html.contains("Client showed the section 21 notice."),
        "typed text is kept"
    );
    s.check("06-add-note-late-error").await;
    s.fill("#f-late_reason", "Visit ran late; written up next morning")
        .await;
    s.click_then("button[data-once]", ".note.late").await;
    assert_eq!(s.path().await, format!("/cases/{case}"));
    let html = s.html().await;
    assert!(
        html.contains("Late entry") && html.contains("Visit ran late; written up next morning")
    );
    assert_eq!(app.count("notes").await, 1);

    // Amend the note; the original stays readable.
    s.click_then("a[href$='/amend']", "#f-reason").await;
    s.check("07-amend-note").await;
    s.fill("#f-reason", "Added the deposit scheme checked")
        .await;
    s.fill(
        "#f-sections-action",
        "Checked the notice; deposit was not protected in any of the three schemes.",
    )
    .await;
    s.click_then("button[data-once]", ".amendments").await;
    let html = s.html().await;
    assert!(
        html.contains("Amended 1 time")
            && html.contains("deposit was not protected in any of the three schemes")
    );
    assert!(html.contains("Original note as first written"));
    s.check("08-case-after-amendment").await;

    // The client page and the new-client form.
    s.go(&format!("/clients/{client_id}")).await;
    s.check("09-client").await;
    s.go("/clients/new").await;
    s.click_then("form[action='/clients/new'] button", ".error-summary")
        .await;
    assert!(s.html().await.contains("Name is required"));
    s.check("10-new-client-error").await;
    s.go(&format!("/cases/{case}/status")).await;
    s.check("11-status").await;
    // Assess the case's priority and read the rationale.
    s.go(&format!("/cases/{case}/priority/assess")).await;
    s.check("11c-assess").await;
    s.click("#a-threatened_within_56_days-yes").await;
    s.client
        .find(Locator::Css("#f-answers-priority_need"))
        .await
        .unwrap()
        .select_by_value("pregnant")
        .await
        .unwrap();
    s.click_then(
        "form[action$='/priority/assess'] button",
        "#priority .tag.band-P2",
    )
    .await;
    s.click("#priority details summary").await;
    let html = s.html().await;
    assert!(
        html.contains("Score 30 → P2 High"),
        "the rationale is there to read"
    );
    s.check("11d-case-with-priority").await;
    // Set a deadline on the case from a rule.
    s.go(&format!("/cases/{case}/deadlines/new")).await;
    s.check("11a-add-deadline").await;
    s.client
        .find(Locator::Css("#f-rule"))
        .await
        .unwrap()
        .select_by_value("mandatory_reconsideration")
        .await
        .unwrap();
    s.client
        .execute(
            "document.getElementById('f-trigger_date').value = '2026-01-31';",
            vec![],
        )
        .await
        .unwrap();
    s.click_then("form[action$='/deadlines/new'] button", "#deadlines li")
        .await;
    assert!(
        s.html().await.contains("28 Feb 2026"),
        "the computed due date is on the case"
    );
    s.go("/deadlines/calculator?rule=mandatory_reconsideration&trigger_date=2026-01-31")
        .await;
    assert!(s.html().await.contains("due Sat 28 Feb 2026"));
    s.check("11b-deadline-calculator").await;
    s.go("/deadlines").await;
    assert!(s.html().await.contains("Mandatory reconsideration request"));
    s.check("11f-deadlines").await;
    s.go("/calendar-feed").await;
    s.click_then("button[value='create']", "#feed-url").await;
    s.check("11e-calendar-feed").await;

    // Another team's case is not found.
    s.go(&format!("/cases/{theirs}")).await;
    assert!(s.html().await.contains("Page not found"));
    s.check("12-not-found").await;

    // A form on another site posting here is refused and changes nothing.
    s.client
        .goto(&format!("http://localhost:{}/", attacker.port()))
        .await
        .unwrap();
    s.click_then("#f button", "main h1").await;
    assert!(
        s.html().await.contains("Form not accepted"),
        "cross-site POST refused"
    );
    assert_eq!(app.count("notes").await, 1);

    // A deadline added by hand is coming up; when time moves on (the
    // injected clock, not a sleep) it goes at risk.
    s.go(&format!("/cases/{case}/deadlines/new")).await;
    s.fill("#f-title", "File the defence").await;
    s.client
        .execute(
            "document.getElementById('f-due_date').value = '2026-03-16';",
            vec![],
        )
        .await
        .unwrap();
    s.click_then("form[action$='/deadlines/new'] button", "#deadlines li")
        .await;
    s.go("/deadlines").await;
    let html = s.html().await;
    let coming_up = &html[html.find("Coming up").expect("coming up")..];
    assert!(coming_up.contains("File the defence"), "{html}");
    app.advance(10 * 24 * 60); // Thursday 12 March: two working days left
    s.go("/deadlines").await; // the session has idled out meanwhile
    s.fill("#f-email", "ann@example.org").await;
    s.fill("#f-password", PASSWORD).await;
    s.click_then("form[action='/sign-in'] button", "form[action='/sign-out']")
        .await;
    s.go("/deadlines").await;
    let html = s.html().await;
    let at_risk =
        &html[html.find("At risk").expect("at risk")..html.find("Coming up").expect("coming up")];
    assert!(
        at_risk.contains("File the defence") && at_risk.contains("2 working days left"),
        "{html}"
    );
    s.check("11g-deadline-at-risk").await;

    // Sign out.
    s.go("/caseload").await;
    s.click_then("form[action='/sign-out'] button", "#f-email")
        .await;
    assert_eq!(s.path().await, "/sign-in");
    s.go(&format!("/cases/{case}")).await;
    assert_eq!(s.path().await, "/sign-in", "signed out for real");

    // The supervisor's team view and the administrator's pages.
    for (email, pages) in [
        (
            "sue@example.org",
            vec![
                ("13-team", "/team".to_owned()),
                ("13b-notifications", "/notifications".to_owned()),
                ("14-team-member", format!("/team/{}", app.ann.0.id)),
            ],
        ),
        (
            "ada@example.org",
            vec![
                ("15-admin-users", "/admin/users".to_owned()),
                ("16-admin-new-user", "/admin/users/new".to_owned()),
                ("17-admin-teams", "/admin/teams".to_owned()),
                ("17b-admin-policies", "/admin/policies".to_owned()),
                ("17c-admin-policy", "/admin/policies/housing".to_owned()),
                ("17d-admin-timescales", "/admin/timescales".to_owned()),
            ],
        ),
    ] {
        s.go("/sign-in").await;
        s.fill("#f-email", email).await;
        s.fill("#f-password", PASSWORD).await;
        s.click_then("form[action='/sign-in'] button", "form[action='/sign-out']")
            .await;
        for (name, path) in pages {
            s.go(&path).await;
            s.check(name).await;
        }
        s.click_then("form[action='/sign-out'] button", "#f-email")
            .await;
    }

    let checked: Value = json!(s.checked);
    s.client.close().await.unwrap();
    if s.axe.is_some() {
        assert_eq!(
            checked.as_array().unwrap().len(),
            28,
            "every page was checked: {checked}"
        );
    }
}
