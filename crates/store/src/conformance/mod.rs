//! The one conformance suite. Every backend runs every scenario here through
//! [`store_conformance_tests!`](crate::store_conformance_tests) (and those
//! that change the database past the store through
//! [`raw_sql_conformance_tests!`](crate::raw_sql_conformance_tests)), each on
//! a fresh, migrated store — so SQLite and PostgreSQL are held to exactly the
//! same behaviour. The query-plan tests drive the same scenarios through
//! [`conformance_scenarios!`](crate::conformance_scenarios).
//!
//! This module owns what the scenarios share: the [`Fixture`], the clock
//! ([`ctx`]), record builders, [`RawSql`] and the macros. Each capability's
//! scenarios sit in the module named after it (`users`, `clients`,
//! `caseload`, …).
//!
//! Why each capability exports a macro rather than a list of functions:
//! every scenario must stay its own `#[tokio::test]`, named after what it
//! proves, on both databases — and only a macro can make a test per name.
//! So each capability module exports `conformance_NAME!`, listing its
//! scenarios, and [`conformance_capabilities!`](crate::conformance_capabilities)
//! below chains those macros into the one list (each passes the list so far
//! on to the next). The same chain re-exports every scenario here, so the
//! capability modules stay private. A new capability therefore adds its
//! scenarios in its own file, and here only `mod NAME;` and its macro's name
//! in the chain. Forgetting the latter cannot go unnoticed: its scenarios
//! are then never re-exported nor called, and the build's `dead_code` lint
//! fails.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::cloned_ref_to_slice_refs
)]

use std::collections::{BTreeMap, BTreeSet};

use caseload_domain::cases::{CaseStatus, ClosureReason, Complexity, ServiceArea, StatusChange};
use caseload_domain::ids::*;
use caseload_domain::notes::{NoteKind, Section};
use caseload_domain::records::{EventKind, ObstacleCategory, OutcomeStatus, TaskStatus};
use caseload_domain::text::Email;
use caseload_domain::users::Role;
use jiff::{SignedDuration, Timestamp};

use crate::*;

mod audit;
mod bulk_loading;
mod calendars;
mod caseload;
mod cases;
mod clients;
mod database;
mod deadlines;
mod notes;
mod notifications;
mod obstacles;
mod outcomes;
mod priorities;
mod sessions;
mod settings;
mod sign_in_attempts;
mod tasks;
mod timescales;
mod users;

crate::conformance_capabilities!(@reexport);

/// The capabilities whose scenarios make up the suite, in order: each is
/// the macro its module exports. Calls `conformance_collect!` with `$then`
/// and, once every capability has added its own, the whole list.
#[doc(hidden)]
#[macro_export]
macro_rules! conformance_capabilities {
    ($($then:tt)*) => {
        $crate::conformance_collect! { [$($then)*] [] []
            conformance_users
            conformance_sessions
            conformance_sign_in_attempts
            conformance_clients
            conformance_cases
            conformance_notes
            conformance_outcomes
            conformance_obstacles
            conformance_tasks
            conformance_deadlines
            conformance_calendars
            conformance_priorities
            conformance_timescales
            conformance_caseload
            conformance_notifications
            conformance_audit
            conformance_settings
            conformance_bulk_loading
            conformance_database
        }
    };
}

