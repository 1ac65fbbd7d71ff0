//! The caller's API tokens: list them, make one (its secret is in the answer
//! to that request and never again), revoke one. A token acts for its user
//! and its scopes can only narrow the user's rights; a token cannot make a
//! token with a scope it lacks itself. An administrator may also list
//! (`?user_id=`) and revoke anyone's tokens. Every route of the API needs
//! the `read` scope for `GET` and `write` for any other method.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use caseload_domain::ids::UserId;
use caseload_domain::text::limits;
use caseload_domain::tokens::{MAX_LIFETIME_DAYS, TokenScope, TokenScopes};
use caseload_store::ApiToken;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::ApiQuery;
use crate::AppState;
use crate::auth::Caller;
use crate::extract::ApiJson;
use crate::problem::ApiError;
use crate::tokens::{By, TokenRequest};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// An API token as its holder sees it: never its secret.
#[derive(Debug, Serialize, ToSchema)]
pub struct TokenView {
    pub id: String,
    pub user_id: String,
    pub name: String,
    /// What the token may do: `read` (every `GET`), `write` (every other method).
    pub scopes: Vec<TokenScope>,
    #[schema(value_type = String, format = DateTime)]
    pub created_at: jiff::Timestamp,
    /// Recorded at most once a minute; `null` when never used.
    #[schema(value_type = Option<String>, format = DateTime)]
    pub last_used_at: Option<jiff::Timestamp>,
    #[schema(value_type = String, format = DateTime)]
    pub expires_at: jiff::Timestamp,
}

impl From<ApiToken> for TokenView {
    fn from(t: ApiToken) -> Self {
        TokenView {
            id: t.id.to_string(),
            user_id: t.user_id.to_string(),
            name: t.name,
            scopes: t.scopes.iter().collect(),
            created_at: t.created_at,
            last_used_at: t.last_used_at,
            expires_at: t.expires_at,
        }
    }
}

/// A token just made: the one answer that holds its secret.
#[derive(Debug, Serialize, ToSchema)]
pub struct CreatedToken {
    #[serde(flatten)]
    pub token: TokenView,
    /// The token itself, to send as `Authorization: Bearer <secret>`. It is
    /// shown this once: only its hash is kept.
    pub secret: String,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewTokenBody {
    /// What the token is for, to tell it apart in the list.
    #[schema(schema_with = crate::schema::line::<{ limits::NAME }>)]
    pub name: String,
    /// The scopes it carries; by default, all that the calling token has.
    /// It may not carry one the calling token lacks.
    #[schema(min_items = 1)]
    pub scopes: Option<Vec<TokenScope>>,
    /// How many days it lasts (1 to 1830); by default the server's setting
    /// (90 days unless configured).
    #[schema(minimum = 1, maximum = 1830)]
    #[serde(default, deserialize_with = "crate::extract::whole_number")]
    pub expires_in_days: Option<i64>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct TokenParams {
    /// Whose tokens (administrators only); the caller's own by default.
    #[param(nullable = false)]
    pub user_id: Option<String>,
}

/// Handles `GET /api/v1/tokens`: the caller's unrevoked tokens (expired
/// ones included), newest first; an administrator may ask for another
/// user's with `?user_id=`.
#[utoipa::path(get, path = "/api/v1/tokens", tag = "service", params(TokenParams),
    responses((status = 200, body = Vec<TokenView>)))]
pub async fn list(
    State(state): State<AppState>,
    caller: Caller,
    ApiQuery(params): ApiQuery<TokenParams>,
) -> Result<Json<Vec<TokenView>>, ApiError> {
    let whose = match params.user_id.as_deref() {
        None => caller.user.id.clone(),
        Some(id) => UserId::parse(id).ok_or_else(|| ApiError::not_found("user"))?,
    };
    let tokens = crate::tokens::list(&*state.store, &caller.user, &whose).await?;
    Ok(Json(tokens.into_iter().map(TokenView::from).collect()))
}

/// Handles `POST /api/v1/tokens`: make a token for the caller. The answer
/// holds its secret, which is never shown again.
#[utoipa::path(post, path = "/api/v1/tokens", tag = "service", request_body = NewTokenBody,
    responses((status = 201, body = CreatedToken)))]
pub async fn create(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(body): ApiJson<NewTokenBody>,
) -> Result<(StatusCode, Json<CreatedToken>), ApiError> {
    let scopes = match body.scopes {
        None => caller.scopes.clone(),
        Some(asked) => TokenScopes::new(asked).ok_or_else(|| {
            caseload_domain::FieldError::new(
                "scopes",
                "must name at least one scope: read or write",
            )
        })?,
    };
    if let Some(missing) = scopes.iter().find(|s| !caller.scopes.contains(*s)) {
        return Err(ApiError::Forbidden(format!(
            "this API token lacks the `{missing}` scope, so it cannot make a token that has it"
        )));
    }
    let issued = crate::tokens::issue(
        &*state.store,
        &caller.user,
        &TokenRequest {
            name: body.name,
            scopes: Some(scopes),
            expires_in_days: body.expires_in_days,
        },
        state.settings.api_token_days,
        state.clock.now(),
        By {
            user: Some(&caller.user.id),
            request_id: &caller.request_id,
        },
    )
    .await?;
    Ok((
        StatusCode::CREATED,
        Json(CreatedToken {
            token: issued.token.into(),
            secret: issued.secret,
        }),
    ))
}

/// Handles `DELETE /api/v1/tokens/{id}`: revoke one of the caller's tokens
/// (any user's, for an administrator). It stops working at once.
#[utoipa::path(delete, path = "/api/v1/tokens/{id}", tag = "service", params(("id" = String, Path)),
    responses((status = 204, description = "Revoked")))]
pub async fn revoke(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    crate::tokens::revoke(
        &*state.store,
        &caller.user,
        &id,
        state.clock.now(),
        &caller.request_id,
    )
    .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// This module's routes, each with its OpenAPI entry.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list, create))
        .routes(routes!(revoke))
}

// The document's `maximum` above is the domain's limit.
const _: () = assert!(MAX_LIFETIME_DAYS == 1830);
