//! `caseload timescales`: checking, importing and exporting the
//! organisation's timescales.

use anyhow::{Context, bail};
use clap::Subcommand;

use crate::settings::DatabaseUrl;

#[derive(Debug, Subcommand)]
pub enum TimescalesCommand {
    /// Check a timescales file and print each problem with its place.
    Check { file: std::path::PathBuf },
    /// Import a timescales file as the next version (unchanged files are not).
    Import { file: std::path::PathBuf },
    /// Print the timescales in force (or --version N) as a file.
    Export {
        #[arg(long)]
        version: Option<i64>,
    },
}

pub async fn run(
    database: &DatabaseUrl,
    timeouts: &caseload_store::Timeouts,
    command: TimescalesCommand,
) -> anyhow::Result<()> {
    use caseload_domain::timescales::Timescales;
    let read = |file: &std::path::Path| -> anyhow::Result<(String, Timescales)> {
        let text = std::fs::read_to_string(file)
            .with_context(|| format!("cannot read {}", file.display()))?;
        match Timescales::parse(&text) {
            Ok(t) => Ok((text, t)),
            Err(problems) => {
                for problem in &problems {
                    eprintln!("{}: {problem}", file.display());
                }
                bail!(
                    "{} has {} problem{}",
                    file.display(),
                    problems.len(),
                    if problems.len() == 1 { "" } else { "s" }
                )
            }
        }
    };
    match command {
        TimescalesCommand::Check { file } => {
            let (_, t) = read(&file)?;
            println!(
                "{}: ok — {} bands, review every {} working days, margin {:?}",
                file.display(),
                t.bands.len(),
                t.review_interval_working_days,
                t.margin
            );
            Ok(())
        }
        TimescalesCommand::Import { file } => {
            let (text, _) = read(&file)?;
            let store = crate::migrated_store(database, timeouts).await?;
            let (saved, new) = caseload_web::timescales::import(
                store.as_ref(),
                &text,
                None,
                jiff::Timestamp::now(),
            )
            .await
            .map_err(|e| anyhow::anyhow!("{}", e.problem().detail))?;
            println!(
                "timescales version {}{}",
                saved.version,
                if new { "" } else { " (unchanged)" }
            );
            Ok(())
        }
        TimescalesCommand::Export { version } => {
            let store = crate::migrated_store(database, timeouts).await?;
            let versions = store.timescale_versions().await?;
            let chosen = match version {
                Some(v) => versions.iter().find(|x| x.version == v),
                None => versions.last(),
            }
            .with_context(|| {
                format!(
                    "no timescales{}",
                    version.map(|v| format!(" version {v}")).unwrap_or_default()
                )
            })?;
            print!("{}", chosen.body);
            Ok(())
        }
    }
}
