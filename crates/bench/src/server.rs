//! The Caseload under test: a fresh database, its commands run as an
//! operator would, and the server started and waited for.

use std::path::Path;
use std::process::Stdio;

use anyhow::{Context, bail};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::process::{Child, Command};

use super::WHO;

pub(crate) async fn fresh_database(
    backend: &str,
    url: &str,
    admin_url: &str,
) -> anyhow::Result<()> {
    if backend == "sqlite" {
        let file = url.trim_start_matches("sqlite:");
        for suffix in ["", "-wal", "-shm", "-audit"] {
            let _ = std::fs::remove_file(format!("{file}{suffix}"));
        }
        return Ok(());
    }
    use sqlx::Connection;
    let mut admin = sqlx::PgConnection::connect(admin_url)
        .await
        .with_context(|| format!("cannot reach PostgreSQL at {admin_url}"))?;
    let name = url.rsplit('/').next().unwrap_or_default();
    sqlx::query(&format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"))
        .execute(&mut admin)
        .await?;
    sqlx::query(&format!("CREATE DATABASE \"{name}\""))
        .execute(&mut admin)
        .await?;
    Ok(())
}

pub(crate) async fn run(caseload: &Path, url: &str, args: &[&str]) -> anyhow::Result<String> {
    run_with_stdin(caseload, url, args, "").await
}

pub(crate) async fn run_with_stdin(
    caseload: &Path,
    url: &str,
    args: &[&str],
    input: &str,
) -> anyhow::Result<String> {
    let mut child = Command::new(caseload)
        .arg("--database")
        .arg(url)
        .args(args)
        .env("CASELOAD_LOG", "warn")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()?;
    if let Some(mut stdin) = child.stdin.take() {
        stdin.write_all(input.as_bytes()).await?;
    }
    let out = child.wait_with_output().await?;
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    let err = String::from_utf8_lossy(&out.stderr).into_owned();
    if !out.status.success() {
        bail!("caseload {} failed: {err}", args.join(" "));
    }
    Ok(if text.trim().is_empty() { err } else { text })
}

pub(crate) async fn start_server(
    caseload: &Path,
    url: &str,
    extra: &[&str],
) -> anyhow::Result<(Child, String)> {
    let mut child = Command::new(caseload)
        .arg("--database")
        .arg(url)
        // Re-evaluation is measured on its own, with `caseload reevaluate`.
        .args([
            "serve",
            "--listen",
            "127.0.0.1:0",
            "--reevaluate-every-minutes",
            "0",
        ])
        .args(extra)
        .env("CASELOAD_LOG", "warn")
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .kill_on_drop(true)
        .spawn()?;
    let stdout = child.stdout.take().context("server stdout")?;
    let mut lines = BufReader::new(stdout).lines();
    while let Some(line) = lines.next_line().await? {
        if let Some(addr) = line.strip_prefix("Caseload listening on http://") {
            let addr = addr.trim().to_owned();
            tokio::spawn(async move { while let Ok(Some(_)) = lines.next_line().await {} });
            return Ok((child, addr));
        }
    }
    bail!("the server stopped before it listened")
}

pub(crate) async fn fifty_note_case(backend: &str, url: &str) -> anyhow::Result<String> {
    let sql = "SELECT n.case_id FROM notes n JOIN cases c ON c.id = n.case_id JOIN users u ON u.id = c.owner_id \
               WHERE u.email = $1 GROUP BY n.case_id HAVING COUNT(*) >= 50 ORDER BY COUNT(*), n.case_id LIMIT 1";
    let id: String = if backend == "sqlite" {
        use sqlx::Connection;
        let mut conn = sqlx::SqliteConnection::connect(url).await?;
        sqlx::query_scalar(&sql.replace("$1", "?"))
            .bind(WHO)
            .fetch_one(&mut conn)
            .await?
    } else {
        use sqlx::Connection;
        let mut conn = sqlx::PgConnection::connect(url).await?;
        sqlx::query_scalar(sql)
            .bind(WHO)
            .fetch_one(&mut conn)
            .await?
    };
    Ok(id)
}

/// A fresh data set of `scale` on `url`, a password for each of `accounts`
/// (all [`super::PASSWORD`]), and an API token for the first of them, made
/// after the passwords (a new password revokes the user's tokens).
pub(crate) async fn prepare(
    caseload: &Path,
    backend: &str,
    url: &str,
    admin_url: &str,
    scale: &str,
    accounts: &[String],
) -> anyhow::Result<String> {
    fresh_database(backend, url, admin_url).await?;
    run(caseload, url, &["demo", "--scale", scale]).await?;
    for who in accounts {
        run_with_stdin(
            caseload,
            url,
            &["user", "passwd", "--email", who, "--password-stdin"],
            super::PASSWORD,
        )
        .await?;
    }
    let who = accounts.first().context("no account to make a token for")?;
    Ok(run(
        caseload,
        url,
        &["token", "create", "--email", who, "--name", "benchmark"],
    )
    .await?
    .trim()
    .to_owned())
}

/// The email of the `n`th demonstration practitioner (from 1).
pub(crate) fn practitioner(n: usize) -> String {
    format!("practitioner.{n:05}@demo.caseload.invalid")
}

/// The open cases of the token's holder, from their queue.
pub(crate) async fn queue_cases(addr: &str, auth: &str) -> anyhow::Result<Vec<String>> {
    let mut conn = super::driver::Conn::open(addr).await?;
    let r = conn
        .request("GET", "/api/v1/caseload", &[("authorization", auth)], None)
        .await?;
    if r.status != 200 {
        bail!("the queue answered {}", r.status);
    }
    let rows: serde_json::Value = serde_json::from_slice(&r.body)?;
    Ok(rows
        .as_array()
        .map(|r| {
            r.iter()
                .filter_map(|x| x["case"]["id"].as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default())
}
