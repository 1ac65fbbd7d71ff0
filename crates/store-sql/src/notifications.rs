//! A user's notifications and acknowledging them.
//!
//! Not yet written here: forwarded to the dialect, which still holds its own copy.

use async_trait::async_trait;
use caseload_domain::ids::*;
use caseload_store::*;
use jiff::Timestamp;

use crate::{Dialect, SqlStore};

#[async_trait]
impl<D: Dialect> Notifications for SqlStore<D> {
    async fn notifications(
        &self,
        user: &UserId,
        include_acknowledged: bool,
    ) -> Result<Vec<Notification>> {
        Notifications::notifications(&self.dialect, user, include_acknowledged).await
    }

    async fn acknowledge_notification(
        &self,
        id: &NotificationId,
        user: &UserId,
        at: Timestamp,
    ) -> Result<()> {
        Notifications::acknowledge_notification(&self.dialect, id, user, at).await
    }

    async fn filtered_notifications(
        &self,
        user: &UserId,
        filter: &NotificationFilter,
    ) -> Result<Vec<Notification>> {
        Notifications::filtered_notifications(&self.dialect, user, filter).await
    }

    async fn acknowledge_notifications(
        &self,
        user: &UserId,
        which: &NotificationSelection,
        at: Timestamp,
    ) -> Result<u64> {
        Notifications::acknowledge_notifications(&self.dialect, user, which, at).await
    }
}
