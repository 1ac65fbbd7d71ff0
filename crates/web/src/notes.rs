//! Case notes (SPEC C1; AG14 PC1, PC17): checking a new note and an
//! amendment against the rules, who may reach and amend a note, and the
//! record of a refused amendment. Called by the API (`api::notes`) and the
//! pages (`pages::notes`, the case page).

use std::collections::BTreeMap;

use caseload_domain::ids::NoteId;
use caseload_domain::notes::{
    AmendedAs, NoteKind, STAR, Template, amend_capacity, check_timing, parse_sections,
};
use caseload_domain::text::{FieldErrors, limits, prose};
use caseload_store::{Amendment, Case, NewAmendment, NewNote, Note, StoreError, WriteCtx};
use jiff::{SignedDuration, Timestamp};

use crate::AppState;
use crate::problem::{ApiError, Refused};

/// Why a note was not appended.
#[derive(Debug)]
pub enum AppendError {
    /// What was sent breaks the rules; the window is the late-entry window
    /// it was checked against, for a form to say again.
    Invalid(FieldErrors, SignedDuration),
    /// Including a form sent twice (a conflict: the first was saved).
    Store(StoreError),
}

impl From<AppendError> for ApiError {
    fn from(e: AppendError) -> Self {
        match e {
            AppendError::Invalid(errors, _) => errors.into(),
            AppendError::Store(e) => e.into(),
        }
    }
}

/// Append a note to a case: checked against the rules and the late-entry
/// window in force at `ctx.at`, then saved. The one way a note is written,
/// from the API and the note form alike.
pub async fn append(
    state: &AppState,
    ctx: &WriteCtx,
    case: &Case,
    input: &NoteInput<'_>,
) -> Result<Note, AppendError> {
    let window = crate::timescales::current(state)
        .await
        .map_err(AppendError::Store)?
        .1
        .note_window();
    let new = parse_new_note(case, input, ctx.at, window)
        .map_err(|errors| AppendError::Invalid(errors, window))?;
    state
        .store
        .add_note(&new, ctx)
        .await
        .map_err(AppendError::Store)
}

/// Parse an RFC 3339 timestamp from a form or JSON field that says when
/// contact with a client happened: see [`rfc3339`].
pub fn parse_timestamp(field: &str, value: &str) -> Result<Timestamp, FieldErrors> {
    if value.trim().is_empty() {
        return Err(FieldErrors::single(field, "is required"));
    }
    rfc3339(value.trim()).ok_or_else(|| {
        FieldErrors::single(
            field,
            "must be a date and time in 1900–2100 with a UTC offset within ±18:00 (RFC 3339), e.g. 2026-03-02T14:30:00Z",
        )
    })
}

/// A contact time, strictly: RFC 3339's `YYYY-MM-DDTHH:MM:SS[.frac]`
/// followed by `Z` or a `±HH:MM` offset of at most 18 hours (the widest
/// real offsets are +14:00 and −12:00), in the years 1900 to 2100 both as
/// written and in UTC. No time-zone annotations, no missing seconds.
pub fn rfc3339(value: &str) -> Option<Timestamp> {
    let b = value.as_bytes();
    let digits = |r: std::ops::Range<usize>| {
        b.get(r.clone())
            .is_some_and(|d| d.len() == r.len() && d.iter().all(u8::is_ascii_digit))
    };
    let shape = digits(0..4)
        && b.get(4) == Some(&b'-')
        && digits(5..7)
        && b.get(7) == Some(&b'-')
        && digits(8..10)
        && matches!(b.get(10), Some(b'T' | b't' | b' '))
        && digits(11..13)
        && b.get(13) == Some(&b':')
        && digits(14..16)
        && b.get(16) == Some(&b':')
        && digits(17..19);
    if !shape {
        return None;
    }
    let offset_minutes = match b.last()? {
        b'Z' | b'z' => 0,
        _ => {
            let n = b.len();
            let sign = *b.get(n.checked_sub(6)?)?;
            if !matches!(sign, b'+' | b'-')
                || b[n - 3] != b':'
                || !digits(n - 5..n - 3)
                || !digits(n - 2..n)
            {
                return None;
            }
            let number = |r: std::ops::Range<usize>| value[r].parse::<u32>().ok();
            number(n - 5..n - 3)? * 60 + number(n - 2..n)?
        }
    };
    if offset_minutes > 18 * 60 {
        return None;
    }
    let years = 1900..=2100;
    let written: i16 = value[0..4].parse().ok()?;
    let ts = value.parse::<Timestamp>().ok()?;
    let in_utc = ts.to_zoned(jiff::tz::TimeZone::UTC).year();
    (years.contains(&written) && years.contains(&in_utc)).then_some(ts)
}

/// A note as submitted, from the API or a form.
pub struct NoteInput<'a> {
    /// None when a form left it unchosen.
    pub kind: Option<NoteKind>,
    pub occurred_at: &'a str,
    pub template: Option<&'a str>,
    pub sections: &'a BTreeMap<String, String>,
    pub late_reason: Option<&'a str>,
    /// A form's one-time key against double submission.
    pub submission_key: Option<&'a str>,
}

