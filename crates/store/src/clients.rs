//! Clients: their details, search, edits and the history of those edits.

use async_trait::async_trait;
use caseload_domain::cases::CaseStatus;
use caseload_domain::clients::{AccessNeeds, ContactPreferences};
use caseload_domain::ids::*;
use jiff::Timestamp;
use jiff::civil::Date;
use serde::Serialize;

use crate::*;

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

#[async_trait]
pub trait Clients: Send + Sync {
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
}
