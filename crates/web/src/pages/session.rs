//! Signing in and out. Failed attempts are counted for each pair of account
//! and address, and for each address across accounts (in the database,
//! shared by every server), and paused with growing waits, and logged; a
//! new session id is issued at every sign-in; signing out revokes the
//! session on the server.

use askama::Template;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use caseload_domain::users::{ADDRESS_WINDOW, address_sign_in_pause, sign_in_pause};
use caseload_store::{NewAuditEvent, NewSession};
use serde::Deserialize;

use super::{
    CsrfForm, FormErrors, PageError, SESSION_COOKIE, cookie_value, render, same_origin, see_other,
};
use crate::AppState;
use crate::client_address::ClientAddress;
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

/// Where to go after signing in: `next` only when it is a path on this
/// site, else "" (the role's start page). A browser must resolve it to our
/// own origin whatever it does with it, so it must begin with exactly one
/// `/` (not `//`, which is another host, nor `/\`, which browsers read as
/// `//`), be printable ASCII with no backslash at all (browsers drop tabs and
/// newlines and read `\` as `/`), and stay so when its percent-escapes are
/// undone, however many times (`/%5Cevil.example/`, `/%09/evil.example`,
/// `/%2F%2Fevil.example`). The sign-in and sign-out pages are no destination.
pub(crate) fn safe_next(next: &str) -> String {
    fn local(path: &[u8]) -> bool {
        path.first() == Some(&b'/')
            && !matches!(path.get(1), Some(b'/' | b'\\'))
            && path.iter().all(|b| b.is_ascii_graphic() && *b != b'\\')
    }
    let mut form = next.as_bytes().to_vec();
    // Each round undoes one layer of escapes; a path that still changes
    // after a few layers is no honest link.
    for _ in 0..4 {
        if !local(&form) {
            return String::new();
        }
        let decoded = crate::extract::percent_decode(&form);
        if decoded == form {
            return if next.starts_with("/sign-") {
                String::new()
            } else {
                next.to_owned()
            };
        }
        form = decoded;
    }
    String::new()
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
        .map_err(PageError::internal)
}

/// Failures for an account from an address are forgotten after a quiet day.
const FORGET_AFTER: jiff::SignedDuration = jiff::SignedDuration::from_hours(24);

/// An address's failures to any account are counted under this account,
/// which no email address can be (an empty one is refused first).
const ANY_ACCOUNT: &str = "";

/// "1 second", "30 seconds", "2 minutes": how long to wait, rounded up.
fn wait_words(seconds: i64) -> String {
    match seconds {
        ..=1 => "1 second".into(),
        2..=90 => format!("{seconds} seconds"),
        _ => format!("{} minutes", (seconds + 59) / 60),
    }
}

