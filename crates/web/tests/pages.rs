//! The pages, as a browser meets them: sign-in and sessions, CSRF, access,
//! escaping, forms that keep what was typed, and security headers.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use axum::body::Body;
use axum::http::{Method, Request, StatusCode};
use caseload_store::Store;
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
    assert!(r.html().contains("due 21 Jun 2026"), "{}", r.html());
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
        let start = html.find("/notifications/ntf_").unwrap() + "/notifications/".len();
        html[start..].split('/').next().unwrap().to_owned()
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
    // The deadline due Wednesday, and the organisation's first-contact
    // timescale for a case not yet assessed (two working days).
    assert!(
        now.contains("At risk (2)") && now.contains("2 working days left"),
        "{now}"
    );
    assert!(now.contains("First contact") && now.contains("Contact the client"));
    assert!(now.contains("Coming up (1)") && now.contains("Homelessness review request"));
    assert!(now.contains("Breached (0)"));
    assert!(
        b.get("/caseload").await.html().contains("Deadline at risk"),
        "the queue flags it"
    );
    app.advance(3 * 24 * 60);
    let b = sign_in(&app, "ann@example.org").await; // the old session has idled out
    let later = b.get("/deadlines").await.html().to_owned();
    assert!(
        later.contains("Breached (2)") && later.contains("breached since 5 Mar 2026"),
        "{later}"
    );
    assert!(later.contains("ask for late acceptance"));
    let page = b.get(&format!("/cases/{case}")).await.html().to_owned();
    let section = &page[page.find("id=\"timescales\"").expect("timescales section")..];
    assert!(
        section.contains("First contact")
            && section.contains("Breached since 5 Mar 2026")
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
