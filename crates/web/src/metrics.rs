//! The operator's metrics, for a Prometheus scraper: served at `/metrics`
//! in the text exposition format (version 0.0.4), written here by hand.
//!
//! - `caseload_http_requests_total{route,method,status}`: requests answered.
//! - `caseload_http_request_duration_seconds{route}`: a histogram of the
//!   time to answer (to the response's head), in fixed buckets.
//! - `caseload_db_pool_connections{pool,state}`: each pool's `idle` and
//!   `in_use` connections now; `caseload_db_pool_max_connections{pool}`.
//! - `caseload_reevaluation_runs_total{outcome}` and
//!   `caseload_reevaluation_duration_seconds`, the last run's length.
//! - `caseload_sign_in_failures_total{reason}`: `wrong` (a wrong email or
//!   password) or `paused` (refused while the throttle paused the pair).
//!
//! The route is the matched path template (`/api/v1/cases/{id}`), never
//! the address asked for, so the series stay few; what no route matched is
//! `unmatched`, and a method outside the usual few is `other`. Recording a
//! request costs one lock, one hash lookup and a few additions.
//!
//! Off by default: with no `metrics_token` set, `/metrics` is a 404 like
//! any unknown address; with one, it answers only a request bearing it
//! (compared in constant time), and 401 otherwise.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use axum::Router;
use axum::extract::{MatchedPath, Request, State};
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use sha2::{Digest, Sha256};

use crate::AppState;

/// Upper bounds of the latency histogram's buckets, in seconds (`+Inf`
/// follows): from a cached queue read (about a millisecond) to the store's
/// timeouts (seconds).
pub const BUCKETS: [f64; 13] = [
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
];

/// What the server has counted since it started.
#[derive(Debug, Default)]
pub struct Metrics {
    /// By route template.
    routes: Mutex<HashMap<String, RouteStats>>,
    sign_in_wrong: AtomicU64,
    sign_in_paused: AtomicU64,
    reevaluations_ok: AtomicU64,
    reevaluations_failed: AtomicU64,
    /// The last re-evaluation's length, in microseconds.
    reevaluation_micros: AtomicU64,
}

#[derive(Debug, Default)]
struct RouteStats {
    /// Answers in each bucket (not cumulative), the last for `+Inf`.
    buckets: [u64; BUCKETS.len() + 1],
    seconds: f64,
    count: u64,
    /// Answers by method and status: a handful per route, so a list.
    answers: Vec<(&'static str, u16, u64)>,
}

/// Why a sign-in failed, for `caseload_sign_in_failures_total`.
#[derive(Debug, Clone, Copy)]
pub enum SignInFailure {
    /// A wrong email address or password.
    Wrong,
    /// Refused unchecked while repeated failures paused the account and address.
    Paused,
}

impl Metrics {
    /// Count one answered request.
    pub fn request(
        &self,
        route: Option<&str>,
        method: &Method,
        status: StatusCode,
        took: Duration,
    ) {
        let route = route.unwrap_or("unmatched");
        let method = method_label(method);
        let status = status.as_u16();
        let seconds = took.as_secs_f64();
        let bucket = BUCKETS
            .iter()
            .position(|le| seconds <= *le)
            .unwrap_or(BUCKETS.len());
        let mut routes = self.routes.lock().unwrap_or_else(|p| p.into_inner());
        let stats = match routes.get_mut(route) {
            Some(stats) => stats,
            None => routes.entry(route.to_owned()).or_default(),
        };
        stats.buckets[bucket] += 1;
        stats.seconds += seconds;
        stats.count += 1;
        match stats
            .answers
            .iter_mut()
            .find(|(m, s, _)| *m == method && *s == status)
        {
            Some((_, _, n)) => *n += 1,
            None => stats.answers.push((method, status, 1)),
        }
    }

    /// Count one failed sign-in.
    pub fn sign_in_failed(&self, why: SignInFailure) {
        match why {
            SignInFailure::Wrong => &self.sign_in_wrong,
            SignInFailure::Paused => &self.sign_in_paused,
        }
        .fetch_add(1, Ordering::Relaxed);
    }

    /// Count one re-evaluation run and keep its length.
    pub fn reevaluated(&self, took: Duration, ok: bool) {
        if ok {
            &self.reevaluations_ok
        } else {
            &self.reevaluations_failed
        }
        .fetch_add(1, Ordering::Relaxed);
        self.reevaluation_micros.store(
            u64::try_from(took.as_micros()).unwrap_or(u64::MAX),
            Ordering::Relaxed,
        );
    }

