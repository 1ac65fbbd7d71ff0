//! Administration: users (add, change role or team, reset a password,
//! deactivate — never delete someone who authored records) and teams.
//! Administrators see no case content.

use askama::Template;
use axum::extract::{Path, State};
use axum::response::Response;
use caseload_domain::ids::{TeamId, UserId};
use caseload_domain::text::{Email, FieldErrors, limits, single_line};
use caseload_domain::users::Role;
use caseload_store::{NewUser, StoreError, User, UserChange};

use super::{
    Chrome, CsrfForm, Fields, FormErrors, PageError, Viewer, render, render_invalid, see_other,
};
use crate::AppState;

fn require_admin(viewer: &Viewer) -> Result<(), PageError> {
    if viewer.user.role == Role::Admin {
        Ok(())
    } else {
        Err(PageError::Forbidden)
    }
}

pub struct UserRow {
    pub id: String,
    pub name: String,
    pub email: String,
    pub role: &'static str,
    pub team: String,
    pub active: bool,
}

#[derive(Template)]
#[template(path = "admin_users.html")]
pub struct UsersPage {
    pub chrome: Chrome,
    pub users: Vec<UserRow>,
}

/// Handles `GET /admin/users`.
pub async fn users(State(state): State<AppState>, viewer: Viewer) -> Result<Response, PageError> {
    require_admin(&viewer)?;
    let teams = state.store.list_teams().await?;
    let team_name = |id: &Option<TeamId>| {
        id.as_ref()
            .and_then(|id| teams.iter().find(|t| &t.id == id))
            .map(|t| t.name.clone())
            .unwrap_or_else(|| "—".into())
    };
    let users = state.store.list_users().await?;
    render(&UsersPage {
        chrome: viewer.chrome("users"),
        users: users
            .iter()
            .map(|u| UserRow {
                id: u.id.to_string(),
                name: u.name.clone(),
                email: u.email.clone(),
                role: u.role.label(),
                team: team_name(&u.team_id),
                active: u.active,
            })
            .collect(),
    })
}

#[derive(Template)]
#[template(path = "admin_user_form.html")]
pub struct UserForm {
    pub chrome: Chrome,
    /// Empty for a new user.
    pub id: String,
    pub heading: String,
    pub errors: FormErrors,
    pub fields: Fields,
    pub roles: Vec<(&'static str, &'static str)>,
    pub teams: Vec<(String, String)>,
    pub active: bool,
}

const USER_LABELS: &[(&str, &str)] = &[
    ("email", "Email address"),
    ("name", "Name"),
    ("role", "Role"),
    ("team", "Team"),
    ("password", "Password"),
];

async fn user_form(
    state: &AppState,
    viewer: &Viewer,
    user: Option<&User>,
    fields: Fields,
    errors: FormErrors,
) -> Result<UserForm, PageError> {
    let teams = state.store.list_teams().await?;
    Ok(UserForm {
        chrome: viewer.chrome("users"),
        id: user.map(|u| u.id.to_string()).unwrap_or_default(),
        heading: user
            .map(|u| format!("Change {}", u.name))
            .unwrap_or_else(|| "Add a user".into()),
        errors,
        fields,
        roles: Role::ALL.iter().map(|r| (r.as_str(), r.label())).collect(),
        teams: teams
            .into_iter()
            .map(|t| (t.id.to_string(), t.name))
            .collect(),
        active: user.is_none_or(|u| u.active),
    })
}

fn user_fields(u: &User) -> Fields {
    Fields(vec![
        ("email".into(), u.email.clone()),
        ("name".into(), u.name.clone()),
        ("role".into(), u.role.as_str().into()),
        (
            "team".into(),
            u.team_id
                .as_ref()
                .map(|t| t.to_string())
                .unwrap_or_default(),
        ),
    ])
}

