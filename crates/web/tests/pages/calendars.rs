//! The calendar feed: private, stable and revocable.

use axum::http::{Method, StatusCode};
use serde_json::json;

use crate::common::sign_in;
use crate::support::TestApp;

#[tokio::test]
async fn the_calendar_feed_is_private_stable_and_revocable() {
    let app = TestApp::new().await;
    let (_, case) = app.client_and_case(&app.ann.1).await;
    app.post(
        &format!("/api/v1/cases/{case}/tasks"),
        &app.ann.1,
        json!({"title": "Chase landlord; rent statement", "due_date": "2026-03-06"}),
    )
    .await;
    app.post(
        &format!("/api/v1/cases/{case}/deadlines"),
        &app.ann.1,
        json!({"rule": "homelessness_review", "trigger_date": "2026-03-01"}),
    )
    .await;
    app.post(
        &format!("/api/v1/cases/{case}/tasks"),
        &app.ann.1,
        json!({"title": "Undated"}),
    )
    .await;
    let b = sign_in(&app, "ann@example.org").await;
    let made = b
        .submit("/calendar-feed", "/calendar-feed", &[("action", "create")])
        .await;
    let html = made.html().to_owned();
    let start = html.find("/feeds/").expect("the new address is shown");
    let path = html[start..].split('<').next().unwrap().to_owned();
    let first = app.call(Method::GET, &path, None, None).await;
    assert_eq!(first.status, StatusCode::OK);
    assert!(first.content_type().starts_with("text/calendar"));
    let text = first.html().to_owned();
    assert!(!text.contains("Dana Client"), "never the client's name");
    let parsed: Vec<_> = ical::IcalParser::new(std::io::BufReader::new(text.as_bytes())).collect();
    assert_eq!(parsed.len(), 1);
    let calendar = parsed
        .into_iter()
        .next()
        .unwrap()
        .expect("an independent parser reads it");
    let events: Vec<(String, String, String)> = calendar
        .events
        .iter()
        .map(|e| {
            let get = |n: &str| {
                e.properties
                    .iter()
                    .find(|p| p.name == n)
                    .and_then(|p| p.value.clone())
                    .unwrap_or_default()
            };
            (get("UID"), get("DTSTART"), get("SUMMARY"))
        })
        .collect();
    assert_eq!(events.len(), 2, "dated open tasks only: {events:?}");
    assert_eq!(events[0].1, "20260306");
    assert_eq!(events[0].2, "Chase landlord\\; rent statement");
    assert_eq!(events[1].1, "20260321", "the homelessness review deadline");
    assert!(events.iter().all(|(uid, _, _)| uid.ends_with("@caseload")));
    let again = app
        .call(Method::GET, &path, None, None)
        .await
        .html()
        .to_owned();
    let uids = |t: &str| {
        t.lines()
            .filter(|l| l.starts_with("UID:"))
            .map(str::to_owned)
            .collect::<Vec<_>>()
    };
    assert_eq!(uids(&again), uids(&text), "UIDs are stable");
    b.submit("/calendar-feed", "/calendar-feed", &[("action", "revoke")])
        .await;
    assert_eq!(
        app.call(Method::GET, &path, None, None).await.status,
        StatusCode::NOT_FOUND,
        "revoked"
    );
    assert_eq!(
        app.call(Method::GET, "/feeds/guess.ics", None, None)
            .await
            .status,
        StatusCode::NOT_FOUND
    );
}
