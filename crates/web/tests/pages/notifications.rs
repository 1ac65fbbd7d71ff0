//! Notifications: the unread count, groups, filters and acknowledgement.

use axum::http::StatusCode;
use caseload_store::prelude::*;

use crate::common::{csrf_of, post_form, sign_in};
use crate::support::TestApp;

/// Alerts about a case as re-evaluation sends them, a minute apart: each
/// `(clock, state, supervisors too)`, its message "clock state".
/// The value of the first input named `name` in a page.
fn input_value(html: &str, name: &str) -> String {
    let marker = format!("name=\"{name}\" value=\"");
    let start = html
        .find(&marker)
        .unwrap_or_else(|| panic!("no {name} in {html}"))
        + marker.len();
    html[start..].split('"').next().unwrap().to_owned()
}

/// Ann's "Rent arrears" with three alerts, then "PIP appeal" with one.
async fn ann_with_alerts(app: &TestApp) -> (String, String) {
    let (client, first) = app.client_and_case(&app.ann.1).await;
    let second = app.pip_appeal(&app.ann.1, &client).await;
    app.alerts_about(
        &first,
        &[
            ("first_contact", "at_risk", false),
            ("next_action", "at_risk", false),
            ("deadline:dln_1", "at_risk", false),
        ],
    )
    .await;
    app.alerts_about(&second, &[("review", "breached", false)])
        .await;
    (first, second)
}

#[tokio::test]
async fn the_navigation_counts_unread_notifications_on_every_page() {
    let app = TestApp::new().await;
    let ann = sign_in(&app, "ann@example.org").await;
    let counted = |n: i64| {
        format!(
            "Notifications <span class=\"nav-count\"><span aria-hidden=\"true\">({n})</span><span class=\"visually-hidden\">, {n} unread</span></span>"
        )
    };
    assert!(
        !ann.get("/caseload").await.html().contains("nav-count"),
        "none yet"
    );
    ann_with_alerts(&app).await;
    for page in ["/caseload", "/clients", "/deadlines", "/notifications"] {
        let html = ann.get(page).await.html().to_owned();
        assert!(html.contains(&counted(4)), "{page}: {html}");
    }
    let page = ann.get("/notifications").await.html().to_owned();
    let shown = input_value(&page, "shown");
    let r = ann
        .submit(
            "/notifications",
            "/notifications/acknowledge",
            &[("ack", &shown)],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert!(ann.get("/caseload").await.html().contains(&counted(3)));
    let sue = sign_in(&app, "sue@example.org").await;
    assert!(
        !sue.get("/team").await.html().contains("nav-count"),
        "Ann's notifications are hers alone"
    );
}

#[tokio::test]
async fn repeated_alerts_about_one_case_are_grouped_and_filtered_by_kind_or_case() {
    let app = TestApp::new().await;
    let (first, second) = ann_with_alerts(&app).await;
    let ann = sign_in(&app, "ann@example.org").await;
    let page = ann.get("/notifications").await;
    assert_eq!(page.status, StatusCode::OK);
    let html = page.html();
    assert!(
        html.contains("clocks and deadlines on your own cases"),
        "{html}"
    );
    assert!(!html.contains("Cases that have become high priority in your team."));
    let html = &html[html.find("notification-groups").unwrap()..];
    let appeal = html
        .find("Dana Client — PIP appeal")
        .expect("the appeal's group");
    let arrears = html
        .find("Dana Client — Rent arrears")
        .expect("the arrears' group");
    assert!(appeal < arrears, "the most recent group first");
    assert!(html.contains("2 earlier about this case"), "{html}");
    let latest = html
        .find("Deadline at risk</span>: deadline:dln_1 at_risk")
        .unwrap();
    let details = html[arrears..].find("<details>").unwrap() + arrears;
    assert!(latest < details, "the latest shown, the others folded away");
    assert!(html.contains("Select all 3 unread about Dana Client — Rent arrears"));
    assert!(html.contains("Acknowledge all shown (4)"));
    assert!(
        html.contains("Mon 2 Mar 2026, 09:0"),
        "dates as everywhere else: {html}"
    );

    let deadlines = ann.get("/notifications?kind=deadline_at_risk").await;
    assert!(deadlines.html().contains("deadline:dln_1 at_risk"));
    assert!(!deadlines.html().contains("first_contact at_risk"));
    assert!(deadlines.html().contains("Acknowledge all shown (1)"));
    assert!(
        deadlines
            .html()
            .contains("<option value=\"deadline_at_risk\" selected>Deadline at risk</option>")
    );
    let appeal_only = ann.get(&format!("/notifications?case={second}")).await;
    assert!(appeal_only.html().contains("review breached"));
    assert!(!appeal_only.html().contains("first_contact at_risk"));
    assert!(
        appeal_only
            .html()
            .contains(&format!("<option value=\"{second}\" selected>"))
    );
    let _ = first;

    let bad = ann.get("/notifications?kind=urgent&case=nonsense").await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.html().contains("Kind must be one of those listed"));
    assert!(bad.html().contains("Case is not a case id"));
    assert!(
        bad.html().contains("first_contact at_risk"),
        "the rest still shown"
    );
}

