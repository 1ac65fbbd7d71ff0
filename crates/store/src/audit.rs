//! The audit trail: events appended on their own (reads, denials) and read back.

use async_trait::async_trait;
use caseload_domain::ids::*;
use jiff::Timestamp;
use serde::Serialize;

use crate::*;

/// A new audit event. Never holds content: who, what, which object, when.
#[derive(Debug, Clone)]
pub struct NewAuditEvent {
    pub at: Timestamp,
    pub actor: Option<UserId>,
    /// `case.read`, `note.create`, `case.read.denied`, …
    pub action: String,
    pub object_type: &'static str,
    pub object_id: Option<String>,
    pub request_id: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AuditEvent {
    pub seq: i64,
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub at: Timestamp,
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub actor_id: Option<UserId>,
    pub action: String,
    pub object_type: String,
    pub object_id: Option<String>,
    pub request_id: String,
}

#[async_trait]
pub trait Audit: Send + Sync {
    /// Append audit events on their own (reads, denials), in one
    /// transaction: all are durable when it returns, or none. Writes append
    /// theirs in their own transaction.
    async fn record_audits(&self, events: &[NewAuditEvent]) -> Result<()>;

    /// The newest audit events first.
    async fn list_audit(&self, limit: u32) -> Result<Vec<AuditEvent>>;
}
