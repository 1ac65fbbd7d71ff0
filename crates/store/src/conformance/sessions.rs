//! Sessions and API tokens: who a request is from, until revoked.

use super::*;
use caseload_domain::tokens::{TokenScope, TokenScopes};

/// This capability's scenarios — the plain ones, then those that need
/// `RawSql` — added to the one list `conformance_capabilities!` chains.
#[doc(hidden)]
#[macro_export]
macro_rules! conformance_sessions {
    ([$($then:tt)*] [$($plain:tt)*] [$($raw:tt)*] $($rest:ident)*) => {
        $crate::conformance_collect! { [$($then)*]
            [$($plain)*
                sessions::api_tokens_find_only_active_users,
                sessions::api_tokens_expire_keep_their_scopes_and_are_revoked_one_by_one,
                sessions::revoking_a_users_tokens_revokes_all_theirs_and_no_one_elses,
                sessions::token_use_is_recorded_unless_recorded_since,
                sessions::sessions_are_found_until_revoked,
            ]
            [$($raw)*]
            $($rest)*
        }
    };
}

pub async fn api_tokens_find_only_active_users(store: &dyn Store) {
    let f = Fixture::new(store).await;
    let made = api_token(store, &f.ann.id, "hash-one").await;
    assert_eq!(made.name, "hash-one token");
    assert_eq!((made.last_used_at, made.revoked_at), (None, None));
    let holder = store
        .user_for_token("hash-one", t0())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(holder.user, f.ann);
    assert_eq!(holder.token_id, made.id);
    assert_eq!(holder.scopes, TokenScopes::all());
    // With the settings generation, read in the same statement.
    assert_eq!(
        holder.settings_generation,
        store.settings_generation().await.unwrap()
    );
    assert_eq!(store.user_for_token("hash-two", t0()).await.unwrap(), None);
    let err = store
        .create_api_token(&NewApiToken {
            user_id: f.bob.id.clone(),
            name: "again".into(),
            token_hash: "hash-one".into(),
            scopes: TokenScopes::all(),
            created_at: t0(),
            expires_at: at(60),
        })
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::Conflict(_)), "{err:?}");
}

pub async fn api_tokens_expire_keep_their_scopes_and_are_revoked_one_by_one(store: &dyn Store) {
    let f = Fixture::new(store).await;
    let short = store
        .create_api_token(&NewApiToken {
            user_id: f.ann.id.clone(),
            name: "Partner agency (read only)".into(),
            token_hash: "short".into(),
            scopes: TokenScopes::new([TokenScope::Read]).unwrap(),
            created_at: at(-5),
            expires_at: at(10),
        })
        .await
        .unwrap();
    assert_eq!(store.get_api_token(&short.id).await.unwrap(), short);
    // Valid until its expiry, not at it; the queue's statement agrees.
    let holder = store.user_for_token("short", at(9)).await.unwrap().unwrap();
    assert_eq!(holder.scopes.names(), ["read"]);
    assert!(
        store
            .user_for_token_with_caseload_mark("short", at(9))
            .await
            .unwrap()
            .is_some()
    );
    assert_eq!(store.user_for_token("short", at(10)).await.unwrap(), None);
    assert_eq!(
        store
            .user_for_token_with_caseload_mark("short", at(10))
            .await
            .unwrap(),
        None
    );

    let kept = api_token(store, &f.ann.id, "kept").await;
    let gone = api_token(store, &f.ann.id, "gone").await;
    api_token(store, &f.bob.id, "bobs").await;
    assert!(store.revoke_api_token(&gone.id, at(1)).await.unwrap());
    assert!(
        !store.revoke_api_token(&gone.id, at(2)).await.unwrap(),
        "already revoked"
    );
    assert_eq!(store.user_for_token("gone", at(1)).await.unwrap(), None);
    assert_eq!(
        store
            .user_for_token_with_caseload_mark("gone", at(1))
            .await
            .unwrap(),
        None
    );
    assert!(store.user_for_token("kept", at(1)).await.unwrap().is_some());
    assert_eq!(
        store.get_api_token(&gone.id).await.unwrap().revoked_at,
        Some(at(1))
    );
    // The list: the user's own unrevoked tokens (the expired one included),
    // newest first.
    let listed: Vec<TokenId> = store
        .list_api_tokens(&f.ann.id)
        .await
        .unwrap()
        .into_iter()
        .map(|t| t.id)
        .collect();
    assert_eq!(listed, [kept.id.clone(), short.id.clone()]);
    let missing = TokenId::from_trusted("tok_nothing".into());
    assert!(matches!(
        store.get_api_token(&missing).await,
        Err(StoreError::NotFound(_))
    ));
    assert!(!store.revoke_api_token(&missing, at(1)).await.unwrap());
}

pub async fn revoking_a_users_tokens_revokes_all_theirs_and_no_one_elses(store: &dyn Store) {
    let f = Fixture::new(store).await;
    api_token(store, &f.ann.id, "ann-1").await;
    api_token(store, &f.ann.id, "ann-2").await;
    api_token(store, &f.bob.id, "bob-1").await;
    assert_eq!(
        store
            .revoke_user_api_tokens(&f.ann.id, at(1))
            .await
            .unwrap(),
        2
    );
    assert_eq!(store.user_for_token("ann-1", at(2)).await.unwrap(), None);
    assert_eq!(store.user_for_token("ann-2", at(2)).await.unwrap(), None);
    assert!(store.list_api_tokens(&f.ann.id).await.unwrap().is_empty());
    assert!(
        store
            .user_for_token("bob-1", at(2))
            .await
            .unwrap()
            .is_some()
    );
    assert_eq!(
        store
            .revoke_user_api_tokens(&f.ann.id, at(3))
            .await
            .unwrap(),
        0
    );
}

pub async fn token_use_is_recorded_unless_recorded_since(store: &dyn Store) {
    let f = Fixture::new(store).await;
    let t = api_token(store, &f.ann.id, "used").await;
    let last_used = || async {
        store
            .user_for_token("used", at(100))
            .await
            .unwrap()
            .unwrap()
            .last_used_at
    };
    store.touch_api_token(&t.id, at(1), at(0)).await.unwrap();
    assert_eq!(last_used().await, Some(at(1)));
    // Used again within the minute: already recorded since, so unchanged.
    let soon = at(1).checked_add(SignedDuration::from_secs(30)).unwrap();
    store.touch_api_token(&t.id, soon, at(0)).await.unwrap();
    assert_eq!(last_used().await, Some(at(1)));
    store.touch_api_token(&t.id, at(3), at(2)).await.unwrap();
    assert_eq!(last_used().await, Some(at(3)));
    assert_eq!(
        store.list_api_tokens(&f.ann.id).await.unwrap()[0].last_used_at,
        Some(at(3))
    );
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
    api_token(store, &f.bob.id, "bob-token").await;
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
    assert_eq!(
        store.user_for_token("bob-token", at(8)).await.unwrap(),
        None
    );
}
