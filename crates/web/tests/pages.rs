//! The pages, as a browser meets them: sign-in and sessions, CSRF, access,
//! escaping, forms that keep what was typed, and security headers.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use axum::body::Body;
use axum::http::{Method, Request, StatusCode};
use caseload_store::prelude::*;
use serde_json::json;
use support::{Resp, TestApp};

const PASSWORD: &str = "plum kettle orbit";

struct Browser<'a> {
    app: &'a TestApp,
    cookie: String,
}

impl Resp {
    fn html(&self) -> &str {
        self.body.as_str().unwrap_or("")
    }
    fn location(&self) -> &str {
        self.headers
            .get("location")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
    }
}

fn form_body(fields: &[(&str, &str)]) -> String {
    fields
        .iter()
        .map(|(k, v)| format!("{}={}", urlencode(k), urlencode(v)))
        .collect::<Vec<_>>()
        .join("&")
}

fn urlencode(s: &str) -> String {
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

fn csrf_of(html: &str) -> String {
    let marker = "name=\"csrf\" value=\"";
    let start = html.find(marker).expect("a csrf field") + marker.len();
    html[start..].split('"').next().unwrap().to_owned()
}

async fn set_password(app: &TestApp, email: &str) {
    let user = app.store.find_user_by_email(email).await.unwrap().unwrap();
    app.store
        .set_password(&user.id, &caseload_web::passwords::hash(PASSWORD).unwrap())
        .await
        .unwrap();
}

async fn post_form(
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
        req = req.header("origin", "http://caseload.test");
    }
    if let Some(c) = cookie {
        req = req.header("cookie", c);
    }
    app.raw(req.body(Body::from(form_body(fields))).unwrap())
        .await
}

async fn sign_in<'a>(app: &'a TestApp, email: &str) -> Browser<'a> {
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
    async fn get(&self, path: &str) -> Resp {
        let req = Request::builder()
            .uri(path)
            .header("cookie", &self.cookie)
            .body(Body::empty())
            .unwrap();
        self.app.raw(req).await
    }
    /// Fetch a page, then submit its form with the page's CSRF token.
    async fn submit(&self, page: &str, action: &str, fields: &[(&str, &str)]) -> Resp {
        let csrf = csrf_of(self.get(page).await.html());
        let mut all: Vec<(&str, &str)> = vec![("csrf", &csrf)];
        all.extend_from_slice(fields);
        post_form(self.app, action, Some(&self.cookie), &all, "same-origin").await
    }
}

#[tokio::test]
async fn every_page_carries_the_security_headers() {
    let app = TestApp::new().await;
    let r = app.call(Method::GET, "/sign-in", None, None).await;
    assert_eq!(r.status, StatusCode::OK);
    let csp = r
        .headers
        .get("content-security-policy")
        .unwrap()
        .to_str()
        .unwrap();
    assert!(
        csp.contains("script-src 'self'") && !csp.contains("unsafe-inline"),
        "{csp}"
    );
    assert!(csp.contains("frame-ancestors 'none'"));
    assert_eq!(r.headers.get("x-content-type-options").unwrap(), "nosniff");
    assert_eq!(r.headers.get("x-frame-options").unwrap(), "DENY");
    assert!(r.headers.contains_key("referrer-policy"));
    assert_eq!(r.headers.get("cache-control").unwrap(), "no-store");
    let b = sign_in(&app, "ann@example.org").await;
    let page = b.get("/caseload").await;
    assert_eq!(page.headers.get("cache-control").unwrap(), "no-store");
    assert!(page.html().contains("Skip to main content"));
    let css = app.call(Method::GET, "/static/app.css", None, None).await;
    assert_eq!(css.status, StatusCode::OK);
    assert!(
        css.headers
            .get("content-type")
            .unwrap()
            .to_str()
            .unwrap()
            .starts_with("text/css")
    );
}