#[tokio::test]
async fn a_group_is_acknowledged_at_once_and_the_filters_are_kept() {
    let app = TestApp::new().await;
    let (first, _) = ann_with_alerts(&app).await;
    let ann = sign_in(&app, "ann@example.org").await;
    let filtered = format!("/notifications?case={first}");
    let html = ann.get(&filtered).await.html().to_owned();
    let group = input_value(&html, "group");
    assert_eq!(group.split(' ').count(), 3);
    let r = ann
        .submit(
            &filtered,
            "/notifications/acknowledge",
            &[("case", &first), ("group", &group), ("ack", "selected")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(r.location(), format!("/notifications?case={first}&done=3"));
    let after = ann.get(r.location()).await;
    assert!(
        after.html().contains("3 notifications acknowledged."),
        "{}",
        after.html()
    );
    assert!(after.html().contains("Nothing waiting"));
    // Shown again with the acknowledged ones.
    let everything = ann.get(&format!("{filtered}&show=all")).await;
    assert!(everything.html().contains("Acknowledged Mon 2 Mar 2026"));

    // Nothing chosen: the page again, saying what to do.
    let none = ann
        .submit(
            "/notifications",
            "/notifications/acknowledge",
            &[("ack", "selected")],
        )
        .await;
    assert_eq!(none.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        none.html()
            .contains("Choose at least one notification to acknowledge")
    );

    // All shown: the one left.
    let html = ann.get("/notifications").await.html().to_owned();
    let shown = input_value(&html, "shown");
    let r = ann
        .submit(
            "/notifications",
            "/notifications/acknowledge",
            &[("shown", &shown), ("ack", "all")],
        )
        .await;
    assert_eq!(r.location(), "/notifications?done=1");
    assert!(
        ann.get(r.location())
            .await
            .html()
            .contains("1 notification acknowledged.")
    );
}

#[tokio::test]
async fn another_persons_notifications_cannot_be_acknowledged_from_the_page() {
    let app = TestApp::new().await;
    ann_with_alerts(&app).await;
    let anns = app.store.notifications(&app.ann.0.id, false).await.unwrap();
    let sue = sign_in(&app, "sue@example.org").await;
    let id = anns[0].id.to_string();
    let r = sue
        .submit(
            "/notifications",
            "/notifications/acknowledge",
            &[("id", &id), ("ack", "selected")],
        )
        .await;
    assert_eq!(r.location(), "/notifications?done=0");
    assert_eq!(
        app.store
            .notifications(&app.ann.0.id, false)
            .await
            .unwrap()
            .len(),
        4
    );
}

#[tokio::test]
async fn acknowledging_without_the_forms_token_or_from_another_site_is_refused() {
    let app = TestApp::new().await;
    ann_with_alerts(&app).await;
    let ann = sign_in(&app, "ann@example.org").await;
    let html = ann.get("/notifications").await.html().to_owned();
    let shown = input_value(&html, "shown");
    let csrf = csrf_of(&html);
    let fields = [("shown", shown.as_str()), ("ack", "all")];
    let no_token = post_form(
        &app,
        "/notifications/acknowledge",
        Some(&ann.cookie),
        &fields,
        "same-origin",
    )
    .await;
    assert_eq!(no_token.status, StatusCode::FORBIDDEN);
    let with_token = [
        ("csrf", csrf.as_str()),
        ("shown", shown.as_str()),
        ("ack", "all"),
    ];
    let cross_site = post_form(
        &app,
        "/notifications/acknowledge",
        Some(&ann.cookie),
        &with_token,
        "cross-site",
    )
    .await;
    assert_eq!(cross_site.status, StatusCode::FORBIDDEN);
    assert_eq!(
        app.store
            .notifications(&app.ann.0.id, false)
            .await
            .unwrap()
            .len(),
        4,
        "nothing acknowledged"
    );
}
