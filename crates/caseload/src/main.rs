//! `caseload`: the web server, the JSON API and the command line, in one
//! binary. Errors end the process with a non-zero exit and one line saying
//! what is wrong.

mod bulk;
mod demo;

use std::io::{IsTerminal, Write};
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::{Context, bail};
use caseload_domain::SystemClock;
use caseload_domain::text::{Email, limits, single_line};
use caseload_domain::users::Role;
use caseload_store::{NewUser, Store};
use caseload_web::{AppState, Settings};
use clap::{Parser, Subcommand};

#[derive(Debug, Parser)]
#[command(
    name = "caseload",
    version,
    about = "A caseload manager for advice and guidance practitioners"
)]
struct Cli {
    /// Database URL: `sqlite:FILE` (the embedded default) or `postgres://…`.
    #[arg(
        long,
        global = true,
        env = "CASELOAD_DATABASE_URL",
        default_value = "sqlite:caseload.db"
    )]
    database: String,

    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Create or upgrade the database schema (safe to run again).
    Init,
    /// Run the web server and JSON API.
    Serve(ServeArgs),
    /// Manage users.
    User {
        #[command(subcommand)]
        command: UserCommand,
    },
    /// Manage API tokens.
    Token {
        #[command(subcommand)]
        command: TokenCommand,
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
        /// A deadline catalogue (TOML) to use instead of the shipped one.
        #[arg(long, env = "CASELOAD_DEADLINE_CATALOGUE")]
        deadline_catalogue: Option<std::path::PathBuf>,
    },
    /// Keep the organisation's working-day calendars: import the official
    /// bank-holidays file, add or remove closure days, choose the calendar.
    Calendar {
        #[command(subcommand)]
        command: CalendarCommand,
    },
    /// Priority policies: check a file, import it as a new version, export one.
    Policy {
        #[command(subcommand)]
        command: PolicyCommand,
    },
    /// The organisation's timescales: check a file, import it as a new
    /// version, export the one in force.
    Timescales {
        #[command(subcommand)]
        command: TimescalesCommand,
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
        server: ServeArgs,
    },
}

#[derive(Debug, clap::Args)]
struct ServeArgs {
    /// Address to listen on.
    #[arg(long, env = "CASELOAD_LISTEN", default_value = "127.0.0.1:8080")]
    listen: String,
    /// Mark the session cookie Secure: set this when Caseload is served over HTTPS.
    #[arg(long, env = "CASELOAD_SECURE_COOKIES")]
    secure_cookies: bool,
    /// Sign a browser out after this many minutes without activity.
    #[arg(long, env = "CASELOAD_SESSION_IDLE_MINUTES", default_value_t = 30)]
    session_idle_minutes: u32,
    /// Sign a browser out this many hours after sign-in, however busy.
    #[arg(long, env = "CASELOAD_SESSION_ABSOLUTE_HOURS", default_value_t = 12)]
    session_absolute_hours: u32,
    /// The organisation's time zone, for showing and entering times.
    #[arg(long, env = "CASELOAD_TIME_ZONE", default_value = "Europe/London")]
    time_zone: String,
    /// Re-evaluate priorities and timescales this often, in minutes (the
    /// first run a minute after start-up); 0 leaves it to `caseload
    /// reevaluate` run by cron or a timer.
    #[arg(long, env = "CASELOAD_REEVALUATE_EVERY_MINUTES", default_value_t = 60)]
    reevaluate_every_minutes: u32,
    /// A deadline catalogue (TOML) to use instead of the shipped one.
    #[arg(long, env = "CASELOAD_DEADLINE_CATALOGUE")]
    deadline_catalogue: Option<std::path::PathBuf>,
    /// Caseload rows kept in memory for practitioners' next look at their
    /// queue, across all practitioners (about 4.5 kB each); 0 reads every queue
    /// from the database.
    #[arg(long, env = "CASELOAD_KEPT_CASELOAD_ROWS", default_value_t = caseload_web::caseloads::ROW_BUDGET)]
    kept_caseload_rows: usize,
}

#[derive(Debug, Subcommand)]
enum UserCommand {
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
    /// Set a user's password (and sign them out everywhere).
    Passwd {
        #[arg(long)]
        email: String,
        /// Read the password from standard input (one line) instead of prompting.
        #[arg(long)]
        password_stdin: bool,
    },
}

