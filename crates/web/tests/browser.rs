//! End to end in a real Chromium, driven through chromedriver: sign in, see
//! the caseload, open a case, add a note, meet the late-entry error and fix
//! it, amend the note, try another team's case, try a cross-site POST, sign
//! out. axe-core checks every page for WCAG 2.2 A/AA violations, and a
//! screenshot of each page is saved under `target/browser-screenshots/`.
//!
//! Needs Debian's `chromium` and `chromium-driver`, and `npm ci` for
//! axe-core. Without them the test says so loudly and is skipped — except
//! under `CI=true`, where it fails.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use std::io::Write;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::Stdio;

use caseload_store::Store;
use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::{Value, json};
use support::TestApp;
use tokio::io::{AsyncBufReadExt, BufReader};

const PASSWORD: &str = "plum kettle orbit";

fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| v == "true" || v == "1")
}

fn skip(why: &str) {
    if in_ci() {
        panic!("CI=true but the browser suite cannot run: {why}");
    }
    let _ = writeln!(
        std::io::stderr(),
        "\n*** SKIPPING the browser suite: {why} ***\n"
    );
}

fn workspace() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn screenshots_dir() -> PathBuf {
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| workspace().join("target"));
    let dir = target.join("browser-screenshots");
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

struct Session {
    client: Client,
    base: String,
    axe: Option<String>,
    checked: Vec<String>,
}

impl Session {
    async fn go(&self, path: &str) {
        self.client
            .goto(&format!("{}{path}", self.base))
            .await
            .unwrap();
    }

    async fn html(&self) -> String {
        self.client.source().await.unwrap()
    }

    async fn path(&self) -> String {
        self.client.current_url().await.unwrap().path().to_owned()
    }

    async fn fill(&self, css: &str, text: &str) {
        let e = self
            .client
            .find(Locator::Css(css))
            .await
            .unwrap_or_else(|_| panic!("no {css}"));
        e.clear().await.unwrap();
        e.send_keys(text).await.unwrap();
    }

    async fn click(&self, css: &str) {
        self.client
            .find(Locator::Css(css))
            .await
            .unwrap_or_else(|_| panic!("no {css}"))
            .click()
            .await
            .unwrap();
    }

    /// Click, then wait until the next page shows `ready` (a CSS selector
    /// only that page has) — the browser's own pace, not a timer.
    async fn click_then(&self, css: &str, ready: &str) {
        self.click(css).await;
        self.client
            .wait()
            .for_element(Locator::Css(ready))
            .await
            .unwrap_or_else(|_| panic!("{ready} never appeared"));
    }

    /// At a desktop and a phone width: save a screenshot, check that the
    /// page does not scroll sideways, and run axe-core on it as it is now.
    async fn check(&mut self, name: &str) {
        for (width, height) in WIDTHS {
            self.client.set_window_size(width, height).await.unwrap();
            let (scroll, inner): (i64, i64) = {
                let v = self
                    .client
                    .execute(
                        "return [document.documentElement.scrollWidth, window.innerWidth];",
                        vec![],
                    )
                    .await
                    .unwrap();
                (v[0].as_i64().unwrap(), v[1].as_i64().unwrap())
            };
            let png = self.client.screenshot().await.unwrap();
            std::fs::write(screenshots_dir().join(format!("{name}-{width}.png")), png).unwrap();
            assert!(
                inner <= i64::from(width) && inner > 0,
                "the window is {width} px wide, not {inner}"
            );
            assert!(
                scroll <= inner,
                "{name} ({}) scrolls sideways at {width} px: {scroll} > {inner}; widest elements: {}",
                self.path().await,
                self.widest().await
            );
            self.axe(name, width).await;
        }
        self.client
            .set_window_size(WIDTHS[0].0, WIDTHS[0].1)
            .await
            .unwrap();
        self.checked.push(name.to_owned());
    }

