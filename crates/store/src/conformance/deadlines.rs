//! Deadlines and the task and timeline entry each brings.

use super::*;

/// This capability's scenarios — the plain ones, then those that need
/// `RawSql` — added to the one list `conformance_capabilities!` chains.
#[doc(hidden)]
#[macro_export]
macro_rules! conformance_deadlines {
    ([$($then:tt)*] [$($plain:tt)*] [$($raw:tt)*] $($rest:ident)*) => {
        $crate::conformance_collect! { [$($then)*]
            [$($plain)*
                deadlines::deadlines_bring_their_task_and_timeline_entry,
            ]
            [$($raw)*]
            $($rest)*
        }
    };
}

pub async fn deadlines_bring_their_task_and_timeline_entry(store: &dyn Store) {
    let f = Fixture::new(store).await;
    let computed = store
        .add_deadline(
            &NewDeadline {
                case_id: f.case.id.clone(),
                rule_id: Some("mandatory_reconsideration".into()),
                title: "Mandatory reconsideration request".into(),
                trigger_date: "2026-01-31".parse().ok(),
                calendar: Some("england-and-wales".into()),
                due_date: "2026-02-28".parse().unwrap(),
                explanation: vec!["decision 31 Jan 2026 + 1 calendar month → 28 Feb 2026".into()],
                assignee_id: Some(f.bob.id.clone()),
            },
            &ctx(&f.ann, 5),
        )
        .await
        .unwrap();
    let manual = store
        .add_deadline(
            &NewDeadline {
                case_id: f.case.id.clone(),
                rule_id: None,
                title: "Landlord's deadline to reply".into(),
                trigger_date: None,
                calendar: None,
                due_date: "2026-02-10".parse().unwrap(),
                explanation: vec![],
                assignee_id: None,
            },
            &ctx(&f.ann, 6),
        )
        .await
        .unwrap();
    assert_eq!(
        computed.explanation,
        ["decision 31 Jan 2026 + 1 calendar month → 28 Feb 2026"]
    );
    assert_eq!(computed.created_at, at(5));
    let listed = store.list_deadlines(&f.case.id).await.unwrap();
    assert_eq!(listed, [manual.clone(), computed.clone()], "soonest first");
    let task = store.get_task(&computed.task_id).await.unwrap();
    assert_eq!(task.due_date, "2026-02-28".parse().ok());
    assert_eq!(task.assignee_name.as_deref(), Some("Bob Adviser"));
    assert!(task.title.contains("Mandatory reconsideration request"));
    let kinds: Vec<EventKind> = store
        .timeline(&f.case.id)
        .await
        .unwrap()
        .into_iter()
        .map(|e| e.kind)
        .collect();
    assert_eq!(
        kinds
            .iter()
            .filter(|k| **k == EventKind::DeadlineAdded)
            .count(),
        2
    );
    let mut ghost = NewDeadline {
        case_id: CaseId::from_parts(1, [5; 10]),
        rule_id: None,
        title: "x".into(),
        trigger_date: None,
        calendar: None,
        due_date: "2026-02-10".parse().unwrap(),
        explanation: vec![],
        assignee_id: None,
    };
    assert!(store.add_deadline(&ghost, &ctx(&f.ann, 7)).await.is_err());
    ghost.case_id = f.case.id.clone();
    assert_eq!(
        store.list_tasks(&f.case.id).await.unwrap().len(),
        2,
        "nothing half-written"
    );
}
