//! The sign-in throttle: failures paused per account and address, and per
//! address across accounts, held in the database, and the client's address
//! read through trusted proxies only.

use axum::body::Body;
use axum::http::{Request, StatusCode};

use crate::common::{PASSWORD, form_body, form_request, set_password};
use crate::support::TestApp;

/// Ann's sign-in from `address` (the connection's peer, as the server sees it).
async fn sign_in_at(app: &TestApp, address: &str, password: &str) -> crate::support::Resp {
    app.raw(sign_in_request_from(address, "ann@example.org", password))
        .await
}

/// A sign-in to `email` with `password`, over a connection from `address`.
fn sign_in_request_from(address: &str, email: &str, password: &str) -> Request<Body> {
    let body = form_body(&[("email", email), ("password", password)]);
    let mut request = form_request(
        "/sign-in",
        "caseload.test",
        "http://caseload.test",
        None,
        body,
    );
    let peer: std::net::SocketAddr = format!("{address}:50000").parse().unwrap();
    request
        .extensions_mut()
        .insert(axum::extract::ConnectInfo(peer));
    request
}

#[tokio::test]
async fn failures_pause_that_address_for_that_account_with_growing_waits() {
    let app = TestApp::new().await;
    set_password(&app, "ann@example.org").await;
    let attacker = "192.0.2.66";
    for _ in 0..5 {
        let r = sign_in_at(&app, attacker, "guess").await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    }
    // Even the right password waits, from that address…
    let paused = sign_in_at(&app, attacker, PASSWORD).await;
    assert_eq!(paused.status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(paused.headers.get("retry-after").unwrap(), "1");
    assert!(paused.html().contains("Wait 1 second"), "{}", paused.html());
    // …but the owner, from anywhere else, signs in at once.
    let owner = sign_in_at(&app, "198.51.100.7", PASSWORD).await;
    assert_eq!(owner.status, StatusCode::SEE_OTHER, "{}", owner.html());
    // Each further failure doubles the wait: 1 s, 2 s, 4 s…
    for wait in [1i64, 2, 4, 8] {
        app.clock.advance(jiff::SignedDuration::from_secs(wait));
        let r = sign_in_at(&app, attacker, "guess again").await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED, "after {wait} s");
        let next = wait * 2;
        app.clock.advance(jiff::SignedDuration::from_secs(next - 1));
        let early = sign_in_at(&app, attacker, PASSWORD).await;
        assert_eq!(early.status, StatusCode::TOO_MANY_REQUESTS, "{next} s wait");
        assert_eq!(early.headers.get("retry-after").unwrap(), "1");
        app.clock
            .advance(jiff::SignedDuration::from_secs(-(next - 1)));
    }
    // …to at most 15 minutes.
    for _ in 0..20 {
        app.advance(16);
        sign_in_at(&app, attacker, "still guessing").await;
    }
    let capped = sign_in_at(&app, attacker, PASSWORD).await;
    assert_eq!(capped.headers.get("retry-after").unwrap(), "900");
    assert!(
        capped.html().contains("Wait 15 minutes"),
        "{}",
        capped.html()
    );
    app.advance(15);
    let ok = sign_in_at(&app, attacker, PASSWORD).await;
    assert_eq!(ok.status, StatusCode::SEE_OTHER, "{}", ok.html());
    // Success forgets that address's failures for the account: one slip
    // now is one failure, not the 31st. (The address's count across
    // accounts stands, and its 30th failure pauses it for a second.)
    let again = sign_in_at(&app, attacker, "one slip").await;
    assert_eq!(again.status, StatusCode::UNAUTHORIZED);
    app.clock.advance(jiff::SignedDuration::from_secs(1));
    assert_eq!(
        sign_in_at(&app, attacker, PASSWORD).await.status,
        StatusCode::SEE_OTHER
    );
}

#[tokio::test]
async fn the_count_is_held_in_the_database_for_every_server() {
    let app = TestApp::new().await;
    set_password(&app, "ann@example.org").await;
    for _ in 0..5 {
        sign_in_at(&app, "192.0.2.66", "guess").await;
    }
    // A second server on the same database, with its own memory.
    let other = caseload_web::router(caseload_web::AppState::new(
        app.state.store.clone(),
        app.state.clock.clone(),
        caseload_web::Settings::default(),
    ));
    use tower::ServiceExt;
    let r = other
        .oneshot(sign_in_request_from(
            "192.0.2.66",
            "ann@example.org",
            PASSWORD,
        ))
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::TOO_MANY_REQUESTS);
}

