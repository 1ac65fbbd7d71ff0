//! A browser's view of the test app shared by the pages' test files: forms,
//! CSRF tokens and signing in.

use axum::body::Body;
use axum::http::{Method, Request, StatusCode};
use caseload_store::prelude::*;

use crate::support::{Resp, TestApp};

pub(crate) const PASSWORD: &str = "plum kettle orbit";

pub(crate) struct Browser<'a> {
    pub(crate) app: &'a TestApp,
    pub(crate) cookie: String,
}

impl Resp {
    pub(crate) fn html(&self) -> &str {
        self.body.as_str().unwrap_or("")
    }
    pub(crate) fn location(&self) -> &str {
        self.headers
            .get("location")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
    }
}

pub(crate) fn form_body(fields: &[(&str, &str)]) -> String {
    fields
        .iter()
        .map(|(k, v)| format!("{}={}", urlencode(k), urlencode(v)))
        .collect::<Vec<_>>()
        .join("&")
}

pub(crate) fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            b' ' => "+".to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

pub(crate) fn csrf_of(html: &str) -> String {
    let marker = "name=\"csrf\" value=\"";
    let start = html.find(marker).expect("a csrf field") + marker.len();
    html[start..].split('"').next().unwrap().to_owned()
}

pub(crate) async fn set_password(app: &TestApp, email: &str) {
    let user = app.store.find_user_by_email(email).await.unwrap().unwrap();
    app.store
        .set_password(&user.id, &caseload_web::passwords::hash(PASSWORD).unwrap())
        .await
        .unwrap();
}

pub(crate) async fn post_form(
    app: &TestApp,
    path: &str,
    cookie: Option<&str>,
    fields: &[(&str, &str)],
    site: &str,
) -> Resp {
    let mut req = Request::builder()
        .method(Method::POST)
        .uri(path)
        .header("content-type", "application/x-www-form-urlencoded")
        .header("host", "caseload.test")
        .header("sec-fetch-site", site);
    if site == "same-origin" {
        // The page was served over HTTPS when the app is set up for it.
        let scheme = if app.state.settings.secure_cookies {
            "https"
        } else {
            "http"
        };
        req = req.header("origin", format!("{scheme}://caseload.test"));
    }
    if let Some(c) = cookie {
        req = req.header("cookie", c);
    }
    app.raw(req.body(Body::from(form_body(fields))).unwrap())
        .await
}

pub(crate) async fn sign_in<'a>(app: &'a TestApp, email: &str) -> Browser<'a> {
    set_password(app, email).await;
    let r = post_form(
        app,
        "/sign-in",
        None,
        &[("email", email), ("password", PASSWORD), ("next", "")],
        "same-origin",
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.html());
    let set_cookie = r
        .headers
        .get("set-cookie")
        .unwrap()
        .to_str()
        .unwrap()
        .to_owned();
    let cookie = set_cookie.split(';').next().unwrap().to_owned();
    Browser { app, cookie }
}

impl Browser<'_> {
    pub(crate) async fn get(&self, path: &str) -> Resp {
        let req = Request::builder()
            .uri(path)
            .header("cookie", &self.cookie)
            .body(Body::empty())
            .unwrap();
        self.app.raw(req).await
    }
    /// Fetch a page, then submit its form with the page's CSRF token.
    pub(crate) async fn submit(&self, page: &str, action: &str, fields: &[(&str, &str)]) -> Resp {
        let csrf = csrf_of(self.get(page).await.html());
        let mut all: Vec<(&str, &str)> = vec![("csrf", &csrf)];
        all.extend_from_slice(fields);
        post_form(self.app, action, Some(&self.cookie), &all, "same-origin").await
    }
}

// ---- The case page reads from now backwards (issue 13) ----------------------

/// Where `needle` first appears in `html` (panics if it does not).
pub(crate) fn at(html: &str, needle: &str) -> usize {
    html.find(needle)
        .unwrap_or_else(|| panic!("{needle:?} not on the page"))
}

/// The text of the page's `role="status"` region.
pub(crate) fn status_of(html: &str) -> String {
    let start = at(html, "role=\"status\"");
    let end = start + html[start..].find("</div>").unwrap();
    html[start..end].to_owned()
}

/// A form post to `path` as a browser on `origin` sends it to `host` (no
/// `Sec-Fetch-Site`, as older browsers), with the session `cookie` if any.
pub(crate) fn form_request(
    path: &str,
    host: &str,
    origin: &str,
    cookie: Option<&str>,
    body: impl Into<Body>,
) -> Request<Body> {
    let mut req = Request::builder()
        .method(Method::POST)
        .uri(path)
        .header("content-type", "application/x-www-form-urlencoded")
        .header("host", host)
        .header("origin", origin);
    if let Some(c) = cookie {
        req = req.header("cookie", c);
    }
    req.body(body.into()).unwrap()
}
