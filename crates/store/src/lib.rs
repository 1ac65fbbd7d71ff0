//! The storage contract. Each capability (users, sessions, clients, cases,
//! notes, …) is a module holding its narrow trait and the records it reads
//! and writes; [`Store`] combines them all, and `Arc<dyn Store>` holds any
//! backend. The one implementation is `caseload-sql` (over SQLite and
//! PostgreSQL dialects); the [`conformance`] suite (feature `conformance`)
//! is the one set of tests both databases must pass, so that behaviour is
//! the same on both. Callers of `dyn Store` methods import [`prelude`].
//!
//! Writes take a [`WriteCtx`] (who, when, which request) and append their
//! audit event and timeline entry in the same transaction as the write: an
//! acknowledged write always has its audit trail.

pub mod audit;
pub mod bulk;
pub mod calendars;
pub mod case_columns;
pub mod caseload;
pub mod cases;
pub mod clients;
#[cfg(feature = "conformance")]
pub mod conformance;
pub mod database;
pub mod deadlines;
pub mod decode;
pub mod notes;
pub mod notifications;
pub mod obstacles;
pub mod outcomes;
#[cfg(feature = "conformance")]
pub mod plans;
pub mod priorities;
pub mod sessions;
pub mod settings;
pub mod sign_in_attempts;
pub mod tasks;
pub mod timescales;
pub mod users;

use caseload_domain::ids::*;
use jiff::Timestamp;

pub use audit::*;
pub use bulk::*;
pub use calendars::*;
pub use caseload::*;
pub use cases::*;
pub use clients::*;
pub use database::*;
pub use deadlines::*;
pub use notes::*;
pub use notifications::*;
pub use obstacles::*;
pub use outcomes::*;
pub use priorities::*;
pub use sessions::*;
pub use settings::*;
pub use sign_in_attempts::*;
pub use tasks::*;
pub use timescales::*;
pub use users::*;

/// What went wrong in the store, in terms the web layer can answer with.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// No such record (answered 404).
    #[error("{0} not found")]
    NotFound(&'static str),
    /// The write conflicts with what is stored (answered 409; the web layer
    /// words each kind).
    #[error("{0}")]
    Conflict(ConflictKind),
    /// The database cannot do this now (SPEC "Storage"): its disk is full,
    /// its file is read-only, it is locked past the busy timeout, or it is
    /// unreachable or restarting (answered 503, or 507 for a full disk).
    /// The cause is logged, never shown; the server recovers by itself when
    /// the fault clears.
    #[error("database unavailable ({what}): {source}")]
    Unavailable {
        what: Outage,
        #[source]
        source: Box<dyn std::error::Error + Send + Sync>,
    },
    /// Anything else: logged, never shown.
    #[error("storage failure: {0}")]
    Other(#[source] Box<dyn std::error::Error + Send + Sync>),
}

/// Why the database is unavailable: what an operator must do about it, and
/// whether a client's retry can help.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outage {
    /// No space left for the database to grow: an operator must free some.
    DiskFull,
    /// The database file or server accepts no writes.
    ReadOnly,
    /// Another writer held the database past the busy timeout, or every
    /// connection was in use past the acquire timeout.
    Busy,
    /// The database server cannot be reached, is starting or shutting down,
    /// or the database file cannot be opened.
    Unreachable,
}

impl Outage {
    /// Seconds after which a retry may succeed, where one can: a lock or
    /// a restart passes by itself; a full disk or a read-only file waits
    /// for an operator.
    pub fn retry_after(self) -> Option<u32> {
        match self {
            Outage::Busy => Some(1),
            Outage::Unreachable => Some(5),
            Outage::DiskFull | Outage::ReadOnly => None,
        }
    }
}

impl std::fmt::Display for Outage {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Outage::DiskFull => "disk full",
            Outage::ReadOnly => "read-only",
            Outage::Busy => "busy",
            Outage::Unreachable => "unreachable",
        })
    }
}

impl StoreError {
    pub fn other(e: impl std::error::Error + Send + Sync + 'static) -> Self {
        StoreError::Other(Box::new(e))
    }
    /// The database is unavailable for `what` reason (`e` is logged).
    pub fn unavailable(what: Outage, e: impl std::error::Error + Send + Sync + 'static) -> Self {
        StoreError::Unavailable {
            what,
            source: Box::new(e),
        }
    }
    /// A file beside the database could not be written (SQLite's read-audit
    /// journal): a full disk or read-only file system is an outage.
    pub fn io(e: std::io::Error) -> Self {
        match e.kind() {
            std::io::ErrorKind::StorageFull | std::io::ErrorKind::QuotaExceeded => {
                Self::unavailable(Outage::DiskFull, e)
            }
            std::io::ErrorKind::ReadOnlyFilesystem | std::io::ErrorKind::PermissionDenied => {
                Self::unavailable(Outage::ReadOnly, e)
            }
            _ => Self::other(e),
        }
    }
    /// A value in the database that our own code could not have written.
    pub fn corrupt(what: impl Into<String>) -> Self {
        StoreError::Other(format!("unreadable stored value: {}", what.into()).into())
    }
}

