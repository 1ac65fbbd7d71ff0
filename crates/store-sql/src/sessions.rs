//! Browser sessions and API tokens: how a request proves who sent it.

use async_trait::async_trait;
use caseload_domain::ids::*;
use caseload_store::*;
use jiff::Timestamp;
use tracing::instrument;

use crate::users::user_row;
use crate::{Dialect, SqlRow, SqlStore, Statement};

/// The active user holding an API token, with the settings generation.
pub(crate) const TOKEN_USER: &str = "SELECT u.*, (SELECT generation FROM settings_generation WHERE id = 1) AS settings_generation \
    FROM api_tokens t JOIN users u ON u.id = t.user_id \
    WHERE t.token_hash = $1 AND t.revoked_at IS NULL AND u.active";

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
    async fn create_api_token(
        &self,
        user: &UserId,
        token_hash: &str,
        at: Timestamp,
    ) -> Result<TokenId> {
        let id = new_id(TokenId::from_parts, at);
        D::query(
            "INSERT INTO api_tokens (id, user_id, token_hash, created_at) VALUES ($1, $2, $3, $4)",
        )
        .bind_str(id.as_str())
        .bind_str(user.as_str())
        .bind_str(token_hash)
        .bind_ts(at)
        .execute(self.writer())
        .await?;
        Ok(id)
    }

    #[instrument(skip_all)]
    async fn user_for_token(&self, token_hash: &str) -> Result<Option<(User, i64)>> {
        let row = D::query(TOKEN_USER)
            .bind_str(token_hash)
            .fetch_optional(self.reader())
            .await?;
        row.as_ref()
            .map(|r| Ok((user_row(r)?, settings_generation(r)?)))
            .transpose()
    }

    #[instrument(skip_all)]
    async fn user_for_token_with_caseload_mark(
        &self,
        token_hash: &str,
    ) -> Result<Option<(User, i64, CaseloadMark)>> {
        let row = D::query(D::TOKEN_USER_AND_CASELOAD_MARK)
            .bind_str(token_hash)
            .fetch_optional(self.reader())
            .await?;
        row.as_ref()
            .map(|r| Ok((user_row(r)?, settings_generation(r)?, caseload_mark(r)?)))
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
            "SELECT u.*, (SELECT generation FROM settings_generation WHERE id = 1) AS settings_generation, ",
            "(SELECT coalesce(", $ids_in_order, ", '') FROM cases c \
             WHERE c.owner_id = u.id AND c.status IN ('referral', 'open', 'on_hold')) AS caseload_mark",
            " FROM api_tokens t JOIN users u ON u.id = t.user_id \
             WHERE t.token_hash = $1 AND t.revoked_at IS NULL AND u.active"
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
