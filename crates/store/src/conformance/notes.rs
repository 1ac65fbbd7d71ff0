//! Notes: append-only case notes, late entries, amendments and double
//! submissions.

use super::*;

/// This capability's scenarios — the plain ones, then those that need
/// `RawSql` — added to the one list `conformance_capabilities!` chains.
#[doc(hidden)]
#[macro_export]
macro_rules! conformance_notes {
    ([$($then:tt)*] [$($plain:tt)*] [$($raw:tt)*] $($rest:ident)*) => {
        $crate::conformance_collect! { [$($then)*]
            [$($plain)*
                notes::notes_are_stored_with_late_entry_and_reason,
                notes::amendments_keep_the_original_in_order,
                notes::amending_an_unknown_note_is_not_found,
                notes::a_double_submitted_note_is_stored_once,
                notes::a_supervisors_amendment_is_kept_as_such,
            ]
            [$($raw)*
                notes::the_database_refuses_to_rewrite_or_delete_notes,
            ]
            $($rest)*
        }
    };
}

pub async fn notes_are_stored_with_late_entry_and_reason(store: &dyn Store) {
    let f = Fixture::new(store).await;
    let on_time = store
        .add_note(&note(&f.case, 5, "Client rang"), &ctx(&f.ann, 6))
        .await
        .unwrap();
    assert!(!on_time.late_entry);
    assert_eq!(on_time.recorded_at, at(6));
    assert_eq!(on_time.occurred_at, at(5));
    assert_eq!(on_time.author_name, "Ann Adviser");

    let mut late = note(&f.case, 7, "Home visit");
    late.kind = NoteKind::FaceToFace;
    late.late_entry = true;
    late.late_reason = Some("Visit ran late; no signal".into());
    let late = store
        .add_note(&late, &ctx(&f.bob, 7 + 60 * 30))
        .await
        .unwrap();
    let back = store.get_note(&late.id).await.unwrap();
    assert_eq!(back, late, "the note as written is the note as stored");
    assert!(back.late_entry);
    assert_eq!(
        back.late_reason.as_deref(),
        Some("Visit ran late; no signal")
    );
    assert_eq!(back.kind, NoteKind::FaceToFace);
    assert_eq!(back, late);

    let text = "Line one\nLine two — ねこ 🐈 \"quoted\" <script>alert(1)</script>\t";
    let exact = store
        .add_note(&note(&f.case, 8, text), &ctx(&f.ann, 9))
        .await
        .unwrap();
    assert_eq!(
        store.get_note(&exact.id).await.unwrap().sections[0]
            .text
            .as_bytes(),
        text.as_bytes()
    );

    let listed: Vec<NoteId> = store
        .list_notes(&f.case.id)
        .await
        .unwrap()
        .into_iter()
        .map(|n| n.id)
        .collect();
    assert_eq!(
        listed,
        [on_time.id, late.id, exact.id],
        "notes list in order of when the contact happened"
    );
    // Times are kept to the microsecond, and the answer says so too.
    let mut fine = note(&f.case, 8, "Precise");
    fine.occurred_at = at(8) + SignedDuration::from_nanos(1_234_567);
    let written = store.add_note(&fine, &ctx(&f.ann, 9)).await.unwrap();
    assert_eq!(store.get_note(&written.id).await.unwrap(), written);
}

pub async fn amendments_keep_the_original_in_order(store: &dyn Store) {
    let f = Fixture::new(store).await;
    let n = store
        .add_note(&note(&f.case, 5, "Client owes £1,200"), &ctx(&f.ann, 6))
        .await
        .unwrap();
    let first = store
        .add_amendment(
            &NewAmendment {
                note_id: n.id.clone(),
                reason: "Wrong figure".into(),
                sections: sections(&[("situation", "Client owes £2,100")]),
            },
            &ctx(&f.ann, 10),
        )
        .await
        .unwrap();
    let second = store
        .add_amendment(
            &NewAmendment {
                note_id: n.id.clone(),
                reason: "Added the result".into(),
                sections: sections(&[("result", "Payment plan agreed")]),
            },
            &ctx(&f.bob, 12),
        )
        .await
        .unwrap();
    assert_eq!(first.recorded_at, at(10));
    assert_eq!(second.author_name, "Bob Adviser");
    let back = store.get_note(&n.id).await.unwrap();
    assert_eq!(
        back.sections,
        sections(&[("situation", "Client owes £1,200")]),
        "the original is kept"
    );
    assert_eq!(back.amendments, [first, second]);
    assert_eq!(
        back.current_sections,
        sections(&[
            ("situation", "Client owes £2,100"),
            ("result", "Payment plan agreed")
        ])
    );
    assert_eq!(store.list_notes(&f.case.id).await.unwrap()[0], back);
}

