//! The operator's settings. Each is defined once, in [`SETTINGS`]: its key in
//! the settings file, its flag, its `CASELOAD_*` environment variable, its
//! default and what it does. They are read in order of precedence, later
//! winning: the default, the settings file (`caseload.toml` in the working
//! directory if there is one, or the file named by `--config` or
//! `CASELOAD_CONFIG`), the environment, then the flags. The flags' help and
//! `docs/caseload.example.toml` are both written from the same list (a test
//! keeps the example file in step).

use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use caseload_web::Secret;
use clap::parser::ValueSource;
use clap::{Arg, ArgAction, ArgMatches};

/// Everything Caseload is configured with.
#[derive(Debug, Clone)]
pub struct Settings {
    pub database: DatabaseUrl,
    /// How long to wait on the database before answering "unavailable".
    pub database_timeouts: caseload_store::Timeouts,
    pub listen: String,
    pub reevaluate_every_minutes: u32,
    pub deadline_catalogue: Option<PathBuf>,
    /// What the web layer reads (sessions, time zone, caches).
    pub web: caseload_web::Settings,
}

/// The commands a setting is a flag of.
pub const GLOBAL: u8 = 1;
/// `serve`, and `demo` (which can go on to serve).
pub const SERVER: u8 = 2;
/// `deadline`, which computes with the deadline catalogue.
pub const DEADLINE: u8 = 4;

/// One setting, in every place it can be given.
pub struct Setting {
    /// The key in the settings file.
    pub key: &'static str,
    /// The flag, without its leading `--`.
    pub flag: &'static str,
    pub env: &'static str,
    /// What the flag's value is called in `--help`; `None` for an on/off
    /// switch, which the flag turns on.
    value_name: Option<&'static str>,
    /// `None` when unset by default.
    pub default: Option<&'static str>,
    /// What to show in the example file for a setting unset by default.
    #[cfg_attr(not(test), allow(dead_code))]
    example: &'static str,
    pub doc: &'static str,
    /// Which commands take the flag ([`GLOBAL`], [`SERVER`], [`DEADLINE`]).
    commands: u8,
    /// Printed as `***` (or with the password hidden, for a URL).
    secret: bool,
    /// Put a value into the settings, or say what is wrong with it.
    apply: fn(&mut Settings, &str) -> Result<(), String>,
}