/// One step of the chain: hands the scenarios so far (`module::name,`, the
/// plain ones and those needing [`RawSql`]) to the next capability's macro,
/// and when none is left, does what `$then` asks: `@scenarios [callback]
/// lead…` calls `callback! { lead… name, … }` with the plain scenarios,
/// `@raw` likewise with the raw ones, `@reexport` re-exports all of them
/// from this module.
#[doc(hidden)]
#[macro_export]
macro_rules! conformance_collect {
    ([$($then:tt)*] [$($plain:tt)*] [$($raw:tt)*] $next:ident $($rest:ident)*) => {
        $crate::$next! { [$($then)*] [$($plain)*] [$($raw)*] $($rest)* }
    };
    ([@scenarios [$($callback:tt)+] $($lead:tt)*] [$($module:ident::$name:ident,)*] [$($raw:tt)*]) => {
        $($callback)+! { $($lead)* $($name,)* }
    };
    ([@raw [$($callback:tt)+] $($lead:tt)*] [$($plain:tt)*] [$($module:ident::$name:ident,)*]) => {
        $($callback)+! { $($lead)* $($name,)* }
    };
    ([@reexport] [$($module:ident::$name:ident,)*] [$($raw_module:ident::$raw:ident,)*]) => {
        $(pub use $module::$name;)*
        $(pub use $raw_module::$raw;)*
    };
}

/// The one list of conformance scenarios. Calls `$callback!` with the
/// given leading tokens followed by every scenario's name, so the test
/// generator below and other harnesses (the query-plan tests) drive the
/// same scenarios and cannot drift apart.
#[macro_export]
macro_rules! conformance_scenarios {
    ([$($callback:tt)+] $($lead:tt)*) => {
        $crate::conformance_capabilities! { @scenarios [$($callback)+] $($lead)* }
    };
}

/// What a conformance test runs on: a store, or a guard holding one (the
/// PostgreSQL suite's, which drops its database when the test ends, even
/// when the test fails).
pub trait Subject {
    fn store(&self) -> &dyn Store;
}

impl<S: Store> Subject for S {
    fn store(&self) -> &dyn Store {
        self
    }
}

/// Generate one `#[tokio::test]` per conformance test for a backend.
/// `$make` is an async expression giving a fresh, migrated store (or a
/// [`Subject`] holding one), kept until the test ends.
#[macro_export]
macro_rules! store_conformance_tests {
    ($make:expr) => {
        $crate::conformance_scenarios!([$crate::store_conformance_tests] @tests $make;);
    };
    (@tests $make:expr; $($name:ident,)+) => {
        $(
            #[tokio::test]
            async fn $name() {
                let Some(store) = $make.await else { return };
                $crate::conformance::$name($crate::conformance::Subject::store(&store)).await;
            }
        )+
    };
}

/// Scenarios that change the database past the store, for `RawSql`.
#[macro_export]
macro_rules! raw_sql_conformance_tests {
    ($make:expr) => {
        $crate::conformance_capabilities! { @raw [$crate::raw_sql_conformance_tests] @tests $make; }
    };
    (@tests $make:expr; $($name:ident,)+) => {
        $(
            #[tokio::test]
            async fn $name() {
                let Some((store, raw)) = $make.await else { return };
                $crate::conformance::$name($crate::conformance::Subject::store(&store), &raw).await;
            }
        )+
    };
}

fn t0() -> Timestamp {
    "2026-03-02T09:00:00Z".parse().unwrap()
}

fn at(minutes: i64) -> Timestamp {
    t0().checked_add(SignedDuration::from_mins(minutes))
        .unwrap()
}

/// A full-rights API token for `user` with this hash, made at `t0()` and
/// lasting 90 days.
async fn api_token(store: &dyn Store, user: &UserId, hash: &str) -> ApiToken {
    store
        .create_api_token(&NewApiToken {
            user_id: user.clone(),
            name: format!("{hash} token"),
            token_hash: hash.into(),
            scopes: caseload_domain::tokens::TokenScopes::all(),
            created_at: t0(),
            expires_at: at(90 * 24 * 60),
        })
        .await
        .unwrap()
}

/// Two teams, three practitioners and a supervisor, one client and one case.
pub struct Fixture {
    pub team_a: Team,
    pub team_b: Team,
    pub ann: User,
    pub bob: User,
    pub sue: User,
    pub cat: User,
    pub client: Client,
    pub case: Case,
}

