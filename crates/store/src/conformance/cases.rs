//! Cases: opening, listing within scope, status changes, the timeline that
//! merges a case's records, and unknown ids of any record.

use super::*;

/// This capability's scenarios — the plain ones, then those that need
/// `RawSql` — added to the one list `conformance_capabilities!` chains.
#[doc(hidden)]
#[macro_export]
macro_rules! conformance_cases {
    ([$($then:tt)*] [$($plain:tt)*] [$($raw:tt)*] $($rest:ident)*) => {
        $crate::conformance_collect! { [$($then)*]
            [$($plain)*
                cases::cases_round_trip_and_filter,
                cases::cases_list_only_within_scope_and_page,
                cases::a_case_for_an_unknown_client_is_refused,
                cases::status_changes_are_kept_and_stale_changes_conflict,
                cases::the_timeline_merges_everything_oldest_first,
                cases::unknown_ids_are_not_found,
            ]
            [$($raw)*]
            $($rest)*
        }
    };
}

pub async fn cases_round_trip_and_filter(store: &dyn Store) {
    let f = Fixture::new(store).await;
    let got = store.get_case(&f.case.id).await.unwrap();
    assert_eq!(got, f.case);
    assert_eq!(got.client_name, "Dana Client");
    assert_eq!(got.owner_name, "Ann Adviser");
    assert_eq!(got.status, CaseStatus::Open);
    assert_eq!(got.opened_at, Some(at(1)));
    assert_eq!(got.closed_at, None);

    let mut debt = new_case(&f.client, &f.bob, &f.team_a, "Council tax arrears");
    debt.service_area = ServiceArea::Debt;
    debt.status = CaseStatus::Referral;
    let debt = store.create_case(&debt, &ctx(&f.bob, 3)).await.unwrap();
    assert_eq!(debt.opened_at, None);

    let all = Page::default();
    let by_area = CaseFilter {
        service_area: Some(ServiceArea::Debt),
        ..Default::default()
    };
    let ids = |cases: Vec<Case>| cases.into_iter().map(|c| c.id).collect::<Vec<_>>();
    assert_eq!(
        ids(store
            .list_cases(&by_area, &scope(&f.ann), &all)
            .await
            .unwrap()),
        [debt.id.clone()]
    );
    let by_owner = CaseFilter {
        owner: Some(f.ann.id.clone()),
        ..Default::default()
    };
    assert_eq!(
        ids(store
            .list_cases(&by_owner, &scope(&f.bob), &all)
            .await
            .unwrap()),
        [f.case.id.clone()]
    );
    let by_status = CaseFilter {
        status: Some(CaseStatus::Referral),
        ..Default::default()
    };
    assert_eq!(
        ids(store
            .list_cases(&by_status, &scope(&f.ann), &all)
            .await
            .unwrap()),
        [debt.id.clone()]
    );
    let by_client = CaseFilter {
        client: Some(f.client.id.clone()),
        ..Default::default()
    };
    assert_eq!(
        store
            .list_cases(&by_client, &scope(&f.ann), &all)
            .await
            .unwrap()
            .len(),
        2
    );
}

pub async fn cases_list_only_within_scope_and_page(store: &dyn Store) {
    let f = Fixture::new(store).await;
    let other_client = store
        .create_client(&new_client("Eve Other", &f.team_b), &ctx(&f.cat, 2))
        .await
        .unwrap();
    let theirs = store
        .create_case(
            &new_case(&other_client, &f.cat, &f.team_b, "Theirs"),
            &ctx(&f.cat, 3),
        )
        .await
        .unwrap();
    let mut created = vec![f.case.id.clone()];
    for i in 0..4 {
        let c = store
            .create_case(
                &new_case(&f.client, &f.bob, &f.team_a, &format!("Case {i}")),
                &ctx(&f.bob, 4 + i),
            )
            .await
            .unwrap();
        created.push(c.id);
    }
    let none = CaseFilter::default();
    let mut seen = Vec::new();
    let mut page = Page {
        limit: 2,
        after: None,
    };
    loop {
        let batch = store
            .list_cases(&none, &scope(&f.sue), &page)
            .await
            .unwrap();
        if batch.is_empty() {
            break;
        }
        assert!(batch.len() <= 2);
        page.after = batch.last().map(|c| c.id.to_string());
        seen.extend(batch.into_iter().map(|c| c.id));
    }
    created.sort();
    assert_eq!(
        seen, created,
        "a supervisor pages through their team's cases in id order"
    );
    let cats = store
        .list_cases(&none, &scope(&f.cat), &Page::default())
        .await
        .unwrap();
    assert_eq!(
        cats.into_iter().map(|c| c.id).collect::<Vec<_>>(),
        [theirs.id]
    );
}

