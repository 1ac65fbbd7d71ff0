//! Administrators in a real browser: the logo leads to administration.

use caseload_store::prelude::*;

use crate::common::{PASSWORD, signed_in};
use crate::support::TestApp;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_administrators_logo_click_lands_on_administration() {
    let app = TestApp::new().await;
    let Some((_driver, mut s)) = signed_in(&app, "ada@example.org").await else {
        return;
    };
    assert_eq!(s.path().await, "/admin/users", "signing in lands there");
    // A case worker's page is refused, with the menu and sign-out kept.
    s.go("/caseload").await;
    assert!(s.html().await.contains("Not available to you"));
    s.check("21-admin-refused").await;
    s.click_then("a.brand", "form[action='/sign-out']").await;
    assert_eq!(s.path().await, "/admin/users", "the logo leads home");
    s.go("/caseload").await;
    s.click_then(
        ".site-nav a[href='/admin/teams']",
        "form[action='/sign-out']",
    )
    .await;
    assert_eq!(
        s.path().await,
        "/admin/teams",
        "the menu works from an error page"
    );
    s.go(&format!("/admin/users/{}", app.ann.0.id)).await;
    s.check("21b-admin-edit-user").await;
    // Their own API tokens, from the link beside their name: a new one is
    // shown once, and the page fits a phone with the secret on it.
    s.click_then(".account a[href='/account/tokens']", "#f-name")
        .await;
    s.fill("#f-name", "Reporting script").await;
    s.click_then("form[action='/account/tokens'] button", "#new-token")
        .await;
    let html = s.html().await;
    assert!(html.contains("Reporting script") && html.contains("cl_"));
    s.check("21c-api-tokens").await;
    s.click_then("form[action='/sign-out'] button", "#f-email")
        .await;

    // An auditor lands on the audit trail, which fits a phone too.
    let (_, case) = app.client_and_case(&app.ann.1).await;
    app.get(&format!("/api/v1/cases/{case}"), &app.cat.1).await;
    let dee = app
        .store
        .create_user(
            &caseload_store::NewUser {
                email: caseload_domain::text::Email::parse("e", "dpo@example.org").unwrap(),
                name: "Dee Auditor".into(),
                role: caseload_domain::users::Role::Auditor,
                team_id: None,
            },
            app.clock_now(),
        )
        .await
        .unwrap();
    app.store
        .set_password(&dee.id, &caseload_web::passwords::hash(PASSWORD).unwrap())
        .await
        .unwrap();
    s.fill("#f-email", "dpo@example.org").await;
    s.fill("#f-password", PASSWORD).await;
    s.click_then("form[action='/sign-in'] button", "form[action='/sign-out']")
        .await;
    assert_eq!(s.path().await, "/audit", "an auditor's start page");
    assert!(
        s.html().await.contains("case.denied"),
        "with a denied look marked"
    );
    s.check("22-audit").await;
    s.click_then("a.brand", "form[action='/sign-out']").await;
    assert_eq!(s.path().await, "/audit", "the logo leads there too");
    s.client.close().await.unwrap();
}
