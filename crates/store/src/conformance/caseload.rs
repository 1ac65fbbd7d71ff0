//! The caseload: queue rows, the team summary, and the caseload mark that
//! tells a server its kept rows still stand.

use super::priorities::generic_policy;
use super::*;

/// This capability's scenarios — the plain ones, then those that need
/// `RawSql` — added to the one list `conformance_capabilities!` chains.
#[doc(hidden)]
#[macro_export]
macro_rules! conformance_caseload {
    ([$($then:tt)*] [$($plain:tt)*] [$($raw:tt)*] $($rest:ident)*) => {
        $crate::conformance_collect! { [$($then)*]
            [$($plain)*
                caseload::the_caseload_shows_what_needs_attention,
                caseload::the_team_summary_counts_open_cases_and_overdue_tasks,
                caseload::the_caseload_mark_moves_with_every_change_to_the_caseload,
            ]
            [$($raw)*
                caseload::cases_changed_in_the_database_move_their_owners_caseload_marks,
            ]
            $($rest)*
        }
    };
}

pub async fn the_caseload_shows_what_needs_attention(store: &dyn Store) {
    let f = Fixture::new(store).await;
    let today: jiff::civil::Date = "2026-03-10".parse().unwrap();
    let mut contact = note(&f.case, 10, "Phone call");
    contact.kind = NoteKind::Phone;
    store.add_note(&contact, &ctx(&f.ann, 11)).await.unwrap();
    let mut internal = note(&f.case, 20, "Internal");
    internal.kind = NoteKind::Internal;
    internal.late_entry = true;
    internal.late_reason = Some("x".into());
    store.add_note(&internal, &ctx(&f.ann, 21)).await.unwrap();
    for (title, due) in [
        ("Later", "2026-03-20"),
        ("Overdue", "2026-03-05"),
        ("Undated", ""),
    ] {
        store
            .add_task(
                &NewTask {
                    case_id: f.case.id.clone(),
                    title: title.into(),
                    due_date: due.parse().ok(),
                    assignee_id: None,
                },
                &ctx(&f.ann, 30),
            )
            .await
            .unwrap();
    }
    let done = store
        .add_task(
            &NewTask {
                case_id: f.case.id.clone(),
                title: "Done already".into(),
                due_date: "2026-03-01".parse().ok(),
                assignee_id: None,
            },
            &ctx(&f.ann, 30),
        )
        .await
        .unwrap();
    store
        .set_task_status(
            &done.id,
            TaskStatus::Open,
            TaskStatus::Done,
            &ctx(&f.ann, 31),
        )
        .await
        .unwrap();
    // A closed case and someone else's case are not in Ann's caseload.
    let closed = store
        .create_case(
            &new_case(&f.client, &f.ann, &f.team_a, "Old"),
            &ctx(&f.ann, 40),
        )
        .await
        .unwrap();
    let close = StatusChange {
        from: CaseStatus::Open,
        to: CaseStatus::Closed,
        reason: None,
        closure_reason: Some(ClosureReason::Duplicate),
        closure_summary: Some("Opened twice".into()),
    };
    store
        .change_case_status(&closed.id, &close, &ctx(&f.ann, 41))
        .await
        .unwrap();
    store
        .create_case(
            &new_case(&f.client, &f.bob, &f.team_a, "Bob's"),
            &ctx(&f.bob, 42),
        )
        .await
        .unwrap();

    let rows = store.caseload(&f.ann.id, today).await.unwrap();
    assert_eq!(rows.len(), 1);
    let row = &rows[0];
    assert_eq!(row.case.id, f.case.id);
    assert_eq!(
        row.last_contact,
        Some(at(10)),
        "internal notes are not client contact"
    );
    assert_eq!(row.next_task_title.as_deref(), Some("Overdue"));
    assert_eq!(row.next_task_due, "2026-03-05".parse().ok());
    assert_eq!(row.late_notes, 1);
    assert_eq!(row.overdue_tasks, 1);
    let bobs = store.caseload(&f.bob.id, today).await.unwrap();
    assert_eq!(bobs.len(), 1);
    assert_eq!(bobs[0].last_contact, None);
    assert_eq!(bobs[0].next_task_title, None);
}