#[tokio::test]
async fn one_address_trying_many_accounts_is_paused_but_not_their_owners() {
    let app = TestApp::new().await;
    set_password(&app, "ann@example.org").await;
    let sprayer = "203.0.113.50";
    // One common password against 30 accounts, known or not: a failure or
    // two each, so no account's own count ever pauses.
    for i in 0..30 {
        let email = format!("person{i}@example.org");
        let r = app
            .raw(sign_in_request_from(sprayer, &email, "Winter2026!"))
            .await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED, "attempt {i}");
    }
    // The 30th failure pauses the address, whichever account it asks for…
    let paused = app
        .raw(sign_in_request_from(
            sprayer,
            "person31@example.org",
            "Winter2026!",
        ))
        .await;
    assert_eq!(paused.status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(paused.headers.get("retry-after").unwrap(), "1");
    assert_eq!(
        sign_in_at(&app, sprayer, PASSWORD).await.status,
        StatusCode::TOO_MANY_REQUESTS
    );
    // …while the accounts' owners sign in from their own addresses.
    let owner = sign_in_at(&app, "198.51.100.7", PASSWORD).await;
    assert_eq!(owner.status, StatusCode::SEE_OTHER, "{}", owner.html());
    // Each further failure doubles the address's pause.
    app.clock.advance(jiff::SignedDuration::from_secs(1));
    app.raw(sign_in_request_from(
        sprayer,
        "person32@example.org",
        "Spring2027!",
    ))
    .await;
    app.clock.advance(jiff::SignedDuration::from_secs(1));
    let r = sign_in_at(&app, sprayer, PASSWORD).await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(r.headers.get("retry-after").unwrap(), "1");
    // A quiet hour, and the address's count starts again.
    app.advance(61);
    let r = app
        .raw(sign_in_request_from(
            sprayer,
            "person33@example.org",
            "Autumn2027!",
        ))
        .await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    let ok = sign_in_at(&app, sprayer, PASSWORD).await;
    assert_eq!(ok.status, StatusCode::SEE_OTHER, "{}", ok.html());
}

/// `request` as if relayed by a proxy at `proxy` that appended
/// `forwarded_for` to `X-Forwarded-For`.
fn through_proxy(proxy: &str, forwarded_for: &str, email: &str, password: &str) -> Request<Body> {
    let mut r = sign_in_request_from(proxy, email, password);
    r.headers_mut()
        .insert("x-forwarded-for", forwarded_for.parse().unwrap());
    r
}

#[tokio::test]
async fn behind_a_trusted_proxy_each_client_is_counted_apart_and_nobody_picks_their_own_address() {
    let proxy = "10.0.0.1";
    let app = TestApp::new_with(caseload_web::Settings {
        trusted_proxies: vec![proxy.parse().unwrap()],
        ..caseload_web::Settings::default()
    })
    .await;
    set_password(&app, "ann@example.org").await;
    // An attacker behind the proxy pauses only itself (it wrote a made-up
    // first entry, which is not believed; the proxy appended the real one).
    for _ in 0..5 {
        let r = app
            .raw(through_proxy(
                proxy,
                "192.0.2.1, 203.0.113.66",
                "ann@example.org",
                "guess",
            ))
            .await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    }
    let attacker = app
        .raw(through_proxy(
            proxy,
            "203.0.113.66",
            "ann@example.org",
            PASSWORD,
        ))
        .await;
    assert_eq!(attacker.status, StatusCode::TOO_MANY_REQUESTS);
    // Ann, through the same proxy from her own address, is not held up.
    let ann = app
        .raw(through_proxy(
            proxy,
            "198.51.100.7",
            "ann@example.org",
            PASSWORD,
        ))
        .await;
    assert_eq!(ann.status, StatusCode::SEE_OTHER, "{}", ann.html());
    // A peer that is not a trusted proxy cannot escape its own count by
    // naming another address.
    let direct = "192.0.2.99";
    for _ in 0..5 {
        app.raw(through_proxy(
            direct,
            "198.51.100.1",
            "ann@example.org",
            "guess",
        ))
        .await;
    }
    let r = app
        .raw(through_proxy(
            direct,
            "198.51.100.2",
            "ann@example.org",
            PASSWORD,
        ))
        .await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS);
}
