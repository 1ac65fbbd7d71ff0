//! Case notes and their amendments. Append-only: there is deliberately no
//! update or delete. Appending a note is the dialect's own statement (see
//! `Dialect::add_note`); reading and amending are shared.

use async_trait::async_trait;
use caseload_domain::ids::*;
use caseload_domain::notes::{AmendedAs, NoteKind};
use caseload_domain::records::EventKind;
use caseload_store::*;
use serde_json::json;
use tracing::instrument;

use crate::audit::audit;
use crate::cases::{event, parent_case};
use crate::{Dialect, SqlRow, SqlStore, Statement, one};

#[async_trait]
impl<D: Dialect> Notes for SqlStore<D> {
    #[instrument(skip_all)]
    async fn add_note(&self, new: &NewNote, ctx: &WriteCtx) -> Result<Note> {
        self.dialect.add_note(new, ctx).await
    }

    #[instrument(skip_all)]
    async fn get_note(&self, id: &NoteId) -> Result<Note> {
        let mut conn = self.dialect.acquire_reader().await?;
        fetch_note::<D>(&mut conn, id).await
    }

    #[instrument(skip_all)]
    async fn list_notes(&self, case: &CaseId) -> Result<Vec<Note>> {
        let rows = D::query(&format!(
            "{NOTE_SELECT} WHERE n.case_id = $1 ORDER BY n.occurred_at, n.recorded_at, n.id"
        ))
        .bind_str(case.as_str())
        .fetch_all(self.reader())
        .await?;
        let mut notes: Vec<Note> = rows.iter().map(note_row).collect::<Result<_>>()?;
        let rows = D::query(&format!(
            "{AMENDMENT_SELECT} JOIN notes n ON n.id = a.note_id WHERE n.case_id = $1 ORDER BY a.note_id, a.seq"
        ))
        .bind_str(case.as_str())
        .fetch_all(self.reader())
        .await?;
        for row in &rows {
            let a = amendment_row(row)?;
            if let Some(n) = notes.iter_mut().find(|n| n.id == a.note_id) {
                n.amendments.push(a);
            }
        }
        notes.iter_mut().for_each(decode::finish_note);
        Ok(notes)
    }

    #[instrument(skip_all)]
    async fn add_amendment_as(
        &self,
        new: &NewAmendment,
        capacity: AmendedAs,
        ctx: &WriteCtx,
    ) -> Result<Amendment> {
        let id = new_id(AmendmentId::from_parts, ctx.at);
        let mut tx = self.dialect.begin().await?;
        let case = parent_case::<D>(&mut tx, "notes", new.note_id.as_str(), "note").await?;
        D::query(
            "INSERT INTO note_amendments (id, note_id, seq, author_id, recorded_at, reason, sections, amended_as) \
             VALUES ($1, $2, (SELECT COALESCE(MAX(seq), 0) + 1 FROM note_amendments WHERE note_id = $3), $4, $5, $6, $7, $8)",
        )
        .bind_str(id.as_str())
        .bind_str(new.note_id.as_str())
        .bind_str(new.note_id.as_str())
        .bind_str(ctx.actor.as_str())
        .bind_ts(ctx.at)
        .bind_str(&new.reason)
        .bind_json(decode::sections_json(&new.sections))
        .bind_str(capacity.as_str())
        .execute_in(&mut tx)
        .await?;
        let names: Vec<&str> = new.sections.iter().map(|s| s.name.as_str()).collect();
        let data = json!({"note_id": new.note_id, "sections": names, "amended_as": capacity});
        event::<D>(
            &mut tx,
            &case,
            ctx.at,
            ctx,
            EventKind::NoteAmended,
            id.as_str(),
            data,
        )
        .await?;
        audit::<D>(&mut tx, ctx, "note.amend", "note", new.note_id.as_str()).await?;
        let row = D::query(&format!("{AMENDMENT_SELECT} WHERE a.id = $1"))
            .bind_str(id.as_str())
            .fetch_one_in(&mut tx)
            .await?;
        let amendment = amendment_row(&row)?;
        D::commit(tx).await?;
        Ok(amendment)
    }
}

/// A note as read back (without its amendments).
pub fn note_row(r: &impl SqlRow) -> Result<Note> {
    Ok(Note {
        id: NoteId::from_trusted(r.string("id")?),
        case_id: CaseId::from_trusted(r.string("case_id")?),
        author_id: UserId::from_trusted(r.string("author_id")?),
        author_name: r.string("author_name")?,
        kind: decode::vocab(&r.string("kind")?, NoteKind::parse, "note kind")?,
        template: r.string("template")?,
        occurred_at: r.ts("occurred_at")?,
        recorded_at: r.ts("recorded_at")?,
        late_entry: r.bool("late_entry")?,
        late_reason: r.opt_string("late_reason")?,
        sections: decode::sections(&r.json_text("sections")?)?,
        amendments: Vec::new(),
        current_sections: Vec::new(),
    })
}

fn amendment_row(r: &impl SqlRow) -> Result<Amendment> {
    Ok(Amendment {
        id: AmendmentId::from_trusted(r.string("id")?),
        note_id: NoteId::from_trusted(r.string("note_id")?),
        author_id: UserId::from_trusted(r.string("author_id")?),
        author_name: r.string("author_name")?,
        recorded_at: r.ts("recorded_at")?,
        reason: r.string("reason")?,
        sections: decode::sections(&r.json_text("sections")?)?,
        amended_as: decode::vocab(&r.string("amended_as")?, AmendedAs::parse, "amended as")?,
    })
}

async fn fetch_note<D: Dialect>(conn: &mut D::Conn, id: &NoteId) -> Result<Note> {
    let row = D::query(&format!("{NOTE_SELECT} WHERE n.id = $1"))
        .bind_str(id.as_str())
        .fetch_optional_in(&mut *conn)
        .await?;
    let mut note = one(row, "note", note_row)?;
    let rows = D::query(&format!(
        "{AMENDMENT_SELECT} WHERE a.note_id = $1 ORDER BY a.seq"
    ))
    .bind_str(id.as_str())
    .fetch_all_in(conn)
    .await?;
    note.amendments = rows.iter().map(amendment_row).collect::<Result<_>>()?;
    decode::finish_note(&mut note);
    Ok(note)
}

const NOTE_SELECT: &str = "SELECT n.id, n.case_id, n.author_id, u.name AS author_name, n.kind, n.template, \
    n.occurred_at, n.recorded_at, n.late_entry, n.late_reason, n.sections FROM notes n JOIN users u ON u.id = n.author_id";

const AMENDMENT_SELECT: &str = "SELECT a.id, a.note_id, a.author_id, u.name AS author_name, a.recorded_at, a.reason, \
    a.sections, a.amended_as FROM note_amendments a JOIN users u ON u.id = a.author_id";