/// Every setting. `caseload serve --help` and `docs/caseload.example.toml`
/// are written from this list.
pub const SETTINGS: &[Setting] = &[
    Setting {
        key: "database_url",
        flag: "database",
        env: "CASELOAD_DATABASE_URL",
        value_name: Some("URL"),
        default: Some("sqlite:caseload.db"),
        example: "",
        doc: "Database URL: `sqlite:FILE` (the embedded default) or `postgres://USER:PASSWORD@HOST/DB`. The password is never printed.",
        commands: GLOBAL,
        secret: true,
        apply: |s, v| {
            s.database = DatabaseUrl::new(v);
            Ok(())
        },
    },
    Setting {
        key: "database_acquire_timeout_seconds",
        flag: "database-acquire-timeout-seconds",
        env: "CASELOAD_DATABASE_ACQUIRE_TIMEOUT_SECONDS",
        value_name: Some("N"),
        default: Some("5"),
        example: "",
        doc: "Wait at most this many seconds for a database connection (every one busy, or PostgreSQL unreachable) before answering 503 \"temporarily unavailable\".",
        commands: GLOBAL,
        secret: false,
        apply: |s, v| {
            s.database_timeouts.acquire = std::time::Duration::from_secs(at_least_one(v)?.into());
            Ok(())
        },
    },
    Setting {
        key: "sqlite_busy_timeout_seconds",
        flag: "sqlite-busy-timeout-seconds",
        env: "CASELOAD_SQLITE_BUSY_TIMEOUT_SECONDS",
        value_name: Some("N"),
        default: Some("3"),
        example: "",
        doc: "SQLite: wait at most this many seconds for another process's write lock (e.g. a backup or the CLI) before answering 503.",
        commands: GLOBAL,
        secret: false,
        apply: |s, v| {
            s.database_timeouts.busy = std::time::Duration::from_secs(at_least_one(v)?.into());
            Ok(())
        },
    },
    Setting {
        key: "postgres_statement_timeout_seconds",
        flag: "postgres-statement-timeout-seconds",
        env: "CASELOAD_POSTGRES_STATEMENT_TIMEOUT_SECONDS",
        value_name: Some("N"),
        default: Some("30"),
        example: "",
        doc: "PostgreSQL: cancel any statement running longer than this many seconds (`statement_timeout`); 0 for no limit (e.g. for a large bulk load).",
        commands: GLOBAL,
        secret: false,
        apply: |s, v| {
            s.database_timeouts.statement =
                std::time::Duration::from_secs(whole_number::<u32>(v)?.into());
            Ok(())
        },
    },
    Setting {
        key: "listen",
        flag: "listen",
        env: "CASELOAD_LISTEN",
        value_name: Some("ADDR"),
        default: Some("127.0.0.1:8080"),
        example: "",
        doc: "Address to listen on.",
        commands: SERVER,
        secret: false,
        apply: |s, v| {
            s.listen = v.to_owned();
            Ok(())
        },
    },
    Setting {
        key: "secure_cookies",
        flag: "secure-cookies",
        env: "CASELOAD_SECURE_COOKIES",
        value_name: None,
        default: Some("false"),
        example: "",
        doc: "Mark the session cookie Secure: set this when Caseload is served over HTTPS.",
        commands: SERVER,
        secret: false,
        apply: |s, v| {
            s.web.secure_cookies = switch(v)?;
            Ok(())
        },
    },
    Setting {
        key: "session_idle_minutes",
        flag: "session-idle-minutes",
        env: "CASELOAD_SESSION_IDLE_MINUTES",
        value_name: Some("N"),
        default: Some("30"),
        example: "",
        doc: "Sign a browser out after this many minutes without activity.",
        commands: SERVER,
        secret: false,
        apply: |s, v| {
            s.web.session_idle = jiff::SignedDuration::from_mins(i64::from(at_least_one(v)?));
            Ok(())
        },
    },
    Setting {
        key: "session_absolute_hours",
        flag: "session-absolute-hours",
        env: "CASELOAD_SESSION_ABSOLUTE_HOURS",
        value_name: Some("N"),
        default: Some("12"),
        example: "",
        doc: "Sign a browser out this many hours after sign-in, however busy.",
        commands: SERVER,
        secret: false,
        apply: |s, v| {
            s.web.session_absolute = jiff::SignedDuration::from_hours(i64::from(at_least_one(v)?));
            Ok(())
        },
    },
    Setting {
        key: "time_zone",
        flag: "time-zone",
        env: "CASELOAD_TIME_ZONE",
        value_name: Some("TZ"),
        default: Some("Europe/London"),
        example: "",
        doc: "The organisation's time zone, for showing and entering times.",
        commands: SERVER,
        secret: false,
        apply: |s, v| {
            if jiff::tz::TimeZone::get(v).is_err() {
                return Err("is not a known time zone (e.g. Europe/London)".into());
            }
            s.web.time_zone = v.to_owned();
            Ok(())
        },
    },
    Setting {
        key: "reevaluate_every_minutes",
        flag: "reevaluate-every-minutes",
        env: "CASELOAD_REEVALUATE_EVERY_MINUTES",
        value_name: Some("N"),
        default: Some("60"),
        example: "",
        doc: "Re-evaluate priorities and timescales this often, in minutes (the first run a minute after start-up); 0 leaves it to `caseload reevaluate` run by cron or a timer.",
        commands: SERVER,
        secret: false,
        apply: |s, v| {
            s.reevaluate_every_minutes = whole_number(v)?;
            Ok(())
        },
    },
    Setting {
        key: "deadline_catalogue",
        flag: "deadline-catalogue",
        env: "CASELOAD_DEADLINE_CATALOGUE",
        value_name: Some("FILE"),
        default: None,
        example: "deadlines.toml",
        doc: "A deadline catalogue (TOML) to use instead of the shipped one.",
        commands: SERVER | DEADLINE,
        secret: false,
        apply: |s, v| {
            s.deadline_catalogue = Some(PathBuf::from(v));
            Ok(())
        },
    },
    Setting {
        key: "kept_caseload_rows",
        flag: "kept-caseload-rows",
        env: "CASELOAD_KEPT_CASELOAD_ROWS",
        value_name: Some("N"),
        default: Some("16384"),
        example: "",
        doc: "Caseload rows kept in memory for practitioners' next look at their queue, across all practitioners (about 4.5 kB each); 0 reads every queue from the database.",
        commands: SERVER,
        secret: false,
        apply: |s, v| {
            s.web.kept_caseload_rows = whole_number(v)?;
            Ok(())
        },
    },
    Setting {
        key: "api_token_days",
        flag: "api-token-days",
        env: "CASELOAD_API_TOKEN_DAYS",
        value_name: Some("N"),
        default: Some("90"),
        example: "",
        doc: "How many days a new API token lasts unless its maker asks for another lifetime (1 to 1830).",
        commands: GLOBAL,
        secret: false,
        apply: |s, v| {
            let days = whole_number(v)?;
            s.web.api_token_days =
                caseload_domain::tokens::lifetime_days("", days).map_err(|e| e.message)?;
            Ok(())
        },
    },
    Setting {
        key: "metrics_token",
        flag: "metrics-token",
        env: "CASELOAD_METRICS_TOKEN",
        value_name: Some("TOKEN"),
        default: None,
        example: "",
        doc: "Serve Prometheus metrics at /metrics to a scraper that sends `Authorization: Bearer TOKEN` (at least 16 characters, e.g. from `openssl rand -hex 32`). Unset or empty, /metrics is not served (404). Never printed.",
        commands: SERVER,
        secret: true,
        apply: |s, v| {
            let v = v.trim();
            if v.is_empty() {
                s.web.metrics_token = None;
                return Ok(());
            }
            if v.len() < 16 || v.chars().any(|c| c.is_whitespace() || c.is_control()) {
                return Err("must be at least 16 characters, without spaces".into());
            }
            s.web.metrics_token = Some(Secret::new(v));
            Ok(())
        },
    },
    Setting {
        key: "trusted_proxies",
        flag: "trusted-proxies",
        env: "CASELOAD_TRUSTED_PROXIES",
        value_name: Some("ADDRESSES"),
        default: None,
        example: "",
        doc: "The reverse proxies in front of Caseload, as IP addresses separated by commas: for a request from one of them, the client's address (for the sign-in throttle and the log) is read from X-Forwarded-For. Unset, the connection's peer is the client and X-Forwarded-For is ignored. Behind a proxy, set it, or every sign-in counts as from one address.",
        commands: SERVER,
        secret: false,
        apply: |s, v| {
            s.web.trusted_proxies = v
                .split(',')
                .map(str::trim)
                .filter(|a| !a.is_empty())
                .map(|a| {
                    a.parse::<std::net::IpAddr>()
                        .map(caseload_web::client_address::canonical)
                        .map_err(|_| format!("{a:?} is not an IP address"))
                })
                .collect::<Result<_, _>>()?;
            Ok(())
        },
    },
];