/// Check a new note against the rules: known template, sections from it,
/// not in the future, late entries explained. Shared with the pages.
pub fn parse_new_note(
    case: &Case,
    input: &NoteInput<'_>,
    now: Timestamp,
    window: jiff::SignedDuration,
) -> Result<NewNote, FieldErrors> {
    let NoteInput {
        kind,
        occurred_at,
        template,
        sections,
        late_reason,
        submission_key,
    } = *input;
    let mut errors = FieldErrors::new();
    let template = match template {
        None | Some("") => Some(&STAR),
        Some(t) => {
            let found = Template::find(t);
            if found.is_none() {
                errors.push("template", "is not a known template: use star or soap");
            }
            found
        }
    };
    let sections = match template {
        Some(t) => match parse_sections(t, sections, "sections") {
            Ok(s) => Some(s),
            Err(e) => {
                errors.0.extend(e.0);
                None
            }
        },
        None => None,
    };
    let occurred = match parse_timestamp("occurred_at", occurred_at) {
        Ok(t) => Some(t),
        Err(e) => {
            errors.0.extend(e.0);
            None
        }
    };
    let timing = match occurred {
        Some(at) => match check_timing(at, now, window, late_reason) {
            Ok(t) => Some(t),
            Err(e) => {
                errors.0.extend(e.0);
                None
            }
        },
        None => None,
    };
    if kind.is_none() {
        errors.push("kind", "must be chosen");
    }
    errors.into_result()?;
    let (Some(kind), Some(template), Some(sections), Some(occurred_at), Some(timing)) =
        (kind, template, sections, occurred, timing)
    else {
        return Err(FieldErrors::single("body", "is incomplete"));
    };
    Ok(NewNote {
        case_id: case.id.clone(),
        kind,
        template: template.id.to_owned(),
        occurred_at,
        late_entry: timing.late_entry,
        late_reason: timing.late_reason,
        sections,
        submission_key: submission_key.map(str::to_owned),
    })
}

/// Why a note cannot be reached.
pub enum NoteAccess {
    Missing,
    Denied,
    Store(caseload_store::StoreError),
}

/// A note and its case, if this user may work on the case.
pub async fn visible_note_for(
    state: &AppState,
    user: &caseload_store::User,
    id: &str,
) -> Result<(Note, Case), NoteAccess> {
    use caseload_store::StoreError;
    let note_id = NoteId::parse(id).ok_or(NoteAccess::Missing)?;
    let note = match state.store.get_note(&note_id).await {
        Ok(n) => n,
        Err(StoreError::NotFound(_)) => return Err(NoteAccess::Missing),
        Err(e) => return Err(NoteAccess::Store(e)),
    };
    let case = state
        .store
        .get_case(&note.case_id)
        .await
        .map_err(NoteAccess::Store)?;
    if !user.actor().can_read_case(&case.owner_id, &case.team_id) {
        return Err(NoteAccess::Denied);
    }
    Ok((note, case))
}

/// Check an amendment against the note's template. Shared with the pages.
pub fn parse_amendment(
    note: &Note,
    reason: &str,
    sections: &BTreeMap<String, String>,
) -> Result<NewAmendment, FieldErrors> {
    let mut errors = FieldErrors::new();
    let reason = errors.take(prose("reason", reason, limits::REASON));
    let template = Template::find(&note.template).unwrap_or(&STAR);
    let sections = match parse_sections(template, sections, "sections") {
        Ok(s) => Some(s),
        Err(e) => {
            errors.0.extend(e.0);
            None
        }
    };
    errors.into_result()?;
    Ok(NewAmendment {
        note_id: note.id.clone(),
        reason: reason.unwrap_or_default(),
        sections: sections.unwrap_or_default(),
    })
}

/// In what capacity `user` may amend `note` on `case`: the domain's rule
/// (SPEC C1), for the API and the pages alike.
pub fn capacity_to_amend(
    user: &caseload_store::User,
    note: &Note,
    case: &Case,
) -> Option<AmendedAs> {
    amend_capacity(
        &user.actor(),
        &note.author_id,
        &case.owner_id,
        &case.team_id,
    )
}

/// Why someone who can read a note may not amend it, in words they can act on.
pub fn amend_refusal(note: &Note) -> String {
    format!(
        "only the note's author ({}) or a supervisor of the case's team may amend this note; add a note of your own to the case instead",
        note.author_name
    )
}

/// Log and audit an attempt to amend a note by someone who may read it but
/// not amend it (`note.amend.denied`).
pub async fn log_refused_amendment(
    state: &AppState,
    user: &caseload_store::User,
    request_id: &str,
    note: &Note,
) -> Result<(), caseload_store::StoreError> {
    tracing::warn!(
        user = %user.id, role = %user.role, note = %note.id, author = %note.author_id,
        request_id, "amendment refused: not the note's author or a supervisor of its team"
    );
    crate::access::audit(
        state,
        user,
        request_id,
        "note.amend.denied",
        "note",
        Some(note.id.as_str()),
    )
    .await
}

/// Correct a note, in the capacity the amender has (`capacity_to_amend`,
/// which each face checks first: a refusal is logged and worded by it).
/// The original and every earlier amendment stay readable.
pub async fn amend(
    state: &AppState,
    ctx: &WriteCtx,
    note: &Note,
    capacity: AmendedAs,
    reason: &str,
    sections: &BTreeMap<String, String>,
) -> Result<Amendment, Refused> {
    let new = parse_amendment(note, reason, sections)?;
    Ok(state.store.add_amendment_as(&new, capacity, ctx).await?)
}
