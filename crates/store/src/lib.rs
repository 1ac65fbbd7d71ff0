//! The storage contract. [`Store`] is the one trait every backend implements
//! (SQLite, PostgreSQL); the records here are what it reads and writes; the
//! [`conformance`] suite (feature `conformance`) is the one set of tests every
//! backend must pass, so that behaviour is the same on both.
//!
//! Writes take a [`WriteCtx`] (who, when, which request) and append their
//! audit event and timeline entry in the same transaction as the write: an
//! acknowledged write always has its audit trail.

pub mod case_columns;
#[cfg(feature = "conformance")]
pub mod conformance;
#[cfg(feature = "conformance")]
pub mod plans;
pub mod records;

use async_trait::async_trait;
use caseload_domain::cases::StatusChange;
use caseload_domain::ids::*;
use caseload_domain::notes::AmendedAs;
use caseload_domain::records::TaskStatus;
use jiff::Timestamp;

pub use records::*;

/// What went wrong in the store, in terms the web layer can answer with.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// No such record (answered 404).
    #[error("{0} not found")]
    NotFound(&'static str),
    /// The write conflicts with what is stored: a duplicate, or state that
    /// changed underneath the request (answered 409).
    #[error("{0}")]
    Conflict(String),
    /// Anything else: logged, never shown.
    #[error("storage failure: {0}")]
    Other(#[source] Box<dyn std::error::Error + Send + Sync>),
}

impl StoreError {
    pub fn other(e: impl std::error::Error + Send + Sync + 'static) -> Self {
        StoreError::Other(Box::new(e))
    }
    /// A value in the database that our own code could not have written.
    pub fn corrupt(what: impl Into<String>) -> Self {
        StoreError::Other(format!("unreadable stored value: {}", what.into()).into())
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

#[async_trait]
pub trait Store: Send + Sync + 'static {
    /// `"sqlite"` or `"postgres"`.
    fn backend(&self) -> &'static str;

    /// Apply embedded migrations; safe to run on every start.
    async fn migrate(&self) -> Result<()>;

    // Teams and users.
    async fn create_team(&self, name: &str, at: Timestamp) -> Result<Team>;
    async fn list_teams(&self) -> Result<Vec<Team>>;
    async fn find_team_by_name(&self, name: &str) -> Result<Option<Team>>;
    async fn create_user(&self, new: &NewUser, at: Timestamp) -> Result<User>;
    async fn get_user(&self, id: &UserId) -> Result<User>;
    async fn find_user_by_email(&self, email: &str) -> Result<Option<User>>;
    async fn list_users(&self) -> Result<Vec<User>>;
    async fn count_users(&self) -> Result<i64>;

    /// Change a user's name, role, team or active flag.
    async fn update_user(&self, id: &UserId, change: &UserChange) -> Result<User>;
    /// Set a user's password hash (argon2id, PHC string).
    async fn set_password(&self, id: &UserId, hash: &str) -> Result<()>;
    /// A user's password hash, if they have one.
    async fn password_hash(&self, id: &UserId) -> Result<Option<String>>;

    // Browser sessions.
    async fn create_session(&self, new: &NewSession) -> Result<()>;
    /// A session that has not been revoked, with its (active) user.
    async fn get_session(&self, id_hash: &str) -> Result<Option<Session>>;
    /// `get_session`, with the mark of the user's own caseload read in the
    /// same statement (for the queue page, as `user_for_token_with_caseload_mark`).
    async fn get_session_with_caseload_mark(
        &self,
        id_hash: &str,
    ) -> Result<Option<(Session, CaseloadMark)>>;
    async fn touch_session(&self, id_hash: &str, at: Timestamp) -> Result<()>;
    async fn revoke_session(&self, id_hash: &str, at: Timestamp) -> Result<()>;
    /// Sign a user out everywhere (deactivation, password reset).
    async fn revoke_user_sessions(&self, user: &UserId, at: Timestamp) -> Result<()>;

    /// Store the SHA-256 of a new API token; the token itself is never kept.
    async fn create_api_token(
        &self,
        user: &UserId,
        token_hash: &str,
        at: Timestamp,
    ) -> Result<TokenId>;
    /// The active user holding this token, if any, with the settings
    /// generation read in the same statement (an API request needs both,
    /// and one statement is one trip to the database).
    async fn user_for_token(&self, token_hash: &str) -> Result<Option<(User, i64)>>;
    /// `user_for_token`, with the mark of the user's own caseload read in
    /// the same statement: what a request for their queue needs to know
    /// whether the rows read for it last time still stand.
    async fn user_for_token_with_caseload_mark(
        &self,
        token_hash: &str,
    ) -> Result<Option<(User, i64, CaseloadMark)>>;

    // Clients.
    async fn create_client(&self, new: &NewClient, ctx: &WriteCtx) -> Result<Client>;
    async fn get_client(&self, id: &ClientId) -> Result<Client>;
    async fn list_clients(&self, scope: &Scope, page: &Page) -> Result<Vec<Client>>;
    /// Clients within `scope` whose name has a word beginning with each of
    /// `query.words` (folded) and, if given, born on `query.date_of_birth`:
    /// a page in name order (`sort_key`, then id), each with the open cases
    /// in `scope`.
    async fn search_clients(
        &self,
        scope: &Scope,
        query: &ClientQuery,
    ) -> Result<Vec<ClientListing>>;
    /// Change a client's details: the row and its search keys, one
    /// `client_changes` row per changed field (old and new value) and a
    /// `client.update` audit event, in one transaction. A rename is copied
    /// to the client's cases by the database. Nothing is written when
    /// nothing changes.
    async fn update_client(
        &self,
        id: &ClientId,
        edit: &ClientEdit,
        ctx: &WriteCtx,
    ) -> Result<Client>;
    /// Every change to a client's details, oldest first.
    async fn client_history(&self, id: &ClientId) -> Result<Vec<ClientChange>>;

    // Cases.
    async fn create_case(&self, new: &NewCase, ctx: &WriteCtx) -> Result<Case>;
    async fn get_case(&self, id: &CaseId) -> Result<Case>;
    async fn list_cases(
        &self,
        filter: &CaseFilter,
        scope: &Scope,
        page: &Page,
    ) -> Result<Vec<Case>>;
    /// Move a case from `change.from` to `change.to`. The caller has checked
    /// the lifecycle; if the stored status is no longer `change.from`, this is
    /// a [`StoreError::Conflict`] and nothing changes.
    async fn change_case_status(
        &self,
        id: &CaseId,
        change: &StatusChange,
        ctx: &WriteCtx,
    ) -> Result<Case>;

    // Notes: append-only. There is deliberately no update or delete.
    async fn add_note(&self, new: &NewNote, ctx: &WriteCtx) -> Result<Note>;
    async fn get_note(&self, id: &NoteId) -> Result<Note>;
    async fn list_notes(&self, case: &CaseId) -> Result<Vec<Note>>;
    /// An amendment by the note's author.
    async fn add_amendment(&self, new: &NewAmendment, ctx: &WriteCtx) -> Result<Amendment> {
        self.add_amendment_as(new, AmendedAs::Author, ctx).await
    }
    /// An amendment made in `capacity` (who may amend is the domain's rule,
    /// `caseload_domain::notes::amend_capacity`, checked by the caller).
    async fn add_amendment_as(
        &self,
        new: &NewAmendment,
        capacity: AmendedAs,
        ctx: &WriteCtx,
    ) -> Result<Amendment>;

    // Required outcomes.
    async fn add_outcome(&self, new: &NewOutcome, ctx: &WriteCtx) -> Result<Outcome>;
    async fn get_outcome(&self, id: &OutcomeId) -> Result<Outcome>;
    async fn list_outcomes(&self, case: &CaseId) -> Result<Vec<Outcome>>;
    async fn add_outcome_progress(&self, new: &NewProgress, ctx: &WriteCtx) -> Result<Outcome>;

    // Obstacles.
    async fn add_obstacle(&self, new: &NewObstacle, ctx: &WriteCtx) -> Result<Obstacle>;
    async fn get_obstacle(&self, id: &ObstacleId) -> Result<Obstacle>;
    async fn list_obstacles(&self, case: &CaseId) -> Result<Vec<Obstacle>>;
    /// Resolve an open obstacle; resolving twice is a conflict.
    async fn resolve_obstacle(
        &self,
        id: &ObstacleId,
        resolution: &str,
        ctx: &WriteCtx,
    ) -> Result<Obstacle>;

    // Tasks.
    async fn add_task(&self, new: &NewTask, ctx: &WriteCtx) -> Result<Task>;
    async fn get_task(&self, id: &TaskId) -> Result<Task>;
    async fn list_tasks(&self, case: &CaseId) -> Result<Vec<Task>>;
    /// Move a task from `from` to `to`; a conflict if it is no longer `from`.
    async fn set_task_status(
        &self,
        id: &TaskId,
        from: TaskStatus,
        to: TaskStatus,
        ctx: &WriteCtx,
    ) -> Result<Task> {
        self.change_task_status(id, from, to, None, ctx).await
    }
    /// `set_task_status` with the reason given for the change, kept on its
    /// timeline entry (and, for a cancellation, on the task while it stays
    /// cancelled). Whether a reason is required is the caller's rule.
    async fn change_task_status(
        &self,
        id: &TaskId,
        from: TaskStatus,
        to: TaskStatus,
        reason: Option<&str>,
        ctx: &WriteCtx,
    ) -> Result<Task>;

    /// A user's active cases (referral, open, on hold) with what needs
    /// attention as of `today`: last contact, next task, late notes, overdue tasks.
    async fn caseload(&self, owner: &UserId, today: jiff::civil::Date) -> Result<Vec<CaseloadRow>>;
    /// Those of `cases` that are in `owner`'s active caseload, as
    /// `caseload` gives them (in id order): what a kept caseload whose mark
    /// has moved reads again, rather than the whole caseload.
    async fn caseload_cases(
        &self,
        owner: &UserId,
        cases: &[CaseId],
        today: jiff::civil::Date,
    ) -> Result<Vec<CaseloadRow>>;
    /// Active cases (referral, open, on hold) with what their clocks and
    /// priorities need, for re-evaluation: a page of `limit` in id order
    /// after `after`.
    async fn active_caseload(&self, after: Option<&CaseId>, limit: u32)
    -> Result<Vec<CaseloadRow>>;
    /// One case as the caseload sees it (any status).
    async fn caseload_row(&self, case: &CaseId, today: jiff::civil::Date) -> Result<CaseloadRow>;
    /// Each active member of a team with their open cases and overdue tasks.
    async fn team_summary(
        &self,
        team: &TeamId,
        today: jiff::civil::Date,
    ) -> Result<Vec<MemberLoad>>;

    /// Set a deadline on a case: the deadline, its task and its timeline
    /// entry are written together.
    async fn add_deadline(&self, new: &NewDeadline, ctx: &WriteCtx) -> Result<Deadline>;
    /// A case's deadlines, soonest first.
    async fn list_deadlines(&self, case: &CaseId) -> Result<Vec<Deadline>>;

    // Calendars.
    /// Replace the imported bank holidays of each (division, year) present
    /// in `days` — all in one transaction. Returns how many were stored.
    async fn import_holidays(&self, days: &[ImportedHoliday], at: Timestamp) -> Result<usize>;
    /// All imported holidays of one division.
    async fn imported_holidays(&self, division: &str) -> Result<Vec<jiff::civil::Date>>;
    async fn add_closure_day(
        &self,
        day: jiff::civil::Date,
        title: &str,
        at: Timestamp,
    ) -> Result<()>;
    async fn remove_closure_day(&self, day: jiff::civil::Date) -> Result<()>;
    async fn closure_days(&self) -> Result<Vec<(jiff::civil::Date, String)>>;
    async fn get_setting(&self, key: &str) -> Result<Option<String>>;
    async fn set_setting(&self, key: &str, value: &str, at: Timestamp) -> Result<()>;
    /// A team's own calendar, if it has one.
    async fn team_calendar(&self, team: &TeamId) -> Result<Option<String>>;
    async fn set_team_calendar(&self, team: &TeamId, calendar: Option<&str>) -> Result<()>;
    /// Every team that counts in a calendar of its own, with that calendar.
    async fn team_calendars(&self) -> Result<Vec<(TeamId, String)>>;
    /// A counter that moves whenever something every request reads changes:
    /// organisation settings, imported holidays, closure days, teams,
    /// policy and timescale versions (triggers move it, whatever made the
    /// change). Servers keep those in memory until it moves.
    async fn settings_generation(&self) -> Result<i64>;

    // Priorities.
    /// Save a policy as its next version (1 for a new policy). Versions are
    /// never changed afterwards.
    async fn save_policy_version(
        &self,
        policy_id: &str,
        name: &str,
        service_areas: &[String],
        body: &str,
        by: Option<&UserId>,
        at: Timestamp,
    ) -> Result<PolicyVersion>;
    /// The latest version of every policy.
    async fn list_policies(&self) -> Result<Vec<PolicyVersion>>;
    /// Every version of one policy, oldest first.
    async fn policy_versions(&self, policy_id: &str) -> Result<Vec<PolicyVersion>>;
    /// Record an assessment: the assessment, the change of band, the case's
    /// current band, the rules' tasks, the timeline entry and any
    /// notifications, in one transaction.
    async fn record_assessment(&self, new: &NewAssessment, ctx: &WriteCtx) -> Result<Assessment>;
    async fn latest_assessment(&self, case: &CaseId) -> Result<Option<Assessment>>;
    /// Override the band with a written rationale (checks are the caller's).
    async fn override_priority(&self, new: &NewOverride, ctx: &WriteCtx) -> Result<PriorityChange>;
    /// Several changes of band (re-evaluation) in one transaction.
    async fn override_priorities(&self, changes: &[NewOverride], ctx: &WriteCtx) -> Result<usize>;
    /// Every change of band, oldest first.
    async fn priority_history(&self, case: &CaseId) -> Result<Vec<PriorityChange>>;
    /// Load generated rows (demonstration and benchmark data) in one
    /// transaction, many rows a statement. Only the case-record tables.
    async fn bulk_insert(&self, batches: &[BulkRows]) -> Result<()>;
    /// Refresh the planner's statistics after a bulk load (`ANALYZE`).
    async fn analyze(&self) -> Result<()>;
    /// Save the organisation's timescales as the next version.
    async fn save_timescales(
        &self,
        body: &str,
        by: Option<&UserId>,
        at: Timestamp,
    ) -> Result<TimescaleVersion>;
    /// Every version, oldest first.
    async fn timescale_versions(&self) -> Result<Vec<TimescaleVersion>>;
    async fn latest_timescales(&self) -> Result<Option<TimescaleVersion>>;
    /// Record at-risk and breach alerts and notify, except those (case,
    /// clock, state, due day) already sent, in one transaction; how many
    /// were new.
    async fn record_alerts(&self, alerts: &[NewAlert], ctx: &WriteCtx) -> Result<usize>;
    /// Start a private calendar feed for a user (ending any earlier one).
    async fn create_feed(&self, user: &UserId, token_hash: &str, at: Timestamp) -> Result<()>;
    async fn revoke_feeds(&self, user: &UserId, at: Timestamp) -> Result<()>;
    /// The active user whose live feed this is.
    async fn user_for_feed(&self, token_hash: &str) -> Result<Option<User>>;
    /// A user's notifications, newest first.
    async fn notifications(
        &self,
        user: &UserId,
        include_acknowledged: bool,
    ) -> Result<Vec<Notification>>;
    async fn acknowledge_notification(
        &self,
        id: &NotificationId,
        user: &UserId,
        at: Timestamp,
    ) -> Result<()>;
    /// A user's notifications that match the filter, newest first, with
    /// their case's title and client (at most 500).
    async fn filtered_notifications(
        &self,
        user: &UserId,
        filter: &NotificationFilter,
    ) -> Result<Vec<Notification>>;
    /// Acknowledge several of a user's own notifications in one statement;
    /// how many were acknowledged. Another user's are never touched.
    async fn acknowledge_notifications(
        &self,
        user: &UserId,
        which: &NotificationSelection,
        at: Timestamp,
    ) -> Result<u64>;

    /// The case's history, oldest first.
    async fn timeline(&self, case: &CaseId) -> Result<Vec<TimelineEntry>>;

    /// Append audit events on their own (reads, denials), in one
    /// transaction: all are durable when it returns, or none. Writes append
    /// theirs in their own transaction.
    async fn record_audits(&self, events: &[NewAuditEvent]) -> Result<()>;
    /// The newest audit events first.
    async fn list_audit(&self, limit: u32) -> Result<Vec<AuditEvent>>;
    /// Table name → column names, for the schema parity test.
    async fn schema(&self) -> Result<Vec<(String, Vec<String>)>>;
}
