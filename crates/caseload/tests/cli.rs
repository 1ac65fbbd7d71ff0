//! The command line, as an operator meets it: exit codes, one-line errors,
//! and output that scripts can use.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::PathBuf;
use std::process::{Command, Output};

#[path = "cli/tokens.rs"]
mod tokens;

fn temp_db(name: &str) -> String {
    let dir = std::env::temp_dir().join(format!("caseload-cli-tests-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path: PathBuf = dir.join(format!("{name}.db"));
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
    }
    format!("sqlite:{}", path.display())
}

fn caseload(db: &str, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_caseload"))
        .arg("--database")
        .arg(db)
        .args(args)
        .env("CASELOAD_LOG", "warn")
        .output()
        .expect("run caseload")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// A failure: non-zero exit and exactly one line saying what is wrong.
fn assert_one_line_error(o: &Output, mentions: &str) {
    assert!(
        !o.status.success(),
        "expected failure, got success: {}",
        stdout(o)
    );
    let err = stderr(o);
    let lines: Vec<&str> = err.lines().filter(|l| !l.trim().is_empty()).collect();
    assert_eq!(lines.len(), 1, "one line of error, got: {err}");
    assert!(
        lines[0].contains(mentions),
        "{:?} should mention {mentions:?}",
        lines[0]
    );
}

async fn count(db: &str, table: &str) -> i64 {
    let pool = sqlx::SqlitePool::connect(db).await.unwrap();
    let n = sqlx::query_scalar(&format!("SELECT COUNT(*) FROM {table}"))
        .fetch_one(&pool)
        .await
        .unwrap();
    pool.close().await;
    n
}

#[test]
fn init_is_idempotent() {
    let db = temp_db("init");
    for _ in 0..2 {
        let o = caseload(&db, &["init"]);
        assert!(o.status.success(), "{}", stderr(&o));
    }
}

#[test]
fn user_add_then_token_create_prints_only_the_token() {
    let db = temp_db("users");
    let add = caseload(
        &db,
        &[
            "user",
            "add",
            "--email",
            "Ann@Example.org",
            "--name",
            "Ann O'Hara",
            "--role",
            "practitioner",
            "--team",
            "North",
        ],
    );
    assert!(add.status.success(), "{}", stderr(&add));
    assert!(stdout(&add).trim().starts_with("usr_"));
    let token = caseload(
        &db,
        &[
            "token",
            "create",
            "--email",
            "ann@example.org",
            "--name",
            "Script",
        ],
    );
    assert!(token.status.success(), "{}", stderr(&token));
    let out = stdout(&token);
    assert_eq!(out.lines().count(), 1, "only the token: {out:?}");
    assert!(
        out.trim().starts_with("cl_") && out.trim().len() == 55,
        "{out:?}"
    );
}

#[test]
fn bad_cli_input_fails_with_one_clear_line() {
    let db = temp_db("bad");
    assert_one_line_error(
        &caseload(
            &db,
            &[
                "user",
                "add",
                "--email",
                "x@example.org",
                "--name",
                "X",
                "--role",
                "wizard",
                "--team",
                "T",
            ],
        ),
        "--role",
    );
    assert_one_line_error(
        &caseload(
            &db,
            &[
                "user",
                "add",
                "--email",
                "x@example.org",
                "--name",
                "X",
                "--role",
                "practitioner",
            ],
        ),
        "--team",
    );
    assert_one_line_error(
        &caseload(
            &db,
            &[
                "user",
                "add",
                "--email",
                "not-an-email",
                "--name",
                "X",
                "--role",
                "admin",
            ],
        ),
        "--email",
    );
    let ok = caseload(
        &db,
        &[
            "user",
            "add",
            "--email",
            "x@example.org",
            "--name",
            "X",
            "--role",
            "admin",
        ],
    );
    assert!(ok.status.success(), "{}", stderr(&ok));
    assert_one_line_error(
        &caseload(
            &db,
            &[
                "user",
                "add",
                "--email",
                "X@example.org",
                "--name",
                "Y",
                "--role",
                "admin",
            ],
        ),
        "already exists",
    );
    assert_one_line_error(
        &caseload(
            &db,
            &[
                "token",
                "create",
                "--email",
                "nobody@example.org",
                "--name",
                "x",
            ],
        ),
        "nobody@example.org",
    );
    assert_one_line_error(
        &caseload("mysql://localhost/x", &["init"]),
        "unsupported database URL",
    );
    assert_one_line_error(
        &caseload("sqlite:/nonexistent-dir/x/y.db", &["init"]),
        "cannot open",
    );
}

#[tokio::test]
async fn demo_loads_a_realistic_service_and_says_how_to_sign_in() {
    let db = temp_db("demo");
    let o = caseload(&db, &["demo"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(out.contains("amara.adviser@demo.caseload.invalid"), "{out}");
    assert!(out.contains("Authorization: Bearer"), "{out}");
    assert!(count(&db, "cases").await >= 150);
    assert!(count(&db, "clients").await >= 150);
    assert!(count(&db, "notes").await >= 300);
    assert!(
        count(&db, "notes WHERE late_entry").await > 0,
        "some late entries"
    );
    assert!(count(&db, "note_amendments").await > 0, "some amendments");
    assert!(count(&db, "outcomes").await >= 100);
    assert!(count(&db, "obstacles").await > 20);
    assert!(count(&db, "tasks").await >= 150);
    for area in ["housing", "debt", "benefits", "careers"] {
        assert!(
            count(&db, &format!("cases WHERE service_area = '{area}'")).await > 10,
            "{area}"
        );
    }
    assert_eq!(count(&db, "teams").await, 2);
    assert!(
        count(&db, "cases WHERE priority_band IS NOT NULL").await > 100,
        "cases are assessed"
    );
    assert!(count(&db, "cases WHERE priority_band = 'P1'").await > 0);
    assert!(
        count(&db, "notifications").await > 0,
        "supervisors were told of high-priority cases"
    );
    // The demo's own history sent its alerts as they fell due, each
    // morning; the re-evaluation after loading finds little or nothing new.
    assert!(
        count(&db, "notifications WHERE kind LIKE 'timescale_%'").await > 0,
        "a realistic service has had timescales at risk"
    );
    let first = caseload(&db, &["reevaluate"]);
    assert!(first.status.success(), "{}", stderr(&first));
    assert!(stdout(&first).starts_with("checked "), "{}", stdout(&first));
    let second = caseload(&db, &["reevaluate"]);
    assert!(
        stdout(&second).ends_with("; 0 changed band; 0 timescale alerts sent\n"),
        "idempotent: {}",
        stdout(&second)
    );
    assert_eq!(count(&db, "users WHERE role = 'supervisor'").await, 2);

    // Again: nothing duplicated, fresh sign-in details.
    let again = caseload(&db, &["demo"]);
    assert!(again.status.success(), "{}", stderr(&again));
    assert!(count(&db, "cases").await < 200);

    // Never into a database holding real users.
    let real = temp_db("real");
    let add = caseload(
        &real,
        &[
            "user",
            "add",
            "--email",
            "a@example.org",
            "--name",
            "A",
            "--role",
            "admin",
        ],
    );
    assert!(add.status.success());
    assert_one_line_error(&caseload(&real, &["demo"]), "not demonstration data");
}

#[test]
fn the_deadline_calculators_print_dates_for_scripts() {
    let db = temp_db("calc");
    let d = caseload(
        &db,
        &[
            "deadline",
            "--rule",
            "mandatory_reconsideration",
            "--from",
            "2026-01-31",
        ],
    );
    assert!(d.status.success(), "{}", stderr(&d));
    let out = stdout(&d);
    let mut lines = out.lines();
    assert_eq!(
        lines.next(),
        Some("2026-02-28"),
        "the date alone on the first line"
    );
    assert!(out.contains("decision Sat 31 Jan 2026 + 1 calendar month → Sat 28 Feb 2026"));
    let et = caseload(
        &db,
        &[
            "deadline",
            "--rule",
            "employment_tribunal",
            "--from",
            "2026-01-10",
            "--pause",
            "2026-04-01..2026-04-05",
            "--calendar",
            "northern-ireland",
        ],
    );
    assert_eq!(stdout(&et).lines().next(), Some("2026-05-05"));
    let h = caseload(
        &db,
        &["holidays", "--year", "2026", "--calendar", "scotland"],
    );
    assert_eq!(
        stdout(&h).lines().collect::<Vec<_>>(),
        [
            "2026-01-01",
            "2026-01-02",
            "2026-04-03",
            "2026-05-04",
            "2026-05-25",
            "2026-08-03",
            "2026-11-30",
            "2026-12-25",
            "2026-12-28"
        ]
    );
    let w = caseload(&db, &["workdays", "--from", "2026-12-24", "--add", "1"]);
    assert_eq!(stdout(&w).trim(), "2026-12-29");
    let back = caseload(&db, &["workdays", "--from", "2026-12-29", "--add", "-1"]);
    assert_eq!(stdout(&back).trim(), "2026-12-24");
    assert_one_line_error(
        &caseload(&db, &["deadline", "--rule", "nope", "--from", "2026-01-01"]),
        "unknown rule",
    );
    assert_one_line_error(
        &caseload(
            &db,
            &[
                "deadline",
                "--rule",
                "breathing_space",
                "--from",
                "2026-02-30",
            ],
        ),
        "--from",
    );
    assert_one_line_error(
        &caseload(
            &db,
            &[
                "deadline",
                "--rule",
                "breathing_space",
                "--from",
                "1066-10-14",
            ],
        ),
        "outside",
    );
    assert_one_line_error(
        &caseload(
            &db,
            &[
                "deadline",
                "--rule",
                "employment_tribunal",
                "--from",
                "2026-01-10",
                "--pause",
                "2026-02-01",
            ],
        ),
        "FROM..TO",
    );
    assert_one_line_error(
        &caseload(&db, &["holidays", "--year", "2026", "--calendar", "wales"]),
        "--calendar",
    );
    assert!(
        !std::path::Path::new(db.trim_start_matches("sqlite:")).exists(),
        "the calculators touch no database"
    );
}

#[test]
fn an_edited_deadline_catalogue_can_be_used_and_a_broken_one_is_refused() {
    let db = temp_db("catalogue");
    let dir = std::env::temp_dir().join(format!("caseload-cli-tests-{}", std::process::id()));
    let good = dir.join("good.toml");
    std::fs::write(&good, "[[rule]]\nid = \"local_review\"\nname = \"Internal review\"\ntrigger = \"complaint\"\nperiod = { unit = \"working_days\", count = 10 }\nsource = \"Our complaints policy, section 4\"\n").unwrap();
    let o = caseload(
        &db,
        &[
            "deadline",
            "--rule",
            "local_review",
            "--from",
            "2026-12-21",
            "--deadline-catalogue",
            good.to_str().unwrap(),
        ],
    );
    assert_eq!(
        stdout(&o).lines().next(),
        Some("2027-01-07"),
        "{}",
        stderr(&o)
    );
    let bad = dir.join("bad.toml");
    std::fs::write(&bad, "[[rule]]\nid = \"x\"\n").unwrap();
    assert_one_line_error(
        &caseload(
            &db,
            &[
                "deadline",
                "--rule",
                "x",
                "--from",
                "2026-01-01",
                "--deadline-catalogue",
                bad.to_str().unwrap(),
            ],
        ),
        "bad.toml",
    );
}

#[tokio::test]
async fn the_official_holidays_file_imports_all_or_nothing() {
    let db = temp_db("holidays");
    let dir = std::env::temp_dir().join(format!("caseload-cli-tests-{}", std::process::id()));
    let good = dir.join("bank-holidays.json");
    std::fs::write(&good, r#"{"england-and-wales": {"division": "england-and-wales", "events": [
        {"title": "New Year's Day", "date": "2023-01-02", "notes": "Substitute day", "bunting": true},
        {"title": "Bank holiday for the coronation of King Charles III", "date": "2023-05-08", "notes": "", "bunting": true}]},
      "scotland": {"division": "scotland", "events": [{"title": "2nd January", "date": "2023-01-03", "notes": "", "bunting": true}]}}"#).unwrap();
    let o = caseload(&db, &["calendar", "import", good.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(stdout(&o).trim(), "3");
    assert_eq!(count(&db, "imported_holidays").await, 3);
    let bad = dir.join("broken.json");
    std::fs::write(
        &bad,
        r#"{"england-and-wales": {"division": "england-and-wales", "events": [
        {"title": "Fine", "date": "2024-01-01"}, {"title": "Broken", "date": "2024-02-30"}]}}"#,
    )
    .unwrap();
    assert_one_line_error(
        &caseload(&db, &["calendar", "import", bad.to_str().unwrap()]),
        "event 2",
    );
    assert_eq!(count(&db, "imported_holidays").await, 3, "nothing changed");
    assert_one_line_error(
        &caseload(&db, &["calendar", "import", "/nonexistent.json"]),
        "cannot read",
    );

    assert!(
        caseload(
            &db,
            &[
                "calendar",
                "close",
                "--date",
                "2026-12-29",
                "--title",
                "Office closed"
            ]
        )
        .status
        .success()
    );
    assert_one_line_error(
        &caseload(
            &db,
            &[
                "calendar",
                "close",
                "--date",
                "2026-12-29",
                "--title",
                "again",
            ],
        ),
        "already a closure day",
    );
    assert!(
        caseload(&db, &["calendar", "reopen", "--date", "2026-12-29"])
            .status
            .success()
    );
    assert_one_line_error(
        &caseload(&db, &["calendar", "reopen", "--date", "2026-12-29"]),
        "not a closure day",
    );
    assert!(
        caseload(&db, &["calendar", "use", "--calendar", "scotland"])
            .status
            .success()
    );
    assert_one_line_error(
        &caseload(&db, &["calendar", "use", "--calendar", "mars"]),
        "--calendar",
    );
    assert_one_line_error(
        &caseload(
            &db,
            &[
                "calendar",
                "use",
                "--calendar",
                "scotland",
                "--team",
                "Nobody",
            ],
        ),
        "no team",
    );
}

#[test]
fn policies_are_checked_imported_as_versions_and_exported() {
    let db = temp_db("policies");
    let dir = std::env::temp_dir().join(format!("caseload-cli-tests-{}", std::process::id()));
    let shipped = concat!(env!("CARGO_MANIFEST_DIR"), "/../domain/policies/debt.toml");
    let ok = caseload(&db, &["policy", "check", shipped]);
    assert!(ok.status.success(), "{}", stderr(&ok));
    assert!(stdout(&ok).contains("ok — Debt advice priorities"));
    let text = std::fs::read_to_string(shipped).unwrap();
    let bad = dir.join("bad-policy.toml");
    std::fs::write(
        &bad,
        text.replace("band = \"P1\"", "band = \"P0\"")
            .replace("min_score = 25", "min_score = 50"),
    )
    .unwrap();
    let o = caseload(&db, &["policy", "check", bad.to_str().unwrap()]);
    assert!(!o.status.success());
    let out = stdout(&o);
    assert!(out.contains("rule D1: band \"P0\" is not defined"), "{out}");
    assert!(out.contains("band P2: overlaps band P1"), "{out}");
    let exported = caseload(&db, &["policy", "export", "debt"]);
    assert!(exported.status.success(), "{}", stderr(&exported));
    assert!(stdout(&exported).contains("id = \"debt\""));
    let edited = dir.join("debt-edited.toml");
    std::fs::write(
        &edited,
        stdout(&exported).replacen("points = 15", "points = 20", 1),
    )
    .unwrap();
    assert_eq!(
        stdout(&caseload(
            &db,
            &["policy", "import", edited.to_str().unwrap()]
        ))
        .trim(),
        "debt version 2"
    );
    assert_eq!(
        stdout(&caseload(
            &db,
            &["policy", "import", edited.to_str().unwrap()]
        ))
        .trim(),
        "debt version 2 (unchanged)"
    );
    assert!(
        stdout(&caseload(
            &db,
            &["policy", "export", "debt", "--version", "1"]
        ))
        .contains("points = 15")
    );
    assert_one_line_error(
        &caseload(&db, &["policy", "import", bad.to_str().unwrap()]),
        "problem(s)",
    );
    assert_one_line_error(&caseload(&db, &["policy", "export", "nope"]), "no policy");
}

#[test]
fn timescales_are_checked_imported_as_versions_and_exported() {
    let db = temp_db("timescales");
    let dir = std::env::temp_dir().join(format!("caseload-cli-tests-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let exported = caseload(&db, &["timescales", "export"]);
    assert!(exported.status.success(), "{}", stderr(&exported));
    let text = stdout(&exported);
    assert!(text.contains("note_window_hours = 24"), "{text}");
    let bad = dir.join("bad-timescales.toml");
    std::fs::write(
        &bad,
        text.replace("[band.P2]", "[band.P2]\nfirst_contact = 3"),
    )
    .unwrap();
    let o = caseload(&db, &["timescales", "check", bad.to_str().unwrap()]);
    assert!(!o.status.success());
    assert!(stderr(&o).contains("line "), "says where: {}", stderr(&o));
    let o = caseload(&db, &["timescales", "import", bad.to_str().unwrap()]);
    assert!(!o.status.success());
    let edited = dir.join("timescales.toml");
    std::fs::write(
        &edited,
        text.replace("note_window_hours = 24", "note_window_hours = 48"),
    )
    .unwrap();
    let ok = caseload(&db, &["timescales", "check", edited.to_str().unwrap()]);
    assert!(ok.status.success(), "{}", stderr(&ok));
    let import = |f: &std::path::Path| {
        stdout(&caseload(
            &db,
            &["timescales", "import", f.to_str().unwrap()],
        ))
    };
    assert_eq!(import(&edited).trim(), "timescales version 2");
    assert_eq!(import(&edited).trim(), "timescales version 2 (unchanged)");
    let now = stdout(&caseload(&db, &["timescales", "export"]));
    assert!(now.contains("note_window_hours = 48"), "{now}");
    let first = stdout(&caseload(&db, &["timescales", "export", "--version", "1"]));
    assert_eq!(first, text, "earlier versions are kept");
}

/// `caseload` with only the given arguments and settings environment (none
/// of the caller's `CASELOAD_*` settings leak in).
fn caseload_with(args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_caseload"));
    for (name, _) in std::env::vars() {
        if name.starts_with("CASELOAD_") {
            command.env_remove(name);
        }
    }
    command
        .args(args)
        .env("CASELOAD_LOG", "warn")
        .envs(env.iter().copied())
        .output()
        .expect("run caseload")
}

#[test]
fn settings_come_from_the_file_then_the_environment_then_the_flags() {
    let dir = std::env::temp_dir().join(format!("caseload-cli-settings-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("caseload.toml");
    let file_name = file.to_str().unwrap();
    let (from_file, from_env, from_flag) = (
        temp_db("settings-file"),
        temp_db("settings-env"),
        temp_db("settings-flag"),
    );
    std::fs::write(&file, format!("database_url = {from_file:?}\n")).unwrap();
    let ready = |o: &Output| stderr(o).trim().to_owned();

    let o = caseload_with(&["--config", file_name, "init"], &[]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(
        ready(&o),
        format!("caseload: database {from_file} is ready")
    );

    let o = caseload_with(&["init"], &[("CASELOAD_CONFIG", file_name)]);
    assert_eq!(
        ready(&o),
        format!("caseload: database {from_file} is ready")
    );

    let env = [("CASELOAD_DATABASE_URL", from_env.as_str())];
    let o = caseload_with(&["--config", file_name, "init"], &env);
    assert_eq!(ready(&o), format!("caseload: database {from_env} is ready"));

    let o = caseload_with(
        &["--config", file_name, "init", "--database", &from_flag],
        &env,
    );
    assert_eq!(
        ready(&o),
        format!("caseload: database {from_flag} is ready")
    );
}

#[test]
fn an_unknown_key_or_a_bad_value_is_one_line_naming_the_key_and_where_it_was_given() {
    let dir = std::env::temp_dir().join(format!("caseload-cli-bad-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("caseload.toml");
    let file_name = file.to_str().unwrap();
    std::fs::write(
        &file,
        "listen = \"127.0.0.1:0\"\nsession_idle_minuets = 5\n",
    )
    .unwrap();
    let o = caseload_with(&["--config", file_name, "init"], &[]);
    assert_one_line_error(&o, "unknown setting \"session_idle_minuets\"");
    assert!(stderr(&o).contains(file_name), "{}", stderr(&o));

    let o = caseload_with(&["--config", &format!("{file_name}.missing"), "init"], &[]);
    assert_one_line_error(&o, "cannot read the settings file");

    let o = caseload_with(
        // Every command reads every setting: a bad one is found at once.
        &["--database", &temp_db("bad-env"), "init"],
        &[("CASELOAD_SESSION_IDLE_MINUTES", "soon")],
    );
    assert_one_line_error(
        &o,
        "CASELOAD_SESSION_IDLE_MINUTES in the environment: \"soon\" is not a whole number",
    );
}

#[test]
fn a_database_password_is_never_printed() {
    let o = caseload_with(
        &["init"],
        &[(
            "CASELOAD_DATABASE_URL",
            "mysql://caseload:hunter2@db/caseload",
        )],
    );
    assert_one_line_error(
        &o,
        "unsupported database URL \"mysql://caseload:***@db/caseload\"",
    );
    assert!(!stderr(&o).contains("hunter2"));
}