#[tokio::test]
async fn signing_in_makes_a_server_side_session_with_a_safe_cookie() {
    let app = TestApp::new().await;
    let anon = app.call(Method::GET, "/caseload", None, None).await;
    assert_eq!(anon.status, StatusCode::SEE_OTHER);
    assert_eq!(anon.location(), "/sign-in?next=/caseload");
    set_password(&app, "ann@example.org").await;
    let r = post_form(
        &app,
        "/sign-in",
        None,
        &[
            ("email", "ANN@example.org"),
            ("password", PASSWORD),
            ("next", "/clients"),
        ],
        "same-origin",
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(r.location(), "/clients");
    let cookie = r.headers.get("set-cookie").unwrap().to_str().unwrap();
    assert!(cookie.starts_with("caseload_session="));
    for attr in ["HttpOnly", "SameSite=Lax", "Path=/"] {
        assert!(cookie.contains(attr), "{cookie}");
    }
    assert!(
        !cookie.contains("Secure"),
        "not Secure unless configured for HTTPS"
    );
    let secret = cookie
        .split(';')
        .next()
        .unwrap()
        .trim_start_matches("caseload_session=");
    let stored = app
        .store
        .get_session(&caseload_web::auth::token_hash(secret))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(stored.user.email, "ann@example.org");
    let offsite = post_form(
        &app,
        "/sign-in",
        None,
        &[
            ("email", "ann@example.org"),
            ("password", PASSWORD),
            ("next", "https://evil.example/"),
        ],
        "same-origin",
    )
    .await;
    assert_eq!(
        offsite.location(),
        "/caseload",
        "never redirect off-site after sign-in"
    );
}

#[tokio::test]
async fn a_new_session_id_at_sign_in_and_sign_out_ends_it_on_the_server() {
    let app = TestApp::new().await;
    let first = sign_in(&app, "ann@example.org").await;
    let again = post_form(
        &app,
        "/sign-in",
        Some(&first.cookie),
        &[("email", "ann@example.org"), ("password", PASSWORD)],
        "same-origin",
    )
    .await;
    let second_cookie = again
        .headers
        .get("set-cookie")
        .unwrap()
        .to_str()
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_owned();
    assert_ne!(second_cookie, first.cookie);
    assert_eq!(
        first.get("/caseload").await.status,
        StatusCode::SEE_OTHER,
        "the old session was ended"
    );
    let second = Browser {
        app: &app,
        cookie: second_cookie,
    };
    assert_eq!(second.get("/caseload").await.status, StatusCode::OK);
    let out = second.submit("/caseload", "/sign-out", &[]).await;
    assert_eq!(out.status, StatusCode::SEE_OTHER);
    assert!(
        out.headers
            .get("set-cookie")
            .unwrap()
            .to_str()
            .unwrap()
            .contains("Max-Age=0")
    );
    let after = second.get("/caseload").await;
    assert_eq!(
        after.status,
        StatusCode::SEE_OTHER,
        "a copied cookie is useless after sign-out"
    );
    assert!(after.location().contains("expired=1"));
}

#[tokio::test]
async fn sessions_end_after_the_idle_and_absolute_timeouts() {
    let app = TestApp::new().await;
    let b = sign_in(&app, "ann@example.org").await;
    app.advance(29);
    assert_eq!(b.get("/caseload").await.status, StatusCode::OK);
    app.advance(31);
    assert_eq!(
        b.get("/caseload").await.status,
        StatusCode::SEE_OTHER,
        "30 minutes idle"
    );

    let busy = sign_in(&app, "bob@example.org").await;
    for _ in 0..35 {
        app.advance(20);
        assert_eq!(busy.get("/caseload").await.status, StatusCode::OK);
    }
    app.advance(21);
    assert_eq!(
        busy.get("/caseload").await.status,
        StatusCode::SEE_OTHER,
        "12 hours after sign-in, however busy"
    );
}

#[tokio::test]
async fn failed_sign_ins_are_refused_then_throttled() {
    let app = TestApp::new().await;
    set_password(&app, "ann@example.org").await;
    let wrong = post_form(
        &app,
        "/sign-in",
        None,
        &[
            ("email", "ann@example.org"),
            ("password", "not the password"),
        ],
        "same-origin",
    )
    .await;
    assert_eq!(wrong.status, StatusCode::UNAUTHORIZED);
    assert!(
        wrong
            .html()
            .contains("email address or password is not right")
    );
    assert!(
        wrong.html().contains("value=\"ann@example.org\""),
        "the email is kept"
    );
    let nobody = post_form(
        &app,
        "/sign-in",
        None,
        &[
            ("email", "nobody@example.org"),
            ("password", "whatever it is"),
        ],
        "same-origin",
    )
    .await;
    assert_eq!(
        nobody.status,
        StatusCode::UNAUTHORIZED,
        "the same answer for unknown accounts"
    );
    for _ in 0..4 {
        post_form(
            &app,
            "/sign-in",
            None,
            &[("email", "ann@example.org"), ("password", "still wrong")],
            "same-origin",
        )
        .await;
    }
    let blocked = post_form(
        &app,
        "/sign-in",
        None,
        &[("email", "ann@example.org"), ("password", PASSWORD)],
        "same-origin",
    )
    .await;
    assert_eq!(
        blocked.status,
        StatusCode::TOO_MANY_REQUESTS,
        "even the right password waits"
    );
    app.advance(16);
    let ok = post_form(
        &app,
        "/sign-in",
        None,
        &[("email", "ann@example.org"), ("password", PASSWORD)],
        "same-origin",
    )
    .await;
    assert_eq!(ok.status, StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn cross_site_and_tokenless_posts_are_refused_and_change_nothing() {
    let app = TestApp::new().await;
    let (_, case) = app.client_and_case(&app.ann.1).await;
    let b = sign_in(&app, "ann@example.org").await;
    let csrf = csrf_of(b.get(&format!("/cases/{case}/notes/new")).await.html());
    let note = [
        ("csrf", csrf.as_str()),
        ("kind", "phone"),
        ("occurred_at", "2026-03-02T08:30"),
        ("section_situation", "Forged"),
    ];
    let path = format!("/cases/{case}/notes/new");
    let cross = post_form(&app, &path, Some(&b.cookie), &note, "cross-site").await;
    assert_eq!(cross.status, StatusCode::FORBIDDEN);
    let mut no_token = note.to_vec();
    no_token.remove(0);
    let tokenless = post_form(&app, &path, Some(&b.cookie), &no_token, "same-origin").await;
    assert_eq!(tokenless.status, StatusCode::FORBIDDEN);
    let forged_origin = app
        .raw(
            Request::builder()
                .method(Method::POST)
                .uri(&path)
                .header("content-type", "application/x-www-form-urlencoded")
                .header("host", "caseload.test")
                .header("origin", "https://evil.example")
                .header("cookie", &b.cookie)
                .body(Body::from(form_body(&note)))
                .unwrap(),
        )
        .await;
    assert_eq!(forged_origin.status, StatusCode::FORBIDDEN);
    assert_eq!(app.count("notes").await, 0);
    let ok = post_form(&app, &path, Some(&b.cookie), &note, "same-origin").await;
    assert_eq!(ok.status, StatusCode::SEE_OTHER, "{}", ok.html());
    assert_eq!(app.count("notes").await, 1);
}

#[tokio::test]
async fn the_caseload_lists_my_cases_with_what_needs_attention() {
    let app = TestApp::new().await;
    let (_, case) = app.client_and_case(&app.ann.1).await;
    app.post(
        &format!("/api/v1/cases/{case}/tasks"),
        &app.ann.1,
        json!({"title": "Chase landlord", "due_date": "2026-02-20"}),
    )
    .await;
    app.client_and_case(&app.bob.1).await;
    let b = sign_in(&app, "ann@example.org").await;
    let page = b.get("/caseload").await;
    assert_eq!(page.status, StatusCode::OK);
    let html = page.html();
    assert!(html.contains("Dana Client") && html.contains("Rent arrears"));
    assert!(html.contains("Chase landlord") && html.contains("1 overdue task"));
    assert!(
        html.contains("Showing 1 of 1 active case."),
        "only my own cases"
    );
    let filtered = b.get("/caseload?area=debt").await;
    assert!(filtered.html().contains("Showing 0 of 1"));
    let sorted = b.get("/caseload?sort=client&dir=desc").await;
    assert!(sorted.html().contains("aria-sort=\"descending\""));
}

/// The case ids of a caseload page's rows, top to bottom.
fn row_case_ids(html: &str) -> Vec<String> {
    let mut ids = Vec::new();
    for piece in html.split("<a href=\"/cases/").skip(1) {
        if let Some((id, rest)) = piece.split_once('"')
            && rest.trim_start().starts_with("class=\"row-link\"")
        {
            ids.push(id.to_owned());
        }
    }
    ids
}

#[tokio::test]
async fn my_caseload_page_shows_the_queues_order_by_default_the_same_as_the_api() {
    let app = TestApp::new().await;
    // Five cases: bands set out of order, and the least urgent one with an
    // overdue task (which used to put it first on the page).
    let cases = app
        .cases_with_bands(&app.ann.1, &["P4", "P1", "", "P3", "P2"])
        .await;
    let api_order = app.queue_order(&app.ann.1).await;
    assert_eq!(api_order.len(), 5);
    // The queue itself: P1, P2, then the unassessed case, P3, P4.
    let expected: Vec<String> = [1, 4, 2, 3, 0].iter().map(|i| cases[*i].clone()).collect();
    assert_eq!(api_order, expected, "the API's queue order");

    let b = sign_in(&app, "ann@example.org").await;
    let page = b.get("/caseload").await;
    let html = page.html();
    assert_eq!(
        row_case_ids(html),
        api_order,
        "the page's default order is the API's"
    );
    assert!(
        html.contains("Priority order: by band"),
        "the page says which order"
    );
    assert!(html.contains("aria-sort=\"ascending\""));
    assert!(!html.contains("Back to priority order"));

    // Another order is a click away, says so, and leads back.
    let by_client = b.get("/caseload?sort=flags").await;
    let html = by_client.html();
    let mut flagged = row_case_ids(html);
    assert_ne!(flagged, api_order, "a different order");
    flagged.sort();
    let mut all = api_order.clone();
    all.sort();
    assert_eq!(flagged, all, "the same cases");
    assert!(html.contains("Sorted by flags"), "{html}");
    assert!(html.contains(">Back to priority order</a>"));
}

#[tokio::test]
async fn note_text_is_shown_as_text_never_as_markup() {
    let app = TestApp::new().await;
    let (_, case) = app.client_and_case(&app.ann.1).await;
    let hostile = "<script>alert('x')</script><img src=x onerror=alert(1)> & \"quotes\"";
    app.note(&app.ann.1, &case, 5, hostile).await;
    let b = sign_in(&app, "ann@example.org").await;
    let html = b.get(&format!("/cases/{case}")).await.html().to_owned();
    assert!(!html.contains("<script>alert"), "script must be escaped");
    assert!(!html.contains("<img src=x"), "img must be escaped");
    assert!(html.contains("&#60;script&#62;alert("), "shown as text");
    assert!(
        html.contains("&#60;img src=x onerror=alert(1)&#62;"),
        "shown as text"
    );
}

#[tokio::test]
async fn another_teams_case_is_not_found_and_the_attempt_is_logged() {
    let app = TestApp::new().await;
    let (client, case) = app.client_and_case(&app.ann.1).await;
    let note = app.note(&app.ann.1, &case, 5, "Private").await.id();
    let cat = sign_in(&app, "cat@example.org").await;
    for path in [
        format!("/cases/{case}"),
        format!("/cases/{case}/notes/new"),
        format!("/notes/{note}/amend"),
        format!("/clients/{client}"),
    ] {
        let r = cat.get(&path).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{path}");
        assert!(!r.html().contains("Private") && !r.html().contains("Dana"));
    }
    let denied = app
        .store
        .list_audit(50)
        .await
        .unwrap()
        .into_iter()
        .filter(|e| e.action.ends_with(".denied"))
        .count();
    assert_eq!(denied, 4);
    assert_eq!(
        cat.get("/cases/cas_nope").await.status,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn a_late_note_shows_the_error_by_its_field_keeps_the_text_and_then_saves() {
    let app = TestApp::new().await;
    let (_, case) = app.client_and_case(&app.ann.1).await;
    let b = sign_in(&app, "ann@example.org").await;
    let page = format!("/cases/{case}/notes/new");
    // The clock says 09:00 on 2 March (UK time = UTC in March); the visit was the day before.
    let fields = [
        ("kind", "face_to_face"),
        ("occurred_at", "2026-03-01T08:00"),
        ("template", "star"),
        ("submission_key", "k1"),
        ("section_situation", "Home visit — damp in bedroom"),
    ];
    let r = b.submit(&page, &page, &fields).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let html = r.html();
    assert!(html.contains("There is a problem"));
    assert!(
        html.contains("id=\"e-late_reason\""),
        "the error sits by its field"
    );
    assert!(
        html.contains("Home visit — damp in bedroom"),
        "what was typed is kept"
    );
    assert_eq!(app.count("notes").await, 0);
    let mut with_reason = fields.to_vec();
    with_reason.push(("late_reason", "Visit ran over; written up next morning"));
    let saved = b.submit(&page, &page, &with_reason).await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.html());
    let case_page = b.get(&format!("/cases/{case}")).await;
    assert!(case_page.html().contains("Late entry"));
    assert!(
        case_page
            .html()
            .contains("Visit ran over; written up next morning")
    );
    // The same form sent again stores nothing new.
    let again = b.submit(&page, &page, &with_reason).await;
    assert_eq!(again.status, StatusCode::SEE_OTHER);
    assert_eq!(app.count("notes").await, 1);
}

#[tokio::test]
async fn bad_form_input_is_reshown_with_messages_and_nothing_stored() {
    let app = TestApp::new().await;
    let (client, case) = app.client_and_case(&app.ann.1).await;
    let b = sign_in(&app, "ann@example.org").await;
    let future = b
        .submit(
            &format!("/cases/{case}/notes/new"),
            &format!("/cases/{case}/notes/new"),
            &[
                ("kind", "phone"),
                ("occurred_at", "2026-03-05T10:00"),
                ("section_situation", "x"),
            ],
        )
        .await;
    assert_eq!(future.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(future.html().contains("in the future"));
    let garbled = b
        .submit(
            &format!("/cases/{case}/notes/new"),
            &format!("/cases/{case}/notes/new"),
            &[
                ("kind", "phone"),
                ("occurred_at", "tuesday"),
                ("section_situation", "x"),
            ],
        )
        .await;
    assert!(
        garbled
            .html()
            .contains("When it happened must be a date and time")
    );
    let empty = b
        .submit("/clients/new", "/clients/new", &[("name", "  ")])
        .await;
    assert_eq!(empty.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(empty.html().contains("Name is required"));
    let long = "x".repeat(201);
    let too_long = b
        .submit(
            "/clients/new",
            "/clients/new",
            &[("name", &long), ("date_of_birth", "2099-01-01")],
        )
        .await;
    assert!(too_long.html().contains("at most 200 characters"));
    assert!(
        too_long
            .html()
            .contains("Date of birth cannot be in the future")
    );
    let close = b
        .submit(
            &format!("/cases/{case}/status"),
            &format!("/cases/{case}/status"),
            &[("status", "closed")],
        )
        .await;
    assert_eq!(close.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(close.html().contains("Closure summary is required"));
    let task = b
        .submit(
            &format!("/cases/{case}/tasks/new"),
            &format!("/cases/{case}/tasks/new"),
            &[("title", ""), ("due_date", "31/02/2026")],
        )
        .await;
    assert!(
        task.html().contains("Task is required")
            && task.html().contains("Due date must be a real date")
    );
    let new_case = b
        .submit(
            &format!("/clients/{client}/cases/new"),
            &format!("/clients/{client}/cases/new"),
            &[
                ("title", "T"),
                ("service_area", "astrology"),
                ("complexity", "low"),
                ("status", "open"),
                ("owner_id", app.cat.0.id.as_str()),
            ],
        )
        .await;
    assert!(new_case.html().contains("Service area must be chosen"));
    assert!(
        new_case
            .html()
            .contains("Owner must be an active practitioner or supervisor in your team")
    );
    assert_eq!(app.count("notes").await, 0);
    assert_eq!(app.count("clients").await, 1);
    assert_eq!(app.count("cases").await, 1);
    assert_eq!(app.count("tasks").await, 0);
}

#[tokio::test]
async fn amending_a_note_keeps_the_original_readable() {
    let app = TestApp::new().await;
    let (_, case) = app.client_and_case(&app.ann.1).await;
    let note = app.note(&app.ann.1, &case, 5, "Owes £1,200").await.id();
    let b = sign_in(&app, "ann@example.org").await;
    let page = format!("/notes/{note}/amend");
    let form = b.get(&page).await;
    assert!(
        form.html().contains("The note you are amending") && form.html().contains("Owes £1,200")
    );
    let no_reason = b
        .submit(
            &page,
            &page,
            &[("reason", ""), ("section_situation", "Owes £2,100")],
        )
        .await;
    assert_eq!(no_reason.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        no_reason
            .html()
            .contains("Reason for the amendment is required")
    );
    assert!(
        no_reason.html().contains("Owes £2,100"),
        "the correction typed is kept"
    );
    let saved = b
        .submit(
            &page,
            &page,
            &[
                ("reason", "Figure transposed"),
                ("section_situation", "Owes £2,100"),
            ],
        )
        .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER);
    let html = b.get(&format!("/cases/{case}")).await.html().to_owned();
    assert!(html.contains("Amended 1 time"));
    assert!(
        html.contains("Owes £1,200")
            && html.contains("Owes £2,100")
            && html.contains("Figure transposed")
    );
}

#[tokio::test]
async fn roles_reach_only_their_pages() {
    let app = TestApp::new().await;
    let ada = sign_in(&app, "ada@example.org").await;
    assert_eq!(ada.get("/caseload").await.status, StatusCode::FORBIDDEN);
    assert_eq!(ada.get("/admin/users").await.status, StatusCode::OK);
    let ann = sign_in(&app, "ann@example.org").await;
    assert_eq!(ann.get("/admin/users").await.status, StatusCode::FORBIDDEN);
    assert_eq!(ann.get("/team").await.status, StatusCode::FORBIDDEN);
    app.client_and_case(&app.ann.1).await;
    let sue = sign_in(&app, "sue@example.org").await;
    let team = sue.get("/team").await;
    assert_eq!(team.status, StatusCode::OK);
    assert!(team.html().contains("Ann Adviser") && team.html().contains("Bob Adviser"));
    let anns = sue.get(&format!("/team/{}", app.ann.0.id)).await;
    assert!(
        anns.html().contains("Caseload of Ann Adviser") && anns.html().contains("Rent arrears")
    );
    assert_eq!(
        sue.get(&format!("/team/{}", app.cat.0.id)).await.status,
        StatusCode::NOT_FOUND,
        "not another team's member"
    );
}

#[tokio::test]
async fn every_role_has_a_start_page_and_error_pages_keep_the_navigation() {
    let app = TestApp::new().await;
    app.store
        .create_user(
            &caseload_store::NewUser {
                email: caseload_domain::text::Email::parse("e", "dpo@example.org").unwrap(),
                name: "Dee Auditor".into(),
                role: caseload_domain::users::Role::Auditor,
                team_id: None,
            },
            support::start_time(),
        )
        .await
        .unwrap();
    // Signed out, the start page is signing in.
    let anon = app.call(Method::GET, "/", None, None).await;
    assert_eq!(anon.status, StatusCode::SEE_OTHER);
    assert_eq!(anon.location(), "/sign-in");
    for (email, home) in [
        ("ann@example.org", "/caseload"),
        ("sue@example.org", "/caseload"),
        ("ada@example.org", "/admin/users"),
        ("dpo@example.org", "/audit"),
    ] {
        let b = sign_in(&app, email).await;
        let start = b.get("/").await;
        assert_eq!(start.status, StatusCode::SEE_OTHER, "{email}");
        assert_eq!(start.location(), home, "{email}'s start page");
        let page = b.get(home).await;
        assert_eq!(page.status, StatusCode::OK, "{email} may see {home}");
        // The logo leads to `/`, and so to this page.
        assert!(page.html().contains("<a class=\"brand\" href=\"/\">"));
    }
    // An administrator on a case worker's page: refused, but with the
    // menu, the sign-out button and a way to their own start page.
    let ada = sign_in(&app, "ada@example.org").await;
    let refused = ada.get("/caseload").await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    let html = refused.html();
    assert!(html.contains("Not available to you"));
    assert!(
        html.contains("href=\"/admin/users\""),
        "the menu is there: {html}"
    );
    assert!(html.contains("action=\"/sign-out\""), "and signing out");
    assert!(
        html.contains("Go to your start page: Administration"),
        "{html}"
    );
    // An address that does not exist, signed in: the same.
    let missing = ada.get("/no-such-page").await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    assert!(
        missing.html().contains("action=\"/sign-out\""),
        "{}",
        missing.html()
    );
    // Signed out, an error page offers signing in and no menu.
    let anon = app.call(Method::GET, "/no-such-page", None, None).await;
    assert_eq!(anon.status, StatusCode::NOT_FOUND);
    assert!(!anon.html().contains("action=\"/sign-out\""));
    assert!(anon.html().contains("href=\"/sign-in\""));
}

#[tokio::test]
async fn auditors_read_the_audit_trail_and_nothing_else() {
    let app = TestApp::new().await;
    let (_, case) = app.client_and_case(&app.ann.1).await;
    app.get(&format!("/api/v1/cases/{case}"), &app.cat.1).await;
    let auditor = app
        .store
        .create_user(
            &caseload_store::NewUser {
                email: caseload_domain::text::Email::parse("e", "dpo@example.org").unwrap(),
                name: "Dee Auditor".into(),
                role: caseload_domain::users::Role::Auditor,
                team_id: None,
            },
            support::start_time(),
        )
        .await
        .unwrap();
    let _ = auditor;
    let dee = sign_in(&app, "dpo@example.org").await;
    let page = dee.get("/audit").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.html().contains("case.denied") && page.html().contains("Cat Adviser"));
    assert!(!page.html().contains("Dana Client"), "never the content");
    assert_eq!(
        dee.get(&format!("/cases/{case}")).await.status,
        StatusCode::NOT_FOUND,
        "no case content"
    );
    assert_eq!(dee.get("/caseload").await.status, StatusCode::FORBIDDEN);
    let ann = sign_in(&app, "ann@example.org").await;
    assert_eq!(ann.get("/audit").await.status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn administrators_add_users_and_deactivating_signs_them_out() {
    let app = TestApp::new().await;
    let ada = sign_in(&app, "ada@example.org").await;
    let weak = ada
        .submit(
            "/admin/users/new",
            "/admin/users/new",
            &[
                ("email", "new@example.org"),
                ("name", "New Person"),
                ("role", "practitioner"),
                ("team", app.north.id.as_str()),
                ("password", "Password1234"),
            ],
        )
        .await;
    assert_eq!(weak.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(weak.html().contains("most commonly used"));
    let no_team = ada
        .submit(
            "/admin/users/new",
            "/admin/users/new",
            &[
                ("email", "new@example.org"),
                ("name", "New Person"),
                ("role", "practitioner"),
                ("password", PASSWORD),
            ],
        )
        .await;
    assert!(no_team.html().contains("Team is required"));
    let dup = ada
        .submit(
            "/admin/users/new",
            "/admin/users/new",
            &[
                ("email", "ann@example.org"),
                ("name", "X"),
                ("role", "admin"),
                ("password", PASSWORD),
            ],
        )
        .await;
    assert!(dup.html().contains("already exists"));
    let ok = ada
        .submit(
            "/admin/users/new",
            "/admin/users/new",
            &[
                ("email", "new@example.org"),
                ("name", "New Person"),
                ("role", "practitioner"),
                ("team", app.north.id.as_str()),
                ("password", PASSWORD),
            ],
        )
        .await;
    assert_eq!(ok.status, StatusCode::SEE_OTHER, "{}", ok.html());

    let ann = sign_in(&app, "ann@example.org").await;
    let edit = format!("/admin/users/{}", app.ann.0.id);
    let off = ada
        .submit(
            &edit,
            &edit,
            &[
                ("name", "Ann Adviser"),
                ("role", "practitioner"),
                ("team", app.north.id.as_str()),
                ("active", "no"),
            ],
        )
        .await;
    assert_eq!(off.status, StatusCode::SEE_OTHER, "{}", off.html());
    assert_eq!(
        ann.get("/caseload").await.status,
        StatusCode::SEE_OTHER,
        "signed out everywhere"
    );
    let again = post_form(
        &app,
        "/sign-in",
        None,
        &[("email", "ann@example.org"), ("password", PASSWORD)],
        "same-origin",
    )
    .await;
    assert_eq!(again.status, StatusCode::UNAUTHORIZED);
    assert!(
        app.store.get_user(&app.ann.0.id).await.is_ok(),
        "never deleted"
    );
    let teams = ada
        .submit("/admin/teams", "/admin/teams", &[("name", "North")])
        .await;
    assert!(teams.html().contains("already exists"));
}

#[tokio::test]
async fn the_deadline_calculator_page_shows_the_working() {
    let app = TestApp::new().await;
    let b = sign_in(&app, "ann@example.org").await;
    let empty = b.get("/deadlines/calculator").await;
    assert_eq!(empty.status, StatusCode::OK);
    let r = b.get("/deadlines/calculator?rule=homelessness_review&trigger_date=2026-06-01&calendar=england-and-wales").await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.html().contains("due Sun 21 Jun 2026"), "{}", r.html());
    assert!(r.html().contains("is day 1 of 21 days"));
    let bad = b
        .get("/deadlines/calculator?rule=&trigger_date=31/01/2026")
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        bad.html().contains("Deadline must be chosen")
            && bad.html().contains("Trigger date must be a date")
    );
    let half = b.get("/deadlines/calculator?rule=employment_tribunal&trigger_date=2026-01-10&pause_from=2026-02-01").await;
    assert!(half.html().contains("give both dates or neither"));
}

#[tokio::test]
async fn a_deadline_is_added_from_the_case_page_with_its_working() {
    let app = TestApp::new().await;
    let (_, case) = app.client_and_case(&app.ann.1).await;
    let b = sign_in(&app, "ann@example.org").await;
    let page = format!("/cases/{case}/deadlines/new");
    let bad = b
        .submit(
            &page,
            &page,
            &[
                ("rule", "employment_tribunal"),
                ("trigger_date", "2026-01-10"),
                ("calendar", "england-and-wales"),
                ("pause_from", "2026-04-10"),
                ("pause_to", "2026-04-20"),
            ],
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.html().contains("already expired"), "{}", bad.html());
    let ok = b
        .submit(
            &page,
            &page,
            &[
                ("rule", "employment_tribunal"),
                ("trigger_date", "2026-01-10"),
                ("calendar", "england-and-wales"),
                ("pause_from", "2026-04-01"),
                ("pause_to", "2026-04-05"),
            ],
        )
        .await;
    assert_eq!(ok.status, StatusCode::SEE_OTHER, "{}", ok.html());
    let html = b.get(&format!("/cases/{case}")).await.html().to_owned();
    assert!(
        html.contains("Employment Tribunal claim (most claims)") && html.contains("5 May 2026")
    );
    assert!(html.contains("one month after the certificate"));
    assert!(html.contains("Deadline set"));
    assert_eq!(app.count("deadlines").await, 1);
}

#[tokio::test]
async fn a_case_is_assessed_from_a_form_and_shows_why() {
    let app = TestApp::new().await;
    let (_, case) = app.client_and_case(&app.ann.1).await;
    let b = sign_in(&app, "ann@example.org").await;
    let page = format!("/cases/{case}/priority/assess");
    let form = b.get(&page).await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(
        form.html()
            .contains("Is the client threatened with homelessness within 56 days?"),
        "questions come from the housing policy"
    );
    let bad = b
        .submit(
            &page,
            &page,
            &[
                ("policy", "housing"),
                ("a_threatened_within_56_days", "yes"),
                ("a_priority_need", "royalty"),
            ],
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        bad.html().contains("Priority need category"),
        "{}",
        bad.html()
    );
    let ok = b
        .submit(
            &page,
            &page,
            &[
                ("policy", "housing"),
                ("a_threatened_within_56_days", "yes"),
                ("a_priority_need", "dependent_children"),
                ("a_homeless_tonight", "no"),
            ],
        )
        .await;
    assert_eq!(ok.status, StatusCode::SEE_OTHER, "{}", ok.html());
    let html = b.get(&format!("/cases/{case}")).await.html().to_owned();
    assert!(html.contains("P2 High") && html.contains("Why P2?"));
    assert!(html.contains("Is the client threatened with homelessness within 56 days?: yes (+20)"));
    assert!(html.contains("Score 30 → P2 High (25 or more)"));
    let queue = b.get("/caseload").await.html().to_owned();
    assert!(queue.contains("P2 High") && queue.contains("why?"));

    // A hard rule's band: a practitioner may not lower it, a supervisor may.
    b.submit(
        &page,
        &page,
        &[("policy", "housing"), ("a_homeless_tonight", "yes")],
    )
    .await;
    let refused = b
        .submit(
            &format!("/cases/{case}"),
            &format!("/cases/{case}/priority/override"),
            &[("band", "P4"), ("rationale", "Staying with a friend")],
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.html().contains("needs a supervisor"));
    let no_reason = b
        .submit(
            &format!("/cases/{case}"),
            &format!("/cases/{case}/priority/override"),
            &[("band", "P1"), ("rationale", "")],
        )
        .await;
    assert!(no_reason.html().contains("The reason is required"));
    let sue = sign_in(&app, "sue@example.org").await;
    let lowered = sue
        .submit(
            &format!("/cases/{case}"),
            &format!("/cases/{case}/priority/override"),
            &[
                ("band", "P3"),
                ("rationale", "Housed by family for six months"),
            ],
        )
        .await;
    assert_eq!(lowered.status, StatusCode::SEE_OTHER);
    let html = b.get(&format!("/cases/{case}")).await.html().to_owned();
    assert!(
        html.contains("P1 → P3 (override): Housed by family for six months"),
        "the priority history"
    );
}

#[tokio::test]
async fn supervisors_are_told_of_high_priority_cases_and_see_those_needing_attention() {
    let app = TestApp::new().await;
    let (client, _) = app.client_and_case(&app.ann.1).await;
    let case = app
        .post(
            "/api/v1/cases",
            &app.ann.1,
            json!({"client_id": client, "title": "PIP stopped", "service_area": "benefits"}),
        )
        .await
        .id();
    let r = app
        .post(
            &format!("/api/v1/cases/{case}/assessments"),
            &app.ann.1,
            json!({"answers": {"risk_of_harm": true, "loss_of_home_or_income": true}}),
        )
        .await;
    assert_eq!(r.body["band"], "P1", "{}", r.body);
    let sue = sign_in(&app, "sue@example.org").await;
    let list = sue.get("/notifications").await;
    assert!(
        list.html().contains("PIP stopped: now P1 Urgent"),
        "{}",
        list.html()
    );
    let team = sue.get("/team").await;
    assert!(
        team.html()
            .contains("High-priority cases needing attention")
    );
    assert!(team.html().contains("PIP stopped") && team.html().contains("No next action"));
    let id = {
        let html = list.html();
        let start = html.find("value=\"ntf_").unwrap() + "value=\"".len();
        html[start..].split('"').next().unwrap().to_owned()
    };
    let ack = sue
        .submit(
            "/notifications",
            &format!("/notifications/{id}/acknowledge"),
            &[],
        )
        .await;
    assert_eq!(ack.status, StatusCode::SEE_OTHER);
    assert!(
        sue.get("/notifications")
            .await
            .html()
            .contains("Nothing waiting")
    );
    // Once there is a next action and a contact, the case no longer needs the supervisor's eye.
    app.post(
        &format!("/api/v1/cases/{case}/tasks"),
        &app.ann.1,
        json!({"title": "Ask for a mandatory reconsideration", "due_date": "2026-03-04"}),
    )
    .await;
    app.note(&app.ann.1, &case, 10, "Phoned the client").await;
    assert!(!sue.get("/team").await.html().contains("No next action"));
    // A high-priority case whose owner has left has no owner: it is listed.
    app.store
        .update_user(
            &app.ann.0.id,
            &caseload_store::UserChange {
                active: Some(false),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert!(
        sue.get("/team")
            .await
            .html()
            .contains("No owner: reallocate")
    );
}

#[tokio::test]
async fn administrators_edit_policies_as_new_versions_with_problems_placed() {
    let app = TestApp::new().await;
    let ada = sign_in(&app, "ada@example.org").await;
    assert!(
        ada.get("/admin/policies")
            .await
            .html()
            .contains("Housing advice priorities")
    );
    let page = ada.get("/admin/policies/debt").await;
    let html = page.html();
    let start = html.find("name=\"body\"").unwrap();
    let body_start = html[start..].find('>').unwrap() + start + 1;
    let body_end = html[body_start..].find("</textarea>").unwrap() + body_start;
    let body = html[body_start..body_end]
        .replace("&#34;", "\"")
        .replace("&#39;", "'")
        .replace("&#60;", "<")
        .replace("&#62;", ">")
        .replace("&#38;", "&");
    let broken = body.replacen("band = \"P1\"", "band = \"P7\"", 1);
    let refused = ada
        .submit(
            "/admin/policies/debt",
            "/admin/policies/debt",
            &[("body", &broken)],
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        refused
            .html()
            .contains("rule S1: band &#34;P7&#34; is not defined"),
        "{}",
        refused.html()
    );
    let changed = body.replacen("points = 15", "points = 18", 1);
    let saved = ada
        .submit(
            "/admin/policies/debt",
            "/admin/policies/debt",
            &[("body", &changed)],
        )
        .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.html());
    assert_eq!(app.store.policy_versions("debt").await.unwrap().len(), 2);
    let ann = sign_in(&app, "ann@example.org").await;
    assert_eq!(
        ann.get("/admin/policies").await.status,
        StatusCode::FORBIDDEN
    );
}

#[tokio::test]
async fn the_calendar_feed_is_private_stable_and_revocable() {
    let app = TestApp::new().await;
    let (_, case) = app.client_and_case(&app.ann.1).await;
    app.post(
        &format!("/api/v1/cases/{case}/tasks"),
        &app.ann.1,
        json!({"title": "Chase landlord; rent statement", "due_date": "2026-03-06"}),
    )
    .await;
    app.post(
        &format!("/api/v1/cases/{case}/deadlines"),
        &app.ann.1,
        json!({"rule": "homelessness_review", "trigger_date": "2026-03-01"}),
    )
    .await;
    app.post(
        &format!("/api/v1/cases/{case}/tasks"),
        &app.ann.1,
        json!({"title": "Undated"}),
    )
    .await;
    let b = sign_in(&app, "ann@example.org").await;
    let made = b
        .submit("/calendar-feed", "/calendar-feed", &[("action", "create")])
        .await;
    let html = made.html().to_owned();
    let start = html.find("/feeds/").expect("the new address is shown");
    let path = html[start..].split('<').next().unwrap().to_owned();
    let first = app.call(Method::GET, &path, None, None).await;
    assert_eq!(first.status, StatusCode::OK);
    assert!(first.content_type().starts_with("text/calendar"));
    let text = first.html().to_owned();
    assert!(!text.contains("Dana Client"), "never the client's name");
    let parsed: Vec<_> = ical::IcalParser::new(std::io::BufReader::new(text.as_bytes())).collect();
    assert_eq!(parsed.len(), 1);
    let calendar = parsed
        .into_iter()
        .next()
        .unwrap()
        .expect("an independent parser reads it");
    let events: Vec<(String, String, String)> = calendar
        .events
        .iter()
        .map(|e| {
            let get = |n: &str| {
                e.properties
                    .iter()
                    .find(|p| p.name == n)
                    .and_then(|p| p.value.clone())
                    .unwrap_or_default()
            };
            (get("UID"), get("DTSTART"), get("SUMMARY"))
        })
        .collect();
    assert_eq!(events.len(), 2, "dated open tasks only: {events:?}");
    assert_eq!(events[0].1, "20260306");
    assert_eq!(events[0].2, "Chase landlord\\; rent statement");
    assert_eq!(events[1].1, "20260321", "the homelessness review deadline");
    assert!(events.iter().all(|(uid, _, _)| uid.ends_with("@caseload")));
    let again = app
        .call(Method::GET, &path, None, None)
        .await
        .html()
        .to_owned();
    let uids = |t: &str| {
        t.lines()
            .filter(|l| l.starts_with("UID:"))
            .map(str::to_owned)
            .collect::<Vec<_>>()
    };
    assert_eq!(uids(&again), uids(&text), "UIDs are stable");
    b.submit("/calendar-feed", "/calendar-feed", &[("action", "revoke")])
        .await;
    assert_eq!(
        app.call(Method::GET, &path, None, None).await.status,
        StatusCode::NOT_FOUND,
        "revoked"
    );
    assert_eq!(
        app.call(Method::GET, "/feeds/guess.ics", None, None)
            .await
            .status,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn the_deadlines_page_shows_what_is_due_at_risk_and_breached_as_time_moves() {
    let app = TestApp::new().await;
    let (_, case) = app.client_and_case(&app.ann.1).await;
    // Clock: Monday 2 March 2026. A review request due in 21 days, and one due Wednesday.
    app.post(
        &format!("/api/v1/cases/{case}/deadlines"),
        &app.ann.1,
        json!({"rule": "homelessness_review", "trigger_date": "2026-03-02"}),
    )
    .await;
    app.post(
        &format!("/api/v1/cases/{case}/deadlines"),
        &app.ann.1,
        json!({"title": "Send evidence to the council", "due_date": "2026-03-04"}),
    )
    .await;
    let b = sign_in(&app, "ann@example.org").await;
    let now = b.get("/deadlines").await.html().to_owned();
    // Nothing is at risk the day it starts: the margin is a quarter of
    // each window, never the whole of it.
    assert!(now.contains("At risk (0)"), "{now}");
    assert!(now.contains("Coming up") && now.contains("Send evidence to the council"));
    assert!(now.contains("Homelessness review request"));
    assert!(now.contains("Breached (0)"));
    // Wednesday: the deadline and the organisation's first-contact
    // timescale for a case not yet assessed (two working days) fall due.
    app.advance(2 * 24 * 60);
    let b = sign_in(&app, "ann@example.org").await; // the old session has idled out
    let due = b.get("/deadlines").await.html().to_owned();
    assert!(
        due.contains("At risk (2)") && due.contains("Due today"),
        "{due}"
    );
    assert!(due.contains("First contact") && due.contains("Contact the client"));
    assert!(
        b.get("/caseload")
            .await
            .html()
            .contains("Deadline Wed 4 Mar 2026: Send evidence to the council"),
        "the queue flags it, with its date"
    );
    app.advance(24 * 60);
    let b = sign_in(&app, "ann@example.org").await;
    let later = b.get("/deadlines").await.html().to_owned();
    assert!(
        later.contains("Breached (2)") && later.contains("breached since Thu 5 Mar 2026"),
        "{later}"
    );
    assert!(later.contains("ask for late acceptance"));
    let queue = b.get("/caseload").await.html().to_owned();
    assert!(
        queue.contains("First contact overdue since Thu 5 Mar 2026")
            && queue.contains("Deadline passed Wed 4 Mar 2026: Send evidence to the council"),
        "{queue}"
    );
    let page = b.get(&format!("/cases/{case}")).await.html().to_owned();
    let section = &page[page.find("id=\"timescales\"").expect("timescales section")..];
    assert!(
        section.contains("First contact")
            && section.contains("Breached since Thu 5 Mar 2026")
            && section.contains("Contact the client"),
        "{section}"
    );
}

#[tokio::test]
async fn administrators_version_the_timescales_and_the_note_window_follows() {
    let app = TestApp::new().await;
    let ada = sign_in(&app, "ada@example.org").await;
    let page = ada.get("/admin/timescales").await;
    assert!(page.html().contains("in force"), "{}", page.html());
    let body = caseload_domain::timescales::Timescales::shipped().to_toml();
    let refused = ada
        .submit(
            "/admin/timescales",
            "/admin/timescales",
            &[(
                "body",
                &body.replace(
                    "review_interval_working_days = 20",
                    "review_interval_working_days = 0",
                ),
            )],
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        refused
            .html()
            .contains("review_interval_working_days must be between 1 and 260 working days, not 0"),
        "{}",
        refused.html()
    );
    assert_eq!(app.store.timescale_versions().await.unwrap().len(), 1);
    let saved = ada
        .submit(
            "/admin/timescales",
            "/admin/timescales",
            &[(
                "body",
                &body.replace("note_window_hours = 24", "note_window_hours = 72"),
            )],
        )
        .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.html());
    assert_eq!(app.store.timescale_versions().await.unwrap().len(), 2);
    // A note about a contact two days ago is no longer a late entry.
    let (_, case) = app.client_and_case(&app.ann.1).await;
    let note = app
        .note(&app.ann.1, &case, 48 * 60, "Met at the drop-in")
        .await;
    assert_eq!(note.status, StatusCode::CREATED, "{}", note.body);
    assert_eq!(note.body["late_entry"], false);
    let ann = sign_in(&app, "ann@example.org").await;
    assert_eq!(
        ann.get("/admin/timescales").await.status,
        StatusCode::FORBIDDEN
    );
    assert!(
        ann.get(&format!("/cases/{case}/notes/new"))
            .await
            .html()
            .contains("3 days"),
        "the form states the window in force"
    );
}

/// The queue page answers from the rows kept from the last look while
/// nothing has changed, and shows a change made anywhere at once.
#[tokio::test]
async fn the_queue_page_shows_a_change_at_once() {
    let app = TestApp::new().await;
    let (_, case) = app.client_and_case(&app.ann.1).await;
    let b = sign_in(&app, "ann@example.org").await;
    let counts = || {
        let c = app.state.caseloads.counts();
        (c.kept, c.refreshed, c.read)
    };
    let first = b.get("/caseload").await;
    assert_eq!(first.status, StatusCode::OK);
    assert!(first.html().contains("Rent arrears"));
    assert_eq!(b.get("/caseload").await.html(), first.html());
    assert_eq!(counts(), (1, 0, 1));
    // Retitled straight in the database, past the server.
    sqlx::query("UPDATE cases SET title = 'Rent arrears and council tax' WHERE id = ?")
        .bind(&case)
        .execute(app.store.pool())
        .await
        .unwrap();
    let page = b.get("/caseload").await;
    assert!(page.html().contains("Rent arrears and council tax"));
    assert_eq!(counts(), (1, 0, 2));
}

/// Alerts about a case as re-evaluation sends them, a minute apart: each
/// `(clock, state, supervisors too)`, its message "clock state".
/// The value of the first input named `name` in a page.
fn input_value(html: &str, name: &str) -> String {
    let marker = format!("name=\"{name}\" value=\"");
    let start = html
        .find(&marker)
        .unwrap_or_else(|| panic!("no {name} in {html}"))
        + marker.len();
    html[start..].split('"').next().unwrap().to_owned()
}

/// Ann's "Rent arrears" with three alerts, then "PIP appeal" with one.
async fn ann_with_alerts(app: &TestApp) -> (String, String) {
    let (client, first) = app.client_and_case(&app.ann.1).await;
    let second = app.pip_appeal(&app.ann.1, &client).await;
    app.alerts_about(
        &first,
        &[
            ("first_contact", "at_risk", false),
            ("next_action", "at_risk", false),
            ("deadline:dln_1", "at_risk", false),
        ],
    )
    .await;
    app.alerts_about(&second, &[("review", "breached", false)])
        .await;
    (first, second)
}

#[tokio::test]
async fn the_navigation_counts_unread_notifications_on_every_page() {
    let app = TestApp::new().await;
    let ann = sign_in(&app, "ann@example.org").await;
    let counted = |n: i64| {
        format!(
            "Notifications <span class=\"nav-count\"><span aria-hidden=\"true\">({n})</span><span class=\"visually-hidden\">, {n} unread</span></span>"
        )
    };
    assert!(
        !ann.get("/caseload").await.html().contains("nav-count"),
        "none yet"
    );
    ann_with_alerts(&app).await;
    for page in ["/caseload", "/clients", "/deadlines", "/notifications"] {
        let html = ann.get(page).await.html().to_owned();
        assert!(html.contains(&counted(4)), "{page}: {html}");
    }
    let page = ann.get("/notifications").await.html().to_owned();
    let shown = input_value(&page, "shown");
    let r = ann
        .submit(
            "/notifications",
            "/notifications/acknowledge",
            &[("ack", &shown)],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert!(ann.get("/caseload").await.html().contains(&counted(3)));
    let sue = sign_in(&app, "sue@example.org").await;
    assert!(
        !sue.get("/team").await.html().contains("nav-count"),
        "Ann's notifications are hers alone"
    );
}

#[tokio::test]
async fn repeated_alerts_about_one_case_are_grouped_and_filtered_by_kind_or_case() {
    let app = TestApp::new().await;
    let (first, second) = ann_with_alerts(&app).await;
    let ann = sign_in(&app, "ann@example.org").await;
    let page = ann.get("/notifications").await;
    assert_eq!(page.status, StatusCode::OK);
    let html = page.html();
    assert!(
        html.contains("clocks and deadlines on your own cases"),
        "{html}"
    );
    assert!(!html.contains("Cases that have become high priority in your team."));
    let html = &html[html.find("notification-groups").unwrap()..];
    let appeal = html
        .find("Dana Client — PIP appeal")
        .expect("the appeal's group");
    let arrears = html
        .find("Dana Client — Rent arrears")
        .expect("the arrears' group");
    assert!(appeal < arrears, "the most recent group first");
    assert!(html.contains("2 earlier about this case"), "{html}");
    let latest = html
        .find("Deadline at risk</span>: deadline:dln_1 at_risk")
        .unwrap();
    let details = html[arrears..].find("<details>").unwrap() + arrears;
    assert!(latest < details, "the latest shown, the others folded away");
    assert!(html.contains("Select all 3 unread about Dana Client — Rent arrears"));
    assert!(html.contains("Acknowledge all shown (4)"));
    assert!(
        html.contains("Mon 2 Mar 2026, 09:0"),
        "dates as everywhere else: {html}"
    );

    let deadlines = ann.get("/notifications?kind=deadline_at_risk").await;
    assert!(deadlines.html().contains("deadline:dln_1 at_risk"));
    assert!(!deadlines.html().contains("first_contact at_risk"));
    assert!(deadlines.html().contains("Acknowledge all shown (1)"));
    assert!(
        deadlines
            .html()
            .contains("<option value=\"deadline_at_risk\" selected>Deadline at risk</option>")
    );
    let appeal_only = ann.get(&format!("/notifications?case={second}")).await;
    assert!(appeal_only.html().contains("review breached"));
    assert!(!appeal_only.html().contains("first_contact at_risk"));
    assert!(
        appeal_only
            .html()
            .contains(&format!("<option value=\"{second}\" selected>"))
    );
    let _ = first;

    let bad = ann.get("/notifications?kind=urgent&case=nonsense").await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.html().contains("Kind must be one of those listed"));
    assert!(bad.html().contains("Case is not a case id"));
    assert!(
        bad.html().contains("first_contact at_risk"),
        "the rest still shown"
    );
}

#[tokio::test]
async fn a_group_is_acknowledged_at_once_and_the_filters_are_kept() {
    let app = TestApp::new().await;
    let (first, _) = ann_with_alerts(&app).await;
    let ann = sign_in(&app, "ann@example.org").await;
    let filtered = format!("/notifications?case={first}");
    let html = ann.get(&filtered).await.html().to_owned();
    let group = input_value(&html, "group");
    assert_eq!(group.split(' ').count(), 3);
    let r = ann
        .submit(
            &filtered,
            "/notifications/acknowledge",
            &[("case", &first), ("group", &group), ("ack", "selected")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(r.location(), format!("/notifications?case={first}&done=3"));
    let after = ann.get(r.location()).await;
    assert!(
        after.html().contains("3 notifications acknowledged."),
        "{}",
        after.html()
    );
    assert!(after.html().contains("Nothing waiting"));
    // Shown again with the acknowledged ones.
    let everything = ann.get(&format!("{filtered}&show=all")).await;
    assert!(everything.html().contains("Acknowledged Mon 2 Mar 2026"));

    // Nothing chosen: the page again, saying what to do.
    let none = ann
        .submit(
            "/notifications",
            "/notifications/acknowledge",
            &[("ack", "selected")],
        )
        .await;
    assert_eq!(none.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        none.html()
            .contains("Choose at least one notification to acknowledge")
    );

    // All shown: the one left.
    let html = ann.get("/notifications").await.html().to_owned();
    let shown = input_value(&html, "shown");
    let r = ann
        .submit(
            "/notifications",
            "/notifications/acknowledge",
            &[("shown", &shown), ("ack", "all")],
        )
        .await;
    assert_eq!(r.location(), "/notifications?done=1");
    assert!(
        ann.get(r.location())
            .await
            .html()
            .contains("1 notification acknowledged.")
    );
}

#[tokio::test]
async fn another_persons_notifications_cannot_be_acknowledged_from_the_page() {
    let app = TestApp::new().await;
    ann_with_alerts(&app).await;
    let anns = app.store.notifications(&app.ann.0.id, false).await.unwrap();
    let sue = sign_in(&app, "sue@example.org").await;
    let id = anns[0].id.to_string();
    let r = sue
        .submit(
            "/notifications",
            "/notifications/acknowledge",
            &[("id", &id), ("ack", "selected")],
        )
        .await;
    assert_eq!(r.location(), "/notifications?done=0");
    assert_eq!(
        app.store
            .notifications(&app.ann.0.id, false)
            .await
            .unwrap()
            .len(),
        4
    );
}

#[tokio::test]
async fn acknowledging_without_the_forms_token_or_from_another_site_is_refused() {
    let app = TestApp::new().await;
    ann_with_alerts(&app).await;
    let ann = sign_in(&app, "ann@example.org").await;
    let html = ann.get("/notifications").await.html().to_owned();
    let shown = input_value(&html, "shown");
    let csrf = csrf_of(&html);
    let fields = [("shown", shown.as_str()), ("ack", "all")];
    let no_token = post_form(
        &app,
        "/notifications/acknowledge",
        Some(&ann.cookie),
        &fields,
        "same-origin",
    )
    .await;
    assert_eq!(no_token.status, StatusCode::FORBIDDEN);
    let with_token = [
        ("csrf", csrf.as_str()),
        ("shown", shown.as_str()),
        ("ack", "all"),
    ];
    let cross_site = post_form(
        &app,
        "/notifications/acknowledge",
        Some(&ann.cookie),
        &with_token,
        "cross-site",
    )
    .await;
    assert_eq!(cross_site.status, StatusCode::FORBIDDEN);
    assert_eq!(
        app.store
            .notifications(&app.ann.0.id, false)
            .await
            .unwrap()
            .len(),
        4,
        "nothing acknowledged"
    );
}

// ---- The case page reads from now backwards (issue 13) ----------------------

/// Where `needle` first appears in `html` (panics if it does not).
fn at(html: &str, needle: &str) -> usize {
    html.find(needle)
        .unwrap_or_else(|| panic!("{needle:?} not on the page"))
}

/// The text of the page's `role="status"` region.
fn status_of(html: &str) -> String {
    let start = at(html, "role=\"status\"");
    let end = start + html[start..].find("</div>").unwrap();
    html[start..end].to_owned()
}

#[tokio::test]
async fn a_colleague_sees_no_amend_link_and_is_offered_a_note_of_their_own() {
    let app = TestApp::new().await;
    let (_, case) = app.client_and_case(&app.ann.1).await;
    let note = app.note(&app.ann.1, &case, 5, "Owes £1,200").await.id();
    let amend = format!("/notes/{note}/amend");

    let ann = sign_in(&app, "ann@example.org").await;
    assert!(
        ann.get(&format!("/cases/{case}"))
            .await
            .html()
            .contains(&amend)
    );

    let bob = sign_in(&app, "bob@example.org").await;
    let html = bob.get(&format!("/cases/{case}")).await.html().to_owned();
    assert!(!html.contains(&amend), "no Amend link for a colleague");
    assert!(
        html.contains("Only Ann Adviser or a supervisor can amend this note")
            && html.contains(&format!(
                "href=\"/cases/{case}/notes/new\">Add your own note"
            ))
    );
    let visit = bob.get(&amend).await;
    assert_eq!(visit.status, StatusCode::FORBIDDEN);
    assert!(
        visit.html().contains("This note cannot be amended by you")
            && visit
                .html()
                .contains("Only the note&#39;s author (Ann Adviser) or a supervisor")
            && visit.html().contains("Owes £1,200"),
        "{}",
        visit.html()
    );
    let csrf = csrf_of(bob.get(&format!("/cases/{case}")).await.html());
    let post = post_form(
        &app,
        &amend,
        Some(&bob.cookie),
        &[
            ("csrf", &csrf),
            ("reason", "I think it was more"),
            ("section_situation", "Owes £2,100"),
        ],
        "same-origin",
    )
    .await;
    assert_eq!(post.status, StatusCode::FORBIDDEN);
    assert_eq!(app.count("note_amendments").await, 0);
    let refusals = app
        .store
        .list_audit(50)
        .await
        .unwrap()
        .into_iter()
        .filter(|e| e.action == "note.amend.denied")
        .count();
    assert_eq!(refusals, 2, "the visit and the post are both logged");
}

#[tokio::test]
async fn a_supervisor_amends_a_colleagues_note_and_it_is_shown_as_such() {
    let app = TestApp::new().await;
    let (_, case) = app.client_and_case(&app.ann.1).await;
    let note = app.note(&app.ann.1, &case, 5, "Owes £1,200").await.id();
    let sue = sign_in(&app, "sue@example.org").await;
    let html = sue.get(&format!("/cases/{case}")).await.html().to_owned();
    assert!(html.contains("Amend this note as supervisor"));
    let page = format!("/notes/{note}/amend");
    let form = sue.get(&page).await;
    assert!(form.html().contains("as a supervisor of the case's team"));
    let saved = sue
        .submit(
            &page,
            &page,
            &[
                ("reason", "File review: checked the statement"),
                ("section_situation", "Owes £2,150"),
            ],
        )
        .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER);
    let html = sue.get(saved.location()).await.html().to_owned();
    assert!(
        html.contains("Amended by Sue Supervisor (supervisor)"),
        "{html}"
    );
    assert!(
        status_of(&html)
            .contains("Amendment saved (as supervisor): phone call note of Mon 2 Mar 2026, 08:55.")
    );
}

#[tokio::test]
async fn cancelling_a_task_asks_why_and_the_history_shows_the_reason() {
    let app = TestApp::new().await;
    let (_, case) = app.client_and_case(&app.ann.1).await;
    let task = app
        .post(
            &format!("/api/v1/cases/{case}/tasks"),
            &app.ann.1,
            json!({"title": "Book interpreter", "due_date": "2026-03-09"}),
        )
        .await
        .id();
    let b = sign_in(&app, "ann@example.org").await;
    let html = b.get(&format!("/cases/{case}")).await.html().to_owned();
    let cancel = format!("/cases/{case}/tasks/{task}/cancel");
    assert!(html.contains(&format!("href=\"{cancel}\"")));
    assert!(
        !html.contains("value=\"cancelled\""),
        "Cancel no longer acts on one click"
    );
    let form = b.get(&cancel).await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(
        form.html().contains("Why it is cancelled") && form.html().contains("Book interpreter")
    );
    let action = format!("/cases/{case}/tasks/{task}/status");
    let no_reason = b
        .submit(
            &cancel,
            &action,
            &[("status", "cancelled"), ("reason", " ")],
        )
        .await;
    assert_eq!(no_reason.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        no_reason
            .html()
            .contains("Why it is cancelled is required when cancelling")
    );
    let ok = b
        .submit(
            &cancel,
            &action,
            &[
                ("status", "cancelled"),
                ("reason", "Family member now interprets"),
            ],
        )
        .await;
    assert_eq!(ok.status, StatusCode::SEE_OTHER);
    assert!(ok.location().contains("saved=task_cancelled"));
    let html = b.get(ok.location()).await.html().to_owned();
    assert!(
        status_of(&html)
            .contains("Task cancelled: Book interpreter. Reason: Family member now interprets")
    );
    assert!(
        html.contains(
            "Task &#34;Book interpreter&#34; cancelled. Reason: Family member now interprets"
        ),
        "{html}"
    );
    // A cancelled task goes back to the case rather than asking again.
    assert_eq!(b.get(&cancel).await.status, StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn the_history_reads_newest_first_by_default_and_can_be_filtered_and_printed() {
    let app = TestApp::new().await;
    let (_, case) = app.client_and_case(&app.ann.1).await;
    app.advance(10);
    app.note(&app.ann.1, &case, 1, "First call").await;
    app.advance(10);
    app.post(
        &format!("/api/v1/cases/{case}/tasks"),
        &app.ann.1,
        json!({"title": "Send the budget sheet"}),
    )
    .await;
    let b = sign_in(&app, "ann@example.org").await;
    let newest = b.get(&format!("/cases/{case}")).await.html().to_owned();
    let history = &newest[at(&newest, "id=\"timeline\"")..];
    assert!(at(history, "Task added: Send the budget sheet") < at(history, "First call"));
    assert!(at(history, "First call") < at(history, "Case recorded as open"));
    assert!(history.contains("Showing all 3 entries, newest first."));
    assert!(history.contains("value=\"newest\" checked"));
    assert!(
        history.contains("?order=oldest&amp;print=1"),
        "a print link, oldest first"
    );

    let oldest = b
        .get(&format!("/cases/{case}?order=oldest"))
        .await
        .html()
        .to_owned();
    let history = &oldest[at(&oldest, "id=\"timeline\"")..];
    assert!(at(history, "Case recorded as open") < at(history, "First call"));
    assert!(at(history, "First call") < at(history, "Task added: Send the budget sheet"));
    assert!(history.contains("Showing all 3 entries, oldest first."));

    let tasks = b
        .get(&format!("/cases/{case}?kind=tasks&kind=status"))
        .await
        .html()
        .to_owned();
    let history = &tasks[at(&tasks, "id=\"timeline\"")..];
    assert!(
        history.contains("Showing status changes and tasks only, newest first: 2 of 3 entries.")
    );
    assert!(!history.contains("First call"));
    assert!(history.contains("value=\"tasks\" checked"));

    let print = b
        .get(&format!("/cases/{case}?order=oldest&print=1&kind=tasks"))
        .await
        .html()
        .to_owned();
    let history = &print[at(&print, "id=\"timeline\"")..];
    assert!(history.contains("Print version: the whole history, oldest first"));
    assert!(at(history, "Case recorded as open") < at(history, "First call"));
    // Unknown values are ignored, never shown back.
    let odd = b
        .get(&format!("/cases/{case}?kind=%3Cb%3E&order=sideways"))
        .await;
    assert_eq!(odd.status, StatusCode::OK);
    assert!(
        odd.html().contains("Showing all 3 entries, newest first.") && !odd.html().contains("<b>")
    );
}

#[tokio::test]
async fn tasks_are_listed_open_first_by_due_date_undated_last() {
    let app = TestApp::new().await;
    let (_, case) = app.client_and_case(&app.ann.1).await;
    let mut ids = Vec::new();
    for (title, due) in [
        ("Undated", None),
        ("Later", Some("2026-04-01")),
        ("Sooner", Some("2026-03-05")),
        ("Finished", Some("2026-03-03")),
    ] {
        let task = app
            .post(
                &format!("/api/v1/cases/{case}/tasks"),
                &app.ann.1,
                json!({"title": title, "due_date": due}),
            )
            .await;
        ids.push(task.id());
    }
    app.post(
        &format!("/api/v1/cases/{case}/tasks/{}/status", ids[3]),
        &app.ann.1,
        json!({"status": "done"}),
    )
    .await;
    let b = sign_in(&app, "ann@example.org").await;
    let html = b.get(&format!("/cases/{case}")).await.html().to_owned();
    let tasks = &html[at(&html, "id=\"tasks\"")..at(&html, "id=\"outcomes\"")];
    let order: Vec<usize> = ["Sooner", "Later", "Undated", "Finished"]
        .iter()
        .map(|t| at(tasks, &format!("item-title\">{t}<")))
        .collect();
    let mut sorted = order.clone();
    sorted.sort();
    assert_eq!(order, sorted, "{tasks}");
}

#[tokio::test]
async fn each_save_on_the_case_page_says_what_was_saved() {
    let app = TestApp::new().await;
    let (_, case) = app.client_and_case(&app.ann.1).await;
    let b = sign_in(&app, "ann@example.org").await;
    let page = format!("/cases/{case}/notes/new");
    let note = b
        .submit(
            &page,
            &page,
            &[
                ("kind", "phone"),
                ("template", "star"),
                ("occurred_at", "2026-03-02T08:55"),
                ("section_situation", "Client rang about the notice"),
            ],
        )
        .await;
    assert_eq!(note.status, StatusCode::SEE_OTHER, "{}", note.html());
    assert!(
        note.location()
            .starts_with(&format!("/cases/{case}?saved=note&item=not_"))
    );
    let html = b.get(note.location()).await.html().to_owned();
    assert!(
        status_of(&html).contains("Note saved: phone call, Mon 2 Mar 2026, 08:55."),
        "{}",
        status_of(&html)
    );

    let tasks = format!("/cases/{case}/tasks/new");
    let task = b
        .submit(
            &tasks,
            &tasks,
            &[("title", "Call the landlord"), ("due_date", "2026-03-06")],
        )
        .await;
    let html = b.get(task.location()).await.html().to_owned();
    let said = status_of(&html);
    assert!(said.contains("Task added: Call the landlord, due ") && said.contains("6 Mar 2026."));

    let outcomes = format!("/cases/{case}/outcomes/new");
    let outcome = b
        .submit(&outcomes, &outcomes, &[("description", "Tenancy kept")])
        .await;
    let html = b.get(outcome.location()).await.html().to_owned();
    assert!(status_of(&html).contains("Outcome added: Tenancy kept."));

    let status = format!("/cases/{case}/status");
    let held = b
        .submit(
            &status,
            &status,
            &[
                ("status", "on_hold"),
                ("reason", "Waiting for the landlord"),
            ],
        )
        .await;
    assert_eq!(held.status, StatusCode::SEE_OTHER, "{}", held.html());
    let html = b.get(held.location()).await.html().to_owned();
    assert!(
        status_of(&html).contains("Status changed to On hold."),
        "{}",
        status_of(&html)
    );

    // Nothing from the URL is shown back: only the page's own words.
    let forged = b
        .get(&format!("/cases/{case}?saved=%3Cscript%3E&item=%3Cb%3E"))
        .await
        .html()
        .to_owned();
    assert!(!status_of(&forged).contains("<p") && !forged.contains("<script>"));
    let unknown = b
        .get(&format!("/cases/{case}?saved=note&item=not_gone"))
        .await;
    assert!(status_of(unknown.html()).contains("Saved."));
}

#[tokio::test]
async fn a_calculator_result_is_added_to_a_case_in_one_step() {
    let app = TestApp::new().await;
    let (_, case) = app.client_and_case(&app.ann.1).await;
    app.client_and_case(&app.bob.1).await;
    let b = sign_in(&app, "ann@example.org").await;
    let page = "/deadlines/calculator?rule=homelessness_review&trigger_date=2026-06-01&calendar=england-and-wales";
    let result = b.get(page).await;
    let html = result.html();
    assert!(html.contains("Add this deadline to a case"));
    assert!(
        html.contains(&format!(
            "<option value=\"{case}\">Dana Client — Rent arrears</option>"
        )),
        "my active cases are offered"
    );
    assert_eq!(
        html.matches("Dana Client — Rent arrears").count(),
        1,
        "not a colleague's"
    );
    let fields = [
        ("rule", "homelessness_review"),
        ("trigger_date", "2026-06-01"),
        ("calendar", "england-and-wales"),
        ("pause_from", ""),
        ("pause_to", ""),
    ];
    let mut none = fields.to_vec();
    none.push(("case_id", ""));
    let refused = b.submit(page, "/deadlines/calculator/add", &none).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        refused.html().contains("Case must be chosen") && refused.html().contains("21 Jun 2026")
    );
    assert_eq!(app.count("deadlines").await, 0);
    let mut chosen = fields.to_vec();
    chosen.push(("case_id", &case));
    let added = b.submit(page, "/deadlines/calculator/add", &chosen).await;
    assert_eq!(added.status, StatusCode::SEE_OTHER, "{}", added.html());
    assert!(
        added
            .location()
            .starts_with(&format!("/cases/{case}?saved=deadline"))
    );
    let html = b.get(added.location()).await.html().to_owned();
    assert!(
        status_of(&html).contains("Deadline added: ") && status_of(&html).contains("21 Jun 2026."),
        "{}",
        status_of(&html)
    );
    assert_eq!(app.count("deadlines").await, 1);
}

#[tokio::test]
async fn a_client_is_found_from_the_clients_page_by_a_name_typed_without_accents() {
    let app = TestApp::new().await;
    let (_, case) = app.client_and_case(&app.ann.1).await;
    for body in [
        json!({"name": "Zoë Adams", "address": "4 Park Road, Hull, HU1 2AB"}),
        json!({"name": "Łukasz Nowak", "date_of_birth": "1984-02-29", "address": "2 Mill Lane, Leeds, LS1 4AB"}),
        json!({"name": "Lucy Brown"}),
    ] {
        app.post("/api/v1/clients", &app.ann.1, body).await;
    }
    let b = sign_in(&app, "bob@example.org").await;
    let all = b.get("/clients").await;
    assert_eq!(all.status, StatusCode::OK);
    let html = all.html();
    assert!(html.contains("role=\"search\""));
    let order: Vec<usize> = ["Dana Client", "Lucy Brown", "Łukasz Nowak", "Zoë Adams"]
        .iter()
        .map(|n| html.find(n).unwrap_or_else(|| panic!("{n} listed")))
        .collect();
    assert!(
        order.windows(2).all(|w| w[0] < w[1]),
        "in name order: {order:?}"
    );
    assert!(html.contains(&format!("/cases/{case}")), "open cases shown");
    let found = b.get("/clients?q=lukasz").await;
    assert!(found.html().contains("Łukasz Nowak"));
    assert!(
        found.html().contains("LS1 4AB"),
        "the postcode tells them apart"
    );
    assert!(
        !found.html().contains("2 Mill Lane"),
        "not the whole address"
    );
    assert!(!found.html().contains("Zoë Adams"));
    let by_dob = b.get("/clients?q=&date_of_birth=1984-02-29").await;
    assert!(by_dob.html().contains("Łukasz Nowak"));
    assert!(!by_dob.html().contains("Lucy Brown"));
    let bad = b.get("/clients?date_of_birth=yesterday").await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.html().contains("Date of birth must be a date"));
}

/// Submit a page's own form with these (owned) values.
async fn submit_owned(b: &Browser<'_>, page: &str, fields: &[(&str, String)]) -> Resp {
    let f: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
    b.submit(page, page, &f).await
}

#[tokio::test]
async fn a_save_over_someone_elses_change_to_a_client_is_caught_not_silently_undone() {
    let app = TestApp::new().await;
    let (client, _) = app.client_and_case(&app.ann.1).await;
    let edit = format!("/clients/{client}/edit");
    let ann = sign_in(&app, "ann@example.org").await;
    let bob = sign_in(&app, "bob@example.org").await;
    // Both open the form; Ann records that letters are not safe.
    let anns_form = ann.get(&edit).await.html().to_owned();
    let bobs_form = bob.get(&edit).await.html().to_owned();
    let version = |html: &str| {
        let marker = "name=\"version\" value=\"";
        let start = html.find(marker).expect("the form carries its version") + marker.len();
        html[start..].split('"').next().unwrap().to_owned()
    };
    let fields = |v: String, letter: &'static str, phone: &'static str| {
        vec![
            ("version", v),
            ("name", "Dana Client".to_owned()),
            ("phone", phone.to_owned()),
            ("contact.letter", letter.to_owned()),
        ]
    };
    let saved = submit_owned(&ann, &edit, &fields(version(&anns_form), "no", "")).await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.html());
    // Bob, from the form he opened before, changes the phone number.
    let caught = submit_owned(
        &bob,
        &edit,
        &fields(version(&bobs_form), "", "07700 900123"),
    )
    .await;
    assert_eq!(caught.status, StatusCode::CONFLICT, "{}", caught.html());
    assert!(caught.html().contains("Someone else changed these details"));
    assert!(
        caught.html().contains("07700 900123"),
        "what Bob typed is kept"
    );
    let stored = app
        .get(&format!("/api/v1/clients/{client}"), &app.ann.1)
        .await;
    assert_eq!(
        stored.body["contact"]["letter"], false,
        "Ann's change stands"
    );
    assert!(stored.body["phone"].is_null(), "Bob's save waited");
    // Having looked, Bob saves from the form as re-shown.
    let again = submit_owned(
        &bob,
        &edit,
        &fields(version(caught.html()), "no", "07700 900123"),
    )
    .await;
    assert_eq!(again.status, StatusCode::SEE_OTHER, "{}", again.html());
}

#[tokio::test]
async fn a_clients_details_are_edited_with_errors_reshown_and_the_change_is_in_their_history() {
    let app = TestApp::new().await;
    let (client, _) = app.client_and_case(&app.ann.1).await;
    let b = sign_in(&app, "bob@example.org").await;
    let edit = format!("/clients/{client}/edit");
    let form = b.get(&edit).await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(form.html().contains("value=\"Dana Client\""));
    let bad = b
        .submit(
            &edit,
            &edit,
            &[
                ("name", "Dana Łęcka"),
                ("email", "nope"),
                ("access_needs.interpreter", "yes"),
            ],
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.html().contains("Email must be an email address"));
    assert!(bad.html().contains("value=\"Dana Łęcka\""), "input kept");
    assert_eq!(app.count("client_changes").await, 0);
    let still = b
        .submit(
            &edit,
            &edit,
            &[("name", "Dana Łęcka"), ("access_needs.interpreter", "yes")],
        )
        .await;
    assert!(
        still
            .html()
            .contains("Interpreter language is required when an interpreter is needed")
    );
    let saved = b
        .submit(
            &edit,
            &edit,
            &[
                ("name", "Dana Łęcka"),
                ("contact.text", "yes"),
                ("contact.letter", "no"),
                ("contact.times", "Weekdays after 3pm"),
                ("contact.safe_address", "Do not write to home address"),
                ("access_needs.interpreter", "yes"),
                ("access_needs.interpreter_language", "Polish"),
            ],
        )
        .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.html());
    assert_eq!(saved.location(), format!("/clients/{client}"));
    let page = b.get(&format!("/clients/{client}")).await;
    let html = page.html();
    assert!(html.contains("History of these details"));
    assert!(html.contains("Dana Client"), "old name in the history");
    assert!(html.contains("Bob Adviser"));
    assert!(html.contains("Weekdays after 3pm"));
    // Another team's practitioner may not edit.
    let cat = sign_in(&app, "cat@example.org").await;
    assert_eq!(cat.get(&edit).await.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn the_case_page_shows_how_to_reach_the_client() {
    let app = TestApp::new().await;
    let (client, case) = app.client_and_case(&app.ann.1).await;
    app.call(
        Method::PATCH,
        &format!("/api/v1/clients/{client}"),
        Some(&app.ann.1),
        Some(json!({
            "phone": "07700 900123",
            "contact": {"text": true, "phone": false, "times": "Weekdays after 3pm", "safe_address": "Do not write to home address"},
            "access_needs": {"interpreter": true, "interpreter_language": "Polish", "adjustments": "Step-free access"}
        })),
    )
    .await;
    let b = sign_in(&app, "ann@example.org").await;
    let page = b.get(&format!("/cases/{case}")).await;
    let html = page.html();
    assert!(html.contains("How to reach Dana Client"));
    assert!(html.contains("Interpreter needed:</strong> Polish"));
    assert!(html.contains("Step-free access"));
    assert!(html.contains("Text message"));
    assert!(html.contains("Weekdays after 3pm"));
    assert!(html.contains("Do not write to home address"));
    assert!(html.contains("07700 900123"));
}
