//! The records the store reads and writes. They serialise as the JSON API
//! shows them; inputs (`New…`) hold values already parsed by the domain.

use caseload_domain::Actor;
use caseload_domain::cases::{CaseStatus, ClosureReason, Complexity, ServiceArea};
use caseload_domain::clients::{AccessNeeds, ContactPreferences};
use caseload_domain::ids::*;
use caseload_domain::notes::{AmendedAs, NoteKind, Section};
use caseload_domain::records::{EventKind, ObstacleCategory, OutcomeStatus, TaskStatus};
use caseload_domain::text::Email;
use caseload_domain::users::Role;
use jiff::Timestamp;
use jiff::civil::Date;
use serde::Serialize;

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Team {
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub id: TeamId,
    pub name: String,
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub created_at: Timestamp,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct User {
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub id: UserId,
    pub email: String,
    pub name: String,
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "practitioner"))]
    pub role: Role,
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub team_id: Option<TeamId>,
    pub active: bool,
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub created_at: Timestamp,
}

impl User {
    pub fn actor(&self) -> Actor {
        Actor {
            id: self.id.clone(),
            role: self.role,
            team: self.team_id.clone(),
        }
    }
}

#[derive(Debug, Clone)]
pub struct NewUser {
    pub email: Email,
    pub name: String,
    pub role: Role,
    pub team_id: Option<TeamId>,
}

/// A change to a user made by an administrator; `None` leaves a field alone.
#[derive(Debug, Clone, Default)]
pub struct UserChange {
    pub name: Option<String>,
    pub role: Option<Role>,
    pub team_id: Option<Option<TeamId>>,
    pub active: Option<bool>,
}

/// A signed-in browser session. Only the hash of the cookie's secret is kept.
#[derive(Debug, Clone, PartialEq)]
pub struct Session {
    pub id_hash: String,
    pub user: User,
    pub csrf_token: String,
    pub created_at: Timestamp,
    pub last_seen_at: Timestamp,
    /// The user's unacknowledged notifications, counted in the statement
    /// that reads the session (for the navigation's unread count).
    pub unread_notifications: i64,
}

#[derive(Debug, Clone)]
pub struct NewSession {
    pub id_hash: String,
    pub user_id: UserId,
    pub csrf_token: String,
    pub at: Timestamp,
}

/// One row of a practitioner's caseload: the case and what needs attention.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CaseloadRow {
    pub case: Case,
    /// The most recent contact with the client (notes other than internal,
    /// review and supervision).
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, format = DateTime))]
    #[serde(serialize_with = "caseload_domain::json::option_timestamp")]
    pub last_contact: Option<Timestamp>,
    /// The open task due soonest.
    pub next_task_title: Option<String>,
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, format = Date))]
    #[serde(serialize_with = "caseload_domain::json::option_date")]
    pub next_task_due: Option<Date>,
    pub late_notes: i64,
    pub overdue_tasks: i64,
    /// What the timescale clocks read (not part of the row's JSON: the web
    /// layer turns them into states). The first contact with the client.
    #[serde(skip)]
    pub first_contact: Option<Timestamp>,
    /// The latest piece of work recorded: any note but supervision.
    #[serde(skip)]
    pub last_action: Option<Timestamp>,
    /// The latest case review note.
    #[serde(skip)]
    pub last_review: Option<Timestamp>,
    /// Periods on hold, oldest first: (put on hold, taken off hold).
    #[serde(skip)]
    pub holds: Vec<(Timestamp, Option<Timestamp>)>,
    /// The case's deadlines, soonest first.
    #[serde(skip)]
    pub deadlines: Vec<DeadlineDue>,
    /// The latest assessment (policy, answers, rationale), once assessed.
    #[serde(skip)]
    pub assessment: Option<LatestAssessment>,
    /// What caused the latest change of band (`override` stands until the
    /// next assessment).
    #[serde(skip)]
    pub last_priority_cause: Option<String>,
    /// The case row's revision, which moves on every change to the row
    /// (see `CaseloadMark`).
    #[serde(skip)]
    pub revision: i64,
}

/// What a user's active caseload is made of: the id and revision of each of
/// their active cases, in id order, as `id:revision` joined by commas. Every
/// change to a case row moves its revision, and everything a caseload row
/// holds is on its case row but the owner's name, so while a user's mark
/// and name stay the same, their caseload reads the same: a case that
/// changed, arrived, left or closed changes the mark.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CaseloadMark(pub String);

