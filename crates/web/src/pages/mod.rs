//! The pages: server-rendered, accessible HTML that works without
//! JavaScript. Sign-in makes a server-side session (cookie `HttpOnly`,
//! `SameSite=Lax`, `Secure` behind HTTPS); every state-changing form is
//! checked for its origin and its session's CSRF token. Pages apply the same
//! need-to-know rules as the API: another team's case is a 404, logged and
//! audited.

pub mod admin;
pub mod audit;
pub mod caseload;
pub mod cases;
pub mod clients;
pub mod deadline_list;
pub mod deadlines;
pub mod feed;
pub mod format;
pub mod notes;
pub mod notifications;
pub mod obstacles;
pub mod outcomes;
pub mod policies;
pub mod priority;
pub mod session;
pub mod tasks;
pub mod team;
pub mod tokens;

use askama::Template;
use axum::Router;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::get;
use caseload_domain::users::Role;
use caseload_store::{Case, StoreError, User};

use crate::AppState;

/// Every page: each capability's module registers its own routes
/// (`router()` beside its handlers), so adding one is a line here.
pub fn router(state: AppState) -> Router {
    Router::new()
        .route("/", get(start))
        .route("/static/app.css", get(stylesheet))
        .route("/static/app.js", get(script))
        .merge(session::router())
        .merge(caseload::router())
        .merge(clients::router())
        .merge(cases::router())
        .merge(notes::router())
        .merge(outcomes::router())
        .merge(obstacles::router())
        .merge(tasks::router())
        .merge(deadlines::router())
        .merge(team::router())
        .merge(admin::router())
        .merge(audit::router())
        .merge(notifications::router())
        .merge(deadline_list::router())
        .merge(feed::router())
        .merge(policies::router())
        .merge(priority::router())
        .merge(tokens::router())
        .with_state(state)
}

/// Each role's start page: where `/`, the logo and signing in lead.
pub fn home(role: Role) -> &'static str {
    start_page(role).0
}

/// Each role's start page and its name.
fn start_page(role: Role) -> (&'static str, &'static str) {
    match role {
        Role::Practitioner | Role::Supervisor => ("/caseload", "My caseload"),
        Role::Admin => ("/admin/users", "Administration"),
        Role::Auditor => ("/audit", "The audit trail"),
    }
}

/// Handles `GET /`: the signed-in user's start page (signing in first if need be).
async fn start(viewer: Viewer) -> Redirect {
    Redirect::to(home(viewer.user.role))
}

tokio::task_local! {
    /// The signed-in header of the request being answered, once its viewer
    /// is known, so that an error page keeps the navigation and sign-out.
    static SIGNED_IN: std::cell::RefCell<Option<Chrome>>;
}

/// Middleware: gives each request a place for its signed-in header.
pub async fn keep_chrome_for_errors(
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> Response {
    SIGNED_IN
        .scope(std::cell::RefCell::new(None), next.run(request))
        .await
}

fn remember_chrome(viewer: &Viewer) {
    let _ = SIGNED_IN.try_with(|c| *c.borrow_mut() = Some(viewer.chrome("")));
}

fn remembered_chrome() -> Option<Chrome> {
    SIGNED_IN.try_with(|c| c.borrow().clone()).ok().flatten()
}

/// A page for an address that does not exist, with the header of whoever
/// is signed in.
pub async fn not_found(state: AppState, request: Request) -> Response {
    let (mut parts, _) = request.into_parts();
    let _ = Viewer::from_request_parts(&mut parts, &state).await;
    PageError::NotFound.into_response()
}

async fn stylesheet() -> impl IntoResponse {
    static_asset(
        "text/css; charset=utf-8",
        include_str!("../../static/app.css"),
    )
}

async fn script() -> impl IntoResponse {
    static_asset(
        "text/javascript; charset=utf-8",
        include_str!("../../static/app.js"),
    )
}

fn static_asset(content_type: &'static str, body: &'static str) -> Response {
    let mut r = body.into_response();
    r.headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    r.headers_mut().insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("public, max-age=3600"),
    );
    r
}

