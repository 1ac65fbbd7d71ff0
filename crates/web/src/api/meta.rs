//! Service liveness and readiness, and the caller's own identity.
//!
//! A load balancer asks two questions. *Is the process alive?*
//! (`/api/v1/health`: answered from memory, never touching the database, so
//! a slow or lost database does not get a working server restarted.) *May
//! it be sent traffic?* (`/api/v1/ready`: the database answers a read and
//! takes a committed write now, each within the store's timeouts.) Neither
//! needs a token, and neither says more than ok or the kind of outage.

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use caseload_store::{Outage, StoreError};
use serde::Serialize;
use utoipa::ToSchema;

use crate::AppState;
use crate::auth::Caller;
use caseload_store::User;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

#[derive(Debug, Serialize, ToSchema)]
pub struct Health {
    /// Always `ok`: the server is up and answering. It says nothing of the
    /// database; ask `/api/v1/ready` for that.
    pub status: &'static str,
    /// `sqlite` or `postgres`.
    pub database: &'static str,
}

/// Handles `GET /api/v1/health`: is the server process up? (Liveness.)
///
/// Answered from memory, without touching the database: a liveness probe
/// that failed while the database was slow would have a working server
/// restarted. Whether the database works is `GET /api/v1/ready`.
#[utoipa::path(get, path = "/api/v1/health", tag = "service", security(()),
    responses((status = 200, body = Health)))]
pub async fn health(State(state): State<AppState>) -> Json<Health> {
    Json(Health {
        status: "ok",
        database: state.store.backend(),
    })
}

/// How one readiness probe went: `ok`, or the kind of outage (never its
/// cause, which is logged).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Probe {
    Ok,
    /// The database's disk is full.
    DiskFull,
    /// The database file or server accepts no writes.
    ReadOnly,
    /// Locked, or every connection in use, past the store's timeouts.
    Busy,
    /// The database cannot be reached or opened.
    Unreachable,
    /// Any other failure (see the log under the `reference`).
    Failed,
}

impl Probe {
    fn of(result: &Result<(), StoreError>) -> Self {
        match result {
            Ok(()) => Probe::Ok,
            Err(StoreError::Unavailable { what, .. }) => match what {
                Outage::DiskFull => Probe::DiskFull,
                Outage::ReadOnly => Probe::ReadOnly,
                Outage::Busy => Probe::Busy,
                Outage::Unreachable => Probe::Unreachable,
            },
            Err(_) => Probe::Failed,
        }
    }

    fn words(self) -> &'static str {
        match self {
            Probe::Ok => "ok",
            Probe::DiskFull => "its disk is full",
            Probe::ReadOnly => "it is read-only",
            Probe::Busy => "it is busy",
            Probe::Unreachable => "it cannot be reached",
            Probe::Failed => "it failed",
        }
    }
}

/// Ready: the database answered a read and took a committed write.
#[derive(Debug, Serialize, ToSchema)]
pub struct Ready {
    /// Always `ready`.
    pub status: &'static str,
    pub read: Probe,
    pub write: Probe,
}

/// Not ready (problem+json): which of reading and writing failed, and the
/// kind of outage.
#[derive(Debug, Serialize, ToSchema)]
pub struct NotReady {
    /// `urn:caseload:problem:not-ready`.
    #[serde(rename = "type")]
    pub kind: &'static str,
    pub title: &'static str,
    pub status: u16,
    /// Which of reading and writing failed, and why, in words.
    pub detail: String,
    /// Quote this when reporting the problem: the log has the cause.
    pub reference: String,
    pub read: Probe,
    pub write: Probe,
}

/// The readiness check's answer: 200 [`Ready`] or 503 [`NotReady`].
pub enum Readiness {
    Ready(Ready),
    NotReady(NotReady),
}

impl IntoResponse for Readiness {
    fn into_response(self) -> Response {
        match self {
            Readiness::Ready(ready) => Json(ready).into_response(),
            Readiness::NotReady(not) => {
                let mut r = (StatusCode::SERVICE_UNAVAILABLE, Json(not)).into_response();
                r.headers_mut().insert(
                    header::CONTENT_TYPE,
                    HeaderValue::from_static(crate::problem::PROBLEM_JSON),
                );
                r
            }
        }
    }
}

/// Handles `GET /api/v1/ready`: may this server be sent traffic?
/// (Readiness.) Ready when its database answers a read and takes a
/// committed write now (the one `readiness` row's `checked_at`), each
/// within the store's timeouts, so a full disk, a read-only database, a
/// lock held too long or a lost PostgreSQL each answer 503, naming which of
/// reading and writing failed and the kind of outage.
#[utoipa::path(get, path = "/api/v1/ready", tag = "service", security(()),
    responses(
        (status = 200, description = "The database reads and takes writes", body = Ready),
        (status = 503, description = "The database cannot be read or written now: `read` and `write` say which, and the kind of outage",
            body = NotReady, content_type = "application/problem+json")))]
pub async fn ready(State(state): State<AppState>) -> Readiness {
    let checked = state.store.readiness(state.clock.now()).await;
    let (read, write) = (Probe::of(&checked.read), Probe::of(&checked.write));
    if read == Probe::Ok && write == Probe::Ok {
        return Readiness::Ready(Ready {
            status: "ready",
            read,
            write,
        });
    }
    let reference = crate::request_id::reference();
    for (probe, result) in [("read", &checked.read), ("write", &checked.write)] {
        if let Err(e) = result {
            tracing::error!(reference, probe, error = %e, "not ready: the database failed a readiness probe");
        }
    }
    crate::request_id::cause_logged();
    let detail = match (read, write) {
        (Probe::Ok, w) => format!("the database can be read but not written: {}", w.words()),
        (r, Probe::Ok) => format!("the database can be written but not read: {}", r.words()),
        (r, w) => format!(
            "the database can be neither read ({}) nor written ({})",
            r.words(),
            w.words()
        ),
    };
    Readiness::NotReady(NotReady {
        kind: "urn:caseload:problem:not-ready",
        title: "Service Unavailable",
        status: 503,
        detail,
        reference,
        read,
        write,
    })
}

/// Handles `GET /api/v1/me`: the signed-in user.
#[utoipa::path(get, path = "/api/v1/me", tag = "service", responses((status = 200, body = User)))]
pub async fn me(caller: Caller) -> Json<User> {
    Json(caller.user)
}

/// This module's routes, each with its OpenAPI entry.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(health))
        .routes(routes!(ready))
        .routes(routes!(me))
}