pub async fn the_team_summary_counts_open_cases_and_overdue_tasks(store: &dyn Store) {
    let f = Fixture::new(store).await;
    let today: jiff::civil::Date = "2026-03-10".parse().unwrap();
    store
        .create_case(
            &new_case(&f.client, &f.ann, &f.team_a, "Second"),
            &ctx(&f.ann, 2),
        )
        .await
        .unwrap();
    store
        .add_task(
            &NewTask {
                case_id: f.case.id.clone(),
                title: "Overdue".into(),
                due_date: "2026-03-01".parse().ok(),
                assignee_id: None,
            },
            &ctx(&f.ann, 3),
        )
        .await
        .unwrap();
    let summary = store.team_summary(&f.team_a.id, today).await.unwrap();
    let rows: Vec<(&str, i64, i64)> = summary
        .iter()
        .map(|m| (m.user.name.as_str(), m.open_cases, m.overdue_tasks))
        .collect();
    assert_eq!(
        rows,
        [
            ("Ann Adviser", 2, 1),
            ("Bob Adviser", 0, 0),
            ("Sue Supervisor", 0, 0)
        ]
    );
    assert!(
        store
            .team_summary(&f.team_b.id, today)
            .await
            .unwrap()
            .iter()
            .all(|m| m.user.team_id == Some(f.team_b.id.clone()))
    );
}

