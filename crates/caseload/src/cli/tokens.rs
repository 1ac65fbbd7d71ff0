//! `caseload token`: API tokens — make one, list a user's, revoke one. Each
//! token made or revoked here is audited as done from the command line (no
//! user; request id `cli`).

use anyhow::{Context, bail};
use caseload_domain::tokens::TokenScopes;
use caseload_store::Store;
use caseload_web::problem::Refused;
use caseload_web::tokens::{By, TokenRequest};
use clap::Subcommand;

#[derive(Debug, Subcommand)]
pub enum TokenCommand {
    /// Make an API token for a user and print it (only it) on standard
    /// output. It is shown this once: only its hash is kept.
    Create {
        #[arg(long)]
        email: String,
        /// What the token is for, to tell it apart in the list.
        #[arg(long)]
        name: String,
        /// The scopes it carries, separated by commas: read, write. All by default.
        #[arg(long)]
        scopes: Option<String>,
        /// How many days it lasts (default: the `api_token_days` setting, 90 unless configured).
        #[arg(long)]
        expires_in_days: Option<i64>,
    },
    /// List a user's unrevoked tokens (expired ones marked): id, name,
    /// scopes, created, last used, expires.
    List {
        #[arg(long)]
        email: String,
    },
    /// Revoke one token by its id (as `token list` shows it).
    Revoke {
        /// The token's id (`tok_…`).
        id: String,
    },
}

pub async fn run(
    store: &dyn Store,
    command: TokenCommand,
    default_days: i64,
) -> anyhow::Result<()> {
    match command {
        TokenCommand::Create {
            email,
            name,
            scopes,
            expires_in_days,
        } => {
            let scopes = scopes
                .map(|s| TokenScopes::parse_list("--scopes", &s))
                .transpose()
                .map_err(|e| anyhow::anyhow!("{} {}", e.field, e.message))?;
            let token = create_token(
                store,
                &email,
                &TokenRequest {
                    name,
                    scopes,
                    expires_in_days,
                },
                default_days,
            )
            .await?;
            println!("{token}");
            Ok(())
        }
        TokenCommand::List { email } => {
            let user = user(store, &email).await?;
            let now = jiff::Timestamp::now();
            let tokens = store.list_api_tokens(&user.id).await?;
            if tokens.is_empty() {
                eprintln!("caseload: {email} holds no API tokens");
            }
            for t in tokens {
                let last = t
                    .last_used_at
                    .map_or_else(|| "never".to_owned(), |t| t.to_string());
                let expiry = if t.expires_at > now {
                    "expires"
                } else {
                    "expired"
                };
                println!(
                    "{}\t{}\t{}\tcreated {}\tlast used {last}\t{expiry} {}",
                    t.id,
                    t.name,
                    t.scopes.names().join(","),
                    t.created_at,
                    t.expires_at
                );
            }
            Ok(())
        }
        TokenCommand::Revoke { id } => {
            let missing = || anyhow::anyhow!("no unrevoked API token with id {id:?}");
            let parsed = caseload_domain::ids::TokenId::parse(&id).ok_or_else(missing)?;
            let token = match store.get_api_token(&parsed).await {
                Ok(t) => t,
                Err(caseload_store::StoreError::NotFound(_)) => return Err(missing()),
                Err(e) => return Err(e.into()),
            };
            match caseload_web::tokens::revoke_token(store, token, jiff::Timestamp::now(), By::CLI)
                .await
            {
                Ok(t) => {
                    eprintln!("caseload: revoked API token {} ({})", t.id, t.name);
                    Ok(())
                }
                Err(Refused::Missing(_)) => Err(missing()),
                Err(e) => Err(refused(e)),
            }
        }
    }
}

async fn user(store: &dyn Store, email: &str) -> anyhow::Result<caseload_store::User> {
    store
        .find_user_by_email(email)
        .await?
        .with_context(|| format!("no user with email {email:?}"))
}

/// Make a token for the user with this email; its secret.
pub async fn create_token(
    store: &dyn Store,
    email: &str,
    request: &TokenRequest,
    default_days: i64,
) -> anyhow::Result<String> {
    let user = user(store, email).await?;
    if !user.active {
        bail!("{email} is deactivated; tokens are only issued to active users");
    }
    let issued = caseload_web::tokens::issue(
        store,
        &user,
        request,
        default_days,
        jiff::Timestamp::now(),
        By::CLI,
    )
    .await
    .map_err(refused)?;
    Ok(issued.secret)
}

/// A refusal in the command line's words: each field as its flag.
fn refused(e: Refused) -> anyhow::Error {
    match e {
        Refused::Missing(what) => anyhow::anyhow!("no such {what}"),
        Refused::Input(errors) => anyhow::anyhow!(
            "{}",
            errors
                .0
                .iter()
                .map(|e| format!("--{} {}", e.field.replace('_', "-"), e.message))
                .collect::<Vec<_>>()
                .join("; ")
        ),
        Refused::Store(s) => s.into(),
    }
}
