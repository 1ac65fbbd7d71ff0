//! The commands, one module per thing they work on; `main` parses the
//! command line and hands each command to its module.

pub mod calendars;
pub mod deadlines;
pub mod policies;
pub mod serve;
pub mod timescales;
pub mod tokens;
pub mod users;

/// A date given on the command line, named by its flag when it is wrong.
pub fn parse_date(flag: &str, value: &str) -> anyhow::Result<jiff::civil::Date> {
    value
        .trim()
        .parse()
        .map_err(|_| anyhow::anyhow!("{flag} {value:?} is not a date: use YYYY-MM-DD"))
}
