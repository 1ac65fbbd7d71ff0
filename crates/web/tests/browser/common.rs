//! The real browser shared by the browser tests: chromedriver, a served app,
//! a signed-in session, and the axe-core check and screenshot of each page.

use caseload_store::prelude::*;
use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::json;
use std::io::Write;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::Stdio;
use tokio::io::{AsyncBufReadExt, BufReader};

use crate::support::TestApp;

pub(crate) const PASSWORD: &str = "plum kettle orbit";

pub(crate) fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| v == "true" || v == "1")
}

pub(crate) fn skip(why: &str) {
    if in_ci() {
        panic!("CI=true but the browser suite cannot run: {why}");
    }
    let _ = writeln!(
        std::io::stderr(),
        "\n*** SKIPPING the browser suite: {why} ***\n"
    );
}

pub(crate) fn workspace() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

pub(crate) fn screenshots_dir() -> PathBuf {
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| workspace().join("target"));
    let dir = target.join("browser-screenshots");
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

pub(crate) struct Session {
    pub(crate) client: Client,
    pub(crate) base: String,
    pub(crate) axe: Option<String>,
    pub(crate) checked: Vec<String>,
}

impl Session {
    pub(crate) async fn go(&self, path: &str) {
        self.client
            .goto(&format!("{}{path}", self.base))
            .await
            .unwrap();
    }

    pub(crate) async fn html(&self) -> String {
        self.client.source().await.unwrap()
    }

    pub(crate) async fn path(&self) -> String {
        self.client.current_url().await.unwrap().path().to_owned()
    }

    pub(crate) async fn fill(&self, css: &str, text: &str) {
        let e = self
            .client
            .find(Locator::Css(css))
            .await
            .unwrap_or_else(|_| panic!("no {css}"));
        e.clear().await.unwrap();
        e.send_keys(text).await.unwrap();
    }

    pub(crate) async fn click(&self, css: &str) {
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
    pub(crate) async fn click_then(&self, css: &str, ready: &str) {
        self.click(css).await;
        self.client
            .wait()
            .for_element(Locator::Css(ready))
            .await
            .unwrap_or_else(|_| panic!("{ready} never appeared"));
    }

    /// At a desktop and a phone width: save a screenshot, check that the
    /// page does not scroll sideways, and run axe-core on it as it is now.
    pub(crate) async fn check(&mut self, name: &str) {
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
    pub(crate) async fn widest(&self) -> String {
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

    pub(crate) async fn axe(&self, name: &str, width: u32) {
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
pub(crate) const WIDTHS: [(u32, u32); 2] = [(1366, 900), (390, 844)];

pub(crate) async fn start_chromedriver() -> Option<(tokio::process::Child, String)> {
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

pub(crate) async fn browser(webdriver: &str) -> Client {
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

pub(crate) async fn serve(app: axum::Router) -> SocketAddr {
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

/// A signed-in browser on a fresh test app, or None when the suite cannot
/// run here (said loudly; a failure under CI).
pub(crate) async fn signed_in(
    app: &TestApp,
    email: &str,
) -> Option<(tokio::process::Child, Session)> {
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