fn whole_number<T: std::str::FromStr>(v: &str) -> Result<T, String> {
    v.trim()
        .parse()
        .map_err(|_| "is not a whole number in range".to_owned())
}

fn at_least_one(v: &str) -> Result<u32, String> {
    match whole_number(v)? {
        0 => Err("must be at least 1".into()),
        n => Ok(n),
    }
}

fn switch(v: &str) -> Result<bool, String> {
    match v.trim().to_ascii_lowercase().as_str() {
        "true" | "yes" | "on" | "1" => Ok(true),
        "false" | "no" | "off" | "0" => Ok(false),
        _ => Err("is not true or false".into()),
    }
}

/// Where a setting's value came from, to say so when it is wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Source {
    Default,
    File(PathBuf),
    Environment,
    Flag,
}

impl Setting {
    fn place(&self, source: &Source) -> String {
        match source {
            Source::Default => "the default".to_owned(),
            Source::File(path) => format!("{} in {}", self.key, path.display()),
            Source::Environment => format!("{} in the environment", self.env),
            Source::Flag => format!("--{}", self.flag),
        }
    }

    /// A value as it may be printed: a URL with its password hidden, any
    /// other secret as `***`.
    fn shown(&self, value: &str) -> String {
        if self.secret && self.key != "database_url" {
            "***".to_owned()
        } else if self.secret {
            redacted(value)
        } else {
            value.to_owned()
        }
    }

