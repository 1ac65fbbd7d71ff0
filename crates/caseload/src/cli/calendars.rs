//! `caseload calendar`: the organisation's working-day calendars — the
//! official bank holidays, closure days, and which calendar each team counts in.

use anyhow::Context;
use caseload_domain::text::{limits, single_line};
use caseload_store::Store;
use clap::Subcommand;

use super::parse_date;

#[derive(Debug, Subcommand)]
pub enum CalendarCommand {
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

pub async fn run(store: &dyn Store, command: CalendarCommand) -> anyhow::Result<()> {
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
