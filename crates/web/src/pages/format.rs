//! Dates and times as people in the UK read them, in the organisation's
//! time zone (Europe/London unless configured).

use jiff::Timestamp;
use jiff::civil::Date;
use jiff::tz::TimeZone;

pub fn zone(name: &str) -> TimeZone {
    TimeZone::get(name).unwrap_or(TimeZone::UTC)
}

/// "Mon 2 Mar 2026, 14:30" (`caseload_domain::dates`: one style everywhere).
pub fn when(ts: Timestamp, tz: &TimeZone) -> String {
    caseload_domain::dates::day_and_time(&ts.to_zoned(tz.clone()))
}

/// "Mon 2 Mar 2026"
pub fn day(d: Date) -> String {
    caseload_domain::dates::day(d)
}

/// The value of a `datetime-local` input: "2026-03-02T14:30".
pub fn local_input(ts: Timestamp, tz: &TimeZone) -> String {
    ts.to_zoned(tz.clone())
        .strftime("%Y-%m-%dT%H:%M")
        .to_string()
}

/// Read a `datetime-local` value (no offset) in the organisation's zone, or
/// an RFC 3339 timestamp. In the hour the clocks go back, the earlier time.
pub fn parse_local(value: &str, tz: &TimeZone) -> Option<Timestamp> {
    let v = value.trim();
    if let Some(ts) = crate::notes::rfc3339(v) {
        return Some(ts);
    }
    if v.parse::<Timestamp>().is_ok() {
        // It has an offset, but not one RFC 3339 and a contact time allow.
        return None;
    }
    let dt: jiff::civil::DateTime = v.parse().ok()?;
    tz.to_ambiguous_zoned(dt)
        .compatible()
        .ok()
        .map(|z| z.timestamp())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn local_times_round_trip_in_london_across_summer_time() {
        let tz = zone("Europe/London");
        let winter = parse_local("2026-01-15T09:30", &tz).expect("parse");
        assert_eq!(winter.to_string(), "2026-01-15T09:30:00Z");
        let summer = parse_local("2026-07-15T09:30", &tz).expect("parse");
        assert_eq!(summer.to_string(), "2026-07-15T08:30:00Z");
        assert_eq!(local_input(summer, &tz), "2026-07-15T09:30");
        assert_eq!(when(summer, &tz), "Wed 15 Jul 2026, 09:30");
        assert!(parse_local("next tuesday", &tz).is_none());
    }
}
