//! Case notes and their amendments. Append-only: there is deliberately no update or delete.

use async_trait::async_trait;
use caseload_domain::ids::*;
use caseload_domain::notes::{AmendedAs, NoteKind, Section};
use jiff::Timestamp;
use serde::Serialize;

use crate::*;

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Note {
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub id: NoteId,
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub case_id: CaseId,
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub author_id: UserId,
    pub author_name: String,
    pub kind: NoteKind,
    /// The template the sections follow (`star`, `soap`).
    pub template: String,
    /// When the contact happened, as the author gave it.
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub occurred_at: Timestamp,
    /// When the note was written, by the server's clock.
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub recorded_at: Timestamp,
    pub late_entry: bool,
    pub late_reason: Option<String>,
    /// The sections as first written; never changed.
    pub sections: Vec<Section>,
    /// Corrections, oldest first.
    pub amendments: Vec<Amendment>,
    /// The sections with every amendment applied, for reading.
    pub current_sections: Vec<Section>,
}

#[derive(Debug, Clone)]
pub struct NewNote {
    pub case_id: CaseId,
    pub kind: NoteKind,
    pub template: String,
    pub occurred_at: Timestamp,
    pub late_entry: bool,
    pub late_reason: Option<String>,
    pub sections: Vec<Section>,
    /// A form's one-time key: a second note with the same key from the same
    /// author is refused as a conflict (a double-submitted form).
    pub submission_key: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Amendment {
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub id: AmendmentId,
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub note_id: NoteId,
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub author_id: UserId,
    pub author_name: String,
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub recorded_at: Timestamp,
    pub reason: String,
    /// The sections this amendment replaces, with their new text.
    pub sections: Vec<Section>,
    /// `author`, or `supervisor` when a supervisor of the case's team made
    /// it (SPEC C1: shown as such).
    pub amended_as: AmendedAs,
}

#[derive(Debug, Clone)]
pub struct NewAmendment {
    pub note_id: NoteId,
    pub reason: String,
    pub sections: Vec<Section>,
}

#[async_trait]
pub trait Notes: Send + Sync {
    async fn add_note(&self, new: &NewNote, ctx: &WriteCtx) -> Result<Note>;

    async fn get_note(&self, id: &NoteId) -> Result<Note>;

    async fn list_notes(&self, case: &CaseId) -> Result<Vec<Note>>;

    /// An amendment by the note's author.
    async fn add_amendment(&self, new: &NewAmendment, ctx: &WriteCtx) -> Result<Amendment> {
        self.add_amendment_as(new, AmendedAs::Author, ctx).await
    }

    /// An amendment made in `capacity` (who may amend is the domain's rule,
    /// `caseload_domain::notes::amend_capacity`, checked by the caller).
    async fn add_amendment_as(
        &self,
        new: &NewAmendment,
        capacity: AmendedAs,
        ctx: &WriteCtx,
    ) -> Result<Amendment>;
}
