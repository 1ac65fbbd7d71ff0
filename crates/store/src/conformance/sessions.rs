//! Sessions and API tokens: who a request is from, until revoked.

use super::*;

/// This capability's scenarios — the plain ones, then those that need
/// `RawSql` — added to the one list `conformance_capabilities!` chains.
#[doc(hidden)]
#[macro_export]
macro_rules! conformance_sessions {
    ([$($then:tt)*] [$($plain:tt)*] [$($raw:tt)*] $($rest:ident)*) => {
        $crate::conformance_collect! { [$($then)*]
            [$($plain)*
                sessions::api_tokens_find_only_active_users,
                sessions::sessions_are_found_until_revoked,
            ]
            [$($raw)*]
            $($rest)*
        }
    };
}

pub async fn api_tokens_find_only_active_users(store: &dyn Store) {
    let f = Fixture::new(store).await;
    store
        .create_api_token(&f.ann.id, "hash-one", t0())
        .await
        .unwrap();
    assert_eq!(
        store
            .user_for_token("hash-one")
            .await
            .unwrap()
            .map(|(u, _)| u.id),
        Some(f.ann.id.clone())
    );
    // With the settings generation, read in the same statement.
    let (_, generation) = store.user_for_token("hash-one").await.unwrap().unwrap();
    assert_eq!(generation, store.settings_generation().await.unwrap());
    assert_eq!(store.user_for_token("hash-two").await.unwrap(), None);
    let err = store
        .create_api_token(&f.bob.id, "hash-one", t0())
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::Conflict(_)), "{err:?}");
}

pub async fn sessions_are_found_until_revoked(store: &dyn Store) {
    let f = Fixture::new(store).await;
    let new = NewSession {
        id_hash: "h1".into(),
        user_id: f.ann.id.clone(),
        csrf_token: "c1".into(),
        at: at(0),
    };
    store.create_session(&new).await.unwrap();
    store
        .create_session(&NewSession {
            id_hash: "h2".into(),
            ..new.clone()
        })
        .await
        .unwrap();
    let s = store.get_session("h1").await.unwrap().unwrap();
    assert_eq!(s.user, f.ann);
    assert_eq!(s.csrf_token, "c1");
    assert_eq!((s.created_at, s.last_seen_at), (at(0), at(0)));
    store.touch_session("h1", at(5)).await.unwrap();
    assert_eq!(
        store.get_session("h1").await.unwrap().unwrap().last_seen_at,
        at(5)
    );
    store.revoke_session("h1", at(6)).await.unwrap();
    assert_eq!(store.get_session("h1").await.unwrap(), None);
    assert!(store.get_session("h2").await.unwrap().is_some());
    store.revoke_user_sessions(&f.ann.id, at(7)).await.unwrap();
    assert_eq!(store.get_session("h2").await.unwrap(), None);
    assert_eq!(store.get_session("nope").await.unwrap(), None);
    // A deactivated user's sessions and tokens stop working.
    store
        .create_session(&NewSession {
            id_hash: "h3".into(),
            user_id: f.bob.id.clone(),
            csrf_token: "c".into(),
            at: at(8),
        })
        .await
        .unwrap();
    store
        .create_api_token(&f.bob.id, "bob-token", at(8))
        .await
        .unwrap();
    store
        .update_user(
            &f.bob.id,
            &UserChange {
                active: Some(false),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(store.get_session("h3").await.unwrap(), None);
    assert_eq!(store.user_for_token("bob-token").await.unwrap(), None);
}
