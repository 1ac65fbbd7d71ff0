//! Notes on the case page: shown as text, late entries, bad input reshown,
//! and amendments by the author or a supervisor.

use axum::http::StatusCode;
use caseload_store::prelude::*;

use crate::common::{csrf_of, post_form, sign_in, status_of};
use crate::support::TestApp;

#[tokio::test]
async fn note_text_is_shown_as_text_never_as_markup() {
    let app = TestApp::new().await;
    let (_, case) = app.client_and_case(&app.ann.1).await;
    let hostile = "<script>alert('x')</script><img src=x onerror=alert(1)> & \"quotes\"";
    app.note(&app.ann.1, &case, 5, hostile).await;
    let b = sign_in(&app, "ann@example.org").await;
    let html = b.get(&format!("/cases/{case}")).await.html().to_owned();
    assert!(!html.contains("<script>alert"), "script must be escaped");
    assert!(!html.contains("<img src=x"), "img must be escaped");
    assert!(html.contains("&#60;script&#62;alert("), "shown as text");
    assert!(
        html.contains("&#60;img src=x onerror=alert(1)&#62;"),
        "shown as text"
    );
}

#[tokio::test]
async fn a_late_note_shows_the_error_by_its_field_keeps_the_text_and_then_saves() {
    let app = TestApp::new().await;
    let (_, case) = app.client_and_case(&app.ann.1).await;
    let b = sign_in(&app, "ann@example.org").await;
    let page = format!("/cases/{case}/notes/new");
    // The clock says 09:00 on 2 March (UK time = UTC in March); the visit was the day before.
    let fields = [
        ("kind", "face_to_face"),
        ("occurred_at", "2026-03-01T08:00"),
        ("template", "star"),
        ("submission_key", "k1"),
        ("section_situation", "Home visit — damp in bedroom"),
    ];
    let r = b.submit(&page, &page, &fields).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let html = r.html();
    assert!(html.contains("There is a problem"));
    assert!(
        html.contains("id=\"e-late_reason\""),
        "the error sits by its field"
    );
    assert!(
        html.contains("Home visit — damp in bedroom"),
        "what was typed is kept"
    );
    assert_eq!(app.count("notes").await, 0);
    let mut with_reason = fields.to_vec();
    with_reason.push(("late_reason", "Visit ran over; written up next morning"));
    let saved = b.submit(&page, &page, &with_reason).await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.html());
    let case_page = b.get(&format!("/cases/{case}")).await;
    assert!(case_page.html().contains("Late entry"));
    assert!(
        case_page
            .html()
            .contains("Visit ran over; written up next morning")
    );
    // The same form sent again stores nothing new.
    let again = b.submit(&page, &page, &with_reason).await;
    assert_eq!(again.status, StatusCode::SEE_OTHER);
    assert_eq!(app.count("notes").await, 1);
}