impl CaseloadMark {
    /// The mark of rows as `Store::caseload` gives them (in id order).
    pub fn of<'a>(rows: impl IntoIterator<Item = &'a CaseloadRow>) -> CaseloadMark {
        use std::fmt::Write;
        let mut mark = String::new();
        for (i, row) in rows.into_iter().enumerate() {
            if i > 0 {
                mark.push(',');
            }
            let _ = write!(mark, "{}:{}", row.case.id.as_str(), row.revision);
        }
        CaseloadMark(mark)
    }

    /// The (case id, revision) pairs the mark lists, in its order; none if
    /// it is not a mark.
    pub fn cases(&self) -> Option<Vec<(&str, i64)>> {
        if self.0.is_empty() {
            return Some(Vec::new());
        }
        self.0
            .split(',')
            .map(|pair| {
                let (id, revision) = pair.rsplit_once(':')?;
                Some((id, revision.parse().ok()?))
            })
            .collect()
    }
}

/// The parts of a case's latest assessment that re-evaluation and the queue
/// need, as the stored JSON text: each reader parses only what it uses (the
/// queue the rationale, re-evaluation the answers); a part not read for the
/// row at hand is empty.
#[derive(Debug, Clone, PartialEq)]
pub struct LatestAssessment {
    pub policy_id: String,
    pub answers: String,
    pub rationale: String,
}

/// A team member's load, for supervisors.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MemberLoad {
    pub user: User,
    pub open_cases: i64,
    pub overdue_tasks: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Client {
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub id: ClientId,
    pub name: String,
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, format = Date))]
    pub date_of_birth: Option<Date>,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub address: Option<String>,
    /// The team that holds this client's record.
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub team_id: TeamId,
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub created_by: UserId,
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub created_at: Timestamp,
    /// How and when it is safe to contact them.
    pub contact: ContactPreferences,
    /// What they need to take part.
    pub access_needs: AccessNeeds,
}

#[derive(Debug, Clone)]
pub struct NewClient {
    pub name: String,
    pub date_of_birth: Option<Date>,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub address: Option<String>,
    pub team_id: TeamId,
    pub contact: ContactPreferences,
    pub access_needs: AccessNeeds,
}

/// A change to a client's details: each `Some` field is set (an inner `None`
/// clears it), each `None` field is left as it is. Parsed by the web layer.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ClientEdit {
    pub name: Option<String>,
    pub date_of_birth: Option<Option<Date>>,
    pub phone: Option<Option<String>>,
    pub email: Option<Option<String>>,
    pub address: Option<Option<String>>,
    pub contact_phone: Option<Option<bool>>,
    pub contact_text: Option<Option<bool>>,
    pub contact_email: Option<Option<bool>>,
    pub contact_letter: Option<Option<bool>>,
    pub contact_in_person: Option<Option<bool>>,
    pub contact_times: Option<Option<String>>,
    pub safe_address: Option<Option<String>>,
    pub interpreter: Option<bool>,
    pub interpreter_language: Option<Option<String>>,
    pub adjustments: Option<Option<String>>,
}

fn set<T: Clone>(target: &mut T, value: &Option<T>) {
    if let Some(v) = value {
        *target = v.clone();
    }
}

impl ClientEdit {
    /// `client` with this edit applied.
    pub fn apply(&self, client: &Client) -> Client {
        let mut c = client.clone();
        set(&mut c.name, &self.name);
        set(&mut c.date_of_birth, &self.date_of_birth);
        set(&mut c.phone, &self.phone);
        set(&mut c.email, &self.email);
        set(&mut c.address, &self.address);
        self.apply_needs(&mut c.contact, &mut c.access_needs);
        c
    }

    /// Apply only the contact preferences and access needs of this edit.
    pub fn apply_needs(&self, contact: &mut ContactPreferences, access: &mut AccessNeeds) {
        set(&mut contact.phone, &self.contact_phone);
        set(&mut contact.text, &self.contact_text);
        set(&mut contact.email, &self.contact_email);
        set(&mut contact.letter, &self.contact_letter);
        set(&mut contact.in_person, &self.contact_in_person);
        set(&mut contact.times, &self.contact_times);
        set(&mut contact.safe_address, &self.safe_address);
        set(&mut access.interpreter, &self.interpreter);
        set(&mut access.interpreter_language, &self.interpreter_language);
        set(&mut access.adjustments, &self.adjustments);
    }
}

