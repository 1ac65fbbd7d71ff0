//! Caseload's HTTP face. [`router`] builds the whole application: the JSON
//! API under `/api/v1` (described by its OpenAPI document) — and the pages,
//! as they land. Handlers parse input into domain types at the boundary,
//! check need-to-know access, call the [`Store`], and answer problem+json on
//! any error.

pub mod api;
pub mod auth;
pub mod extract;
pub mod problem;
pub mod request_id;

use std::sync::Arc;

use axum::Router;
use caseload_domain::Clock;
use caseload_store::Store;
use jiff::SignedDuration;

/// Settings the web layer needs. Loaded by the binary from its flags and
/// `CASELOAD_*` environment variables.
#[derive(Debug, Clone)]
pub struct Settings {
    /// A note recorded more than this after the contact is a late entry.
    pub note_late_window: SignedDuration,
    /// The largest request body accepted, in bytes.
    pub body_limit: usize,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            note_late_window: caseload_domain::notes::DEFAULT_LATE_WINDOW,
            body_limit: 256 * 1024,
        }
    }
}

/// Everything a handler needs, cheap to clone.
#[derive(Clone)]
pub struct AppState {
    pub store: Arc<dyn Store>,
    pub clock: Arc<dyn Clock>,
    pub settings: Arc<Settings>,
}

impl AppState {
    pub fn new(store: Arc<dyn Store>, clock: Arc<dyn Clock>, settings: Settings) -> Self {
        Self {
            store,
            clock,
            settings: Arc::new(settings),
        }
    }
}

/// The whole application.
pub fn router(state: AppState) -> Router {
    let app = Router::new()
        .nest("/api/v1", api::router(state.clone()))
        .fallback(problem::not_found_fallback);
    // Wrap the router as one service (not route by route, as `Router::layer`
    // does) so the middleware sees final responses, `Allow` headers included.
    let app = tower::ServiceBuilder::new()
        .layer(axum::middleware::from_fn(request_id::assign))
        .layer(axum::middleware::from_fn(problem::bare_errors_as_problems))
        .service(app);
    Router::new().fallback_service(app)
}

/// Serve until ctrl-c or SIGTERM, finishing requests in flight.
pub async fn serve(listener: tokio::net::TcpListener, state: AppState) -> std::io::Result<()> {
    axum::serve(listener, router(state))
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
