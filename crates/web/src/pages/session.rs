//! Signing in and out. Failed attempts are throttled per account and per
//! address and logged; a new session id is issued at every sign-in; signing
//! out revokes the session on the server.

use std::net::SocketAddr;

use askama::Template;
use axum::extract::{ConnectInfo, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use caseload_store::NewSession;
use serde::Deserialize;

use super::{
    CsrfForm, FormErrors, PageError, SESSION_COOKIE, cookie_value, render, same_origin, see_other,
};
use crate::AppState;
use crate::passwords::{dummy_hash, verify};

#[derive(Template)]
#[template(path = "sign_in.html")]
pub struct SignInPage {
    pub email: String,
    pub next: String,
    pub errors: FormErrors,
    pub notice: Option<&'static str>,
}

#[derive(Debug, Deserialize)]
pub struct SignInQuery {
    next: Option<String>,
    expired: Option<String>,
}

fn safe_next(next: &str) -> String {
    if next.starts_with('/')
        && !next.starts_with("//")
        && !next.contains("://")
        && !next.starts_with("/sign-")
    {
        next.to_owned()
    } else {
        String::new()
    }
}

/// Handles `GET /sign-in`.
pub async fn sign_in_page(Query(q): Query<SignInQuery>) -> Result<Response, PageError> {
    render(&SignInPage {
        email: String::new(),
        next: safe_next(q.next.as_deref().unwrap_or("")),
        errors: FormErrors::default(),
        notice: q
            .expired
            .map(|_| "Your session ended, so you have been signed out. Sign in again to carry on."),
    })
}

fn random_secret() -> Result<String, PageError> {
    crate::auth::new_token()
        .map(|t| t.trim_start_matches("cl_").to_owned())
        .map_err(|_| PageError::Internal {
            reference: "entropy".into(),
        })
}

/// The address a request came from (for the sign-in throttle and the log).
pub struct ClientAddress(pub String);

impl<S: Send + Sync> axum::extract::FromRequestParts<S> for ClientAddress {
    type Rejection = std::convert::Infallible;
    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        _: &S,
    ) -> Result<Self, Self::Rejection> {
        Ok(ClientAddress(
            parts
                .extensions
                .get::<ConnectInfo<SocketAddr>>()
                .map(|c| c.0.ip().to_string())
                .unwrap_or_else(|| "unknown".into()),
        ))
    }
}

/// Handles `POST /sign-in`.
pub async fn sign_in(
    State(state): State<AppState>,
    ClientAddress(address): ClientAddress,
    headers: HeaderMap,
    axum::Form(form): axum::Form<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    if !same_origin(&headers) {
        tracing::warn!("cross-site sign-in post refused");
        return Err(PageError::Csrf);
    }
    let field = |name: &str| {
        form.iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    };
    let email = field("email").trim().to_lowercase();
    let password = field("password");
    let next = safe_next(&field("next"));
    let now = state.clock.now();
    let again = |message: &str, status: StatusCode| -> Result<Response, PageError> {
        let mut errors = FormErrors::default();
        errors.push("email", message);
        let mut r = render(&SignInPage {
            email: email.clone(),
            next: next.clone(),
            errors,
            notice: None,
        })?;
        *r.status_mut() = status;
        Ok(r)
    };
    if email.is_empty() || password.is_empty() {
        return again(
            "Enter your email address and password",
            StatusCode::UNPROCESSABLE_ENTITY,
        );
    }
    if state.throttle.blocked(&email, &address, now) {
        tracing::warn!(email, address, "sign-in refused: too many failed attempts");
        return again(
            "Too many failed attempts. Wait 15 minutes and try again, or ask an administrator to reset your password",
            StatusCode::TOO_MANY_REQUESTS,
        );
    }
    let user = state.store.find_user_by_email(&email).await?;
    let stored = match &user {
        Some(u) if u.active => state.store.password_hash(&u.id).await?,
        _ => None,
    };
    let ok = match &stored {
        Some(hash) => verify(&password, hash),
        None => {
            // Spend the same time as a real check, so timing does not reveal accounts.
            let _ = verify(&password, dummy_hash());
            false
        }
    };
    let Some(user) = user.filter(|_| ok) else {
        state.throttle.fail(&email, &address, now);
        tracing::warn!(email, address, "failed sign-in");
        return again(
            "The email address or password is not right",
            StatusCode::UNAUTHORIZED,
        );
    };
    state.throttle.succeed(&email);
    // Any session this browser had is ended; a fresh id is issued.
    if let Some(old) = cookie_value(&headers, SESSION_COOKIE) {
        state
            .store
            .revoke_session(&crate::auth::token_hash(old), now)
            .await?;
    }
    let secret = random_secret()?;
    let csrf = random_secret()?;
    state
        .store
        .create_session(&NewSession {
            id_hash: crate::auth::token_hash(&secret),
            user_id: user.id.clone(),
            csrf_token: csrf,
            at: now,
        })
        .await?;
    tracing::info!(user = %user.id, address, "signed in");
    let landing = super::home(user.role);
    let target = if next.is_empty() {
        landing.to_owned()
    } else {
        next
    };
    let mut response = see_other(&target);
    let secure = if state.settings.secure_cookies {
        "; Secure"
    } else {
        ""
    };
    let cookie = format!(
        "{SESSION_COOKIE}={secret}; Path=/; HttpOnly; SameSite=Lax; Max-Age={}{secure}",
        state.settings.session_absolute.as_secs()
    );
    if let Ok(v) = HeaderValue::from_str(&cookie) {
        response.headers_mut().append(header::SET_COOKIE, v);
    }
    Ok(response)
}

/// Handles `POST /sign-out`: end the session on the server and in the browser.
pub async fn sign_out(
    State(state): State<AppState>,
    CsrfForm(viewer, _): CsrfForm,
) -> Result<Response, PageError> {
    state
        .store
        .revoke_session(&viewer.session_hash, state.clock.now())
        .await?;
    tracing::info!(user = %viewer.user.id, "signed out");
    let mut response = see_other("/sign-in").into_response();
    let secure = if state.settings.secure_cookies {
        "; Secure"
    } else {
        ""
    };
    if let Ok(v) = HeaderValue::from_str(&format!(
        "{SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0{secure}"
    )) {
        response.headers_mut().append(header::SET_COOKIE, v);
    }
    Ok(response)
}

/// This module's pages and forms, registered by `pages::router`.
pub fn router() -> axum::Router<crate::AppState> {
    use axum::routing::{get, post};
    axum::Router::new()
        .route("/sign-in", get(sign_in_page).post(sign_in))
        .route("/sign-out", post(sign_out))
}