/// How a write conflicts with what is stored. The databases report these as
/// constraint violations; each dialect maps its own report (constraint name,
/// SQLSTATE or extended result code) to a kind with [`ConflictKind::of_unique`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ConflictKind {
    /// Another record already holds this unique value: `what` names the
    /// record (`"user"`, `"team"`, `"closure day"`, or `"record"` when the
    /// constraint is not one we word), `key` the value where it helps.
    Duplicate {
        what: &'static str,
        key: Option<String>,
    },
    /// The stored state moved underneath the request: the `what` is no
    /// longer `expected` (it is `now`, where known).
    Stale {
        what: &'static str,
        expected: String,
        now: Option<String>,
    },
    /// The same form was submitted twice (a note's submission key).
    DoubleSubmission,
    /// A record this one refers to does not exist.
    MissingParent { what: &'static str },
    /// Rows the store refuses to write (bulk loading outside its tables).
    Refused(String),
}

impl ConflictKind {
    /// The kind of a unique violation, from the constraint that reported it:
    /// PostgreSQL's constraint name, or SQLite's `table.column` list (the
    /// only name SQLite gives).
    pub fn of_unique(constraint: &str) -> Self {
        match constraint {
            "users_email_key" | "users.email" => Self::duplicate("user"),
            "teams_name_key" | "teams.name" => Self::duplicate("team"),
            "closure_days_pkey" | "closure_days.day" => Self::duplicate("closure day"),
            "notes_submission_key_idx" | "notes.submission_key" => Self::DoubleSubmission,
            _ => Self::duplicate("record"),
        }
    }

    pub fn duplicate(what: &'static str) -> Self {
        Self::Duplicate { what, key: None }
    }
}

impl std::fmt::Display for ConflictKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Duplicate { what, key: None } => write!(f, "duplicate {what}"),
            Self::Duplicate {
                what,
                key: Some(key),
            } => write!(f, "duplicate {what} {key}"),
            Self::Stale {
                what,
                expected,
                now,
            } => write!(f, "stale {what}: expected {expected}, now {now:?}"),
            Self::DoubleSubmission => f.write_str("double submission"),
            Self::MissingParent { what } => write!(f, "missing parent {what}"),
            Self::Refused(detail) => f.write_str(detail),
        }
    }
}

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

/// Who is writing, when (the server clock), and under which request id — for
/// `recorded_at`, the timeline and the audit trail.
#[derive(Debug, Clone)]
pub struct WriteCtx {
    pub actor: UserId,
    pub at: Timestamp,
    pub request_id: String,
}

/// The cases (and so clients) a user may list: those they own and those of
/// their team. Access rules themselves live in `caseload_domain::access`.
#[derive(Debug, Clone)]
pub struct Scope {
    pub user: UserId,
    pub team: Option<TeamId>,
}

/// Keyset paging over time-ordered ids.
#[derive(Debug, Clone)]
pub struct Page {
    pub limit: u32,
    /// Return records whose id sorts after this one.
    pub after: Option<String>,
}

impl Default for Page {
    fn default() -> Self {
        Self {
            limit: 50,
            after: None,
        }
    }
}

/// A new id of any kind, time-ordered with 80 random bits.
pub fn new_id<T>(make: fn(u64, [u8; 10]) -> T, at: Timestamp) -> T {
    let mut random = [0u8; 10];
    // getrandom only fails if the OS has no entropy source at all; then a
    // time-derived fallback still gives unique-enough ids for one process.
    if getrandom::fill(&mut random).is_err() {
        let nanos = at.as_nanosecond().to_le_bytes();
        random.copy_from_slice(&nanos[..10]);
    }
    make(u64::try_from(at.as_millisecond()).unwrap_or(0), random)
}

/// Everything a backend stores, as one trait: each capability is its own
/// narrow trait (as lldap combines its handler traits), and a type that
/// implements them all is a `Store`, so `Arc<dyn Store>` holds any backend.
pub trait Store:
    Database
    + Users
    + Sessions
    + SignInAttempts
    + Clients
    + Cases
    + Notes
    + Outcomes
    + Obstacles
    + Tasks
    + Deadlines
    + Caseloads
    + Calendars
    + OrganisationSettings
    + Priorities
    + Timescales
    + Notifications
    + Audit
    + BulkLoad
    + Send
    + Sync
    + 'static
{
}

impl<T> Store for T where
    T: Database
        + Users
        + Sessions
        + SignInAttempts
        + Clients
        + Cases
        + Notes
        + Outcomes
        + Obstacles
        + Tasks
        + Deadlines
        + Caseloads
        + Calendars
        + OrganisationSettings
        + Priorities
        + Timescales
        + Notifications
        + Audit
        + BulkLoad
        + Send
        + Sync
        + 'static
{
}

/// The capability traits, for callers of `dyn Store` methods: a supertrait's
/// methods need the trait in scope.
pub mod prelude {
    pub use crate::{
        Audit, BulkLoad, Calendars, Caseloads, Cases, Clients, Database, Deadlines, Notes,
        Notifications, Obstacles, OrganisationSettings, Outcomes, Priorities, Sessions,
        SignInAttempts, Store, Tasks, Timescales, Users,
    };
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_databases_names_for_a_unique_key_give_the_same_conflict_kind() {
        for (postgres, sqlite) in [
            ("users_email_key", "users.email"),
            ("teams_name_key", "teams.name"),
            ("closure_days_pkey", "closure_days.day"),
            ("notes_submission_key_idx", "notes.submission_key"),
            ("some_other_key", "some.other"),
        ] {
            assert_eq!(
                ConflictKind::of_unique(postgres),
                ConflictKind::of_unique(sqlite)
            );
        }
        assert_eq!(
            ConflictKind::of_unique("notes.submission_key"),
            ConflictKind::DoubleSubmission
        );
        assert_eq!(
            ConflictKind::of_unique("some.other"),
            ConflictKind::duplicate("record")
        );
    }
}
