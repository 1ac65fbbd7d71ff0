//! Timescales: their versions, what active cases carry for their clocks, and
//! alerts sent once.

use super::*;

/// This capability's scenarios — the plain ones, then those that need
/// `RawSql` — added to the one list `conformance_capabilities!` chains.
#[doc(hidden)]
#[macro_export]
macro_rules! conformance_timescales {
    ([$($then:tt)*] [$($plain:tt)*] [$($raw:tt)*] $($rest:ident)*) => {
        $crate::conformance_collect! { [$($then)*]
            [$($plain)*
                timescales::timescale_versions_are_kept_in_order,
                timescales::active_cases_carry_what_their_clocks_need,
                timescales::alerts_are_sent_once,
            ]
            [$($raw)*]
            $($rest)*
        }
    };
}

pub async fn timescale_versions_are_kept_in_order(store: &dyn Store) {
    let f = Fixture::new(store).await;
    assert_eq!(store.latest_timescales().await.unwrap(), None);
    let v1 = store
        .save_timescales("margin = 1", None, at(1))
        .await
        .unwrap();
    let v2 = store
        .save_timescales("margin = 2", Some(&f.ann.id), at(2))
        .await
        .unwrap();
    assert_eq!((v1.version, v2.version), (1, 2));
    assert_eq!(store.latest_timescales().await.unwrap(), Some(v2.clone()));
    assert_eq!(store.timescale_versions().await.unwrap(), vec![v1, v2]);
}

pub async fn active_cases_carry_what_their_clocks_need(store: &dyn Store) {
    let f = Fixture::new(store).await;
    let today: jiff::civil::Date = "2026-03-10".parse().unwrap();
    let mut internal = note(&f.case, 5, "Read the file");
    internal.kind = NoteKind::Internal;
    store.add_note(&internal, &ctx(&f.ann, 6)).await.unwrap();
    store
        .add_note(&note(&f.case, 10, "Phoned"), &ctx(&f.ann, 11))
        .await
        .unwrap();
    let mut review = note(&f.case, 15, "Reviewed");
    review.kind = NoteKind::Review;
    store.add_note(&review, &ctx(&f.ann, 16)).await.unwrap();
    let mut supervision = note(&f.case, 20, "Supervised");
    supervision.kind = NoteKind::Supervision;
    store
        .add_note(&supervision, &ctx(&f.sue, 21))
        .await
        .unwrap();
    let deadline = store
        .add_deadline(
            &NewDeadline {
                case_id: f.case.id.clone(),
                rule_id: None,
                title: "Reply".into(),
                trigger_date: None,
                calendar: None,
                due_date: "2026-03-20".parse().unwrap(),
                explanation: vec![],
                assignee_id: None,
            },
            &ctx(&f.ann, 25),
        )
        .await
        .unwrap();
    let mut status = CaseStatus::Open;
    for (minute, to) in [
        (50, CaseStatus::OnHold),
        (60, CaseStatus::Open),
        (70, CaseStatus::OnHold),
    ] {
        let change = StatusChange {
            from: status,
            to,
            reason: Some("Waiting for the client's payslips".into()),
            closure_reason: None,
            closure_summary: None,
        };
        store
            .change_case_status(&f.case.id, &change, &ctx(&f.ann, minute))
            .await
            .unwrap();
        status = to;
    }
    let rows = store.active_caseload(None, 100).await.unwrap();
    let row = rows.iter().find(|r| r.case.id == f.case.id).unwrap();
    assert_eq!(
        row.first_contact,
        Some(at(10)),
        "internal notes are not contact"
    );
    assert_eq!(
        row.last_action,
        Some(at(15)),
        "supervision is not work on the case"
    );
    assert_eq!(row.last_review, Some(at(15)));
    assert_eq!(row.holds, vec![(at(50), Some(at(60))), (at(70), None)]);
    assert_eq!(
        row.deadlines,
        vec![DeadlineDue {
            id: deadline.id.to_string(),
            due: "2026-03-20".parse().unwrap(),
            met: false,
            title: "Reply".into(),
        }]
    );
    store
        .set_task_status(
            &deadline.task_id,
            TaskStatus::Open,
            TaskStatus::Done,
            &ctx(&f.ann, 80),
        )
        .await
        .unwrap();
    let mine = store.caseload(&f.ann.id, today).await.unwrap();
    assert_eq!(mine[0].holds, row.holds);
    assert!(mine[0].deadlines[0].met, "a done deadline is met");
    assert_eq!(mine[0].assessment, None);
    let later = store.active_caseload(Some(&f.case.id), 100).await.unwrap();
    assert!(
        later.iter().all(|r| r.case.id > f.case.id),
        "pages go on after the last id"
    );
}

pub async fn alerts_are_sent_once(store: &dyn Store) {
    let f = Fixture::new(store).await;
    let alert = NewAlert {
        case_id: f.case.id.clone(),
        clock: "first_contact".into(),
        state: "at_risk".into(),
        due: "2026-03-04".parse().unwrap(),
        message: "First contact at risk".into(),
        supervisors: false,
    };
    assert_eq!(
        store
            .record_alerts(&[alert.clone()], &ctx(&f.ann, 1))
            .await
            .unwrap(),
        1
    );
    assert_eq!(
        store
            .record_alerts(&[alert.clone()], &ctx(&f.ann, 2))
            .await
            .unwrap(),
        0
    );
    let breach = NewAlert {
        state: "breached".into(),
        message: "First contact breached".into(),
        supervisors: true,
        ..alert.clone()
    };
    assert_eq!(
        store
            .record_alerts(&[alert.clone(), breach.clone()], &ctx(&f.ann, 3))
            .await
            .unwrap(),
        1,
        "only the breach is new"
    );
    assert_eq!(
        store
            .record_alerts(&[breach], &ctx(&f.ann, 4))
            .await
            .unwrap(),
        0
    );
    let kinds = |list: Vec<Notification>| list.into_iter().map(|n| n.kind).collect::<BTreeSet<_>>();
    assert_eq!(
        kinds(store.notifications(&f.ann.id, true).await.unwrap()),
        BTreeSet::from([
            "timescale_at_risk".to_owned(),
            "timescale_breached".to_owned()
        ])
    );
    assert_eq!(store.notifications(&f.ann.id, true).await.unwrap().len(), 2);
    assert_eq!(
        kinds(store.notifications(&f.sue.id, true).await.unwrap()),
        BTreeSet::from(["timescale_breached".to_owned()]),
        "the supervisor hears of breaches only"
    );
    assert!(
        store
            .notifications(&f.cat.id, true)
            .await
            .unwrap()
            .is_empty()
    );
}
