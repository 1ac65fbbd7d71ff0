//! Signing in and sessions, and what guards every page: security headers and
//! refusing cross-site or tokenless posts.

use axum::body::Body;
use axum::http::{Method, Request, StatusCode};
use caseload_store::prelude::*;

use crate::common::{Browser, PASSWORD, csrf_of, form_body, post_form, set_password, sign_in};
use crate::support::TestApp;

#[tokio::test]
async fn every_page_carries_the_security_headers() {
    let app = TestApp::new().await;
    let r = app.call(Method::GET, "/sign-in", None, None).await;
    assert_eq!(r.status, StatusCode::OK);
    let csp = r
        .headers
        .get("content-security-policy")
        .unwrap()
        .to_str()
        .unwrap();
    assert!(
        csp.contains("script-src 'self'") && !csp.contains("unsafe-inline"),
        "{csp}"
    );
    assert!(csp.contains("frame-ancestors 'none'"));
    assert_eq!(r.headers.get("x-content-type-options").unwrap(), "nosniff");
    assert_eq!(r.headers.get("x-frame-options").unwrap(), "DENY");
    assert!(r.headers.contains_key("referrer-policy"));
    assert_eq!(r.headers.get("cache-control").unwrap(), "no-store");
    let b = sign_in(&app, "ann@example.org").await;
    let page = b.get("/caseload").await;
    assert_eq!(page.headers.get("cache-control").unwrap(), "no-store");
    assert!(page.html().contains("Skip to main content"));
    let css = app.call(Method::GET, "/static/app.css", None, None).await;
    assert_eq!(css.status, StatusCode::OK);
    assert!(
        css.headers
            .get("content-type")
            .unwrap()
            .to_str()
            .unwrap()
            .starts_with("text/css")
    );
}

