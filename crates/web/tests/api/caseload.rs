//! The caseload queue: its order and flags, read again on change, and the
//! capacity budget.

use axum::http::StatusCode;
use caseload_store::prelude::*;
use serde_json::{Value, json};

use crate::support::TestApp;

#[tokio::test]
async fn the_queue_orders_by_band_then_urgency_and_flags_what_needs_attention() {
    let app = TestApp::new().await;
    let (client, routine) = app.client_and_case(&app.ann.1).await;
    let mk = |title: &str| json!({"client_id": client, "title": title, "service_area": "debt"});
    let urgent = app
        .post("/api/v1/cases", &app.ann.1, mk("Bailiff visit Friday"))
        .await
        .id();
    let unassessed = app
        .post("/api/v1/cases", &app.ann.1, mk("New referral"))
        .await
        .id();
    app.post(
        &format!("/api/v1/cases/{routine}/assessments"),
        &app.ann.1,
        json!({"answers": {}}),
    )
    .await;
    let u = app
        .post(
            &format!("/api/v1/cases/{urgent}/assessments"),
            &app.ann.1,
            json!({"answers": {"emergency_within_5_working_days": "enforcement_visit"}}),
        )
        .await;
    assert_eq!(u.body["band"], "P1");
    let queue = app.get("/api/v1/caseload", &app.ann.1).await;
    assert_eq!(queue.status, StatusCode::OK, "{}", queue.body);
    // The queue's answer, written from each row's kept JSON and the rest,
    // is byte for byte the rows serialized whole (the first time, when the
    // rows' JSON is written, and again from what was kept).
    let rows = app
        .store
        .caseload(&app.ann.0.id, app.state.today())
        .await
        .unwrap();
    let whole = caseload_web::api::priority::queue_of(&app.state, rows)
        .await
        .ok()
        .unwrap();
    let serialized = serde_json::to_vec(&whole).unwrap();
    for _ in 0..2 {
        let written = caseload_web::api::priority::queue_json(&whole).unwrap();
        assert_eq!(
            String::from_utf8(written).unwrap(),
            String::from_utf8(serialized.clone()).unwrap()
        );
    }
    assert_eq!(
        serde_json::from_slice::<Value>(&serialized).unwrap(),
        queue.body
    );
    let rows = queue.body.as_array().unwrap();
    let order: Vec<&str> = rows
        .iter()
        .map(|r| r["case"]["id"].as_str().unwrap())
        .collect();
    assert_eq!(
        order,
        [urgent.as_str(), unassessed.as_str(), routine.as_str()]
    );
    assert_eq!(rows[0]["band"], "P1");
    assert!(
        rows[0]["why"]
            .as_array()
            .unwrap()
            .iter()
            .any(|w| w.as_str().unwrap().contains("(rule D1)")),
        "why? on demand"
    );
    assert!(
        rows[1]["flags"]
            .as_array()
            .unwrap()
            .contains(&json!("no_assessment"))
    );
    assert_eq!(rows[2]["band"], "P4");
    // A week on, the urgent case has had no contact: flagged.
    app.advance(7 * 24 * 60);
    let later = app.get("/api/v1/caseload", &app.ann.1).await;
    let first = &later.body[0];
    assert!(
        first["flags"]
            .as_array()
            .unwrap()
            .contains(&json!("high_priority_not_contacted")),
        "{first}"
    );
    app.get("/api/v1/caseload", &app.ada.1)
        .await
        .assert_problem(403);
}

