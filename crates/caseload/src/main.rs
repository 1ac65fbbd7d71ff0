//! `caseload`: the web server, the JSON API and the command line, in one
//! binary. Errors end the process with a non-zero exit and one line saying
//! what is wrong.

mod bulk;
mod cli;
mod demo;
mod settings;

use std::process::ExitCode;
use std::sync::Arc;

use anyhow::{Context, bail};
use caseload_store::Store;
use clap::{Parser, Subcommand};

use settings::{DEADLINE, DatabaseUrl, Flags, GLOBAL, SERVER, Settings};

#[derive(Debug, Parser)]
#[command(
    name = "caseload",
    version,
    about = "A caseload manager for advice and guidance practitioners"
)]
struct Cli {
    /// The settings file (TOML; see docs/caseload.example.toml). Without it,
    /// caseload.toml in the working directory if there is one.
    #[arg(long, global = true, env = "CASELOAD_CONFIG", value_name = "FILE")]
    config: Option<std::path::PathBuf>,

    #[command(flatten)]
    settings: Flags<GLOBAL>,

    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Create or upgrade the database schema (safe to run again).
    Init,
    /// Run the web server and JSON API.
    Serve(Flags<SERVER>),
    /// Manage users.
    User {
        #[command(subcommand)]
        command: cli::users::UserCommand,
    },
    /// Manage API tokens.
    Token {
        #[command(subcommand)]
        command: cli::tokens::TokenCommand,
    },
    /// Compute a statutory deadline: prints the due date (YYYY-MM-DD) alone
    /// on the first line, then how it was reached.
    Deadline {
        /// The rule id, e.g. mandatory_reconsideration (see deadlines.toml).
        #[arg(long)]
        rule: String,
        /// The trigger date, YYYY-MM-DD.
        #[arg(long)]
        from: String,
        /// england-and-wales, scotland or northern-ireland.
        #[arg(long, default_value = "england-and-wales")]
        calendar: String,
        /// A clock stop, FROM..TO (e.g. ACAS early conciliation Day A..Day B). Repeatable.
        #[arg(long)]
        pause: Vec<String>,
        #[command(flatten)]
        settings: Flags<DEADLINE>,
    },
    /// Keep the organisation's working-day calendars: import the official
    /// bank-holidays file, add or remove closure days, choose the calendar.
    Calendar {
        #[command(subcommand)]
        command: cli::calendars::CalendarCommand,
    },
    /// Priority policies: check a file, import it as a new version, export one.
    Policy {
        #[command(subcommand)]
        command: cli::policies::PolicyCommand,
    },
    /// The organisation's timescales: check a file, import it as a new
    /// version, export the one in force.
    Timescales {
        #[command(subcommand)]
        command: cli::timescales::TimescalesCommand,
    },
    /// Re-evaluate every active case as time passes: priorities (deadlines
    /// approaching, contact going quiet) and timescale states, notifying
    /// owners and supervisors of what went at risk or was breached. Also run
    /// hourly by `serve`; running it again changes nothing.
    Reevaluate,
    /// Print a year's bank holidays, one ISO date a line.
    Holidays {
        #[arg(long)]
        year: i16,
        #[arg(long, default_value = "england-and-wales")]
        calendar: String,
    },
    /// Add (or with a negative number, subtract) working days to a date.
    Workdays {
        #[arg(long)]
        from: String,
        #[arg(long, allow_hyphen_values = true)]
        add: i32,
        #[arg(long, default_value = "england-and-wales")]
        calendar: String,
    },
    /// Load demonstration data into an empty database and print how to sign
    /// in; with --scale, a service-sized synthetic data set for benchmarks.
    Demo {
        /// Start the server once the data is loaded.
        #[arg(long)]
        serve: bool,
        /// Generate a whole service: tiny (1,000 cases), small (10,000 cases,
        /// ~100,000 notes) or medium (100,000 cases, ~1,000,000 notes).
        #[arg(long, value_enum)]
        scale: Option<bulk::Scale>,
        /// The seed for --scale: the same seed gives the same data.
        #[arg(long, default_value_t = 2026)]
        seed: u64,
        #[command(flatten)]
        settings: Flags<SERVER>,
    },
}

