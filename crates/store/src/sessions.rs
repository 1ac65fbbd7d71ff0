//! Browser sessions and API tokens: how a request proves who sent it.

use async_trait::async_trait;
use caseload_domain::ids::*;
use caseload_domain::tokens::TokenScopes;
use jiff::Timestamp;

use crate::*;

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

/// An API token as its holder sees it: never its secret, nor its hash.
#[derive(Debug, Clone, PartialEq)]
pub struct ApiToken {
    pub id: TokenId,
    pub user_id: UserId,
    pub name: String,
    pub scopes: TokenScopes,
    pub created_at: Timestamp,
    /// Recorded at most about once a minute: a token used a moment ago may
    /// show its use of a minute before.
    pub last_used_at: Option<Timestamp>,
    pub expires_at: Timestamp,
    pub revoked_at: Option<Timestamp>,
}

impl ApiToken {
    /// Whether the token still lets its holder in at `now`.
    pub fn is_live(&self, now: Timestamp) -> bool {
        self.revoked_at.is_none() && self.expires_at > now
    }
}

#[derive(Debug, Clone)]
pub struct NewApiToken {
    pub user_id: UserId,
    pub name: String,
    /// SHA-256 of the secret, hex-encoded.
    pub token_hash: String,
    pub scopes: TokenScopes,
    pub created_at: Timestamp,
    pub expires_at: Timestamp,
}

/// Who holds a valid token, and what the token lets them do: what an API
/// request's authentication reads, in one statement.
#[derive(Debug, Clone, PartialEq)]
pub struct TokenHolder {
    pub user: User,
    pub settings_generation: i64,
    pub token_id: TokenId,
    pub scopes: TokenScopes,
    pub last_used_at: Option<Timestamp>,
}

#[async_trait]
pub trait Sessions: Send + Sync {
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

    /// Store a new API token by the SHA-256 of its secret (the secret itself
    /// is never kept). Two tokens with one hash are a conflict.
    async fn create_api_token(&self, new: &NewApiToken) -> Result<ApiToken>;

    /// A user's tokens that have not been revoked (expired ones included,
    /// marked by their `expires_at`), newest first.
    async fn list_api_tokens(&self, user: &UserId) -> Result<Vec<ApiToken>>;

    /// One token, revoked or not (`NotFound("API token")` when there is none).
    async fn get_api_token(&self, id: &TokenId) -> Result<ApiToken>;

    /// Revoke one token; `false` when it was already revoked.
    async fn revoke_api_token(&self, id: &TokenId, at: Timestamp) -> Result<bool>;

    /// Revoke every token a user holds (password reset, deactivation): how
    /// many were revoked.
    async fn revoke_user_api_tokens(&self, user: &UserId, at: Timestamp) -> Result<u64>;

    /// Record that a token was used at `at`, unless its recorded use is
    /// already later than `unless_since` (so that callers write at most once
    /// a minute, and several servers do not write over each other).
    async fn touch_api_token(
        &self,
        id: &TokenId,
        at: Timestamp,
        unless_since: Timestamp,
    ) -> Result<()>;

    /// The holder of this token if it is unrevoked, unexpired at `at` and
    /// its user active, with the settings generation read in the same
    /// statement (an API request needs both, and one statement is one trip
    /// to the database).
    async fn user_for_token(&self, token_hash: &str, at: Timestamp) -> Result<Option<TokenHolder>>;

    /// `user_for_token`, with the mark of the user's own caseload read in
    /// the same statement: what a request for their queue needs to know
    /// whether the rows read for it last time still stand.
    async fn user_for_token_with_caseload_mark(
        &self,
        token_hash: &str,
        at: Timestamp,
    ) -> Result<Option<(TokenHolder, CaseloadMark)>>;
}