/// What every page's header needs: who is signed in, what they may reach,
/// and the CSRF token for the sign-out button.
#[derive(Debug, Clone)]
pub struct Chrome {
    pub user_name: String,
    pub role: &'static str,
    pub works_cases: bool,
    pub supervisor: bool,
    pub admin: bool,
    pub auditor: bool,
    pub csrf: String,
    pub current: &'static str,
    /// The role's start page and its name.
    pub home: (&'static str, &'static str),
    /// Unacknowledged notifications, read with the session.
    pub unread: i64,
}

/// A signed-in person looking at pages.
#[derive(Debug, Clone)]
pub struct Viewer {
    pub user: User,
    pub csrf: String,
    pub session_hash: String,
    pub request_id: String,
    /// Unacknowledged notifications, read with the session.
    pub unread_notifications: i64,
}

impl Viewer {
    pub fn chrome(&self, current: &'static str) -> Chrome {
        Chrome {
            user_name: self.user.name.clone(),
            role: self.user.role.label(),
            works_cases: self.user.role.works_cases(),
            supervisor: self.user.role == Role::Supervisor,
            admin: self.user.role == Role::Admin,
            auditor: self.user.role == Role::Auditor,
            csrf: self.csrf.clone(),
            current,
            home: start_page(self.user.role),
            unread: self.unread_notifications,
        }
    }

    pub fn write_ctx(&self, state: &AppState) -> caseload_store::WriteCtx {
        caseload_store::WriteCtx {
            actor: self.user.id.clone(),
            at: state.clock.now(),
            request_id: self.request_id.clone(),
        }
    }

    pub async fn audit(
        &self,
        state: &AppState,
        action: &str,
        object_type: &'static str,
        id: Option<&str>,
    ) -> Result<(), PageError> {
        crate::access::audit(state, &self.user, &self.request_id, action, object_type, id)
            .await
            .map_err(PageError::from)
    }

    /// Log and audit a denied look at a record; answer "not found".
    pub async fn denied(&self, state: &AppState, object_type: &'static str, id: &str) -> PageError {
        match crate::access::deny(state, &self.user, &self.request_id, object_type, id).await {
            Ok(()) => PageError::NotFound,
            Err(e) => e.into(),
        }
    }

    /// Only practitioners and supervisors work with case records.
    pub fn require_case_worker(&self) -> Result<(), PageError> {
        if self.user.role.works_cases() {
            Ok(())
        } else {
            Err(PageError::Forbidden)
        }
    }

    /// A case this viewer may work on, or 404 (logged when it exists).
    pub async fn case(&self, state: &AppState, id: &str) -> Result<Case, PageError> {
        match crate::access::case(state, &self.user, &self.request_id, id).await? {
            crate::access::Reach::Found(case) => Ok(case),
            _ => Err(PageError::NotFound),
        }
    }
}

/// Why a page cannot be shown.
#[derive(Debug)]
pub enum PageError {
    /// Not signed in (or the session ended): go to the sign-in page.
    SignIn {
        next: String,
        reason: Option<&'static str>,
    },
    NotFound,
    Forbidden,
    /// A cross-site or token-less form post.
    Csrf,
    /// The form was sent twice or the record changed meanwhile.
    Conflict(String),
    /// A form that is not a form (its bytes are not UTF-8, say): 400.
    BadRequest(String),
    /// A form larger than the server accepts: 413.
    TooLarge,
    /// The database cannot do this now: a calm "temporarily unavailable".
    Unavailable {
        what: caseload_store::Outage,
        reference: String,
    },
    Internal {
        reference: String,
    },
}

impl PageError {
    /// Log an unexpected failure with the request's reference, and answer
    /// 500 quoting it.
    pub fn internal(error: impl std::fmt::Debug) -> PageError {
        let reference = crate::request_id::reference();
        tracing::error!(reference, error = ?error, "internal error (page)");
        crate::request_id::cause_logged();
        PageError::Internal { reference }
    }
}

