//! Users and roles: each role's pages and start page, and administrators
//! adding and deactivating users.

use axum::http::{Method, StatusCode};
use caseload_store::prelude::*;

use crate::common::{PASSWORD, post_form, sign_in};
use crate::support::{self, TestApp};

#[tokio::test]
async fn roles_reach_only_their_pages() {
    let app = TestApp::new().await;
    let ada = sign_in(&app, "ada@example.org").await;
    assert_eq!(ada.get("/caseload").await.status, StatusCode::FORBIDDEN);
    assert_eq!(ada.get("/admin/users").await.status, StatusCode::OK);
    let ann = sign_in(&app, "ann@example.org").await;
    assert_eq!(ann.get("/admin/users").await.status, StatusCode::FORBIDDEN);
    assert_eq!(ann.get("/team").await.status, StatusCode::FORBIDDEN);
    app.client_and_case(&app.ann.1).await;
    let sue = sign_in(&app, "sue@example.org").await;
    let team = sue.get("/team").await;
    assert_eq!(team.status, StatusCode::OK);
    assert!(team.html().contains("Ann Adviser") && team.html().contains("Bob Adviser"));
    let anns = sue.get(&format!("/team/{}", app.ann.0.id)).await;
    assert!(
        anns.html().contains("Caseload of Ann Adviser") && anns.html().contains("Rent arrears")
    );
    assert_eq!(
        sue.get(&format!("/team/{}", app.cat.0.id)).await.status,
        StatusCode::NOT_FOUND,
        "not another team's member"
    );
}

#[tokio::test]
async fn every_role_has_a_start_page_and_error_pages_keep_the_navigation() {
    let app = TestApp::new().await;
    app.store
        .create_user(
            &caseload_store::NewUser {
                email: caseload_domain::text::Email::parse("e", "dpo@example.org").unwrap(),
                name: "Dee Auditor".into(),
                role: caseload_domain::users::Role::Auditor,
                team_id: None,
            },
            support::start_time(),
        )
        .await
        .unwrap();
    // Signed out, the start page is signing in.
    let anon = app.call(Method::GET, "/", None, None).await;
    assert_eq!(anon.status, StatusCode::SEE_OTHER);
    assert_eq!(anon.location(), "/sign-in");
    for (email, home) in [
        ("ann@example.org", "/caseload"),
        ("sue@example.org", "/caseload"),
        ("ada@example.org", "/admin/users"),
        ("dpo@example.org", "/audit"),
    ] {
        let b = sign_in(&app, email).await;
        let start = b.get("/").await;
        assert_eq!(start.status, StatusCode::SEE_OTHER, "{email}");
        assert_eq!(start.location(), home, "{email}'s start page");
        let page = b.get(home).await;
        assert_eq!(page.status, StatusCode::OK, "{email} may see {home}");
        // The logo leads to `/`, and so to this page.
        assert!(page.html().contains("<a class=\"brand\" href=\"/\">"));
    }
    // An administrator on a case worker's page: refused, but with the
    // menu, the sign-out button and a way to their own start page.
    let ada = sign_in(&app, "ada@example.org").await;
    let refused = ada.get("/caseload").await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    let html = refused.html();
    assert!(html.contains("Not available to you"));
    assert!(
        html.contains("href=\"/admin/users\""),
        "the menu is there: {html}"
    );
    assert!(html.contains("action=\"/sign-out\""), "and signing out");
    assert!(
        html.contains("Go to your start page: Administration"),
        "{html}"
    );
    // An address that does not exist, signed in: the same.
    let missing = ada.get("/no-such-page").await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    assert!(
        missing.html().contains("action=\"/sign-out\""),
        "{}",
        missing.html()
    );
    // Signed out, an error page offers signing in and no menu.
    let anon = app.call(Method::GET, "/no-such-page", None, None).await;
    assert_eq!(anon.status, StatusCode::NOT_FOUND);
    assert!(!anon.html().contains("action=\"/sign-out\""));
    assert!(anon.html().contains("href=\"/sign-in\""));
}

#[tokio::test]
async fn administrators_add_users_and_deactivating_signs_them_out() {
    let app = TestApp::new().await;
    let ada = sign_in(&app, "ada@example.org").await;
    let weak = ada
        .submit(
            "/admin/users/new",
            "/admin/users/new",
            &[
                ("email", "new@example.org"),
                ("name", "New Person"),
                ("role", "practitioner"),
                ("team", app.north.id.as_str()),
                ("password", "Password1234"),
            ],
        )
        .await;
    assert_eq!(weak.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(weak.html().contains("most commonly used"));
    let no_team = ada
        .submit(
            "/admin/users/new",
            "/admin/users/new",
            &[
                ("email", "new@example.org"),
                ("name", "New Person"),
                ("role", "practitioner"),
                ("password", PASSWORD),
            ],
        )
        .await;
    assert!(no_team.html().contains("Team is required"));
    let dup = ada
        .submit(
            "/admin/users/new",
            "/admin/users/new",
            &[
                ("email", "ann@example.org"),
                ("name", "X"),
                ("role", "admin"),
                ("password", PASSWORD),
            ],
        )
        .await;
    assert!(dup.html().contains("already exists"));
    let ok = ada
        .submit(
            "/admin/users/new",
            "/admin/users/new",
            &[
                ("email", "new@example.org"),
                ("name", "New Person"),
                ("role", "practitioner"),
                ("team", app.north.id.as_str()),
                ("password", PASSWORD),
            ],
        )
        .await;
    assert_eq!(ok.status, StatusCode::SEE_OTHER, "{}", ok.html());

    let ann = sign_in(&app, "ann@example.org").await;
    let edit = format!("/admin/users/{}", app.ann.0.id);
    let off = ada
        .submit(
            &edit,
            &edit,
            &[
                ("name", "Ann Adviser"),
                ("role", "practitioner"),
                ("team", app.north.id.as_str()),
                ("active", "no"),
            ],
        )
        .await;
    assert_eq!(off.status, StatusCode::SEE_OTHER, "{}", off.html());
    assert_eq!(
        ann.get("/caseload").await.status,
        StatusCode::SEE_OTHER,
        "signed out everywhere"
    );
    let again = post_form(
        &app,
        "/sign-in",
        None,
        &[("email", "ann@example.org"), ("password", PASSWORD)],
        "same-origin",
    )
    .await;
    assert_eq!(again.status, StatusCode::UNAUTHORIZED);
    assert!(
        app.store.get_user(&app.ann.0.id).await.is_ok(),
        "never deleted"
    );
    let teams = ada
        .submit("/admin/teams", "/admin/teams", &[("name", "North")])
        .await;
    assert!(teams.html().contains("already exists"));
}
