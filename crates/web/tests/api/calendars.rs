//! The organisation's calendars: calculations follow its working days.

use caseload_store::prelude::*;
use serde_json::json;

use crate::support::{self, TestApp};

#[tokio::test]
async fn calculations_follow_the_organisations_calendars() {
    let app = TestApp::new().await;
    // A subject access request received 30 Oct 2026 is due 30 Nov: a working day in
    // England, St Andrew's Day in Scotland (so 1 Dec there).
    let body = json!({"rule": "subject_access_request", "trigger_date": "2026-10-30"});
    let ew = app
        .post("/api/v1/deadlines/calculate", &app.ann.1, body.clone())
        .await;
    assert_eq!(ew.body["due_date"], "2026-11-30");
    assert_eq!(ew.body["calendar"], "england-and-wales");
    app.store
        .set_team_calendar(&app.north.id, Some("scotland"))
        .await
        .unwrap();
    let scot = app
        .post("/api/v1/deadlines/calculate", &app.ann.1, body.clone())
        .await;
    assert_eq!(
        scot.body["calendar"], "scotland",
        "the team's calendar by default"
    );
    assert_eq!(scot.body["due_date"], "2026-12-01");
    app.store
        .set_team_calendar(&app.north.id, None)
        .await
        .unwrap();
    app.store
        .set_setting("calendar", "northern-ireland", support::start_time())
        .await
        .unwrap();
    assert_eq!(
        app.post("/api/v1/deadlines/calculate", &app.ann.1, body.clone())
            .await
            .body["calendar"],
        "northern-ireland"
    );
    // A closure day is not a working day.
    app.store
        .add_closure_day(
            "2026-11-30".parse().unwrap(),
            "Staff training",
            support::start_time(),
        )
        .await
        .unwrap();
    let closed = app
        .post("/api/v1/deadlines/calculate", &app.ann.1, body)
        .await;
    assert_eq!(closed.body["due_date"], "2026-12-01");
    assert!(
        closed.body["explanation"]
            .to_string()
            .contains("is not a working day")
    );
}
