//! A user's notifications and acknowledging them.

use async_trait::async_trait;
use caseload_domain::ids::*;
use caseload_store::*;
use jiff::Timestamp;
use tracing::instrument;

use crate::{Dialect, SqlRow, SqlStore, Statement};

#[async_trait]
impl<D: Dialect> Notifications for SqlStore<D> {
    #[instrument(skip_all)]
    async fn notifications(
        &self,
        user: &UserId,
        include_acknowledged: bool,
    ) -> Result<Vec<Notification>> {
        let filter = NotificationFilter {
            include_acknowledged,
            ..Default::default()
        };
        self.filtered_notifications(user, &filter).await
    }

    #[instrument(skip_all)]
    async fn acknowledge_notification(
        &self,
        id: &NotificationId,
        user: &UserId,
        at: Timestamp,
    ) -> Result<()> {
        let done = D::query("UPDATE notifications SET acknowledged_at = $1 WHERE id = $2 AND user_id = $3 AND acknowledged_at IS NULL")
            .bind_ts(at)
            .bind_str(id.as_str())
            .bind_str(user.as_str())
            .execute(self.writer())
            .await?;
        if done == 0 {
            return Err(StoreError::NotFound("notification"));
        }
        Ok(())
    }

    #[instrument(skip_all)]
    async fn filtered_notifications(
        &self,
        user: &UserId,
        filter: &NotificationFilter,
    ) -> Result<Vec<Notification>> {
        let rows = D::query(
            "SELECT n.*, c.title AS case_title, c.client_name FROM notifications n LEFT JOIN cases c ON c.id = n.case_id \
             WHERE n.user_id = $1 AND ($2 OR n.acknowledged_at IS NULL) AND (CAST($3 AS TEXT) IS NULL OR n.kind = $3) AND (CAST($4 AS TEXT) IS NULL OR n.case_id = $4) \
             ORDER BY n.created_at DESC, n.id DESC LIMIT 500",
        )
            .bind_str(user.as_str())
            .bind_bool(filter.include_acknowledged)
            .bind_opt_str(filter.kind.as_deref())
            .bind_opt_str(filter.case.as_ref().map(|c| c.as_str()))
            .fetch_all(self.reader())
            .await?;
        rows.iter()
            .map(|r| {
                Ok(Notification {
                    id: NotificationId::from_trusted(r.string("id")?),
                    case_id: r.opt_string("case_id")?.map(CaseId::from_trusted),
                    kind: r.string("kind")?,
                    message: r.string("message")?,
                    created_at: r.ts("created_at")?,
                    acknowledged_at: r.opt_ts("acknowledged_at")?,
                    case_title: r.opt_string("case_title")?,
                    client_name: r.opt_string("client_name")?,
                })
            })
            .collect()
    }

    #[instrument(skip_all)]
    async fn acknowledge_notifications(
        &self,
        user: &UserId,
        which: &NotificationSelection,
        at: Timestamp,
    ) -> Result<u64> {
        let by_id;
        let query = match which {
            NotificationSelection::Ids(ids) if ids.is_empty() => return Ok(0),
            NotificationSelection::Ids(ids) => {
                by_id = format!(
                    "UPDATE notifications SET acknowledged_at = $1 WHERE user_id = $2 AND acknowledged_at IS NULL AND {}",
                    D::in_list("id", 3)
                );
                D::query(&by_id)
                    .bind_ts(at)
                    .bind_str(user.as_str())
                    .bind_str_list(ids.iter().map(|i| i.as_str().to_owned()).collect())
            }
            NotificationSelection::Matching(f) => D::query(
                "UPDATE notifications SET acknowledged_at = $1 WHERE user_id = $2 AND acknowledged_at IS NULL \
                 AND (CAST($3 AS TEXT) IS NULL OR kind = $3) AND (CAST($4 AS TEXT) IS NULL OR case_id = $4)",
            )
            .bind_ts(at)
            .bind_str(user.as_str())
            .bind_opt_str(f.kind.as_deref())
            .bind_opt_str(f.case.as_ref().map(|c| c.as_str())),
        };
        let done = query.execute(self.writer()).await?;
        Ok(done)
    }
}
