//! Clients: finding one (by name and date of birth, in name order, a page
//! at a time), one client with their cases and the history of their details,
//! recording a new client and editing one's details.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use caseload_domain::ids::ClientId;
use caseload_store::{CaseFilter, Client, Page, Scope};

use super::format::{day, when};
use super::{
    Chrome, CsrfForm, Fields, FormErrors, PageError, Viewer, render, render_conflict,
    render_invalid, see_other,
};
use crate::AppState;
use crate::clients::{
    AccessNeedsPatch, ClientPatch, ContactPatch, NewClientBody, parse_client_edit,
    parse_client_query, parse_new_client,
};
use crate::problem::Refused;

/// A client this viewer may see (their team's, or one they recorded), or 404.
pub async fn visible_client(
    state: &AppState,
    viewer: &Viewer,
    id: &str,
) -> Result<Client, PageError> {
    viewer.require_case_worker()?;
    let client_id = ClientId::parse(id).ok_or(PageError::NotFound)?;
    let client = state.store.get_client(&client_id).await?;
    if viewer.user.team_id.as_ref() != Some(&client.team_id) && viewer.user.id != client.created_by
    {
        return Err(viewer.denied(state, "client", id).await);
    }
    Ok(client)
}

/// A client whose record this viewer's team holds, to edit; or 404, logged.
async fn editable_client(state: &AppState, viewer: &Viewer, id: &str) -> Result<Client, PageError> {
    let client = visible_client(state, viewer, id).await?;
    if !crate::clients::holds(&viewer.user, &client) {
        return Err(viewer.denied(state, "client", id).await);
    }
    Ok(client)
}

/// One search result: enough to tell two people of one name apart.
pub struct ClientRow {
    pub id: String,
    pub name: String,
    pub date_of_birth: String,
    pub address: String,
    pub open_cases: Vec<(String, String)>,
}

#[derive(Template)]
#[template(path = "clients.html")]
pub struct ClientsPage {
    pub chrome: Chrome,
    pub q: String,
    pub date_of_birth: String,
    pub searched: bool,
    pub errors: FormErrors,
    pub clients: Vec<ClientRow>,
    /// The link to the next page, if there is one.
    pub next: String,
}

#[derive(Debug, serde::Deserialize)]
pub struct SearchParams {
    q: Option<String>,
    date_of_birth: Option<String>,
    cursor: Option<String>,
}

/// The part of an address that tells people apart without showing it all:
/// its postcode if it ends with one, else its first line.
pub fn partial_address(address: &str) -> String {
    let parts: Vec<&str> = address
        .split([',', '\n'])
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .collect();
    match parts.last() {
        Some(last)
            if parts.len() > 1
                && last.chars().any(|c| c.is_ascii_digit())
                && last.chars().count() <= 9 =>
        {
            (*last).to_owned()
        }
        _ => parts.first().map(|p| (*p).to_owned()).unwrap_or_default(),
    }
}

