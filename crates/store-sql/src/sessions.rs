//! Browser sessions and API tokens: how a request proves who sent it.

use async_trait::async_trait;
use caseload_domain::ids::*;
use caseload_domain::tokens::TokenScopes;
use caseload_store::*;
use jiff::Timestamp;
use tracing::instrument;

use crate::users::user_row;
use crate::{Dialect, SqlRow, SqlStore, Statement, one};

/// The active user holding an unrevoked, unexpired API token (`$1` its
/// hash, `$2` now), with what the token grants and the settings generation.
pub(crate) const TOKEN_USER: &str = "SELECT u.*, t.id AS token_id, t.scopes AS token_scopes, t.last_used_at AS token_last_used_at, \
    (SELECT generation FROM settings_generation WHERE id = 1) AS settings_generation \
    FROM api_tokens t JOIN users u ON u.id = t.user_id \
    WHERE t.token_hash = $1 AND t.revoked_at IS NULL AND t.expires_at > $2 AND u.active";

/// A token's columns as its holder may see them (never the hash).
macro_rules! token_columns {
    () => {
        "id, user_id, name, scopes, created_at, last_used_at, expires_at, revoked_at"
    };
}

/// A session that has not been revoked, with its active user and the count
/// of their unacknowledged notifications (for the navigation).
pub(crate) const SESSION_USER: &str = "SELECT u.*, s.id_hash, s.csrf_token, s.created_at AS session_created_at, s.last_seen_at, \
    (SELECT count(*) FROM notifications n WHERE n.user_id = u.id AND n.acknowledged_at IS NULL) AS unread_notifications \
    FROM sessions s JOIN users u ON u.id = s.user_id \
    WHERE s.id_hash = $1 AND s.revoked_at IS NULL AND u.active";

fn session_row(r: &impl SqlRow) -> Result<Session> {
    Ok(Session {
        id_hash: r.string("id_hash")?,
        user: user_row(r)?,
        csrf_token: r.string("csrf_token")?,
        created_at: r.ts("session_created_at")?,
        last_seen_at: r.ts("last_seen_at")?,
        unread_notifications: r.i64("unread_notifications")?,
    })
}

fn scopes(r: &impl SqlRow, column: &str) -> Result<TokenScopes> {
    let stored = r.string(column)?;
    TokenScopes::from_stored(&stored)
        .ok_or_else(|| StoreError::corrupt(format!("token scopes {stored:?}")))
}

fn token_row(r: &impl SqlRow) -> Result<ApiToken> {
    Ok(ApiToken {
        id: TokenId::from_trusted(r.string("id")?),
        user_id: UserId::from_trusted(r.string("user_id")?),
        name: r.string("name")?,
        scopes: scopes(r, "scopes")?,
        created_at: r.ts("created_at")?,
        last_used_at: r.opt_ts("last_used_at")?,
        expires_at: r.ts("expires_at")?,
        revoked_at: r.opt_ts("revoked_at")?,
    })
}

fn holder_row(r: &impl SqlRow) -> Result<TokenHolder> {
    Ok(TokenHolder {
        user: user_row(r)?,
        settings_generation: settings_generation(r)?,
        token_id: TokenId::from_trusted(r.string("token_id")?),
        scopes: scopes(r, "token_scopes")?,
        last_used_at: r.opt_ts("token_last_used_at")?,
    })
}

pub(crate) fn caseload_mark(r: &impl SqlRow) -> Result<CaseloadMark> {
    Ok(CaseloadMark(r.string("caseload_mark")?))
}

pub(crate) fn settings_generation(r: &impl SqlRow) -> Result<i64> {
    r.i64("settings_generation")
}

#[async_trait]
impl<D: Dialect> Sessions for SqlStore<D> {
    #[instrument(skip_all)]
    async fn create_session(&self, new: &NewSession) -> Result<()> {
        D::query(
            "INSERT INTO sessions (id_hash, user_id, csrf_token, created_at, last_seen_at) VALUES ($1, $2, $3, $4, $5)",
        )
        .bind_str(&new.id_hash)
        .bind_str(new.user_id.as_str())
        .bind_str(&new.csrf_token)
        .bind_ts(new.at)
        .bind_ts(new.at)
        .execute(self.writer())
        .await?;
        Ok(())
    }

