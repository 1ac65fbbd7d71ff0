//! Signing in and sessions, and what guards every page: security headers and
//! refusing cross-site or tokenless posts.

use axum::http::{Method, StatusCode};
use caseload_store::prelude::*;

use crate::common::{
    Browser, PASSWORD, csrf_of, form_body, form_request, post_form, set_password, sign_in,
};
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
async fn failed_sign_ins_are_refused_and_audited() {
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
    let audited = app.store.list_audit(50).await.unwrap();
    let failures: Vec<_> = audited
        .iter()
        .filter(|e| e.action == "sign_in.failed")
        .collect();
    assert_eq!(failures.len(), 2, "each failure is audited: {audited:?}");
    assert!(
        app.state
            .metrics
            .render(&[])
            .contains("caseload_sign_in_failures_total{reason=\"wrong\"} 2\n"),
        "each failure is counted for /metrics"
    );
    assert!(
        failures
            .iter()
            .any(|e| e.object_id.as_deref() == Some(app.ann.0.id.as_str())),
        "naming the account when it exists: {failures:?}"
    );
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
        .raw(form_request(
            &path,
            "caseload.test",
            "https://evil.example",
            Some(&b.cookie),
            form_body(&note),
        ))
        .await;
    assert_eq!(forged_origin.status, StatusCode::FORBIDDEN);
    assert_eq!(app.count("notes").await, 0);
    let ok = post_form(&app, &path, Some(&b.cookie), &note, "same-origin").await;
    assert_eq!(ok.status, StatusCode::SEE_OTHER, "{}", ok.html());
    assert_eq!(app.count("notes").await, 1);
}

#[tokio::test]
async fn next_after_sign_in_is_only_ever_a_path_on_this_site() {
    let app = TestApp::new().await;
    set_password(&app, "ann@example.org").await;
    // The two reported payloads (browsers read both as `//evil.example`),
    // and a raw control character, which used to answer 500 after a
    // successful sign-in.
    for next in [
        "/%5Cevil.example/",
        "/%09/evil.example",
        "/\t/evil.example",
        "/\u{1}",
        "//evil.example",
        "https://evil.example/",
    ] {
        let r = post_form(
            &app,
            "/sign-in",
            None,
            &[
                ("email", "ann@example.org"),
                ("password", PASSWORD),
                ("next", next),
            ],
            "same-origin",
        )
        .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{next:?}: {}", r.html());
        assert_eq!(r.location(), "/caseload", "{next:?} goes to the start page");
        let shown = app
            .call(
                Method::GET,
                &format!(
                    "/sign-in?next={}",
                    next.replace('%', "%25")
                        .replace('\t', "%09")
                        .replace('\u{1}', "%01")
                ),
                None,
                None,
            )
            .await;
        assert_eq!(shown.status, StatusCode::OK);
        assert!(
            shown.html().contains("name=\"next\" value=\"\""),
            "{next:?} is not carried by the form: {}",
            shown.html()
        );
    }
    let kept = post_form(
        &app,
        "/sign-in",
        None,
        &[
            ("email", "ann@example.org"),
            ("password", PASSWORD),
            ("next", "/clients?q=O%27Brien"),
        ],
        "same-origin",
    )
    .await;
    assert_eq!(kept.location(), "/clients?q=O%27Brien");
}

/// A sign-in post with this `Host` and `Origin` (and no `Sec-Fetch-Site`,
/// as older browsers send).
async fn sign_in_from(app: &TestApp, host: &str, origin: &str) -> StatusCode {
    let body = form_body(&[("email", "ann@example.org"), ("password", PASSWORD)]);
    app.raw(form_request("/sign-in", host, origin, None, body))
        .await
        .status
}