impl From<StoreError> for PageError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound(_) => PageError::NotFound,
            StoreError::Conflict(kind) => {
                PageError::Conflict(crate::problem::conflict_detail(&kind))
            }
            StoreError::Unavailable { what, source } => PageError::Unavailable {
                what,
                reference: crate::problem::log_outage(what, source.as_ref()),
            },
            StoreError::Other(source) => {
                let reference = crate::request_id::reference();
                tracing::error!(reference, error = %source, "internal error (page)");
                crate::request_id::cause_logged();
                PageError::Internal { reference }
            }
        }
    }
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage<'a> {
    title: &'a str,
    message: &'a str,
    reference: Option<&'a str>,
    /// The signed-in header, when the viewer is known.
    chrome: Option<Chrome>,
    /// Where "your start page" is, and what it is called.
    home: (&'static str, &'static str),
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        let (status, title, message, reference) = match &self {
            PageError::SignIn { next, reason } => {
                let mut target = String::from("/sign-in");
                if next.starts_with('/') && !next.starts_with("//") && next != "/" {
                    target.push_str("?next=");
                    target.push_str(&next.replace(['?', '#', '&'], ""));
                }
                if reason.is_some() {
                    target.push_str(if target.contains('?') { "&" } else { "?" });
                    target.push_str("expired=1");
                }
                return Redirect::to(&target).into_response();
            }
            PageError::NotFound => (
                StatusCode::NOT_FOUND,
                "Page not found",
                "There is nothing here, or you do not have access to it.",
                None,
            ),
            PageError::Forbidden => (
                StatusCode::FORBIDDEN,
                "Not available to you",
                "Your role does not give access to this page.",
                None,
            ),
            PageError::Csrf => (
                StatusCode::FORBIDDEN,
                "Form not accepted",
                "This form was sent from another site, or its security token had expired. Nothing was changed. Go back, reload the page and try again.",
                None,
            ),
            PageError::Conflict(m) => (StatusCode::CONFLICT, "Already done", m.as_str(), None),
            PageError::BadRequest(m) => (
                StatusCode::BAD_REQUEST,
                "Form not understood",
                m.as_str(),
                None,
            ),
            PageError::TooLarge => (
                StatusCode::PAYLOAD_TOO_LARGE,
                "Form too large",
                "This form is larger than the server accepts. Nothing was changed. Shorten what you wrote and send it again.",
                None,
            ),
            PageError::Unavailable { what, reference } => (
                StatusCode::SERVICE_UNAVAILABLE,
                "Temporarily unavailable",
                page_unavailable_message(*what),
                Some(reference.as_str()),
            ),
            PageError::Internal { reference } => (
                StatusCode::INTERNAL_SERVER_ERROR,
                "Something went wrong",
                "Something went wrong on our side. Nothing you had saved was lost. If it happens again, quote the reference below.",
                Some(reference.as_str()),
            ),
        };
        let chrome = remembered_chrome();
        let home = chrome.as_ref().map_or(("/sign-in", "Sign in"), |c| c.home);
        let page = ErrorPage {
            title,
            message,
            reference,
            chrome,
            home,
        };
        let mut response = match page.render() {
            Ok(html) => (status, Html(html)).into_response(),
            Err(_) => (status, title.to_owned()).into_response(),
        };
        if let PageError::Unavailable { what, .. } = &self
            && let Some(seconds) = what.retry_after()
        {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(seconds));
        }
        response
    }
}

/// The calm words of the "temporarily unavailable" page.
fn page_unavailable_message(what: caseload_store::Outage) -> &'static str {
    use caseload_store::Outage;
    match what {
        Outage::DiskFull => {
            "Caseload has run out of storage space, so it cannot save anything until an operator frees some. Nothing you had already saved was lost, and you can still read records. If you were sending a form, your browser's Back button takes you back to it. Please tell your administrator."
        }
        Outage::ReadOnly => {
            "Caseload cannot save changes at the moment. Nothing you had already saved was lost. If you were sending a form, your browser's Back button takes you back to it. Please try again later."
        }
        Outage::Busy => {
            "Caseload is busy and could not do this in time. Nothing was changed. If you were sending a form, your browser's Back button takes you back to it. Please try again in a moment."
        }
        Outage::Unreachable => {
            "Caseload cannot reach its database at the moment. Nothing you had already saved was lost. If you were sending a form, your browser's Back button takes you back to it. Please try again in a few seconds."
        }
    }
}

