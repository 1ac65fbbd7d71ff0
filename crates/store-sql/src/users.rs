//! Teams and the users in them: accounts, roles, password hashes.
//!
//! Not yet written here: forwarded to the dialect, which still holds its own copy.

use async_trait::async_trait;
use caseload_domain::ids::*;
use caseload_store::*;
use jiff::Timestamp;

use crate::{Dialect, SqlStore};

#[async_trait]
impl<D: Dialect> Users for SqlStore<D> {
    async fn create_team(&self, name: &str, at: Timestamp) -> Result<Team> {
        Users::create_team(&self.dialect, name, at).await
    }

    async fn list_teams(&self) -> Result<Vec<Team>> {
        Users::list_teams(&self.dialect).await
    }

    async fn find_team_by_name(&self, name: &str) -> Result<Option<Team>> {
        Users::find_team_by_name(&self.dialect, name).await
    }

    async fn create_user(&self, new: &NewUser, at: Timestamp) -> Result<User> {
        Users::create_user(&self.dialect, new, at).await
    }

    async fn get_user(&self, id: &UserId) -> Result<User> {
        Users::get_user(&self.dialect, id).await
    }

    async fn find_user_by_email(&self, email: &str) -> Result<Option<User>> {
        Users::find_user_by_email(&self.dialect, email).await
    }

    async fn list_users(&self) -> Result<Vec<User>> {
        Users::list_users(&self.dialect).await
    }

    async fn count_users(&self) -> Result<i64> {
        Users::count_users(&self.dialect).await
    }

    async fn update_user(&self, id: &UserId, change: &UserChange) -> Result<User> {
        Users::update_user(&self.dialect, id, change).await
    }

    async fn set_password(&self, id: &UserId, hash: &str) -> Result<()> {
        Users::set_password(&self.dialect, id, hash).await
    }

    async fn password_hash(&self, id: &UserId) -> Result<Option<String>> {
        Users::password_hash(&self.dialect, id).await
    }
}