pub fn ctx(user: &User, minutes: i64) -> WriteCtx {
    WriteCtx {
        actor: user.id.clone(),
        at: at(minutes),
        request_id: format!("req-{minutes}"),
    }
}

async fn user(store: &dyn Store, email: &str, name: &str, role: Role, team: &Team) -> User {
    store
        .create_user(
            &NewUser {
                email: Email::parse("email", email).unwrap(),
                name: name.into(),
                role,
                team_id: Some(team.id.clone()),
            },
            t0(),
        )
        .await
        .unwrap()
}

impl Fixture {
    pub async fn new(store: &dyn Store) -> Fixture {
        let team_a = store.create_team("North", t0()).await.unwrap();
        let team_b = store.create_team("South", t0()).await.unwrap();
        let ann = user(
            store,
            "ann@example.org",
            "Ann Adviser",
            Role::Practitioner,
            &team_a,
        )
        .await;
        let bob = user(
            store,
            "bob@example.org",
            "Bob Adviser",
            Role::Practitioner,
            &team_a,
        )
        .await;
        let sue = user(
            store,
            "sue@example.org",
            "Sue Supervisor",
            Role::Supervisor,
            &team_a,
        )
        .await;
        let cat = user(
            store,
            "cat@example.org",
            "Cat Adviser",
            Role::Practitioner,
            &team_b,
        )
        .await;
        let client = store
            .create_client(&new_client("Dana Client", &team_a), &ctx(&ann, 0))
            .await
            .unwrap();
        let case = store
            .create_case(
                &new_case(&client, &ann, &team_a, "Rent arrears"),
                &ctx(&ann, 1),
            )
            .await
            .unwrap();
        Fixture {
            team_a,
            team_b,
            ann,
            bob,
            sue,
            cat,
            client,
            case,
        }
    }
}

pub fn new_client(name: &str, team: &Team) -> NewClient {
    NewClient {
        name: name.into(),
        date_of_birth: Some("1990-05-17".parse().unwrap()),
        phone: Some("07700 900123".into()),
        email: None,
        address: Some("1 High Street".into()),
        team_id: team.id.clone(),
        contact: Default::default(),
        access_needs: Default::default(),
    }
}

pub fn new_case(client: &Client, owner: &User, team: &Team, title: &str) -> NewCase {
    NewCase {
        client_id: client.id.clone(),
        title: title.into(),
        service_area: ServiceArea::Housing,
        complexity: Complexity::Medium,
        owner_id: owner.id.clone(),
        team_id: team.id.clone(),
        status: CaseStatus::Open,
    }
}

fn sections(pairs: &[(&str, &str)]) -> Vec<Section> {
    pairs
        .iter()
        .map(|(n, t)| Section {
            name: (*n).into(),
            text: (*t).into(),
        })
        .collect()
}

fn note(case: &Case, occurred: i64, text: &str) -> NewNote {
    NewNote {
        case_id: case.id.clone(),
        kind: NoteKind::Phone,
        template: "star".into(),
        occurred_at: at(occurred),
        late_entry: false,
        late_reason: None,
        sections: sections(&[("situation", text)]),
        submission_key: None,
    }
}

fn scope(u: &User) -> Scope {
    Scope {
        user: u.id.clone(),
        team: u.team_id.clone(),
    }
}

/// Straight to the database, past the store: what an operator's own SQL (a
/// correction, a script) does. Each backend's tests give one, for the
/// scenarios that check that the database itself keeps what the store
/// relies on.
#[async_trait::async_trait]
pub trait RawSql: Sync {
    /// Run one statement; `?` stands for each argument in turn. The
    /// database's refusal, if it refuses, as its message.
    async fn try_execute(&self, sql: &str, args: &[&str]) -> std::result::Result<u64, String>;

    /// Run one statement that must succeed.
    async fn execute(&self, sql: &str, args: &[&str]) {
        if let Err(e) = self.try_execute(sql, args).await {
            panic!("{sql}: {e}");
        }
    }
}
