//! What the web layer is configured with ([`Settings`]), and [`Secret`], the
//! type every secret setting is held in so that it is never printed. The
//! binary reads them from `caseload.toml`, `CASELOAD_*` environment and its
//! flags (see `caseload::settings`, which documents each one).

use jiff::SignedDuration;

use crate::caseloads;

/// Settings the web layer needs. The binary fills them from its own settings
/// (file, `CASELOAD_*` environment, flags); tests build them directly.
#[derive(Debug, Clone)]
pub struct Settings {
    /// The largest request body accepted, in bytes.
    pub body_limit: usize,
    /// Mark the session cookie `Secure` (set when served over HTTPS).
    pub secure_cookies: bool,
    /// A session unused for this long ends.
    pub session_idle: SignedDuration,
    /// A session ends this long after sign-in, however busy.
    pub session_absolute: SignedDuration,
    /// The organisation's time zone, for showing and entering times.
    pub time_zone: String,
    /// How many caseload rows to keep in memory for practitioners' next
    /// look at their queue (`caseloads`); 0 reads every queue afresh.
    pub kept_caseload_rows: usize,
    /// How many days a new API token lasts unless its maker says otherwise.
    pub api_token_days: i64,
    /// The bearer token `/metrics` asks for; `None` (the default) serves no
    /// metrics at all (404).
    pub metrics_token: Option<Secret>,
    /// Reverse proxies whose `X-Forwarded-For` names the client (for the
    /// sign-in throttle and the log); empty, the connection's peer is the
    /// client (see `client_address`).
    pub trusted_proxies: Vec<std::net::IpAddr>,
}

/// A new API token's lifetime unless configured (`api_token_days`).
pub const DEFAULT_API_TOKEN_DAYS: i64 = 90;

impl Default for Settings {
    fn default() -> Self {
        Self {
            body_limit: 256 * 1024,
            secure_cookies: false,
            session_idle: SignedDuration::from_mins(30),
            session_absolute: SignedDuration::from_hours(12),
            time_zone: "Europe/London".into(),
            kept_caseload_rows: caseloads::ROW_BUDGET,
            api_token_days: DEFAULT_API_TOKEN_DAYS,
            metrics_token: None,
            trusted_proxies: Vec::new(),
        }
    }
}

/// A secret (a password, a signing key): shown as `***` by `Debug` and
/// `Display`, so a secret inside settings, errors or log fields is never
/// printed by accident. [`Secret::expose`] is the one way to read it, for the
/// code that uses it.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Self {
        Secret(value.into())
    }

    /// The secret itself: only for handing to what needs it (a database
    /// driver, a mail server), never for printing.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Secret(***)")
    }
}

impl std::fmt::Display for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("***")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_secret_is_never_printed() {
        let s = Secret::new("hunter2");
        assert_eq!(format!("{s:?}"), "Secret(***)");
        assert_eq!(format!("{s}"), "***");
        assert_eq!(format!("{s:#?}"), "Secret(***)");
        assert_eq!(s.expose(), "hunter2");
    }
}