    /// The flag, for the commands that take it; `global` for those on
    /// every command.
    fn arg(&self, global: bool) -> Arg {
        let default = match self.default {
            Some(d) => format!("[default: {d}]"),
            None => "[default: none]".to_owned(),
        };
        let help = format!(
            "{} {default} [env: {}] [file: {}]",
            self.doc, self.env, self.key
        );
        let arg = Arg::new(self.key).long(self.flag).help(help).global(global);
        match self.value_name {
            Some(name) => arg.value_name(name).action(ArgAction::Set),
            None => arg.action(ArgAction::SetTrue),
        }
    }
}

/// The settings given as flags to one command: `Flags<SERVER>` is flattened
/// into `serve` and `demo`, and so on. Kept as text, to be read with the
/// other sources by [`Settings::load`].
#[derive(Debug, Clone, Default)]
pub struct Flags<const COMMANDS: u8> {
    pub given: Vec<(&'static str, String)>,
}

fn of_commands(commands: u8) -> impl Iterator<Item = &'static Setting> {
    SETTINGS.iter().filter(move |s| s.commands & commands != 0)
}

impl<const COMMANDS: u8> clap::FromArgMatches for Flags<COMMANDS> {
    fn from_arg_matches(matches: &ArgMatches) -> Result<Self, clap::Error> {
        let mut given = Vec::new();
        for setting in of_commands(COMMANDS) {
            if matches.value_source(setting.key) != Some(ValueSource::CommandLine) {
                continue;
            }
            let value = match setting.value_name {
                None => "true".to_owned(),
                Some(_) => matches
                    .get_one::<String>(setting.key)
                    .cloned()
                    .unwrap_or_default(),
            };
            given.push((setting.key, value));
        }
        Ok(Flags { given })
    }

    fn update_from_arg_matches(&mut self, matches: &ArgMatches) -> Result<(), clap::Error> {
        *self = Self::from_arg_matches(matches)?;
        Ok(())
    }
}

impl<const COMMANDS: u8> clap::Args for Flags<COMMANDS> {
    fn augment_args(cmd: clap::Command) -> clap::Command {
        of_commands(COMMANDS).fold(cmd, |cmd, s| cmd.arg(s.arg(COMMANDS == GLOBAL)))
    }

    fn augment_args_for_update(cmd: clap::Command) -> clap::Command {
        Self::augment_args(cmd)
    }
}

/// The settings file used when none is named, if it exists.
pub const DEFAULT_FILE: &str = "caseload.toml";

/// Where settings come from, apart from their defaults.
pub struct Sources<'a> {
    /// The settings file: its path (for messages) and text.
    pub file: Option<(&'a Path, &'a str)>,
    /// Looks up an environment variable.
    pub env: &'a dyn Fn(&str) -> Option<String>,
    /// The flags given, by setting key.
    pub flags: &'a [(&'static str, String)],
}