/// Render a template as a page.
pub fn render<T: Template>(t: &T) -> Result<Response, PageError> {
    t.render().map(|h| Html(h).into_response()).map_err(|e| {
        let reference = crate::request_id::reference();
        tracing::error!(reference, error = %e, "template failed to render");
        crate::request_id::cause_logged();
        PageError::Internal { reference }
    })
}

/// Render a form re-shown with errors: 422, so scripts and tests can tell.
pub fn render_invalid<T: Template>(t: &T) -> Result<Response, PageError> {
    let mut r = render(t)?;
    *r.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    Ok(r)
}

/// Render a form re-shown, with what was typed, because a storage fault
/// stopped it being saved (503, with `Retry-After` where waiting helps):
/// a note someone spent twenty minutes on is not lost to a busy disk. The
/// fault is logged once, and the caller has put [`unsaved_message`] among
/// the form's errors.
pub fn render_unsaved<T: Template>(
    t: &T,
    what: caseload_store::Outage,
) -> Result<Response, PageError> {
    let mut r = render(t)?;
    *r.status_mut() = StatusCode::SERVICE_UNAVAILABLE;
    if let Some(seconds) = what.retry_after() {
        r.headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from(seconds));
    }
    Ok(r)
}

/// The fault that stopped a form being saved, logged once (as any 5xx is)
/// with its reference, and the words to show above the kept form.
pub fn unsaved_message(
    what: caseload_store::Outage,
    source: &(dyn std::error::Error + Send + Sync + 'static),
) -> String {
    use caseload_store::Outage;
    let reference = crate::problem::log_outage(what, source);
    let why = match what {
        Outage::DiskFull => {
            "Caseload has run out of storage space. What you typed is still here: keep a copy, and tell your administrator"
        }
        Outage::ReadOnly => {
            "Caseload cannot save changes at the moment. What you typed is still here: send it again later"
        }
        Outage::Busy => {
            "Caseload was busy and could not save it in time. What you typed is still here: send it again in a moment"
        }
        Outage::Unreachable => {
            "Caseload cannot reach its database at the moment. What you typed is still here: send it again in a few seconds"
        }
    };
    format!("Not saved. {why} (reference {reference}).")
}

/// Render a form re-shown because the record changed since it was opened: 409.
pub fn render_conflict<T: Template>(t: &T) -> Result<Response, PageError> {
    let mut r = render(t)?;
    *r.status_mut() = StatusCode::CONFLICT;
    Ok(r)
}

/// After a successful form: see the result (POST/redirect/GET).
pub fn see_other(path: &str) -> Response {
    Redirect::to(path).into_response()
}

/// After a successful form, back to `path` with a confirmation of what was
/// saved (`?saved=<what>&item=<id>`, then `#anchor`). The page shown words
/// the confirmation itself from its own records (see [`saved_from`]), so no
/// text from the URL is ever shown back.
pub fn see_saved(path: &str, what: &str, item: Option<&str>, anchor: &str) -> Response {
    let mut target = format!("{path}?saved={what}");
    if let Some(item) = item.filter(|i| i.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')) {
        target.push_str("&item=");
        target.push_str(item);
    }
    if !anchor.is_empty() {
        target.push('#');
        target.push_str(anchor);
    }
    see_other(&target)
}

/// What a form just saved, from the query of the page it redirected to:
/// one of the page's `known` words (anything else is ignored) and the id of
/// the record, for the page to look up and describe in a `role="status"`
/// region.
pub fn saved_from(
    query: &[(String, String)],
    known: &[&'static str],
) -> Option<(&'static str, String)> {
    let value = |name: &str| {
        query
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    };
    let what = known.iter().find(|k| Some(**k) == value("saved"))?;
    Some((what, value("item").unwrap_or("").to_owned()))
}

pub const SESSION_COOKIE: &str = "caseload_session";

pub fn cookie_value<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .find_map(|pair| {
            let (k, v) = pair.trim().split_once('=')?;
            (k == name).then_some(v)
        })
}

impl FromRequestParts<AppState> for Viewer {
    type Rejection = PageError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let (viewer, _) = look_up_viewer(parts, state, false).await?;
        Ok(viewer)
    }
}

/// A signed-in user looking at their own queue, with the mark of their
/// caseload read along with their session (see `crate::caseloads`).
pub struct QueueViewer {
    pub viewer: Viewer,
    pub mark: caseload_store::CaseloadMark,
}

