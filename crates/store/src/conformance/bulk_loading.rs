//! Bulk loading (`caseload demo --scale`): rows written in bulk read back
//! through the store.

use super::*;

/// This capability's scenarios — the plain ones, then those that need
/// `RawSql` — added to the one list `conformance_capabilities!` chains.
#[doc(hidden)]
#[macro_export]
macro_rules! conformance_bulk_loading {
    ([$($then:tt)*] [$($plain:tt)*] [$($raw:tt)*] $($rest:ident)*) => {
        $crate::conformance_collect! { [$($then)*]
            [$($plain)*
                bulk_loading::bulk_loading_writes_records_the_store_reads_back,
            ]
            [$($raw)*]
            $($rest)*
        }
    };
}

pub async fn bulk_loading_writes_records_the_store_reads_back(store: &dyn Store) {
    use BulkValue::*;
    let f = Fixture::new(store).await;
    let case_id = CaseId::from_parts(1, [7; 10]);
    let note_id = NoteId::from_parts(2, [7; 10]);
    let text = |s: &str| Text(Some(s.to_owned()));
    let batches = vec![
        BulkRows {
            table: "cases",
            columns: &[
                "id",
                "client_id",
                "title",
                "service_area",
                "owner_id",
                "team_id",
                "status",
                "complexity",
                "opened_at",
                "closed_at",
                "created_by",
                "created_at",
                "updated_at",
            ],
            rows: vec![vec![
                text(case_id.as_str()),
                text(f.client.id.as_str()),
                text("Bulk case — ünïcode"),
                text("debt"),
                text(f.ann.id.as_str()),
                text(f.team_a.id.as_str()),
                text("open"),
                text("medium"),
                Ts(Some(at(1))),
                Ts(None),
                text(f.ann.id.as_str()),
                Ts(Some(at(1))),
                Ts(Some(at(1))),
            ]],
        },
        BulkRows {
            table: "notes",
            columns: &[
                "id",
                "case_id",
                "author_id",
                "kind",
                "template",
                "occurred_at",
                "recorded_at",
                "late_entry",
                "late_reason",
                "sections",
            ],
            rows: vec![vec![
                text(note_id.as_str()),
                text(case_id.as_str()),
                text(f.ann.id.as_str()),
                text("phone"),
                text("star"),
                Ts(Some(at(2))),
                Ts(Some(at(3))),
                Bool(false),
                Text(None),
                Json(serde_json::json!([{"name": "situation", "text": "Called"}])),
            ]],
        },
        // An amendment written past the store, as rows from before
        // capacities were recorded: it does not claim one.
        BulkRows {
            table: "note_amendments",
            columns: &[
                "id",
                "note_id",
                "seq",
                "author_id",
                "recorded_at",
                "reason",
                "sections",
            ],
            rows: vec![vec![
                text(AmendmentId::from_parts(4, [7; 10]).as_str()),
                text(note_id.as_str()),
                Int(Some(1)),
                text(f.bob.id.as_str()),
                Ts(Some(at(4))),
                text("Corrected a date"),
                Json(serde_json::json!([{"name": "situation", "text": "Called back"}])),
            ]],
        },
        BulkRows {
            table: "tasks",
            columns: &[
                "id",
                "case_id",
                "title",
                "due_date",
                "status",
                "created_by",
                "created_at",
            ],
            rows: vec![vec![
                text(TaskId::from_parts(3, [7; 10]).as_str()),
                text(case_id.as_str()),
                text("Chase"),
                Date(Some("2026-03-20".parse().unwrap())),
                text("open"),
                text(f.ann.id.as_str()),
                Ts(Some(at(2))),
            ]],
        },
    ];
    store.bulk_insert(&batches).await.unwrap();
    let case = store.get_case(&case_id).await.unwrap();
    assert_eq!(case.title, "Bulk case — ünïcode");
    let notes = store.list_notes(&case_id).await.unwrap();
    assert_eq!(notes[0].id, note_id);
    assert_eq!(notes[0].occurred_at, at(2));
    assert_eq!(
        notes[0].amendments[0].amended_as,
        caseload_domain::notes::AmendedAs::Unrecorded,
        "an amendment with no capacity recorded says so"
    );
    let tasks = store.list_tasks(&case_id).await.unwrap();
    assert_eq!(tasks[0].due_date, "2026-03-20".parse().ok());
    // Only case-record tables, and rows as wide as their columns.
    let sessions = BulkRows {
        table: "sessions",
        columns: &["id"],
        rows: vec![vec![text("x")]],
    };
    assert!(matches!(
        store.bulk_insert(&[sessions]).await,
        Err(StoreError::Conflict(_))
    ));
    let short = BulkRows {
        table: "teams",
        columns: &["id", "name", "created_at"],
        rows: vec![vec![text("tea_x")]],
    };
    assert!(matches!(
        store.bulk_insert(&[short]).await,
        Err(StoreError::Conflict(_))
    ));
    // A failing batch changes nothing: all or nothing.
    let dup = BulkRows {
        table: "teams",
        columns: &["id", "name", "created_at"],
        rows: vec![
            vec![text("tea_new"), text("New team"), Ts(Some(at(5)))],
            vec![text(f.team_a.id.as_str()), text("Again"), Ts(Some(at(5)))],
        ],
    };
    assert!(store.bulk_insert(&[dup]).await.is_err());
    assert_eq!(store.list_teams().await.unwrap().len(), 2);
}