    /// What sticks out past the window, to say why a page scrolls sideways.
    async fn widest(&self) -> String {
        self.client
            .execute(
                "return Array.from(document.querySelectorAll('body *'))
                    .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1)
                    .slice(-5)
                    .map(e => e.tagName + (e.className ? '.' + e.className : '') + ' ' + Math.round(e.getBoundingClientRect().right))
                    .join(', ');",
                vec![],
            )
            .await
            .map(|v| v.to_string())
            .unwrap_or_default()
    }

    async fn axe(&self, name: &str, width: u32) {
        let Some(axe) = &self.axe else { return };
        self.client
            .execute(&format!("{axe}\nreturn true;"), vec![])
            .await
            .unwrap();
        let violations = self
            .client
            .execute_async(
                "const done = arguments[arguments.length - 1];
                 axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa']}})
                    .then(r => done(r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                        nodes: v.nodes.map(n => n.target.join(' ')).slice(0, 5)}))))
                    .catch(e => done([{id: 'axe-error', help: String(e)}]));",
                vec![],
            )
            .await
            .unwrap();
        assert_eq!(
            violations,
            json!([]),
            "axe found WCAG 2.2 A/AA violations on {name} at {width} px ({})",
            self.path().await
        );
    }
}

/// A laptop's and a phone's width (CSS pixels).
const WIDTHS: [(u32, u32); 2] = [(1366, 900), (390, 844)];

async fn start_chromedriver() -> Option<(tokio::process::Child, String)> {
    if !std::path::Path::new("/usr/bin/chromium").exists() {
        skip("/usr/bin/chromium is missing (apt-get install chromium chromium-driver)");
        return None;
    }
    // A free port for chromedriver (it cannot pick its own and report it).
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let mut child = match tokio::process::Command::new("chromedriver")
        .arg(format!("--port={port}"))
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .kill_on_drop(true)
        .spawn()
    {
        Ok(c) => c,
        Err(e) => {
            skip(&format!(
                "chromedriver cannot start ({e}); apt-get install chromium-driver"
            ));
            return None;
        }
    };
    // chromedriver says when it is ready.
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    while let Some(line) = lines.next_line().await.unwrap() {
        if line.contains("started successfully") {
            tokio::spawn(async move { while let Ok(Some(_)) = lines.next_line().await {} });
            return Some((child, format!("http://127.0.0.1:{port}")));
        }
    }
    panic!("chromedriver exited without saying where it listens");
}

async fn browser(webdriver: &str) -> Client {
    // A profile of its own for each browser: two Chromiums sharing one
    // would hand their windows to each other.
    static BROWSERS: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
    let profile = std::env::temp_dir().join(format!(
        "caseload-chromium-{}-{}",
        std::process::id(),
        BROWSERS.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
    ));
    let mut caps = serde_json::Map::new();
    caps.insert(
        "goog:chromeOptions".into(),
        json!({
            "binary": "/usr/bin/chromium",
            "args": ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-quic",
                     "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
                     "--window-size=1366,900", format!("--user-data-dir={}", profile.display())]
        }),
    );
    let connector = hyper_util::client::legacy::connect::HttpConnector::new();
    ClientBuilder::new(connector)
        .capabilities(caps)
        .connect(webdriver)
        .await
        .expect("a Chromium session")
}

