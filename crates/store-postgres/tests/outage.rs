//! A PostgreSQL outage (SPEC "Storage"): with the server out of reach the
//! store answers `Unavailable` within seconds, not after a 30-second hang,
//! and works again by itself when the server is back. The outage is a TCP
//! proxy inside the test, cut and restored; the shared server is never
//! touched.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use std::str::FromStr;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use caseload_postgres::PoolOptions;
use caseload_store::prelude::*;
use caseload_store::{Outage, StoreError, Timeouts};
use sqlx::postgres::PgConnectOptions;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;

/// A TCP proxy to the test server. Cut, it drops every connection it
/// carries and closes each new one at once; restored, it carries them
/// again.
struct Proxy {
    port: u16,
    cut: Arc<AtomicBool>,
    /// Bumped on each cut: the connections carried drop when it changes.
    cuts: watch::Sender<u32>,
}

impl Proxy {
    async fn start(upstream: String) -> Proxy {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let cut = Arc::new(AtomicBool::new(false));
        let (cuts, _) = watch::channel(0u32);
        let (is_cut, on_cut) = (cut.clone(), cuts.clone());
        tokio::spawn(async move {
            while let Ok((mut client, _)) = listener.accept().await {
                if is_cut.load(Ordering::SeqCst) {
                    drop(client);
                    continue;
                }
                let mut cut = on_cut.subscribe();
                let upstream = upstream.clone();
                tokio::spawn(async move {
                    let Ok(mut server) = TcpStream::connect(upstream).await else {
                        return;
                    };
                    tokio::select! {
                        _ = tokio::io::copy_bidirectional(&mut client, &mut server) => {}
                        _ = cut.changed() => {}
                    }
                });
            }
        });
        Proxy { port, cut, cuts }
    }

    fn cut(&self) {
        self.cut.store(true, Ordering::SeqCst);
        self.cuts.send_modify(|n| *n += 1);
    }

    fn restore(&self) {
        self.cut.store(false, Ordering::SeqCst);
    }
}

fn assert_unavailable_soon<T: std::fmt::Debug>(
    result: caseload_store::Result<T>,
    started: Instant,
    what: &str,
) {
    let waited = started.elapsed();
    match result {
        Err(StoreError::Unavailable { what: outage, .. }) => {
            assert!(
                matches!(outage, Outage::Unreachable | Outage::Busy),
                "{what}: {outage}"
            );
        }
        other => panic!("{what} while PostgreSQL is out of reach: {other:?}"),
    }
    assert!(
        waited < Duration::from_secs(5),
        "{what} waited {waited:?} before answering"
    );
}

#[tokio::test]
async fn a_lost_server_is_answered_unavailable_within_seconds_and_the_store_recovers_when_it_returns()
 {
    let Some(database) = support::fresh_database().await else {
        return;
    };
    let url = database.url().to_owned();
    let options = PgConnectOptions::from_str(&url).unwrap();
    let upstream = format!("{}:{}", options.get_host(), options.get_port());
    assert!(
        url.contains(&upstream),
        "CASELOAD_TEST_POSTGRES_URL must name its host and port ({upstream}) for the proxy"
    );
    let proxy = Proxy::start(upstream.clone()).await;
    let via = url.replacen(&upstream, &format!("127.0.0.1:{}", proxy.port), 1);
    let options = PoolOptions {
        timeouts: Timeouts {
            acquire: Duration::from_secs(2),
            ..Timeouts::default()
        },
        ..support::pool_options()
    };
    let store = caseload_postgres::connect_with_pool(&via, &options)
        .await
        .unwrap();
    let team = store
        .create_team("North", jiff::Timestamp::now())
        .await
        .unwrap();

    proxy.cut();
    let started = Instant::now();
    assert_unavailable_soon(store.count_users().await, started, "a read");
    let started = Instant::now();
    assert_unavailable_soon(
        store.create_team("South", jiff::Timestamp::now()).await,
        started,
        "a write",
    );

    proxy.restore();
    assert_eq!(store.count_users().await.unwrap(), 0);
    let south = store
        .create_team("South", jiff::Timestamp::now())
        .await
        .unwrap();
    let teams = store.list_teams().await.unwrap();
    assert!(teams.iter().any(|t| t.id == team.id));
    assert!(teams.iter().any(|t| t.id == south.id));
    store.pool().close().await;
}
