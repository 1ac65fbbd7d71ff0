//! Teams and users: accounts, roles, passwords and the changes made to them.

use super::*;

/// This capability's scenarios — the plain ones, then those that need
/// `RawSql` — added to the one list `conformance_capabilities!` chains.
#[doc(hidden)]
#[macro_export]
macro_rules! conformance_users {
    ([$($then:tt)*] [$($plain:tt)*] [$($raw:tt)*] $($rest:ident)*) => {
        $crate::conformance_collect! { [$($then)*]
            [$($plain)*
                users::constraint_violations_become_typed_conflict_kinds,
                users::teams_and_users_round_trip,
                users::duplicate_emails_and_team_names_are_conflicts,
                users::passwords_and_user_changes_are_kept,
            ]
            [$($raw)*]
            $($rest)*
        }
    };
}

pub async fn teams_and_users_round_trip(store: &dyn Store) {
    let f = Fixture::new(store).await;
    assert_eq!(store.get_user(&f.ann.id).await.unwrap(), f.ann);
    assert_eq!(
        store.find_user_by_email("ann@example.org").await.unwrap(),
        Some(f.ann.clone())
    );
    assert_eq!(
        store
            .find_user_by_email("nobody@example.org")
            .await
            .unwrap(),
        None
    );
    assert_eq!(
        store.find_team_by_name("South").await.unwrap(),
        Some(f.team_b.clone())
    );
    let teams: Vec<String> = store
        .list_teams()
        .await
        .unwrap()
        .into_iter()
        .map(|t| t.name)
        .collect();
    assert_eq!(teams, ["North", "South"]);
    assert_eq!(store.count_users().await.unwrap(), 4);
    assert_eq!(store.list_users().await.unwrap().len(), 4);
    assert_eq!(f.sue.role, Role::Supervisor);
    assert!(f.ann.active);
}

pub async fn duplicate_emails_and_team_names_are_conflicts(store: &dyn Store) {
    let f = Fixture::new(store).await;
    let err = store.create_team("North", t0()).await.unwrap_err();
    assert!(matches!(err, StoreError::Conflict(_)), "{err:?}");
    let again = NewUser {
        email: Email::parse("email", "ANN@example.org").unwrap(),
        name: "Another Ann".into(),
        role: Role::Practitioner,
        team_id: Some(f.team_a.id.clone()),
    };
    let err = store.create_user(&again, t0()).await.unwrap_err();
    assert!(matches!(err, StoreError::Conflict(_)), "{err:?}");
    assert_eq!(store.count_users().await.unwrap(), 4);
}

pub async fn passwords_and_user_changes_are_kept(store: &dyn Store) {
    let f = Fixture::new(store).await;
    assert_eq!(store.password_hash(&f.ann.id).await.unwrap(), None);
    store
        .set_password(&f.ann.id, "$argon2id$v=19$m=19456,t=2,p=1$abc$def")
        .await
        .unwrap();
    assert_eq!(
        store.password_hash(&f.ann.id).await.unwrap().as_deref(),
        Some("$argon2id$v=19$m=19456,t=2,p=1$abc$def")
    );
    let changed = store
        .update_user(
            &f.ann.id,
            &UserChange {
                name: Some("Ann Adviser-Smith".into()),
                role: Some(Role::Supervisor),
                team_id: Some(Some(f.team_b.id.clone())),
                active: None,
            },
        )
        .await
        .unwrap();
    assert_eq!(changed.name, "Ann Adviser-Smith");
    assert_eq!(changed.role, Role::Supervisor);
    assert_eq!(changed.team_id, Some(f.team_b.id.clone()));
    assert!(changed.active);
    assert_eq!(store.get_user(&f.ann.id).await.unwrap(), changed);
    let no_team = store
        .update_user(
            &f.ann.id,
            &UserChange {
                team_id: Some(None),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(no_team.team_id, None);
    assert!(matches!(
        store
            .update_user(&UserId::from_parts(1, [4; 10]), &UserChange::default())
            .await,
        Err(StoreError::NotFound(_))
    ));
    assert!(matches!(
        store
            .set_password(&UserId::from_parts(1, [4; 10]), "x")
            .await,
        Err(StoreError::NotFound(_))
    ));
}

/// A write that breaks a uniqueness rule is a typed conflict naming what
/// and, where it helps, the key — the same on both databases, recognised
/// by constraint name, never by message text.
pub async fn constraint_violations_become_typed_conflict_kinds(store: &dyn Store) {
    store.create_team("North", at(0)).await.unwrap();
    let again = store.create_team("North", at(0)).await.unwrap_err();
    assert!(
        matches!(
            &again,
            StoreError::Conflict(ConflictKind::Duplicate { what: "team", .. })
        ),
        "{again:?}"
    );
    let day = jiff::civil::date(2026, 12, 24);
    store.add_closure_day(day, "Closed", at(0)).await.unwrap();
    let again = store
        .add_closure_day(day, "Closed", at(0))
        .await
        .unwrap_err();
    assert!(
        matches!(&again, StoreError::Conflict(ConflictKind::Duplicate { what: "closure day", key: Some(k) }) if k == "2026-12-24"),
        "{again:?}"
    );
}
