//! Notifications in a real browser: a group acknowledged at once.

use caseload_store::prelude::*;

use crate::common::{PASSWORD, Session, browser, serve, skip, start_chromedriver, workspace};
use crate::support::TestApp;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_supervisor_acknowledges_a_group_of_notifications_at_once() {
    let Some((_driver, webdriver)) = start_chromedriver().await else {
        return;
    };
    let axe = std::fs::read_to_string(workspace().join("node_modules/axe-core/axe.min.js")).ok();
    if axe.is_none() {
        skip("node_modules/axe-core is missing (run npm ci); accessibility checks need it");
    }
    let app = TestApp::new().await;
    let sue = app
        .store
        .find_user_by_email("sue@example.org")
        .await
        .unwrap()
        .unwrap();
    app.store
        .set_password(&sue.id, &caseload_web::passwords::hash(PASSWORD).unwrap())
        .await
        .unwrap();
    // Breaches on two of Ann's cases reach Sue, her supervisor: three
    // about "Rent arrears", one about "PIP appeal".
    let (client, arrears) = app.client_and_case(&app.ann.1).await;
    let appeal = app.pip_appeal(&app.ann.1, &client).await;
    for (case, clock) in [
        (&arrears, "first_contact"),
        (&arrears, "next_action"),
        (&appeal, "first_contact"),
        (&arrears, "review"),
    ] {
        app.advance(1);
        let alert = caseload_store::NewAlert {
            case_id: caseload_domain::ids::CaseId::parse(case).unwrap(),
            clock: clock.to_owned(),
            state: "breached".to_owned(),
            due: "2026-03-02".parse().unwrap(),
            message: format!(
                "Dana Client: {} breached (due Mon 2 Mar 2026).",
                clock.replace('_', " ")
            ),
            supervisors: true,
        };
        let ctx = caseload_store::WriteCtx {
            actor: app.ada.0.id.clone(),
            at: app.clock_now(),
            request_id: "test".into(),
        };
        app.store.record_alerts(&[alert], &ctx).await.unwrap();
    }
    let addr = serve(caseload_web::router(app.state.clone())).await;
    let mut s = Session {
        client: browser(&webdriver).await,
        base: format!("http://127.0.0.1:{}", addr.port()),
        axe,
        checked: Vec::new(),
    };

    s.go("/notifications").await;
    s.fill("#f-email", "sue@example.org").await;
    s.fill("#f-password", PASSWORD).await;
    s.click_then("form[action='/sign-in'] button", ".notification-groups")
        .await;
    assert_eq!(s.path().await, "/notifications");
    let html = s.html().await;
    assert!(
        html.contains("<span aria-hidden=\"true\">(4)</span>"),
        "the count in the navigation"
    );
    let groups = &html[html.find("notification-groups").unwrap()..];
    let arrears_at = groups.find("Dana Client — Rent arrears").unwrap();
    let appeal_at = groups.find("Dana Client — PIP appeal").unwrap();
    assert!(arrears_at < appeal_at, "the most recent group first");
    // `check` takes it at both widths: no sideways scroll, axe-core clean.
    s.check("notify-01-inbox").await;

    // Open the group's earlier alerts, tick the group, acknowledge it.
    s.click(&format!("#g-{arrears} ~ details summary")).await;
    s.click(&format!("#grp-{arrears}")).await;
    s.click_then("button[value='selected']", ".notice").await;
    let html = s.html().await;
    assert!(html.contains("3 notifications acknowledged."), "{html}");
    assert!(
        html.contains("<span aria-hidden=\"true\">(1)</span>"),
        "the count drops"
    );
    let groups = &html[html.find("notification-groups").unwrap()..];
    assert!(!groups.contains("Dana Client — Rent arrears"));
    assert!(groups.contains("Dana Client — PIP appeal"));
    s.check("notify-02-acknowledged").await;
    assert_eq!(
        app.store.notifications(&sue.id, false).await.unwrap().len(),
        1
    );
    s.client.close().await.unwrap();
}