/// Handles `POST /sign-in`.
pub async fn sign_in(
    State(state): State<AppState>,
    ClientAddress(address): ClientAddress,
    crate::request_id::RequestId(request_id): crate::request_id::RequestId,
    headers: HeaderMap,
    body: Result<axum::body::Bytes, axum::extract::rejection::BytesRejection>,
) -> Result<Response, PageError> {
    if !same_origin(&headers, state.settings.secure_cookies) {
        tracing::warn!("cross-site sign-in post refused");
        return Err(PageError::Csrf);
    }
    let body = body.map_err(|rejection| super::body_error(rejection.status()))?;
    let form = super::form_fields(&body)?;
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
    // Paused after repeated failures for this account from this address
    // (only: the owner signing in from elsewhere is not held up), or after
    // many failures from this address to any accounts (password spraying).
    let pair = state.store.sign_in_failures(&email, &address).await?;
    let anyone = state.store.sign_in_failures(ANY_ACCOUNT, &address).await?;
    let wait_for = |counted: Option<&caseload_store::SignInFailures>,
                    pause: fn(i64) -> Option<jiff::SignedDuration>| {
        let c = counted?;
        let until = c.last_failure_at.checked_add(pause(c.failures)?).ok()?;
        (now < until).then(|| until.duration_since(now))
    };
    let pauses = [
        wait_for(pair.as_ref(), sign_in_pause),
        wait_for(anyone.as_ref(), address_sign_in_pause),
    ];
    if let Some(wait) = pauses.into_iter().flatten().max() {
        let seconds = wait.as_secs() + i64::from(wait.subsec_nanos() > 0);
        tracing::warn!(
            email,
            address,
            seconds,
            "sign-in refused: paused after repeated failures"
        );
        state
            .metrics
            .sign_in_failed(crate::metrics::SignInFailure::Paused);
        let mut r = again(
            &format!(
                "Too many failed attempts. Wait {} and try again, or ask an administrator to reset your password",
                wait_words(seconds)
            ),
            StatusCode::TOO_MANY_REQUESTS,
        )?;
        if let Ok(v) = HeaderValue::from_str(&seconds.to_string()) {
            r.headers_mut().insert(header::RETRY_AFTER, v);
        }
        return Ok(r);
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
    let known = user.as_ref().map(|u| u.id.to_string());
    let Some(user) = user.filter(|_| ok) else {
        let failures = state
            .store
            .record_sign_in_failure(
                &email,
                &address,
                now,
                now - FORGET_AFTER,
                now - FORGET_AFTER,
            )
            .await?
            .failures;
        let from_address = state
            .store
            .record_sign_in_failure(
                ANY_ACCOUNT,
                &address,
                now,
                now - ADDRESS_WINDOW,
                now - FORGET_AFTER,
            )
            .await?
            .failures;
        tracing::warn!(email, address, failures, from_address, "failed sign-in");
        state
            .metrics
            .sign_in_failed(crate::metrics::SignInFailure::Wrong);
        state
            .store
            .record_audits(&[NewAuditEvent {
                at: now,
                actor: None,
                action: "sign_in.failed".into(),
                object_type: "user",
                object_id: known,
                request_id: request_id.clone(),
            }])
            .await?;
        return again(
            "The email address or password is not right",
            StatusCode::UNAUTHORIZED,
        );
    };
    state.store.clear_sign_in_failures(&email, &address).await?;
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

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Where a browser on our origin goes for a `Location` of `target`,
    /// read as the WHATWG URL standard says — and again after each layer of
    /// percent-escapes is undone, in case anything downstream decodes it.
    fn stays_home(target: &str) -> bool {
        let base = url::Url::parse("https://caseload.test/").expect("base");
        let mut form = target.as_bytes().to_vec();
        for _ in 0..6 {
            let text = String::from_utf8_lossy(&form).into_owned();
            match base.join(&text) {
                Ok(u) if u.origin() == base.origin() => {}
                _ => return false,
            }
            if text.chars().any(char::is_control) {
                return false;
            }
            form = crate::extract::percent_decode(&form);
        }
        true
    }

    #[test]
    fn the_reported_payloads_and_their_cousins_are_refused() {
        for hostile in [
            "/%5Cevil.example/",
            "/%09/evil.example",
            "/\t/evil.example",
            "/\n/evil.example",
            "//evil.example",
            "/\\evil.example",
            "/%2F/evil.example",
            "%2F%2Fevil.example",
            "/%252F%252Fevil.example",
            "/%255Cevil.example",
            "https://evil.example/",
            "javascript:alert(1)",
            " /caseload",
            "/caseload\u{7f}",
            "/caf\u{e9}",
            "/sign-in",
            "/sign-out",
            "",
        ] {
            assert_eq!(safe_next(hostile), "", "{hostile:?}");
        }
    }

    #[test]
    fn a_path_on_this_site_is_kept_as_it_is() {
        for local in [
            "/caseload",
            "/cases/cas_01?tab=notes#timeline",
            "/clients?q=O%27Brien&page=2",
            "/a/../b",
            "/%7Euser",
        ] {
            assert_eq!(safe_next(local), local);
        }
    }

    fn piece() -> impl Strategy<Value = String> {
        prop_oneof![
            Just("/".to_owned()),
            Just("//".to_owned()),
            Just("\\".to_owned()),
            Just("%5C".to_owned()),
            Just("%5c".to_owned()),
            Just("%2F".to_owned()),
            Just("%2f".to_owned()),
            Just("%25".to_owned()),
            Just("%09".to_owned()),
            Just("%0A".to_owned()),
            Just("%00".to_owned()),
            Just("%".to_owned()),
            Just("\t".to_owned()),
            Just("\n".to_owned()),
            Just("\r".to_owned()),
            Just(" ".to_owned()),
            Just(":".to_owned()),
            Just("@".to_owned()),
            Just("?".to_owned()),
            Just("#".to_owned()),
            Just(".".to_owned()),
            Just("http:".to_owned()),
            Just("javascript:".to_owned()),
            Just("evil.example".to_owned()),
            Just("caseload".to_owned()),
            "[a-z0-9]{1,4}".prop_map(|s| s),
            any::<char>().prop_map(|c| c.to_string()),
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(4000))]

        #[test]
        fn whatever_is_asked_a_browser_stays_on_our_origin(
            pieces in prop::collection::vec(piece(), 0..10),
        ) {
            let asked = pieces.concat();
            let target = safe_next(&asked);
            prop_assert!(target.is_empty() || target == asked);
            prop_assert!(target.is_empty() || stays_home(&target), "{asked:?} -> {target:?}");
            prop_assert!(axum::http::HeaderValue::from_str(&target).is_ok());
        }

        #[test]
        fn any_string_at_all_is_answered_safely(asked in any::<String>()) {
            let target = safe_next(&asked);
            prop_assert!(target.is_empty() || stays_home(&target), "{asked:?} -> {target:?}");
        }
    }
}