impl FromRequestParts<AppState> for QueueViewer {
    type Rejection = PageError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let (viewer, mark) = look_up_viewer(parts, state, true).await?;
        Ok(QueueViewer {
            viewer,
            mark: mark.unwrap_or_default(),
        })
    }
}

/// The signed-in user the session cookie belongs to; with `with_mark`,
/// their caseload's mark too, read in the same statement.
async fn look_up_viewer(
    parts: &mut Parts,
    state: &AppState,
    with_mark: bool,
) -> Result<(Viewer, Option<caseload_store::CaseloadMark>), PageError> {
    let next = parts.uri.path().to_owned();
    let request_id = crate::request_id::RequestId::from_request_parts(parts, state)
        .await
        .unwrap_or_else(|e| match e {})
        .0;
    let Some(secret) = cookie_value(&parts.headers, SESSION_COOKIE) else {
        return Err(PageError::SignIn { next, reason: None });
    };
    let hash = crate::auth::token_hash(secret);
    let found = if with_mark {
        state
            .store
            .get_session_with_caseload_mark(&hash)
            .await?
            .map(|(session, mark)| (session, Some(mark)))
    } else {
        state.store.get_session(&hash).await?.map(|s| (s, None))
    };
    let Some((session, mark)) = found else {
        return Err(PageError::SignIn {
            next,
            reason: Some("expired"),
        });
    };
    let now = state.clock.now();
    let settings = &state.settings;
    let idle = now.duration_since(session.last_seen_at) > settings.session_idle;
    let too_old = now.duration_since(session.created_at) > settings.session_absolute;
    if idle || too_old {
        state.store.revoke_session(&hash, now).await?;
        tracing::info!(user = %session.user.id, idle, too_old, "session ended by timeout");
        return Err(PageError::SignIn {
            next,
            reason: Some("expired"),
        });
    }
    // Note activity at most once a minute, not on every request.
    if now.duration_since(session.last_seen_at) > jiff::SignedDuration::from_secs(60) {
        state.store.touch_session(&hash, now).await?;
    }
    let viewer = Viewer {
        user: session.user,
        csrf: session.csrf_token,
        session_hash: hash,
        request_id,
        unread_notifications: session.unread_notifications,
    };
    remember_chrome(&viewer);
    Ok((viewer, mark))
}

/// Does the request come from our own pages? Browsers say so with
/// `Sec-Fetch-Site` and `Origin`; either, when present, must agree. An
/// `Origin` must match ours in scheme, host and port: our scheme is `https`
/// when the site is served over HTTPS (`secure_cookies`), else `http`, and
/// our host and port are the request's `Host`. So `http://host` posting to
/// `https://host`, or another port of the same host, is cross-origin.
pub fn same_origin(headers: &HeaderMap, https: bool) -> bool {
    if let Some(site) = headers.get("sec-fetch-site").and_then(|v| v.to_str().ok())
        && !matches!(site, "same-origin" | "none")
    {
        return false;
    }
    if let Some(origin) = headers.get(header::ORIGIN) {
        let ours = headers
            .get(header::HOST)
            .and_then(|v| v.to_str().ok())
            .and_then(|host| Origin::parse(if https { "https" } else { "http" }, host));
        let theirs = origin.to_str().ok().and_then(|o| {
            let (scheme, rest) = o.split_once("://")?;
            Origin::parse(scheme, rest)
        });
        return matches!((ours, theirs), (Some(a), Some(b)) if a == b);
    }
    true
}

/// A web origin: scheme, host and port (the scheme's default port when
/// none is written), compared without regard to case.
#[derive(Debug, PartialEq, Eq)]
struct Origin {
    scheme: String,
    host: String,
    port: u16,
}

