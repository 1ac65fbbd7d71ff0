//! UK working-day calendars (SPEC C3; AG14 PC9, PC14, K15): bank holidays for
//! England and Wales, Scotland and Northern Ireland, computed from the rules
//! that set them for any year, overridable year by year from the official
//! bank-holidays file (which carries one-off holidays such as a coronation),
//! plus an organisation's own closure days.
//!
//! Sources: Banking and Financial Dealings Act 1971, sch 1, and the annual
//! royal proclamations; St Andrew's Day Bank Holiday (Scotland) Act 2007;
//! the published lists at gov.uk/bank-holidays.

use std::collections::{BTreeMap, BTreeSet};

use jiff::ToSpan;
use jiff::civil::{Date, Weekday};
use serde::{Deserialize, Serialize};

/// The three UK bank-holiday divisions, named as in the official file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum Division {
    #[serde(rename = "england-and-wales")]
    EnglandAndWales,
    #[serde(rename = "scotland")]
    Scotland,
    #[serde(rename = "northern-ireland")]
    NorthernIreland,
}

impl Division {
    pub const ALL: [Division; 3] = [
        Division::EnglandAndWales,
        Division::Scotland,
        Division::NorthernIreland,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Division::EnglandAndWales => "england-and-wales",
            Division::Scotland => "scotland",
            Division::NorthernIreland => "northern-ireland",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Division::EnglandAndWales => "England and Wales",
            Division::Scotland => "Scotland",
            Division::NorthernIreland => "Northern Ireland",
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|d| d.as_str() == value)
    }
}

/// Easter Sunday in the Gregorian calendar (the anonymous Gregorian
/// algorithm, "Meeus/Jones/Butcher").
pub fn easter_sunday(year: i16) -> Date {
    let y = i32::from(year);
    let a = y % 19;
    let b = y / 100;
    let c = y % 100;
    let d = b / 4;
    let e = b % 4;
    let f = (b + 8) / 25;
    let g = (b - f + 1) / 3;
    let h = (19 * a + b - d - g + 15) % 30;
    let i = c / 4;
    let k = c % 4;
    let l = (32 + 2 * e + 2 * i - h - k) % 7;
    let m = (a + 11 * h + 22 * l) / 451;
    let month = (h + l - 7 * m + 114) / 31;
    let day = (h + l - 7 * m + 114) % 31 + 1;
    Date::new(year, month as i8, day as i8).unwrap_or_default()
}

fn date(year: i16, month: i8, day: i8) -> Date {
    Date::new(year, month, day).unwrap_or_default()
}

fn is_weekend(d: Date) -> bool {
    matches!(d.weekday(), Weekday::Saturday | Weekday::Sunday)
}

fn first_monday(year: i16, month: i8) -> Date {
    let mut d = date(year, month, 1);
    while d.weekday() != Weekday::Monday {
        d = d.tomorrow().unwrap_or(d);
    }
    d
}

fn last_monday(year: i16, month: i8) -> Date {
    let mut d = date(year, month, 1).last_of_month();
    while d.weekday() != Weekday::Monday {
        d = d.yesterday().unwrap_or(d);
    }
    d
}

/// Holidays that move to the next free weekday when they fall at a weekend,
/// in order (so Christmas Day takes the first free day and Boxing Day the
/// next: the two-holiday case).
fn with_substitutes(days: &[Date], taken: &mut BTreeSet<Date>) {
    for &d in days {
        let mut day = d;
        while is_weekend(day) || taken.contains(&day) {
            day = day.tomorrow().unwrap_or(day);
        }
        taken.insert(day);
    }
}

/// The bank holidays of one division in one year, by rule.
pub fn statutory_holidays(division: Division, year: i16) -> BTreeSet<Date> {
    let mut out = BTreeSet::new();
    let easter = easter_sunday(year);
    let good_friday = easter.checked_sub(2.days()).unwrap_or(easter);
    let easter_monday = easter.checked_add(1.days()).unwrap_or(easter);
    match division {
        Division::Scotland => with_substitutes(&[date(year, 1, 1), date(year, 1, 2)], &mut out),
        _ => with_substitutes(&[date(year, 1, 1)], &mut out),
    }
    out.insert(good_friday);
    if division != Division::Scotland {
        out.insert(easter_monday);
    }
    if division == Division::NorthernIreland {
        with_substitutes(&[date(year, 3, 17)], &mut out); // St Patrick's Day
        with_substitutes(&[date(year, 7, 12)], &mut out); // Battle of the Boyne
    }
    out.insert(first_monday(year, 5)); // Early May bank holiday
    out.insert(last_monday(year, 5)); // Spring bank holiday
    out.insert(match division {
        Division::Scotland => first_monday(year, 8),
        _ => last_monday(year, 8),
    });
    if division == Division::Scotland {
        with_substitutes(&[date(year, 11, 30)], &mut out); // St Andrew's Day
    }
    with_substitutes(&[date(year, 12, 25), date(year, 12, 26)], &mut out);
    out
}