fn encode(value: &str) -> String {
    let mut out = String::new();
    for b in value.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Handles `GET /clients`: the team's clients in name order, or those found
/// by name and date of birth.
pub async fn list(
    State(state): State<AppState>,
    viewer: Viewer,
    Query(params): Query<SearchParams>,
) -> Result<Response, PageError> {
    viewer.require_case_worker()?;
    let q = params.q.unwrap_or_default();
    let dob = params.date_of_birth.unwrap_or_default();
    let mut page = ClientsPage {
        chrome: viewer.chrome("clients"),
        searched: !q.trim().is_empty() || !dob.trim().is_empty(),
        q,
        date_of_birth: dob,
        errors: FormErrors::default(),
        clients: Vec::new(),
        next: String::new(),
    };
    let query = match parse_client_query(
        Some(&page.q),
        Some(&page.date_of_birth),
        Some(50),
        params.cursor.as_deref(),
    ) {
        Ok(query) => query,
        Err(errors) => {
            page.errors = FormErrors::labelled(
                &errors,
                &[
                    ("q", "Name"),
                    ("date_of_birth", "Date of birth"),
                    ("cursor", "The page link"),
                ],
            );
            return render_invalid(&page);
        }
    };
    let scope = Scope {
        user: viewer.user.id.clone(),
        team: viewer.user.team_id.clone(),
    };
    let found = state.store.search_clients(&scope, &query).await?;
    viewer.audit(&state, "client.list", "client", None).await?;
    if found.len() == query.limit as usize
        && let Some(last) = found.last()
    {
        page.next = format!(
            "/clients?q={}&date_of_birth={}&cursor={}",
            encode(&page.q),
            encode(&page.date_of_birth),
            last.client.id
        );
    }
    page.clients = found
        .iter()
        .map(|l| ClientRow {
            id: l.client.id.to_string(),
            name: l.client.name.clone(),
            date_of_birth: l.client.date_of_birth.map(day).unwrap_or_default(),
            address: l
                .client
                .address
                .as_deref()
                .map(partial_address)
                .unwrap_or_default(),
            open_cases: l
                .open_cases
                .iter()
                .map(|c| (c.id.to_string(), c.title.clone()))
                .collect(),
        })
        .collect();
    render(&page)
}

/// How to reach a client, as the case page shows it.
#[derive(Debug, Clone, Default)]
pub struct ClientReach {
    pub safe_ways: String,
    pub not_safe: String,
    pub times: String,
    pub phone: String,
    pub email: String,
    pub safe_address: String,
    /// "Yes — Polish" style: the language, when an interpreter is needed.
    pub interpreter: String,
    pub adjustments: String,
}

fn join(ways: &[&str]) -> String {
    ways.join(", ")
}

impl ClientReach {
    pub fn of(client: &Client) -> Self {
        let ways = client.contact.ways();
        let safe: Vec<&str> = ways
            .iter()
            .filter(|w| w.2 == Some(true))
            .map(|w| w.1)
            .collect();
        let not_safe: Vec<&str> = ways
            .iter()
            .filter(|w| w.2 == Some(false))
            .map(|w| w.1)
            .collect();
        let needs = &client.access_needs;
        ClientReach {
            safe_ways: join(&safe),
            not_safe: join(&not_safe),
            times: client.contact.times.clone().unwrap_or_default(),
            phone: client.phone.clone().unwrap_or_default(),
            email: client.email.clone().unwrap_or_default(),
            safe_address: client.contact.safe_address.clone().unwrap_or_default(),
            interpreter: if needs.interpreter {
                needs
                    .interpreter_language
                    .clone()
                    .unwrap_or_else(|| "language not recorded".into())
            } else {
                String::new()
            },
            adjustments: needs.adjustments.clone().unwrap_or_default(),
        }
    }
}

/// The "How to reach" block of a case's client (the case page has already
/// checked the viewer may see the case, and so its client).
pub struct ChangeView {
    pub at: String,
    pub actor: String,
    pub field: &'static str,
    pub old: String,
    pub new: String,
}

/// A field's label on the pages, by its API name.
pub fn field_label(field: &str) -> &'static str {
    match field {
        "name" => "Name",
        "date_of_birth" => "Date of birth",
        "phone" => "Phone",
        "email" => "Email",
        "address" => "Address",
        "contact.phone" => "Safe by phone call",
        "contact.text" => "Safe by text message",
        "contact.email" => "Safe by email",
        "contact.letter" => "Safe by letter",
        "contact.in_person" => "Safe in person",
        "contact.times" => "When it is safe",
        "contact.safe_address" => "Safe address",
        "access_needs.interpreter" => "Interpreter needed",
        "access_needs.interpreter_language" => "Interpreter language",
        "access_needs.adjustments" => "Adjustments",
        _ => "Other",
    }
}

const LABELS: &[(&str, &str)] = &[
    ("name", "Name"),
    ("date_of_birth", "Date of birth"),
    ("phone", "Phone"),
    ("email", "Email"),
    ("address", "Address"),
    ("contact.times", "When it is safe"),
    ("contact.safe_address", "Safe address"),
    ("access_needs.interpreter_language", "Interpreter language"),
    ("access_needs.adjustments", "Adjustments"),
];