/// Each editable field of a client as stored text (dates ISO 8601, yes/no),
/// with its API name: what the history compares and keeps.
pub fn client_fields(c: &Client) -> Vec<(&'static str, Option<String>)> {
    let yes_no = |b: Option<bool>| b.map(|b| if b { "yes" } else { "no" }.to_owned());
    vec![
        ("name", Some(c.name.clone())),
        ("date_of_birth", c.date_of_birth.map(|d| d.to_string())),
        ("phone", c.phone.clone()),
        ("email", c.email.clone()),
        ("address", c.address.clone()),
        ("contact.phone", yes_no(c.contact.phone)),
        ("contact.text", yes_no(c.contact.text)),
        ("contact.email", yes_no(c.contact.email)),
        ("contact.letter", yes_no(c.contact.letter)),
        ("contact.in_person", yes_no(c.contact.in_person)),
        ("contact.times", c.contact.times.clone()),
        ("contact.safe_address", c.contact.safe_address.clone()),
        (
            "access_needs.interpreter",
            yes_no(Some(c.access_needs.interpreter)),
        ),
        (
            "access_needs.interpreter_language",
            c.access_needs.interpreter_language.clone(),
        ),
        (
            "access_needs.adjustments",
            c.access_needs.adjustments.clone(),
        ),
    ]
}

/// The fields that differ between two versions of a client, old and new.
pub fn client_diff(
    old: &Client,
    new: &Client,
) -> Vec<(&'static str, Option<String>, Option<String>)> {
    client_fields(old)
        .into_iter()
        .zip(client_fields(new))
        .filter(|((_, a), (_, b))| a != b)
        .map(|((field, a), (_, b))| (field, a, b))
        .collect()
}

/// One field of one change to a client's details: who, when, old and new.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ClientChange {
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub at: Timestamp,
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub actor_id: UserId,
    pub actor_name: String,
    /// The field's API name, e.g. `name` or `contact.phone`.
    pub field: String,
    /// As stored: dates as `YYYY-MM-DD`, choices as `yes`/`no`; absent when empty.
    pub old_value: Option<String>,
    pub new_value: Option<String>,
}

/// Finding clients: every word of `words` must begin a word of the name
/// (folded by `caseload_domain::clients::search_words`), and the date of
/// birth must match if given. Sorted by name (`sort_key`), then id.
#[derive(Debug, Clone, Default)]
pub struct ClientQuery {
    pub words: Vec<String>,
    pub date_of_birth: Option<Date>,
    /// Return those that sort after this client (keyset paging).
    pub after: Option<ClientId>,
    pub limit: u32,
}

/// A client as a list of search results shows them: enough to tell two
/// people of one name apart.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ClientListing {
    #[serde(flatten)]
    pub client: Client,
    /// Their open cases (referral, open, on hold) the searcher may see.
    pub open_cases: Vec<CaseBrief>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CaseBrief {
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub id: CaseId,
    pub title: String,
    pub status: CaseStatus,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Case {
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub id: CaseId,
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub client_id: ClientId,
    pub client_name: String,
    pub title: String,
    pub service_area: ServiceArea,
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub owner_id: UserId,
    pub owner_name: String,
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub team_id: TeamId,
    pub status: CaseStatus,
    pub complexity: Complexity,
    pub closure_reason: Option<ClosureReason>,
    pub closure_summary: Option<String>,
    /// When the case was (last) opened; empty while still a referral.
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, format = DateTime))]
    #[serde(serialize_with = "caseload_domain::json::option_timestamp")]
    pub opened_at: Option<Timestamp>,
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, format = DateTime))]
    #[serde(serialize_with = "caseload_domain::json::option_timestamp")]
    pub closed_at: Option<Timestamp>,
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub created_by: UserId,
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    #[serde(serialize_with = "caseload_domain::json::timestamp")]
    pub created_at: Timestamp,
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    #[serde(serialize_with = "caseload_domain::json::timestamp")]
    pub updated_at: Timestamp,
    /// The current priority band (`P1`…), once assessed.
    pub priority_band: Option<String>,
    /// The band a hard rule set: only a supervisor may override below it.
    pub priority_floor: Option<String>,
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, format = DateTime))]
    #[serde(serialize_with = "caseload_domain::json::option_timestamp")]
    pub assessed_at: Option<Timestamp>,
}

#[derive(Debug, Clone)]
pub struct NewCase {
    pub client_id: ClientId,
    pub title: String,
    pub service_area: ServiceArea,
    pub complexity: Complexity,
    pub owner_id: UserId,
    pub team_id: TeamId,
    /// `referral` or `open`.
    pub status: CaseStatus,
}

