//! The README's first command, as a new user meets it: `caseload demo`
//! loads a service that looks real and well run, and the re-evaluation that
//! `serve` runs straight after does not flood anyone's inbox. Checked
//! through the real API (each demonstration user's printed token) and the
//! database the binary wrote.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeMap;
use std::process::{Command, Stdio};

use serde_json::Value;
use tokio::io::{AsyncBufReadExt, BufReader};

/// The demonstration's scripts, as the binary uses them.
#[allow(dead_code)]
#[path = "../src/demo/scripts.rs"]
mod scripts;

/// One demonstration user as `caseload demo` prints them.
#[derive(Debug, Clone)]
struct Person {
    name: String,
    role: String,
    email: String,
    password: String,
    token: String,
}

fn caseload(db: &str, args: &[&str]) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_caseload"))
        .arg("--database")
        .arg(db)
        .args(args)
        .env("CASELOAD_LOG", "warn")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "caseload {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// The sign-in table: name, role, email, password, token (read from the
/// right, as names have spaces).
fn people(printed: &str) -> Vec<Person> {
    printed
        .lines()
        .filter_map(|line| {
            let words: Vec<&str> = line.split_whitespace().collect();
            let n = words.len();
            (n >= 6 && words[n - 1].starts_with("cl_")).then(|| Person {
                name: words[..n - 4].join(" "),
                role: words[n - 4].to_owned(),
                email: words[n - 3].to_owned(),
                password: words[n - 2].to_owned(),
                token: words[n - 1].to_owned(),
            })
        })
        .collect()
}

struct Demo {
    db: String,
    people: Vec<Person>,
    server: tokio::process::Child,
    base: String,
    http: reqwest::Client,
}

impl Demo {
    async fn get(&self, who: &Person, path: &str) -> Value {
        let r = self
            .http
            .get(format!("{}{path}", self.base))
            .bearer_auth(&who.token)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200, "{} GET {path}", who.email);
        r.json().await.unwrap()
    }

    fn with_role<'a>(&'a self, role: &'a str) -> impl Iterator<Item = &'a Person> + 'a {
        self.people.iter().filter(move |p| p.role == role)
    }
}

