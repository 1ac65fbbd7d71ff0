//! Clients: the people being helped. Checking a new client, an edit and a
//! search as a form or a body gives them, and whose team holds a client's
//! record. Called by the API (`api::clients`) and `pages::clients`; the
//! input types are the API's bodies, which the forms fill in too.

use caseload_domain::clients::search_words;
use caseload_domain::ids::{ClientId, TeamId};
use caseload_domain::text::{
    Email, FieldError, FieldErrors, limits, optional_single_line, prose, single_line,
};
use caseload_store::{Client, ClientEdit, ClientQuery, NewClient, WriteCtx};
use jiff::civil::Date;
use serde::Deserialize;
use utoipa::ToSchema;

use crate::AppState;
use crate::problem::Refused;

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewClientBody {
    /// The client's name as they wish it written.
    #[schema(schema_with = crate::schema::line::<{ limits::NAME }>)]
    pub name: String,
    #[schema(value_type = Option<String>, format = Date, example = "1990-05-17")]
    pub date_of_birth: Option<Date>,
    #[schema(schema_with = crate::schema::optional_line::<40>)]
    pub phone: Option<String>,
    #[schema(schema_with = crate::schema::optional_email)]
    pub email: Option<String>,
    #[schema(schema_with = crate::schema::optional_line::<{ limits::SHORT }>)]
    pub address: Option<String>,
    /// How and when it is safe to contact them (optional).
    #[serde(default, deserialize_with = "crate::extract::object")]
    #[schema(inline)]
    pub contact: ContactPatch,
    /// What they need to take part (optional).
    #[serde(default, deserialize_with = "crate::extract::object")]
    #[schema(inline)]
    pub access_needs: AccessNeedsPatch,
}

/// Present (even as `null`) or absent: `Some(None)` is an explicit `null`.
fn present<'de, D, T>(d: D) -> Result<Option<Option<T>>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: Deserialize<'de>,
{
    Option::<T>::deserialize(d).map(Some)
}

/// A change to a client's details: only the fields sent change; `null`
/// clears a field.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ClientPatch {
    #[serde(default, deserialize_with = "present")]
    #[schema(schema_with = crate::schema::line::<{ limits::NAME }>)]
    pub name: Option<Option<String>>,
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>, format = Date, example = "1990-05-17")]
    pub date_of_birth: Option<Option<Date>>,
    #[serde(default, deserialize_with = "present")]
    #[schema(schema_with = crate::schema::optional_line::<40>)]
    pub phone: Option<Option<String>>,
    #[serde(default, deserialize_with = "present")]
    #[schema(schema_with = crate::schema::optional_email)]
    pub email: Option<Option<String>>,
    #[serde(default, deserialize_with = "present")]
    #[schema(schema_with = crate::schema::optional_line::<{ limits::SHORT }>)]
    pub address: Option<Option<String>>,
    #[serde(default, deserialize_with = "crate::extract::object")]
    #[schema(inline)]
    pub contact: ContactPatch,
    #[serde(default, deserialize_with = "crate::extract::object")]
    #[schema(inline)]
    pub access_needs: AccessNeedsPatch,
}

/// How and when it is safe to contact the client. Each way is `true`
/// (safe), `false` (not safe) or `null` (not asked yet).
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ContactPatch {
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<bool>)]
    pub phone: Option<Option<bool>>,
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<bool>)]
    pub text: Option<Option<bool>>,
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<bool>)]
    pub email: Option<Option<bool>>,
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<bool>)]
    pub letter: Option<Option<bool>>,
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<bool>)]
    pub in_person: Option<Option<bool>>,
    /// When it is safe, e.g. "weekdays after 3pm".
    #[serde(default, deserialize_with = "present")]
    #[schema(schema_with = crate::schema::optional_line::<{ limits::SHORT }>)]
    pub times: Option<Option<String>>,
    /// A safe address, or e.g. "do not write to home address".
    #[serde(default, deserialize_with = "present")]
    #[schema(schema_with = crate::schema::optional_line::<{ limits::SHORT }>)]
    pub safe_address: Option<Option<String>>,
}