#[derive(Template)]
#[template(path = "client.html")]
pub struct ClientPage {
    pub chrome: Chrome,
    pub id: String,
    pub name: String,
    pub date_of_birth: String,
    pub phone: String,
    pub email: String,
    pub address: String,
    pub recorded: String,
    pub reach: ClientReach,
    pub cases: Vec<(String, String, &'static str, &'static str)>,
    pub history: Vec<ChangeView>,
}

/// Handles `GET /clients/{id}`.
pub async fn show(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let client = visible_client(&state, &viewer, &id).await?;
    let scope = Scope {
        user: viewer.user.id.clone(),
        team: viewer.user.team_id.clone(),
    };
    let filter = CaseFilter {
        client: Some(client.id.clone()),
        ..Default::default()
    };
    let cases = state
        .store
        .list_cases(
            &filter,
            &scope,
            &Page {
                limit: 200,
                after: None,
            },
        )
        .await?;
    let history = state.store.client_history(&client.id).await?;
    viewer
        .audit(&state, "client.read", "client", Some(client.id.as_str()))
        .await?;
    let shown = |field: &str, v: &Option<String>| match (field, v.as_deref()) {
        (_, None) => "(empty)".to_owned(),
        ("date_of_birth", Some(d)) => d
            .parse::<jiff::civil::Date>()
            .map(day)
            .unwrap_or_else(|_| d.to_owned()),
        (_, Some(v)) => v.to_owned(),
    };
    render(&ClientPage {
        chrome: viewer.chrome("clients"),
        id: client.id.to_string(),
        name: client.name.clone(),
        date_of_birth: client.date_of_birth.map(day).unwrap_or_default(),
        phone: client.phone.clone().unwrap_or_default(),
        email: client.email.clone().unwrap_or_default(),
        address: client.address.clone().unwrap_or_default(),
        recorded: when(client.created_at, &state.tz),
        reach: ClientReach::of(&client),
        cases: cases.iter().map(client_case_line).collect(),
        history: history
            .iter()
            .rev()
            .map(|h| ChangeView {
                at: when(h.at, &state.tz),
                actor: h.actor_name.clone(),
                field: field_label(&h.field),
                old: shown(&h.field, &h.old_value),
                new: shown(&h.field, &h.new_value),
            })
            .collect(),
    })
}

#[derive(Template)]
#[template(path = "client_form.html")]
pub struct ClientForm {
    pub chrome: Chrome,
    pub errors: FormErrors,
    pub fields: Fields,
    pub heading: String,
    pub action: String,
    pub cancel: String,
}

impl ClientForm {
    /// The choice a contact way's select shows.
    pub fn way(&self, name: &str) -> String {
        self.fields.get(&format!("contact.{name}")).to_owned()
    }
    pub fn ways(&self) -> [(&'static str, &'static str); 5] {
        [
            ("phone", "Phone call"),
            ("text", "Text message"),
            ("email", "Email"),
            ("letter", "Letter"),
            ("in_person", "In person"),
        ]
    }
}

/// Handles `GET /clients/new`.
pub async fn new_page(viewer: Viewer) -> Result<Response, PageError> {
    viewer.require_case_worker()?;
    render(&ClientForm {
        chrome: viewer.chrome("clients"),
        errors: FormErrors::default(),
        fields: Fields::default(),
        heading: "New client".into(),
        action: "/clients/new".into(),
        cancel: "/clients".into(),
    })
}

fn form_date(
    fields: &Fields,
    errors: &mut caseload_domain::FieldErrors,
) -> Option<jiff::civil::Date> {
    match fields.opt("date_of_birth") {
        None => None,
        Some(v) => match v.trim().parse::<jiff::civil::Date>() {
            Ok(d) => Some(d),
            Err(_) => {
                errors.push("date_of_birth", "must be a real date, like 1990-05-17");
                None
            }
        },
    }
}