impl Command {
    /// The settings given as this command's own flags.
    fn settings(&self) -> &[(&'static str, String)] {
        match self {
            Command::Serve(flags)
            | Command::Demo {
                settings: flags, ..
            } => &flags.given,
            Command::Deadline { settings, .. } => &settings.given,
            _ => &[],
        }
    }
}

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let cli = Cli::parse();
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("CASELOAD_LOG")
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info,sqlx=warn")),
        )
        .with_writer(std::io::stderr)
        .init();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            eprintln!("caseload: error: cannot start the runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(cli)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            // One line: the error and its causes, conflicts worded as the
            // web layer words them.
            let causes: Vec<String> = e
                .chain()
                .map(|c| match c.downcast_ref::<caseload_store::StoreError>() {
                    Some(caseload_store::StoreError::Conflict(kind)) => {
                        caseload_web::problem::conflict_detail(kind)
                    }
                    _ => c.to_string(),
                })
                .collect();
            eprintln!("caseload: error: {}", causes.join(": "));
            ExitCode::FAILURE
        }
    }
}

/// Open the store named by a database URL.
pub async fn open_store(
    url: &DatabaseUrl,
    timeouts: &caseload_store::Timeouts,
) -> anyhow::Result<Arc<dyn Store>> {
    let exposed = url.expose();
    if exposed.starts_with("sqlite:") {
        let store = caseload_sqlite::SqliteStore::connect_with(exposed, timeouts)
            .await
            .with_context(|| format!("cannot open the SQLite database {url}"))?;
        Ok(Arc::new(store))
    } else if exposed.starts_with("postgres://") || exposed.starts_with("postgresql://") {
        let store = caseload_postgres::PgStore::connect_with(exposed, timeouts)
            .await
            .context("cannot connect to the PostgreSQL database (check the URL, the server and the credentials)")?;
        Ok(Arc::new(store))
    } else {
        bail!(
            "unsupported database URL {:?}: use sqlite:FILE or postgres://USER@HOST/DB",
            url.to_string()
        )
    }
}

async fn migrated_store(
    url: &DatabaseUrl,
    timeouts: &caseload_store::Timeouts,
) -> anyhow::Result<Arc<dyn Store>> {
    let store = open_store(url, timeouts).await?;
    store
        .migrate()
        .await
        .context("cannot apply the database migrations")?;
    caseload_web::api::priority::ensure_default_policies(store.as_ref(), jiff::Timestamp::now())
        .await
        .context("cannot load the default priority policies")?;
    caseload_web::timescales::ensure_default(store.as_ref(), jiff::Timestamp::now())
        .await
        .context("cannot load the default timescales")?;
    Ok(store)
}

async fn run(cli: Cli) -> anyhow::Result<()> {
    let flags: Vec<(&'static str, String)> = cli
        .settings
        .given
        .iter()
        .chain(cli.command.settings())
        .cloned()
        .collect();
    let settings = Settings::load(cli.config.as_deref(), &flags)?;
    let database = &settings.database;
    let timeouts = &settings.database_timeouts;
    match cli.command {
        Command::Init => {
            migrated_store(database, timeouts).await?;
            eprintln!("caseload: database {database} is ready");
            Ok(())
        }
        Command::Serve(_) => {
            let store = migrated_store(database, timeouts).await?;
            cli::serve::serve(store, &settings).await
        }
        Command::User { command } => {
            let store = migrated_store(database, timeouts).await?;
            cli::users::run(store.as_ref(), command).await
        }
        Command::Token { command } => {
            let store = migrated_store(database, timeouts).await?;
            cli::tokens::run(store.as_ref(), command, settings.web.api_token_days).await
        }
        Command::Deadline {
            rule,
            from,
            calendar,
            pause,
            settings: _,
        } => cli::deadlines::deadline(
            &rule,
            &from,
            &calendar,
            &pause,
            settings.deadline_catalogue.as_deref(),
        ),
        Command::Timescales { command } => cli::timescales::run(database, timeouts, command).await,
        Command::Policy { command } => cli::policies::run(database, timeouts, command).await,
        Command::Reevaluate => {
            let store = migrated_store(database, timeouts).await?;
            cli::serve::reevaluate(store, &settings).await
        }
        Command::Calendar { command } => {
            let store = migrated_store(database, timeouts).await?;
            cli::calendars::run(store.as_ref(), command).await
        }
        Command::Holidays { year, calendar } => cli::deadlines::holidays(year, &calendar),
        Command::Workdays {
            from,
            add,
            calendar,
        } => cli::deadlines::workdays(&from, add, &calendar),
        Command::Demo {
            serve: and_serve,
            scale,
            seed,
            settings: _,
        } => {
            let store = migrated_store(database, timeouts).await?;
            match scale {
                Some(scale) => {
                    bulk::load(store.as_ref(), scale, seed).await?;
                }
                None => demo::load(&store, database, &settings.listen).await?,
            }
            if and_serve {
                cli::serve::serve(store, &settings).await
            } else {
                Ok(())
            }
        }
    }
}