/// What the client needs to take part.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AccessNeedsPatch {
    pub interpreter: Option<bool>,
    /// Required when `interpreter` is true.
    #[serde(default, deserialize_with = "present")]
    #[schema(schema_with = crate::schema::optional_line::<80>)]
    pub interpreter_language: Option<Option<String>>,
    /// Disability or other adjustments.
    #[serde(default, deserialize_with = "present")]
    #[schema(schema_with = crate::schema::optional_prose::<{ limits::REASON }>)]
    pub adjustments: Option<Option<String>>,
}

fn date_of_birth_error(dob: Date, today: Date) -> Option<&'static str> {
    if dob > today {
        Some("cannot be in the future")
    } else if dob.year() < 1900 {
        Some("must be after 1900")
    } else {
        None
    }
}

/// An optional single line sent in a patch: `null` or blank clears it.
fn patch_line(
    errors: &mut FieldErrors,
    field: &str,
    value: &Option<Option<String>>,
    max: usize,
) -> Option<Option<String>> {
    match value {
        None => None,
        Some(v) => errors.take(optional_single_line(field, v.as_deref(), max)),
    }
}

/// The contact preferences and access needs of a patch or a new client.
fn parse_needs(
    errors: &mut FieldErrors,
    edit: &mut ClientEdit,
    contact: &ContactPatch,
    access: &AccessNeedsPatch,
) {
    edit.contact_phone = contact.phone;
    edit.contact_text = contact.text;
    edit.contact_email = contact.email;
    edit.contact_letter = contact.letter;
    edit.contact_in_person = contact.in_person;
    edit.contact_times = patch_line(errors, "contact.times", &contact.times, limits::SHORT);
    edit.safe_address = patch_line(
        errors,
        "contact.safe_address",
        &contact.safe_address,
        limits::SHORT,
    );
    edit.interpreter = access.interpreter;
    edit.interpreter_language = patch_line(
        errors,
        "access_needs.interpreter_language",
        &access.interpreter_language,
        80,
    );
    edit.adjustments = match &access.adjustments {
        None => None,
        Some(None) => Some(None),
        Some(Some(v)) if v.trim().is_empty() => Some(None),
        Some(Some(v)) => errors
            .take(prose("access_needs.adjustments", v, limits::REASON))
            .map(Some),
    };
}

/// An interpreter needs a language: checked on the client as it would be.
fn check_needs(errors: &mut FieldErrors, access: &caseload_domain::clients::AccessNeeds) {
    if access.interpreter && access.interpreter_language.is_none() {
        errors.push(
            "access_needs.interpreter_language",
            "is required when an interpreter is needed",
        );
    }
}

/// Validate a change to `current`; shared with the edit page.
pub fn parse_client_edit(
    patch: &ClientPatch,
    current: &Client,
    today: Date,
) -> Result<ClientEdit, FieldErrors> {
    let mut errors = FieldErrors::new();
    let mut edit = ClientEdit {
        name: match &patch.name {
            None => None,
            Some(None) => {
                errors.push("name", "is required");
                None
            }
            Some(Some(n)) => errors.take(single_line("name", n, limits::NAME)),
        },
        date_of_birth: patch.date_of_birth,
        ..Default::default()
    };
    if let Some(Some(dob)) = patch.date_of_birth
        && let Some(message) = date_of_birth_error(dob, today)
    {
        errors.push("date_of_birth", message);
    }
    edit.phone = patch_line(&mut errors, "phone", &patch.phone, 40);
    edit.email = match &patch.email {
        None => None,
        Some(e) => match e.as_deref().filter(|e| !e.trim().is_empty()) {
            None => Some(None),
            Some(e) => errors
                .take(Email::parse("email", e))
                .map(|e| Some(e.into_string())),
        },
    };
    edit.address = patch_line(&mut errors, "address", &patch.address, limits::SHORT);
    parse_needs(&mut errors, &mut edit, &patch.contact, &patch.access_needs);
    if errors.is_empty() {
        check_needs(&mut errors, &edit.apply(current).access_needs);
    }
    errors.into_result()?;
    Ok(edit)
}