#[tokio::test]
async fn the_origin_check_compares_scheme_host_and_port() {
    let app = TestApp::new().await;
    set_password(&app, "ann@example.org").await;
    for (host, origin) in [
        ("caseload.test", "https://caseload.test"),
        ("caseload.test", "http://caseload.test:8080"),
        ("caseload.test:8080", "http://caseload.test"),
        ("caseload.test:8080", "http://caseload.test:8081"),
        ("caseload.test", "http://evil.example"),
        ("caseload.test", "http://caseload.test.evil.example"),
        ("caseload.test", "http://user@caseload.test"),
        ("caseload.test", "null"),
        ("caseload.test", "caseload.test"),
    ] {
        assert_eq!(
            sign_in_from(&app, host, origin).await,
            StatusCode::FORBIDDEN,
            "{origin} is not the origin of http://{host}"
        );
    }
    for (host, origin) in [
        ("caseload.test", "http://caseload.test"),
        ("caseload.test", "http://caseload.test:80"),
        ("Caseload.Test:8080", "HTTP://caseload.test:8080"),
        ("[::1]:8080", "http://[::1]:8080"),
    ] {
        assert_eq!(
            sign_in_from(&app, host, origin).await,
            StatusCode::SEE_OTHER,
            "{origin} is the origin of http://{host}"
        );
    }
    // Served over HTTPS, an `http:` page of the same host is another origin.
    let https = TestApp::new_with(caseload_web::Settings {
        secure_cookies: true,
        ..Default::default()
    })
    .await;
    set_password(&https, "ann@example.org").await;
    assert_eq!(
        sign_in_from(&https, "caseload.test", "http://caseload.test").await,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        sign_in_from(&https, "caseload.test", "https://caseload.test").await,
        StatusCode::SEE_OTHER
    );
    // A signed-in form is held to the same rule.
    let (_, case) = https.client_and_case(&https.ann.1).await;
    let b = sign_in(&https, "ann@example.org").await;
    let csrf = csrf_of(b.get(&format!("/cases/{case}/notes/new")).await.html());
    let note = [
        ("csrf", csrf.as_str()),
        ("kind", "phone"),
        ("occurred_at", "2026-03-02T08:30"),
        ("section_situation", "From the plain-text page"),
    ];
    let downgraded = https
        .raw(form_request(
            &format!("/cases/{case}/notes/new"),
            "caseload.test",
            "http://caseload.test",
            Some(&b.cookie),
            form_body(&note),
        ))
        .await;
    assert_eq!(downgraded.status, StatusCode::FORBIDDEN);
    assert_eq!(https.count("notes").await, 0);
}

#[tokio::test]
async fn a_form_that_is_not_utf_8_or_too_large_is_refused_for_what_it_is() {
    let app = TestApp::new().await;
    let (_, case) = app.client_and_case(&app.ann.1).await;
    let b = sign_in(&app, "ann@example.org").await;
    let path = format!("/cases/{case}/notes/new");
    let csrf = csrf_of(b.get(&path).await.html());
    let post = |body: Vec<u8>| {
        form_request(
            &path,
            "caseload.test",
            "http://caseload.test",
            Some(&b.cookie),
            body,
        )
    };
    let fields = form_body(&[
        ("csrf", csrf.as_str()),
        ("kind", "phone"),
        ("occurred_at", "2026-03-02T08:30"),
    ]);
    // Latin-1 "café", escaped and raw: never stored as replacement characters.
    for situation in [&b"caf%E9"[..], &b"caf\xe9"[..]] {
        let mut body = format!("{fields}&section_situation=").into_bytes();
        body.extend_from_slice(situation);
        let r = app.raw(post(body)).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.html());
        assert!(r.html().contains("section_situation"), "{}", r.html());
    }
    let mut huge = format!("{fields}&section_situation=").into_bytes();
    huge.resize(huge.len() + 10 * 1024 * 1024, b'a');
    let r = app.raw(post(huge)).await;
    assert_eq!(r.status, StatusCode::PAYLOAD_TOO_LARGE, "{}", r.html());
    assert_eq!(app.count("notes").await, 0);
    // Signing in is held to the same rules.
    let mut sign_in_huge = b"email=ann%40example.org&password=".to_vec();
    sign_in_huge.resize(sign_in_huge.len() + 10 * 1024 * 1024, b'a');
    let mut bad_sign_in = b"email=ann%40example.org&password=".to_vec();
    bad_sign_in.push(0xff);
    for (body, status) in [
        (sign_in_huge, StatusCode::PAYLOAD_TOO_LARGE),
        (bad_sign_in, StatusCode::BAD_REQUEST),
    ] {
        let r = app
            .raw(form_request(
                "/sign-in",
                "caseload.test",
                "http://caseload.test",
                None,
                body,
            ))
            .await;
        assert_eq!(r.status, status);
    }
    let ok = post_form(
        &app,
        &path,
        Some(&b.cookie),
        &[
            ("csrf", csrf.as_str()),
            ("kind", "phone"),
            ("occurred_at", "2026-03-02T08:30"),
            ("section_situation", "café"),
        ],
        "same-origin",
    )
    .await;
    assert_eq!(ok.status, StatusCode::SEE_OTHER, "{}", ok.html());
}