/// The form's contact preferences and access needs: every one is sent, so
/// every one is set (an empty choice is "not asked yet").
fn form_needs(fields: &Fields) -> (ContactPatch, AccessNeedsPatch) {
    let way = |name: &str| match fields.get(&format!("contact.{name}")) {
        "yes" => Some(true),
        "no" => Some(false),
        _ => None,
    };
    let text = |name: &str| Some(fields.opt(name).map(str::to_owned));
    (
        ContactPatch {
            phone: Some(way("phone")),
            text: Some(way("text")),
            email: Some(way("email")),
            letter: Some(way("letter")),
            in_person: Some(way("in_person")),
            times: text("contact.times"),
            safe_address: text("contact.safe_address"),
        },
        AccessNeedsPatch {
            interpreter: Some(fields.get("access_needs.interpreter") == "yes"),
            interpreter_language: text("access_needs.interpreter_language"),
            adjustments: text("access_needs.adjustments"),
        },
    )
}

/// Handles `POST /clients/new`.
pub async fn create(
    State(state): State<AppState>,
    CsrfForm(viewer, fields): CsrfForm,
) -> Result<Response, PageError> {
    viewer.require_case_worker()?;
    let Some(team_id) = viewer.user.team_id.clone() else {
        return Err(PageError::Forbidden);
    };
    let mut errors = caseload_domain::FieldErrors::new();
    let date_of_birth = form_date(&fields, &mut errors);
    let (contact, access_needs) = form_needs(&fields);
    let body = NewClientBody {
        name: fields.get("name").to_owned(),
        date_of_birth,
        phone: fields.opt("phone").map(str::to_owned),
        email: fields.opt("email").map(str::to_owned),
        address: fields.opt("address").map(str::to_owned),
        contact,
        access_needs,
    };
    let created = if errors.is_empty() {
        crate::clients::create(
            &state,
            &viewer.write_ctx(&state),
            &body,
            team_id,
            state.today(),
        )
        .await
    } else {
        // A field the form parses itself is wrong: say what else is, too,
        // but save nothing.
        let rest = parse_new_client(&body, team_id, state.today());
        Err(Refused::Input(rest.err().unwrap_or_default()))
    };
    let client = match created {
        Ok(client) => client,
        Err(Refused::Input(e)) => {
            errors.0.extend(e.0);
            return render_invalid(&ClientForm {
                chrome: viewer.chrome("clients"),
                errors: FormErrors::labelled(&errors, LABELS),
                fields,
                heading: "New client".into(),
                action: "/clients/new".into(),
                cancel: "/clients".into(),
            });
        }
        Err(Refused::Missing(_)) => return Err(PageError::NotFound),
        Err(Refused::Store(e)) => return Err(e.into()),
    };
    Ok(see_other(&format!("/clients/{}", client.id)))
}

/// The form's fields for a client as they are.
fn client_fields(c: &Client) -> Fields {
    let way = |w: Option<bool>| match w {
        Some(true) => "yes",
        Some(false) => "no",
        None => "",
    };
    let s = |v: &Option<String>| v.clone().unwrap_or_default();
    Fields(
        [
            ("name", c.name.clone()),
            (
                "date_of_birth",
                c.date_of_birth.map(|d| d.to_string()).unwrap_or_default(),
            ),
            ("phone", s(&c.phone)),
            ("email", s(&c.email)),
            ("address", s(&c.address)),
            ("contact.phone", way(c.contact.phone).into()),
            ("contact.text", way(c.contact.text).into()),
            ("contact.email", way(c.contact.email).into()),
            ("contact.letter", way(c.contact.letter).into()),
            ("contact.in_person", way(c.contact.in_person).into()),
            ("contact.times", s(&c.contact.times)),
            ("contact.safe_address", s(&c.contact.safe_address)),
            (
                "access_needs.interpreter",
                if c.access_needs.interpreter {
                    "yes"
                } else {
                    ""
                }
                .into(),
            ),
            (
                "access_needs.interpreter_language",
                s(&c.access_needs.interpreter_language),
            ),
            ("access_needs.adjustments", s(&c.access_needs.adjustments)),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v))
        .collect(),
    )
}