/// Validate a new client's details; shared with the pages.
pub fn parse_new_client(
    body: &NewClientBody,
    team_id: TeamId,
    today: Date,
) -> Result<NewClient, FieldErrors> {
    let mut errors = FieldErrors::new();
    let name = errors.take(single_line("name", &body.name, limits::NAME));
    if let Some(dob) = body.date_of_birth
        && let Some(message) = date_of_birth_error(dob, today)
    {
        errors.push("date_of_birth", message);
    }
    let phone = errors
        .take(optional_single_line("phone", body.phone.as_deref(), 40))
        .flatten();
    let email = match body.email.as_deref().filter(|e| !e.trim().is_empty()) {
        Some(e) => errors
            .take(Email::parse("email", e))
            .map(|e| e.into_string()),
        None => None,
    };
    let address = errors
        .take(optional_single_line(
            "address",
            body.address.as_deref(),
            limits::SHORT,
        ))
        .flatten();
    let mut needs = ClientEdit::default();
    parse_needs(&mut errors, &mut needs, &body.contact, &body.access_needs);
    let mut contact = caseload_domain::clients::ContactPreferences::default();
    let mut access_needs = caseload_domain::clients::AccessNeeds::default();
    needs.apply_needs(&mut contact, &mut access_needs);
    if errors.is_empty() {
        check_needs(&mut errors, &access_needs);
    }
    errors.into_result()?;
    Ok(NewClient {
        name: name.unwrap_or_default(),
        date_of_birth: body.date_of_birth,
        phone,
        email,
        address,
        team_id,
        contact,
        access_needs,
    })
}

/// The search a list request asks for; shared with the Clients page.
pub fn parse_client_query(
    q: Option<&str>,
    date_of_birth: Option<&str>,
    limit: Option<u32>,
    cursor: Option<&str>,
) -> Result<ClientQuery, FieldErrors> {
    let mut errors = FieldErrors::new();
    let mut words = Vec::new();
    if let Some(q) = q.filter(|q| !q.trim().is_empty())
        && let Some(q) = errors.take(single_line("q", q, limits::NAME))
    {
        words = search_words(&q);
        if words.is_empty() {
            errors.push("q", "must contain a letter or a digit");
        } else if words.len() > 8 {
            errors.push("q", "must be at most 8 words");
        }
    }
    let date_of_birth = match date_of_birth.map(str::trim).filter(|d| !d.is_empty()) {
        None => None,
        Some(d) => errors.take(
            d.parse::<Date>()
                .map_err(|_| FieldError::new("date_of_birth", "must be a date like 1990-05-17")),
        ),
    };
    let limit = limit.unwrap_or(50);
    if !(1..=200).contains(&limit) {
        errors.push("limit", "must be between 1 and 200");
    }
    let after = match cursor.filter(|c| !c.is_empty()) {
        None => None,
        Some(c) => errors.take(ClientId::parse(c).ok_or_else(|| {
            FieldError::new("cursor", "must be the next_cursor of a previous page")
        })),
    };
    errors.into_result()?;
    Ok(ClientQuery {
        words,
        date_of_birth,
        after,
        limit,
    })
}

/// Does this user's team hold this client's record? Only then may they
/// change it: someone who recorded a client and has since moved team may
/// still read it, but not edit it.
pub fn holds(user: &caseload_store::User, client: &Client) -> bool {
    user.team_id.as_ref() == Some(&client.team_id)
}

/// Record a new client in a team. `today` bounds the date of birth.
pub async fn create(
    state: &AppState,
    ctx: &WriteCtx,
    body: &NewClientBody,
    team_id: TeamId,
    today: Date,
) -> Result<Client, Refused> {
    let new = parse_new_client(body, team_id, today)?;
    Ok(state.store.create_client(&new, ctx).await?)
}

/// Change a client's details (only what the patch names), keeping the
/// history of every change. `today` bounds the date of birth.
pub async fn update(
    state: &AppState,
    ctx: &WriteCtx,
    client: &Client,
    patch: &ClientPatch,
    today: Date,
) -> Result<Client, Refused> {
    let edit = parse_client_edit(patch, client, today)?;
    Ok(state.store.update_client(&client.id, &edit, ctx).await?)
}
