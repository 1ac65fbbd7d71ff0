//! API tokens from the command line: made, listed, revoked one by one,
//! revoked all at once with a new password, and their default lifetime.

use super::*;

fn add_ann(db: &str) {
    let add = caseload(
        db,
        &[
            "user",
            "add",
            "--email",
            "ann@example.org",
            "--name",
            "Ann",
            "--role",
            "admin",
        ],
    );
    assert!(add.status.success(), "{}", stderr(&add));
}

#[tokio::test]
async fn tokens_are_listed_and_revoked_one_by_one_and_never_shown_again() {
    let db = temp_db("tokens");
    add_ann(&db);
    let make = |name: &str, extra: &[&str]| {
        let mut args = vec![
            "token",
            "create",
            "--email",
            "ann@example.org",
            "--name",
            name,
        ];
        args.extend_from_slice(extra);
        let o = caseload(&db, &args);
        assert!(o.status.success(), "{}", stderr(&o));
        stdout(&o).trim().to_owned()
    };
    let full = make("Nightly export", &[]);
    let reader = make("Dashboard", &["--scopes", "read", "--expires-in-days", "7"]);
    let list = caseload(&db, &["token", "list", "--email", "ann@example.org"]);
    assert!(list.status.success(), "{}", stderr(&list));
    let listed = stdout(&list);
    assert_eq!(listed.lines().count(), 2, "{listed}");
    assert!(
        !listed.contains(&full) && !listed.contains(&reader),
        "secrets never shown again"
    );
    let dashboard = listed.lines().find(|l| l.contains("Dashboard")).unwrap();
    let cols: Vec<&str> = dashboard.split('\t').collect();
    assert!(cols[0].starts_with("tok_"), "{dashboard}");
    assert_eq!(cols[2], "read");
    assert_eq!(cols[4], "last used never");
    assert!(cols[5].starts_with("expires "), "{dashboard}");
    let nightly = listed
        .lines()
        .find(|l| l.contains("Nightly export"))
        .unwrap();
    assert!(nightly.contains("\tread,write\t"), "{nightly}");
    // Revoke one: the other stays.
    let id = cols[0];
    let revoke = caseload(&db, &["token", "revoke", id]);
    assert!(revoke.status.success(), "{}", stderr(&revoke));
    assert!(stderr(&revoke).contains("Dashboard"));
    let after = stdout(&caseload(
        &db,
        &["token", "list", "--email", "ann@example.org"],
    ));
    assert_eq!(after.lines().count(), 1);
    assert!(after.contains("Nightly export"));
    assert_one_line_error(&caseload(&db, &["token", "revoke", id]), id);
    assert_one_line_error(
        &caseload(&db, &["token", "revoke", "tok_nothing"]),
        "tok_nothing",
    );
    // Both made and the one revoked are in the audit trail, as from the command line.
    use caseload_store::prelude::*;
    let store = caseload_sqlite::SqliteStore::connect(&db).await.unwrap();
    let actions: Vec<(String, Option<String>)> = store
        .list_audit(50)
        .await
        .unwrap()
        .into_iter()
        .rev()
        .filter(|e| e.object_type == "api_token")
        .map(|e| (e.action, e.actor_id.map(|a| a.to_string())))
        .collect();
    let names: Vec<&str> = actions.iter().map(|(a, _)| a.as_str()).collect();
    assert_eq!(
        names,
        ["api_token.create", "api_token.create", "api_token.revoke"]
    );
    assert!(actions.iter().all(|(_, actor)| actor.is_none()));
}

#[test]
fn a_password_set_from_the_command_line_revokes_every_token() {
    let db = temp_db("passwd-tokens");
    add_ann(&db);
    for name in ["one", "two"] {
        let o = caseload(
            &db,
            &[
                "token",
                "create",
                "--email",
                "ann@example.org",
                "--name",
                name,
            ],
        );
        assert!(o.status.success(), "{}", stderr(&o));
    }
    let mut child = Command::new(env!("CARGO_BIN_EXE_caseload"))
        .args([
            "--database",
            &db,
            "user",
            "passwd",
            "--email",
            "ann@example.org",
            "--password-stdin",
        ])
        .env("CASELOAD_LOG", "warn")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    use std::io::Write;
    child
        .stdin
        .take()
        .unwrap()
        .write_all(b"quiet harbour lantern\n")
        .unwrap();
    let o = child.wait_with_output().unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("2 API token(s) revoked"),
        "{}",
        stderr(&o)
    );
    let list = caseload(&db, &["token", "list", "--email", "ann@example.org"]);
    assert_eq!(stdout(&list), "");
}

#[test]
fn bad_token_commands_fail_with_one_line_naming_the_flag() {
    let db = temp_db("bad-tokens");
    add_ann(&db);
    let create = |extra: &[&str]| {
        let mut args = vec!["token", "create", "--email", "ann@example.org"];
        args.extend_from_slice(extra);
        caseload(&db, &args)
    };
    assert_one_line_error(&create(&["--name", " "]), "--name is required");
    assert_one_line_error(
        &create(&["--name", "x", "--expires-in-days", "0"]),
        "--expires-in-days must be a whole number of days from 1 to 1830",
    );
    assert_one_line_error(
        &create(&["--name", "x", "--scopes", "read,admin"]),
        "--scopes \"admin\" is not a scope",
    );
    assert!(
        !create(&["--email", "x"]).status.success(),
        "--name is required by clap"
    );
    assert_one_line_error(
        &create_with_default_days(&db, "0"),
        "CASELOAD_API_TOKEN_DAYS",
    );
}

/// `token create` for Ann with `CASELOAD_API_TOKEN_DAYS` set.
fn create_with_default_days(db: &str, days: &str) -> Output {
    let args = [
        "--database",
        db,
        "token",
        "create",
        "--email",
        "ann@example.org",
        "--name",
        "x",
    ];
    caseload_with(&args, &[("CASELOAD_API_TOKEN_DAYS", days)])
}

#[test]
fn the_default_token_lifetime_is_a_setting() {
    let db = temp_db("token-days");
    add_ann(&db);
    let o = create_with_default_days(&db, "3");
    assert!(o.status.success(), "{}", stderr(&o));
    let list = stdout(&caseload(
        &db,
        &["token", "list", "--email", "ann@example.org"],
    ));
    let expires: jiff::Timestamp = list.trim().rsplit(' ').next().unwrap().parse().unwrap();
    let days = expires.duration_since(jiff::Timestamp::now()).as_hours() as f64 / 24.0;
    assert!((2.9..=3.0).contains(&days), "{days} days: {list}");
}
