//! A user's notifications and acknowledging them.

use async_trait::async_trait;
use caseload_domain::ids::*;
use jiff::Timestamp;
use serde::Serialize;

use crate::*;

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Notification {
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub id: NotificationId,
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub case_id: Option<CaseId>,
    pub kind: String,
    pub message: String,
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub created_at: Timestamp,
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, format = DateTime))]
    pub acknowledged_at: Option<Timestamp>,
    /// The case's title, when it is about a case.
    pub case_title: Option<String>,
    /// The case's client, when it is about a case.
    pub client_name: Option<String>,
}

/// Which of a user's notifications to read or acknowledge: always only the
/// user's own, unacknowledged unless `include_acknowledged`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct NotificationFilter {
    /// `high_priority`, `timescale_at_risk`, `timescale_breached`,
    /// `deadline_at_risk` or `deadline_breached`.
    pub kind: Option<String>,
    pub case: Option<CaseId>,
    pub include_acknowledged: bool,
}

/// The notifications a bulk acknowledgement touches (only the caller's own,
/// only those not yet acknowledged).
#[derive(Debug, Clone, PartialEq)]
pub enum NotificationSelection {
    /// These ones; ids that are not the user's are ignored.
    Ids(Vec<NotificationId>),
    /// Every one the filter matches (`include_acknowledged` is ignored).
    Matching(NotificationFilter),
}

#[async_trait]
pub trait Notifications: Send + Sync {
    /// A user's notifications, newest first.
    async fn notifications(
        &self,
        user: &UserId,
        include_acknowledged: bool,
    ) -> Result<Vec<Notification>>;

    async fn acknowledge_notification(
        &self,
        id: &NotificationId,
        user: &UserId,
        at: Timestamp,
    ) -> Result<()>;

    /// A user's notifications that match the filter, newest first, with
    /// their case's title and client (at most 500).
    async fn filtered_notifications(
        &self,
        user: &UserId,
        filter: &NotificationFilter,
    ) -> Result<Vec<Notification>>;

    /// Acknowledge several of a user's own notifications in one statement;
    /// how many were acknowledged. Another user's are never touched.
    async fn acknowledge_notifications(
        &self,
        user: &UserId,
        which: &NotificationSelection,
        at: Timestamp,
    ) -> Result<u64>;
}
