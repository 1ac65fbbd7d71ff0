//! In-app notifications (AG14 PC11): their kinds in words, and checking
//! which of the caller's notifications a query or an acknowledgement
//! names. Called by the API (`api::notifications`) and
//! `pages::notifications`.

use caseload_domain::FieldErrors;
use caseload_domain::ids::CaseId;
use caseload_store::NotificationFilter;

/// Every kind of notification, with the words the pages use for it.
pub const KINDS: &[(&str, &str)] = &[
    ("high_priority", "Became high priority"),
    ("timescale_at_risk", "Timescale at risk"),
    ("timescale_breached", "Timescale breached"),
    ("deadline_at_risk", "Deadline at risk"),
    ("deadline_breached", "Deadline breached"),
];

/// The words for a kind (the kind itself if it is not one of `KINDS`).
pub fn kind_label(kind: &str) -> &str {
    KINDS
        .iter()
        .find(|(k, _)| *k == kind)
        .map(|(_, l)| *l)
        .unwrap_or(kind)
}

/// The most ids one acknowledgement may name.
pub const MAX_IDS: usize = 1000;

/// Check `kind` and `case` as given in a query or body.
pub fn filter(
    kind: Option<&str>,
    case: Option<&str>,
    include_acknowledged: bool,
) -> Result<NotificationFilter, FieldErrors> {
    let mut errors = FieldErrors::new();
    let kind = kind.filter(|k| !k.is_empty()).and_then(|k| {
        if KINDS.iter().any(|(known, _)| *known == k) {
            Some(k.to_owned())
        } else {
            let known: Vec<&str> = KINDS.iter().map(|(k, _)| *k).collect();
            errors.push("kind", format!("must be one of {}", known.join(", ")));
            None
        }
    });
    let case = case.filter(|c| !c.is_empty()).and_then(|c| {
        let id = CaseId::parse(c);
        if id.is_none() {
            errors.push("case", "is not a case id");
        }
        id
    });
    errors.into_result()?;
    Ok(NotificationFilter {
        kind,
        case,
        include_acknowledged,
    })
}
