//! Notifications: filtering, acknowledging, and the unread count a session
//! carries.

use super::*;

/// This capability's scenarios — the plain ones, then those that need
/// `RawSql` — added to the one list `conformance_capabilities!` chains.
#[doc(hidden)]
#[macro_export]
macro_rules! conformance_notifications {
    ([$($then:tt)*] [$($plain:tt)*] [$($raw:tt)*] $($rest:ident)*) => {
        $crate::conformance_collect! { [$($then)*]
            [$($plain)*
                notifications::notifications_filter_by_kind_and_case_with_their_case_named,
                notifications::only_your_own_notifications_are_acknowledged_in_bulk,
                notifications::the_session_carries_the_unread_notification_count,
            ]
            [$($raw)*]
            $($rest)*
        }
    };
}

/// Ann's two cases with alerts: on "Rent arrears" first contact at risk and
/// a deadline at risk; on "Benefit appeal" next action breached (told to
/// Sue too). Returns the second case.
async fn alerted(store: &dyn Store, f: &Fixture) -> Case {
    let second = store
        .create_case(
            &new_case(&f.client, &f.ann, &f.team_a, "Benefit appeal"),
            &ctx(&f.ann, 2),
        )
        .await
        .unwrap();
    let alert = |case: &Case, clock: &str, state: &str, supervisors: bool| NewAlert {
        case_id: case.id.clone(),
        clock: clock.into(),
        state: state.into(),
        due: "2026-03-04".parse().unwrap(),
        message: format!("{clock} {state}"),
        supervisors,
    };
    let sent = [
        alert(&f.case, "first_contact", "at_risk", false),
        alert(&f.case, "deadline:dln_1", "at_risk", false),
        alert(&second, "next_action", "breached", true),
    ];
    for (minute, one) in (3..).zip(sent) {
        assert_eq!(
            store
                .record_alerts(&[one], &ctx(&f.bob, minute))
                .await
                .unwrap(),
            1
        );
    }
    second
}

pub async fn notifications_filter_by_kind_and_case_with_their_case_named(store: &dyn Store) {
    let f = Fixture::new(store).await;
    let second = alerted(store, &f).await;
    let read = |filter: NotificationFilter| {
        let user = f.ann.id.clone();
        async move {
            store
                .filtered_notifications(&user, &filter)
                .await
                .unwrap()
                .into_iter()
                .map(|n| n.message)
                .collect::<Vec<_>>()
        }
    };
    assert_eq!(
        read(NotificationFilter::default()).await,
        [
            "next_action breached",
            "deadline:dln_1 at_risk",
            "first_contact at_risk"
        ],
        "newest first"
    );
    assert_eq!(
        read(NotificationFilter {
            kind: Some("deadline_at_risk".into()),
            ..Default::default()
        })
        .await,
        ["deadline:dln_1 at_risk"],
        "a deadline's alert has a kind of its own"
    );
    assert_eq!(
        read(NotificationFilter {
            kind: Some("timescale_at_risk".into()),
            ..Default::default()
        })
        .await,
        ["first_contact at_risk"]
    );
    assert_eq!(
        read(NotificationFilter {
            case: Some(second.id.clone()),
            ..Default::default()
        })
        .await,
        ["next_action breached"]
    );
    assert!(
        read(NotificationFilter {
            case: Some(second.id.clone()),
            kind: Some("timescale_at_risk".into()),
            ..Default::default()
        })
        .await
        .is_empty()
    );
    let all = store
        .filtered_notifications(&f.ann.id, &NotificationFilter::default())
        .await
        .unwrap();
    assert_eq!(
        (all[0].case_title.as_deref(), all[0].client_name.as_deref()),
        (Some("Benefit appeal"), Some("Dana Client")),
        "each names its case and client"
    );
    assert_eq!(all[0].kind, "timescale_breached");
    // Acknowledged ones are read only when asked for.
    store
        .acknowledge_notification(&all[0].id, &f.ann.id, at(9))
        .await
        .unwrap();
    assert_eq!(read(NotificationFilter::default()).await.len(), 2);
    let everything = read(NotificationFilter {
        include_acknowledged: true,
        ..Default::default()
    })
    .await;
    assert_eq!(everything.len(), 3);
    assert_eq!(
        store.notifications(&f.ann.id, true).await.unwrap().len(),
        3,
        "the unfiltered list agrees"
    );
    assert_eq!(
        store
            .filtered_notifications(&f.sue.id, &NotificationFilter::default())
            .await
            .unwrap()
            .len(),
        1,
        "Sue has only the breach"
    );
}