/// The years whose statutory holidays are worked out once and kept.
const CACHED_YEARS: std::ops::RangeInclusive<i16> = 1990..=2100;

/// Whether `d` is a statutory bank holiday: a lookup in a table worked out
/// once per process for 1990–2100 (working-day counting asks this for every
/// day it passes, thousands of times a request), by rule outside it.
fn is_statutory_holiday(division: Division, d: Date) -> bool {
    statutory_set(division, d.year()).contains(&d)
}

/// A division's statutory holidays of one year: from the table worked out
/// once per process for the years Caseload meets, computed otherwise.
fn statutory_set(division: Division, year: i16) -> std::borrow::Cow<'static, BTreeSet<Date>> {
    static TABLE: std::sync::OnceLock<Vec<[BTreeSet<Date>; 3]>> = std::sync::OnceLock::new();
    let index = |d: Division| match d {
        Division::EnglandAndWales => 0,
        Division::Scotland => 1,
        Division::NorthernIreland => 2,
    };
    if !CACHED_YEARS.contains(&year) {
        return std::borrow::Cow::Owned(statutory_holidays(division, year));
    }
    let table = TABLE.get_or_init(|| {
        CACHED_YEARS
            .map(|y| Division::ALL.map(|div| statutory_holidays(div, y)))
            .collect()
    });
    let row = usize::try_from(year - CACHED_YEARS.start()).unwrap_or(0);
    std::borrow::Cow::Borrowed(&table[row][index(division)])
}

/// Weekdays (Monday to Friday) from a fixed Monday up to and including `d`
/// (negative before it): the difference of two is the weekdays between.
fn weekdays_through(d: Date) -> i64 {
    let monday = jiff::civil::date(2001, 1, 1); // a Monday
    let days = d.duration_since(monday).as_secs().div_euclid(86_400);
    let (weeks, into) = (days.div_euclid(7), days.rem_euclid(7));
    weeks * 5 + (into + 1).min(5)
}

/// The weekday `weekdays_through` numbers `k`; none beyond the calendar's ends.
fn weekday_at(k: i64) -> Option<Date> {
    let monday = jiff::civil::date(2001, 1, 1);
    let (weeks, into) = ((k - 1).div_euclid(5), (k - 1).rem_euclid(5));
    let days = weeks.checked_mul(7)?.checked_add(into)?;
    monday
        .checked_add(jiff::Span::new().try_days(days).ok()?)
        .ok()
}

/// One entry of the official file: `{"title": "...", "date": "YYYY-MM-DD"}`.
#[derive(Debug, Clone, Deserialize)]
pub struct OfficialEvent {
    pub title: String,
    pub date: String,
}

#[derive(Debug, Clone, Deserialize)]
pub struct OfficialDivision {
    pub division: String,
    pub events: Vec<OfficialEvent>,
}

/// Why an official bank-holidays file was refused, naming the entry.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct ImportError(pub String);

/// One holiday read from the official file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OfficialHoliday {
    pub division: Division,
    pub date: Date,
    pub title: String,
}

