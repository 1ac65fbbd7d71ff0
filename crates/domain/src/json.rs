//! How dates and times are written in JSON answers: exactly as jiff writes
//! them (RFC 3339 instants, ISO 8601 dates), but printed whole into a small
//! buffer first. jiff's own `Serialize` hands serde_json each piece of the
//! text separately to escape, which made times a fifth of the cost of writing
//! a queue (hundreds of them in one answer). Use with
//! `#[serde(serialize_with = "caseload_domain::json::timestamp")]` and friends.

use jiff::Timestamp;
use jiff::civil::Date;
use jiff::fmt::temporal::DateTimePrinter;
use serde::Serializer;
use serde::ser::Error as _;

static PRINTER: DateTimePrinter = DateTimePrinter::new();

/// Room for the longest instant jiff prints (`-009999-01-02T01:59:59.999999999Z`).
struct Buffer {
    bytes: [u8; 40],
    len: usize,
}

impl Buffer {
    fn new() -> Self {
        Buffer {
            bytes: [0; 40],
            len: 0,
        }
    }

    fn as_str(&self) -> &str {
        // Only whole `&str`s are ever copied in, so this cannot fail.
        std::str::from_utf8(&self.bytes[..self.len]).unwrap_or_default()
    }
}

impl jiff::fmt::Write for Buffer {
    fn write_str(&mut self, s: &str) -> Result<(), jiff::Error> {
        let end = self.len + s.len();
        let room = self
            .bytes
            .get_mut(self.len..end)
            .ok_or_else(|| jiff::Error::from_args(format_args!("time too long to print")))?;
        room.copy_from_slice(s.as_bytes());
        self.len = end;
        Ok(())
    }
}

pub fn timestamp<S: Serializer>(t: &Timestamp, s: S) -> Result<S::Ok, S::Error> {
    let mut buf = Buffer::new();
    PRINTER
        .print_timestamp(t, &mut buf)
        .map_err(S::Error::custom)?;
    s.serialize_str(buf.as_str())
}

pub fn option_timestamp<S: Serializer>(t: &Option<Timestamp>, s: S) -> Result<S::Ok, S::Error> {
    match t {
        Some(t) => timestamp(t, s),
        None => s.serialize_none(),
    }
}

pub fn date<S: Serializer>(d: &Date, s: S) -> Result<S::Ok, S::Error> {
    let mut buf = Buffer::new();
    PRINTER.print_date(d, &mut buf).map_err(S::Error::custom)?;
    s.serialize_str(buf.as_str())
}

pub fn option_date<S: Serializer>(d: &Option<Date>, s: S) -> Result<S::Ok, S::Error> {
    match d {
        Some(d) => date(d, s),
        None => s.serialize_none(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[derive(serde::Serialize)]
    struct Ours {
        #[serde(serialize_with = "timestamp")]
        at: Timestamp,
        #[serde(serialize_with = "option_timestamp")]
        maybe_at: Option<Timestamp>,
        #[serde(serialize_with = "date")]
        on: Date,
        #[serde(serialize_with = "option_date")]
        maybe_on: Option<Date>,
    }

    #[derive(serde::Serialize)]
    struct Jiffs {
        at: Timestamp,
        maybe_at: Option<Timestamp>,
        on: Date,
        maybe_on: Option<Date>,
    }

    proptest! {
        #[test]
        fn times_are_written_exactly_as_jiff_writes_them(
            seconds in Timestamp::MIN.as_second()..=Timestamp::MAX.as_second(),
            nanos in 0i32..1_000_000_000,
            round in 0usize..4,
            some in proptest::bool::ANY,
        ) {
            // Whole seconds, milliseconds, microseconds and nanoseconds all occur.
            let nanos = [0, nanos / 1_000_000 * 1_000_000, nanos / 1_000 * 1_000, nanos][round];
            let at = Timestamp::new(seconds, nanos).unwrap_or(Timestamp::MAX);
            let on = at.to_zoned(jiff::tz::TimeZone::UTC).date();
            let ours = Ours { at, maybe_at: some.then_some(at), on, maybe_on: some.then_some(on) };
            let jiffs = Jiffs { at, maybe_at: some.then_some(at), on, maybe_on: some.then_some(on) };
            prop_assert_eq!(
                serde_json::to_string(&ours).unwrap(),
                serde_json::to_string(&jiffs).unwrap()
            );
        }
    }
}
