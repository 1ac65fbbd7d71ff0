//! Failed sign-ins: counted per account and address together, forgotten
//! on success or when quiet, shared by every server on the database.

use super::*;

/// This capability's scenarios — the plain ones, then those that need
/// `RawSql` — added to the one list `conformance_capabilities!` chains.
#[doc(hidden)]
#[macro_export]
macro_rules! conformance_sign_in_attempts {
    ([$($then:tt)*] [$($plain:tt)*] [$($raw:tt)*] $($rest:ident)*) => {
        $crate::conformance_collect! { [$($then)*]
            [$($plain)*
                sign_in_attempts::failures_count_per_account_and_address_together,
                sign_in_attempts::failures_are_forgotten_on_success_or_when_quiet,
                sign_in_attempts::a_count_restarts_after_its_window_while_the_row_stands,
            ]
            [$($raw)*]
            $($rest)*
        }
    };
}

pub async fn failures_count_per_account_and_address_together(store: &dyn Store) {
    let forget = at(-24 * 60);
    assert_eq!(
        store
            .sign_in_failures("ann@example.org", "192.0.2.1")
            .await
            .unwrap(),
        None
    );
    for n in 1..=3 {
        let counted = store
            .record_sign_in_failure("ann@example.org", "192.0.2.1", at(n), forget, forget)
            .await
            .unwrap();
        assert_eq!(
            counted,
            SignInFailures {
                failures: n,
                last_failure_at: at(n)
            }
        );
    }
    assert_eq!(
        store
            .sign_in_failures("ann@example.org", "192.0.2.1")
            .await
            .unwrap()
            .map(|f| f.failures),
        Some(3)
    );
    // Another address, or another account, is counted apart.
    assert_eq!(
        store
            .sign_in_failures("ann@example.org", "198.51.100.7")
            .await
            .unwrap(),
        None
    );
    assert_eq!(
        store
            .record_sign_in_failure("bob@example.org", "192.0.2.1", at(4), forget, forget)
            .await
            .unwrap()
            .failures,
        1
    );
    assert_eq!(
        store
            .record_sign_in_failure("ann@example.org", "2001:db8::1", at(4), forget, forget)
            .await
            .unwrap()
            .failures,
        1
    );
}

pub async fn failures_are_forgotten_on_success_or_when_quiet(store: &dyn Store) {
    for n in 0..4 {
        store
            .record_sign_in_failure(
                "ann@example.org",
                "192.0.2.1",
                at(n),
                at(-24 * 60),
                at(-24 * 60),
            )
            .await
            .unwrap();
        store
            .record_sign_in_failure(
                "ann@example.org",
                "198.51.100.7",
                at(n),
                at(-24 * 60),
                at(-24 * 60),
            )
            .await
            .unwrap();
    }
    store
        .clear_sign_in_failures("ann@example.org", "192.0.2.1")
        .await
        .unwrap();
    assert_eq!(
        store
            .sign_in_failures("ann@example.org", "192.0.2.1")
            .await
            .unwrap(),
        None
    );
    assert_eq!(
        store
            .sign_in_failures("ann@example.org", "198.51.100.7")
            .await
            .unwrap()
            .map(|f| f.failures),
        Some(4),
        "a success from one address forgets only that address's failures"
    );
    // A day later the count starts again, and quiet pairs are deleted.
    let day_later = at(24 * 60 + 10);
    let forget = at(10);
    store
        .record_sign_in_failure(
            "bob@example.org",
            "192.0.2.9",
            at(5),
            at(-24 * 60),
            at(-24 * 60),
        )
        .await
        .unwrap();
    assert_eq!(
        store
            .record_sign_in_failure("ann@example.org", "198.51.100.7", day_later, forget, forget)
            .await
            .unwrap()
            .failures,
        1
    );
    assert_eq!(
        store
            .sign_in_failures("bob@example.org", "192.0.2.9")
            .await
            .unwrap(),
        None
    );
}

/// An address's count across accounts (account `""`) has a shorter window
/// than the day pairs are kept: a failure after the window counts one again.
pub async fn a_count_restarts_after_its_window_while_the_row_stands(store: &dyn Store) {
    let day_ago = at(-24 * 60);
    for n in 0..5 {
        store
            .record_sign_in_failure("", "192.0.2.1", at(n), at(n - 60), day_ago)
            .await
            .unwrap();
    }
    assert_eq!(
        store
            .sign_in_failures("", "192.0.2.1")
            .await
            .unwrap()
            .map(|f| f.failures),
        Some(5)
    );
    // 59 minutes after the last: still within the hour, so counted on.
    let counted = store
        .record_sign_in_failure("", "192.0.2.1", at(4 + 59), at(4 + 59 - 60), day_ago)
        .await
        .unwrap();
    assert_eq!(counted.failures, 6);
    // More than an hour after the last: counted from one again.
    let counted = store
        .record_sign_in_failure("", "192.0.2.1", at(63 + 61), at(63 + 61 - 60), day_ago)
        .await
        .unwrap();
    assert_eq!(
        counted,
        SignInFailures {
            failures: 1,
            last_failure_at: at(63 + 61)
        }
    );
}