/// The mark read with a token is the mark of the caseload as read, and any
/// write that changes what the caseload reads moves it (and only the
/// owner's): a server answering from kept rows while the mark stands is
/// never behind the database.
pub async fn the_caseload_mark_moves_with_every_change_to_the_caseload(store: &dyn Store) {
    let f = Fixture::new(store).await;
    let today: jiff::civil::Date = "2026-03-10".parse().unwrap();
    api_token(store, &f.ann.id, "ann").await;
    api_token(store, &f.bob.id, "bob").await;
    api_token(store, &f.sue.id, "sue").await;
    generic_policy(store).await;
    let read = |token: &'static str, owner: UserId| async move {
        let (holder, mark) = store
            .user_for_token_with_caseload_mark(token, t0())
            .await
            .unwrap()
            .unwrap();
        assert_eq!(holder.user.id, owner);
        assert_eq!(
            holder.settings_generation,
            store.settings_generation().await.unwrap()
        );
        let rows = store.caseload(&owner, today).await.unwrap();
        assert_eq!(
            mark,
            CaseloadMark::of(&rows),
            "the mark is the mark of the caseload as read"
        );
        (mark, rows)
    };
    // Someone with no cases has the empty mark.
    let (sue_mark, sue_rows) = read("sue", f.sue.id.clone()).await;
    assert!(sue_rows.is_empty());
    assert_eq!(sue_mark, CaseloadMark::default());
    assert_eq!(
        store
            .user_for_token_with_caseload_mark("nobody", t0())
            .await
            .unwrap(),
        None
    );

    let (mut mark, mut rows) = read("ann", f.ann.id.clone()).await;
    let (bob_mark, _) = read("bob", f.bob.id.clone()).await;
    let second = store
        .create_case(
            &new_case(&f.client, &f.ann, &f.team_a, "Debt"),
            &ctx(&f.ann, 2),
        )
        .await
        .unwrap();
    let task = NewTask {
        case_id: f.case.id.clone(),
        title: "Call the landlord".into(),
        due_date: "2026-03-05".parse().ok(),
        assignee_id: None,
    };
    let mut changes = 0;
    for step in 0..9 {
        match step {
            0 => {} // the new case, made above
            1 => {
                store
                    .add_note(&note(&second, 3, "Phoned"), &ctx(&f.ann, 3))
                    .await
                    .unwrap();
            }
            2 => {
                store.add_task(&task, &ctx(&f.ann, 4)).await.unwrap();
            }
            3 => {
                let open = store.list_tasks(&f.case.id).await.unwrap();
                store
                    .set_task_status(
                        &open[0].id,
                        TaskStatus::Open,
                        TaskStatus::Done,
                        &ctx(&f.ann, 5),
                    )
                    .await
                    .unwrap();
            }
            4 => {
                store
                    .add_deadline(
                        &NewDeadline {
                            case_id: second.id.clone(),
                            rule_id: None,
                            title: "Reply to the court".into(),
                            trigger_date: None,
                            calendar: None,
                            due_date: "2026-03-20".parse().unwrap(),
                            explanation: vec![],
                            assignee_id: None,
                        },
                        &ctx(&f.ann, 6),
                    )
                    .await
                    .unwrap();
            }
            5 => {
                store
                    .record_assessment(
                        &NewAssessment {
                            case_id: f.case.id.clone(),
                            policy_id: "generic".into(),
                            policy_version: 1,
                            answers: serde_json::json!({}),
                            score: 10,
                            band: "P3".into(),
                            rationale: serde_json::json!([{"words": "Routine"}]),
                            summary: "Routine".into(),
                            floor: None,
                            tasks: vec![],
                            notify: None,
                        },
                        &ctx(&f.ann, 7),
                    )
                    .await
                    .unwrap();
            }
            6 => {
                store
                    .override_priority(
                        &NewOverride {
                            case_id: f.case.id.clone(),
                            cause: "override".into(),
                            band: "P2".into(),
                            rationale: "Eviction notice served".into(),
                            notify: None,
                        },
                        &ctx(&f.sue, 8),
                    )
                    .await
                    .unwrap();
            }
            7 => {
                let hold = StatusChange {
                    from: CaseStatus::Open,
                    to: CaseStatus::OnHold,
                    reason: Some("Client in hospital".into()),
                    closure_reason: None,
                    closure_summary: None,
                };
                store
                    .change_case_status(&second.id, &hold, &ctx(&f.ann, 9))
                    .await
                    .unwrap();
            }
            _ => {
                let close = StatusChange {
                    from: CaseStatus::OnHold,
                    to: CaseStatus::Closed,
                    reason: None,
                    closure_reason: Some(ClosureReason::Duplicate),
                    closure_summary: Some("Opened twice".into()),
                };
                store
                    .change_case_status(&second.id, &close, &ctx(&f.ann, 10))
                    .await
                    .unwrap();
            }
        }
        let (new_mark, new_rows) = read("ann", f.ann.id.clone()).await;
        assert_ne!(new_rows, rows, "step {step} changes the caseload");
        assert_ne!(new_mark, mark, "step {step} moves the mark");
        // Reading just the changed cases (and any that left) gives the
        // same rows as the whole caseload does.
        let changed: Vec<CaseId> = rows
            .iter()
            .chain(&new_rows)
            .filter(|r| !rows.contains(r) || !new_rows.contains(r))
            .map(|r| r.case.id.clone())
            .collect();
        assert!(!changed.is_empty());
        let partial = store
            .caseload_cases(&f.ann.id, &changed, today)
            .await
            .unwrap();
        let expected: Vec<CaseloadRow> = new_rows
            .iter()
            .filter(|r| changed.contains(&r.case.id))
            .cloned()
            .collect();
        assert_eq!(
            partial, expected,
            "step {step}: the changed cases read alone"
        );
        (mark, rows) = (new_mark, new_rows);
        changes += 1;
    }
    assert_eq!(changes, 9);
    assert_eq!(rows.len(), 1, "the closed case has left the caseload");
    // Bob's caseload was not touched, so his mark stands.
    assert_eq!(read("bob", f.bob.id.clone()).await.0, bob_mark);
    // Nor does a read or a write outside the caseload move Ann's.
    store
        .create_case(
            &new_case(&f.client, &f.bob, &f.team_a, "Bob's"),
            &ctx(&f.bob, 11),
        )
        .await
        .unwrap();
    assert_eq!(read("ann", f.ann.id.clone()).await.0, mark);
    assert_ne!(read("bob", f.bob.id.clone()).await.0, bob_mark);
    // Cases outside the owner's active caseload are not read for them.
    let bobs = store.caseload(&f.bob.id, today).await.unwrap();
    let ids: Vec<CaseId> = [
        second.id.clone(),
        bobs[0].case.id.clone(),
        f.case.id.clone(),
    ]
    .into();
    let partial = store.caseload_cases(&f.ann.id, &ids, today).await.unwrap();
    assert_eq!(
        partial, rows,
        "only Ann's active case, not her closed one nor Bob's"
    );
    assert!(
        store
            .caseload_cases(&f.ann.id, &[], today)
            .await
            .unwrap()
            .is_empty()
    );
    // A browser session reads the same mark with its user.
    store
        .create_session(&NewSession {
            id_hash: "ann-session".into(),
            user_id: f.ann.id.clone(),
            csrf_token: "csrf".into(),
            at: at(12),
        })
        .await
        .unwrap();
    let (session, session_mark) = store
        .get_session_with_caseload_mark("ann-session")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        Some(&session),
        store.get_session("ann-session").await.unwrap().as_ref()
    );
    assert_eq!(session_mark, mark);
    assert_eq!(
        store
            .get_session_with_caseload_mark("nobody")
            .await
            .unwrap(),
        None
    );
}

