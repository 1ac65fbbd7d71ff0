//! `caseload token`: API tokens.

use anyhow::{Context, bail};
use caseload_store::Store;
use clap::Subcommand;

#[derive(Debug, Subcommand)]
pub enum TokenCommand {
    /// Create an API token for a user and print it (only it) on standard output.
    Create {
        #[arg(long)]
        email: String,
    },
}

pub async fn run(store: &dyn Store, command: TokenCommand) -> anyhow::Result<()> {
    match command {
        TokenCommand::Create { email } => {
            let token = create_token(store, &email).await?;
            println!("{token}");
            Ok(())
        }
    }
}

pub async fn create_token(store: &dyn Store, email: &str) -> anyhow::Result<String> {
    let user = store
        .find_user_by_email(email)
        .await?
        .with_context(|| format!("no user with email {email:?}"))?;
    if !user.active {
        bail!("{email} is deactivated; tokens are only issued to active users");
    }
    let token = caseload_web::auth::new_token()?;
    store
        .create_api_token(
            &user.id,
            &caseload_web::auth::token_hash(&token),
            jiff::Timestamp::now(),
        )
        .await?;
    Ok(token)
}
