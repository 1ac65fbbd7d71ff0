//! Notifications: filters and bulk acknowledgement.

use axum::http::{Method, StatusCode};
use serde_json::{Value, json};

use crate::support::TestApp;

/// Alerts about a case as re-evaluation sends them, a minute apart: each
/// `(clock, state, supervisors too)`, its message "clock state".
fn messages(body: &Value) -> Vec<String> {
    body.as_array()
        .unwrap()
        .iter()
        .map(|n| n["message"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn notifications_filter_by_kind_and_case_and_name_bad_filters() {
    let app = TestApp::new().await;
    let (client, first) = app.client_and_case(&app.ann.1).await;
    let second = app.pip_appeal(&app.ann.1, &client).await;
    app.alerts_about(
        &first,
        &[
            ("first_contact", "at_risk", false),
            ("deadline:dln_1", "at_risk", false),
        ],
    )
    .await;
    app.alerts_about(&second, &[("next_action", "breached", true)])
        .await;

    let all = app.get("/api/v1/notifications", &app.ann.1).await;
    assert_eq!(
        messages(&all.body),
        [
            "next_action breached",
            "deadline:dln_1 at_risk",
            "first_contact at_risk"
        ]
    );
    assert_eq!(
        (&all.body[0]["case_title"], &all.body[0]["client_name"]),
        (&json!("PIP appeal"), &json!("Dana Client"))
    );
    let deadlines = app
        .get("/api/v1/notifications?kind=deadline_at_risk", &app.ann.1)
        .await;
    assert_eq!(messages(&deadlines.body), ["deadline:dln_1 at_risk"]);
    let about_first = app
        .get(&format!("/api/v1/notifications?case={first}"), &app.ann.1)
        .await;
    assert_eq!(about_first.body.as_array().unwrap().len(), 2);
    let both = app
        .get(
            &format!("/api/v1/notifications?case={first}&kind=timescale_breached"),
            &app.ann.1,
        )
        .await;
    assert_eq!(both.body, json!([]));

    app.assert_bad_queries(
        "/api/v1/notifications",
        &app.ann.1,
        &[
            ("kind=urgent", "kind"),
            ("case=not-a-case", "case"),
            ("show=everything", "show"),
        ],
    )
    .await;
    app.get("/api/v1/notifications?colour=red", &app.ann.1)
        .await
        .assert_problem(422);

    // Acknowledged ones come back with show=all.
    app.post(
        "/api/v1/notifications/acknowledge",
        &app.ann.1,
        json!({"all": true, "case": second}),
    )
    .await;
    assert_eq!(
        app.get("/api/v1/notifications", &app.ann.1)
            .await
            .body
            .as_array()
            .unwrap()
            .len(),
        2
    );
    let everything = app.get("/api/v1/notifications?show=all", &app.ann.1).await;
    assert_eq!(everything.body.as_array().unwrap().len(), 3);
    assert!(everything.body[0]["acknowledged_at"].is_string());
}

#[tokio::test]
async fn bulk_acknowledgement_touches_only_the_callers_own_notifications() {
    let app = TestApp::new().await;
    let (_, case) = app.client_and_case(&app.ann.1).await;
    app.alerts_about(
        &case,
        &[
            ("first_contact", "at_risk", false),
            ("next_action", "at_risk", false),
            ("review", "breached", true),
        ],
    )
    .await;
    let anns = app.get("/api/v1/notifications", &app.ann.1).await.body;
    let sues = app.get("/api/v1/notifications", &app.sue.1).await.body;
    assert_eq!(
        (
            anns.as_array().unwrap().len(),
            sues.as_array().unwrap().len()
        ),
        (3, 1)
    );
    let ack = "/api/v1/notifications/acknowledge";

    // Sue names one of Ann's and her own: only hers is acknowledged.
    let r = app
        .post(
            ack,
            &app.sue.1,
            json!({"ids": [anns[0]["id"], sues[0]["id"]]}),
        )
        .await;
    assert_eq!(
        (r.status, &r.body),
        (StatusCode::OK, &json!({"acknowledged": 1}))
    );
    assert_eq!(
        app.get("/api/v1/notifications", &app.ann.1)
            .await
            .body
            .as_array()
            .unwrap()
            .len(),
        3,
        "Ann's are untouched"
    );

    // Ann: all her at-risk timescale alerts at once.
    let r = app
        .post(
            ack,
            &app.ann.1,
            json!({"all": true, "kind": "timescale_at_risk", "case": case}),
        )
        .await;
    assert_eq!(r.body, json!({"acknowledged": 2}));
    let left = app.get("/api/v1/notifications", &app.ann.1).await.body;
    assert_eq!(messages(&left), ["review breached"]);
    // By id, twice: the second time there is nothing left to do.
    let once = app
        .post(ack, &app.ann.1, json!({"ids": [left[0]["id"]]}))
        .await;
    assert_eq!(once.body, json!({"acknowledged": 1}));
    let twice = app
        .post(ack, &app.ann.1, json!({"ids": [left[0]["id"]]}))
        .await;
    assert_eq!(twice.body, json!({"acknowledged": 0}));

    for (body, field) in [
        (json!({}), "ids"),
        (json!({"ids": []}), "ids"),
        (json!({"ids": ["nope"]}), "ids[0]"),
        (json!({"all": false}), "all"),
        (json!({"all": true, "ids": [left[0]["id"]]}), "all"),
        (json!({"all": true, "kind": "urgent"}), "kind"),
        (json!({"all": true, "case": "nope"}), "case"),
        (
            json!({"ids": [left[0]["id"]], "kind": "high_priority"}),
            "kind",
        ),
    ] {
        let r = app.post(ack, &app.ann.1, body.clone()).await;
        r.assert_problem(422);
        assert!(r.field_error(field).is_some(), "{body}: {}", r.body);
    }
    app.post(ack, &app.ann.1, json!({"all": true, "colour": "red"}))
        .await
        .assert_problem(422);
    app.call(Method::POST, ack, None, Some(json!({"all": true})))
        .await
        .assert_problem(401);
}
