//! `caseload deadline`, `holidays` and `workdays`: statutory deadlines and
//! working days, computed without a database.

use anyhow::{Context, bail};

use super::parse_date;

/// `caseload deadline`: the due date alone on the first line, then how it
/// was reached.
pub fn deadline(
    rule: &str,
    from: &str,
    calendar: &str,
    pause: &[String],
    catalogue: Option<&std::path::Path>,
) -> anyhow::Result<()> {
    let calendar = parse_calendar(calendar)?;
    let from = parse_date("--from", from)?;
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
    let catalogue = load_catalogue(catalogue)?;
    let rule = catalogue.get(rule)?;
    let c = caseload_domain::deadlines::compute(rule, from, &calendar, &pauses)?;
    println!("{}", c.due);
    println!("{} ({})", rule.name, calendar.division.label());
    for step in &c.explanation {
        println!("  {step}");
    }
    println!("Source: {}", rule.source);
    Ok(())
}

/// `caseload holidays`: a year's bank holidays, one ISO date a line.
pub fn holidays(year: i16, calendar: &str) -> anyhow::Result<()> {
    let calendar = parse_calendar(calendar)?;
    if !(caseload_domain::deadlines::EARLIEST_YEAR..=caseload_domain::deadlines::LATEST_YEAR)
        .contains(&year)
    {
        bail!("--year {year} is outside 1990–2100");
    }
    for d in calendar.holidays(year) {
        println!("{d}");
    }
    Ok(())
}

/// `caseload workdays`: a date moved by a number of working days.
pub fn workdays(from: &str, add: i32, calendar: &str) -> anyhow::Result<()> {
    let calendar = parse_calendar(calendar)?;
    let from = parse_date("--from", from)?;
    if add.abs() > 3650 {
        bail!("--add {add} is more than ten years of working days");
    }
    println!("{}", calendar.add_working_days(from, add));
    Ok(())
}

/// The shipped deadline catalogue, or an organisation's own file.
pub fn load_catalogue(
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