    #[instrument(skip_all)]
    async fn get_session(&self, id_hash: &str) -> Result<Option<Session>> {
        let row = D::query(SESSION_USER)
            .bind_str(id_hash)
            .fetch_optional(self.reader())
            .await?;
        row.as_ref().map(session_row).transpose()
    }

    #[instrument(skip_all)]
    async fn get_session_with_caseload_mark(
        &self,
        id_hash: &str,
    ) -> Result<Option<(Session, CaseloadMark)>> {
        let row = D::query(D::SESSION_USER_AND_CASELOAD_MARK)
            .bind_str(id_hash)
            .fetch_optional(self.reader())
            .await?;
        row.as_ref()
            .map(|r| Ok((session_row(r)?, caseload_mark(r)?)))
            .transpose()
    }

    #[instrument(skip_all)]
    async fn touch_session(&self, id_hash: &str, at: Timestamp) -> Result<()> {
        D::query("UPDATE sessions SET last_seen_at = $1 WHERE id_hash = $2")
            .bind_ts(at)
            .bind_str(id_hash)
            .execute(self.writer())
            .await?;
        Ok(())
    }

    #[instrument(skip_all)]
    async fn revoke_session(&self, id_hash: &str, at: Timestamp) -> Result<()> {
        D::query("UPDATE sessions SET revoked_at = $1 WHERE id_hash = $2 AND revoked_at IS NULL")
            .bind_ts(at)
            .bind_str(id_hash)
            .execute(self.writer())
            .await?;
        Ok(())
    }

    #[instrument(skip_all)]
    async fn revoke_user_sessions(&self, user: &UserId, at: Timestamp) -> Result<()> {
        D::query("UPDATE sessions SET revoked_at = $1 WHERE user_id = $2 AND revoked_at IS NULL")
            .bind_ts(at)
            .bind_str(user.as_str())
            .execute(self.writer())
            .await?;
        Ok(())
    }

