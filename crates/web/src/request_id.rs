//! A request id for every request: returned in `x-request-id`, carried by
//! the request's tracing span (so every log line of the request names it),
//! written to the audit trail, and given as the reference on 5xx problems and
//! error pages, so a user's report can be matched to the log.

use axum::extract::{FromRequestParts, MatchedPath, Request};
use axum::http::HeaderValue;
use axum::http::request::Parts;
use axum::middleware::Next;
use axum::response::Response;
use tracing::Instrument;

#[derive(Debug, Clone)]
pub struct RequestId(pub String);

tokio::task_local! {
    /// The id of the request this task is answering, so an error raised deep
    /// inside (a `From<StoreError>` has no request to hand) can quote it.
    static CURRENT: String;
    /// Whether the cause of this request's failure has been logged (see
    /// [`cause_logged`]), so a 5xx is logged once: with its cause where
    /// that is known, else by [`assign`] as it answers.
    static CAUSE_LOGGED: std::cell::Cell<bool>;
}

/// Say that the cause of this request's 5xx has been logged, with its
/// reference: [`assign`] then logs nothing more about it.
pub fn cause_logged() {
    let _ = CAUSE_LOGGED.try_with(|c| c.set(true));
}

fn new_request_id() -> String {
    let mut bytes = [0u8; 12];
    let _ = getrandom::fill(&mut bytes);
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The reference to give for a failure: the id of the request being
/// answered, or (outside any request, e.g. a background re-evaluation) a
/// fresh one.
pub fn reference() -> String {
    CURRENT
        .try_with(Clone::clone)
        .unwrap_or_else(|_| new_request_id())
}

/// Middleware: give the request an id, run the whole request inside a span
/// carrying it (with the method, and the route once routing has matched
/// one), and echo it on the response.
pub async fn assign(mut request: Request, next: Next) -> Response {
    let id = new_request_id();
    request.extensions_mut().insert(RequestId(id.clone()));
    let span = tracing::info_span!(
        "request",
        id = %id,
        method = %request.method(),
        route = tracing::field::Empty,
    );
    let mut response = CAUSE_LOGGED
        .scope(
            std::cell::Cell::new(false),
            CURRENT.scope(id.clone(), async move {
                let response = next.run(request).await;
                // Every 5xx is logged once, with its reference: if nothing
                // on the way logged a cause, say so here.
                if response.status().is_server_error() && !CAUSE_LOGGED.with(std::cell::Cell::get) {
                    tracing::error!(
                        reference = %reference(),
                        status = response.status().as_u16(),
                        "answered a server error whose cause was not logged"
                    );
                }
                response
            }),
        )
        .instrument(span)
        .await;
    if let Ok(v) = HeaderValue::from_str(&id) {
        response.headers_mut().insert("x-request-id", v);
    }
    response
}

/// Route middleware: name the matched route (`/api/v1/cases/{id}`, not the
/// path with its ids) on the request's span. Routing happens inside the span
/// [`assign`] opened, so the route is only known here.
pub async fn record_route(request: Request, next: Next) -> Response {
    if let Some(route) = request.extensions().get::<MatchedPath>() {
        tracing::Span::current().record("route", tracing::field::display(route.as_str()));
        crate::metrics::note_route(route);
    }
    next.run(request).await
}

impl<S: Send + Sync> FromRequestParts<S> for RequestId {
    type Rejection = std::convert::Infallible;
    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(parts
            .extensions
            .get::<RequestId>()
            .cloned()
            .unwrap_or_else(|| RequestId(reference())))
    }
}
