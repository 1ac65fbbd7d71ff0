//! The settings' precedence, their errors, and that secrets stay hidden.

#![allow(clippy::unwrap_used)]

use std::collections::HashMap;
use std::path::Path;

use super::*;

/// Settings from a file's text, an environment and flags.
fn load(
    file: Option<&str>,
    env: &[(&str, &str)],
    flags: &[(&'static str, &str)],
) -> anyhow::Result<Settings> {
    let env: HashMap<String, String> = env
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect();
    let lookup = move |name: &str| env.get(name).cloned();
    let flags: Vec<(&'static str, String)> =
        flags.iter().map(|(k, v)| (*k, (*v).to_owned())).collect();
    Settings::from_sources(&Sources {
        file: file.map(|text| (Path::new("/etc/caseload/caseload.toml"), text)),
        env: &lookup,
        flags: &flags,
    })
}

fn error(result: anyhow::Result<Settings>) -> String {
    format!("{:#}", result.unwrap_err())
}

#[test]
fn with_nothing_given_every_setting_is_its_default_and_the_web_layer_gets_its_own_defaults() {
    let s = load(None, &[], &[]).unwrap();
    assert_eq!(s.database.expose(), "sqlite:caseload.db");
    assert_eq!(s.listen, "127.0.0.1:8080");
    assert_eq!(s.reevaluate_every_minutes, 60);
    assert_eq!(s.deadline_catalogue, None);
    let web = caseload_web::Settings::default();
    assert_eq!(s.web.secure_cookies, web.secure_cookies);
    assert_eq!(s.web.session_idle, web.session_idle);
    assert_eq!(s.web.session_absolute, web.session_absolute);
    assert_eq!(s.web.time_zone, web.time_zone);
    assert_eq!(s.web.kept_caseload_rows, web.kept_caseload_rows);
    assert_eq!(s.web.body_limit, web.body_limit);
}

#[test]
fn a_flag_beats_the_environment_which_beats_the_file_which_beats_the_default() {
    let file = Some("listen = \"10.0.0.1:1\"\nsession_idle_minutes = 5\n");
    let env = [
        ("CASELOAD_LISTEN", "10.0.0.2:2"),
        ("CASELOAD_SESSION_IDLE_MINUTES", "6"),
    ];
    let flags = [("listen", "10.0.0.3:3"), ("session_idle_minutes", "7")];

    let all = load(file, &env, &flags).unwrap();
    assert_eq!(all.listen, "10.0.0.3:3");
    assert_eq!(all.web.session_idle, jiff::SignedDuration::from_mins(7));

    let no_flags = load(file, &env, &[]).unwrap();
    assert_eq!(no_flags.listen, "10.0.0.2:2");
    assert_eq!(
        no_flags.web.session_idle,
        jiff::SignedDuration::from_mins(6)
    );

    let file_only = load(file, &[], &[]).unwrap();
    assert_eq!(file_only.listen, "10.0.0.1:1");
    assert_eq!(
        file_only.web.session_idle,
        jiff::SignedDuration::from_mins(5)
    );

    // Each source sets only what it names; the rest falls through.
    let mixed = load(file, &[("CASELOAD_LISTEN", "10.0.0.2:2")], &[]).unwrap();
    assert_eq!(mixed.listen, "10.0.0.2:2");
    assert_eq!(mixed.web.session_idle, jiff::SignedDuration::from_mins(5));
    assert_eq!(mixed.web.time_zone, "Europe/London");
}

#[test]
fn every_setting_can_be_given_in_each_place_under_its_own_name() {
    for setting in SETTINGS {
        let value = match setting.key {
            "database_url" => "sqlite:other.db",
            "listen" => "0.0.0.0:9",
            "secure_cookies" => "true",
            "time_zone" => "America/New_York",
            "deadline_catalogue" => "mine.toml",
            "metrics_token" => "a-scrapers-token-0123456789",
            "trusted_proxies" => "10.0.0.3",
            // Its default is 3.
            "sqlite_busy_timeout_seconds" => "4",
            _ => "3",
        };
        let file = format!("{} = {:?}\n", setting.key, value);
        let from_file = load(Some(file.as_str()), &[], &[]).unwrap();
        let from_env = load(None, &[(setting.env, value)], &[]).unwrap();
        let from_flag = load(None, &[], &[(setting.key, value)]).unwrap();
        let default = load(None, &[], &[]).unwrap();
        for (source, s) in [("file", from_file), ("env", from_env), ("flag", from_flag)] {
            assert_eq!(
                format!("{s:?}"),
                format!("{:?}", load(None, &[], &[(setting.key, value)]).unwrap()),
                "{} from the {source}",
                setting.key
            );
            assert_ne!(
                format!("{s:?}"),
                format!("{default:?}"),
                "{} from the {source} changed nothing",
                setting.key
            );
        }
    }
}

#[test]
fn an_unknown_key_in_the_file_is_an_error_naming_the_key_and_the_file() {
    let e = error(load(
        Some("listen = \"127.0.0.1:1\"\nlisten_adress = \"x\"\n"),
        &[],
        &[],
    ));
    assert!(e.contains("unknown setting \"listen_adress\""), "{e}");
    assert!(e.contains("/etc/caseload/caseload.toml"), "{e}");
}

#[test]
fn a_file_that_is_not_toml_is_an_error_naming_the_file() {
    let e = error(load(Some("listen = \n"), &[], &[]));
    assert!(
        e.contains("/etc/caseload/caseload.toml is not valid TOML"),
        "{e}"
    );
}

#[test]
fn a_bad_value_names_the_key_and_where_it_came_from() {
    let e = error(load(Some("session_idle_minutes = \"soon\"\n"), &[], &[]));
    assert!(
        e.contains(
            "session_idle_minutes in /etc/caseload/caseload.toml: \"soon\" is not a whole number"
        ),
        "{e}"
    );
    let e = error(load(None, &[("CASELOAD_SESSION_ABSOLUTE_HOURS", "0")], &[]));
    assert!(
        e.contains("CASELOAD_SESSION_ABSOLUTE_HOURS in the environment: \"0\" must be at least 1"),
        "{e}"
    );
    let e = error(load(None, &[], &[("time_zone", "Mars/Olympus")]));
    assert!(
        e.contains("--time-zone: \"Mars/Olympus\" is not a known time zone"),
        "{e}"
    );
    let e = error(load(Some("secure_cookies = \"sometimes\"\n"), &[], &[]));
    assert!(
        e.contains("secure_cookies in /etc/caseload/caseload.toml"),
        "{e}"
    );
    let e = error(load(Some("listen = [1, 2]\n"), &[], &[]));
    assert!(e.contains("listen in /etc/caseload/caseload.toml"), "{e}");
}

#[test]
fn a_bad_value_in_a_source_that_is_overridden_is_not_read() {
    let s = load(
        Some("session_idle_minutes = \"soon\"\n"),
        &[("CASELOAD_SESSION_IDLE_MINUTES", "9")],
        &[],
    )
    .unwrap();
    assert_eq!(s.web.session_idle, jiff::SignedDuration::from_mins(9));
}

#[test]
fn a_database_password_is_shown_as_stars() {
    for (url, shown) in [
        (
            "postgres://caseload:hunter2@db.internal:5432/caseload",
            "postgres://caseload:***@db.internal:5432/caseload",
        ),
        (
            "postgresql://caseload:hun:ter@2@db/caseload?sslmode=require",
            "postgresql://caseload:***@db/caseload?sslmode=require",
        ),
        (
            "postgres://db/caseload?user=caseload&password=hunter2&sslmode=require",
            "postgres://db/caseload?user=caseload&password=***&sslmode=require",
        ),
        (
            "postgres://caseload@db/caseload",
            "postgres://caseload@db/caseload",
        ),
        ("sqlite:caseload.db", "sqlite:caseload.db"),
    ] {
        let url = DatabaseUrl::new(url);
        assert_eq!(url.to_string(), shown);
        assert_eq!(format!("{url:?}"), format!("DatabaseUrl({shown:?})"));
    }
}

#[test]
fn the_debug_form_of_the_whole_settings_never_contains_the_password() {
    let url = "postgres://caseload:hunter2@db/caseload?password=hunter2";
    for s in [
        load(None, &[], &[("database_url", url)]).unwrap(),
        load(None, &[("CASELOAD_DATABASE_URL", url)], &[]).unwrap(),
        load(Some(format!("database_url = {url:?}\n").as_str()), &[], &[]).unwrap(),
    ] {
        assert_eq!(s.database.expose(), url);
        for printed in [format!("{s:?}"), format!("{s:#?}")] {
            assert!(!printed.contains("hunter2"), "{printed}");
            assert!(
                printed.contains("postgres://caseload:***@db/caseload"),
                "{printed}"
            );
        }
    }
}

#[test]
fn serve_help_documents_every_setting_it_takes_as_the_example_file_does() {
    use clap::CommandFactory;
    let mut cli = crate::Cli::command();
    // Built, as when run, so that the global flags reach `serve` too.
    cli.build();
    let help = cli
        .find_subcommand_mut("serve")
        .unwrap()
        .render_long_help()
        .to_string();
    let example = example_file();
    for setting in SETTINGS
        .iter()
        .filter(|s| s.commands & (SERVER | GLOBAL) != 0)
    {
        let default = setting.default.unwrap_or("none");
        for said in [
            format!("--{}", setting.flag),
            setting.doc.to_owned(),
            format!("[default: {default}]"),
            format!("[env: {}]", setting.env),
            format!("[file: {}]", setting.key),
        ] {
            assert!(help.contains(&said), "serve --help lacks {said:?}:\n{help}");
        }
        // The example's comments as running text, wrapped lines joined.
        let flat = example
            .lines()
            .map(|l| l.strip_prefix("# ").unwrap_or(l))
            .collect::<Vec<_>>()
            .join(" ");
        for said in [
            setting.doc.to_owned(),
            format!("Flag --{}, environment {}.", setting.flag, setting.env),
            format!("#{} = ", setting.key),
        ] {
            assert!(flat.contains(&said), "the example file lacks {said:?}");
        }
    }
}

#[test]
fn the_example_file_is_what_the_settings_say_and_loads_as_the_defaults() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/caseload.example.toml");
    let expected = example_file();
    if std::env::var_os("CASELOAD_WRITE_EXAMPLE").is_some() {
        std::fs::write(&path, &expected).unwrap();
    }
    let actual = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        actual == expected,
        "docs/caseload.example.toml is out of date: run \
         `CASELOAD_WRITE_EXAMPLE=1 cargo test -p caseload settings` to rewrite it"
    );
    // Uncommented, every line is a valid setting at its default.
    let uncommented: String = expected
        .lines()
        .filter_map(|l| l.strip_prefix('#'))
        .filter(|l| l.contains(" = "))
        .map(|l| format!("{l}\n"))
        .collect();
    let with_example = load(Some(&uncommented), &[], &[]).unwrap();
    let default = load(None, &[], &[]).unwrap();
    assert_eq!(
        format!(
            "{:?}",
            Settings {
                deadline_catalogue: None,
                ..with_example
            }
        ),
        format!("{default:?}")
    );
}

#[test]
fn a_metrics_token_is_off_by_default_never_printed_and_must_be_long_enough() {
    assert!(load(None, &[], &[]).unwrap().web.metrics_token.is_none());
    let set = load(
        None,
        &[("CASELOAD_METRICS_TOKEN", "a-scrapers-token-0123456789")],
        &[],
    )
    .unwrap();
    assert_eq!(
        set.web.metrics_token.as_ref().map(|t| t.expose()),
        Some("a-scrapers-token-0123456789")
    );
    assert!(!format!("{set:?}").contains("a-scrapers-token"));
    let short = error(load(Some("metrics_token = \"short\"\n"), &[], &[]));
    assert!(short.contains("metrics_token in"), "{short}");
    assert!(short.contains("at least 16 characters"), "{short}");
    assert!(!short.contains("short\""), "the token was printed: {short}");
}

#[test]
fn trusted_proxies_are_a_list_of_addresses_and_a_bad_one_is_named() {
    assert!(load(None, &[], &[]).unwrap().web.trusted_proxies.is_empty());
    let set = load(
        Some("trusted_proxies = \"10.0.0.1, ::ffff:10.0.0.2 ,2001:db8::1\"\n"),
        &[],
        &[],
    )
    .unwrap();
    let want: Vec<std::net::IpAddr> = ["10.0.0.1", "10.0.0.2", "2001:db8::1"]
        .iter()
        .map(|a| a.parse().unwrap())
        .collect();
    assert_eq!(set.web.trusted_proxies, want);
    let bad = error(load(
        None,
        &[("CASELOAD_TRUSTED_PROXIES", "10.0.0.1, proxy.local")],
        &[],
    ));
    assert!(bad.contains("CASELOAD_TRUSTED_PROXIES"), "{bad}");
    assert!(
        bad.contains("\"proxy.local\" is not an IP address"),
        "{bad}"
    );
}