pub async fn amending_an_unknown_note_is_not_found(store: &dyn Store) {
    let f = Fixture::new(store).await;
    let err = store
        .add_amendment(
            &NewAmendment {
                note_id: NoteId::from_parts(1, [3; 10]),
                reason: "x".into(),
                sections: sections(&[("situation", "y")]),
            },
            &ctx(&f.ann, 10),
        )
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::NotFound(_)), "{err:?}");
    assert!(
        store
            .timeline(&f.case.id)
            .await
            .unwrap()
            .iter()
            .all(|e| e.kind != EventKind::NoteAmended)
    );
}

pub async fn a_double_submitted_note_is_stored_once(store: &dyn Store) {
    let f = Fixture::new(store).await;
    let mut n = note(&f.case, 2, "Once only");
    n.submission_key = Some("form-123".into());
    store.add_note(&n, &ctx(&f.ann, 3)).await.unwrap();
    let again = store.add_note(&n, &ctx(&f.ann, 3)).await.unwrap_err();
    assert!(matches!(again, StoreError::Conflict(_)), "{again:?}");
    assert_eq!(store.list_notes(&f.case.id).await.unwrap().len(), 1);
    // Another author's form may use the same key.
    store.add_note(&n, &ctx(&f.bob, 4)).await.unwrap();
    let events = store.timeline(&f.case.id).await.unwrap();
    assert_eq!(
        events
            .iter()
            .filter(|e| e.kind == EventKind::NoteAdded)
            .count(),
        2
    );
}

pub async fn a_supervisors_amendment_is_kept_as_such(store: &dyn Store) {
    use caseload_domain::notes::AmendedAs;
    let f = Fixture::new(store).await;
    let n = store
        .add_note(&note(&f.case, 5, "Client owes £1,200"), &ctx(&f.ann, 6))
        .await
        .unwrap();
    let by_author = store
        .add_amendment(
            &NewAmendment {
                note_id: n.id.clone(),
                reason: "Wrong figure".into(),
                sections: sections(&[("situation", "Client owes £2,100")]),
            },
            &ctx(&f.ann, 10),
        )
        .await
        .unwrap();
    let by_supervisor = store
        .add_amendment_as(
            &NewAmendment {
                note_id: n.id.clone(),
                reason: "File review: figure checked against the statement".into(),
                sections: sections(&[("situation", "Client owes £2,150")]),
            },
            AmendedAs::Supervisor,
            &ctx(&f.sue, 12),
        )
        .await
        .unwrap();
    assert_eq!(by_author.amended_as, AmendedAs::Author);
    assert_eq!(by_supervisor.amended_as, AmendedAs::Supervisor);
    assert_eq!(by_supervisor.author_name, "Sue Supervisor");
    let back = store.get_note(&n.id).await.unwrap();
    assert_eq!(back.amendments, [by_author, by_supervisor.clone()]);
    assert_eq!(store.list_notes(&f.case.id).await.unwrap()[0], back);
    let entry = store
        .timeline(&f.case.id)
        .await
        .unwrap()
        .into_iter()
        .find(|e| e.subject_id == by_supervisor.id.as_str())
        .expect("the supervisor's amendment is on the timeline");
    assert_eq!(entry.kind, EventKind::NoteAmended);
    assert_eq!(entry.data["amended_as"], "supervisor");
}

/// The notes table is append-only in the database itself: an operator's
/// own SQL cannot rewrite or delete a legal record.
pub async fn the_database_refuses_to_rewrite_or_delete_notes(store: &dyn Store, raw: &dyn RawSql) {
    let f = Fixture::new(store).await;
    let n = store
        .add_note(&note(&f.case, 2, "original"), &ctx(&f.ann, 3))
        .await
        .unwrap();
    let update = raw
        .try_execute(
            "UPDATE notes SET sections = '[]' WHERE id = ?",
            &[n.id.as_str()],
        )
        .await;
    assert!(update.unwrap_err().contains("append-only"));
    let delete = raw
        .try_execute("DELETE FROM notes WHERE id = ?", &[n.id.as_str()])
        .await;
    assert!(delete.is_err());
    assert_eq!(store.get_note(&n.id).await.unwrap().sections, n.sections);
}
