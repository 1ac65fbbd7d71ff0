//! One way of writing dates and times for people, on every page, in
//! messages and in the human columns of exports: "Tue 1 Dec 2026" and
//! "Tue 1 Dec 2026, 13:13" (the weekday matters when working days do;
//! month names capitalised and abbreviated, never numeric, so 1/12 and
//! 12/1 cannot be confused). Machine fields stay ISO 8601.

use jiff::Zoned;
use jiff::civil::Date;

/// "Tue 1 Dec 2026".
pub fn day(d: Date) -> String {
    d.strftime("%a %-d %b %Y").to_string()
}

/// "Tue 1 Dec 2026, 13:13", in the zone the time is given in.
pub fn day_and_time(z: &Zoned) -> String {
    z.strftime("%a %-d %b %Y, %H:%M").to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_read_with_their_weekday_and_a_capitalised_month() {
        assert_eq!(day(jiff::civil::date(2026, 12, 1)), "Tue 1 Dec 2026");
        assert_eq!(day(jiff::civil::date(2027, 1, 31)), "Sun 31 Jan 2027");
        let z = jiff::civil::date(2026, 12, 1)
            .at(13, 13, 0, 0)
            .to_zoned(jiff::tz::TimeZone::UTC)
            .expect("zoned");
        assert_eq!(day_and_time(&z), "Tue 1 Dec 2026, 13:13");
    }
}
