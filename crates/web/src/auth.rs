//! Who is calling. API clients send `Authorization: Bearer <token>`; the
//! token's SHA-256 is looked up (the token itself is never stored). Tokens
//! are 256 random bits, so a fast hash is enough — there is nothing to
//! brute-force.

use axum::extract::FromRequestParts;
use axum::http::header;
use axum::http::request::Parts;
use caseload_domain::Actor;
use caseload_store::{CaseloadMark, User};
use sha2::{Digest, Sha256};

use crate::AppState;
use crate::problem::ApiError;
use crate::request_id::RequestId;

/// An authenticated API caller.
#[derive(Debug, Clone)]
pub struct Caller {
    pub user: User,
    pub request_id: String,
}

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
    let found = if with_mark {
        state
            .store
            .user_for_token_with_caseload_mark(&hash)
            .await?
            .map(|(user, generation, mark)| (user, generation, Some(mark)))
    } else {
        state
            .store
            .user_for_token(&hash)
            .await?
            .map(|(user, generation)| (user, generation, None))
    };
    match found {
        Some((user, generation, mark)) => {
            // The settings generation came with the token: the request's
            // settings cost no further read.
            state.reference.seed(&*state.store, generation).await?;
            Ok((Caller { user, request_id }, mark))
        }
        None => {
            tracing::warn!(
                request_id,
                "API request with an unknown, revoked or deactivated token"
            );
            Err(ApiError::Unauthorized(
                "this API token is not valid (unknown, revoked, or its user is deactivated)".into(),
            ))
        }
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