fn edit_form(viewer: &Viewer, client: &Client, errors: FormErrors, fields: Fields) -> ClientForm {
    ClientForm {
        chrome: viewer.chrome("clients"),
        errors,
        fields,
        heading: format!("Edit {}", client.name),
        action: format!("/clients/{}/edit", client.id),
        cancel: format!("/clients/{}", client.id),
    }
}

/// Handles `GET /clients/{id}/edit`.
pub async fn edit_page(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let client = editable_client(&state, &viewer, &id).await?;
    viewer
        .audit(&state, "client.read", "client", Some(client.id.as_str()))
        .await?;
    let mut fields = client_fields(&client);
    fields.0.push(("version".into(), version_of(&client)));
    render(&edit_form(&viewer, &client, FormErrors::default(), fields))
}

/// The client's details as they stand, in one value: the edit form carries
/// it, so a save over someone else's change made meanwhile is caught
/// instead of silently undoing it (these are safety details: a safe
/// address, ways it is not safe to make contact).
fn version_of(c: &Client) -> String {
    crate::auth::token_hash(&serde_json::to_string(c).unwrap_or_default())
}

/// Handles `POST /clients/{id}/edit`: every field of the form is set; what
/// differs from the stored client is changed and kept in its history.
pub async fn update(
    State(state): State<AppState>,
    Path(id): Path<String>,
    CsrfForm(viewer, mut fields): CsrfForm,
) -> Result<Response, PageError> {
    let client = editable_client(&state, &viewer, &id).await?;
    let current = version_of(&client);
    // (A post without the field, from a form older than it, is not checked.)
    if fields.opt("version").is_some_and(|v| v != current) {
        // Someone saved these details after this form was opened: show the
        // form again with what this person typed, and save only when they
        // have looked (the form now carries the newer version).
        fields.0.retain(|(k, _)| k != "version");
        fields.0.push(("version".into(), current));
        let mut errors = FormErrors::default();
        errors.push(
            "version",
            "Someone else changed these details while you had this form open. Check the client's history, then save again to keep what you typed.",
        );
        return render_conflict(&edit_form(&viewer, &client, errors, fields));
    }
    let mut errors = caseload_domain::FieldErrors::new();
    let date_of_birth = form_date(&fields, &mut errors);
    let (contact, access_needs) = form_needs(&fields);
    let patch = ClientPatch {
        name: Some(Some(fields.get("name").to_owned())),
        date_of_birth: if errors.is_empty() {
            Some(date_of_birth)
        } else {
            None
        },
        phone: Some(fields.opt("phone").map(str::to_owned)),
        email: Some(fields.opt("email").map(str::to_owned)),
        address: Some(fields.opt("address").map(str::to_owned)),
        contact,
        access_needs,
    };
    let updated = if errors.is_empty() {
        crate::clients::update(
            &state,
            &viewer.write_ctx(&state),
            &client,
            &patch,
            state.today(),
        )
        .await
    } else {
        let rest = parse_client_edit(&patch, &client, state.today());
        Err(Refused::Input(rest.err().unwrap_or_default()))
    };
    match updated {
        Ok(_) => {}
        Err(Refused::Input(e)) => {
            errors.0.extend(e.0);
            return render_invalid(&edit_form(
                &viewer,
                &client,
                FormErrors::labelled(&errors, LABELS),
                fields,
            ));
        }
        Err(Refused::Missing(_)) => return Err(PageError::NotFound),
        Err(Refused::Store(e)) => return Err(e.into()),
    }
    Ok(see_other(&format!("/clients/{}", client.id)))
}

/// Used by the client page: a case list entry.
pub fn client_case_line(
    case: &caseload_store::Case,
) -> (String, String, &'static str, &'static str) {
    (
        case.id.to_string(),
        case.title.clone(),
        case.service_area.label(),
        case.status.label(),
    )
}

/// This module's pages and forms, registered by `pages::router`.
pub fn router() -> axum::Router<crate::AppState> {
    use axum::routing::get;
    axum::Router::new()
        .route("/clients", get(list))
        .route("/clients/new", get(new_page).post(create))
        .route("/clients/{id}", get(show))
        .route("/clients/{id}/edit", get(edit_page).post(update))
}
