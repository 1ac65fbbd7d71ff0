//! Obstacles to a case's outcomes: raising one and recording how it was
//! resolved. Called by the API (`api::obstacles`) and `pages::obstacles`.

use caseload_domain::ids::ObstacleId;
use caseload_domain::records::ObstacleCategory;
use caseload_domain::text::{FieldErrors, limits, prose};
use caseload_store::{Case, NewObstacle, Obstacle, WriteCtx};

use crate::AppState;
use crate::problem::Refused;

/// Raise an obstacle on a case; a form may leave the category unchosen.
pub async fn add(
    state: &AppState,
    ctx: &WriteCtx,
    case: &Case,
    category: Option<ObstacleCategory>,
    description: &str,
) -> Result<Obstacle, Refused> {
    let mut errors = FieldErrors::new();
    if category.is_none() {
        errors.push("category", "must be chosen");
    }
    let description = errors.take(prose("description", description, limits::SUMMARY));
    let (Some(category), Some(description)) = (category, description) else {
        return Err(Refused::Input(errors));
    };
    let new = NewObstacle {
        case_id: case.id.clone(),
        category,
        description,
    };
    Ok(state.store.add_obstacle(&new, ctx).await?)
}

/// Record how one of a case's obstacles was resolved.
pub async fn resolve(
    state: &AppState,
    ctx: &WriteCtx,
    case: &Case,
    obstacle_id: &str,
    resolution: &str,
) -> Result<Obstacle, Refused> {
    let id = ObstacleId::parse(obstacle_id).ok_or(Refused::Missing("obstacle"))?;
    let obstacle = state.store.get_obstacle(&id).await?;
    if obstacle.case_id != case.id {
        return Err(Refused::Missing("obstacle"));
    }
    let resolution = prose("resolution", resolution, limits::SUMMARY)?;
    Ok(state.store.resolve_obstacle(&id, &resolution, ctx).await?)
}
