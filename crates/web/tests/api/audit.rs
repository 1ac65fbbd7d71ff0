//! The audit trail: every read and write is recorded with its request id.

use caseload_store::prelude::*;

use crate::support::TestApp;

#[tokio::test]
async fn every_read_and_write_is_audited_with_its_request_id() {
    let app = TestApp::new().await;
    let (client, case) = app.client_and_case(&app.ann.1).await;
    let note = app.note(&app.ann.1, &case, 5, "Sensitive words").await;
    let read = app
        .get(&format!("/api/v1/notes/{}", note.id()), &app.bob.1)
        .await;
    app.get(&format!("/api/v1/cases/{case}"), &app.bob.1).await;
    app.get(&format!("/api/v1/clients/{client}"), &app.bob.1)
        .await;
    app.get(&format!("/api/v1/cases/{case}/timeline"), &app.bob.1)
        .await;
    let events = app.store.list_audit(100).await.unwrap();
    let actions: Vec<&str> = events.iter().rev().map(|e| e.action.as_str()).collect();
    assert_eq!(
        actions,
        [
            "client.create",
            "case.create",
            "note.create",
            "note.read",
            "case.read",
            "client.read",
            "case.timeline.read"
        ]
    );
    let note_read = events.iter().find(|e| e.action == "note.read").unwrap();
    assert_eq!(
        note_read.request_id,
        read.headers.get("x-request-id").unwrap().to_str().unwrap()
    );
    assert_eq!(note_read.actor_id.as_ref(), Some(&app.bob.0.id));
    assert_eq!(note_read.object_id.as_deref(), Some(note.id().as_str()));
    assert!(
        events
            .iter()
            .all(|e| !format!("{e:?}").contains("Sensitive")),
        "never the content"
    );
}

/// Reads are audited in groups, but every read still gets its own event,
/// recorded before it is answered.
#[tokio::test]
async fn reads_made_at_once_are_each_audited_before_they_are_answered() {
    let app = TestApp::new().await;
    let (_, case) = app.client_and_case(&app.ann.1).await;
    let before = app.count("audit_events").await;
    let path = format!("/api/v1/cases/{case}");
    let reads = (0..25).map(|_| app.get(&path, &app.ann.1));
    let answers = futures_util::future::join_all(reads).await;
    assert!(answers.iter().all(|r| r.status == 200));
    // Every answer was given after its event was stored: nothing to wait for.
    assert_eq!(app.count("audit_events").await, before + 25);
    let events = app.store.list_audit(25).await.unwrap();
    let ids: std::collections::BTreeSet<&str> =
        events.iter().map(|e| e.request_id.as_str()).collect();
    assert_eq!(ids.len(), 25, "one event per request, each its own");
    assert!(
        events
            .iter()
            .all(|e| e.action == "case.read" && e.actor_id.as_ref() == Some(&app.ann.0.id))
    );
}