#[derive(Debug, Clone, Default)]
pub struct CaseFilter {
    pub owner: Option<UserId>,
    pub status: Option<CaseStatus>,
    pub service_area: Option<ServiceArea>,
    pub client: Option<ClientId>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Note {
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub id: NoteId,
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub case_id: CaseId,
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub author_id: UserId,
    pub author_name: String,
    pub kind: NoteKind,
    /// The template the sections follow (`star`, `soap`).
    pub template: String,
    /// When the contact happened, as the author gave it.
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub occurred_at: Timestamp,
    /// When the note was written, by the server's clock.
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub recorded_at: Timestamp,
    pub late_entry: bool,
    pub late_reason: Option<String>,
    /// The sections as first written; never changed.
    pub sections: Vec<Section>,
    /// Corrections, oldest first.
    pub amendments: Vec<Amendment>,
    /// The sections with every amendment applied, for reading.
    pub current_sections: Vec<Section>,
}

#[derive(Debug, Clone)]
pub struct NewNote {
    pub case_id: CaseId,
    pub kind: NoteKind,
    pub template: String,
    pub occurred_at: Timestamp,
    pub late_entry: bool,
    pub late_reason: Option<String>,
    pub sections: Vec<Section>,
    /// A form's one-time key: a second note with the same key from the same
    /// author is refused as a conflict (a double-submitted form).
    pub submission_key: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Amendment {
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub id: AmendmentId,
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub note_id: NoteId,
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub author_id: UserId,
    pub author_name: String,
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub recorded_at: Timestamp,
    pub reason: String,
    /// The sections this amendment replaces, with their new text.
    pub sections: Vec<Section>,
    /// `author`, or `supervisor` when a supervisor of the case's team made
    /// it (SPEC C1: shown as such).
    pub amended_as: AmendedAs,
}

#[derive(Debug, Clone)]
pub struct NewAmendment {
    pub note_id: NoteId,
    pub reason: String,
    pub sections: Vec<Section>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Outcome {
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub id: OutcomeId,
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub case_id: CaseId,
    pub description: String,
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, format = Date))]
    pub target_date: Option<Date>,
    pub status: OutcomeStatus,
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub created_by: UserId,
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub created_at: Timestamp,
    /// Progress entries, oldest first.
    pub progress: Vec<OutcomeProgress>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OutcomeProgress {
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub id: ProgressId,
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub author_id: UserId,
    pub author_name: String,
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub recorded_at: Timestamp,
    /// The outcome's status after this entry.
    pub status: OutcomeStatus,
    pub text: String,
}

#[derive(Debug, Clone)]
pub struct NewOutcome {
    pub case_id: CaseId,
    pub description: String,
    pub target_date: Option<Date>,
}

#[derive(Debug, Clone)]
pub struct NewProgress {
    pub outcome_id: OutcomeId,
    pub status: OutcomeStatus,
    pub text: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Obstacle {
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub id: ObstacleId,
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub case_id: CaseId,
    pub category: ObstacleCategory,
    pub description: String,
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub raised_by: UserId,
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub raised_at: Timestamp,
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, format = DateTime))]
    pub resolved_at: Option<Timestamp>,
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub resolved_by: Option<UserId>,
    pub resolution: Option<String>,
}

#[derive(Debug, Clone)]
pub struct NewObstacle {
    pub case_id: CaseId,
    pub category: ObstacleCategory,
    pub description: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Task {
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub id: TaskId,
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub case_id: CaseId,
    pub title: String,
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, format = Date))]
    pub due_date: Option<Date>,
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub assignee_id: Option<UserId>,
    pub assignee_name: Option<String>,
    pub status: TaskStatus,
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub created_by: UserId,
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub created_at: Timestamp,
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, format = DateTime))]
    pub completed_at: Option<Timestamp>,
    /// Why it was cancelled, while it stays cancelled.
    pub cancellation_reason: Option<String>,
}

#[derive(Debug, Clone)]
pub struct NewTask {
    pub case_id: CaseId,
    pub title: String,
    pub due_date: Option<Date>,
    pub assignee_id: Option<UserId>,
}

/// A deadline on a case: from a rule and its trigger date (computed, with
/// the working shown) or a date given by hand. Each has its task.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Deadline {
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub id: DeadlineId,
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub case_id: CaseId,
    /// The catalogue rule, or none for a date given by hand.
    pub rule_id: Option<String>,
    pub title: String,
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, format = Date))]
    pub trigger_date: Option<Date>,
    /// The calendar the rule was counted in.
    pub calendar: Option<String>,
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = Date))]
    pub due_date: Date,
    /// How the date was reached, step by step.
    pub explanation: Vec<String>,
    /// The task that carries the deadline into the caseload.
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub task_id: TaskId,
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub created_by: UserId,
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub created_at: Timestamp,
}

