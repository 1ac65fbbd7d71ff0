//! Deadlines set on a case (each with its task).

use async_trait::async_trait;
use caseload_domain::ids::*;
use jiff::Timestamp;
use jiff::civil::Date;
use serde::Serialize;

use crate::*;

/// A deadline on a case: from a rule and its trigger date (computed, with
/// the working shown) or a date given by hand. Each has its task.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Deadline {
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub id: DeadlineId,
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub case_id: CaseId,
    /// The catalogue rule, or none for a date given by hand.
    pub rule_id: Option<String>,
    pub title: String,
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, format = Date))]
    pub trigger_date: Option<Date>,
    /// The calendar the rule was counted in.
    pub calendar: Option<String>,
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = Date))]
    pub due_date: Date,
    /// How the date was reached, step by step.
    pub explanation: Vec<String>,
    /// The task that carries the deadline into the caseload.
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub task_id: TaskId,
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub created_by: UserId,
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub created_at: Timestamp,
}

#[derive(Debug, Clone)]
pub struct NewDeadline {
    pub case_id: CaseId,
    pub rule_id: Option<String>,
    pub title: String,
    pub trigger_date: Option<Date>,
    pub calendar: Option<String>,
    pub due_date: Date,
    pub explanation: Vec<String>,
    pub assignee_id: Option<UserId>,
}

/// A deadline as the clocks see it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeadlineDue {
    pub id: String,
    pub due: Date,
    /// Its task is done or cancelled.
    pub met: bool,
    pub title: String,
}

#[async_trait]
pub trait Deadlines: Send + Sync {
    /// Set a deadline on a case: the deadline, its task and its timeline
    /// entry are written together.
    async fn add_deadline(&self, new: &NewDeadline, ctx: &WriteCtx) -> Result<Deadline>;

    /// A case's deadlines, soonest first.
    async fn list_deadlines(&self, case: &CaseId) -> Result<Vec<Deadline>>;
}