/// The caseload mark read with the user holding `token`.
pub(super) async fn mark_for(store: &dyn Store, token: &str) -> CaseloadMark {
    store
        .user_for_token_with_caseload_mark(token, t0())
        .await
        .unwrap()
        .unwrap()
        .1
}

pub async fn cases_changed_in_the_database_move_their_owners_caseload_marks(
    store: &dyn Store,
    raw: &dyn RawSql,
) {
    let f = Fixture::new(store).await;
    api_token(store, &f.ann.id, "ann").await;
    api_token(store, &f.bob.id, "bob").await;
    let (ann, bob) = (mark_for(store, "ann").await, mark_for(store, "bob").await);
    raw.execute(
        "UPDATE cases SET title = 'Rent arrears (corrected)' WHERE id = ?",
        &[f.case.id.as_str()],
    )
    .await;
    let ann_after_title = mark_for(store, "ann").await;
    assert_ne!(ann_after_title, ann, "a corrected title moves the mark");
    assert_eq!(
        mark_for(store, "bob").await,
        bob,
        "Bob's cases are untouched"
    );
    // Reassigned to Bob: it leaves Ann's caseload and joins Bob's.
    raw.execute(
        "UPDATE cases SET owner_id = ? WHERE id = ?",
        &[f.bob.id.as_str(), f.case.id.as_str()],
    )
    .await;
    assert_ne!(mark_for(store, "ann").await, ann_after_title);
    let bob_after = mark_for(store, "bob").await;
    assert_ne!(bob_after, bob);
    let today = jiff::civil::date(2026, 3, 10);
    assert_eq!(
        bob_after,
        CaseloadMark::of(&store.caseload(&f.bob.id, today).await.unwrap())
    );
    // And back: the case is Ann's again, but not as it was.
    raw.execute(
        "UPDATE cases SET owner_id = ? WHERE id = ?",
        &[f.ann.id.as_str(), f.case.id.as_str()],
    )
    .await;
    let back = mark_for(store, "ann").await;
    assert_ne!(back, ann_after_title, "the round trip is a change too");
    assert_eq!(
        back,
        CaseloadMark::of(&store.caseload(&f.ann.id, today).await.unwrap())
    );
}
