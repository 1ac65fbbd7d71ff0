//! "Your API tokens": make a token (named, with a lifetime and scopes; its
//! secret is shown on the page that answers the form, once, and never
//! again), list yours with when each was made, last used and expires, and
//! revoke one after a confirmation. Everyone signed in has this page, for
//! their own tokens only.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use caseload_domain::FieldErrors;
use caseload_domain::tokens::{TokenScope, TokenScopes};
use caseload_store::ApiToken;
use serde::Deserialize;

use super::format::when;
use super::{Chrome, CsrfForm, FormErrors, PageError, Viewer, render, render_invalid, see_other};
use crate::AppState;
use crate::problem::Refused;
use crate::tokens::{By, TokenRequest};

pub struct TokenRow {
    pub id: String,
    pub name: String,
    pub scopes: String,
    pub created: String,
    pub last_used: String,
    pub expires: String,
    pub expired: bool,
}

#[derive(Template)]
#[template(path = "tokens.html")]
pub struct TokensPage {
    pub chrome: Chrome,
    pub tokens: Vec<TokenRow>,
    /// A token just made: (its name, its secret), shown this once.
    pub created: Option<(String, String)>,
    pub confirmation: String,
    pub errors: FormErrors,
    pub name: String,
    pub days: String,
    /// The scope boxes: (scope, label, ticked).
    pub scopes: Vec<(&'static str, &'static str, bool)>,
    pub default_days: i64,
}

#[derive(Template)]
#[template(path = "token_revoke.html")]
pub struct RevokePage {
    pub chrome: Chrome,
    pub token: TokenRow,
}

const LABELS: &[(&str, &str)] = &[
    ("name", "Name"),
    ("expires_in_days", "Lifetime in days"),
    ("scopes", "What it may do"),
    ("user", "Your account"),
];

fn scope_label(s: TokenScope) -> &'static str {
    match s {
        TokenScope::Read => "Read: look at records (every GET)",
        TokenScope::Write => "Write: change records (every other request)",
    }
}

fn row(state: &AppState, t: &ApiToken) -> TokenRow {
    let now = state.clock.now();
    TokenRow {
        id: t.id.to_string(),
        name: t.name.clone(),
        scopes: t.scopes.names().join(", "),
        created: when(t.created_at, &state.tz),
        last_used: t
            .last_used_at
            .map_or_else(|| "Never".to_owned(), |at| when(at, &state.tz)),
        expires: when(t.expires_at, &state.tz),
        expired: t.expires_at <= now,
    }
}

async fn page(
    state: &AppState,
    viewer: &Viewer,
    form: (String, String, Option<TokenScopes>),
    created: Option<(String, String)>,
    confirmation: String,
    errors: FormErrors,
) -> Result<TokensPage, PageError> {
    let tokens = state.store.list_api_tokens(&viewer.user.id).await?;
    let (name, days, ticked) = form;
    let ticked = ticked.unwrap_or_else(TokenScopes::all);
    Ok(TokensPage {
        chrome: viewer.chrome("tokens"),
        tokens: tokens.iter().map(|t| row(state, t)).collect(),
        created,
        confirmation,
        errors,
        name,
        days,
        scopes: TokenScope::ALL
            .into_iter()
            .map(|s| (s.as_str(), scope_label(s), ticked.contains(s)))
            .collect(),
        default_days: state.settings.api_token_days,
    })
}

/// The page with an empty form: after a visit, a revocation, or a token
/// just made (`created`, shown this once).
async fn show(
    state: &AppState,
    viewer: &Viewer,
    created: Option<(String, String)>,
    confirmation: String,
) -> Result<Response, PageError> {
    let blank = (String::new(), String::new(), None);
    let errors = FormErrors::default();
    render(&page(state, viewer, blank, created, confirmation, errors).await?)
}

#[derive(Debug, Default, Deserialize)]
pub struct TokensQuery {
    pub done: Option<String>,
}