    /// Everything, in the Prometheus text format, with the pools' use now.
    pub fn render(&self, pools: &[caseload_store::PoolUse]) -> String {
        let mut out = String::with_capacity(4096);
        let routes = {
            let routes = self.routes.lock().unwrap_or_else(|p| p.into_inner());
            let mut list: Vec<(String, RouteStatsCopy)> = routes
                .iter()
                .map(|(route, s)| (route.clone(), RouteStatsCopy::of(s)))
                .collect();
            list.sort_by(|a, b| a.0.cmp(&b.0));
            list
        };
        head(
            &mut out,
            "caseload_http_requests_total",
            "counter",
            "Requests answered, by matched route template, method and status.",
        );
        for (route, s) in &routes {
            let mut answers = s.answers.clone();
            answers.sort();
            for (method, status, n) in answers {
                let _ = writeln!(
                    out,
                    "caseload_http_requests_total{{route=\"{}\",method=\"{method}\",status=\"{status}\"}} {n}",
                    escape(route)
                );
            }
        }
        head(
            &mut out,
            "caseload_http_request_duration_seconds",
            "histogram",
            "Time to answer a request (to the response's head), by matched route template.",
        );
        for (route, s) in &routes {
            let route = escape(route);
            let mut cumulative = 0;
            for (i, n) in s.buckets.iter().enumerate() {
                cumulative += n;
                let le = BUCKETS.get(i).map_or("+Inf".to_owned(), |b| b.to_string());
                let _ = writeln!(
                    out,
                    "caseload_http_request_duration_seconds_bucket{{route=\"{route}\",le=\"{le}\"}} {cumulative}"
                );
            }
            let _ = writeln!(
                out,
                "caseload_http_request_duration_seconds_sum{{route=\"{route}\"}} {}",
                s.seconds
            );
            let _ = writeln!(
                out,
                "caseload_http_request_duration_seconds_count{{route=\"{route}\"}} {}",
                s.count
            );
        }
        head(
            &mut out,
            "caseload_db_pool_connections",
            "gauge",
            "Database connections now, by pool and state (idle in the pool, or in use).",
        );
        for p in pools {
            let _ = writeln!(
                out,
                "caseload_db_pool_connections{{pool=\"{}\",state=\"idle\"}} {}",
                p.pool, p.idle
            );
            let _ = writeln!(
                out,
                "caseload_db_pool_connections{{pool=\"{}\",state=\"in_use\"}} {}",
                p.pool,
                p.open.saturating_sub(p.idle)
            );
        }
        head(
            &mut out,
            "caseload_db_pool_max_connections",
            "gauge",
            "The most connections each database pool opens.",
        );
        for p in pools {
            let _ = writeln!(
                out,
                "caseload_db_pool_max_connections{{pool=\"{}\"}} {}",
                p.pool, p.max
            );
        }
        head(
            &mut out,
            "caseload_reevaluation_runs_total",
            "counter",
            "Re-evaluation runs (priorities and timescales) this server made, by outcome.",
        );
        for (outcome, n) in [
            ("ok", &self.reevaluations_ok),
            ("failed", &self.reevaluations_failed),
        ] {
            let _ = writeln!(
                out,
                "caseload_reevaluation_runs_total{{outcome=\"{outcome}\"}} {}",
                n.load(Ordering::Relaxed)
            );
        }
        head(
            &mut out,
            "caseload_reevaluation_duration_seconds",
            "gauge",
            "How long the last re-evaluation run took (0 before the first).",
        );
        let _ = writeln!(
            out,
            "caseload_reevaluation_duration_seconds {}",
            self.reevaluation_micros.load(Ordering::Relaxed) as f64 / 1e6
        );
        head(
            &mut out,
            "caseload_sign_in_failures_total",
            "counter",
            "Failed sign-ins: a wrong email or password, or refused while paused after repeated failures.",
        );
        for (reason, n) in [
            ("wrong", &self.sign_in_wrong),
            ("paused", &self.sign_in_paused),
        ] {
            let _ = writeln!(
                out,
                "caseload_sign_in_failures_total{{reason=\"{reason}\"}} {}",
                n.load(Ordering::Relaxed)
            );
        }
        out
    }
}

/// A route's figures, copied out so the lock is not held while writing.
struct RouteStatsCopy {
    buckets: [u64; BUCKETS.len() + 1],
    seconds: f64,
    count: u64,
    answers: Vec<(&'static str, u16, u64)>,
}

impl RouteStatsCopy {
    fn of(s: &RouteStats) -> Self {
        Self {
            buckets: s.buckets,
            seconds: s.seconds,
            count: s.count,
            answers: s.answers.clone(),
        }
    }
}

fn head(out: &mut String, name: &str, kind: &str, help: &str) {
    let _ = writeln!(out, "# HELP {name} {help}");
    let _ = writeln!(out, "# TYPE {name} {kind}");
}

/// A label value as the format quotes it.
fn escape(value: &str) -> String {
    value
        .replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}

/// The usual methods by name; anything else is `other`, so an odd method
/// cannot add series.
fn method_label(method: &Method) -> &'static str {
    match *method {
        Method::GET => "GET",
        Method::POST => "POST",
        Method::PUT => "PUT",
        Method::PATCH => "PATCH",
        Method::DELETE => "DELETE",
        Method::HEAD => "HEAD",
        Method::OPTIONS => "OPTIONS",
        _ => "other",
    }
}

tokio::task_local! {
    /// The route the request matched, set by [`note_route`] once routing
    /// has matched one (inside the span [`record`] opens).
    static ROUTE: std::cell::RefCell<Option<MatchedPath>>;
}

/// Remember the matched route for [`record`] (routing happens inside it).
pub fn note_route(route: &MatchedPath) {
    let _ = ROUTE.try_with(|r| *r.borrow_mut() = Some(route.clone()));
}

/// Middleware (outermost): time and count every request by its matched
/// route, method and final status.
pub async fn record(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let started = Instant::now();
    let method = request.method().clone();
    let (route, response) = ROUTE
        .scope(std::cell::RefCell::new(None), async move {
            let response = next.run(request).await;
            (ROUTE.with(|r| r.borrow_mut().take()), response)
        })
        .await;
    state.metrics.request(
        route.as_ref().map(MatchedPath::as_str),
        &method,
        response.status(),
        started.elapsed(),
    );
    response
}

/// `/metrics`, outside the API (it is not part of `/api/v1` nor its document).
pub fn router(state: AppState) -> Router {
    Router::new()
        .route("/metrics", axum::routing::get(serve))
        .with_state(state)
}

/// Handles `GET /metrics`: 404 unless a `metrics_token` is set; then 401
/// without `Authorization: Bearer <metrics_token>`.
async fn serve(State(state): State<AppState>, request: Request) -> Response {
    let Some(expected) = &state.settings.metrics_token else {
        return crate::not_found(state.clone(), request).await;
    };
    let given = request
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(crate::auth::bearer_token);
    if !given.is_some_and(|given| same_secret(given, expected.expose())) {
        let mut r = (
            StatusCode::UNAUTHORIZED,
            "send the metrics token as Authorization: Bearer <token>\n",
        )
            .into_response();
        r.headers_mut()
            .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
        return r;
    }
    let body = state.metrics.render(&state.store.pool_use());
    let mut r = body.into_response();
    r.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/plain; version=0.0.4; charset=utf-8"),
    );
    r.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    r
}