impl Settings {
    /// Read the settings: `config` (or `./caseload.toml` if there is one),
    /// then the process environment, then `flags`.
    pub fn load(config: Option<&Path>, flags: &[(&'static str, String)]) -> anyhow::Result<Self> {
        let default = Path::new(DEFAULT_FILE);
        let path = match config {
            Some(p) => Some(p),
            None if default.is_file() => Some(default),
            None => None,
        };
        let text = match path {
            Some(p) => Some(
                std::fs::read_to_string(p)
                    .with_context(|| format!("cannot read the settings file {}", p.display()))?,
            ),
            None => None,
        };
        // An empty variable counts as unset, as `CASELOAD_LISTEN=` in a
        // service manager's file usually means.
        let env = |name: &str| std::env::var(name).ok().filter(|v| !v.is_empty());
        Self::from_sources(&Sources {
            file: path.zip(text.as_deref()),
            env: &env,
            flags,
        })
    }

    pub fn from_sources(sources: &Sources<'_>) -> anyhow::Result<Self> {
        let file = match sources.file {
            Some((path, text)) => file_values(path, text)?,
            None => Vec::new(),
        };
        let mut settings = Settings {
            database: DatabaseUrl::new(""),
            database_timeouts: caseload_store::Timeouts::default(),
            listen: String::new(),
            reevaluate_every_minutes: 0,
            deadline_catalogue: None,
            web: caseload_web::Settings::default(),
        };
        for setting in SETTINGS {
            let from_flag = sources
                .flags
                .iter()
                .rev()
                .find(|(key, _)| *key == setting.key)
                .map(|(_, v)| (v.clone(), Source::Flag));
            let chosen = from_flag
                .or_else(|| (sources.env)(setting.env).map(|v| (v, Source::Environment)))
                .or_else(|| {
                    file.iter()
                        .find(|(key, _)| *key == setting.key)
                        .map(|(_, v)| (v.clone(), Source::File(sources.file_path())))
                })
                .or_else(|| setting.default.map(|d| (d.to_owned(), Source::Default)));
            let Some((value, source)) = chosen else {
                continue;
            };
            if let Err(problem) = (setting.apply)(&mut settings, &value) {
                bail!(
                    "{}: {:?} {problem}",
                    setting.place(&source),
                    setting.shown(&value)
                );
            }
        }
        Ok(settings)
    }
}

impl Sources<'_> {
    fn file_path(&self) -> PathBuf {
        self.file.map(|(p, _)| p.to_path_buf()).unwrap_or_default()
    }
}

/// The settings file's values as text, by setting key. Unknown keys, and
/// values that are not a string, number or true/false, are errors naming
/// the key and the file.
fn file_values(path: &Path, text: &str) -> anyhow::Result<Vec<(&'static str, String)>> {
    let table: toml::Table = text
        .parse()
        .with_context(|| format!("the settings file {} is not valid TOML", path.display()))?;
    let mut values = Vec::new();
    for (key, value) in table {
        let Some(setting) = SETTINGS.iter().find(|s| s.key == key) else {
            bail!(
                "unknown setting {key:?} in {}: the settings are {}",
                path.display(),
                SETTINGS
                    .iter()
                    .map(|s| s.key)
                    .collect::<Vec<_>>()
                    .join(", ")
            );
        };
        let text = match value {
            toml::Value::String(s) => s,
            toml::Value::Integer(n) => n.to_string(),
            toml::Value::Boolean(b) => b.to_string(),
            _ => bail!(
                "{key} in {}: give a string, a whole number or true/false",
                path.display()
            ),
        };
        values.push((setting.key, text));
    }
    Ok(values)
}

/// A database URL, whose password is a secret: printed (by `Display` and
/// `Debug` alike) as `postgres://user:***@host/db`.
#[derive(Clone)]
pub struct DatabaseUrl(Secret);

impl DatabaseUrl {
    pub fn new(url: impl Into<String>) -> Self {
        DatabaseUrl(Secret::new(url))
    }