/// Load the demonstration into a fresh file (one per test: they run at
/// once), re-evaluate as `serve` would, and serve it on a free port.
async fn loaded_demo(name: &str) -> Demo {
    let dir = std::env::temp_dir().join(format!("caseload-demo-tests-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join(format!("{name}.db"));
    for suffix in ["", "-wal", "-shm", "-audit"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", file.display()));
    }
    let db = format!("sqlite:{}", file.display());
    let people = people(&caseload(&db, &["demo"]));
    let reevaluated = caseload(&db, &["reevaluate"]);
    assert!(
        reevaluated.contains("; 0 changed band;"),
        "the demonstration's bands are what its answers give: {reevaluated}"
    );
    let mut server = tokio::process::Command::new(env!("CARGO_BIN_EXE_caseload"))
        .args(["--database", &db, "serve", "--listen", "127.0.0.1:0"])
        .env("CASELOAD_LOG", "error")
        .stdout(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    let line = BufReader::new(server.stdout.take().unwrap())
        .lines()
        .next_line()
        .await
        .unwrap()
        .expect("the server says where it listens");
    let base = line.split_whitespace().last().unwrap().to_owned();
    Demo {
        db,
        people,
        server,
        base,
        http: reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap(),
    }
}

fn has(row: &Value, flag: &str) -> bool {
    row["flags"]
        .as_array()
        .unwrap()
        .iter()
        .any(|f| f.as_str() == Some(flag))
}

/// Attention flags: a timescale or deadline at risk or breached.
const ATTENTION: [&str; 4] = [
    "timescale_at_risk",
    "timescale_breached",
    "deadline_at_risk",
    "deadline_breached",
];

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_demonstration_is_a_well_run_service_and_its_first_reevaluation_floods_no_inbox() {
    let mut demo = loaded_demo("queues").await;
    assert_eq!(demo.with_role("practitioner").count(), 6);
    assert_eq!(demo.with_role("supervisor").count(), 2);

    // Each practitioner's queue: most cases on track, one or two breached
    // at most, and reassessments due on a few.
    let mut cases = 0;
    let mut due = 0;
    for who in demo.with_role("practitioner") {
        let queue = demo.get(who, "/api/v1/caseload").await;
        let queue = queue.as_array().unwrap();
        let breached = queue
            .iter()
            .filter(|r| has(r, "timescale_breached"))
            .count();
        let on_track = queue
            .iter()
            .filter(|r| !ATTENTION.iter().any(|f| has(r, f)))
            .count();
        let reassess = queue.iter().filter(|r| has(r, "assessment_due")).count();
        let summary = format!(
            "{}: {} cases, {on_track} on track, {breached} breached, {reassess} reassessments due",
            who.name,
            queue.len()
        );
        assert!(queue.len() >= 12, "{summary}");
        assert!(breached <= 2, "{summary}");
        assert!(on_track * 4 >= queue.len() * 3, "most on track: {summary}");
        assert!(reassess <= 2, "{summary}");
        cases += queue.len();
        due += reassess;
    }
    assert!(
        due * 10 <= cases,
        "{due} of {cases} cases due a reassessment"
    );

    // Supervisors find a handful of notifications, not a flood.
    for who in demo.with_role("supervisor") {
        let inbox = demo.get(who, "/api/v1/notifications").await;
        let inbox = inbox.as_array().unwrap();
        assert!(
            (1..=10).contains(&inbox.len()),
            "{}: {} unacknowledged notifications: {inbox:#?}",
            who.name,
            inbox.len()
        );
    }
    demo.server.kill().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_demonstration_case_reads_as_its_own_matter_with_a_client_of_a_fitting_age() {
    let mut demo = loaded_demo("notes").await;
    demo.server.kill().await.unwrap();
    let pool = sqlx::SqlitePool::connect(&demo.db).await.unwrap();

    // Every note's (and every amendment's) situation comes from its case
    // title's script: no damp case with a note about a section 21 notice.
    let notes: Vec<(String, String)> = sqlx::query_as(
        "SELECT c.title, n.sections FROM notes n JOIN cases c ON c.id = n.case_id \
         UNION ALL SELECT c.title, a.sections FROM note_amendments a \
         JOIN notes n ON n.id = a.note_id JOIN cases c ON c.id = n.case_id",
    )
    .fetch_all(&pool)
    .await
    .unwrap();
    assert!(notes.len() >= 300, "{} notes", notes.len());
    let mut per_title: BTreeMap<&str, usize> = BTreeMap::new();
    for (title, sections) in &notes {
        let script = scripts::Script::for_title(title)
            .unwrap_or_else(|| panic!("no script for the case title {title:?}"));
        let sections: Value = serde_json::from_str(sections).unwrap();
        let situation = sections
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["name"] == "situation")
            .and_then(|s| s["text"].as_str())
            .unwrap();
        assert!(
            script.situations().any(|s| s == situation),
            "a note on a {title:?} case is about something else: {situation:?}"
        );
        *per_title.entry(script.title).or_default() += 1;
    }
    assert!(
        per_title.len() >= 20,
        "the titles are varied: {per_title:?}"
    );

    // Clients' ages fit their matter: young people for careers and NEET
    // work, pensioners for Attendance Allowance.
    let clients: Vec<(String, String)> = sqlx::query_as(
        "SELECT c.title, cl.date_of_birth FROM cases c JOIN clients cl ON cl.id = c.client_id",
    )
    .fetch_all(&pool)
    .await
    .unwrap();
    let today = jiff::Zoned::now()
        .with_time_zone(jiff::tz::TimeZone::get("Europe/London").unwrap())
        .date();
    for (title, born) in &clients {
        let born: jiff::civil::Date = born.parse().unwrap();
        let age = today.year()
            - born.year()
            - i16::from((today.month(), today.day()) < (born.month(), born.day()));
        let (youngest, oldest) = scripts::Script::for_title(title).unwrap().ages;
        assert!(
            (youngest..=oldest).contains(&age),
            "a client on a {title:?} case is {age}"
        );
    }
    pool.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_demonstration_has_an_active_auditor_who_can_sign_in_and_use_a_token() {
    let mut demo = loaded_demo("auditor").await;
    let auditor = demo
        .with_role("auditor")
        .next()
        .expect("an auditor in the printed sign-in table")
        .clone();
    assert_eq!(auditor.email, "olu.auditor@demo.caseload.invalid");

    // The API token works and says who it is.
    let me = demo.get(&auditor, "/api/v1/me").await;
    assert_eq!(me["role"], "auditor");
    assert_eq!(me["active"], true);

    // The printed password signs in, and the audit trail opens.
    let signed_in = demo
        .http
        .post(format!("{}/sign-in", demo.base))
        .form(&[
            ("email", auditor.email.as_str()),
            ("password", auditor.password.as_str()),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(signed_in.status(), 303, "{auditor:?}");
    let cookie = signed_in
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find_map(|v| v.split(';').next())
        .expect("a session cookie")
        .to_owned();
    let audit = demo
        .http
        .get(format!("{}/audit", demo.base))
        .header("cookie", cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(audit.status(), 200);
    demo.server.kill().await.unwrap();
}
