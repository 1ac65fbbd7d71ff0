//! Tasks: status changes, stale changes and cancellations.

use super::*;

/// This capability's scenarios — the plain ones, then those that need
/// `RawSql` — added to the one list `conformance_capabilities!` chains.
#[doc(hidden)]
#[macro_export]
macro_rules! conformance_tasks {
    ([$($then:tt)*] [$($plain:tt)*] [$($raw:tt)*] $($rest:ident)*) => {
        $crate::conformance_collect! { [$($then)*]
            [$($plain)*
                tasks::tasks_change_status_and_stale_changes_conflict,
                tasks::a_cancelled_task_keeps_its_reason_on_the_timeline,
            ]
            [$($raw)*]
            $($rest)*
        }
    };
}

pub async fn tasks_change_status_and_stale_changes_conflict(store: &dyn Store) {
    let f = Fixture::new(store).await;
    let t = store
        .add_task(
            &NewTask {
                case_id: f.case.id.clone(),
                title: "Chase landlord for rent statement".into(),
                due_date: Some("2026-03-09".parse().unwrap()),
                assignee_id: Some(f.bob.id.clone()),
            },
            &ctx(&f.ann, 5),
        )
        .await
        .unwrap();
    assert_eq!(t.assignee_name.as_deref(), Some("Bob Adviser"));
    assert_eq!(t.status, TaskStatus::Open);
    let done = store
        .set_task_status(&t.id, TaskStatus::Open, TaskStatus::Done, &ctx(&f.bob, 8))
        .await
        .unwrap();
    assert_eq!(done.status, TaskStatus::Done);
    assert_eq!(done.completed_at, Some(at(8)));
    let err = store
        .set_task_status(
            &t.id,
            TaskStatus::Open,
            TaskStatus::Cancelled,
            &ctx(&f.bob, 9),
        )
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::Conflict(_)), "{err:?}");
    let reopened = store
        .set_task_status(&t.id, TaskStatus::Done, TaskStatus::Open, &ctx(&f.bob, 10))
        .await
        .unwrap();
    assert_eq!(reopened.completed_at, None);
    assert_eq!(
        store.list_tasks(&f.case.id).await.unwrap(),
        [reopened.clone()]
    );
    assert_eq!(store.get_task(&t.id).await.unwrap(), reopened);
}

pub async fn a_cancelled_task_keeps_its_reason_on_the_timeline(store: &dyn Store) {
    let f = Fixture::new(store).await;
    let t = store
        .add_task(
            &NewTask {
                case_id: f.case.id.clone(),
                title: "Book interpreter".into(),
                due_date: Some("2026-03-09".parse().unwrap()),
                assignee_id: None,
            },
            &ctx(&f.ann, 5),
        )
        .await
        .unwrap();
    assert_eq!(t.cancellation_reason, None);
    let cancelled = store
        .change_task_status(
            &t.id,
            TaskStatus::Open,
            TaskStatus::Cancelled,
            Some("Client now speaks with a family member present"),
            &ctx(&f.ann, 8),
        )
        .await
        .unwrap();
    assert_eq!(cancelled.status, TaskStatus::Cancelled);
    assert_eq!(
        cancelled.cancellation_reason.as_deref(),
        Some("Client now speaks with a family member present")
    );
    assert_eq!(store.get_task(&t.id).await.unwrap(), cancelled);
    let reopened = store
        .change_task_status(
            &t.id,
            TaskStatus::Cancelled,
            TaskStatus::Open,
            None,
            &ctx(&f.ann, 9),
        )
        .await
        .unwrap();
    assert_eq!(reopened.cancellation_reason, None, "cleared on reopening");
    assert_eq!(store.list_tasks(&f.case.id).await.unwrap(), [reopened]);
    let changes: Vec<serde_json::Value> = store
        .timeline(&f.case.id)
        .await
        .unwrap()
        .into_iter()
        .filter(|e| e.kind == EventKind::TaskStatusChanged)
        .map(|e| e.data)
        .collect();
    assert_eq!(changes.len(), 2);
    assert_eq!(changes[0]["to"], "cancelled");
    assert_eq!(
        changes[0]["reason"],
        "Client now speaks with a family member present"
    );
    assert_eq!(changes[1]["to"], "open");
    assert!(changes[1].get("reason").is_none());
}