/// Parse and check the official bank-holidays JSON (divisions
/// `england-and-wales`, `scotland`, `northern-ireland`, each with `events`
/// of `title` and `date`). Nothing is returned unless every entry is sound;
/// an error names the entry.
pub fn parse_official_events(json: &str) -> Result<Vec<OfficialHoliday>, ImportError> {
    let raw: BTreeMap<String, OfficialDivision> = serde_json::from_str(json)
        .map_err(|e| ImportError(format!("not a bank-holidays file: {e}")))?;
    if raw.is_empty() {
        return Err(ImportError("the file holds no divisions".into()));
    }
    let mut out = Vec::new();
    for (key, div) in &raw {
        let division = Division::parse(key).ok_or_else(|| {
            ImportError(format!(
                "unknown division {key:?}: expected england-and-wales, scotland or northern-ireland"
            ))
        })?;
        if div.division != *key {
            return Err(ImportError(format!(
                "division {key:?} says it is {:?}",
                div.division
            )));
        }
        for (i, event) in div.events.iter().enumerate() {
            let date: Date = event.date.parse().map_err(|_| {
                ImportError(format!(
                    "{key} event {} ({:?}): date {:?} is not YYYY-MM-DD",
                    i + 1,
                    event.title,
                    event.date
                ))
            })?;
            if !(1970..=2200).contains(&date.year()) {
                return Err(ImportError(format!(
                    "{key} event {} ({:?}): {date} is outside 1970–2200",
                    i + 1,
                    event.title
                )));
            }
            if event.title.trim().is_empty() {
                return Err(ImportError(format!(
                    "{key} event {} ({date}): the title is empty",
                    i + 1
                )));
            }
            out.push(OfficialHoliday {
                division,
                date,
                title: event.title.clone(),
            });
        }
    }
    Ok(out)
}

/// The official file's holidays by division and year (see [`parse_official_events`]).
pub fn parse_official(
    json: &str,
) -> Result<BTreeMap<Division, BTreeMap<i16, BTreeSet<Date>>>, ImportError> {
    Ok(by_division_and_year(&parse_official_events(json)?))
}

/// Group holidays by division and year.
pub fn by_division_and_year(
    events: &[OfficialHoliday],
) -> BTreeMap<Division, BTreeMap<i16, BTreeSet<Date>>> {
    let mut out: BTreeMap<Division, BTreeMap<i16, BTreeSet<Date>>> = BTreeMap::new();
    for e in events {
        out.entry(e.division)
            .or_default()
            .entry(e.date.year())
            .or_default()
            .insert(e.date);
    }
    out
}

/// A working-day calendar: a division's bank holidays (by rule, or as
/// imported for the years the official file covers) and closure days.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Calendar {
    pub division: Division,
    /// Imported years replace the computed holidays for that year entirely.
    pub imported: BTreeMap<i16, BTreeSet<Date>>,
    /// The organisation's own closure days (e.g. between Christmas and New Year).
    pub closures: BTreeSet<Date>,
}

impl Calendar {
    pub fn new(division: Division) -> Self {
        Self {
            division,
            imported: BTreeMap::new(),
            closures: BTreeSet::new(),
        }
    }

    pub fn holidays(&self, year: i16) -> BTreeSet<Date> {
        self.imported
            .get(&year)
            .cloned()
            .unwrap_or_else(|| statutory_holidays(self.division, year))
    }

    pub fn is_holiday(&self, d: Date) -> bool {
        match self.imported.get(&d.year()) {
            Some(days) => days.contains(&d),
            None => is_statutory_holiday(self.division, d),
        }
    }

    /// Not a weekend, a bank holiday or a closure day.
    pub fn is_working_day(&self, d: Date) -> bool {
        !is_weekend(d) && !self.closures.contains(&d) && !self.is_holiday(d)
    }

    /// The day itself if it is a working day, otherwise the next one.
    pub fn roll_forward(&self, mut d: Date) -> Date {
        while !self.is_working_day(d) {
            match d.tomorrow() {
                Ok(next) => d = next,
                Err(_) => break,
            }
        }
        d
    }

    /// `n` working days after `from` (not counting `from`); negative `n`
    /// counts back. Counted, not walked: jump `n` weekdays, then again by
    /// as many weekdays as there were holidays and closure days in the stretch
    /// just jumped, until a stretch holds none (every clock on every queue
    /// asks this).
    pub fn add_working_days(&self, from: Date, n: i32) -> Date {
        use std::ops::Bound::{Excluded, Included};
        let steps = i64::from(n.unsigned_abs());
        if n > 0 {
            // The `n`th weekday after `from`, pushed on past days off.
            let (mut after, mut k) = (from, weekdays_through(from) + steps);
            while let Some(d) = weekday_at(k) {
                let off = self.days_off((Excluded(after), Included(d)));
                if off == 0 {
                    return d;
                }
                (after, k) = (d, k + off);
            }
        } else if n < 0 {
            // The `n`th weekday before `from`, pushed back past days off.
            let before_from = weekdays_through(from) - i64::from(!is_weekend(from));
            let (mut before, mut k) = (from, before_from - steps + 1);
            while let Some(d) = weekday_at(k) {
                let off = self.days_off((Included(d), Excluded(before)));
                if off == 0 {
                    return d;
                }
                (before, k) = (d, k - off);
            }
        }
        self.walk_working_days(from, n)
    }