/// The queue answers from the rows read for the caller's last look while
/// none of their cases has changed, and reads them again the moment one
/// has — whoever changed it, through this server or straight into the store.
#[tokio::test]
async fn the_queue_is_read_again_the_moment_a_case_changes() {
    let app = TestApp::new().await;
    let (_, case) = app.client_and_case(&app.ann.1).await;
    let (_, other) = app.client_and_case(&app.ann.1).await;
    let counts = || {
        let c = app.state.caseloads.counts();
        (c.kept, c.refreshed, c.read)
    };
    // Ann's case as the queue shows it, and the whole queue as a server
    // reading everything afresh would answer it.
    let row_of = |queue: &Value, id: &str| -> Value {
        queue
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["case"]["id"] == id)
            .cloned()
            .unwrap()
    };
    let afresh = || async {
        let rows = app
            .store
            .caseload(&app.ann.0.id, app.state.today())
            .await
            .unwrap();
        let queue = caseload_web::api::priority::queue_of(&app.state, rows)
            .await
            .ok()
            .unwrap();
        serde_json::to_value(&queue).unwrap()
    };
    let first = app.get("/api/v1/caseload", &app.ann.1).await;
    assert_eq!(first.status, StatusCode::OK, "{}", first.body);
    assert_eq!(counts(), (0, 0, 1));
    let again = app.get("/api/v1/caseload", &app.ann.1).await;
    assert_eq!(again.body, first.body);
    assert_eq!(counts(), (1, 0, 1), "nothing changed: the kept rows answer");

    // Through the API: a task due tomorrow.
    let tomorrow = app
        .clock_now()
        .checked_add(jiff::SignedDuration::from_hours(24))
        .unwrap();
    let due = tomorrow
        .to_zoned(jiff::tz::TimeZone::UTC)
        .date()
        .to_string();
    let task = app
        .post(
            &format!("/api/v1/cases/{case}/tasks"),
            &app.ann.1,
            json!({"title": "Chase landlord", "due_date": due}),
        )
        .await;
    assert_eq!(task.status, StatusCode::CREATED, "{}", task.body);
    let queue = app.get("/api/v1/caseload", &app.ann.1).await;
    assert_eq!(
        row_of(&queue.body, &case)["next_task_title"],
        "Chase landlord"
    );
    assert_eq!(row_of(&queue.body, &case)["overdue_tasks"], 0);
    assert_eq!(counts(), (1, 1, 1), "only the changed case is read again");
    assert_eq!(queue.body, afresh().await);
    assert_eq!(row_of(&queue.body, &other), row_of(&first.body, &other));

    // Two days on, nothing has been written but the task is overdue.
    app.advance(2 * 24 * 60);
    let queue = app.get("/api/v1/caseload", &app.ann.1).await;
    let row = row_of(&queue.body, &case);
    assert_eq!(row["overdue_tasks"], 1, "{row}");
    assert!(
        row["flags"]
            .as_array()
            .unwrap()
            .contains(&json!("overdue_tasks"))
    );
    assert_eq!(counts(), (1, 1, 2), "a new day reads afresh");

    // Straight into the store, as another server or the CLI would.
    let case_id = caseload_domain::ids::CaseId::parse(&case).unwrap();
    let at = app.clock_now();
    app.store
        .add_note(
            &caseload_store::NewNote {
                case_id: case_id.clone(),
                kind: caseload_domain::notes::NoteKind::Phone,
                template: "star".into(),
                occurred_at: at,
                late_entry: false,
                late_reason: None,
                sections: vec![caseload_domain::notes::Section {
                    name: "situation".into(),
                    text: "Rang the client".into(),
                }],
                submission_key: None,
            },
            &caseload_store::WriteCtx {
                actor: app.ann.0.id.clone(),
                at,
                request_id: "elsewhere".into(),
            },
        )
        .await
        .unwrap();
    let queue = app.get("/api/v1/caseload", &app.ann.1).await;
    assert_eq!(
        row_of(&queue.body, &case)["last_contact"],
        json!(at.to_string())
    );
    assert_eq!(counts(), (1, 2, 2));
    assert_eq!(queue.body, afresh().await);
    app.store
        .update_user(
            &app.ann.0.id,
            &caseload_store::UserChange {
                name: Some("Ann Renamed".into()),
                role: None,
                team_id: None,
                active: None,
            },
        )
        .await
        .unwrap();
    let queue = app.get("/api/v1/caseload", &app.ann.1).await;
    assert_eq!(
        row_of(&queue.body, &other)["case"]["owner_name"],
        "Ann Renamed"
    );
    assert_eq!(counts(), (1, 2, 3), "a new name is read afresh");
    // Someone else's case changing leaves Ann's rows standing.
    app.client_and_case(&app.bob.1).await;
    app.get("/api/v1/caseload", &app.ann.1).await;
    assert_eq!(counts(), (2, 2, 3));
}

/// The rows kept are bounded: the least recently asked-for caseload goes
/// first, and with no room at all every queue is read afresh.
#[tokio::test]
async fn kept_caseloads_stay_within_their_budget() {
    let app = TestApp::new_with(caseload_web::Settings {
        kept_caseload_rows: 2,
        ..caseload_web::Settings::default()
    })
    .await;
    app.client_and_case(&app.ann.1).await;
    app.client_and_case(&app.bob.1).await;
    app.client_and_case(&app.bob.1).await;
    let counts = || {
        let c = app.state.caseloads.counts();
        (c.kept, c.refreshed, c.read)
    };
    app.get("/api/v1/caseload", &app.ann.1).await;
    app.get("/api/v1/caseload", &app.ann.1).await;
    assert_eq!(counts(), (1, 0, 1));
    // Bob's two rows need all the room: Ann's one goes.
    let bob = app.get("/api/v1/caseload", &app.bob.1).await;
    assert_eq!(bob.body.as_array().unwrap().len(), 2);
    app.get("/api/v1/caseload", &app.bob.1).await;
    assert_eq!(counts(), (2, 0, 2));
    app.get("/api/v1/caseload", &app.ann.1).await;
    assert_eq!(counts(), (2, 0, 3), "Ann's rows were let go");

    let none = TestApp::new_with(caseload_web::Settings {
        kept_caseload_rows: 0,
        ..caseload_web::Settings::default()
    })
    .await;
    none.client_and_case(&none.ann.1).await;
    for _ in 0..3 {
        let queue = none.get("/api/v1/caseload", &none.ann.1).await;
        assert_eq!(queue.body.as_array().unwrap().len(), 1);
        // Nor an empty caseload.
        let empty = none.get("/api/v1/caseload", &none.bob.1).await;
        assert_eq!(empty.body, json!([]));
    }
    let c = none.state.caseloads.counts();
    assert_eq!((c.kept, c.refreshed, c.read), (0, 0, 6));
}