#[derive(Debug, Clone)]
pub struct NewDeadline {
    pub case_id: CaseId,
    pub rule_id: Option<String>,
    pub title: String,
    pub trigger_date: Option<Date>,
    pub calendar: Option<String>,
    pub due_date: Date,
    pub explanation: Vec<String>,
    pub assignee_id: Option<UserId>,
}

/// One immutable version of a priority policy.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PolicyVersion {
    pub policy_id: String,
    pub version: i64,
    pub name: String,
    pub service_areas: Vec<String>,
    /// The policy in its file format (TOML).
    pub body: String,
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub created_by: Option<UserId>,
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub created_at: Timestamp,
}

/// A typed value for [`crate::Store::bulk_insert`]; each backend binds it
/// in its own column type (a timestamp is microseconds in SQLite and
/// `timestamptz` in PostgreSQL, JSON is text or `jsonb`).
#[derive(Debug, Clone, PartialEq)]
pub enum BulkValue {
    Text(Option<String>),
    Int(Option<i64>),
    Bool(bool),
    Ts(Option<Timestamp>),
    Date(Option<Date>),
    Json(serde_json::Value),
}

/// Generated rows for one table, loaded by [`crate::Store::bulk_insert`].
#[derive(Debug, Clone)]
pub struct BulkRows {
    pub table: &'static str,
    pub columns: &'static [&'static str],
    pub rows: Vec<Vec<BulkValue>>,
}

/// The tables bulk loading may write: the case record, never sessions,
/// tokens, audit or settings.
pub const BULK_TABLES: &[&str] = &[
    "teams",
    "users",
    "clients",
    "cases",
    "case_status_changes",
    "notes",
    "note_amendments",
    "outcomes",
    "outcome_progress",
    "obstacles",
    "tasks",
    "deadlines",
    "case_events",
    "assessments",
    "priority_changes",
];

impl BulkRows {
    /// Refuse a table outside [`BULK_TABLES`], a column that is not a plain
    /// identifier, or a row of the wrong width.
    pub fn check(&self) -> Result<(), crate::StoreError> {
        let ident =
            |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_lowercase() || b == b'_');
        if !BULK_TABLES.contains(&self.table) || !self.columns.iter().all(|c| ident(c)) {
            return Err(crate::StoreError::Conflict(format!(
                "bulk loading cannot write {}({})",
                self.table,
                self.columns.join(", ")
            )));
        }
        if let Some(bad) = self.rows.iter().find(|r| r.len() != self.columns.len()) {
            return Err(crate::StoreError::Conflict(format!(
                "a {} row has {} values for {} columns",
                self.table,
                bad.len(),
                self.columns.len()
            )));
        }
        Ok(())
    }
}

/// A deadline as the clocks see it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeadlineDue {
    pub id: String,
    pub due: Date,
    /// Its task is done or cancelled.
    pub met: bool,
    pub title: String,
}

/// One version of the organisation's timescales.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TimescaleVersion {
    pub version: i64,
    /// The timescales in their file format (TOML).
    pub body: String,
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub created_by: Option<UserId>,
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub created_at: Timestamp,
}

/// A timescale or deadline that has gone at risk or been breached: tell the
/// case's owner (and, on a breach, the team's supervisors) once.
#[derive(Debug, Clone)]
pub struct NewAlert {
    pub case_id: CaseId,
    /// `first_contact`, `next_action`, `review`, `client_response`, `deadline:<id>`.
    pub clock: String,
    /// `at_risk` or `breached`.
    pub state: String,
    pub due: Date,
    pub message: String,
    pub supervisors: bool,
}

/// Who an alert's case reaches: its owner (if still active) and its team.
#[derive(Debug, Clone)]
pub struct AlertRecipients {
    pub owner: Option<UserId>,
    pub team: TeamId,
}

/// One notification to insert.
#[derive(Debug, Clone)]
pub struct NotificationRow {
    pub id: NotificationId,
    pub user: UserId,
    pub case: CaseId,
    pub kind: String,
    pub message: String,
}