async fn serve(app: axum::Router) -> SocketAddr {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        axum::serve(
            listener,
            app.into_make_service_with_connect_info::<SocketAddr>(),
        )
        .await
        .unwrap();
    });
    addr
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_practitioner_works_a_case_in_a_real_browser() {
    let Some((_driver, webdriver)) = start_chromedriver().await else {
        return;
    };
    let axe_path = workspace().join("node_modules/axe-core/axe.min.js");
    let axe = match std::fs::read_to_string(&axe_path) {
        Ok(s) => Some(s),
        Err(_) => {
            skip("node_modules/axe-core is missing (run npm ci); accessibility checks need it");
            None
        }
    };

    let app = TestApp::new().await;
    for email in ["ann@example.org", "sue@example.org", "ada@example.org"] {
        let user = app.store.find_user_by_email(email).await.unwrap().unwrap();
        app.store
            .set_password(&user.id, &caseload_web::passwords::hash(PASSWORD).unwrap())
            .await
            .unwrap();
    }
    let (client_id, case) = app.client_and_case(&app.ann.1).await;
    app.post(
        &format!("/api/v1/cases/{case}/tasks"),
        &app.ann.1,
        json!({"title": "Chase landlord", "due_date": "2026-03-06"}),
    )
    .await;
    app.post(
        &format!("/api/v1/cases/{case}/outcomes"),
        &app.ann.1,
        json!({"description": "Tenancy sustained"}),
    )
    .await;
    let (_, theirs) = app.client_and_case(&app.cat.1).await;
    let addr = serve(caseload_web::router(app.state.clone())).await;

    // A page on another site that posts a form to Caseload.
    let target = format!("http://127.0.0.1:{}/cases/{case}/notes/new", addr.port());
    let attacker = serve(axum::Router::new().route(
        "/",
        axum::routing::get(move || {
            let target = target.clone();
            async move {
                axum::response::Html(format!(
                    "<!doctype html><title>x</title><form id=f method=post action=\"{target}\">\
                 <input name=kind value=phone><input name=occurred_at value=2026-03-02T08:00>\
                 <input name=section_situation value=forged><button>go</button></form>"
                ))
            }
        }),
    ))
    .await;

    let client = browser(&webdriver).await;
    let mut s = Session {
        client,
        base: format!("http://127.0.0.1:{}", addr.port()),
        axe,
        checked: Vec::new(),
    };

    // Signing in lands on the caseload.
    s.go("/caseload").await;
    assert_eq!(s.path().await, "/sign-in");
    s.check("01-sign-in").await;
    s.fill("#f-email", "ann@example.org").await;
    s.fill("#f-password", "wrong password here").await;
    s.click_then("form[action='/sign-in'] button", ".error-summary")
        .await;
    assert!(
        s.html()
            .await
            .contains("email address or password is not right")
    );
    s.check("02-sign-in-error").await;
    s.fill("#f-password", PASSWORD).await;
    s.click_then("form[action='/sign-in'] button", "table.caseload")
        .await;
    assert_eq!(s.path().await, "/caseload");
    let html = s.html().await;
    assert!(
        html.contains("Dana Client") && html.contains("Chase landlord"),
        "the caseload lists the case"
    );
    s.check("03-caseload").await;

    // Open the case.
    s.click_then("a.row-link", "#timeline").await;
    assert_eq!(s.path().await, format!("/cases/{case}"));
    s.check("04-case").await;

    // Add a note about yesterday's visit: a late entry, refused without a reason.
    s.click_then(
        &format!("a[href='/cases/{case}/notes/new']"),
        "#f-occurred_at",
    )
    .await;
    s.check("05-add-note").await;
    s.client
        .execute(
            "document.getElementById('f-occurred_at').value = '2026-03-01T08:00';",
            vec![],
        )
        .await
        .unwrap();
    s.fill(
        "#f-sections-situation",
        "Home visit. Client showed the section 21 notice.",
    )
    .await;
    s.fill(
        "#f-sections-action",
        "Checked the notice; deposit was not protected.",
    )
    .await;
    s.click_then("button[data-once]", ".error-summary").await;
    let html = s.html().await;
    assert!(
        html.contains("There is a problem") && html.contains("id=\"e-late_reason\""),
        "late entry needs a reason: {}",
        &html[html.find("<main").unwrap_or(0)..]
    );
    assert!(
        html.contains("Client showed the section 21 notice."),
        "typed text is kept"
    );
    s.check("06-add-note-late-error").await;
    s.fill("#f-late_reason", "Visit ran late; written up next morning")
        .await;
    s.click_then("button[data-once]", ".note.late").await;
    assert_eq!(s.path().await, format!("/cases/{case}"));
    let html = s.html().await;
    assert!(
        html.contains("Late entry") && html.contains("Visit ran late; written up next morning")
    );
    assert_eq!(app.count("notes").await, 1);

    // Amend the note; the original stays readable.
    s.click_then("a[href$='/amend']", "#f-reason").await;
    s.check("07-amend-note").await;
    s.fill("#f-reason", "Added the deposit scheme checked")
        .await;
    s.fill(
        "#f-sections-action",
        "Checked the notice; deposit was not protected in any of the three schemes.",
    )
    .await;
    s.click_then("button[data-once]", ".amendments").await;
    let html = s.html().await;
    assert!(
        html.contains("Amended 1 time")
            && html.contains("deposit was not protected in any of the three schemes")
    );
    assert!(html.contains("Original note as first written"));
    s.check("08-case-after-amendment").await;

    // The client page and the new-client form.
    s.go(&format!("/clients/{client_id}")).await;
    s.check("09-client").await;
    s.go("/clients/new").await;
    s.click_then("form[action='/clients/new'] button", ".error-summary")
        .await;
    assert!(s.html().await.contains("Name is required"));
    s.check("10-new-client-error").await;
    s.go(&format!("/cases/{case}/status")).await;
    s.check("11-status").await;
    // Assess the case's priority and read the rationale.
    s.go(&format!("/cases/{case}/priority/assess")).await;
    s.check("11c-assess").await;
    s.click("#a-threatened_within_56_days-yes").await;
    s.client
        .find(Locator::Css("#f-answers-priority_need"))
        .await
        .unwrap()
        .select_by_value("pregnant")
        .await
        .unwrap();
    s.click_then(
        "form[action$='/priority/assess'] button",
        "#priority .tag.band-P2",
    )
    .await;
    s.click("#priority details summary").await;
    let html = s.html().await;
    assert!(
        html.contains("Score 30 → P2 High"),
        "the rationale is there to read"
    );
    s.check("11d-case-with-priority").await;
    // Set a deadline on the case from a rule.
    s.go(&format!("/cases/{case}/deadlines/new")).await;
    s.check("11a-add-deadline").await;
    s.client
        .find(Locator::Css("#f-rule"))
        .await
        .unwrap()
        .select_by_value("mandatory_reconsideration")
        .await
        .unwrap();
    s.client
        .execute(
            "document.getElementById('f-trigger_date').value = '2026-01-31';",
            vec![],
        )
        .await
        .unwrap();
    s.click_then("form[action$='/deadlines/new'] button", "#deadlines li")
        .await;
    assert!(
        s.html().await.contains("28 Feb 2026"),
        "the computed due date is on the case"
    );
    s.go("/deadlines/calculator?rule=mandatory_reconsideration&trigger_date=2026-01-31")
        .await;
    assert!(s.html().await.contains("due Sat 28 Feb 2026"));
    s.check("11b-deadline-calculator").await;
    s.go("/deadlines").await;
    assert!(s.html().await.contains("Mandatory reconsideration request"));
    s.check("11f-deadlines").await;
    s.go("/calendar-feed").await;
    s.click_then("button[value='create']", "#feed-url").await;
    s.check("11e-calendar-feed").await;

    // Another team's case is not found.
    s.go(&format!("/cases/{theirs}")).await;
    assert!(s.html().await.contains("Page not found"));
    s.check("12-not-found").await;

    // A form on another site posting here is refused and changes nothing.
    s.client
        .goto(&format!("http://localhost:{}/", attacker.port()))
        .await
        .unwrap();
    s.click_then("#f button", "main h1").await;
    assert!(
        s.html().await.contains("Form not accepted"),
        "cross-site POST refused"
    );
    assert_eq!(app.count("notes").await, 1);

    // A deadline added by hand is coming up; when time moves on (the
    // injected clock, not a sleep) it goes at risk.
    s.go(&format!("/cases/{case}/deadlines/new")).await;
    s.fill("#f-title", "File the defence").await;
    s.client
        .execute(
            "document.getElementById('f-due_date').value = '2026-03-16';",
            vec![],
        )
        .await
        .unwrap();
    s.click_then("form[action$='/deadlines/new'] button", "#deadlines li")
        .await;
    s.go("/deadlines").await;
    let html = s.html().await;
    let coming_up = &html[html.find("Coming up").expect("coming up")..];
    assert!(coming_up.contains("File the defence"), "{html}");
    app.advance(10 * 24 * 60); // Thursday 12 March: two working days left
    s.go("/deadlines").await; // the session has idled out meanwhile
    s.fill("#f-email", "ann@example.org").await;
    s.fill("#f-password", PASSWORD).await;
    s.click_then("form[action='/sign-in'] button", "form[action='/sign-out']")
        .await;
    s.go("/deadlines").await;
    let html = s.html().await;
    let at_risk =
        &html[html.find("At risk").expect("at risk")..html.find("Coming up").expect("coming up")];
    assert!(
        at_risk.contains("File the defence") && at_risk.contains("2 working days left"),
        "{html}"
    );
    s.check("11g-deadline-at-risk").await;

    // Sign out.
    s.go("/caseload").await;
    s.click_then("form[action='/sign-out'] button", "#f-email")
        .await;
    assert_eq!(s.path().await, "/sign-in");
    s.go(&format!("/cases/{case}")).await;
    assert_eq!(s.path().await, "/sign-in", "signed out for real");

    // The supervisor's team view and the administrator's pages.
    for (email, pages) in [
        (
            "sue@example.org",
            vec![
                ("13-team", "/team".to_owned()),
                ("13b-notifications", "/notifications".to_owned()),
                ("14-team-member", format!("/team/{}", app.ann.0.id)),
            ],
        ),
        (
            "ada@example.org",
            vec![
                ("15-admin-users", "/admin/users".to_owned()),
                ("16-admin-new-user", "/admin/users/new".to_owned()),
                ("17-admin-teams", "/admin/teams".to_owned()),
                ("17b-admin-policies", "/admin/policies".to_owned()),
                ("17c-admin-policy", "/admin/policies/housing".to_owned()),
                ("17d-admin-timescales", "/admin/timescales".to_owned()),
            ],
        ),
    ] {
        s.go("/sign-in").await;
        s.fill("#f-email", email).await;
        s.fill("#f-password", PASSWORD).await;
        s.click_then("form[action='/sign-in'] button", "form[action='/sign-out']")
            .await;
        for (name, path) in pages {
            s.go(&path).await;
            s.check(name).await;
        }
        s.click_then("form[action='/sign-out'] button", "#f-email")
            .await;
    }

    let checked: Value = json!(s.checked);
    s.client.close().await.unwrap();
    if s.axe.is_some() {
        assert_eq!(
            checked.as_array().unwrap().len(),
            28,
            "every page was checked: {checked}"
        );
    }
}

