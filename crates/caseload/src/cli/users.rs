//! `caseload user`: adding users and setting their passwords.

use std::io::IsTerminal;

use anyhow::{Context, bail};
use caseload_domain::text::{Email, limits, single_line};
use caseload_domain::users::Role;
use caseload_store::{NewUser, Store};
use clap::Subcommand;

#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Add a user. Prints the new user's id.
    Add {
        #[arg(long)]
        email: String,
        #[arg(long)]
        name: String,
        /// practitioner, supervisor, admin or auditor.
        #[arg(long)]
        role: String,
        /// Team name (created if it does not exist). Practitioners and supervisors need one.
        #[arg(long)]
        team: Option<String>,
        /// Read the password from standard input (one line). Without this, a
        /// terminal is prompted (without echo); a script gets no password.
        #[arg(long)]
        password_stdin: bool,
    },
    /// Set a user's password (and sign them out everywhere: sessions end,
    /// API tokens are revoked).
    Passwd {
        #[arg(long)]
        email: String,
        /// Read the password from standard input (one line) instead of prompting.
        #[arg(long)]
        password_stdin: bool,
    },
}

pub async fn run(store: &dyn Store, command: UserCommand) -> anyhow::Result<()> {
    match command {
        UserCommand::Add {
            email,
            name,
            role,
            team,
            password_stdin,
        } => {
            let password = if password_stdin || std::io::stdin().is_terminal() {
                let p = read_password(password_stdin)?;
                caseload_domain::passwords::check(&p, &email, &name)
                    .map_err(|m| anyhow::anyhow!("the password {m}"))?;
                Some(p)
            } else {
                None
            };
            let user = add_user(store, &email, &name, &role, team.as_deref()).await?;
            match password {
                Some(p) => set_password(store, &user, &p).await?,
                None => eprintln!(
                    "caseload: {} has no password yet: set one with `caseload user passwd`",
                    user.email
                ),
            }
            println!("{}", user.id);
            Ok(())
        }
        UserCommand::Passwd {
            email,
            password_stdin,
        } => {
            let user = store
                .find_user_by_email(&email)
                .await?
                .with_context(|| format!("no user with email {email:?}"))?;
            if !password_stdin && !std::io::stdin().is_terminal() {
                bail!(
                    "no terminal to ask for the password on: pass --password-stdin and send it on standard input"
                );
            }
            let p = read_password(password_stdin)?;
            caseload_domain::passwords::check(&p, &user.email, &user.name)
                .map_err(|m| anyhow::anyhow!("the password {m}"))?;
            set_password(store, &user, &p).await?;
            let revoked = caseload_web::tokens::sign_out_everywhere(
                store,
                &user.id,
                jiff::Timestamp::now(),
                caseload_web::tokens::By::CLI,
            )
            .await?;
            eprintln!(
                "caseload: password set for {}; signed out everywhere, {revoked} API token(s) revoked",
                user.email
            );
            Ok(())
        }
    }
}

pub async fn add_user(
    store: &dyn Store,
    email: &str,
    name: &str,
    role: &str,
    team: Option<&str>,
) -> anyhow::Result<caseload_store::User> {
    let email =
        Email::parse("--email", email).map_err(|e| anyhow::anyhow!("{} {}", e.field, e.message))?;
    let name = single_line("--name", name, limits::NAME)
        .map_err(|e| anyhow::anyhow!("{} {}", e.field, e.message))?;
    let role = Role::parse(role).with_context(|| {
        format!("--role {role:?} is not a role: use practitioner, supervisor, admin or auditor")
    })?;
    if role.works_cases() && team.is_none() {
        bail!("--team is required for a {role}: caseloads belong to teams");
    }
    let now = jiff::Timestamp::now();
    let team_id = match team {
        None => None,
        Some(t) => {
            let t = single_line("--team", t, limits::NAME)
                .map_err(|e| anyhow::anyhow!("{} {}", e.field, e.message))?;
            match store.find_team_by_name(&t).await? {
                Some(team) => Some(team.id),
                None => {
                    eprintln!("caseload: created team {t:?}");
                    Some(store.create_team(&t, now).await?.id)
                }
            }
        }
    };
    let user = store
        .create_user(
            &NewUser {
                email,
                name,
                role,
                team_id,
            },
            now,
        )
        .await?;
    Ok(user)
}

/// One line from standard input, or a prompt without echo on a terminal.
fn read_password(from_stdin: bool) -> anyhow::Result<String> {
    if from_stdin {
        let mut line = String::new();
        std::io::stdin()
            .read_line(&mut line)
            .context("cannot read the password from standard input")?;
        let p = line.trim_end_matches(['\n', '\r']).to_owned();
        if p.is_empty() {
            bail!("no password on standard input");
        }
        return Ok(p);
    }
    let first = rpassword::prompt_password("New password: ").context("cannot read the password")?;
    let second =
        rpassword::prompt_password("Same password again: ").context("cannot read the password")?;
    if first != second {
        bail!("the two passwords are not the same");
    }
    Ok(first)
}

pub async fn set_password(
    store: &dyn Store,
    user: &caseload_store::User,
    password: &str,
) -> anyhow::Result<()> {
    let hash = caseload_web::passwords::hash(password)
        .map_err(|e| anyhow::anyhow!("cannot hash the password: {e}"))?;
    store.set_password(&user.id, &hash).await?;
    Ok(())
}
