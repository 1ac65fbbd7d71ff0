//! "Your API tokens": make one (its secret shown once), list them, revoke
//! one after confirming; an administrator's password reset or deactivation
//! revokes them all.

use axum::http::StatusCode;
use caseload_store::prelude::*;

use crate::common::{PASSWORD, sign_in};
use crate::support::TestApp;

fn secret_on(html: &str) -> String {
    let marker = "<code class=\"secret\">";
    let start = html.find(marker).expect("the new token on the page") + marker.len();
    html[start..].split('<').next().unwrap().to_owned()
}

#[tokio::test]
async fn a_token_is_made_shown_once_listed_and_revoked_after_confirming() {
    let app = TestApp::new().await;
    let ann = sign_in(&app, "ann@example.org").await;
    let page = ann.get("/account/tokens").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.html().contains("Your API tokens"));
    assert!(page.html().contains("aria-current=\"page\">API tokens"));
    let made = ann
        .submit(
            "/account/tokens",
            "/account/tokens",
            &[
                ("name", "Reporting <script>"),
                ("expires_in_days", "30"),
                ("scope", "read"),
            ],
        )
        .await;
    assert_eq!(made.status, StatusCode::OK, "{}", made.html());
    let secret = secret_on(made.html());
    assert!(
        made.html().contains("Reporting &#60;script&#62;"),
        "escaped: {}",
        made.html()
    );
    assert!(!made.html().contains("Reporting <script>"));
    // The token works, read-only.
    let me = app.get("/api/v1/me", &secret).await;
    assert_eq!(me.status, StatusCode::OK);
    app.post("/api/v1/clients", &secret, serde_json::json!({"name": "X"}))
        .await
        .assert_problem(403);
    // Listed with when it was made, used and expires; the secret never again.
    let list = ann.get("/account/tokens").await;
    assert!(!list.html().contains(&secret));
    assert!(!list.html().contains("class=\"secret\""));
    assert!(list.html().contains("Reporting &#60;script&#62;"));
    assert!(list.html().contains(">read<"));
    let tokens = app.store.list_api_tokens(&app.ann.0.id).await.unwrap();
    let id = tokens
        .iter()
        .find(|t| t.name.starts_with("Reporting"))
        .unwrap()
        .id
        .to_string();
    assert!(
        list.html()
            .contains(&format!("/account/tokens/{id}/revoke"))
    );
    // Confirm, then revoke.
    let confirm = ann.get(&format!("/account/tokens/{id}/revoke")).await;
    assert_eq!(confirm.status, StatusCode::OK);
    assert!(confirm.html().contains("Revoke the token"));
    let done = ann
        .submit(
            &format!("/account/tokens/{id}/revoke"),
            &format!("/account/tokens/{id}/revoke"),
            &[],
        )
        .await;
    assert_eq!(done.status, StatusCode::SEE_OTHER);
    assert_eq!(done.location(), "/account/tokens?done=revoked");
    app.get("/api/v1/me", &secret).await.assert_problem(401);
    let after = ann.get(done.location()).await;
    assert!(after.html().contains("The token is revoked"));
    assert!(
        !after
            .html()
            .contains(&format!("/account/tokens/{id}/revoke"))
    );
}

#[tokio::test]
async fn bad_token_forms_are_shown_again_with_what_was_typed() {
    let app = TestApp::new().await;
    let ann = sign_in(&app, "ann@example.org").await;
    let r = ann
        .submit(
            "/account/tokens",
            "/account/tokens",
            &[("name", "  "), ("expires_in_days", "soon")],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.html().contains("Name is required"), "{}", r.html());
    assert!(
        r.html()
            .contains("Lifetime in days must be a whole number of days")
    );
    assert!(
        r.html()
            .contains("What it may do must name at least one scope")
    );
    assert!(r.html().contains("value=\"soon\""));
    let long = ann
        .submit(
            "/account/tokens",
            "/account/tokens",
            &[
                ("name", "x"),
                ("expires_in_days", "9999"),
                ("scope", "write"),
            ],
        )
        .await;
    assert_eq!(long.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(long.html().contains("from 1 to 1830"));
    assert!(
        app.store
            .list_api_tokens(&app.ann.0.id)
            .await
            .unwrap()
            .len()
            == 1
    );
}

#[tokio::test]
async fn nobody_sees_or_revokes_anothers_token_from_the_page() {
    let app = TestApp::new().await;
    let bob_token = app.store.list_api_tokens(&app.bob.0.id).await.unwrap()[0]
        .id
        .to_string();
    let ann = sign_in(&app, "ann@example.org").await;
    assert!(!ann.get("/account/tokens").await.html().contains(&bob_token));
    let path = format!("/account/tokens/{bob_token}/revoke");
    assert_eq!(ann.get(&path).await.status, StatusCode::NOT_FOUND);
    let csrf = crate::common::csrf_of(ann.get("/account/tokens").await.html());
    let r = crate::common::post_form(
        &app,
        &path,
        Some(&ann.cookie),
        &[("csrf", &csrf)],
        "same-origin",
    )
    .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert_eq!(
        app.get("/api/v1/me", &app.bob.1).await.status,
        StatusCode::OK
    );
    // Signed out, the page asks to sign in.
    let anon = app
        .raw(
            axum::http::Request::get("/account/tokens")
                .body(axum::body::Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(anon.status, StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn an_administrators_password_reset_and_deactivation_revoke_every_token() {
    let app = TestApp::new().await;
    let ada = sign_in(&app, "ada@example.org").await;
    let edit = |id: String| format!("/admin/users/{id}");
    let reset = ada
        .submit(
            &edit(app.bob.0.id.to_string()),
            &edit(app.bob.0.id.to_string()),
            &[
                ("name", "Bob Adviser"),
                ("role", "practitioner"),
                ("team", app.north.id.as_str()),
                ("active", "yes"),
                ("password", PASSWORD),
            ],
        )
        .await;
    assert_eq!(reset.status, StatusCode::SEE_OTHER, "{}", reset.html());
    app.get("/api/v1/me", &app.bob.1).await.assert_problem(401);
    assert_eq!(
        app.get("/api/v1/me", &app.ann.1).await.status,
        StatusCode::OK
    );
    let off = ada
        .submit(
            &edit(app.ann.0.id.to_string()),
            &edit(app.ann.0.id.to_string()),
            &[
                ("name", "Ann Adviser"),
                ("role", "practitioner"),
                ("team", app.north.id.as_str()),
                ("active", "no"),
            ],
        )
        .await;
    assert_eq!(off.status, StatusCode::SEE_OTHER, "{}", off.html());
    app.get("/api/v1/me", &app.ann.1).await.assert_problem(401);
    // Revoked, not merely refused while deactivated: reactivated, still gone.
    assert!(
        app.store
            .list_api_tokens(&app.ann.0.id)
            .await
            .unwrap()
            .is_empty()
    );
}