pub async fn a_case_for_an_unknown_client_is_refused(store: &dyn Store) {
    let f = Fixture::new(store).await;
    let mut bad = new_case(&f.client, &f.ann, &f.team_a, "Ghost");
    bad.client_id = ClientId::from_parts(1, [9; 10]);
    assert!(store.create_case(&bad, &ctx(&f.ann, 5)).await.is_err());
    let all = store
        .list_cases(&CaseFilter::default(), &scope(&f.ann), &Page::default())
        .await
        .unwrap();
    assert_eq!(all.len(), 1, "nothing was stored");
}

pub async fn status_changes_are_kept_and_stale_changes_conflict(store: &dyn Store) {
    let f = Fixture::new(store).await;
    let hold = StatusChange {
        from: CaseStatus::Open,
        to: CaseStatus::OnHold,
        reason: Some("Waiting for landlord's reply".into()),
        closure_reason: None,
        closure_summary: None,
    };
    let held = store
        .change_case_status(&f.case.id, &hold, &ctx(&f.ann, 10))
        .await
        .unwrap();
    assert_eq!(held.status, CaseStatus::OnHold);
    assert_eq!(held.updated_at, at(10));
    // The same change again is stale: the case is no longer open.
    let err = store
        .change_case_status(&f.case.id, &hold, &ctx(&f.ann, 11))
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::Conflict(_)), "{err:?}");

    let close = StatusChange {
        from: CaseStatus::OnHold,
        to: CaseStatus::Closed,
        reason: None,
        closure_reason: Some(ClosureReason::OutcomesAchieved),
        closure_summary: Some("Arrears cleared; tenancy safe.".into()),
    };
    let closed = store
        .change_case_status(&f.case.id, &close, &ctx(&f.ann, 20))
        .await
        .unwrap();
    assert_eq!(closed.closed_at, Some(at(20)));
    assert_eq!(closed.closure_reason, Some(ClosureReason::OutcomesAchieved));
    assert_eq!(
        closed.closure_summary.as_deref(),
        Some("Arrears cleared; tenancy safe.")
    );

    let reopen = StatusChange {
        from: CaseStatus::Closed,
        to: CaseStatus::Open,
        reason: Some("New notice served".into()),
        closure_reason: None,
        closure_summary: None,
    };
    let reopened = store
        .change_case_status(&f.case.id, &reopen, &ctx(&f.ann, 30))
        .await
        .unwrap();
    assert_eq!(reopened.closed_at, None);
    assert_eq!(reopened.opened_at, Some(at(30)));

    let changes: Vec<_> = store
        .timeline(&f.case.id)
        .await
        .unwrap()
        .into_iter()
        .filter(|e| e.kind == EventKind::StatusChanged)
        .map(|e| {
            (
                e.data["from"].as_str().unwrap().to_owned(),
                e.data["to"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    assert_eq!(
        changes,
        [
            ("open".into(), "on_hold".into()),
            ("on_hold".into(), "closed".into()),
            ("closed".into(), "open".into())
        ]
    );
}

pub async fn the_timeline_merges_everything_oldest_first(store: &dyn Store) {
    let f = Fixture::new(store).await;
    let n = store
        .add_note(&note(&f.case, 2, "First contact"), &ctx(&f.ann, 3))
        .await
        .unwrap();
    let o = store
        .add_outcome(
            &NewOutcome {
                case_id: f.case.id.clone(),
                description: "Stay housed".into(),
                target_date: None,
            },
            &ctx(&f.ann, 4),
        )
        .await
        .unwrap();
    store
        .add_outcome_progress(
            &NewProgress {
                outcome_id: o.id.clone(),
                status: OutcomeStatus::InProgress,
                text: "Started".into(),
            },
            &ctx(&f.ann, 5),
        )
        .await
        .unwrap();
    let ob = store
        .add_obstacle(
            &NewObstacle {
                case_id: f.case.id.clone(),
                category: ObstacleCategory::Financial,
                description: "No income".into(),
            },
            &ctx(&f.ann, 6),
        )
        .await
        .unwrap();
    store
        .resolve_obstacle(&ob.id, "UC claim paid", &ctx(&f.ann, 7))
        .await
        .unwrap();
    let t = store
        .add_task(
            &NewTask {
                case_id: f.case.id.clone(),
                title: "Call back".into(),
                due_date: None,
                assignee_id: None,
            },
            &ctx(&f.ann, 8),
        )
        .await
        .unwrap();
    store
        .set_task_status(&t.id, TaskStatus::Open, TaskStatus::Done, &ctx(&f.ann, 9))
        .await
        .unwrap();
    store
        .add_amendment(
            &NewAmendment {
                note_id: n.id.clone(),
                reason: "Typo".into(),
                sections: sections(&[("situation", "First contact.")]),
            },
            &ctx(&f.bob, 10),
        )
        .await
        .unwrap();
    store
        .change_case_status(
            &f.case.id,
            &StatusChange {
                from: CaseStatus::Open,
                to: CaseStatus::OnHold,
                reason: Some("Waiting".into()),
                closure_reason: None,
                closure_summary: None,
            },
            &ctx(&f.ann, 11),
        )
        .await
        .unwrap();
    // A late note about something that happened before the case was opened
    // sits where it happened, not where it was written.
    let mut early = note(&f.case, -30, "Referral call");
    early.late_entry = true;
    early.late_reason = Some("Taken on paper at outreach".into());
    let early = store.add_note(&early, &ctx(&f.ann, 12)).await.unwrap();

    let timeline = store.timeline(&f.case.id).await.unwrap();
    let kinds: Vec<EventKind> = timeline.iter().map(|e| e.kind).collect();
    use EventKind::*;
    assert_eq!(
        kinds,
        [
            NoteAdded,
            CaseCreated,
            NoteAdded,
            OutcomeAdded,
            OutcomeProgress,
            ObstacleRaised,
            ObstacleResolved,
            TaskAdded,
            TaskStatusChanged,
            NoteAmended,
            StatusChanged
        ]
    );
    assert_eq!(timeline[0].subject_id, early.id.to_string());
    assert_eq!(timeline[0].at, at(-30));
    assert_eq!(timeline[0].recorded_at, at(12));
    assert!(
        timeline.windows(2).all(|w| w[0].at <= w[1].at),
        "oldest first"
    );
    assert_eq!(timeline[9].actor_name, "Bob Adviser");
    assert!(
        timeline
            .iter()
            .all(|e| !e.data.to_string().contains("First contact")),
        "no note text in the timeline data"
    );
}

pub async fn unknown_ids_are_not_found(store: &dyn Store) {
    let f = Fixture::new(store).await;
    let r = [9u8; 10];
    assert!(matches!(
        store.get_case(&CaseId::from_parts(1, r)).await,
        Err(StoreError::NotFound(_))
    ));
    assert!(matches!(
        store.get_client(&ClientId::from_parts(1, r)).await,
        Err(StoreError::NotFound(_))
    ));
    assert!(matches!(
        store.get_note(&NoteId::from_parts(1, r)).await,
        Err(StoreError::NotFound(_))
    ));
    assert!(matches!(
        store.get_user(&UserId::from_parts(1, r)).await,
        Err(StoreError::NotFound(_))
    ));
    assert!(matches!(
        store.get_task(&TaskId::from_parts(1, r)).await,
        Err(StoreError::NotFound(_))
    ));
    assert!(matches!(
        store.get_outcome(&OutcomeId::from_parts(1, r)).await,
        Err(StoreError::NotFound(_))
    ));
    assert!(matches!(
        store.get_obstacle(&ObstacleId::from_parts(1, r)).await,
        Err(StoreError::NotFound(_))
    ));
    let progress = NewProgress {
        outcome_id: OutcomeId::from_parts(1, r),
        status: OutcomeStatus::Achieved,
        text: "x".into(),
    };
    assert!(matches!(
        store.add_outcome_progress(&progress, &ctx(&f.ann, 3)).await,
        Err(StoreError::NotFound(_))
    ));
    let stale = StatusChange {
        from: CaseStatus::Open,
        to: CaseStatus::OnHold,
        reason: Some("x".into()),
        closure_reason: None,
        closure_summary: None,
    };
    assert!(matches!(
        store
            .change_case_status(&CaseId::from_parts(1, r), &stale, &ctx(&f.ann, 3))
            .await,
        Err(StoreError::NotFound(_))
    ));
    let _ = BTreeMap::<(), ()>::new();
}