#[derive(Debug, Subcommand)]
enum PolicyCommand {
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

#[derive(Debug, Subcommand)]
enum TimescalesCommand {
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

#[derive(Debug, Subcommand)]
enum CalendarCommand {
    /// Import the official bank-holidays JSON file (divisions england-and-wales,
    /// scotland, northern-ireland). Each year in the file replaces the
    /// computed holidays of that division and year. All or nothing.
    Import { file: std::path::PathBuf },
    /// Add an organisation closure day (not a working day in any calendar).
    Close {
        #[arg(long)]
        date: String,
        #[arg(long)]
        title: String,
    },
    /// Remove a closure day.
    Reopen {
        #[arg(long)]
        date: String,
    },
    /// Choose the calendar for the organisation, or for one team.
    Use {
        /// england-and-wales, scotland or northern-ireland; with --team, "organisation" to follow the organisation's.
        #[arg(long)]
        calendar: String,
        #[arg(long)]
        team: Option<String>,
    },
}

#[derive(Debug, Subcommand)]
enum TokenCommand {
    /// Create an API token for a user and print it (only it) on standard output.
    Create {
        #[arg(long)]
        email: String,
    },
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
pub async fn open_store(url: &str) -> anyhow::Result<Arc<dyn Store>> {
    if url.starts_with("sqlite:") {
        let store = caseload_sqlite::SqliteStore::connect(url)
            .await
            .with_context(|| format!("cannot open the SQLite database {url}"))?;
        Ok(Arc::new(store))
    } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        let store = caseload_postgres::PgStore::connect(url)
            .await
            .context("cannot connect to the PostgreSQL database (check the URL, the server and the credentials)")?;
        Ok(Arc::new(store))
    } else {
        bail!("unsupported database URL {url:?}: use sqlite:FILE or postgres://USER@HOST/DB")
    }
}

async fn migrated_store(url: &str) -> anyhow::Result<Arc<dyn Store>> {
    let store = open_store(url).await?;
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
    match cli.command {
        Command::Init => {
            migrated_store(&cli.database).await?;
            eprintln!("caseload: database {} is ready", cli.database);
            Ok(())
        }
        Command::Serve(args) => {
            let store = migrated_store(&cli.database).await?;
            serve(store, &args).await
        }
        Command::User {
            command:
                UserCommand::Add {
                    email,
                    name,
                    role,
                    team,
                    password_stdin,
                },
        } => {
            let store = migrated_store(&cli.database).await?;
            let password = if password_stdin || std::io::stdin().is_terminal() {
                let p = read_password(password_stdin)?;
                caseload_domain::passwords::check(&p, &email, &name)
                    .map_err(|m| anyhow::anyhow!("the password {m}"))?;
                Some(p)
            } else {
                None
            };
            let user = add_user(store.as_ref(), &email, &name, &role, team.as_deref()).await?;
            match password {
                Some(p) => set_password(store.as_ref(), &user, &p).await?,
                None => eprintln!(
                    "caseload: {} has no password yet: set one with `caseload user passwd`",
                    user.email
                ),
            }
            println!("{}", user.id);
            Ok(())
        }
        Command::User {
            command:
                UserCommand::Passwd {
                    email,
                    password_stdin,
                },
        } => {
            let store = migrated_store(&cli.database).await?;
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
            set_password(store.as_ref(), &user, &p).await?;
            store
                .revoke_user_sessions(&user.id, jiff::Timestamp::now())
                .await?;
            eprintln!("caseload: password set for {}", user.email);
            Ok(())
        }
        Command::Token {
            command: TokenCommand::Create { email },
        } => {
            let store = migrated_store(&cli.database).await?;
            let token = create_token(store.as_ref(), &email).await?;
            println!("{token}");
            Ok(())
        }
        Command::Deadline {
            rule,
            from,
            calendar,
            pause,
            deadline_catalogue,
        } => {
            let calendar = parse_calendar(&calendar)?;
            let from = parse_date("--from", &from)?;
            let pauses = pause
                .iter()
                .map(|p| {
                    let (a, b) = p.split_once("..").with_context(|| {
                        format!("--pause {p:?} must be FROM..TO, e.g. 2026-03-01..2026-03-15")
                    })?;
                    Ok(caseload_domain::deadlines::Pause {
                        from: parse_date("--pause", a)?,
                        to: parse_date("--pause", b)?,
                    })
                })
                .collect::<anyhow::Result<Vec<_>>>()?;
            let catalogue = load_catalogue(deadline_catalogue.as_deref())?;
            let rule = catalogue.get(&rule)?;
            let c = caseload_domain::deadlines::compute(rule, from, &calendar, &pauses)?;
            println!("{}", c.due);
            println!("{} ({})", rule.name, calendar.division.label());
            for step in &c.explanation {
                println!("  {step}");
            }
            println!("Source: {}", rule.source);
            Ok(())
        }
        Command::Timescales { command } => timescales_command(&cli.database, command).await,
        Command::Policy {
            command: PolicyCommand::Check { file },
        } => {
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
        Command::Policy {
            command: PolicyCommand::Import { file },
        } => {
            let store = migrated_store(&cli.database).await?;
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
        Command::Policy {
            command: PolicyCommand::Export { id, version },
        } => {
            let store = migrated_store(&cli.database).await?;
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
        Command::Reevaluate => {
            let store = migrated_store(&cli.database).await?;
            let state = AppState::new(store.clone(), Arc::new(SystemClock), Settings::default());
            let done = caseload_web::reevaluation::everything(&state)
                .await
                .map_err(|e| anyhow::anyhow!("re-evaluation failed: {}", e.problem().detail))?;
            println!(
                "checked {} cases; {} changed band; {} timescale alerts sent",
                done.timescales.checked, done.priorities.changed, done.timescales.alerts
            );
            Ok(())
        }
        Command::Calendar { command } => {
            let store = migrated_store(&cli.database).await?;
            calendar_command(store.as_ref(), command).await
        }
        Command::Holidays { year, calendar } => {
            let calendar = parse_calendar(&calendar)?;
            if !(caseload_domain::deadlines::EARLIEST_YEAR
                ..=caseload_domain::deadlines::LATEST_YEAR)
                .contains(&year)
            {
                bail!("--year {year} is outside 1990–2100");
            }
            for d in calendar.holidays(year) {
                println!("{d}");
            }
            Ok(())
        }
        Command::Workdays {
            from,
            add,
            calendar,
        } => {
            let calendar = parse_calendar(&calendar)?;
            let from = parse_date("--from", &from)?;
            if add.abs() > 3650 {
                bail!("--add {add} is more than ten years of working days");
            }
            println!("{}", calendar.add_working_days(from, add));
            Ok(())
        }
        Command::Demo {
            serve: and_serve,
            scale,
            seed,
            server,
        } => {
            let store = migrated_store(&cli.database).await?;
            match scale {
                Some(scale) => {
                    bulk::load(store.as_ref(), scale, seed).await?;
                }
                None => demo::load(&store, &cli.database, &server.listen).await?,
            }
            if and_serve {
                serve(store, &server).await
            } else {
                Ok(())
            }
        }
    }
}

async fn timescales_command(database: &str, command: TimescalesCommand) -> anyhow::Result<()> {
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
            let store = migrated_store(database).await?;
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
            let store = migrated_store(database).await?;
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

async fn serve(store: Arc<dyn Store>, args: &ServeArgs) -> anyhow::Result<()> {
    if args.session_idle_minutes == 0 || args.session_absolute_hours == 0 {
        bail!("--session-idle-minutes and --session-absolute-hours must be at least 1");
    }
    if jiff::tz::TimeZone::get(&args.time_zone).is_err() {
        bail!(
            "--time-zone {:?} is not a known time zone (e.g. Europe/London)",
            args.time_zone
        );
    }
    let settings = Settings {
        secure_cookies: args.secure_cookies,
        session_idle: jiff::SignedDuration::from_mins(i64::from(args.session_idle_minutes)),
        session_absolute: jiff::SignedDuration::from_hours(i64::from(args.session_absolute_hours)),
        time_zone: args.time_zone.clone(),
        kept_caseload_rows: args.kept_caseload_rows,
        ..Settings::default()
    };
    let listener = tokio::net::TcpListener::bind(&args.listen)
        .await
        .with_context(|| format!("cannot listen on {}", args.listen))?;
    let addr = listener.local_addr()?;
    let mut state = AppState::new(store, Arc::new(SystemClock), settings);
    state.deadlines = Arc::new(load_catalogue(args.deadline_catalogue.as_deref())?);
    // Re-evaluate priorities and timescales as time passes: a minute after
    // start-up (not at once, so a restart answers requests first), then at
    // the interval set.
    if args.reevaluate_every_minutes > 0 {
        let background = state.clone();
        let every = std::time::Duration::from_secs(60 * u64::from(args.reevaluate_every_minutes));
        tokio::spawn(async move {
            let mut ticks = tokio::time::interval_at(
                tokio::time::Instant::now() + std::time::Duration::from_secs(60),
                every,
            );
            loop {
                ticks.tick().await;
                match caseload_web::reevaluation::everything(&background).await {
                    Ok(done) => tracing::info!(
                        checked = done.timescales.checked,
                        changed = done.priorities.changed,
                        alerts = done.timescales.alerts,
                        "priorities and timescales re-evaluated"
                    ),
                    Err(e) => {
                        tracing::error!(error = %e.problem().detail, "re-evaluation failed")
                    }
                }
            }
        });
    }
    // Tests and scripts read this line to find the port.
    println!("Caseload listening on http://{addr}");
    std::io::stdout().flush()?;
    caseload_web::serve(listener, state)
        .await
        .context("the server stopped with an error")
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

async fn calendar_command(store: &dyn Store, command: CalendarCommand) -> anyhow::Result<()> {
    use caseload_domain::calendars::{Division, by_division_and_year, parse_official_events};
    let now = jiff::Timestamp::now();
    match command {
        CalendarCommand::Import { file } => {
            let text = std::fs::read_to_string(&file)
                .with_context(|| format!("cannot read {}", file.display()))?;
            let events = parse_official_events(&text)
                .with_context(|| format!("in {}; nothing was imported", file.display()))?;
            let days: Vec<caseload_store::ImportedHoliday> = events
                .iter()
                .map(|e| caseload_store::ImportedHoliday {
                    division: e.division.as_str().to_owned(),
                    day: e.date,
                    title: e.title.clone(),
                })
                .collect();
            let parsed = by_division_and_year(&events);
            let count = store.import_holidays(&days, now).await?;
            for (division, years) in &parsed {
                let first = years.keys().next().copied().unwrap_or_default();
                let last = years.keys().last().copied().unwrap_or_default();
                eprintln!(
                    "caseload: {}: {} holidays for {first}–{last}",
                    division.label(),
                    years.values().map(|d| d.len()).sum::<usize>()
                );
            }
            println!("{count}");
            Ok(())
        }
        CalendarCommand::Close { date, title } => {
            let day = parse_date("--date", &date)?;
            let title = single_line("--title", &title, limits::TITLE)
                .map_err(|e| anyhow::anyhow!("{} {}", e.field, e.message))?;
            store.add_closure_day(day, &title, now).await?;
            eprintln!("caseload: {day} is now a closure day ({title})");
            Ok(())
        }
        CalendarCommand::Reopen { date } => {
            let day = parse_date("--date", &date)?;
            store
                .remove_closure_day(day)
                .await
                .with_context(|| format!("{day} is not a closure day"))?;
            eprintln!("caseload: {day} is no longer a closure day");
            Ok(())
        }
        CalendarCommand::Use {
            calendar,
            team: None,
        } => {
            let division = Division::parse(&calendar).with_context(|| format!("--calendar {calendar:?} is not a calendar: use england-and-wales, scotland or northern-ireland"))?;
            store
                .set_setting("calendar", division.as_str(), now)
                .await?;
            eprintln!(
                "caseload: the organisation counts working days in the {} calendar",
                division.label()
            );
            Ok(())
        }
        CalendarCommand::Use {
            calendar,
            team: Some(team),
        } => {
            let found = store
                .find_team_by_name(&team)
                .await?
                .with_context(|| format!("no team called {team:?}"))?;
            let value = if calendar == "organisation" {
                None
            } else {
                Some(Division::parse(&calendar).with_context(|| format!("--calendar {calendar:?} is not a calendar: use england-and-wales, scotland, northern-ireland or organisation"))?)
            };
            store
                .set_team_calendar(&found.id, value.map(|d| d.as_str()))
                .await?;
            eprintln!(
                "caseload: team {team:?} now follows {}",
                value
                    .map(|d| d.label())
                    .unwrap_or("the organisation's calendar")
            );
            Ok(())
        }
    }
}

/// The shipped deadline catalogue, or an organisation's own file.
fn load_catalogue(
    path: Option<&std::path::Path>,
) -> anyhow::Result<caseload_domain::deadlines::Catalogue> {
    match path {
        None => Ok(caseload_domain::deadlines::Catalogue::shipped()),
        Some(p) => {
            let text = std::fs::read_to_string(p)
                .with_context(|| format!("cannot read the deadline catalogue {}", p.display()))?;
            caseload_domain::deadlines::Catalogue::parse(&text)
                .with_context(|| format!("in {}", p.display()))
        }
    }
}

fn parse_calendar(name: &str) -> anyhow::Result<caseload_domain::calendars::Calendar> {
    let division = caseload_domain::calendars::Division::parse(name)
        .with_context(|| format!("--calendar {name:?} is not a calendar: use england-and-wales, scotland or northern-ireland"))?;
    Ok(caseload_domain::calendars::Calendar::new(division))
}

fn parse_date(flag: &str, value: &str) -> anyhow::Result<jiff::civil::Date> {
    value
        .trim()
        .parse()
        .map_err(|_| anyhow::anyhow!("{flag} {value:?} is not a date: use YYYY-MM-DD"))
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
