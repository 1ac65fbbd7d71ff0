//! Who is calling. API clients send `Authorization: Bearer <token>`; the
//! token's SHA-256 is looked up (the token itself is never stored). Tokens
//! are 256 random bits, so a fast hash is enough — there is nothing to
//! brute-force.

use axum::extract::FromRequestParts;
use axum::http::header;
use axum::http::request::Parts;
use caseload_domain::Actor;
use caseload_domain::ids::TokenId;
use caseload_domain::tokens::{TokenScope, TokenScopes};
use caseload_store::{CaseloadMark, TokenHolder, User};
use jiff::SignedDuration;
use sha2::{Digest, Sha256};

use crate::AppState;
use crate::problem::ApiError;
use crate::request_id::RequestId;

/// An authenticated API caller.
#[derive(Debug, Clone)]
pub struct Caller {
    pub user: User,
    pub request_id: String,
    /// The token the request came with, and what it may do: its scopes are
    /// checked against the request's method before any handler runs.
    pub token_id: TokenId,
    pub scopes: TokenScopes,
}

/// A token's use is written down at most this often (`last_used_at`): the
/// lookup is on every API request's path, and a write on each would cost
/// more than the request.
pub const LAST_USED_EVERY: SignedDuration = SignedDuration::from_mins(1);

impl Caller {
    pub fn actor(&self) -> Actor {
        self.user.actor()
    }
}

/// SHA-256 of a token, hex-encoded, as stored.
pub fn token_hash(token: &str) -> String {
    Sha256::digest(token.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// A new API token: `cl_` and 52 base32 characters (256 random bits).
pub fn new_token() -> std::io::Result<String> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).map_err(|e| std::io::Error::other(e.to_string()))?;
    const ALPHABET: &[u8; 32] = b"abcdefghijklmnopqrstuvwxyz234567";
    let mut out = String::from("cl_");
    let mut acc: u32 = 0;
    let mut bits = 0;
    for b in bytes {
        acc = (acc << 8) | u32::from(b);
        bits += 8;
        while bits >= 5 {
            bits -= 5;
            out.push(char::from(ALPHABET[((acc >> bits) & 31) as usize]));
        }
    }
    if bits > 0 {
        out.push(char::from(ALPHABET[((acc << (5 - bits)) & 31) as usize]));
    }
    Ok(out)
}

impl FromRequestParts<AppState> for Caller {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let (caller, _) = authenticate(parts, state, false).await?;
        Ok(caller)
    }
}

/// An authenticated API caller who is an administrator. Being a parts
/// extractor, it refuses anyone else (403, logged) before the body is
/// read, so a non-administrator learns nothing from how their body fares.
#[derive(Debug, Clone)]
pub struct AdminCaller(pub Caller);

impl FromRequestParts<AppState> for AdminCaller {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let (caller, _) = authenticate(parts, state, false).await?;
        if caller.user.role != caseload_domain::users::Role::Admin {
            tracing::warn!(
                user = %caller.user.id,
                role = %caller.user.role,
                path = parts.uri.path(),
                "access denied: administrators only"
            );
            return Err(ApiError::Forbidden(
                "only administrators may do this".into(),
            ));
        }
        Ok(AdminCaller(caller))
    }
}

/// An authenticated API caller asking for their own queue, with the mark
/// of their caseload read along with their token (`CaseloadMark`): what
/// says whether the rows read for their last queue still stand.
#[derive(Debug, Clone)]
pub struct QueueCaller {
    pub caller: Caller,
    pub mark: CaseloadMark,
}

impl FromRequestParts<AppState> for QueueCaller {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let (caller, mark) = authenticate(parts, state, true).await?;
        Ok(QueueCaller {
            caller,
            mark: mark.unwrap_or_default(),
        })
    }
}

/// The token of an `Authorization: Bearer <token>` header. The scheme is
/// matched without regard to case (`bearer`, `BEARER`), as RFC 9110 says
/// authentication schemes are.
pub(crate) fn bearer_token(value: &str) -> Option<&str> {
    let (scheme, token) = value.trim_start().split_once([' ', '\t'])?;
    let token = token.trim();
    (scheme.eq_ignore_ascii_case("bearer") && !token.is_empty()).then_some(token)
}

/// The caller the request's token belongs to; with `with_mark`, their
/// caseload's mark too, read in the same statement.
async fn authenticate(
    parts: &mut Parts,
    state: &AppState,
    with_mark: bool,
) -> Result<(Caller, Option<CaseloadMark>), ApiError> {
    let RequestId(request_id) = RequestId::from_request_parts(parts, state)
        .await
        .unwrap_or_else(|e| match e {});
    let header = parts
        .headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok());
    let Some(value) = header else {
        return Err(ApiError::Unauthorized(
            "send an API token as Authorization: Bearer <token>".into(),
        ));
    };
    let Some(token) = bearer_token(value) else {
        return Err(ApiError::Unauthorized(
            "the Authorization header must be: Bearer <token>".into(),
        ));
    };
    let hash = token_hash(token);
    let now = state.clock.now();
    let found = if with_mark {
        state
            .store
            .user_for_token_with_caseload_mark(&hash, now)
            .await?
            .map(|(holder, mark)| (holder, Some(mark)))
    } else {
        state
            .store
            .user_for_token(&hash, now)
            .await?
            .map(|holder| (holder, None))
    };
    let Some((holder, mark)) = found else {
        tracing::warn!(
            request_id,
            "API request with an unknown, expired or revoked token, or a deactivated user's"
        );
        return Err(ApiError::Unauthorized(
            "this API token is not valid (unknown, expired, revoked, or its user is deactivated)"
                .into(),
        ));
    };
    // The settings generation came with the token: the request's settings
    // cost no further read.
    state
        .reference
        .seed(&*state.store, holder.settings_generation)
        .await?;
    let needed = TokenScope::for_method(parts.method.as_str());
    if !holder.scopes.contains(needed) {
        return Err(ApiError::Forbidden(format!(
            "this API token lacks the `{needed}` scope this request needs (it has: {})",
            holder.scopes.names().join(", ")
        )));
    }
    note_use(state, &holder, now, &request_id).await;
    let TokenHolder {
        user,
        token_id,
        scopes,
        ..
    } = holder;
    Ok((
        Caller {
            user,
            request_id,
            token_id,
            scopes,
        },
        mark,
    ))
}

/// Write down that the token was used, when its last recorded use is a
/// minute old or more (the lookup read it, so a token used within the
/// minute costs no write). A failure to write it is logged, and the request
/// goes on: when a token was last used is a help to its holder, not a
/// reason to refuse them.
async fn note_use(state: &AppState, holder: &TokenHolder, now: jiff::Timestamp, request_id: &str) {
    let Ok(since) = now.checked_sub(LAST_USED_EVERY) else {
        return;
    };
    if holder.last_used_at.is_some_and(|t| t > since) {
        return;
    }
    if let Err(e) = state
        .store
        .touch_api_token(&holder.token_id, now, since)
        .await
    {
        tracing::warn!(request_id, error = %e, "could not record an API token's use");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_long_random_and_distinct() {
        let a = new_token().expect("token");
        let b = new_token().expect("token");
        assert_eq!(a.len(), 3 + 52);
        assert_ne!(a, b);
        assert_eq!(token_hash(&a).len(), 64);
    }
}