/// Handles `GET /account/tokens`.
pub async fn tokens(
    State(state): State<AppState>,
    viewer: Viewer,
    Query(q): Query<TokensQuery>,
) -> Result<Response, PageError> {
    let confirmation = match q.done.as_deref() {
        Some("revoked") => "The token is revoked: it no longer works.".to_owned(),
        _ => String::new(),
    };
    show(&state, &viewer, None, confirmation).await
}

/// Handles `POST /account/tokens`: make a token and show its secret, once.
pub async fn create(
    State(state): State<AppState>,
    CsrfForm(viewer, fields): CsrfForm,
) -> Result<Response, PageError> {
    let mut errors = FieldErrors::new();
    let days_given = fields.get("expires_in_days").trim().to_owned();
    let days = if days_given.is_empty() {
        None
    } else {
        match days_given.parse::<i64>() {
            Ok(d) => Some(d),
            Err(_) => {
                errors.push("expires_in_days", "must be a whole number of days");
                None
            }
        }
    };
    let ticked: Vec<&str> = fields
        .0
        .iter()
        .filter(|(k, _)| k == "scope")
        .map(|(_, v)| v.as_str())
        .collect();
    let scopes = errors.take(TokenScopes::parse_list("scopes", &ticked.join(" ")));
    // Checked again by `issue`; here so that every field's problem shows at once.
    errors.take(caseload_domain::tokens::name("name", fields.get("name")));
    let request = TokenRequest {
        name: fields.get("name").to_owned(),
        scopes: scopes.clone(),
        expires_in_days: days,
    };
    let form = (request.name.clone(), days_given, scopes);
    let outcome = if errors.is_empty() {
        crate::tokens::issue(
            &*state.store,
            &viewer.user,
            &request,
            state.settings.api_token_days,
            state.clock.now(),
            By {
                user: Some(&viewer.user.id),
                request_id: &viewer.request_id,
            },
        )
        .await
    } else {
        Err(Refused::Input(errors))
    };
    match outcome {
        Ok(issued) => {
            let created = Some((issued.token.name.clone(), issued.secret));
            show(&state, &viewer, created, String::new()).await
        }
        Err(Refused::Input(errors)) => render_invalid(
            &page(
                &state,
                &viewer,
                form,
                None,
                String::new(),
                FormErrors::labelled(&errors, LABELS),
            )
            .await?,
        ),
        Err(Refused::Missing(_)) => Err(PageError::NotFound),
        Err(Refused::Store(e)) => Err(e.into()),
    }
}

/// One of the viewer's own unrevoked tokens, or not found.
async fn own_token(state: &AppState, viewer: &Viewer, id: &str) -> Result<ApiToken, PageError> {
    let id = caseload_domain::ids::TokenId::parse(id).ok_or(PageError::NotFound)?;
    let token = state.store.get_api_token(&id).await?;
    if token.user_id != viewer.user.id || token.revoked_at.is_some() {
        return Err(PageError::NotFound);
    }
    Ok(token)
}

/// Handles `GET /account/tokens/{id}/revoke`: are you sure?
pub async fn confirm_revoke(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let token = own_token(&state, &viewer, &id).await?;
    render(&RevokePage {
        chrome: viewer.chrome("tokens"),
        token: row(&state, &token),
    })
}

/// Handles `POST /account/tokens/{id}/revoke`.
pub async fn revoke(
    State(state): State<AppState>,
    Path(id): Path<String>,
    CsrfForm(viewer, _): CsrfForm,
) -> Result<Response, PageError> {
    let token = own_token(&state, &viewer, &id).await?;
    let by = By {
        user: Some(&viewer.user.id),
        request_id: &viewer.request_id,
    };
    match crate::tokens::revoke_token(&*state.store, token, state.clock.now(), by).await {
        Ok(_) | Err(Refused::Missing(_)) => Ok(see_other("/account/tokens?done=revoked")),
        Err(Refused::Store(e)) => Err(e.into()),
        Err(Refused::Input(_)) => Err(PageError::NotFound),
    }
}

pub fn router() -> axum::Router<AppState> {
    use axum::routing::get;
    axum::Router::new()
        .route("/account/tokens", get(tokens).post(create))
        .route(
            "/account/tokens/{id}/revoke",
            get(confirm_revoke).post(revoke),
        )
}