/// Parse role and team; practitioners and supervisors need a team.
async fn role_and_team(
    state: &AppState,
    fields: &Fields,
    errors: &mut FieldErrors,
) -> Result<(Option<Role>, Option<TeamId>), PageError> {
    let role = Role::parse(fields.get("role"));
    if role.is_none() {
        errors.push("role", "must be chosen");
    }
    let team = match fields.opt("team") {
        None => None,
        Some(t) => {
            let teams = state.store.list_teams().await?;
            let found = TeamId::parse(t).filter(|id| teams.iter().any(|team| &team.id == id));
            if found.is_none() {
                errors.push("team", "must be one of the teams");
            }
            found
        }
    };
    if role.is_some_and(Role::works_cases)
        && team.is_none()
        && !errors.0.iter().any(|e| e.field == "team")
    {
        errors.push("team", "is required for practitioners and supervisors");
    }
    Ok((role, team))
}

/// Handles `GET /admin/users/new`.
pub async fn new_user_page(
    State(state): State<AppState>,
    viewer: Viewer,
) -> Result<Response, PageError> {
    require_admin(&viewer)?;
    render(
        &user_form(
            &state,
            &viewer,
            None,
            Fields::default(),
            FormErrors::default(),
        )
        .await?,
    )
}

/// Handles `POST /admin/users/new`.
pub async fn create_user(
    State(state): State<AppState>,
    CsrfForm(viewer, fields): CsrfForm,
) -> Result<Response, PageError> {
    require_admin(&viewer)?;
    let mut errors = FieldErrors::new();
    let email = errors.take(Email::parse("email", fields.get("email")));
    let name = errors.take(single_line("name", fields.get("name"), limits::NAME));
    let (role, team) = role_and_team(&state, &fields, &mut errors).await?;
    if let Err(m) = caseload_domain::passwords::check(
        fields.get("password"),
        fields.get("email"),
        fields.get("name"),
    ) {
        errors.push("password", m);
    }
    let (Some(email), Some(name), Some(role), true) = (email, name, role, errors.is_empty()) else {
        return render_invalid(
            &user_form(
                &state,
                &viewer,
                None,
                without_password(fields),
                FormErrors::labelled(&errors, USER_LABELS),
            )
            .await?,
        );
    };
    let now = state.clock.now();
    let user = match state
        .store
        .create_user(
            &NewUser {
                email,
                name,
                role,
                team_id: team,
            },
            now,
        )
        .await
    {
        Ok(u) => u,
        Err(StoreError::Conflict(kind)) => {
            let m = crate::problem::conflict_detail(&kind);
            let errors = FormErrors::labelled(&FieldErrors::single("email", m), &[("email", "")]);
            return render_invalid(
                &user_form(&state, &viewer, None, without_password(fields), errors).await?,
            );
        }
        Err(e) => return Err(e.into()),
    };
    let hash = crate::passwords::hash(fields.get("password")).map_err(PageError::internal)?;
    state.store.set_password(&user.id, &hash).await?;
    viewer
        .audit(&state, "user.create", "user", Some(user.id.as_str()))
        .await?;
    Ok(see_other("/admin/users"))
}

fn without_password(mut fields: Fields) -> Fields {
    fields.0.retain(|(k, _)| k != "password");
    fields
}

async fn load_user(state: &AppState, id: &str) -> Result<User, PageError> {
    let id = UserId::parse(id).ok_or(PageError::NotFound)?;
    Ok(state.store.get_user(&id).await?)
}

/// Handles `GET /admin/users/{id}`.
pub async fn edit_user_page(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    require_admin(&viewer)?;
    let user = load_user(&state, &id).await?;
    render(
        &user_form(
            &state,
            &viewer,
            Some(&user),
            user_fields(&user),
            FormErrors::default(),
        )
        .await?,
    )
}

