//! Decoding what the databases store (texts, JSON, micros) into records: shared by both backends.

use caseload_domain::notes::Section;
use jiff::Timestamp;
use jiff::civil::Date;

use crate::*;

/// Caseload rows decoded by `row` and put in id order. Put in order
/// here, not by the database: the owner index gives them by status,
/// then id, and an ORDER BY would copy every whole row (summary texts
/// and all) through a sorter.
pub fn caseload_in_id_order<R>(
    rows: &[R],
    row: impl Fn(&R) -> Result<CaseloadRow, StoreError>,
) -> Result<Vec<CaseloadRow>, StoreError> {
    let mut rows = rows.iter().map(row).collect::<Result<Vec<_>, _>>()?;
    rows.sort_unstable_by(|a, b| a.case.id.as_str().cmp(b.case.id.as_str()));
    Ok(rows)
}

pub fn vocab<T>(value: &str, parse: fn(&str) -> Option<T>, what: &str) -> Result<T, StoreError> {
    parse(value).ok_or_else(|| StoreError::corrupt(format!("{what} {value:?}")))
}

/// Periods on hold from the status changes into (`h<micros>`) and out
/// of (`r<micros>`) on hold, comma-separated in any order.
pub fn holds(text: Option<&str>) -> Result<Vec<(Timestamp, Option<Timestamp>)>, StoreError> {
    let mut marks = Vec::new();
    for item in text.unwrap_or("").split(',').filter(|x| !x.is_empty()) {
        let (kind, at) = item.split_at(1);
        let at = at
            .parse::<i64>()
            .ok()
            .and_then(|m| Timestamp::from_microsecond(m).ok())
            .ok_or_else(|| StoreError::corrupt(format!("hold {item:?}")))?;
        marks.push((at, kind == "h"));
    }
    marks.sort();
    let mut holds: Vec<(Timestamp, Option<Timestamp>)> = Vec::new();
    for (at, on) in marks {
        match (on, holds.last_mut()) {
            (true, _) => holds.push((at, None)),
            (false, Some(last)) if last.1.is_none() => last.1 = Some(at),
            (false, _) => {}
        }
    }
    Ok(holds)
}

/// A case's deadlines as `id|YYYY-MM-DD|task status|title` separated by
/// the ASCII unit separator (0x1F), which titles cannot contain.
pub fn deadline_dues(text: Option<&str>) -> Result<Vec<DeadlineDue>, StoreError> {
    let mut out = Vec::new();
    for item in text.unwrap_or("").split('\u{1f}').filter(|x| !x.is_empty()) {
        let mut parts = item.splitn(4, '|');
        let (Some(id), Some(due), Some(status), Some(title)) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return Err(StoreError::corrupt(format!("deadline {item:?}")));
        };
        let due = due
            .parse::<Date>()
            .map_err(|_| StoreError::corrupt(format!("deadline {item:?}")))?;
        out.push(DeadlineDue {
            id: id.to_owned(),
            due,
            met: status != "open",
            title: title.to_owned(),
        });
    }
    out.sort_by(|a, b| a.due.cmp(&b.due).then_with(|| a.id.cmp(&b.id)));
    Ok(out)
}

/// A case's open tasks as `YYYY-MM-DD<US>title` (the date empty when
/// there is none) separated by the record separator (0x1E), most
/// pressing first: how many are overdue on `today`, and the first's
/// title and due date.
pub fn open_tasks(
    text: Option<&str>,
    today: Date,
) -> Result<(i64, Option<String>, Option<Date>), StoreError> {
    let mut overdue = 0;
    let mut first = None;
    for item in text.unwrap_or("").split('\u{1e}').filter(|x| !x.is_empty()) {
        let (due, title) = item
            .split_once('\u{1f}')
            .ok_or_else(|| StoreError::corrupt(format!("open task {item:?}")))?;
        let due = match due {
            "" => None,
            d => Some(date(d)?),
        };
        if due.is_some_and(|d| d < today) {
            overdue += 1;
        }
        if first.is_none() {
            first = Some((title.to_owned(), due));
        }
    }
    Ok(match first {
        Some((title, due)) => (overdue, Some(title), due),
        None => (overdue, None, None),
    })
}

/// The latest assessment as `policy id<US>answers<US>rationale` (JSON
/// texts, which escape every control character).
pub fn latest_assessment(text: Option<&str>) -> Result<Option<LatestAssessment>, StoreError> {
    let Some(text) = text else { return Ok(None) };
    let mut parts = text.splitn(3, '\u{1f}');
    match (parts.next(), parts.next(), parts.next()) {
        (Some(policy_id), Some(answers), Some(rationale)) => Ok(Some(LatestAssessment {
            policy_id: policy_id.to_owned(),
            answers: answers.to_owned(),
            rationale: rationale.to_owned(),
        })),
        _ => Err(StoreError::corrupt("latest assessment")),
    }
}

pub fn sections(json: &str) -> Result<Vec<Section>, StoreError> {
    serde_json::from_str(json).map_err(|e| StoreError::corrupt(format!("note sections: {e}")))
}

pub fn sections_json(sections: &[Section]) -> String {
    serde_json::to_string(sections).unwrap_or_else(|_| "[]".to_owned())
}

pub fn date(text: &str) -> Result<Date, StoreError> {
    text.parse()
        .map_err(|_| StoreError::corrupt(format!("date {text:?}")))
}

pub fn json(text: &str) -> Result<serde_json::Value, StoreError> {
    serde_json::from_str(text).map_err(|e| StoreError::corrupt(format!("json: {e}")))
}

/// Microseconds since the epoch (SQLite's storage of timestamps).
pub fn micros(ts: Timestamp) -> i64 {
    ts.as_microsecond()
}

pub fn from_micros(us: i64) -> Result<Timestamp, StoreError> {
    Timestamp::from_microsecond(us).map_err(|_| StoreError::corrupt(format!("timestamp {us}")))
}

/// Fill in `current_sections` of a note from its original and amendments.
pub fn finish_note(note: &mut Note) {
    let template = caseload_domain::notes::Template::find(&note.template)
        .unwrap_or(&caseload_domain::notes::STAR);
    note.current_sections = caseload_domain::notes::current_sections(
        &note.sections,
        note.amendments.iter().map(|a| a.sections.as_slice()),
        template,
    );
}
