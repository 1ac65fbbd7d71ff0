//! Caseload's HTTP face. [`router`] builds the whole application: the JSON
//! API under `/api/v1` (described by its OpenAPI document) and the pages.
//!
//! The crate has three kinds of module:
//! - **Capabilities** (`cases`, `clients`, `deadlines`, `notes`,
//!   `notifications`, `obstacles`, `outcomes`, `priorities`, `queue`, `reevaluation`,
//!   `tasks`, `timescales`, `tokens`): one function per operation — check what a body
//!   or form asks for and turn it into domain and store values, assess a
//!   case, build the queue — called alike by both faces. The rules
//!   themselves are `caseload_domain`'s; these gather what the rules need
//!   from the store and the settings in force.
//! - **The two faces**: `api` (JSON handlers) and `pages` (HTML handlers).
//!   Each calls the capabilities, never the other face: a page never
//!   imports an API module.
//! - **Plumbing** both faces share: `auth`, `access` (need-to-know and the
//!   audit log), `extract`, `problem` (errors as problem+json), `reference`
//!   (the settings in force, cached), `caseloads` (kept caseload rows),
//!   `metrics` (what `/metrics` reports), `passwords`, `request_id`, `schema` (the domain's text rules as the
//!   API document states them), `security`.
//!
//! Dependencies run one way: faces → capabilities → plumbing → the store
//! and the domain.

pub mod access;
pub mod api;
pub mod auth;
pub mod caseloads;
pub mod cases;
pub mod client_address;
pub mod clients;
pub mod deadlines;
pub mod extract;
pub mod metrics;
pub mod notes;
pub mod notifications;
pub mod obstacles;
pub mod outcomes;
pub mod pages;
pub mod passwords;
pub mod priorities;
pub mod problem;
pub mod queue;
pub mod reevaluation;
pub mod reference;
pub mod request_id;
pub mod schema;
pub mod security;
pub mod settings;
pub mod tasks;
pub mod timescales;
pub mod tokens;

use std::sync::Arc;

use axum::Router;
use caseload_domain::Clock;
use caseload_store::prelude::*;
pub use settings::{Secret, Settings};

/// Everything a handler needs, cheap to clone.
#[derive(Clone)]
pub struct AppState {
    pub store: Arc<dyn Store>,
    pub clock: Arc<dyn Clock>,
    pub settings: Arc<Settings>,
    pub tz: jiff::tz::TimeZone,
    /// The deadline rules in use (the shipped catalogue unless configured).
    pub deadlines: Arc<caseload_domain::deadlines::Catalogue>,
    /// The settings every request reads, held until they change.
    pub reference: Arc<reference::Cache>,
    /// Read audit events, committed in groups.
    pub audit_log: Arc<access::AuditLog>,
    /// Practitioners' caseload rows, kept while they stand.
    pub caseloads: Arc<caseloads::CaseloadCache>,
    /// What `/metrics` reports: requests, re-evaluations, sign-in failures.
    pub metrics: Arc<metrics::Metrics>,
}

impl AppState {
    pub fn new(store: Arc<dyn Store>, clock: Arc<dyn Clock>, settings: Settings) -> Self {
        let tz = pages::format::zone(&settings.time_zone);
        let caseloads = Arc::new(caseloads::CaseloadCache::with_budget(
            settings.kept_caseload_rows,
        ));
        Self {
            store,
            clock,
            settings: Arc::new(settings),
            tz,
            deadlines: Arc::new(caseload_domain::deadlines::Catalogue::shipped()),
            reference: Arc::default(),
            audit_log: Arc::default(),
            caseloads,
            metrics: Arc::default(),
        }
    }

    /// The settings in force (policies, timescales, calendars): held in
    /// memory, re-read when the database says they changed.
    pub async fn reference(&self) -> Result<Arc<reference::Reference>, caseload_store::StoreError> {
        self.reference.get(&*self.store).await
    }

    /// A division's working-day calendar as the organisation keeps it:
    /// imported official holidays and its closure days.
    pub async fn calendar(
        &self,
        division: caseload_domain::calendars::Division,
    ) -> Result<caseload_domain::calendars::Calendar, caseload_store::StoreError> {
        Ok((*self.reference().await?.calendar(division)).clone())
    }

    /// Which calendar a team counts in: its own, else the organisation's,
    /// else England and Wales.
    pub async fn division_for(
        &self,
        team: Option<&caseload_domain::ids::TeamId>,
    ) -> Result<caseload_domain::calendars::Division, caseload_store::StoreError> {
        Ok(self.reference().await?.division_for(team))
    }

    /// Today in the organisation's time zone.
    pub fn today(&self) -> jiff::civil::Date {
        self.clock.now().to_zoned(self.tz.clone()).date()
    }
}

/// The whole application.
pub fn router(state: AppState) -> Router {
    let app = Router::new()
        .merge(api::router(state.clone()))
        .merge(pages::router(state.clone()))
        .merge(metrics::router(state.clone()))
        .route_layer(axum::middleware::from_fn(request_id::record_route))
        .fallback({
            let state = state.clone();
            move |request: axum::extract::Request| not_found(state.clone(), request)
        });
    // Wrap the router as one service (not route by route, as `Router::layer`
    // does) so the middleware sees final responses, `Allow` headers included.
    let app = tower::ServiceBuilder::new()
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            metrics::record,
        ))
        .layer(axum::middleware::from_fn(request_id::assign))
        .layer(axum::middleware::from_fn(reference::per_request))
        .layer(axum::middleware::from_fn(pages::keep_chrome_for_errors))
        .layer(axum::middleware::from_fn(security::headers))
        .layer(axum::middleware::from_fn(problem::bare_errors_as_problems))
        .service(app);
    Router::new().fallback_service(app)
}

/// Unknown addresses: problem+json under the API, a page elsewhere (with
/// the signed-in header, if someone is signed in).
pub(crate) async fn not_found(
    state: AppState,
    request: axum::extract::Request,
) -> axum::response::Response {
    use axum::response::IntoResponse;
    if request.uri().path().starts_with("/api/") {
        problem::not_found_fallback().await.into_response()
    } else {
        pages::not_found(state, request).await
    }
}

/// Serve until ctrl-c or SIGTERM, finishing requests in flight.
pub async fn serve(listener: tokio::net::TcpListener, state: AppState) -> std::io::Result<()> {
    let app = router(state).into_make_service_with_connect_info::<std::net::SocketAddr>();
    axum::serve(listener, app)
        .with_graceful_shutdown(shutdown_signal())
        .await
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! { () = ctrl_c => {}, () = terminate => {} }
    tracing::info!("shutting down");
}