/// Handles `POST /admin/users/{id}`: change name, role, team or active; an
/// optional new password resets it. Deactivating or resetting signs the
/// user out everywhere: their sessions end and their API tokens are revoked.
pub async fn update_user(
    State(state): State<AppState>,
    Path(id): Path<String>,
    CsrfForm(viewer, fields): CsrfForm,
) -> Result<Response, PageError> {
    require_admin(&viewer)?;
    let user = load_user(&state, &id).await?;
    let mut errors = FieldErrors::new();
    let name = errors.take(single_line("name", fields.get("name"), limits::NAME));
    let (role, team) = role_and_team(&state, &fields, &mut errors).await?;
    let active = fields.get("active") == "yes";
    if user.id == viewer.user.id && (!active || role != Some(Role::Admin)) {
        errors.push("role", "cannot be changed for yourself, nor can you deactivate yourself: ask another administrator");
    }
    let new_password = fields.opt("password");
    if let Some(p) = new_password
        && let Err(m) = caseload_domain::passwords::check(p, &user.email, &user.name)
    {
        errors.push("password", m);
    }
    if !errors.is_empty() {
        let mut shown = without_password(fields);
        shown.0.push(("email".into(), user.email.clone()));
        return render_invalid(
            &user_form(
                &state,
                &viewer,
                Some(&user),
                shown,
                FormErrors::labelled(&errors, USER_LABELS),
            )
            .await?,
        );
    }
    let change = UserChange {
        name,
        role,
        team_id: Some(team),
        active: Some(active),
    };
    state.store.update_user(&user.id, &change).await?;
    let now = state.clock.now();
    let by = crate::tokens::By {
        user: Some(&viewer.user.id),
        request_id: &viewer.request_id,
    };
    if let Some(p) = new_password {
        let hash = crate::passwords::hash(p).map_err(PageError::internal)?;
        state.store.set_password(&user.id, &hash).await?;
        crate::tokens::sign_out_everywhere(&*state.store, &user.id, now, by).await?;
        viewer
            .audit(
                &state,
                "user.password_reset",
                "user",
                Some(user.id.as_str()),
            )
            .await?;
    }
    if !active {
        crate::tokens::sign_out_everywhere(&*state.store, &user.id, now, by).await?;
    }
    viewer
        .audit(&state, "user.update", "user", Some(user.id.as_str()))
        .await?;
    Ok(see_other("/admin/users"))
}

#[derive(Template)]
#[template(path = "admin_teams.html")]
pub struct TeamsPage {
    pub chrome: Chrome,
    pub teams: Vec<(String, usize)>,
    pub errors: FormErrors,
    pub name: String,
}

async fn teams_page(
    state: &AppState,
    viewer: &Viewer,
    errors: FormErrors,
    name: String,
) -> Result<TeamsPage, PageError> {
    let teams = state.store.list_teams().await?;
    let users = state.store.list_users().await?;
    Ok(TeamsPage {
        chrome: viewer.chrome("teams"),
        teams: teams
            .iter()
            .map(|t| {
                (
                    t.name.clone(),
                    users
                        .iter()
                        .filter(|u| u.team_id.as_ref() == Some(&t.id) && u.active)
                        .count(),
                )
            })
            .collect(),
        errors,
        name,
    })
}

/// Handles `GET /admin/teams`.
pub async fn teams(State(state): State<AppState>, viewer: Viewer) -> Result<Response, PageError> {
    require_admin(&viewer)?;
    render(&teams_page(&state, &viewer, FormErrors::default(), String::new()).await?)
}

/// Handles `POST /admin/teams`: add a team.
pub async fn create_team(
    State(state): State<AppState>,
    CsrfForm(viewer, fields): CsrfForm,
) -> Result<Response, PageError> {
    require_admin(&viewer)?;
    let name = fields.get("name").to_owned();
    let problem = match single_line("name", &name, limits::NAME) {
        Err(e) => Some(e.message),
        Ok(n) => match state.store.create_team(&n, state.clock.now()).await {
            Ok(team) => {
                viewer
                    .audit(&state, "team.create", "team", Some(team.id.as_str()))
                    .await?;
                None
            }
            Err(StoreError::Conflict(kind)) => Some(crate::problem::conflict_detail(&kind)),
            Err(e) => return Err(e.into()),
        },
    };
    match problem {
        None => Ok(see_other("/admin/teams")),
        Some(m) => {
            let errors = FormErrors(vec![("name".into(), format!("Team name: {m}"))]);
            render_invalid(&teams_page(&state, &viewer, errors, name).await?)
        }
    }
}

/// This module's pages and forms, registered by `pages::router`.
pub fn router() -> axum::Router<crate::AppState> {
    use axum::routing::get;
    axum::Router::new()
        .route("/admin/users", get(users))
        .route("/admin/users/new", get(new_user_page).post(create_user))
        .route("/admin/users/{id}", get(edit_user_page).post(update_user))
        .route("/admin/teams", get(teams).post(create_team))
}