/// The notifications newly sent alerts make: one to the case's owner, and
/// on a breach one to each active supervisor of its team (not to whoever
/// triggered it). Shared by the backends, which read the recipients for a
/// whole page of alerts in two queries and insert these rows many a
/// statement.
pub fn alert_notifications(
    sent: &[&NewAlert],
    cases: &std::collections::HashMap<String, AlertRecipients>,
    supervisors: &std::collections::HashMap<String, Vec<UserId>>,
    actor: &UserId,
    at: Timestamp,
) -> Vec<NotificationRow> {
    let mut rows = Vec::new();
    for alert in sent {
        let Some(case) = cases.get(alert.case_id.as_str()) else {
            continue;
        };
        // A deadline's alert is told apart from a timescale's by its kind.
        let kind = if alert.clock.starts_with("deadline:") {
            format!("deadline_{}", alert.state)
        } else {
            format!("timescale_{}", alert.state)
        };
        let mut to = |user: &UserId| {
            rows.push(NotificationRow {
                id: crate::new_id(NotificationId::from_parts, at),
                user: user.clone(),
                case: alert.case_id.clone(),
                kind: kind.clone(),
                message: alert.message.clone(),
            });
        };
        if let Some(owner) = &case.owner {
            to(owner);
        }
        if alert.supervisors {
            for s in supervisors.get(case.team.as_str()).into_iter().flatten() {
                if s != actor {
                    to(s);
                }
            }
        }
    }
    rows
}

#[derive(Debug, Clone)]
pub struct NewAssessment {
    pub case_id: CaseId,
    pub policy_id: String,
    pub policy_version: i64,
    pub answers: serde_json::Value,
    pub score: i64,
    pub band: String,
    pub rationale: serde_json::Value,
    /// The rationale in one line, for the priority history.
    pub summary: String,
    /// The band a hard rule set, if any.
    pub floor: Option<String>,
    /// Tasks the fired rules ask for.
    pub tasks: Vec<String>,
    /// When set, the case's team supervisors are told (same transaction).
    pub notify: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Assessment {
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub id: AssessmentId,
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub case_id: CaseId,
    pub policy_id: String,
    pub policy_version: i64,
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub answers: serde_json::Value,
    pub score: i64,
    pub band: String,
    /// Every criterion and rule that contributed, with points and words.
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<Object>))]
    pub rationale: serde_json::Value,
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub assessed_by: UserId,
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub assessed_at: Timestamp,
}

#[derive(Debug, Clone)]
pub struct NewOverride {
    pub case_id: CaseId,
    /// `override` (a person's judgement) or `time` (re-evaluation as facts change).
    pub cause: String,
    pub band: String,
    pub rationale: String,
    pub notify: Option<String>,
}

/// One change of a case's band, with its cause.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PriorityChange {
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub id: PriorityChangeId,
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub case_id: CaseId,
    pub band: String,
    pub previous_band: Option<String>,
    /// `assessment`, `reassessment`, `override` or `time`.
    pub cause: String,
    pub rationale: String,
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub assessment_id: Option<AssessmentId>,
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub actor_id: UserId,
    pub actor_name: String,
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub at: Timestamp,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Notification {
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub id: NotificationId,
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub case_id: Option<CaseId>,
    pub kind: String,
    pub message: String,
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub created_at: Timestamp,
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, format = DateTime))]
    pub acknowledged_at: Option<Timestamp>,
    /// The case's title, when it is about a case.
    pub case_title: Option<String>,
    /// The case's client, when it is about a case.
    pub client_name: Option<String>,
}

/// Which of a user's notifications to read or acknowledge: always only the
/// user's own, unacknowledged unless `include_acknowledged`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct NotificationFilter {
    /// `high_priority`, `timescale_at_risk`, `timescale_breached`,
    /// `deadline_at_risk` or `deadline_breached`.
    pub kind: Option<String>,
    pub case: Option<CaseId>,
    pub include_acknowledged: bool,
}

/// The notifications a bulk acknowledgement touches (only the caller's own,
/// only those not yet acknowledged).
#[derive(Debug, Clone, PartialEq)]
pub enum NotificationSelection {
    /// These ones; ids that are not the user's are ignored.
    Ids(Vec<NotificationId>),
    /// Every one the filter matches (`include_acknowledged` is ignored).
    Matching(NotificationFilter),
}

/// One bank holiday from the official file.
#[derive(Debug, Clone, PartialEq)]
pub struct ImportedHoliday {
    pub division: String,
    pub day: Date,
    pub title: String,
}

/// One line of a case's history.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TimelineEntry {
    /// Position in the history; breaks ties between entries at the same time.
    pub seq: i64,
    pub kind: EventKind,
    /// When it happened (for a note, when the contact took place).
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub at: Timestamp,
    /// When it was recorded.
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub recorded_at: Timestamp,
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub actor_id: UserId,
    pub actor_name: String,
    /// The id of the note, amendment, outcome, obstacle, task or case concerned.
    pub subject_id: String,
    /// What changed, in brief (never note text: that lives in the note).
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub data: serde_json::Value,
}