    /// `add_working_days` a day at a time: for `n` = 0 and at the ends of the
    /// calendar, where it stops at the last day there is.
    fn walk_working_days(&self, from: Date, n: i32) -> Date {
        let mut d = from;
        let mut left = n.unsigned_abs();
        while left > 0 {
            let next = if n > 0 { d.tomorrow() } else { d.yesterday() };
            match next {
                Ok(x) => d = x,
                Err(_) => break,
            }
            if self.is_working_day(d) {
                left -= 1;
            }
        }
        d
    }

    /// Working days after `from` up to and including `to` (0 if `to` ≤ `from`).
    /// Counted, not walked: the weekdays between, less the holidays and
    /// closure days that fall on them — clocks count from dates months back
    /// on every queue.
    pub fn working_days_between(&self, from: Date, to: Date) -> i32 {
        use std::ops::Bound::{Excluded, Included};
        if to <= from {
            return 0;
        }
        let weekdays = weekdays_through(to) - weekdays_through(from);
        let off = self.days_off((Excluded(from), Included(to)));
        i32::try_from(weekdays - off).unwrap_or(i32::MAX)
    }

    /// Holidays and closure days that fall on weekdays in `range`, each once.
    fn days_off(&self, range: (std::ops::Bound<Date>, std::ops::Bound<Date>)) -> i64 {
        use std::ops::Bound::{Excluded, Included};
        // (`BTreeSet::range` refuses a range that ends before it starts.)
        let (Included(first) | Excluded(first), Included(last) | Excluded(last)) = range else {
            return 0;
        };
        if first > last || (first == last && range != (Included(first), Included(last))) {
            return 0;
        }
        let mut off: i64 = 0;
        for year in first.year()..=last.year() {
            let holidays = match self.imported.get(&year) {
                Some(days) => std::borrow::Cow::Borrowed(days),
                None => statutory_set(self.division, year),
            };
            off += holidays
                .range(range)
                .filter(|d| !is_weekend(**d) && !self.closures.contains(*d))
                .count() as i64;
        }
        off + self
            .closures
            .range(range)
            .filter(|d| !is_weekend(**d))
            .count() as i64
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn dates(list: &[&str]) -> BTreeSet<Date> {
        list.iter().map(|d| d.parse().expect("date")).collect()
    }

    #[test]
    fn easter_falls_on_the_known_sundays() {
        for (year, day) in [
            (2024, "2024-03-31"),
            (2025, "2025-04-20"),
            (2026, "2026-04-05"),
            (2027, "2027-03-28"),
            (2038, "2038-04-25"),
            (2285, "2285-03-22"),
        ] {
            assert_eq!(easter_sunday(year).to_string(), day);
        }
    }

    /// The published bank holidays for 2025–2027 (gov.uk), and SPEC.md's 2026 list.
    #[test]
    fn the_2025_to_2027_holidays_match_the_published_lists() {
        let table: &[(Division, i16, &[&str])] = &[
            (
                Division::EnglandAndWales,
                2025,
                &[
                    "2025-01-01",
                    "2025-04-18",
                    "2025-04-21",
                    "2025-05-05",
                    "2025-05-26",
                    "2025-08-25",
                    "2025-12-25",
                    "2025-12-26",
                ],
            ),
            (
                Division::EnglandAndWales,
                2026,
                &[
                    "2026-01-01",
                    "2026-04-03",
                    "2026-04-06",
                    "2026-05-04",
                    "2026-05-25",
                    "2026-08-31",
                    "2026-12-25",
                    "2026-12-28",
                ],
            ),
            (
                Division::EnglandAndWales,
                2027,
                &[
                    "2027-01-01",
                    "2027-03-26",
                    "2027-03-29",
                    "2027-05-03",
                    "2027-05-31",
                    "2027-08-30",
                    "2027-12-27",
                    "2027-12-28",
                ],
            ),
            (
                Division::Scotland,
                2025,
                &[
                    "2025-01-01",
                    "2025-01-02",
                    "2025-04-18",
                    "2025-05-05",
                    "2025-05-26",
                    "2025-08-04",
                    "2025-12-01",
                    "2025-12-25",
                    "2025-12-26",
                ],
            ),
            (
                Division::Scotland,
                2026,
                &[
                    "2026-01-01",
                    "2026-01-02",
                    "2026-04-03",
                    "2026-05-04",
                    "2026-05-25",
                    "2026-08-03",
                    "2026-11-30",
                    "2026-12-25",
                    "2026-12-28",
                ],
            ),
            (
                Division::Scotland,
                2027,
                &[
                    "2027-01-01",
                    "2027-01-04",
                    "2027-03-26",
                    "2027-05-03",
                    "2027-05-31",
                    "2027-08-02",
                    "2027-11-30",
                    "2027-12-27",
                    "2027-12-28",
                ],
            ),
            (
                Division::NorthernIreland,
                2025,
                &[
                    "2025-01-01",
                    "2025-03-17",
                    "2025-04-18",
                    "2025-04-21",
                    "2025-05-05",
                    "2025-05-26",
                    "2025-07-14",
                    "2025-08-25",
                    "2025-12-25",
                    "2025-12-26",
                ],
            ),
            (
                Division::NorthernIreland,
                2026,
                &[
                    "2026-01-01",
                    "2026-03-17",
                    "2026-04-03",
                    "2026-04-06",
                    "2026-05-04",
                    "2026-05-25",
                    "2026-07-13",
                    "2026-08-31",
                    "2026-12-25",
                    "2026-12-28",
                ],
            ),
            (
                Division::NorthernIreland,
                2027,
                &[
                    "2027-01-01",
                    "2027-03-17",
                    "2027-03-26",
                    "2027-03-29",
                    "2027-05-03",
                    "2027-05-31",
                    "2027-07-12",
                    "2027-08-30",
                    "2027-12-27",
                    "2027-12-28",
                ],
            ),
        ];
        for (division, year, expected) in table {
            assert_eq!(
                statutory_holidays(*division, *year),
                dates(expected),
                "{division:?} {year}"
            );
        }
    }

    #[test]
    fn christmas_on_a_sunday_moves_only_christmas() {
        // 2022: Christmas Sunday, Boxing Day Monday → Christmas substitute Tuesday 27th.
        let h = statutory_holidays(Division::EnglandAndWales, 2022);
        assert!(
            h.contains(&"2022-12-26".parse().expect("d"))
                && h.contains(&"2022-12-27".parse().expect("d"))
        );
        // Scotland 2022: 1 Jan Saturday, 2 Jan Sunday → Monday 3rd and Tuesday 4th.
        let s = statutory_holidays(Division::Scotland, 2022);
        assert!(
            s.contains(&"2022-01-03".parse().expect("d"))
                && s.contains(&"2022-01-04".parse().expect("d"))
        );
    }

    #[test]
    fn imported_years_replace_the_rules_and_closures_count() {
        let json = r#"{"england-and-wales": {"division": "england-and-wales", "events": [
            {"title": "New Year's Day", "date": "2023-01-02"},
            {"title": "Bank holiday for the coronation of King Charles III", "date": "2023-05-08"}]}}"#;
        let imported = parse_official(json).expect("valid");
        let mut cal = Calendar::new(Division::EnglandAndWales);
        cal.imported = imported[&Division::EnglandAndWales].clone();
        assert!(cal.is_holiday("2023-05-08".parse().expect("d")));
        assert!(
            !cal.is_holiday("2023-12-25".parse().expect("d")),
            "the imported year is taken as the whole truth"
        );
        assert!(
            cal.is_holiday("2024-12-25".parse().expect("d")),
            "other years still follow the rules"
        );
        cal.closures.insert("2024-12-27".parse().expect("d"));
        assert!(!cal.is_working_day("2024-12-27".parse().expect("d")));
    }

    #[test]
    fn malformed_official_files_name_the_entry() {
        let bad_date = r#"{"scotland": {"division": "scotland", "events": [{"title": "x", "date": "2025-13-01"}]}}"#;
        assert!(
            parse_official(bad_date)
                .unwrap_err()
                .0
                .contains("scotland event 1")
        );
        let bad_division = r#"{"wales": {"division": "wales", "events": []}}"#;
        assert!(
            parse_official(bad_division)
                .unwrap_err()
                .0
                .contains("unknown division")
        );
        assert!(parse_official("[1,2]").is_err());
    }

    #[test]
    fn working_days_skip_weekends_and_holidays() {
        let cal = Calendar::new(Division::EnglandAndWales);
        // Thursday 24 Dec 2026 + 1 working day → Tuesday 29 Dec (25th, weekend, 28th substitute).
        assert_eq!(
            cal.add_working_days("2026-12-24".parse().expect("d"), 1)
                .to_string(),
            "2026-12-29"
        );
        assert_eq!(
            cal.add_working_days("2026-12-29".parse().expect("d"), -1)
                .to_string(),
            "2026-12-24"
        );
        assert_eq!(
            cal.working_days_between(
                "2026-12-24".parse().expect("d"),
                "2026-12-31".parse().expect("d")
            ),
            3
        );
    }

    fn any_date() -> impl Strategy<Value = Date> {
        (1990i16..2100, 1i8..=12, 1i8..=28).prop_map(|(y, m, d)| date(y, m, d))
    }

    proptest! {
        #[test]
        fn a_working_day_result_is_never_a_weekend_or_holiday(start in any_date(), n in 1i32..400, div in 0usize..3) {
            let cal = Calendar::new(Division::ALL[div]);
            let d = cal.add_working_days(start, n);
            prop_assert!(cal.is_working_day(d));
            prop_assert!(cal.is_working_day(cal.roll_forward(start)));
        }

        #[test]
        fn adding_then_subtracting_working_days_gives_the_start_back(start in any_date(), n in 0i32..400, div in 0usize..3) {
            let cal = Calendar::new(Division::ALL[div]);
            let start = cal.roll_forward(start);
            prop_assert_eq!(cal.add_working_days(cal.add_working_days(start, n), -n), start);
            prop_assert_eq!(cal.working_days_between(start, cal.add_working_days(start, n)), n);
        }

        #[test]
        fn adding_working_days_agrees_with_walking_them(
            from in any_date(),
            n in -400i32..400,
            closures in proptest::collection::vec(-600i32..600, 0..12),
            imported in proptest::collection::vec(-600i32..600, 0..6),
            div in 0usize..3,
        ) {
            let mut cal = Calendar::new(Division::ALL[div]);
            let day = |k: i32| from.checked_add(k.days()).unwrap_or(from);
            cal.closures = closures.iter().map(|k| day(*k)).collect();
            for k in imported {
                let d = day(k);
                cal.imported.entry(d.year()).or_default().insert(d);
            }
            prop_assert_eq!(cal.add_working_days(from, n), cal.walk_working_days(from, n));
        }

        #[test]
        fn counting_working_days_agrees_with_walking_them(
            from in any_date(),
            length in 0i32..800,
            back in proptest::bool::ANY,
            closures in proptest::collection::vec(0i32..800, 0..12),
            imported in proptest::collection::vec(0i32..800, 0..6),
            div in 0usize..3,
        ) {
            let mut cal = Calendar::new(Division::ALL[div]);
            let day = |n: i32| from.checked_add(n.days()).unwrap_or(from);
            cal.closures = closures.iter().map(|n| day(*n)).collect();
            // An imported year replaces the computed one, weekends and all.
            for n in imported {
                let d = day(n);
                cal.imported.entry(d.year()).or_default().insert(d);
            }
            let to = if back { day(-length) } else { day(length) };
            let walked = {
                let (mut d, mut count) = (from, 0);
                while d < to {
                    d = d.tomorrow().unwrap();
                    if cal.is_working_day(d) {
                        count += 1;
                    }
                }
                count
            };
            prop_assert_eq!(cal.working_days_between(from, to), walked);
        }

        #[test]
        fn every_division_has_its_holidays_on_weekdays(year in 1990i16..2100, div in 0usize..3) {
            let holidays = statutory_holidays(Division::ALL[div], year);
            prop_assert!(holidays.iter().all(|d| !is_weekend(*d)));
            prop_assert!(holidays.len() >= 8);
        }
    }
}