#[tokio::test]
async fn signing_in_makes_a_server_side_session_with_a_safe_cookie() {
    let app = TestApp::new().await;
    let anon = app.call(Method::GET, "/caseload", None, None).await;
    assert_eq!(anon.status, StatusCode::SEE_OTHER);
    assert_eq!(anon.location(), "/sign-in?next=/caseload");
    set_password(&app, "ann@example.org").await;
    let r = post_form(
        &app,
        "/sign-in",
        None,
        &[
            ("email", "ANN@example.org"),
            ("password", PASSWORD),
            ("next", "/clients"),
        ],
        "same-origin",
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(r.location(), "/clients");
    let cookie = r.headers.get("set-cookie").unwrap().to_str().unwrap();
    assert!(cookie.starts_with("caseload_session="));
    for attr in ["HttpOnly", "SameSite=Lax", "Path=/"] {
        assert!(cookie.contains(attr), "{cookie}");
    }
    assert!(
        !cookie.contains("Secure"),
        "not Secure unless configured for HTTPS"
    );
    let secret = cookie
        .split(';')
        .next()
        .unwrap()
        .trim_start_matches("caseload_session=");
    let stored = app
        .store
        .get_session(&caseload_web::auth::token_hash(secret))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(stored.user.email, "ann@example.org");
    let offsite = post_form(
        &app,
        "/sign-in",
        None,
        &[
            ("email", "ann@example.org"),
            ("password", PASSWORD),
            ("next", "https://evil.example/"),
        ],
        "same-origin",
    )
    .await;
    assert_eq!(
        offsite.location(),
        "/caseload",
        "never redirect off-site after sign-in"
    );
}

#[tokio::test]
async fn a_new_session_id_at_sign_in_and_sign_out_ends_it_on_the_server() {
    let app = TestApp::new().await;
    let first = sign_in(&app, "ann@example.org").await;
    let again = post_form(
        &app,
        "/sign-in",
        Some(&first.cookie),
        &[("email", "ann@example.org"), ("password", PASSWORD)],
        "same-origin",
    )
    .await;
    let second_cookie = again
        .headers
        .get("set-cookie")
        .unwrap()
        .to_str()
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_owned();
    assert_ne!(second_cookie, first.cookie);
    assert_eq!(
        first.get("/caseload").await.status,
        StatusCode::SEE_OTHER,
        "the old session was ended"
    );
    let second = Browser {
        app: &app,
        cookie: second_cookie,
    };
    assert_eq!(second.get("/caseload").await.status, StatusCode::OK);
    let out = second.submit("/caseload", "/sign-out", &[]).await;
    assert_eq!(out.status, StatusCode::SEE_OTHER);
    assert!(
        out.headers
            .get("set-cookie")
            .unwrap()
            .to_str()
            .unwrap()
            .contains("Max-Age=0")
    );
    let after = second.get("/caseload").await;
    assert_eq!(
        after.status,
        StatusCode::SEE_OTHER,
        "a copied cookie is useless after sign-out"
    );
    assert!(after.location().contains("expired=1"));
}

#[tokio::test]
async fn sessions_end_after_the_idle_and_absolute_timeouts() {
    let app = TestApp::new().await;
    let b = sign_in(&app, "ann@example.org").await;
    app.advance(29);
    assert_eq!(b.get("/caseload").await.status, StatusCode::OK);
    app.advance(31);
    assert_eq!(
        b.get("/caseload").await.status,
        StatusCode::SEE_OTHER,
        "30 minutes idle"
    );

    let busy = sign_in(&app, "bob@example.org").await;
    for _ in 0..35 {
        app.advance(20);
        assert_eq!(busy.get("/caseload").await.status, StatusCode::OK);
    }
    app.advance(21);
    assert_eq!(
        busy.get("/caseload").await.status,
        StatusCode::SEE_OTHER,
        "12 hours after sign-in, however busy"
    );
}

#[tokio::test]
async fn failed_sign_ins_are_refused_then_throttled() {
    let app = TestApp::new().await;
    set_password(&app, "ann@example.org").await;
    let wrong = post_form(
        &app,
        "/sign-in",
        None,
        &[
            ("email", "ann@example.org"),
            ("password", "not the password"),
        ],
        "same-origin",
    )
    .await;
    assert_eq!(wrong.status, StatusCode::UNAUTHORIZED);
    assert!(
        wrong
            .html()
            .contains("email address or password is not right")
    );
    assert!(
        wrong.html().contains("value=\"ann@example.org\""),
        "the email is kept"
    );
    let nobody = post_form(
        &app,
        "/sign-in",
        None,
        &[
            ("email", "nobody@example.org"),
            ("password", "whatever it is"),
        ],
        "same-origin",
    )
    .await;
    assert_eq!(
        nobody.status,
        StatusCode::UNAUTHORIZED,
        "the same answer for unknown accounts"
    );
    for _ in 0..4 {
        post_form(
            &app,
            "/sign-in",
            None,
            &[("email", "ann@example.org"), ("password", "still wrong")],
            "same-origin",
        )
        .await;
    }
    let blocked = post_form(
        &app,
        "/sign-in",
        None,
        &[("email", "ann@example.org"), ("password", PASSWORD)],
        "same-origin",
    )
    .await;
    assert_eq!(
        blocked.status,
        StatusCode::TOO_MANY_REQUESTS,
        "even the right password waits"
    );
    app.advance(16);
    let ok = post_form(
        &app,
        "/sign-in",
        None,
        &[("email", "ann@example.org"), ("password", PASSWORD)],
        "same-origin",
    )
    .await;
    assert_eq!(ok.status, StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn cross_site_and_tokenless_posts_are_refused_and_change_nothing() {
    let app = TestApp::new().await;
    let (_, case) = app.client_and_case(&app.ann.1).await;
    let b = sign_in(&app, "ann@example.org").await;
    let csrf = csrf_of(b.get(&format!("/cases/{case}/notes/new")).await.html());
    let note = [
        ("csrf", csrf.as_str()),
        ("kind", "phone"),
        ("occurred_at", "2026-03-02T08:30"),
        ("section_situation", "Forged"),
    ];
    let path = format!("/cases/{case}/notes/new");
    let cross = post_form(&app, &path, Some(&b.cookie), &note, "cross-site").await;
    assert_eq!(cross.status, StatusCode::FORBIDDEN);
    let mut no_token = note.to_vec();
    no_token.remove(0);
    let tokenless = post_form(&app, &path, Some(&b.cookie), &no_token, "same-origin").await;
    assert_eq!(tokenless.status, StatusCode::FORBIDDEN);
    let forged_origin = app
        .raw(
            Request::builder()
                .method(Method::POST)
                .uri(&path)
                .header("content-type", "application/x-www-form-urlencoded")
                .header("host", "caseload.test")
                .header("origin", "https://evil.example")
                .header("cookie", &b.cookie)
                .body(Body::from(form_body(&note)))
                .unwrap(),
        )
        .await;
    assert_eq!(forged_origin.status, StatusCode::FORBIDDEN);
    assert_eq!(app.count("notes").await, 0);
    let ok = post_form(&app, &path, Some(&b.cookie), &note, "same-origin").await;
    assert_eq!(ok.status, StatusCode::SEE_OTHER, "{}", ok.html());
    assert_eq!(app.count("notes").await, 1);
}
