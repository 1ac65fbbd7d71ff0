//! Obstacles in the way of a case, and their resolution.

use async_trait::async_trait;
use caseload_domain::ids::*;
use caseload_domain::records::ObstacleCategory;
use jiff::Timestamp;
use serde::Serialize;

use crate::*;

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Obstacle {
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub id: ObstacleId,
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub case_id: CaseId,
    pub category: ObstacleCategory,
    pub description: String,
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub raised_by: UserId,
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub raised_at: Timestamp,
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, format = DateTime))]
    pub resolved_at: Option<Timestamp>,
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub resolved_by: Option<UserId>,
    pub resolution: Option<String>,
}

#[derive(Debug, Clone)]
pub struct NewObstacle {
    pub case_id: CaseId,
    pub category: ObstacleCategory,
    pub description: String,
}

#[async_trait]
pub trait Obstacles: Send + Sync {
    async fn add_obstacle(&self, new: &NewObstacle, ctx: &WriteCtx) -> Result<Obstacle>;

    async fn get_obstacle(&self, id: &ObstacleId) -> Result<Obstacle>;

    async fn list_obstacles(&self, case: &CaseId) -> Result<Vec<Obstacle>>;

    /// Resolve an open obstacle; resolving twice is a conflict.
    async fn resolve_obstacle(
        &self,
        id: &ObstacleId,
        resolution: &str,
        ctx: &WriteCtx,
    ) -> Result<Obstacle>;
}