/// A new audit event. Never holds content: who, what, which object, when.
#[derive(Debug, Clone)]
pub struct NewAuditEvent {
    pub at: Timestamp,
    pub actor: Option<UserId>,
    /// `case.read`, `note.create`, `case.read.denied`, …
    pub action: String,
    pub object_type: &'static str,
    pub object_id: Option<String>,
    pub request_id: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AuditEvent {
    pub seq: i64,
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub at: Timestamp,
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub actor_id: Option<UserId>,
    pub action: String,
    pub object_type: String,
    pub object_id: Option<String>,
    pub request_id: String,
}

/// Decoding helpers shared by the backends.
pub mod decode {
    use super::*;
    use crate::StoreError;

    /// Caseload rows decoded by `row` and put in id order. Put in order
    /// here, not by the database: the owner index gives them by status,
    /// then id, and an ORDER BY would copy every whole row (summary texts
    /// and all) through a sorter.
    pub fn caseload_in_id_order<R>(
        rows: &[R],
        row: impl Fn(&R) -> Result<CaseloadRow, StoreError>,
    ) -> Result<Vec<CaseloadRow>, StoreError> {
        let mut rows = rows.iter().map(row).collect::<Result<Vec<_>, _>>()?;
        rows.sort_unstable_by(|a, b| a.case.id.as_str().cmp(b.case.id.as_str()));
        Ok(rows)
    }

    pub fn vocab<T>(
        value: &str,
        parse: fn(&str) -> Option<T>,
        what: &str,
    ) -> Result<T, StoreError> {
        parse(value).ok_or_else(|| StoreError::corrupt(format!("{what} {value:?}")))
    }

    /// Periods on hold from the status changes into (`h<micros>`) and out
    /// of (`r<micros>`) on hold, comma-separated in any order.
    pub fn holds(text: Option<&str>) -> Result<Vec<(Timestamp, Option<Timestamp>)>, StoreError> {
        let mut marks = Vec::new();
        for item in text.unwrap_or("").split(',').filter(|x| !x.is_empty()) {
            let (kind, at) = item.split_at(1);
            let at = at
                .parse::<i64>()
                .ok()
                .and_then(|m| Timestamp::from_microsecond(m).ok())
                .ok_or_else(|| StoreError::corrupt(format!("hold {item:?}")))?;
            marks.push((at, kind == "h"));
        }
        marks.sort();
        let mut holds: Vec<(Timestamp, Option<Timestamp>)> = Vec::new();
        for (at, on) in marks {
            match (on, holds.last_mut()) {
                (true, _) => holds.push((at, None)),
                (false, Some(last)) if last.1.is_none() => last.1 = Some(at),
                (false, _) => {}
            }
        }
        Ok(holds)
    }

    /// A case's deadlines as `id|YYYY-MM-DD|task status|title` separated by
    /// the ASCII unit separator (0x1F), which titles cannot contain.
    pub fn deadline_dues(text: Option<&str>) -> Result<Vec<DeadlineDue>, StoreError> {
        let mut out = Vec::new();
        for item in text.unwrap_or("").split('\u{1f}').filter(|x| !x.is_empty()) {
            let mut parts = item.splitn(4, '|');
            let (Some(id), Some(due), Some(status), Some(title)) =
                (parts.next(), parts.next(), parts.next(), parts.next())
            else {
                return Err(StoreError::corrupt(format!("deadline {item:?}")));
            };
            let due = due
                .parse::<Date>()
                .map_err(|_| StoreError::corrupt(format!("deadline {item:?}")))?;
            out.push(DeadlineDue {
                id: id.to_owned(),
                due,
                met: status != "open",
                title: title.to_owned(),
            });
        }
        out.sort_by(|a, b| a.due.cmp(&b.due).then_with(|| a.id.cmp(&b.id)));
        Ok(out)
    }

    /// A case's open tasks as `YYYY-MM-DD<US>title` (the date empty when
    /// there is none) separated by the record separator (0x1E), most
    /// pressing first: how many are overdue on `today`, and the first's
    /// title and due date.
    pub fn open_tasks(
        text: Option<&str>,
        today: Date,
    ) -> Result<(i64, Option<String>, Option<Date>), StoreError> {
        let mut overdue = 0;
        let mut first = None;
        for item in text.unwrap_or("").split('\u{1e}').filter(|x| !x.is_empty()) {
            let (due, title) = item
                .split_once('\u{1f}')
                .ok_or_else(|| StoreError::corrupt(format!("open task {item:?}")))?;
            let due = match due {
                "" => None,
                d => Some(date(d)?),
            };
            if due.is_some_and(|d| d < today) {
                overdue += 1;
            }
            if first.is_none() {
                first = Some((title.to_owned(), due));
            }
        }
        Ok(match first {
            Some((title, due)) => (overdue, Some(title), due),
            None => (overdue, None, None),
        })
    }