    /// The whole URL, password and all: only for connecting.
    pub fn expose(&self) -> &str {
        self.0.expose()
    }
}

impl std::fmt::Display for DatabaseUrl {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&redacted(self.expose()))
    }
}

impl std::fmt::Debug for DatabaseUrl {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("DatabaseUrl")
            .field(&redacted(self.expose()))
            .finish()
    }
}

/// A URL with the password (in `user:password@` or a `password=` query
/// parameter, both of which PostgreSQL accepts) replaced by `***`.
fn redacted(url: &str) -> String {
    let Some(scheme_end) = url.find("://").map(|i| i + 3) else {
        return url.to_owned();
    };
    let authority_end = url[scheme_end..]
        .find(['/', '?', '#'])
        .map_or(url.len(), |i| scheme_end + i);
    let authority = &url[scheme_end..authority_end];
    let mut out = url[..scheme_end].to_owned();
    match authority.rfind('@') {
        Some(at) => {
            let user = &authority[..at];
            match user.find(':') {
                Some(colon) => {
                    out.push_str(&user[..colon]);
                    out.push_str(":***");
                }
                None => out.push_str(user),
            }
            out.push_str(&authority[at..]);
        }
        None => out.push_str(authority),
    }
    let rest = &url[authority_end..];
    match rest.split_once('?') {
        None => out.push_str(rest),
        Some((path, query)) => {
            out.push_str(path);
            out.push('?');
            let params: Vec<String> = query
                .split('&')
                .map(|param| match param.split_once('=') {
                    Some((k, _)) if k.to_ascii_lowercase().contains("password") => {
                        format!("{k}=***")
                    }
                    _ => param.to_owned(),
                })
                .collect();
            out.push_str(&params.join("&"));
        }
    }
    out
}

/// The example settings file, `docs/caseload.example.toml`: every setting,
/// commented out at its default, with what it does. (Written and checked
/// by a test.)
#[cfg(test)]
pub fn example_file() -> String {
    let mut out = String::from(
        "# Caseload's settings file: copy it to caseload.toml in the directory\n\
         # Caseload runs in (or name it with --config FILE or CASELOAD_CONFIG) and\n\
         # uncomment what you change. Every setting is optional.\n\
         #\n\
         # Precedence, later winning: the default shown here, this file, the\n\
         # CASELOAD_* environment variable, the command-line flag. A key that is\n\
         # not listed here is an error.\n\
         #\n\
         # Written from crates/caseload/src/settings.rs, where each setting is\n\
         # defined once; a test keeps the two the same.\n",
    );
    for setting in SETTINGS {
        out.push('\n');
        for line in wrapped(setting.doc, 76) {
            out.push_str("# ");
            out.push_str(&line);
            out.push('\n');
        }
        out.push_str(&format!(
            "# Flag --{}, environment {}.\n",
            setting.flag, setting.env
        ));
        let value = setting.default.unwrap_or(setting.example);
        let literal = if setting.value_name.is_none() || value.parse::<i64>().is_ok() {
            value.to_owned()
        } else {
            format!("{value:?}")
        };
        out.push_str(&format!("#{} = {literal}\n", setting.key));
    }
    out
}

#[cfg(test)]
fn wrapped(text: &str, width: usize) -> Vec<String> {
    let mut lines = vec![String::new()];
    for word in text.split_whitespace() {
        let line = lines.last_mut().expect("there is always a line");
        if !line.is_empty() && line.len() + 1 + word.len() > width {
            lines.push(word.to_owned());
        } else {
            if !line.is_empty() {
                line.push(' ');
            }
            line.push_str(word);
        }
    }
    lines
}

#[cfg(test)]
mod tests;
