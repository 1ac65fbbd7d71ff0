//! Audit: every write and batch of reads recorded, without content.

use super::*;

/// This capability's scenarios — the plain ones, then those that need
/// `RawSql` — added to the one list `conformance_capabilities!` chains.
#[doc(hidden)]
#[macro_export]
macro_rules! conformance_audit {
    ([$($then:tt)*] [$($plain:tt)*] [$($raw:tt)*] $($rest:ident)*) => {
        $crate::conformance_collect! { [$($then)*]
            [$($plain)*
                audit::writes_append_audit_events_without_content,
                audit::a_batch_of_reads_larger_than_a_statement_is_recorded_whole,
            ]
            [$($raw)*]
            $($rest)*
        }
    };
}

pub async fn writes_append_audit_events_without_content(store: &dyn Store) {
    let f = Fixture::new(store).await;
    let n = store
        .add_note(&note(&f.case, 2, "Sensitive words"), &ctx(&f.ann, 3))
        .await
        .unwrap();
    let read = |by: &User, minutes: i64| NewAuditEvent {
        at: at(minutes),
        actor: Some(by.id.clone()),
        action: "note.read".into(),
        object_type: "note",
        object_id: Some(n.id.to_string()),
        request_id: format!("req-read-{minutes}"),
    };
    // Reads are written in batches; an empty batch writes nothing.
    store.record_audits(&[]).await.unwrap();
    store
        .record_audits(&[read(&f.bob, 4), read(&f.ann, 5)])
        .await
        .unwrap();
    let events = store.list_audit(10).await.unwrap();
    let actions: Vec<&str> = events.iter().map(|e| e.action.as_str()).collect();
    assert_eq!(
        actions,
        [
            "note.read",
            "note.read",
            "note.create",
            "case.create",
            "client.create"
        ],
        "newest first"
    );
    assert_eq!(events[0].actor_id.as_ref(), Some(&f.ann.id));
    assert_eq!(events[0].request_id, "req-read-5");
    assert_eq!(events[1].actor_id.as_ref(), Some(&f.bob.id));
    assert_eq!(events[1].at, at(4));
    assert_eq!(events[2].object_id.as_deref(), Some(n.id.as_str()));
    assert_eq!(events[2].actor_id.as_ref(), Some(&f.ann.id));
    assert_eq!(events[2].request_id, "req-3");
    assert_eq!(events[2].at, at(3));
    assert!(
        events
            .iter()
            .all(|e| !format!("{e:?}").contains("Sensitive"))
    );
    assert!(events.windows(2).all(|w| w[0].seq > w[1].seq));
}

pub async fn a_batch_of_reads_larger_than_a_statement_is_recorded_whole(store: &dyn Store) {
    let f = Fixture::new(store).await;
    let before = store.list_audit(10_000).await.unwrap().len();
    // Under load the audit writer hands over everything that queued up; a
    // store may split it into statements, but records all of it or none.
    let batch: Vec<NewAuditEvent> = (0..1_201)
        .map(|i| NewAuditEvent {
            at: at(4),
            actor: Some(f.bob.id.clone()),
            action: "case.read".into(),
            object_type: "case",
            object_id: Some(f.case.id.to_string()),
            request_id: format!("req-batch-{i}"),
        })
        .collect();
    store.record_audits(&batch).await.unwrap();
    let events = store.list_audit(10_000).await.unwrap();
    assert_eq!(events.len(), before + 1_201);
    let mut ids: Vec<&str> = events
        .iter()
        .filter(|e| e.request_id.starts_with("req-batch-"))
        .map(|e| e.request_id.as_str())
        .collect();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), 1_201, "each event once");
}