    /// The latest assessment as `policy id<US>answers<US>rationale` (JSON
    /// texts, which escape every control character).
    pub fn latest_assessment(text: Option<&str>) -> Result<Option<LatestAssessment>, StoreError> {
        let Some(text) = text else { return Ok(None) };
        let mut parts = text.splitn(3, '\u{1f}');
        match (parts.next(), parts.next(), parts.next()) {
            (Some(policy_id), Some(answers), Some(rationale)) => Ok(Some(LatestAssessment {
                policy_id: policy_id.to_owned(),
                answers: answers.to_owned(),
                rationale: rationale.to_owned(),
            })),
            _ => Err(StoreError::corrupt("latest assessment")),
        }
    }

    pub fn sections(json: &str) -> Result<Vec<Section>, StoreError> {
        serde_json::from_str(json).map_err(|e| StoreError::corrupt(format!("note sections: {e}")))
    }

    pub fn sections_json(sections: &[Section]) -> String {
        serde_json::to_string(sections).unwrap_or_else(|_| "[]".to_owned())
    }

    pub fn date(text: &str) -> Result<Date, StoreError> {
        text.parse()
            .map_err(|_| StoreError::corrupt(format!("date {text:?}")))
    }

    pub fn json(text: &str) -> Result<serde_json::Value, StoreError> {
        serde_json::from_str(text).map_err(|e| StoreError::corrupt(format!("json: {e}")))
    }

    /// Microseconds since the epoch (SQLite's storage of timestamps).
    pub fn micros(ts: Timestamp) -> i64 {
        ts.as_microsecond()
    }

    pub fn from_micros(us: i64) -> Result<Timestamp, StoreError> {
        Timestamp::from_microsecond(us).map_err(|_| StoreError::corrupt(format!("timestamp {us}")))
    }

    /// Fill in `current_sections` of a note from its original and amendments.
    pub fn finish_note(note: &mut Note) {
        let template = caseload_domain::notes::Template::find(&note.template)
            .unwrap_or(&caseload_domain::notes::STAR);
        note.current_sections = caseload_domain::notes::current_sections(
            &note.sections,
            note.amendments.iter().map(|a| a.sections.as_slice()),
            template,
        );
    }
}

#[cfg(test)]
mod alert_tests {
    use super::*;
    use std::collections::HashMap;

    #[test]
    fn alerts_reach_active_owners_and_on_a_breach_the_supervisors_but_not_the_actor() {
        let at: Timestamp = "2026-03-02T09:00:00Z".parse().unwrap();
        let case = |n: u8| CaseId::from_parts(1, [n; 10]);
        let user = |n: u8| UserId::from_parts(1, [n; 10]);
        let team = TeamId::from_parts(1, [9; 10]);
        let alert = |c: u8, breach: bool| NewAlert {
            case_id: case(c),
            clock: "first_contact".into(),
            state: if breach { "breached" } else { "at_risk" }.into(),
            due: "2026-03-02".parse().unwrap(),
            message: "First contact".into(),
            supervisors: breach,
        };
        let cases = HashMap::from([
            (
                case(1).to_string(),
                AlertRecipients {
                    owner: Some(user(1)),
                    team: team.clone(),
                },
            ),
            // An owner who has left: nobody to tell but the supervisors.
            (
                case(2).to_string(),
                AlertRecipients {
                    owner: None,
                    team: team.clone(),
                },
            ),
        ]);
        let supervisors = HashMap::from([(team.to_string(), vec![user(7), user(8)])]);
        let (a, b, c) = (alert(1, false), alert(1, true), alert(2, true));
        let rows = alert_notifications(&[&a, &b, &c], &cases, &supervisors, &user(8), at);
        let to: Vec<(String, String, String)> = rows
            .iter()
            .map(|r| (r.user.to_string(), r.case.to_string(), r.kind.clone()))
            .collect();
        assert_eq!(
            to,
            [
                (
                    user(1).to_string(),
                    case(1).to_string(),
                    "timescale_at_risk".into()
                ),
                (
                    user(1).to_string(),
                    case(1).to_string(),
                    "timescale_breached".into()
                ),
                (
                    user(7).to_string(),
                    case(1).to_string(),
                    "timescale_breached".into()
                ),
                (
                    user(7).to_string(),
                    case(2).to_string(),
                    "timescale_breached".into()
                ),
            ]
        );
        let ids: std::collections::BTreeSet<_> = rows.iter().map(|r| r.id.to_string()).collect();
        assert_eq!(ids.len(), rows.len(), "each notification its own id");
    }
}
