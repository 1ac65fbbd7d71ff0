//! Teams and the users in them: accounts, roles, password hashes.

use async_trait::async_trait;
use caseload_domain::Actor;
use caseload_domain::ids::*;
use caseload_domain::text::Email;
use caseload_domain::users::Role;
use jiff::Timestamp;
use serde::Serialize;

use crate::*;

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Team {
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub id: TeamId,
    pub name: String,
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub created_at: Timestamp,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct User {
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub id: UserId,
    pub email: String,
    pub name: String,
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "practitioner"))]
    pub role: Role,
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub team_id: Option<TeamId>,
    pub active: bool,
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub created_at: Timestamp,
}

impl User {
    pub fn actor(&self) -> Actor {
        Actor {
            id: self.id.clone(),
            role: self.role,
            team: self.team_id.clone(),
        }
    }
}

#[derive(Debug, Clone)]
pub struct NewUser {
    pub email: Email,
    pub name: String,
    pub role: Role,
    pub team_id: Option<TeamId>,
}

/// A change to a user made by an administrator; `None` leaves a field alone.
#[derive(Debug, Clone, Default)]
pub struct UserChange {
    pub name: Option<String>,
    pub role: Option<Role>,
    pub team_id: Option<Option<TeamId>>,
    pub active: Option<bool>,
}

#[async_trait]
pub trait Users: Send + Sync {
    async fn create_team(&self, name: &str, at: Timestamp) -> Result<Team>;

    async fn list_teams(&self) -> Result<Vec<Team>>;

    async fn find_team_by_name(&self, name: &str) -> Result<Option<Team>>;

    async fn create_user(&self, new: &NewUser, at: Timestamp) -> Result<User>;

    async fn get_user(&self, id: &UserId) -> Result<User>;

    async fn find_user_by_email(&self, email: &str) -> Result<Option<User>>;

    async fn list_users(&self) -> Result<Vec<User>>;

    async fn count_users(&self) -> Result<i64>;

    /// Change a user's name, role, team or active flag.
    async fn update_user(&self, id: &UserId, change: &UserChange) -> Result<User>;

    /// Set a user's password hash (argon2id, PHC string).
    async fn set_password(&self, id: &UserId, hash: &str) -> Result<()>;

    /// A user's password hash, if they have one.
    async fn password_hash(&self, id: &UserId) -> Result<Option<String>>;
}
