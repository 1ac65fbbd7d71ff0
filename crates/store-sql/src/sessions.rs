//! Browser sessions and API tokens: how a request proves who sent it.
//!
//! Not yet written here: forwarded to the dialect, which still holds its own copy.

use async_trait::async_trait;
use caseload_domain::ids::*;
use caseload_store::*;
use jiff::Timestamp;

use crate::{Dialect, SqlStore};

#[async_trait]
impl<D: Dialect> Sessions for SqlStore<D> {
    async fn create_session(&self, new: &NewSession) -> Result<()> {
        Sessions::create_session(&self.dialect, new).await
    }

    async fn get_session(&self, id_hash: &str) -> Result<Option<Session>> {
        Sessions::get_session(&self.dialect, id_hash).await
    }

    async fn get_session_with_caseload_mark(
        &self,
        id_hash: &str,
    ) -> Result<Option<(Session, CaseloadMark)>> {
        Sessions::get_session_with_caseload_mark(&self.dialect, id_hash).await
    }

    async fn touch_session(&self, id_hash: &str, at: Timestamp) -> Result<()> {
        Sessions::touch_session(&self.dialect, id_hash, at).await
    }

    async fn revoke_session(&self, id_hash: &str, at: Timestamp) -> Result<()> {
        Sessions::revoke_session(&self.dialect, id_hash, at).await
    }

    async fn revoke_user_sessions(&self, user: &UserId, at: Timestamp) -> Result<()> {
        Sessions::revoke_user_sessions(&self.dialect, user, at).await
    }

    async fn create_api_token(
        &self,
        user: &UserId,
        token_hash: &str,
        at: Timestamp,
    ) -> Result<TokenId> {
        Sessions::create_api_token(&self.dialect, user, token_hash, at).await
    }

    async fn user_for_token(&self, token_hash: &str) -> Result<Option<(User, i64)>> {
        Sessions::user_for_token(&self.dialect, token_hash).await
    }

    async fn user_for_token_with_caseload_mark(
        &self,
        token_hash: &str,
    ) -> Result<Option<(User, i64, CaseloadMark)>> {
        Sessions::user_for_token_with_caseload_mark(&self.dialect, token_hash).await
    }
}
