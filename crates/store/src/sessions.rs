//! Browser sessions and API tokens: how a request proves who sent it.

use async_trait::async_trait;
use caseload_domain::ids::*;
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

    /// Store the SHA-256 of a new API token; the token itself is never kept.
    async fn create_api_token(
        &self,
        user: &UserId,
        token_hash: &str,
        at: Timestamp,
    ) -> Result<TokenId>;

    /// The active user holding this token, if any, with the settings
    /// generation read in the same statement (an API request needs both,
    /// and one statement is one trip to the database).
    async fn user_for_token(&self, token_hash: &str) -> Result<Option<(User, i64)>>;

    /// `user_for_token`, with the mark of the user's own caseload read in
    /// the same statement: what a request for their queue needs to know
    /// whether the rows read for it last time still stand.
    async fn user_for_token_with_caseload_mark(
        &self,
        token_hash: &str,
    ) -> Result<Option<(User, i64, CaseloadMark)>>;
}
