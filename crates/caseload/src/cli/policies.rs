//! `caseload policy`: checking, importing and exporting priority policies.

use anyhow::{Context, bail};
use clap::Subcommand;

use crate::settings::DatabaseUrl;

#[derive(Debug, Subcommand)]
pub enum PolicyCommand {
    /// Check a policy file and print each problem with its place.
    Check { file: std::path::PathBuf },
    /// Import a policy file as the policy's next version (unchanged files are not).
    Import { file: std::path::PathBuf },
    /// Print a policy (the latest version, or --version N) as a file.
    Export {
        id: String,
        #[arg(long)]
        version: Option<i64>,
    },
}

pub async fn run(
    database: &DatabaseUrl,
    timeouts: &caseload_store::Timeouts,
    command: PolicyCommand,
) -> anyhow::Result<()> {
    match command {
        PolicyCommand::Check { file } => {
            let text = std::fs::read_to_string(&file)
                .with_context(|| format!("cannot read {}", file.display()))?;
            match caseload_domain::priority::Policy::parse(&text) {
                Ok(p) => {
                    println!(
                        "{}: ok — {} ({} bands, {} criteria, {} rules)",
                        file.display(),
                        p.name,
                        p.bands.len(),
                        p.criteria.len(),
                        p.rules.len()
                    );
                    Ok(())
                }
                Err(problems) => {
                    for problem in &problems {
                        println!("{}: {problem}", file.display());
                    }
                    bail!(
                        "{} has {} problem{}",
                        file.display(),
                        problems.len(),
                        if problems.len() == 1 { "" } else { "s" }
                    )
                }
            }
        }
        PolicyCommand::Import { file } => {
            let store = crate::migrated_store(database, timeouts).await?;
            let text = std::fs::read_to_string(&file)
                .with_context(|| format!("cannot read {}", file.display()))?;
            let policy = caseload_domain::priority::Policy::parse(&text).map_err(|problems| {
                let first = problems.first().map(|p| p.to_string()).unwrap_or_default();
                anyhow::anyhow!(
                    "{}: {first} ({} problem(s); run `caseload policy check` to see all)",
                    file.display(),
                    problems.len()
                )
            })?;
            let body = policy.to_toml();
            let versions = store.policy_versions(&policy.id).await?;
            if let Some(last) = versions.last()
                && last.body == body
            {
                println!("{} version {} (unchanged)", policy.id, last.version);
                return Ok(());
            }
            let saved = store
                .save_policy_version(
                    &policy.id,
                    &policy.name,
                    &policy.service_areas,
                    &body,
                    None,
                    jiff::Timestamp::now(),
                )
                .await?;
            println!("{} version {}", saved.policy_id, saved.version);
            Ok(())
        }
        PolicyCommand::Export { id, version } => {
            let store = crate::migrated_store(database, timeouts).await?;
            let versions = store.policy_versions(&id).await?;
            let chosen = match version {
                Some(v) => versions.iter().find(|x| x.version == v),
                None => versions.last(),
            }
            .with_context(|| {
                format!(
                    "no policy {id:?}{}",
                    version.map(|v| format!(" version {v}")).unwrap_or_default()
                )
            })?;
            print!("{}", chosen.body);
            Ok(())
        }
    }
}