/// Whether two secrets are equal, in time that depends on neither: their
/// digests (of equal length, whatever the secrets' lengths) are compared
/// byte by byte without stopping at the first difference.
fn same_secret(given: &str, expected: &str) -> bool {
    let (a, b) = (Sha256::digest(given), Sha256::digest(expected));
    a.iter()
        .zip(b.iter())
        .fold(0u8, |acc, (x, y)| acc | (x ^ y))
        == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_compare_equal_only_when_equal() {
        assert!(same_secret(
            "s3cret-token-for-metrics",
            "s3cret-token-for-metrics"
        ));
        assert!(!same_secret(
            "s3cret-token-for-metrics",
            "s3cret-token-for-metricS"
        ));
        assert!(!same_secret("", "s3cret-token-for-metrics"));
        assert!(!same_secret("s3cret", "s3cret-token-for-metrics"));
    }

    #[test]
    fn a_request_falls_in_the_first_bucket_that_holds_it_and_buckets_are_cumulative() {
        let m = Metrics::default();
        let route = Some("/api/v1/caseload");
        m.request(
            route,
            &Method::GET,
            StatusCode::OK,
            Duration::from_millis(3),
        );
        m.request(route, &Method::GET, StatusCode::OK, Duration::from_secs(60));
        m.request(
            route,
            &Method::from_bytes(b"BREW").unwrap(),
            StatusCode::NOT_FOUND,
            Duration::ZERO,
        );
        let text = m.render(&[]);
        let line = |start: &str| {
            text.lines()
                .find(|l| l.starts_with(start))
                .unwrap_or_else(|| panic!("no {start} in {text}"))
                .rsplit(' ')
                .next()
                .unwrap()
                .to_owned()
        };
        let b = "caseload_http_request_duration_seconds_bucket{route=\"/api/v1/caseload\",le=";
        assert_eq!(line(&format!("{b}\"0.001\"}}")), "1");
        assert_eq!(line(&format!("{b}\"0.005\"}}")), "2");
        assert_eq!(line(&format!("{b}\"10\"}}")), "2");
        assert_eq!(line(&format!("{b}\"+Inf\"}}")), "3");
        assert_eq!(
            line(
                "caseload_http_requests_total{route=\"/api/v1/caseload\",method=\"other\",status=\"404\"}"
            ),
            "1"
        );
        assert_eq!(
            line("caseload_http_request_duration_seconds_count{route=\"/api/v1/caseload\"}"),
            "3"
        );
    }

    #[test]
    fn label_values_are_escaped() {
        assert_eq!(escape("a\"b\\c\nd"), "a\\\"b\\\\c\\nd");
    }
}