    #[instrument(skip_all)]
    async fn create_api_token(&self, new: &NewApiToken) -> Result<ApiToken> {
        let id = new_id(TokenId::from_parts, new.created_at);
        D::query(
            "INSERT INTO api_tokens (id, user_id, token_hash, name, scopes, created_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind_str(id.as_str())
        .bind_str(new.user_id.as_str())
        .bind_str(&new.token_hash)
        .bind_str(&new.name)
        .bind_str(&new.scopes.to_stored())
        .bind_ts(new.created_at)
        .bind_ts(new.expires_at)
        .execute(self.writer())
        .await?;
        Ok(ApiToken {
            id,
            user_id: new.user_id.clone(),
            name: new.name.clone(),
            scopes: new.scopes.clone(),
            created_at: new.created_at,
            last_used_at: None,
            expires_at: new.expires_at,
            revoked_at: None,
        })
    }

    #[instrument(skip_all)]
    async fn list_api_tokens(&self, user: &UserId) -> Result<Vec<ApiToken>> {
        let rows = D::query(concat!(
            "SELECT ",
            token_columns!(),
            " FROM api_tokens WHERE user_id = $1 AND revoked_at IS NULL ORDER BY created_at DESC, id DESC"
        ))
        .bind_str(user.as_str())
        .fetch_all(self.reader())
        .await?;
        rows.iter().map(token_row).collect()
    }

    #[instrument(skip_all)]
    async fn get_api_token(&self, id: &TokenId) -> Result<ApiToken> {
        let row = D::query(concat!(
            "SELECT ",
            token_columns!(),
            " FROM api_tokens WHERE id = $1"
        ))
        .bind_str(id.as_str())
        .fetch_optional(self.reader())
        .await?;
        one(row, "API token", token_row)
    }

    #[instrument(skip_all)]
    async fn revoke_api_token(&self, id: &TokenId, at: Timestamp) -> Result<bool> {
        let done =
            D::query("UPDATE api_tokens SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL")
                .bind_ts(at)
                .bind_str(id.as_str())
                .execute(self.writer())
                .await?;
        Ok(done > 0)
    }

    #[instrument(skip_all)]
    async fn revoke_user_api_tokens(&self, user: &UserId, at: Timestamp) -> Result<u64> {
        D::query("UPDATE api_tokens SET revoked_at = $1 WHERE user_id = $2 AND revoked_at IS NULL")
            .bind_ts(at)
            .bind_str(user.as_str())
            .execute(self.writer())
            .await
    }

    #[instrument(skip_all)]
    async fn touch_api_token(
        &self,
        id: &TokenId,
        at: Timestamp,
        unless_since: Timestamp,
    ) -> Result<()> {
        D::query(
            "UPDATE api_tokens SET last_used_at = $1 WHERE id = $2 AND (last_used_at IS NULL OR last_used_at <= $3)",
        )
        .bind_ts(at)
        .bind_str(id.as_str())
        .bind_ts(unless_since)
        .execute(self.writer())
        .await?;
        Ok(())
    }

    #[instrument(skip_all)]
    async fn user_for_token(&self, token_hash: &str, at: Timestamp) -> Result<Option<TokenHolder>> {
        let row = D::query(TOKEN_USER)
            .bind_str(token_hash)
            .bind_ts(at)
            .fetch_optional(self.reader())
            .await?;
        row.as_ref().map(holder_row).transpose()
    }

    #[instrument(skip_all)]
    async fn user_for_token_with_caseload_mark(
        &self,
        token_hash: &str,
        at: Timestamp,
    ) -> Result<Option<(TokenHolder, CaseloadMark)>> {
        let row = D::query(D::TOKEN_USER_AND_CASELOAD_MARK)
            .bind_str(token_hash)
            .bind_ts(at)
            .fetch_optional(self.reader())
            .await?;
        row.as_ref()
            .map(|r| Ok((holder_row(r)?, caseload_mark(r)?)))
            .transpose()
    }
}

/// The two statements that read a caller's user together with the mark of
/// their caseload (`CaseloadMark`: `id:revision` of each active case, in
/// id order, byte-wise) — for an API token, with the settings generation;
/// for a session, with the count of unread notifications. Written once;
/// each dialect gives only its aggregate of `c.id || ':' || c.revision`
/// (SQLite's `group_concat` orders bytes as they are; PostgreSQL's
/// `string_agg` needs `COLLATE "C"`, which SQLite does not know), and
/// takes the two `pub(crate) const`s this defines for its `Dialect`.
#[macro_export]
macro_rules! user_and_caseload_mark_statements {
    ($ids_in_order:literal) => {
        /// `TOKEN_USER` and the mark of the user's caseload.
        pub(crate) const TOKEN_USER_AND_CASELOAD_MARK: &str = concat!(
            "SELECT u.*, t.id AS token_id, t.scopes AS token_scopes, t.last_used_at AS token_last_used_at, ",
            "(SELECT generation FROM settings_generation WHERE id = 1) AS settings_generation, ",
            "(SELECT coalesce(", $ids_in_order, ", '') FROM cases c \
             WHERE c.owner_id = u.id AND c.status IN ('referral', 'open', 'on_hold')) AS caseload_mark",
            " FROM api_tokens t JOIN users u ON u.id = t.user_id \
             WHERE t.token_hash = $1 AND t.revoked_at IS NULL AND t.expires_at > $2 AND u.active"
        );

        /// `SESSION_USER`, the count of the user's unacknowledged
        /// notifications (an index range on `notifications_user_idx`) and
        /// the mark of the user's caseload.
        pub(crate) const SESSION_USER_AND_CASELOAD_MARK: &str = concat!(
            "SELECT u.*, s.id_hash, s.csrf_token, s.created_at AS session_created_at, s.last_seen_at, ",
            "(SELECT count(*) FROM notifications n WHERE n.user_id = u.id AND n.acknowledged_at IS NULL) AS unread_notifications",
            ", ",
            "(SELECT coalesce(", $ids_in_order, ", '') FROM cases c \
             WHERE c.owner_id = u.id AND c.status IN ('referral', 'open', 'on_hold')) AS caseload_mark",
            " FROM sessions s JOIN users u ON u.id = s.user_id \
             WHERE s.id_hash = $1 AND s.revoked_at IS NULL AND u.active"
        );
    };
}
