//! The database itself, as an operator watches it: ready when it reads and
//! takes a committed write, and its connection pools' use.

use super::*;

/// This capability's scenarios — the plain ones, then those that need
/// `RawSql` — added to the one list `conformance_capabilities!` chains.
#[doc(hidden)]
#[macro_export]
macro_rules! conformance_database {
    ([$($then:tt)*] [$($plain:tt)*] [$($raw:tt)*] $($rest:ident)*) => {
        $crate::conformance_collect! { [$($then)*]
            [$($plain)*
                database::a_working_database_is_ready_to_read_and_write_again_and_again,
                database::pools_report_their_connections_within_their_limits,
            ]
            [$($raw)*]
            $($rest)*
        }
    };
}

pub async fn a_working_database_is_ready_to_read_and_write_again_and_again(store: &dyn Store) {
    for minutes in [1, 2, 2] {
        let ready = store.readiness(at(minutes)).await;
        assert!(ready.read.is_ok(), "read: {:?}", ready.read);
        assert!(ready.write.is_ok(), "write: {:?}", ready.write);
    }
    // The checks leave every record as it was.
    assert_eq!(store.count_users().await.unwrap(), 0);
}

pub async fn pools_report_their_connections_within_their_limits(store: &dyn Store) {
    // A round trip on each pool first, so each has opened a connection.
    assert!(store.readiness(at(1)).await.write.is_ok());
    let pools = store.pool_use();
    let names: Vec<&str> = pools.iter().map(|p| p.pool).collect();
    assert_eq!(
        names,
        match store.backend() {
            "sqlite" => vec!["writer", "reader"],
            _ => vec!["main"],
        }
    );
    for p in &pools {
        assert!(p.open >= 1, "{p:?}");
        assert!(p.idle <= p.open && p.open <= p.max, "{p:?}");
    }
}
