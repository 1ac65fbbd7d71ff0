//! Case notes and their amendments. Append-only: there is deliberately no update or delete.
//!
//! Not yet written here: forwarded to the dialect, which still holds its own copy.

use async_trait::async_trait;
use caseload_domain::ids::*;
use caseload_domain::notes::AmendedAs;
use caseload_store::*;

use crate::{Dialect, SqlStore};

#[async_trait]
impl<D: Dialect> Notes for SqlStore<D> {
    async fn add_note(&self, new: &NewNote, ctx: &WriteCtx) -> Result<Note> {
        Notes::add_note(&self.dialect, new, ctx).await
    }

    async fn get_note(&self, id: &NoteId) -> Result<Note> {
        Notes::get_note(&self.dialect, id).await
    }

    async fn list_notes(&self, case: &CaseId) -> Result<Vec<Note>> {
        Notes::list_notes(&self.dialect, case).await
    }

    async fn add_amendment_as(
        &self,
        new: &NewAmendment,
        capacity: AmendedAs,
        ctx: &WriteCtx,
    ) -> Result<Amendment> {
        Notes::add_amendment_as(&self.dialect, new, capacity, ctx).await
    }
}