impl Origin {
    /// `scheme` and `host[:port]`, as an `Origin` header or `Host` gives them.
    fn parse(scheme: &str, authority: &str) -> Option<Origin> {
        let scheme = scheme.to_ascii_lowercase();
        let default = match scheme.as_str() {
            "http" => 80,
            "https" => 443,
            _ => return None,
        };
        if authority.is_empty()
            || authority
                .bytes()
                .any(|b| matches!(b, b'/' | b'?' | b'#' | b'@' | b'\\') || !b.is_ascii_graphic())
        {
            return None;
        }
        // `[::1]:8080`: the port follows the last colon after any `]`.
        let after_bracket = authority.rfind(']').map_or(0, |i| i + 1);
        let (host, port) = match authority[after_bracket..].rfind(':') {
            Some(i) => {
                let i = after_bracket + i;
                (&authority[..i], authority[i + 1..].parse::<u16>().ok()?)
            }
            None => (authority, default),
        };
        (!host.is_empty()).then(|| Origin {
            scheme,
            host: host.to_ascii_lowercase(),
            port,
        })
    }
}

/// A submitted form's fields, in order.
#[derive(Debug, Default, Clone)]
pub struct Fields(pub Vec<(String, String)>);

impl Fields {
    pub fn get(&self, name: &str) -> &str {
        self.0
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
            .unwrap_or("")
    }
    pub fn opt(&self, name: &str) -> Option<&str> {
        Some(self.get(name)).filter(|v| !v.trim().is_empty())
    }
}

/// A state-changing form from a signed-in viewer: same origin, and carrying
/// the session's CSRF token. Anything else is refused with 403 and changes
/// nothing.
pub struct CsrfForm(pub Viewer, pub Fields);

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

impl FromRequest<AppState> for CsrfForm {
    type Rejection = PageError;

    async fn from_request(req: Request, state: &AppState) -> Result<Self, Self::Rejection> {
        let (mut parts, body) = req.into_parts();
        // Origin first: a cross-site post is refused whether or not the
        // browser sent the session cookie along.
        if !same_origin(&parts.headers, state.settings.secure_cookies) {
            tracing::warn!(path = %parts.uri.path(), "cross-site form post refused");
            return Err(PageError::Csrf);
        }
        let viewer = Viewer::from_request_parts(&mut parts, state).await?;
        let req = Request::from_parts(parts, body);
        let bytes = axum::body::Bytes::from_request(req, state)
            .await
            .map_err(|rejection| body_error(rejection.status()))?;
        let fields = Fields(form_fields(&bytes)?);
        if !constant_time_eq(fields.get("csrf").as_bytes(), viewer.csrf.as_bytes()) {
            tracing::warn!(user = %viewer.user.id, "form post without a valid CSRF token refused");
            return Err(PageError::Csrf);
        }
        Ok(CsrfForm(viewer, fields))
    }
}

/// A form's fields from its body: 400 for bytes that are not UTF-8.
pub fn form_fields(body: &[u8]) -> Result<Vec<(String, String)>, PageError> {
    crate::extract::form_pairs(body).map_err(|message| {
        tracing::info!(message, "form refused");
        PageError::BadRequest(message)
    })
}

/// A body that could not be read: too large (413), else cut short (400).
pub(crate) fn body_error(status: StatusCode) -> PageError {
    if status == StatusCode::PAYLOAD_TOO_LARGE {
        PageError::TooLarge
    } else {
        PageError::BadRequest("the form could not be read".into())
    }
}

/// Errors keyed by field, for templates.
#[derive(Debug, Default, Clone)]
pub struct FormErrors(pub Vec<(String, String)>);

impl FormErrors {
    /// Messages read "Title is required": each field's label, then the problem.
    pub fn labelled(errors: &caseload_domain::FieldErrors, labels: &[(&str, &str)]) -> Self {
        FormErrors(
            errors
                .0
                .iter()
                .map(|e| {
                    let label = labels
                        .iter()
                        .find(|(f, _)| *f == e.field)
                        .map(|(_, l)| *l)
                        .unwrap_or("This field");
                    (e.field.replace('.', "-"), format!("{label} {}", e.message))
                })
                .collect(),
        )
    }
    pub fn get(&self, field: &str) -> &str {
        self.0
            .iter()
            .find(|(f, _)| f == field)
            .map(|(_, m)| m.as_str())
            .unwrap_or("")
    }
    pub fn has(&self, field: &str) -> bool {
        self.0.iter().any(|(f, _)| f == field)
    }
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
    pub fn push(&mut self, field: &str, message: &str) {
        self.0.push((field.to_owned(), message.to_owned()));
    }
}
