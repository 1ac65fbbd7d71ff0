//! A case's notes as the case page and the note pages show them: current
//! text, with the original and every amendment.

use caseload_domain::notes::{STAR, Template as NoteTemplate};
use caseload_store::{Case, Note, User};

use crate::AppState;
use crate::pages::format::when;

/// A note as shown: current text, with the original and every amendment.
pub struct NoteView {
    pub id: String,
    pub case_id: String,
    /// Whether the person looking may amend it, and how: `author`,
    /// `supervisor`, or empty (read-only: they may add a note of their own).
    pub amend: &'static str,
    pub kind: &'static str,
    pub author: String,
    pub occurred: String,
    pub recorded: String,
    pub late_entry: bool,
    pub late_reason: String,
    pub template: &'static str,
    pub current: Vec<(String, String)>,
    pub original: Vec<(String, String)>,
    pub amendments: Vec<AmendmentView>,
}

pub struct AmendmentView {
    pub number: usize,
    pub author: String,
    pub recorded: String,
    pub reason: String,
    pub sections: Vec<(String, String)>,
    /// Made by a supervisor of the case's team, not the note's author.
    pub by_supervisor: bool,
}

/// A note as `user` sees it on `case`: with "Amend" only if the domain's
/// rule lets them (SPEC C1).
pub fn note_view_for(note: &Note, case: &Case, user: &User, state: &AppState) -> NoteView {
    let mut view = note_view(note, state);
    view.amend = crate::notes::capacity_to_amend(user, note, case)
        .map(|c| c.as_str())
        .unwrap_or("");
    view
}

/// A note as shown read-only (no "Amend").
pub fn note_view(note: &Note, state: &AppState) -> NoteView {
    let template = NoteTemplate::find(&note.template).unwrap_or(&STAR);
    let labelled = |sections: &[caseload_domain::notes::Section]| -> Vec<(String, String)> {
        sections
            .iter()
            .map(|s| (template.label(&s.name).to_owned(), s.text.clone()))
            .collect()
    };
    NoteView {
        id: note.id.to_string(),
        case_id: note.case_id.to_string(),
        amend: "",
        kind: note.kind.label(),
        author: note.author_name.clone(),
        occurred: when(note.occurred_at, &state.tz),
        recorded: when(note.recorded_at, &state.tz),
        late_entry: note.late_entry,
        late_reason: note.late_reason.clone().unwrap_or_default(),
        template: template.name,
        current: labelled(&note.current_sections),
        original: labelled(&note.sections),
        amendments: note
            .amendments
            .iter()
            .enumerate()
            .map(|(i, a)| AmendmentView {
                number: i + 1,
                author: a.author_name.clone(),
                recorded: when(a.recorded_at, &state.tz),
                reason: a.reason.clone(),
                sections: labelled(&a.sections),
                by_supervisor: a.amended_as == caseload_domain::notes::AmendedAs::Supervisor,
            })
            .collect(),
    }
}
