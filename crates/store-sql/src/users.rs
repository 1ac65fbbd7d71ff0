//! Teams and the users in them: accounts, roles, password hashes.

use async_trait::async_trait;
use caseload_domain::ids::*;
use caseload_domain::users::Role;
use caseload_store::*;
use jiff::Timestamp;
use tracing::instrument;

use crate::{Dialect, SqlRow, SqlStore, Statement, one};

pub(crate) fn team_row(r: &impl SqlRow) -> Result<Team> {
    Ok(Team {
        id: TeamId::from_trusted(r.string("id")?),
        name: r.string("name")?,
        created_at: r.ts("created_at")?,
    })
}

pub(crate) fn user_row(r: &impl SqlRow) -> Result<User> {
    Ok(User {
        id: UserId::from_trusted(r.string("id")?),
        email: r.string("email")?,
        name: r.string("name")?,
        role: decode::vocab(r.text("role")?, Role::parse, "role")?,
        team_id: r.opt_string("team_id")?.map(TeamId::from_trusted),
        active: r.bool("active")?,
        created_at: r.ts("created_at")?,
    })
}

#[async_trait]
impl<D: Dialect> Users for SqlStore<D> {
    #[instrument(skip_all)]
    async fn create_team(&self, name: &str, at: Timestamp) -> Result<Team> {
        let team = Team {
            id: new_id(TeamId::from_parts, at),
            name: name.to_owned(),
            created_at: at,
        };
        D::query("INSERT INTO teams (id, name, created_at) VALUES ($1, $2, $3)")
            .bind_str(team.id.as_str())
            .bind_str(&team.name)
            .bind_ts(at)
            .execute(self.writer())
            .await?;
        Ok(team)
    }

    #[instrument(skip_all)]
    async fn list_teams(&self) -> Result<Vec<Team>> {
        let rows = D::query("SELECT * FROM teams ORDER BY name")
            .fetch_all(self.reader())
            .await?;
        rows.iter().map(team_row).collect()
    }

    #[instrument(skip_all)]
    async fn find_team_by_name(&self, name: &str) -> Result<Option<Team>> {
        let row = D::query("SELECT * FROM teams WHERE name = $1")
            .bind_str(name)
            .fetch_optional(self.reader())
            .await?;
        row.as_ref().map(team_row).transpose()
    }

    #[instrument(skip_all)]
    async fn create_user(&self, new: &NewUser, at: Timestamp) -> Result<User> {
        let user = User {
            id: new_id(UserId::from_parts, at),
            email: new.email.to_string(),
            name: new.name.clone(),
            role: new.role,
            team_id: new.team_id.clone(),
            active: true,
            created_at: at,
        };
        D::query("INSERT INTO users (id, email, name, role, team_id, active, created_at) VALUES ($1, $2, $3, $4, $5, TRUE, $6)")
            .bind_str(user.id.as_str())
            .bind_str(&user.email)
            .bind_str(&user.name)
            .bind_str(user.role.as_str())
            .bind_opt_str(user.team_id.as_ref().map(|t| t.as_str()))
            .bind_ts(at)
            .execute(self.writer())
            .await?;
        Ok(user)
    }

    #[instrument(skip_all)]
    async fn get_user(&self, id: &UserId) -> Result<User> {
        let row = D::query("SELECT * FROM users WHERE id = $1")
            .bind_str(id.as_str())
            .fetch_optional(self.reader())
            .await?;
        one(row, "user", user_row)
    }

    #[instrument(skip_all)]
    async fn find_user_by_email(&self, email: &str) -> Result<Option<User>> {
        let row = D::query("SELECT * FROM users WHERE email = $1")
            .bind_string(email.to_lowercase())
            .fetch_optional(self.reader())
            .await?;
        row.as_ref().map(user_row).transpose()
    }

    #[instrument(skip_all)]
    async fn list_users(&self) -> Result<Vec<User>> {
        let rows = D::query("SELECT * FROM users ORDER BY name, id")
            .fetch_all(self.reader())
            .await?;
        rows.iter().map(user_row).collect()
    }

    #[instrument(skip_all)]
    async fn count_users(&self) -> Result<i64> {
        D::query("SELECT COUNT(*) FROM users")
            .fetch_one(self.reader())
            .await?
            .i64(0)
    }

    #[instrument(skip_all)]
    async fn update_user(&self, id: &UserId, change: &UserChange) -> Result<User> {
        let mut tx = self.dialect.begin().await?;
        let row = D::query("SELECT * FROM users WHERE id = $1")
            .bind_str(id.as_str())
            .fetch_optional_in(&mut tx)
            .await?;
        let mut user = one(row, "user", user_row)?;
        if let Some(name) = &change.name {
            user.name = name.clone();
        }
        if let Some(role) = change.role {
            user.role = role;
        }
        if let Some(team) = &change.team_id {
            user.team_id = team.clone();
        }
        if let Some(active) = change.active {
            user.active = active;
        }
        D::query("UPDATE users SET name = $1, role = $2, team_id = $3, active = $4 WHERE id = $5")
            .bind_str(&user.name)
            .bind_str(user.role.as_str())
            .bind_opt_str(user.team_id.as_ref().map(|t| t.as_str()))
            .bind_bool(user.active)
            .bind_str(id.as_str())
            .execute_in(&mut tx)
            .await?;
        D::commit(tx).await?;
        Ok(user)
    }

    #[instrument(skip_all)]
    async fn set_password(&self, id: &UserId, hash: &str) -> Result<()> {
        let done = D::query("UPDATE users SET password_hash = $1 WHERE id = $2")
            .bind_str(hash)
            .bind_str(id.as_str())
            .execute(self.writer())
            .await?;
        if done == 0 {
            return Err(StoreError::NotFound("user"));
        }
        Ok(())
    }

    #[instrument(skip_all)]
    async fn password_hash(&self, id: &UserId) -> Result<Option<String>> {
        let row = D::query("SELECT password_hash FROM users WHERE id = $1")
            .bind_str(id.as_str())
            .fetch_optional(self.reader())
            .await?
            .ok_or(StoreError::NotFound("user"))?;
        row.opt_string("password_hash")
    }
}