pub async fn only_your_own_notifications_are_acknowledged_in_bulk(store: &dyn Store) {
    let f = Fixture::new(store).await;
    let second = alerted(store, &f).await;
    let anns = store.notifications(&f.ann.id, false).await.unwrap();
    let sues = store.notifications(&f.sue.id, false).await.unwrap();
    assert_eq!((anns.len(), sues.len()), (3, 1));
    // Sue names one of Ann's and her own: only her own is acknowledged.
    let done = store
        .acknowledge_notifications(
            &f.sue.id,
            &NotificationSelection::Ids(vec![anns[0].id.clone(), sues[0].id.clone()]),
            at(10),
        )
        .await
        .unwrap();
    assert_eq!(done, 1);
    assert!(
        store
            .notifications(&f.sue.id, false)
            .await
            .unwrap()
            .is_empty()
    );
    assert_eq!(
        store.notifications(&f.ann.id, false).await.unwrap().len(),
        3
    );
    assert_eq!(
        store
            .acknowledge_notifications(&f.ann.id, &NotificationSelection::Ids(vec![]), at(10))
            .await
            .unwrap(),
        0
    );
    // By filter: Ann's at-risk timescale alerts on the first case only.
    let done = store
        .acknowledge_notifications(
            &f.ann.id,
            &NotificationSelection::Matching(NotificationFilter {
                kind: Some("timescale_at_risk".into()),
                case: Some(f.case.id.clone()),
                include_acknowledged: false,
            }),
            at(11),
        )
        .await
        .unwrap();
    assert_eq!(done, 1);
    let left: Vec<String> = store
        .notifications(&f.ann.id, false)
        .await
        .unwrap()
        .into_iter()
        .map(|n| n.kind)
        .collect();
    assert_eq!(left, ["timescale_breached", "deadline_at_risk"]);
    // Acknowledging again touches nothing and keeps the first time.
    let again = store
        .acknowledge_notifications(
            &f.ann.id,
            &NotificationSelection::Ids(anns.iter().map(|n| n.id.clone()).collect()),
            at(12),
        )
        .await
        .unwrap();
    assert_eq!(again, 2, "only the two still unacknowledged");
    let kept = store.notifications(&f.ann.id, true).await.unwrap();
    assert!(
        kept.iter()
            .any(|n| n.kind == "timescale_at_risk" && n.acknowledged_at == Some(at(11)))
    );
    // Everything matching, for Bob, who has none: nothing, and Ann's stay.
    let cat_all = store
        .acknowledge_notifications(
            &f.cat.id,
            &NotificationSelection::Matching(NotificationFilter::default()),
            at(13),
        )
        .await
        .unwrap();
    assert_eq!(cat_all, 0);
    let _ = second;
}

pub async fn the_session_carries_the_unread_notification_count(store: &dyn Store) {
    let f = Fixture::new(store).await;
    for (hash, user) in [("ann-s", &f.ann), ("sue-s", &f.sue)] {
        store
            .create_session(&NewSession {
                id_hash: hash.into(),
                user_id: user.id.clone(),
                csrf_token: "c".into(),
                at: at(0),
            })
            .await
            .unwrap();
    }
    let unread = |hash: &'static str| async move {
        let plain = store.get_session(hash).await.unwrap().unwrap();
        let (with_mark, _) = store
            .get_session_with_caseload_mark(hash)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(plain, with_mark, "both reads agree");
        plain.unread_notifications
    };
    assert_eq!((unread("ann-s").await, unread("sue-s").await), (0, 0));
    alerted(store, &f).await;
    let (_, mark_before) = store
        .get_session_with_caseload_mark("ann-s")
        .await
        .unwrap()
        .unwrap();
    assert_eq!((unread("ann-s").await, unread("sue-s").await), (3, 1));
    store
        .acknowledge_notifications(
            &f.ann.id,
            &NotificationSelection::Matching(NotificationFilter::default()),
            at(20),
        )
        .await
        .unwrap();
    assert_eq!((unread("ann-s").await, unread("sue-s").await), (0, 1));
    let (_, mark_after) = store
        .get_session_with_caseload_mark("ann-s")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        mark_before, mark_after,
        "acknowledging moves no case: a kept caseload still stands"
    );
}