/// A signed-in browser on a fresh test app, or None when the suite cannot
/// run here (said loudly; a failure under CI).
async fn signed_in(app: &TestApp, email: &str) -> Option<(tokio::process::Child, Session)> {
    let (driver, webdriver) = start_chromedriver().await?;
    let axe = std::fs::read_to_string(workspace().join("node_modules/axe-core/axe.min.js")).ok();
    if axe.is_none() {
        skip("node_modules/axe-core is missing (run npm ci); accessibility checks need it");
    }
    let user = app.store.find_user_by_email(email).await.unwrap().unwrap();
    app.store
        .set_password(&user.id, &caseload_web::passwords::hash(PASSWORD).unwrap())
        .await
        .unwrap();
    let addr = serve(caseload_web::router(app.state.clone())).await;
    let s = Session {
        client: browser(&webdriver).await,
        base: format!("http://127.0.0.1:{}", addr.port()),
        axe,
        checked: Vec::new(),
    };
    s.go("/").await;
    s.fill("#f-email", email).await;
    s.fill("#f-password", PASSWORD).await;
    s.click_then("form[action='/sign-in'] button", "form[action='/sign-out']")
        .await;
    Some((driver, s))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn amaras_morning_her_queues_first_row_is_her_most_urgent_case() {
    let app = TestApp::new().await;
    // A caseload as a morning finds it: a routine case with an overdue
    // task, a P1 with no next action, a P2 and a case not yet assessed.
    let cases = app
        .cases_with_bands(&app.ann.1, &["P4", "P1", "P2", ""])
        .await;
    let api_order = app.queue_order(&app.ann.1).await;
    let Some((_driver, mut s)) = signed_in(&app, "ann@example.org").await else {
        return;
    };
    // Signing in lands on the queue.
    assert_eq!(s.path().await, "/caseload");
    let rows: Vec<String> = s
        .client
        .execute(
            "return Array.from(document.querySelectorAll('table.caseload a.row-link')).map(a => a.getAttribute('href'));",
            vec![],
        )
        .await
        .unwrap()
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap().trim_start_matches("/cases/").to_owned())
        .collect();
    assert_eq!(rows.first(), Some(&cases[1]), "the P1 case is first");
    assert_eq!(
        rows, api_order,
        "the page shows the API's queue, in its order"
    );
    let first = s
        .client
        .find(Locator::Css("table.caseload tbody tr"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        first.contains("P1") && first.contains("High priority, no next action"),
        "the first row says why it is first: {first}"
    );
    // The j/k hint shows, since the keys work here, and j reaches the first row.
    let keys: Value = s
        .client
        .execute(
            "const hint = document.querySelector('[data-keyboard-hint]');
             document.dispatchEvent(new KeyboardEvent('keydown', {key: 'j', bubbles: true}));
             const first = document.activeElement.getAttribute('href');
             document.dispatchEvent(new KeyboardEvent('keydown', {key: 'j', bubbles: true}));
             const second = document.activeElement.getAttribute('href');
             return [!hint.hidden && hint.offsetHeight > 0, first, second];",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(
        keys,
        json!([
            true,
            format!("/cases/{}", rows[0]),
            format!("/cases/{}", rows[1])
        ])
    );
    s.check("20-amaras-morning").await;
    // On a phone the first row still shows the band, client, next action and flags.
    s.client.set_window_size(390, 844).await.unwrap();
    let visible: Value = s
        .client
        .execute(
            "const row = document.querySelector('table.caseload tbody tr');
             return ['cell-band', 'cell-client', 'cell-next', 'cell-flags'].map(c => {
               const r = row.querySelector('.' + c).getBoundingClientRect();
               return r.width > 0 && r.height > 0 && r.right <= window.innerWidth;
             });",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(visible, json!([true, true, true, true]));
    s.client.close().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_administrators_logo_click_lands_on_administration() {
    let app = TestApp::new().await;
    let Some((_driver, mut s)) = signed_in(&app, "ada@example.org").await else {
        return;
    };
    assert_eq!(s.path().await, "/admin/users", "signing in lands there");
    // A case worker's page is refused, with the menu and sign-out kept.
    s.go("/caseload").await;
    assert!(s.html().await.contains("Not available to you"));
    s.check("21-admin-refused").await;
    s.click_then("a.brand", "form[action='/sign-out']").await;
    assert_eq!(s.path().await, "/admin/users", "the logo leads home");
    s.go("/caseload").await;
    s.click_then(
        ".site-nav a[href='/admin/teams']",
        "form[action='/sign-out']",
    )
    .await;
    assert_eq!(
        s.path().await,
        "/admin/teams",
        "the menu works from an error page"
    );
    s.go(&format!("/admin/users/{}", app.ann.0.id)).await;
    s.check("21b-admin-edit-user").await;
    s.click_then("form[action='/sign-out'] button", "#f-email")
        .await;

    // An auditor lands on the audit trail, which fits a phone too.
    let (_, case) = app.client_and_case(&app.ann.1).await;
    app.get(&format!("/api/v1/cases/{case}"), &app.cat.1).await;
    let dee = app
        .store
        .create_user(
            &caseload_store::NewUser {
                email: caseload_domain::text::Email::parse("e", "dpo@example.org").unwrap(),
                name: "Dee Auditor".into(),
                role: caseload_domain::users::Role::Auditor,
                team_id: None,
            },
            app.clock_now(),
        )
        .await
        .unwrap();
    app.store
        .set_password(&dee.id, &caseload_web::passwords::hash(PASSWORD).unwrap())
        .await
        .unwrap();
    s.fill("#f-email", "dpo@example.org").await;
    s.fill("#f-password", PASSWORD).await;
    s.click_then("form[action='/sign-in'] button", "form[action='/sign-out']")
        .await;
    assert_eq!(s.path().await, "/audit", "an auditor's start page");
    assert!(
        s.html().await.contains("case.denied"),
        "with a denied look marked"
    );
    s.check("22-audit").await;
    s.click_then("a.brand", "form[action='/sign-out']").await;
    assert_eq!(s.path().await, "/audit", "the logo leads there too");
    s.client.close().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_supervisor_acknowledges_a_group_of_notifications_at_once() {
    let Some((_driver, webdriver)) = start_chromedriver().await else {
        return;
    };
    let axe = std::fs::read_to_string(workspace().join("node_modules/axe-core/axe.min.js")).ok();
    if axe.is_none() {
        skip("node_modules/axe-core is missing (run npm ci); accessibility checks need it");
    }
    let app = TestApp::new().await;
    let sue = app
        .store
        .find_user_by_email("sue@example.org")
        .await
        .unwrap()
        .unwrap();
    app.store
        .set_password(&sue.id, &caseload_web::passwords::hash(PASSWORD).unwrap())
        .await
        .unwrap();
    // Breaches on two of Ann's cases reach Sue, her supervisor: three
    // about "Rent arrears", one about "PIP appeal".
    let (client, arrears) = app.client_and_case(&app.ann.1).await;
    let appeal = app.pip_appeal(&app.ann.1, &client).await;
    for (case, clock) in [
        (&arrears, "first_contact"),
        (&arrears, "next_action"),
        (&appeal, "first_contact"),
        (&arrears, "review"),
    ] {
        app.advance(1);
        let alert = caseload_store::NewAlert {
            case_id: caseload_domain::ids::CaseId::parse(case).unwrap(),
            clock: clock.to_owned(),
            state: "breached".to_owned(),
            due: "2026-03-02".parse().unwrap(),
            message: format!(
                "Dana Client: {} breached (due Mon 2 Mar 2026).",
                clock.replace('_', " ")
            ),
            supervisors: true,
        };
        let ctx = caseload_store::WriteCtx {
            actor: app.ada.0.id.clone(),
            at: app.clock_now(),
            request_id: "test".into(),
        };
        app.store.record_alerts(&[alert], &ctx).await.unwrap();
    }
    let addr = serve(caseload_web::router(app.state.clone())).await;
    let mut s = Session {
        client: browser(&webdriver).await,
        base: format!("http://127.0.0.1:{}", addr.port()),
        axe,
        checked: Vec::new(),
    };

    s.go("/notifications").await;
    s.fill("#f-email", "sue@example.org").await;
    s.fill("#f-password", PASSWORD).await;
    s.click_then("form[action='/sign-in'] button", ".notification-groups")
        .await;
    assert_eq!(s.path().await, "/notifications");
    let html = s.html().await;
    assert!(
        html.contains("<span aria-hidden=\"true\">(4)</span>"),
        "the count in the navigation"
    );
    let groups = &html[html.find("notification-groups").unwrap()..];
    let arrears_at = groups.find("Dana Client — Rent arrears").unwrap();
    let appeal_at = groups.find("Dana Client — PIP appeal").unwrap();
    assert!(arrears_at < appeal_at, "the most recent group first");
    // `check` takes it at both widths: no sideways scroll, axe-core clean.
    s.check("notify-01-inbox").await;

    // Open the group's earlier alerts, tick the group, acknowledge it.
    s.click(&format!("#g-{arrears} ~ details summary")).await;
    s.click(&format!("#grp-{arrears}")).await;
    s.click_then("button[value='selected']", ".notice").await;
    let html = s.html().await;
    assert!(html.contains("3 notifications acknowledged."), "{html}");
    assert!(
        html.contains("<span aria-hidden=\"true\">(1)</span>"),
        "the count drops"
    );
    let groups = &html[html.find("notification-groups").unwrap()..];
    assert!(!groups.contains("Dana Client — Rent arrears"));
    assert!(groups.contains("Dana Client — PIP appeal"));
    s.check("notify-02-acknowledged").await;
    assert_eq!(
        app.store.notifications(&sue.id, false).await.unwrap().len(),
        1
    );
    s.client.close().await.unwrap();
}

/// Issue 13's case page in a real browser, each new page checked by axe-core:
/// cancelling a task asks why, the save is confirmed, a calculator result
/// goes to a case in one step, and a colleague reads a note they cannot amend.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_task_is_cancelled_with_a_reason_and_a_colleague_cannot_amend_anothers_note() {
    let app = TestApp::new().await;
    let bob = app
        .store
        .find_user_by_email("bob@example.org")
        .await
        .unwrap()
        .unwrap();
    app.store
        .set_password(&bob.id, &caseload_web::passwords::hash(PASSWORD).unwrap())
        .await
        .unwrap();
    let (_, case) = app.client_and_case(&app.ann.1).await;
    let task = app
        .post(
            &format!("/api/v1/cases/{case}/tasks"),
            &app.ann.1,
            json!({"title": "Book interpreter", "due_date": "2026-03-09"}),
        )
        .await
        .id();
    let note = app.note(&app.ann.1, &case, 5, "Owes £1,200").await.id();
    let Some((_driver, mut s)) = signed_in(&app, "ann@example.org").await else {
        return;
    };

    s.go(&format!("/cases/{case}")).await;
    s.click_then(
        &format!("a[href='/cases/{case}/tasks/{task}/cancel']"),
        "#f-reason",
    )
    .await;
    s.check("20-cancel-task").await;
    s.click_then("button[data-once]", ".error-summary").await;
    s.check("20b-cancel-task-error").await;
    s.fill("#f-reason", "Family member now interprets").await;
    s.click_then("button[data-once]", "p.saved").await;
    assert!(
        s.html()
            .await
            .contains("Task cancelled: Book interpreter. Reason: Family member now interprets")
    );
    s.check("20c-case-after-cancel").await;

    s.go("/deadlines/calculator?rule=homelessness_review&trigger_date=2026-06-01&calendar=england-and-wales")
        .await;
    s.check("20d-calculator-add-to-case").await;
    s.client
        .find(Locator::Css("#f-case_id"))
        .await
        .unwrap()
        .select_by_value(&case)
        .await
        .unwrap();
    s.click_then("form[action='/deadlines/calculator/add'] button", "p.saved")
        .await;
    assert_eq!(s.path().await, format!("/cases/{case}"));
    assert!(
        s.html()
            .await
            .contains("Deadline added: Homelessness review request")
    );
    s.click_then("form[action='/sign-out'] button", "#f-email")
        .await;

    s.fill("#f-email", "bob@example.org").await;
    s.fill("#f-password", PASSWORD).await;
    s.click_then("form[action='/sign-in'] button", "form[action='/sign-out']")
        .await;
    s.go(&format!("/notes/{note}/amend")).await;
    assert!(
        s.html()
            .await
            .contains("This note cannot be amended by you")
    );
    s.check("20e-amend-refused").await;

    let checked = s.checked.len();
    s.client.close().await.unwrap();
    if s.axe.is_some() {
        assert_eq!(checked, 5);
    }
}

/// Issue 13: a client is found by a name typed without its accents and
/// their details edited, at desktop and phone widths.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_client_is_found_by_a_misspelt_accent_name_and_edited() {
    let app = TestApp::new().await;
    app.client_and_case(&app.ann.1).await;
    let lukasz = app
        .post(
            "/api/v1/clients",
            &app.ann.1,
            json!({"name": "Łukasz Nowak", "date_of_birth": "1984-02-29", "address": "2 Mill Lane, Leeds, LS1 4AB"}),
        )
        .await
        .id();
    app.post("/api/v1/clients", &app.ann.1, json!({"name": "Zoë Adams"}))
        .await;
    let Some((_driver, mut s)) = signed_in(&app, "ann@example.org").await else {
        return;
    };

    for (width, tag) in [(1366u32, "1366"), (390, "390")] {
        s.client.set_window_size(width, 900).await.unwrap();
        s.go("/clients").await;
        s.fill("#f-q", "lukasz").await;
        // The unsearched list is a table.stack too: wait for the page that
        // answers the search (its box says what was searched), then its table.
        s.click_then("form[role='search'] button", "#f-q[value='lukasz']")
            .await;
        s.client
            .wait()
            .for_element(Locator::Css("table.stack"))
            .await
            .unwrap();
        let html = s.html().await;
        assert!(html.contains("Łukasz Nowak"), "found without the accent");
        assert!(!html.contains("Zoë Adams"));
        s.check(&format!("clients-found-{tag}")).await;

        s.click_then(&format!("a[href='/clients/{lukasz}']"), "a[href$='/edit']")
            .await;
        s.click_then("a[href$='/edit']", "#f-contact-text").await;
        s.check(&format!("client-edit-{tag}")).await;
        // An interpreter without a language is refused, by its field.
        s.click("#f-access_needs-interpreter").await;
        s.click_then("form[action$='/edit'] button", ".error-summary")
            .await;
        assert!(s.html().await.contains("Interpreter language is required"));
        s.check(&format!("client-edit-error-{tag}")).await;
        s.fill("#f-access_needs-interpreter_language", "Polish")
            .await;
        s.fill("#f-contact-times", &format!("Weekdays after 3pm ({tag})"))
            .await;
        s.click_then("form[action$='/edit'] button", "#history-title + table")
            .await;
        assert_eq!(s.path().await, format!("/clients/{lukasz}"));
        let html = s.html().await;
        assert!(html.contains(&format!("Weekdays after 3pm ({tag})")));
        assert!(html.contains("Needed: Polish"));
        s.check(&format!("client-history-{tag}")).await;
        // Leave the checkbox as the next width expects to find it.
        if width == 1366 {
            app.call(
                axum::http::Method::PATCH,
                &format!("/api/v1/clients/{lukasz}"),
                Some(&app.ann.1),
                Some(json!({"access_needs": {"interpreter": false, "interpreter_language": null}})),
            )
            .await;
        }
    }
    let checked = s.checked.len();
    s.client.close().await.unwrap();
    if s.axe.is_some() {
        assert_eq!(checked, 8, "every page was checked at both widths");
    }
}