#[tokio::test]
async fn bad_form_input_is_reshown_with_messages_and_nothing_stored() {
    let app = TestApp::new().await;
    let (client, case) = app.client_and_case(&app.ann.1).await;
    let b = sign_in(&app, "ann@example.org").await;
    let future = b
        .submit(
            &format!("/cases/{case}/notes/new"),
            &format!("/cases/{case}/notes/new"),
            &[
                ("kind", "phone"),
                ("occurred_at", "2026-03-05T10:00"),
                ("section_situation", "x"),
            ],
        )
        .await;
    assert_eq!(future.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(future.html().contains("in the future"));
    let garbled = b
        .submit(
            &format!("/cases/{case}/notes/new"),
            &format!("/cases/{case}/notes/new"),
            &[
                ("kind", "phone"),
                ("occurred_at", "tuesday"),
                ("section_situation", "x"),
            ],
        )
        .await;
    assert!(
        garbled
            .html()
            .contains("When it happened must be a date and time")
    );
    let empty = b
        .submit("/clients/new", "/clients/new", &[("name", "  ")])
        .await;
    assert_eq!(empty.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(empty.html().contains("Name is required"));
    let long = "x".repeat(201);
    let too_long = b
        .submit(
            "/clients/new",
            "/clients/new",
            &[("name", &long), ("date_of_birth", "2099-01-01")],
        )
        .await;
    assert!(too_long.html().contains("at most 200 characters"));
    assert!(
        too_long
            .html()
            .contains("Date of birth cannot be in the future")
    );
    let close = b
        .submit(
            &format!("/cases/{case}/status"),
            &format!("/cases/{case}/status"),
            &[("status", "closed")],
        )
        .await;
    assert_eq!(close.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(close.html().contains("Closure summary is required"));
    let task = b
        .submit(
            &format!("/cases/{case}/tasks/new"),
            &format!("/cases/{case}/tasks/new"),
            &[("title", ""), ("due_date", "31/02/2026")],
        )
        .await;
    assert!(
        task.html().contains("Task is required")
            && task.html().contains("Due date must be a real date")
    );
    let new_case = b
        .submit(
            &format!("/clients/{client}/cases/new"),
            &format!("/clients/{client}/cases/new"),
            &[
                ("title", "T"),
                ("service_area", "astrology"),
                ("complexity", "low"),
                ("status", "open"),
                ("owner_id", app.cat.0.id.as_str()),
            ],
        )
        .await;
    assert!(new_case.html().contains("Service area must be chosen"));
    assert!(
        new_case
            .html()
            .contains("Owner must be an active practitioner or supervisor in your team")
    );
    assert_eq!(app.count("notes").await, 0);
    assert_eq!(app.count("clients").await, 1);
    assert_eq!(app.count("cases").await, 1);
    assert_eq!(app.count("tasks").await, 0);
}

#[tokio::test]
async fn amending_a_note_keeps_the_original_readable() {
    let app = TestApp::new().await;
    let (_, case) = app.client_and_case(&app.ann.1).await;
    let note = app.note(&app.ann.1, &case, 5, "Owes £1,200").await.id();
    let b = sign_in(&app, "ann@example.org").await;
    let page = format!("/notes/{note}/amend");
    let form = b.get(&page).await;
    assert!(
        form.html().contains("The note you are amending") && form.html().contains("Owes £1,200")
    );
    let no_reason = b
        .submit(
            &page,
            &page,
            &[("reason", ""), ("section_situation", "Owes £2,100")],
        )
        .await;
    assert_eq!(no_reason.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        no_reason
            .html()
            .contains("Reason for the amendment is required")
    );
    assert!(
        no_reason.html().contains("Owes £2,100"),
        "the correction typed is kept"
    );
    let saved = b
        .submit(
            &page,
            &page,
            &[
                ("reason", "Figure transposed"),
                ("section_situation", "Owes £2,100"),
            ],
        )
        .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER);
    let html = b.get(&format!("/cases/{case}")).await.html().to_owned();
    assert!(html.contains("Amended 1 time"));
    assert!(
        html.contains("Owes £1,200")
            && html.contains("Owes £2,100")
            && html.contains("Figure transposed")
    );
}

#[tokio::test]
async fn a_colleague_sees_no_amend_link_and_is_offered_a_note_of_their_own() {
    let app = TestApp::new().await;
    let (_, case) = app.client_and_case(&app.ann.1).await;
    let note = app.note(&app.ann.1, &case, 5, "Owes £1,200").await.id();
    let amend = format!("/notes/{note}/amend");

    let ann = sign_in(&app, "ann@example.org").await;
    assert!(
        ann.get(&format!("/cases/{case}"))
            .await
            .html()
            .contains(&amend)
    );

    let bob = sign_in(&app, "bob@example.org").await;
    let html = bob.get(&format!("/cases/{case}")).await.html().to_owned();
    assert!(!html.contains(&amend), "no Amend link for a colleague");
    assert!(
        html.contains("Only Ann Adviser or a supervisor can amend this note")
            && html.contains(&format!(
                "href=\"/cases/{case}/notes/new\">Add your own note"
            ))
    );
    let visit = bob.get(&amend).await;
    assert_eq!(visit.status, StatusCode::FORBIDDEN);
    assert!(
        visit.html().contains("This note cannot be amended by you")
            && visit
                .html()
                .contains("Only the note&#39;s author (Ann Adviser) or a supervisor")
            && visit.html().contains("Owes £1,200"),
        "{}",
        visit.html()
    );
    let csrf = csrf_of(bob.get(&format!("/cases/{case}")).await.html());
    let post = post_form(
        &app,
        &amend,
        Some(&bob.cookie),
        &[
            ("csrf", &csrf),
            ("reason", "I think it was more"),
            ("section_situation", "Owes £2,100"),
        ],
        "same-origin",
    )
    .await;
    assert_eq!(post.status, StatusCode::FORBIDDEN);
    assert_eq!(app.count("note_amendments").await, 0);
    let refusals = app
        .store
        .list_audit(50)
        .await
        .unwrap()
        .into_iter()
        .filter(|e| e.action == "note.amend.denied")
        .count();
    assert_eq!(refusals, 2, "the visit and the post are both logged");
}

#[tokio::test]
async fn a_supervisor_amends_a_colleagues_note_and_it_is_shown_as_such() {
    let app = TestApp::new().await;
    let (_, case) = app.client_and_case(&app.ann.1).await;
    let note = app.note(&app.ann.1, &case, 5, "Owes £1,200").await.id();
    let sue = sign_in(&app, "sue@example.org").await;
    let html = sue.get(&format!("/cases/{case}")).await.html().to_owned();
    assert!(html.contains("Amend this note as supervisor"));
    let page = format!("/notes/{note}/amend");
    let form = sue.get(&page).await;
    assert!(form.html().contains("as a supervisor of the case's team"));
    let saved = sue
        .submit(
            &page,
            &page,
            &[
                ("reason", "File review: checked the statement"),
                ("section_situation", "Owes £2,150"),
            ],
        )
        .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER);
    let html = sue.get(saved.location()).await.html().to_owned();
    assert!(
        html.contains("Amended by Sue Supervisor (supervisor)"),
        "{html}"
    );
    assert!(
        status_of(&html)
            .contains("Amendment saved (as supervisor): phone call note of Mon 2 Mar 2026, 08:55.")
    );
}
