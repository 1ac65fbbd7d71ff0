//! API tokens, as both faces and the command line issue, list and revoke
//! them. A token acts for one user, never beyond that user's rights, and
//! its scopes can narrow them (`caseload_domain::tokens`). Its secret is
//! shown once, when it is made; only its SHA-256 is stored.
//!
//! Who may do what: anyone may list, make and revoke their own tokens; an
//! administrator may also list and revoke anyone's (not make them: a token
//! is made by, or from the command line for, the person who will hold it).
//! Each token made or revoked leaves an audit event; a user's tokens are all
//! revoked when their password is reset or they are deactivated.

use caseload_domain::FieldErrors;
use caseload_domain::ids::{TokenId, UserId};
use caseload_domain::tokens::{self, TokenScopes};
use caseload_domain::users::Role;
use caseload_store::{ApiToken, NewApiToken, NewAuditEvent, Store, StoreError, User};
use jiff::{SignedDuration, Timestamp};

use crate::problem::Refused;

/// What is asked for when a token is made, as sent (checked by [`issue`]).
#[derive(Debug, Clone, Default)]
pub struct TokenRequest {
    pub name: String,
    /// `None`: every scope, the holder's full rights.
    pub scopes: Option<TokenScopes>,
    /// `None`: the configured default lifetime.
    pub expires_in_days: Option<i64>,
}

/// A token just made, with its secret: the one time the secret is seen.
#[derive(Debug, Clone)]
pub struct Issued {
    pub token: ApiToken,
    pub secret: String,
}

/// Who is acting, for the audit trail: a signed-in user (with their
/// request's id), or the command line (no user; request id `cli`).
#[derive(Debug, Clone, Copy)]
pub struct By<'a> {
    pub user: Option<&'a UserId>,
    pub request_id: &'a str,
}

impl By<'static> {
    /// An operator at the command line.
    pub const CLI: By<'static> = By {
        user: None,
        request_id: "cli",
    };
}

/// Make a token for `holder`. The secret is returned once and never again.
pub async fn issue(
    store: &dyn Store,
    holder: &User,
    request: &TokenRequest,
    default_days: i64,
    now: Timestamp,
    by: By<'_>,
) -> Result<Issued, Refused> {
    let mut errors = FieldErrors::new();
    let name = errors.take(tokens::name("name", &request.name));
    let days = errors.take(tokens::lifetime_days(
        "expires_in_days",
        request.expires_in_days.unwrap_or(default_days),
    ));
    if !holder.active {
        errors.push(
            "user",
            "is deactivated: tokens are only issued to active users",
        );
    }
    let (Some(name), Some(days)) = (name, days) else {
        return Err(errors.into());
    };
    if !errors.is_empty() {
        return Err(errors.into());
    }
    let secret = crate::auth::new_token().map_err(StoreError::other)?;
    let expires_at = now
        .checked_add(SignedDuration::from_hours(days * 24))
        .map_err(StoreError::other)?;
    let token = store
        .create_api_token(&NewApiToken {
            user_id: holder.id.clone(),
            name,
            token_hash: crate::auth::token_hash(&secret),
            scopes: request.scopes.clone().unwrap_or_else(TokenScopes::all),
            created_at: now,
            expires_at,
        })
        .await?;
    record(
        store,
        by,
        now,
        "api_token.create",
        "api_token",
        token.id.as_str(),
    )
    .await?;
    Ok(Issued { token, secret })
}

/// The unrevoked tokens of `whose`, as `viewer` may see them: their own,
/// or anyone's for an administrator (`Missing("user")` otherwise, as if
/// there were no such user).
pub async fn list(
    store: &dyn Store,
    viewer: &User,
    whose: &UserId,
) -> Result<Vec<ApiToken>, Refused> {
    if *whose != viewer.id && viewer.role != Role::Admin {
        return Err(Refused::Missing("user"));
    }
    Ok(store.list_api_tokens(whose).await?)
}

/// Revoke one token that `viewer` may revoke (their own; anyone's for an
/// administrator). A token that does not exist, is already revoked or is
/// not theirs is `Missing`, all alike.
pub async fn revoke(
    store: &dyn Store,
    viewer: &User,
    id: &str,
    now: Timestamp,
    request_id: &str,
) -> Result<ApiToken, Refused> {
    let id = TokenId::parse(id).ok_or(Refused::Missing("API token"))?;
    let token = match store.get_api_token(&id).await {
        Ok(t) => t,
        Err(StoreError::NotFound(_)) => return Err(Refused::Missing("API token")),
        Err(e) => return Err(e.into()),
    };
    if token.user_id != viewer.id && viewer.role != Role::Admin {
        return Err(Refused::Missing("API token"));
    }
    revoke_token(
        store,
        token,
        now,
        By {
            user: Some(&viewer.id),
            request_id,
        },
    )
    .await
}

/// Revoke this token (already looked up and allowed), and audit it.
pub async fn revoke_token(
    store: &dyn Store,
    token: ApiToken,
    now: Timestamp,
    by: By<'_>,
) -> Result<ApiToken, Refused> {
    if !store.revoke_api_token(&token.id, now).await? {
        return Err(Refused::Missing("API token"));
    }
    record(
        store,
        by,
        now,
        "api_token.revoke",
        "api_token",
        token.id.as_str(),
    )
    .await?;
    Ok(ApiToken {
        revoked_at: Some(now),
        ..token
    })
}

/// Sign a user out everywhere: end their browser sessions and revoke every
/// API token they hold (a password reset, a deactivation). The tokens'
/// revocation is audited once, against the user, when there were any.
pub async fn sign_out_everywhere(
    store: &dyn Store,
    user: &UserId,
    now: Timestamp,
    by: By<'_>,
) -> Result<u64, StoreError> {
    store.revoke_user_sessions(user, now).await?;
    let revoked = store.revoke_user_api_tokens(user, now).await?;
    if revoked > 0 {
        record(
            store,
            by,
            now,
            "api_token.revoke_all",
            "user",
            user.as_str(),
        )
        .await?;
    }
    Ok(revoked)
}

async fn record(
    store: &dyn Store,
    by: By<'_>,
    at: Timestamp,
    action: &str,
    object_type: &'static str,
    object_id: &str,
) -> Result<(), StoreError> {
    store
        .record_audits(&[NewAuditEvent {
            at,
            actor: by.user.cloned(),
            action: action.to_owned(),
            object_type,
            object_id: Some(object_id.to_owned()),
            request_id: by.request_id.to_owned(),
        }])
        .await
}
