//! The one conformance suite. Every backend runs every test here through
//! [`store_conformance_tests!`](crate::store_conformance_tests), each on a
//! fresh, migrated store — so SQLite and PostgreSQL are held to exactly the
//! same behaviour.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::cloned_ref_to_slice_refs
)]

use std::collections::{BTreeMap, BTreeSet};

use caseload_domain::cases::{CaseStatus, ClosureReason, Complexity, ServiceArea, StatusChange};
use caseload_domain::ids::*;
use caseload_domain::notes::{NoteKind, Section};
use caseload_domain::records::{EventKind, ObstacleCategory, OutcomeStatus, TaskStatus};
use caseload_domain::text::Email;
use caseload_domain::users::Role;
use jiff::{SignedDuration, Timestamp};

use crate::*;

/// The one list of conformance scenarios. Calls `$callback!` with the
/// given leading tokens followed by every scenario's name, so the test
/// generator below and other harnesses (the query-plan tests) drive the
/// same scenarios and cannot drift apart.
#[macro_export]
macro_rules! conformance_scenarios {
    ([$($callback:tt)+] $($lead:tt)*) => {
        $($callback)+! { $($lead)*
            teams_and_users_round_trip,
            duplicate_emails_and_team_names_are_conflicts,
            api_tokens_find_only_active_users,
            clients_round_trip_unicode_byte_exact,
            clients_list_only_within_scope,
            cases_round_trip_and_filter,
            cases_list_only_within_scope_and_page,
            a_case_for_an_unknown_client_is_refused,
            status_changes_are_kept_and_stale_changes_conflict,
            notes_are_stored_with_late_entry_and_reason,
            amendments_keep_the_original_in_order,
            amending_an_unknown_note_is_not_found,
            outcomes_record_progress,
            obstacles_resolve_once,
            tasks_change_status_and_stale_changes_conflict,
            the_timeline_merges_everything_oldest_first,
            writes_append_audit_events_without_content,
            a_batch_of_reads_larger_than_a_statement_is_recorded_whole,
            unknown_ids_are_not_found,
            sessions_are_found_until_revoked,
            passwords_and_user_changes_are_kept,
            a_double_submitted_note_is_stored_once,
            the_caseload_shows_what_needs_attention,
            the_team_summary_counts_open_cases_and_overdue_tasks,
            deadlines_bring_their_task_and_timeline_entry,
            calendars_keep_imports_closures_and_choices,
            policy_versions_are_kept_in_order,
            assessments_set_the_band_and_keep_the_history,
            calendar_feeds_are_private_and_revocable,
            timescale_versions_are_kept_in_order,
            active_cases_carry_what_their_clocks_need,
            alerts_are_sent_once,
            bulk_loading_writes_records_the_store_reads_back,
            every_settings_change_moves_the_generation,
            the_caseload_mark_moves_with_every_change_to_the_caseload,
            clients_are_found_by_any_word_of_their_folded_name_and_by_date_of_birth,
            clients_sort_with_accented_letters_among_their_plain_letters_a_page_at_a_time,
            editing_a_client_keeps_each_changed_field_old_and_new_in_their_history,
            renaming_a_client_renames_their_cases_and_moves_the_caseload_mark,
            notifications_filter_by_kind_and_case_with_their_case_named,
            only_your_own_notifications_are_acknowledged_in_bulk,
            the_session_carries_the_unread_notification_count,
            a_supervisors_amendment_is_kept_as_such,
            a_cancelled_task_keeps_its_reason_on_the_timeline,
        }
    };
}

/// Generate one `#[tokio::test]` per conformance test for a backend.
/// `$make` is an async expression giving a fresh, migrated store.
#[macro_export]
macro_rules! store_conformance_tests {
    ($make:expr) => {
        $crate::conformance_scenarios!([$crate::store_conformance_tests] @tests $make;);
    };
    (@tests $make:expr; $($name:ident,)+) => {
        $(
            #[tokio::test]
            async fn $name() {
                let Some(store) = $make.await else { return };
                $crate::conformance::$name(&store).await;
            }
        )+
    };
}

fn t0() -> Timestamp {
    "2026-03-02T09:00:00Z".parse().unwrap()
}

fn at(minutes: i64) -> Timestamp {
    t0().checked_add(SignedDuration::from_mins(minutes))
        .unwrap()
}

/// Two teams, three practitioners and a supervisor, one client and one case.
pub struct Fixture {
    pub team_a: Team,
    pub team_b: Team,
    pub ann: User,
    pub bob: User,
    pub sue: User,
    pub cat: User,
    pub client: Client,
    pub case: Case,
}

pub fn ctx(user: &User, minutes: i64) -> WriteCtx {
    WriteCtx {
        actor: user.id.clone(),
        at: at(minutes),
        request_id: format!("req-{minutes}"),
    }
}

async fn user(store: &dyn Store, email: &str, name: &str, role: Role, team: &Team) -> User {
    store
        .create_user(
            &NewUser {
                email: Email::parse("email", email).unwrap(),
                name: name.into(),
                role,
                team_id: Some(team.id.clone()),
            },
            t0(),
        )
        .await
        .unwrap()
}

impl Fixture {
    pub async fn new(store: &dyn Store) -> Fixture {
        let team_a = store.create_team("North", t0()).await.unwrap();
        let team_b = store.create_team("South", t0()).await.unwrap();
        let ann = user(
            store,
            "ann@example.org",
            "Ann Adviser",
            Role::Practitioner,
            &team_a,
        )
        .await;
        let bob = user(
            store,
            "bob@example.org",
            "Bob Adviser",
            Role::Practitioner,
            &team_a,
        )
        .await;
        let sue = user(
            store,
            "sue@example.org",
            "Sue Supervisor",
            Role::Supervisor,
            &team_a,
        )
        .await;
        let cat = user(
            store,
            "cat@example.org",
            "Cat Adviser",
            Role::Practitioner,
            &team_b,
        )
        .await;
        let client = store
            .create_client(&new_client("Dana Client", &team_a), &ctx(&ann, 0))
            .await
            .unwrap();
        let case = store
            .create_case(
                &new_case(&client, &ann, &team_a, "Rent arrears"),
                &ctx(&ann, 1),
            )
            .await
            .unwrap();
        Fixture {
            team_a,
            team_b,
            ann,
            bob,
            sue,
            cat,
            client,
            case,
        }
    }
}

pub fn new_client(name: &str, team: &Team) -> NewClient {
    NewClient {
        name: name.into(),
        date_of_birth: Some("1990-05-17".parse().unwrap()),
        phone: Some("07700 900123".into()),
        email: None,
        address: Some("1 High Street".into()),
        team_id: team.id.clone(),
        contact: Default::default(),
        access_needs: Default::default(),
    }
}

pub fn new_case(client: &Client, owner: &User, team: &Team, title: &str) -> NewCase {
    NewCase {
        client_id: client.id.clone(),
        title: title.into(),
        service_area: ServiceArea::Housing,
        complexity: Complexity::Medium,
        owner_id: owner.id.clone(),
        team_id: team.id.clone(),
        status: CaseStatus::Open,
    }
}

fn sections(pairs: &[(&str, &str)]) -> Vec<Section> {
    pairs
        .iter()
        .map(|(n, t)| Section {
            name: (*n).into(),
            text: (*t).into(),
        })
        .collect()
}

fn note(case: &Case, occurred: i64, text: &str) -> NewNote {
    NewNote {
        case_id: case.id.clone(),
        kind: NoteKind::Phone,
        template: "star".into(),
        occurred_at: at(occurred),
        late_entry: false,
        late_reason: None,
        sections: sections(&[("situation", text)]),
        submission_key: None,
    }
}

fn scope(u: &User) -> Scope {
    Scope {
        user: u.id.clone(),
        team: u.team_id.clone(),
    }
}

pub async fn teams_and_users_round_trip(store: &dyn Store) {
    let f = Fixture::new(store).await;
    assert_eq!(store.get_user(&f.ann.id).await.unwrap(), f.ann);
    assert_eq!(
        store.find_user_by_email("ann@example.org").await.unwrap(),
        Some(f.ann.clone())
    );
    assert_eq!(
        store
            .find_user_by_email("nobody@example.org")
            .await
            .unwrap(),
        None
    );
    assert_eq!(
        store.find_team_by_name("South").await.unwrap(),
        Some(f.team_b.clone())
    );
    let teams: Vec<String> = store
        .list_teams()
        .await
        .unwrap()
        .into_iter()
        .map(|t| t.name)
        .collect();
    assert_eq!(teams, ["North", "South"]);
    assert_eq!(store.count_users().await.unwrap(), 4);
    assert_eq!(store.list_users().await.unwrap().len(), 4);
    assert_eq!(f.sue.role, Role::Supervisor);
    assert!(f.ann.active);
}

pub async fn duplicate_emails_and_team_names_are_conflicts(store: &dyn Store) {
    let f = Fixture::new(store).await;
    let err = store.create_team("North", t0()).await.unwrap_err();
    assert!(matches!(err, StoreError::Conflict(_)), "{err:?}");
    let again = NewUser {
        email: Email::parse("email", "ANN@example.org").unwrap(),
        name: "Another Ann".into(),
        role: Role::Practitioner,
        team_id: Some(f.team_a.id.clone()),
    };
    let err = store.create_user(&again, t0()).await.unwrap_err();
    assert!(matches!(err, StoreError::Conflict(_)), "{err:?}");
    assert_eq!(store.count_users().await.unwrap(), 4);
}

pub async fn api_tokens_find_only_active_users(store: &dyn Store) {
    let f = Fixture::new(store).await;
    store
        .create_api_token(&f.ann.id, "hash-one", t0())
        .await
        .unwrap();
    assert_eq!(
        store
            .user_for_token("hash-one")
            .await
            .unwrap()
            .map(|(u, _)| u.id),
        Some(f.ann.id.clone())
    );
    // With the settings generation, read in the same statement.
    let (_, generation) = store.user_for_token("hash-one").await.unwrap().unwrap();
    assert_eq!(generation, store.settings_generation().await.unwrap());
    assert_eq!(store.user_for_token("hash-two").await.unwrap(), None);
    let err = store
        .create_api_token(&f.bob.id, "hash-one", t0())
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::Conflict(_)), "{err:?}");
}

pub async fn clients_round_trip_unicode_byte_exact(store: &dyn Store) {
    let f = Fixture::new(store).await;
    for name in [
        "Siobhán O'Hara",
        "ねこ",
        "Zoë 👩🏽‍🦱 Smith",
        "مريم الحسن",
        "Robert'); DROP TABLE clients;--",
    ] {
        let c = store
            .create_client(&new_client(name, &f.team_a), &ctx(&f.ann, 2))
            .await
            .unwrap();
        let back = store.get_client(&c.id).await.unwrap();
        assert_eq!(back.name.as_bytes(), name.as_bytes());
        assert_eq!(back, c);
    }
    assert_eq!(f.client.date_of_birth, Some("1990-05-17".parse().unwrap()));
    assert_eq!(f.client.created_at, at(0));
}

pub async fn clients_list_only_within_scope(store: &dyn Store) {
    let f = Fixture::new(store).await;
    let other = store
        .create_client(&new_client("Eve Other", &f.team_b), &ctx(&f.cat, 2))
        .await
        .unwrap();
    let mine: Vec<ClientId> = store
        .list_clients(&scope(&f.bob), &Page::default())
        .await
        .unwrap()
        .into_iter()
        .map(|c| c.id)
        .collect();
    assert_eq!(mine, [f.client.id.clone()]);
    let theirs: Vec<ClientId> = store
        .list_clients(&scope(&f.cat), &Page::default())
        .await
        .unwrap()
        .into_iter()
        .map(|c| c.id)
        .collect();
    assert_eq!(theirs, [other.id]);
}

pub async fn cases_round_trip_and_filter(store: &dyn Store) {
    let f = Fixture::new(store).await;
    let got = store.get_case(&f.case.id).await.unwrap();
    assert_eq!(got, f.case);
    assert_eq!(got.client_name, "Dana Client");
    assert_eq!(got.owner_name, "Ann Adviser");
    assert_eq!(got.status, CaseStatus::Open);
    assert_eq!(got.opened_at, Some(at(1)));
    assert_eq!(got.closed_at, None);

    let mut debt = new_case(&f.client, &f.bob, &f.team_a, "Council tax arrears");
    debt.service_area = ServiceArea::Debt;
    debt.status = CaseStatus::Referral;
    let debt = store.create_case(&debt, &ctx(&f.bob, 3)).await.unwrap();
    assert_eq!(debt.opened_at, None);

    let all = Page::default();
    let by_area = CaseFilter {
        service_area: Some(ServiceArea::Debt),
        ..Default::default()
    };
    let ids = |cases: Vec<Case>| cases.into_iter().map(|c| c.id).collect::<Vec<_>>();
    assert_eq!(
        ids(store
            .list_cases(&by_area, &scope(&f.ann), &all)
            .await
            .unwrap()),
        [debt.id.clone()]
    );
    let by_owner = CaseFilter {
        owner: Some(f.ann.id.clone()),
        ..Default::default()
    };
    assert_eq!(
        ids(store
            .list_cases(&by_owner, &scope(&f.bob), &all)
            .await
            .unwrap()),
        [f.case.id.clone()]
    );
    let by_status = CaseFilter {
        status: Some(CaseStatus::Referral),
        ..Default::default()
    };
    assert_eq!(
        ids(store
            .list_cases(&by_status, &scope(&f.ann), &all)
            .await
            .unwrap()),
        [debt.id.clone()]
    );
    let by_client = CaseFilter {
        client: Some(f.client.id.clone()),
        ..Default::default()
    };
    assert_eq!(
        store
            .list_cases(&by_client, &scope(&f.ann), &all)
            .await
            .unwrap()
            .len(),
        2
    );
}

pub async fn cases_list_only_within_scope_and_page(store: &dyn Store) {
    let f = Fixture::new(store).await;
    let other_client = store
        .create_client(&new_client("Eve Other", &f.team_b), &ctx(&f.cat, 2))
        .await
        .unwrap();
    let theirs = store
        .create_case(
            &new_case(&other_client, &f.cat, &f.team_b, "Theirs"),
            &ctx(&f.cat, 3),
        )
        .await
        .unwrap();
    let mut created = vec![f.case.id.clone()];
    for i in 0..4 {
        let c = store
            .create_case(
                &new_case(&f.client, &f.bob, &f.team_a, &format!("Case {i}")),
                &ctx(&f.bob, 4 + i),
            )
            .await
            .unwrap();
        created.push(c.id);
    }
    let none = CaseFilter::default();
    let mut seen = Vec::new();
    let mut page = Page {
        limit: 2,
        after: None,
    };
    loop {
        let batch = store
            .list_cases(&none, &scope(&f.sue), &page)
            .await
            .unwrap();
        if batch.is_empty() {
            break;
        }
        assert!(batch.len() <= 2);
        page.after = batch.last().map(|c| c.id.to_string());
        seen.extend(batch.into_iter().map(|c| c.id));
    }
    created.sort();
    assert_eq!(
        seen, created,
        "a supervisor pages through their team's cases in id order"
    );
    let cats = store
        .list_cases(&none, &scope(&f.cat), &Page::default())
        .await
        .unwrap();
    assert_eq!(
        cats.into_iter().map(|c| c.id).collect::<Vec<_>>(),
        [theirs.id]
    );
}

pub async fn a_case_for_an_unknown_client_is_refused(store: &dyn Store) {
    let f = Fixture::new(store).await;
    let mut bad = new_case(&f.client, &f.ann, &f.team_a, "Ghost");
    bad.client_id = ClientId::from_parts(1, [9; 10]);
    assert!(store.create_case(&bad, &ctx(&f.ann, 5)).await.is_err());
    let all = store
        .list_cases(&CaseFilter::default(), &scope(&f.ann), &Page::default())
        .await
        .unwrap();
    assert_eq!(all.len(), 1, "nothing was stored");
}

pub async fn status_changes_are_kept_and_stale_changes_conflict(store: &dyn Store) {
    let f = Fixture::new(store).await;
    let hold = StatusChange {
        from: CaseStatus::Open,
        to: CaseStatus::OnHold,
        reason: Some("Waiting for landlord's reply".into()),
        closure_reason: None,
        closure_summary: None,
    };
    let held = store
        .change_case_status(&f.case.id, &hold, &ctx(&f.ann, 10))
        .await
        .unwrap();
    assert_eq!(held.status, CaseStatus::OnHold);
    assert_eq!(held.updated_at, at(10));
    // The same change again is stale: the case is no longer open.
    let err = store
        .change_case_status(&f.case.id, &hold, &ctx(&f.ann, 11))
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::Conflict(_)), "{err:?}");

    let close = StatusChange {
        from: CaseStatus::OnHold,
        to: CaseStatus::Closed,
        reason: None,
        closure_reason: Some(ClosureReason::OutcomesAchieved),
        closure_summary: Some("Arrears cleared; tenancy safe.".into()),
    };
    let closed = store
        .change_case_status(&f.case.id, &close, &ctx(&f.ann, 20))
        .await
        .unwrap();
    assert_eq!(closed.closed_at, Some(at(20)));
    assert_eq!(closed.closure_reason, Some(ClosureReason::OutcomesAchieved));
    assert_eq!(
        closed.closure_summary.as_deref(),
        Some("Arrears cleared; tenancy safe.")
    );

    let reopen = StatusChange {
        from: CaseStatus::Closed,
        to: CaseStatus::Open,
        reason: Some("New notice served".into()),
        closure_reason: None,
        closure_summary: None,
    };
    let reopened = store
        .change_case_status(&f.case.id, &reopen, &ctx(&f.ann, 30))
        .await
        .unwrap();
    assert_eq!(reopened.closed_at, None);
    assert_eq!(reopened.opened_at, Some(at(30)));

    let changes: Vec<_> = store
        .timeline(&f.case.id)
        .await
        .unwrap()
        .into_iter()
        .filter(|e| e.kind == EventKind::StatusChanged)
        .map(|e| {
            (
                e.data["from"].as_str().unwrap().to_owned(),
                e.data["to"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    assert_eq!(
        changes,
        [
            ("open".into(), "on_hold".into()),
            ("on_hold".into(), "closed".into()),
            ("closed".into(), "open".into())
        ]
    );
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

pub async fn outcomes_record_progress(store: &dyn Store) {
    let f = Fixture::new(store).await;
    let o = store
        .add_outcome(
            &NewOutcome {
                case_id: f.case.id.clone(),
                description: "Tenancy sustained".into(),
                target_date: Some("2026-06-30".parse().unwrap()),
            },
            &ctx(&f.ann, 5),
        )
        .await
        .unwrap();
    assert_eq!(o.status, OutcomeStatus::NotStarted);
    let o2 = store
        .add_outcome_progress(
            &NewProgress {
                outcome_id: o.id.clone(),
                status: OutcomeStatus::InProgress,
                text: "Plan agreed".into(),
            },
            &ctx(&f.ann, 6),
        )
        .await
        .unwrap();
    assert_eq!(o2.status, OutcomeStatus::InProgress);
    let o3 = store
        .add_outcome_progress(
            &NewProgress {
                outcome_id: o.id.clone(),
                status: OutcomeStatus::Achieved,
                text: "Arrears cleared".into(),
            },
            &ctx(&f.bob, 7),
        )
        .await
        .unwrap();
    assert_eq!(
        o3.progress.iter().map(|p| p.status).collect::<Vec<_>>(),
        [OutcomeStatus::InProgress, OutcomeStatus::Achieved]
    );
    assert_eq!(o3.progress[1].author_name, "Bob Adviser");
    assert_eq!(store.get_outcome(&o.id).await.unwrap(), o3);
    assert_eq!(store.list_outcomes(&f.case.id).await.unwrap(), [o3]);
}

pub async fn obstacles_resolve_once(store: &dyn Store) {
    let f = Fixture::new(store).await;
    let o = store
        .add_obstacle(
            &NewObstacle {
                case_id: f.case.id.clone(),
                category: ObstacleCategory::DigitalAccess,
                description: "No internet to upload documents".into(),
            },
            &ctx(&f.ann, 5),
        )
        .await
        .unwrap();
    assert_eq!(o.resolved_at, None);
    let r = store
        .resolve_obstacle(&o.id, "Library booking made", &ctx(&f.ann, 9))
        .await
        .unwrap();
    assert_eq!(r.resolved_at, Some(at(9)));
    assert_eq!(r.resolved_by, Some(f.ann.id.clone()));
    assert_eq!(r.resolution.as_deref(), Some("Library booking made"));
    let err = store
        .resolve_obstacle(&o.id, "again", &ctx(&f.ann, 10))
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::Conflict(_)), "{err:?}");
    assert_eq!(store.list_obstacles(&f.case.id).await.unwrap(), [r.clone()]);
    assert_eq!(store.get_obstacle(&o.id).await.unwrap(), r);
}

pub async fn tasks_change_status_and_stale_changes_conflict(store: &dyn Store) {
    let f = Fixture::new(store).await;
    let t = store
        .add_task(
            &NewTask {
                case_id: f.case.id.clone(),
                title: "Chase landlord for rent statement".into(),
                due_date: Some("2026-03-09".parse().unwrap()),
                assignee_id: Some(f.bob.id.clone()),
            },
            &ctx(&f.ann, 5),
        )
        .await
        .unwrap();
    assert_eq!(t.assignee_name.as_deref(), Some("Bob Adviser"));
    assert_eq!(t.status, TaskStatus::Open);
    let done = store
        .set_task_status(&t.id, TaskStatus::Open, TaskStatus::Done, &ctx(&f.bob, 8))
        .await
        .unwrap();
    assert_eq!(done.status, TaskStatus::Done);
    assert_eq!(done.completed_at, Some(at(8)));
    let err = store
        .set_task_status(
            &t.id,
            TaskStatus::Open,
            TaskStatus::Cancelled,
            &ctx(&f.bob, 9),
        )
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::Conflict(_)), "{err:?}");
    let reopened = store
        .set_task_status(&t.id, TaskStatus::Done, TaskStatus::Open, &ctx(&f.bob, 10))
        .await
        .unwrap();
    assert_eq!(reopened.completed_at, None);
    assert_eq!(
        store.list_tasks(&f.case.id).await.unwrap(),
        [reopened.clone()]
    );
    assert_eq!(store.get_task(&t.id).await.unwrap(), reopened);
}

pub async fn the_timeline_merges_everything_oldest_first(store: &dyn Store) {
    let f = Fixture::new(store).await;
    let n = store
        .add_note(&note(&f.case, 2, "First contact"), &ctx(&f.ann, 3))
        .await
        .unwrap();
    let o = store
        .add_outcome(
            &NewOutcome {
                case_id: f.case.id.clone(),
                description: "Stay housed".into(),
                target_date: None,
            },
            &ctx(&f.ann, 4),
        )
        .await
        .unwrap();
    store
        .add_outcome_progress(
            &NewProgress {
                outcome_id: o.id.clone(),
                status: OutcomeStatus::InProgress,
                text: "Started".into(),
            },
            &ctx(&f.ann, 5),
        )
        .await
        .unwrap();
    let ob = store
        .add_obstacle(
            &NewObstacle {
                case_id: f.case.id.clone(),
                category: ObstacleCategory::Financial,
                description: "No income".into(),
            },
            &ctx(&f.ann, 6),
        )
        .await
        .unwrap();
    store
        .resolve_obstacle(&ob.id, "UC claim paid", &ctx(&f.ann, 7))
        .await
        .unwrap();
    let t = store
        .add_task(
            &NewTask {
                case_id: f.case.id.clone(),
                title: "Call back".into(),
                due_date: None,
                assignee_id: None,
            },
            &ctx(&f.ann, 8),
        )
        .await
        .unwrap();
    store
        .set_task_status(&t.id, TaskStatus::Open, TaskStatus::Done, &ctx(&f.ann, 9))
        .await
        .unwrap();
    store
        .add_amendment(
            &NewAmendment {
                note_id: n.id.clone(),
                reason: "Typo".into(),
                sections: sections(&[("situation", "First contact.")]),
            },
            &ctx(&f.bob, 10),
        )
        .await
        .unwrap();
    store
        .change_case_status(
            &f.case.id,
            &StatusChange {
                from: CaseStatus::Open,
                to: CaseStatus::OnHold,
                reason: Some("Waiting".into()),
                closure_reason: None,
                closure_summary: None,
            },
            &ctx(&f.ann, 11),
        )
        .await
        .unwrap();
    // A late note about something that happened before the case was opened
    // sits where it happened, not where it was written.
    let mut early = note(&f.case, -30, "Referral call");
    early.late_entry = true;
    early.late_reason = Some("Taken on paper at outreach".into());
    let early = store.add_note(&early, &ctx(&f.ann, 12)).await.unwrap();

    let timeline = store.timeline(&f.case.id).await.unwrap();
    let kinds: Vec<EventKind> = timeline.iter().map(|e| e.kind).collect();
    use EventKind::*;
    assert_eq!(
        kinds,
        [
            NoteAdded,
            CaseCreated,
            NoteAdded,
            OutcomeAdded,
            OutcomeProgress,
            ObstacleRaised,
            ObstacleResolved,
            TaskAdded,
            TaskStatusChanged,
            NoteAmended,
            StatusChanged
        ]
    );
    assert_eq!(timeline[0].subject_id, early.id.to_string());
    assert_eq!(timeline[0].at, at(-30));
    assert_eq!(timeline[0].recorded_at, at(12));
    assert!(
        timeline.windows(2).all(|w| w[0].at <= w[1].at),
        "oldest first"
    );
    assert_eq!(timeline[9].actor_name, "Bob Adviser");
    assert!(
        timeline
            .iter()
            .all(|e| !e.data.to_string().contains("First contact")),
        "no note text in the timeline data"
    );
}

pub async fn writes_append_audit_events_without_content(store: &dyn Store) {
    let f = Fixture::new(store).await;
    let n = store
        .add_note(&note(&f.case, 2, "Sensitive words"), &ctx(&f.ann, 3))
        .await
        .unwrap();
    let read = |by: &User, minutes: i64| NewAuditEvent {
        at: at(minutes),
        actor: Some(by.id.clone()),
        action: "note.read".into(),
        object_type: "note",
        object_id: Some(n.id.to_string()),
        request_id: format!("req-read-{minutes}"),
    };
    // Reads are written in batches; an empty batch writes nothing.
    store.record_audits(&[]).await.unwrap();
    store
        .record_audits(&[read(&f.bob, 4), read(&f.ann, 5)])
        .await
        .unwrap();
    let events = store.list_audit(10).await.unwrap();
    let actions: Vec<&str> = events.iter().map(|e| e.action.as_str()).collect();
    assert_eq!(
        actions,
        [
            "note.read",
            "note.read",
            "note.create",
            "case.create",
            "client.create"
        ],
        "newest first"
    );
    assert_eq!(events[0].actor_id.as_ref(), Some(&f.ann.id));
    assert_eq!(events[0].request_id, "req-read-5");
    assert_eq!(events[1].actor_id.as_ref(), Some(&f.bob.id));
    assert_eq!(events[1].at, at(4));
    assert_eq!(events[2].object_id.as_deref(), Some(n.id.as_str()));
    assert_eq!(events[2].actor_id.as_ref(), Some(&f.ann.id));
    assert_eq!(events[2].request_id, "req-3");
    assert_eq!(events[2].at, at(3));
    assert!(
        events
            .iter()
            .all(|e| !format!("{e:?}").contains("Sensitive"))
    );
    assert!(events.windows(2).all(|w| w[0].seq > w[1].seq));
}

pub async fn a_batch_of_reads_larger_than_a_statement_is_recorded_whole(store: &dyn Store) {
    let f = Fixture::new(store).await;
    let before = store.list_audit(10_000).await.unwrap().len();
    // Under load the audit writer hands over everything that queued up; a
    // store may split it into statements, but records all of it or none.
    let batch: Vec<NewAuditEvent> = (0..1_201)
        .map(|i| NewAuditEvent {
            at: at(4),
            actor: Some(f.bob.id.clone()),
            action: "case.read".into(),
            object_type: "case",
            object_id: Some(f.case.id.to_string()),
            request_id: format!("req-batch-{i}"),
        })
        .collect();
    store.record_audits(&batch).await.unwrap();
    let events = store.list_audit(10_000).await.unwrap();
    assert_eq!(events.len(), before + 1_201);
    let mut ids: Vec<&str> = events
        .iter()
        .filter(|e| e.request_id.starts_with("req-batch-"))
        .map(|e| e.request_id.as_str())
        .collect();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), 1_201, "each event once");
}

pub async fn unknown_ids_are_not_found(store: &dyn Store) {
    let f = Fixture::new(store).await;
    let r = [9u8; 10];
    assert!(matches!(
        store.get_case(&CaseId::from_parts(1, r)).await,
        Err(StoreError::NotFound(_))
    ));
    assert!(matches!(
        store.get_client(&ClientId::from_parts(1, r)).await,
        Err(StoreError::NotFound(_))
    ));
    assert!(matches!(
        store.get_note(&NoteId::from_parts(1, r)).await,
        Err(StoreError::NotFound(_))
    ));
    assert!(matches!(
        store.get_user(&UserId::from_parts(1, r)).await,
        Err(StoreError::NotFound(_))
    ));
    assert!(matches!(
        store.get_task(&TaskId::from_parts(1, r)).await,
        Err(StoreError::NotFound(_))
    ));
    assert!(matches!(
        store.get_outcome(&OutcomeId::from_parts(1, r)).await,
        Err(StoreError::NotFound(_))
    ));
    assert!(matches!(
        store.get_obstacle(&ObstacleId::from_parts(1, r)).await,
        Err(StoreError::NotFound(_))
    ));
    let progress = NewProgress {
        outcome_id: OutcomeId::from_parts(1, r),
        status: OutcomeStatus::Achieved,
        text: "x".into(),
    };
    assert!(matches!(
        store.add_outcome_progress(&progress, &ctx(&f.ann, 3)).await,
        Err(StoreError::NotFound(_))
    ));
    let stale = StatusChange {
        from: CaseStatus::Open,
        to: CaseStatus::OnHold,
        reason: Some("x".into()),
        closure_reason: None,
        closure_summary: None,
    };
    assert!(matches!(
        store
            .change_case_status(&CaseId::from_parts(1, r), &stale, &ctx(&f.ann, 3))
            .await,
        Err(StoreError::NotFound(_))
    ));
    let _ = BTreeMap::<(), ()>::new();
}

pub async fn sessions_are_found_until_revoked(store: &dyn Store) {
    let f = Fixture::new(store).await;
    let new = NewSession {
        id_hash: "h1".into(),
        user_id: f.ann.id.clone(),
        csrf_token: "c1".into(),
        at: at(0),
    };
    store.create_session(&new).await.unwrap();
    store
        .create_session(&NewSession {
            id_hash: "h2".into(),
            ..new.clone()
        })
        .await
        .unwrap();
    let s = store.get_session("h1").await.unwrap().unwrap();
    assert_eq!(s.user, f.ann);
    assert_eq!(s.csrf_token, "c1");
    assert_eq!((s.created_at, s.last_seen_at), (at(0), at(0)));
    store.touch_session("h1", at(5)).await.unwrap();
    assert_eq!(
        store.get_session("h1").await.unwrap().unwrap().last_seen_at,
        at(5)
    );
    store.revoke_session("h1", at(6)).await.unwrap();
    assert_eq!(store.get_session("h1").await.unwrap(), None);
    assert!(store.get_session("h2").await.unwrap().is_some());
    store.revoke_user_sessions(&f.ann.id, at(7)).await.unwrap();
    assert_eq!(store.get_session("h2").await.unwrap(), None);
    assert_eq!(store.get_session("nope").await.unwrap(), None);
    // A deactivated user's sessions and tokens stop working.
    store
        .create_session(&NewSession {
            id_hash: "h3".into(),
            user_id: f.bob.id.clone(),
            csrf_token: "c".into(),
            at: at(8),
        })
        .await
        .unwrap();
    store
        .create_api_token(&f.bob.id, "bob-token", at(8))
        .await
        .unwrap();
    store
        .update_user(
            &f.bob.id,
            &UserChange {
                active: Some(false),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(store.get_session("h3").await.unwrap(), None);
    assert_eq!(store.user_for_token("bob-token").await.unwrap(), None);
}

pub async fn passwords_and_user_changes_are_kept(store: &dyn Store) {
    let f = Fixture::new(store).await;
    assert_eq!(store.password_hash(&f.ann.id).await.unwrap(), None);
    store
        .set_password(&f.ann.id, "$argon2id$v=19$m=19456,t=2,p=1$abc$def")
        .await
        .unwrap();
    assert_eq!(
        store.password_hash(&f.ann.id).await.unwrap().as_deref(),
        Some("$argon2id$v=19$m=19456,t=2,p=1$abc$def")
    );
    let changed = store
        .update_user(
            &f.ann.id,
            &UserChange {
                name: Some("Ann Adviser-Smith".into()),
                role: Some(Role::Supervisor),
                team_id: Some(Some(f.team_b.id.clone())),
                active: None,
            },
        )
        .await
        .unwrap();
    assert_eq!(changed.name, "Ann Adviser-Smith");
    assert_eq!(changed.role, Role::Supervisor);
    assert_eq!(changed.team_id, Some(f.team_b.id.clone()));
    assert!(changed.active);
    assert_eq!(store.get_user(&f.ann.id).await.unwrap(), changed);
    let no_team = store
        .update_user(
            &f.ann.id,
            &UserChange {
                team_id: Some(None),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(no_team.team_id, None);
    assert!(matches!(
        store
            .update_user(&UserId::from_parts(1, [4; 10]), &UserChange::default())
            .await,
        Err(StoreError::NotFound(_))
    ));
    assert!(matches!(
        store
            .set_password(&UserId::from_parts(1, [4; 10]), "x")
            .await,
        Err(StoreError::NotFound(_))
    ));
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

pub async fn the_caseload_shows_what_needs_attention(store: &dyn Store) {
    let f = Fixture::new(store).await;
    let today: jiff::civil::Date = "2026-03-10".parse().unwrap();
    let mut contact = note(&f.case, 10, "Phone call");
    contact.kind = NoteKind::Phone;
    store.add_note(&contact, &ctx(&f.ann, 11)).await.unwrap();
    let mut internal = note(&f.case, 20, "Internal");
    internal.kind = NoteKind::Internal;
    internal.late_entry = true;
    internal.late_reason = Some("x".into());
    store.add_note(&internal, &ctx(&f.ann, 21)).await.unwrap();
    for (title, due) in [
        ("Later", "2026-03-20"),
        ("Overdue", "2026-03-05"),
        ("Undated", ""),
    ] {
        store
            .add_task(
                &NewTask {
                    case_id: f.case.id.clone(),
                    title: title.into(),
                    due_date: due.parse().ok(),
                    assignee_id: None,
                },
                &ctx(&f.ann, 30),
            )
            .await
            .unwrap();
    }
    let done = store
        .add_task(
            &NewTask {
                case_id: f.case.id.clone(),
                title: "Done already".into(),
                due_date: "2026-03-01".parse().ok(),
                assignee_id: None,
            },
            &ctx(&f.ann, 30),
        )
        .await
        .unwrap();
    store
        .set_task_status(
            &done.id,
            TaskStatus::Open,
            TaskStatus::Done,
            &ctx(&f.ann, 31),
        )
        .await
        .unwrap();
    // A closed case and someone else's case are not in Ann's caseload.
    let closed = store
        .create_case(
            &new_case(&f.client, &f.ann, &f.team_a, "Old"),
            &ctx(&f.ann, 40),
        )
        .await
        .unwrap();
    let close = StatusChange {
        from: CaseStatus::Open,
        to: CaseStatus::Closed,
        reason: None,
        closure_reason: Some(ClosureReason::Duplicate),
        closure_summary: Some("Opened twice".into()),
    };
    store
        .change_case_status(&closed.id, &close, &ctx(&f.ann, 41))
        .await
        .unwrap();
    store
        .create_case(
            &new_case(&f.client, &f.bob, &f.team_a, "Bob's"),
            &ctx(&f.bob, 42),
        )
        .await
        .unwrap();

    let rows = store.caseload(&f.ann.id, today).await.unwrap();
    assert_eq!(rows.len(), 1);
    let row = &rows[0];
    assert_eq!(row.case.id, f.case.id);
    assert_eq!(
        row.last_contact,
        Some(at(10)),
        "internal notes are not client contact"
    );
    assert_eq!(row.next_task_title.as_deref(), Some("Overdue"));
    assert_eq!(row.next_task_due, "2026-03-05".parse().ok());
    assert_eq!(row.late_notes, 1);
    assert_eq!(row.overdue_tasks, 1);
    let bobs = store.caseload(&f.bob.id, today).await.unwrap();
    assert_eq!(bobs.len(), 1);
    assert_eq!(bobs[0].last_contact, None);
    assert_eq!(bobs[0].next_task_title, None);
}

pub async fn the_team_summary_counts_open_cases_and_overdue_tasks(store: &dyn Store) {
    let f = Fixture::new(store).await;
    let today: jiff::civil::Date = "2026-03-10".parse().unwrap();
    store
        .create_case(
            &new_case(&f.client, &f.ann, &f.team_a, "Second"),
            &ctx(&f.ann, 2),
        )
        .await
        .unwrap();
    store
        .add_task(
            &NewTask {
                case_id: f.case.id.clone(),
                title: "Overdue".into(),
                due_date: "2026-03-01".parse().ok(),
                assignee_id: None,
            },
            &ctx(&f.ann, 3),
        )
        .await
        .unwrap();
    let summary = store.team_summary(&f.team_a.id, today).await.unwrap();
    let rows: Vec<(&str, i64, i64)> = summary
        .iter()
        .map(|m| (m.user.name.as_str(), m.open_cases, m.overdue_tasks))
        .collect();
    assert_eq!(
        rows,
        [
            ("Ann Adviser", 2, 1),
            ("Bob Adviser", 0, 0),
            ("Sue Supervisor", 0, 0)
        ]
    );
    assert!(
        store
            .team_summary(&f.team_b.id, today)
            .await
            .unwrap()
            .iter()
            .all(|m| m.user.team_id == Some(f.team_b.id.clone()))
    );
}

pub async fn deadlines_bring_their_task_and_timeline_entry(store: &dyn Store) {
    let f = Fixture::new(store).await;
    let computed = store
        .add_deadline(
            &NewDeadline {
                case_id: f.case.id.clone(),
                rule_id: Some("mandatory_reconsideration".into()),
                title: "Mandatory reconsideration request".into(),
                trigger_date: "2026-01-31".parse().ok(),
                calendar: Some("england-and-wales".into()),
                due_date: "2026-02-28".parse().unwrap(),
                explanation: vec!["decision 31 Jan 2026 + 1 calendar month → 28 Feb 2026".into()],
                assignee_id: Some(f.bob.id.clone()),
            },
            &ctx(&f.ann, 5),
        )
        .await
        .unwrap();
    let manual = store
        .add_deadline(
            &NewDeadline {
                case_id: f.case.id.clone(),
                rule_id: None,
                title: "Landlord's deadline to reply".into(),
                trigger_date: None,
                calendar: None,
                due_date: "2026-02-10".parse().unwrap(),
                explanation: vec![],
                assignee_id: None,
            },
            &ctx(&f.ann, 6),
        )
        .await
        .unwrap();
    assert_eq!(
        computed.explanation,
        ["decision 31 Jan 2026 + 1 calendar month → 28 Feb 2026"]
    );
    assert_eq!(computed.created_at, at(5));
    let listed = store.list_deadlines(&f.case.id).await.unwrap();
    assert_eq!(listed, [manual.clone(), computed.clone()], "soonest first");
    let task = store.get_task(&computed.task_id).await.unwrap();
    assert_eq!(task.due_date, "2026-02-28".parse().ok());
    assert_eq!(task.assignee_name.as_deref(), Some("Bob Adviser"));
    assert!(task.title.contains("Mandatory reconsideration request"));
    let kinds: Vec<EventKind> = store
        .timeline(&f.case.id)
        .await
        .unwrap()
        .into_iter()
        .map(|e| e.kind)
        .collect();
    assert_eq!(
        kinds
            .iter()
            .filter(|k| **k == EventKind::DeadlineAdded)
            .count(),
        2
    );
    let mut ghost = NewDeadline {
        case_id: CaseId::from_parts(1, [5; 10]),
        rule_id: None,
        title: "x".into(),
        trigger_date: None,
        calendar: None,
        due_date: "2026-02-10".parse().unwrap(),
        explanation: vec![],
        assignee_id: None,
    };
    assert!(store.add_deadline(&ghost, &ctx(&f.ann, 7)).await.is_err());
    ghost.case_id = f.case.id.clone();
    assert_eq!(
        store.list_tasks(&f.case.id).await.unwrap().len(),
        2,
        "nothing half-written"
    );
}

pub async fn calendars_keep_imports_closures_and_choices(store: &dyn Store) {
    let f = Fixture::new(store).await;
    let h = |division: &str, day: &str, title: &str| ImportedHoliday {
        division: division.into(),
        day: day.parse().unwrap(),
        title: title.into(),
    };
    let first = [
        h("england-and-wales", "2023-01-02", "New Year"),
        h("england-and-wales", "2023-05-08", "Coronation"),
        h("scotland", "2023-01-03", "2nd January"),
    ];
    assert_eq!(store.import_holidays(&first, t0()).await.unwrap(), 3);
    // A second import of 2023 for England and Wales replaces that year only.
    let second = [
        h("england-and-wales", "2023-01-02", "New Year"),
        h("england-and-wales", "2024-01-01", "New Year"),
    ];
    assert_eq!(store.import_holidays(&second, t0()).await.unwrap(), 2);
    let ew: Vec<String> = store
        .imported_holidays("england-and-wales")
        .await
        .unwrap()
        .iter()
        .map(|d| d.to_string())
        .collect();
    assert_eq!(ew, ["2023-01-02", "2024-01-01"]);
    assert_eq!(store.imported_holidays("scotland").await.unwrap().len(), 1);

    store
        .add_closure_day("2026-12-29".parse().unwrap(), "Office closed", t0())
        .await
        .unwrap();
    store
        .add_closure_day("2026-12-30".parse().unwrap(), "Office closed", t0())
        .await
        .unwrap();
    assert!(matches!(
        store
            .add_closure_day("2026-12-29".parse().unwrap(), "again", t0())
            .await,
        Err(StoreError::Conflict(_))
    ));
    store
        .remove_closure_day("2026-12-30".parse().unwrap())
        .await
        .unwrap();
    assert_eq!(
        store.closure_days().await.unwrap(),
        [("2026-12-29".parse().unwrap(), "Office closed".to_string())]
    );
    assert!(matches!(
        store
            .remove_closure_day("2026-12-31".parse().unwrap())
            .await,
        Err(StoreError::NotFound(_))
    ));

    assert_eq!(store.get_setting("calendar").await.unwrap(), None);
    store
        .set_setting("calendar", "scotland", t0())
        .await
        .unwrap();
    store
        .set_setting("calendar", "northern-ireland", t0())
        .await
        .unwrap();
    assert_eq!(
        store.get_setting("calendar").await.unwrap().as_deref(),
        Some("northern-ireland")
    );
    assert_eq!(store.team_calendar(&f.team_a.id).await.unwrap(), None);
    store
        .set_team_calendar(&f.team_a.id, Some("scotland"))
        .await
        .unwrap();
    assert_eq!(
        store.team_calendar(&f.team_a.id).await.unwrap().as_deref(),
        Some("scotland")
    );
    store.set_team_calendar(&f.team_a.id, None).await.unwrap();
    assert_eq!(store.team_calendar(&f.team_a.id).await.unwrap(), None);
    assert!(matches!(
        store
            .set_team_calendar(&TeamId::from_parts(1, [2; 10]), None)
            .await,
        Err(StoreError::NotFound(_))
    ));
}

pub async fn policy_versions_are_kept_in_order(store: &dyn Store) {
    let f = Fixture::new(store).await;
    let areas = vec!["housing".to_string()];
    let v1 = store
        .save_policy_version(
            "housing",
            "Housing v1",
            &areas,
            "id = 'housing'\n# one",
            None,
            at(0),
        )
        .await
        .unwrap();
    assert_eq!(v1.version, 1);
    let v2 = store
        .save_policy_version(
            "housing",
            "Housing v2",
            &areas,
            "id = 'housing'\n# two",
            Some(&f.ann.id),
            at(5),
        )
        .await
        .unwrap();
    assert_eq!(
        (v2.version, v2.created_by.clone()),
        (2, Some(f.ann.id.clone()))
    );
    store
        .save_policy_version(
            "debt",
            "Debt",
            &["debt".to_string()],
            "id = 'debt'",
            None,
            at(6),
        )
        .await
        .unwrap();
    let latest: Vec<(String, i64)> = store
        .list_policies()
        .await
        .unwrap()
        .into_iter()
        .map(|p| (p.policy_id, p.version))
        .collect();
    assert_eq!(
        latest,
        [("debt".to_string(), 1), ("housing".to_string(), 2)]
    );
    let versions = store.policy_versions("housing").await.unwrap();
    assert_eq!(versions, [v1, v2]);
    assert_eq!(
        versions[0].body, "id = 'housing'\n# one",
        "old versions stay as they were"
    );
    assert!(store.policy_versions("nope").await.unwrap().is_empty());
}

/// A policy `generic` for housing, version 1.
async fn generic_policy(store: &dyn Store) {
    store
        .save_policy_version(
            "generic",
            "Generic",
            &["housing".to_string()],
            "body",
            None,
            at(0),
        )
        .await
        .unwrap();
}

pub async fn assessments_set_the_band_and_keep_the_history(store: &dyn Store) {
    let f = Fixture::new(store).await;
    generic_policy(store).await;
    let new = |band: &str, tasks: Vec<String>, notify: Option<String>| NewAssessment {
        case_id: f.case.id.clone(),
        policy_id: "generic".into(),
        policy_version: 1,
        answers: serde_json::json!({"safeguarding": true}),
        score: 40,
        band: band.into(),
        rationale: serde_json::json!([{"source": "rule", "id": "S1", "points": 0, "words": "Safeguarding concern: yes → P1 (rule S1)"}]),
        summary: "Safeguarding concern: yes → P1 (rule S1)".into(),
        floor: Some(band.into()),
        tasks,
        notify,
    };
    let a = store
        .record_assessment(
            &new(
                "P1",
                vec!["Tell the safeguarding lead".into()],
                Some("Dana Client's case is now P1 Urgent".into()),
            ),
            &ctx(&f.ann, 10),
        )
        .await
        .unwrap();
    assert_eq!(a.band, "P1");
    let case = store.get_case(&f.case.id).await.unwrap();
    assert_eq!(
        (
            case.priority_band.as_deref(),
            case.priority_floor.as_deref(),
            case.assessed_at
        ),
        (Some("P1"), Some("P1"), Some(at(10)))
    );
    assert!(
        store
            .list_tasks(&f.case.id)
            .await
            .unwrap()
            .iter()
            .any(|t| t.title == "Tell the safeguarding lead")
    );
    let sues = store.notifications(&f.sue.id, false).await.unwrap();
    assert_eq!(sues.len(), 1, "the team's supervisor is told");
    assert_eq!(sues[0].case_id.as_ref(), Some(&f.case.id));
    assert!(
        store
            .notifications(&f.bob.id, false)
            .await
            .unwrap()
            .is_empty(),
        "practitioners are not"
    );
    assert!(
        store
            .notifications(&f.ann.id, false)
            .await
            .unwrap()
            .is_empty(),
        "nor the one who assessed"
    );
    store
        .acknowledge_notification(&sues[0].id, &f.sue.id, at(11))
        .await
        .unwrap();
    assert!(
        store
            .notifications(&f.sue.id, false)
            .await
            .unwrap()
            .is_empty()
    );
    assert_eq!(
        store.notifications(&f.sue.id, true).await.unwrap()[0].acknowledged_at,
        Some(at(11))
    );
    assert!(
        matches!(
            store
                .acknowledge_notification(&sues[0].id, &f.bob.id, at(12))
                .await,
            Err(StoreError::NotFound(_))
        ),
        "only your own"
    );

    let again = store
        .record_assessment(&new("P2", vec![], None), &ctx(&f.bob, 20))
        .await
        .unwrap();
    assert_eq!(
        store.latest_assessment(&f.case.id).await.unwrap(),
        Some(again)
    );
    let changed = store
        .override_priority(
            &NewOverride {
                case_id: f.case.id.clone(),
                cause: "override".into(),
                band: "P3".into(),
                rationale: "Client now safe in refuge".into(),
                notify: None,
            },
            &ctx(&f.sue, 30),
        )
        .await
        .unwrap();
    assert_eq!(changed.previous_band.as_deref(), Some("P2"));
    let history: Vec<(String, String, Option<String>)> = store
        .priority_history(&f.case.id)
        .await
        .unwrap()
        .into_iter()
        .map(|c| (c.cause, c.band, c.previous_band))
        .collect();
    assert_eq!(
        history,
        [
            ("assessment".into(), "P1".into(), None),
            ("reassessment".into(), "P2".into(), Some("P1".into())),
            ("override".into(), "P3".into(), Some("P2".into())),
        ]
    );
    assert_eq!(
        store
            .get_case(&f.case.id)
            .await
            .unwrap()
            .priority_band
            .as_deref(),
        Some("P3")
    );
    let active = store.active_caseload(None, 10).await.unwrap();
    let assessed = active.iter().find(|r| r.case.id == f.case.id).unwrap();
    assert_eq!(
        assessed.assessment.as_ref().map(|a| a.policy_id.as_str()),
        Some("generic"),
        "re-evaluation reads the latest assessment from the row"
    );
    let latest = assessed.assessment.as_ref().unwrap();
    assert_eq!(
        serde_json::from_str::<serde_json::Value>(&latest.answers).unwrap(),
        serde_json::json!({"safeguarding": true})
    );
    assert_eq!(
        serde_json::from_str::<serde_json::Value>(&latest.rationale).unwrap()[0]["id"],
        "S1"
    );
    assert_eq!(
        assessed.last_priority_cause.as_deref(),
        Some("override"),
        "an override stands until the next assessment: re-evaluation must know"
    );
    let queue = store
        .caseload(&f.ann.id, at(0).to_zoned(jiff::tz::TimeZone::UTC).date())
        .await
        .unwrap();
    let mine = queue.iter().find(|r| r.case.id == f.case.id).unwrap();
    assert_eq!(mine.assessment, assessed.assessment);
    assert_eq!(mine.last_priority_cause, assessed.last_priority_cause);
    let kinds: Vec<EventKind> = store
        .timeline(&f.case.id)
        .await
        .unwrap()
        .into_iter()
        .map(|e| e.kind)
        .collect();
    assert_eq!(
        kinds
            .iter()
            .filter(|k| **k == EventKind::PriorityChanged)
            .count(),
        3
    );
    let mut bad = new("P1", vec![], None);
    bad.policy_version = 9;
    assert!(
        store
            .record_assessment(&bad, &ctx(&f.ann, 40))
            .await
            .is_err(),
        "only against a stored version"
    );
    assert_eq!(
        store.priority_history(&f.case.id).await.unwrap().len(),
        3,
        "nothing half-written"
    );
}

pub async fn calendar_feeds_are_private_and_revocable(store: &dyn Store) {
    let f = Fixture::new(store).await;
    store.create_feed(&f.ann.id, "feed-1", at(0)).await.unwrap();
    assert_eq!(
        store.user_for_feed("feed-1").await.unwrap().map(|u| u.id),
        Some(f.ann.id.clone())
    );
    store.create_feed(&f.ann.id, "feed-2", at(1)).await.unwrap();
    assert_eq!(
        store.user_for_feed("feed-1").await.unwrap(),
        None,
        "a new feed ends the old one"
    );
    assert!(store.user_for_feed("feed-2").await.unwrap().is_some());
    store.revoke_feeds(&f.ann.id, at(2)).await.unwrap();
    assert_eq!(store.user_for_feed("feed-2").await.unwrap(), None);
    assert_eq!(store.user_for_feed("nope").await.unwrap(), None);
}

pub async fn timescale_versions_are_kept_in_order(store: &dyn Store) {
    let f = Fixture::new(store).await;
    assert_eq!(store.latest_timescales().await.unwrap(), None);
    let v1 = store
        .save_timescales("margin = 1", None, at(1))
        .await
        .unwrap();
    let v2 = store
        .save_timescales("margin = 2", Some(&f.ann.id), at(2))
        .await
        .unwrap();
    assert_eq!((v1.version, v2.version), (1, 2));
    assert_eq!(store.latest_timescales().await.unwrap(), Some(v2.clone()));
    assert_eq!(store.timescale_versions().await.unwrap(), vec![v1, v2]);
}

pub async fn active_cases_carry_what_their_clocks_need(store: &dyn Store) {
    let f = Fixture::new(store).await;
    let today: jiff::civil::Date = "2026-03-10".parse().unwrap();
    let mut internal = note(&f.case, 5, "Read the file");
    internal.kind = NoteKind::Internal;
    store.add_note(&internal, &ctx(&f.ann, 6)).await.unwrap();
    store
        .add_note(&note(&f.case, 10, "Phoned"), &ctx(&f.ann, 11))
        .await
        .unwrap();
    let mut review = note(&f.case, 15, "Reviewed");
    review.kind = NoteKind::Review;
    store.add_note(&review, &ctx(&f.ann, 16)).await.unwrap();
    let mut supervision = note(&f.case, 20, "Supervised");
    supervision.kind = NoteKind::Supervision;
    store
        .add_note(&supervision, &ctx(&f.sue, 21))
        .await
        .unwrap();
    let deadline = store
        .add_deadline(
            &NewDeadline {
                case_id: f.case.id.clone(),
                rule_id: None,
                title: "Reply".into(),
                trigger_date: None,
                calendar: None,
                due_date: "2026-03-20".parse().unwrap(),
                explanation: vec![],
                assignee_id: None,
            },
            &ctx(&f.ann, 25),
        )
        .await
        .unwrap();
    let mut status = CaseStatus::Open;
    for (minute, to) in [
        (50, CaseStatus::OnHold),
        (60, CaseStatus::Open),
        (70, CaseStatus::OnHold),
    ] {
        let change = StatusChange {
            from: status,
            to,
            reason: Some("Waiting for the client's payslips".into()),
            closure_reason: None,
            closure_summary: None,
        };
        store
            .change_case_status(&f.case.id, &change, &ctx(&f.ann, minute))
            .await
            .unwrap();
        status = to;
    }
    let rows = store.active_caseload(None, 100).await.unwrap();
    let row = rows.iter().find(|r| r.case.id == f.case.id).unwrap();
    assert_eq!(
        row.first_contact,
        Some(at(10)),
        "internal notes are not contact"
    );
    assert_eq!(
        row.last_action,
        Some(at(15)),
        "supervision is not work on the case"
    );
    assert_eq!(row.last_review, Some(at(15)));
    assert_eq!(row.holds, vec![(at(50), Some(at(60))), (at(70), None)]);
    assert_eq!(
        row.deadlines,
        vec![DeadlineDue {
            id: deadline.id.to_string(),
            due: "2026-03-20".parse().unwrap(),
            met: false,
            title: "Reply".into(),
        }]
    );
    store
        .set_task_status(
            &deadline.task_id,
            TaskStatus::Open,
            TaskStatus::Done,
            &ctx(&f.ann, 80),
        )
        .await
        .unwrap();
    let mine = store.caseload(&f.ann.id, today).await.unwrap();
    assert_eq!(mine[0].holds, row.holds);
    assert!(mine[0].deadlines[0].met, "a done deadline is met");
    assert_eq!(mine[0].assessment, None);
    let later = store.active_caseload(Some(&f.case.id), 100).await.unwrap();
    assert!(
        later.iter().all(|r| r.case.id > f.case.id),
        "pages go on after the last id"
    );
}

pub async fn alerts_are_sent_once(store: &dyn Store) {
    let f = Fixture::new(store).await;
    let alert = NewAlert {
        case_id: f.case.id.clone(),
        clock: "first_contact".into(),
        state: "at_risk".into(),
        due: "2026-03-04".parse().unwrap(),
        message: "First contact at risk".into(),
        supervisors: false,
    };
    assert_eq!(
        store
            .record_alerts(&[alert.clone()], &ctx(&f.ann, 1))
            .await
            .unwrap(),
        1
    );
    assert_eq!(
        store
            .record_alerts(&[alert.clone()], &ctx(&f.ann, 2))
            .await
            .unwrap(),
        0
    );
    let breach = NewAlert {
        state: "breached".into(),
        message: "First contact breached".into(),
        supervisors: true,
        ..alert.clone()
    };
    assert_eq!(
        store
            .record_alerts(&[alert.clone(), breach.clone()], &ctx(&f.ann, 3))
            .await
            .unwrap(),
        1,
        "only the breach is new"
    );
    assert_eq!(
        store
            .record_alerts(&[breach], &ctx(&f.ann, 4))
            .await
            .unwrap(),
        0
    );
    let kinds = |list: Vec<Notification>| list.into_iter().map(|n| n.kind).collect::<BTreeSet<_>>();
    assert_eq!(
        kinds(store.notifications(&f.ann.id, true).await.unwrap()),
        BTreeSet::from([
            "timescale_at_risk".to_owned(),
            "timescale_breached".to_owned()
        ])
    );
    assert_eq!(store.notifications(&f.ann.id, true).await.unwrap().len(), 2);
    assert_eq!(
        kinds(store.notifications(&f.sue.id, true).await.unwrap()),
        BTreeSet::from(["timescale_breached".to_owned()]),
        "the supervisor hears of breaches only"
    );
    assert!(
        store
            .notifications(&f.cat.id, true)
            .await
            .unwrap()
            .is_empty()
    );
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

/// Servers keep the settings in memory until the generation moves: every
/// kind of change to them must move it, and case work must not.
pub async fn every_settings_change_moves_the_generation(store: &dyn Store) {
    let f = Fixture::new(store).await;
    let mut last = store.settings_generation().await.unwrap();
    let mut moved = async |what: &str| {
        let now = store.settings_generation().await.unwrap();
        assert!(now > last, "{what} did not move the settings generation");
        last = now;
    };
    store
        .set_setting("calendar", "scotland", t0())
        .await
        .unwrap();
    moved("an organisation setting").await;
    store
        .import_holidays(
            &[ImportedHoliday {
                division: "scotland".into(),
                day: "2027-01-04".parse().unwrap(),
                title: "2nd January".into(),
            }],
            t0(),
        )
        .await
        .unwrap();
    moved("an import of holidays").await;
    store
        .add_closure_day("2026-12-29".parse().unwrap(), "Office closed", t0())
        .await
        .unwrap();
    moved("a closure day").await;
    store
        .remove_closure_day("2026-12-29".parse().unwrap())
        .await
        .unwrap();
    moved("removing a closure day").await;
    store
        .set_team_calendar(&f.team_a.id, Some("northern-ireland"))
        .await
        .unwrap();
    moved("a team's calendar").await;
    assert_eq!(
        store.team_calendars().await.unwrap(),
        [(f.team_a.id.clone(), "northern-ireland".to_string())]
    );
    store
        .save_policy_version(
            "housing",
            "Housing",
            &["housing".into()],
            "id = 'housing'",
            None,
            t0(),
        )
        .await
        .unwrap();
    moved("a policy version").await;
    store
        .save_timescales("margin = 1", None, t0())
        .await
        .unwrap();
    moved("a timescales version").await;

    // Case work leaves it alone: the settings stay cached.
    let before = store.settings_generation().await.unwrap();
    store
        .add_note(&note(&f.case, 5, "Phoned the client."), &ctx(&f.ann, 6))
        .await
        .unwrap();
    assert_eq!(store.settings_generation().await.unwrap(), before);
}

/// The mark read with a token is the mark of the caseload as read, and any
/// write that changes what the caseload reads moves it (and only the
/// owner's): a server answering from kept rows while the mark stands is
/// never behind the database.
pub async fn the_caseload_mark_moves_with_every_change_to_the_caseload(store: &dyn Store) {
    let f = Fixture::new(store).await;
    let today: jiff::civil::Date = "2026-03-10".parse().unwrap();
    store
        .create_api_token(&f.ann.id, "ann", t0())
        .await
        .unwrap();
    store
        .create_api_token(&f.bob.id, "bob", t0())
        .await
        .unwrap();
    store
        .create_api_token(&f.sue.id, "sue", t0())
        .await
        .unwrap();
    generic_policy(store).await;
    let read = |token: &'static str, owner: UserId| async move {
        let (user, generation, mark) = store
            .user_for_token_with_caseload_mark(token)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(user.id, owner);
        assert_eq!(generation, store.settings_generation().await.unwrap());
        let rows = store.caseload(&owner, today).await.unwrap();
        assert_eq!(
            mark,
            CaseloadMark::of(&rows),
            "the mark is the mark of the caseload as read"
        );
        (mark, rows)
    };
    // Someone with no cases has the empty mark.
    let (sue_mark, sue_rows) = read("sue", f.sue.id.clone()).await;
    assert!(sue_rows.is_empty());
    assert_eq!(sue_mark, CaseloadMark::default());
    assert_eq!(
        store
            .user_for_token_with_caseload_mark("nobody")
            .await
            .unwrap(),
        None
    );

    let (mut mark, mut rows) = read("ann", f.ann.id.clone()).await;
    let (bob_mark, _) = read("bob", f.bob.id.clone()).await;
    let second = store
        .create_case(
            &new_case(&f.client, &f.ann, &f.team_a, "Debt"),
            &ctx(&f.ann, 2),
        )
        .await
        .unwrap();
    let task = NewTask {
        case_id: f.case.id.clone(),
        title: "Call the landlord".into(),
        due_date: "2026-03-05".parse().ok(),
        assignee_id: None,
    };
    let mut changes = 0;
    for step in 0..9 {
        match step {
            0 => {} // the new case, made above
            1 => {
                store
                    .add_note(&note(&second, 3, "Phoned"), &ctx(&f.ann, 3))
                    .await
                    .unwrap();
            }
            2 => {
                store.add_task(&task, &ctx(&f.ann, 4)).await.unwrap();
            }
            3 => {
                let open = store.list_tasks(&f.case.id).await.unwrap();
                store
                    .set_task_status(
                        &open[0].id,
                        TaskStatus::Open,
                        TaskStatus::Done,
                        &ctx(&f.ann, 5),
                    )
                    .await
                    .unwrap();
            }
            4 => {
                store
                    .add_deadline(
                        &NewDeadline {
                            case_id: second.id.clone(),
                            rule_id: None,
                            title: "Reply to the court".into(),
                            trigger_date: None,
                            calendar: None,
                            due_date: "2026-03-20".parse().unwrap(),
                            explanation: vec![],
                            assignee_id: None,
                        },
                        &ctx(&f.ann, 6),
                    )
                    .await
                    .unwrap();
            }
            5 => {
                store
                    .record_assessment(
                        &NewAssessment {
                            case_id: f.case.id.clone(),
                            policy_id: "generic".into(),
                            policy_version: 1,
                            answers: serde_json::json!({}),
                            score: 10,
                            band: "P3".into(),
                            rationale: serde_json::json!([{"words": "Routine"}]),
                            summary: "Routine".into(),
                            floor: None,
                            tasks: vec![],
                            notify: None,
                        },
                        &ctx(&f.ann, 7),
                    )
                    .await
                    .unwrap();
            }
            6 => {
                store
                    .override_priority(
                        &NewOverride {
                            case_id: f.case.id.clone(),
                            cause: "override".into(),
                            band: "P2".into(),
                            rationale: "Eviction notice served".into(),
                            notify: None,
                        },
                        &ctx(&f.sue, 8),
                    )
                    .await
                    .unwrap();
            }
            7 => {
                let hold = StatusChange {
                    from: CaseStatus::Open,
                    to: CaseStatus::OnHold,
                    reason: Some("Client in hospital".into()),
                    closure_reason: None,
                    closure_summary: None,
                };
                store
                    .change_case_status(&second.id, &hold, &ctx(&f.ann, 9))
                    .await
                    .unwrap();
            }
            _ => {
                let close = StatusChange {
                    from: CaseStatus::OnHold,
                    to: CaseStatus::Closed,
                    reason: None,
                    closure_reason: Some(ClosureReason::Duplicate),
                    closure_summary: Some("Opened twice".into()),
                };
                store
                    .change_case_status(&second.id, &close, &ctx(&f.ann, 10))
                    .await
                    .unwrap();
            }
        }
        let (new_mark, new_rows) = read("ann", f.ann.id.clone()).await;
        assert_ne!(new_rows, rows, "step {step} changes the caseload");
        assert_ne!(new_mark, mark, "step {step} moves the mark");
        // Reading just the changed cases (and any that left) gives the
        // same rows as the whole caseload does.
        let changed: Vec<CaseId> = rows
            .iter()
            .chain(&new_rows)
            .filter(|r| !rows.contains(r) || !new_rows.contains(r))
            .map(|r| r.case.id.clone())
            .collect();
        assert!(!changed.is_empty());
        let partial = store
            .caseload_cases(&f.ann.id, &changed, today)
            .await
            .unwrap();
        let expected: Vec<CaseloadRow> = new_rows
            .iter()
            .filter(|r| changed.contains(&r.case.id))
            .cloned()
            .collect();
        assert_eq!(
            partial, expected,
            "step {step}: the changed cases read alone"
        );
        (mark, rows) = (new_mark, new_rows);
        changes += 1;
    }
    assert_eq!(changes, 9);
    assert_eq!(rows.len(), 1, "the closed case has left the caseload");
    // Bob's caseload was not touched, so his mark stands.
    assert_eq!(read("bob", f.bob.id.clone()).await.0, bob_mark);
    // Nor does a read or a write outside the caseload move Ann's.
    store
        .create_case(
            &new_case(&f.client, &f.bob, &f.team_a, "Bob's"),
            &ctx(&f.bob, 11),
        )
        .await
        .unwrap();
    assert_eq!(read("ann", f.ann.id.clone()).await.0, mark);
    assert_ne!(read("bob", f.bob.id.clone()).await.0, bob_mark);
    // Cases outside the owner's active caseload are not read for them.
    let bobs = store.caseload(&f.bob.id, today).await.unwrap();
    let ids: Vec<CaseId> = [
        second.id.clone(),
        bobs[0].case.id.clone(),
        f.case.id.clone(),
    ]
    .into();
    let partial = store.caseload_cases(&f.ann.id, &ids, today).await.unwrap();
    assert_eq!(
        partial, rows,
        "only Ann's active case, not her closed one nor Bob's"
    );
    assert!(
        store
            .caseload_cases(&f.ann.id, &[], today)
            .await
            .unwrap()
            .is_empty()
    );
    // A browser session reads the same mark with its user.
    store
        .create_session(&NewSession {
            id_hash: "ann-session".into(),
            user_id: f.ann.id.clone(),
            csrf_token: "csrf".into(),
            at: at(12),
        })
        .await
        .unwrap();
    let (session, session_mark) = store
        .get_session_with_caseload_mark("ann-session")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        Some(&session),
        store.get_session("ann-session").await.unwrap().as_ref()
    );
    assert_eq!(session_mark, mark);
    assert_eq!(
        store
            .get_session_with_caseload_mark("nobody")
            .await
            .unwrap(),
        None
    );
}

/// Straight to the database, past the store: what an operator's own SQL (a
/// correction, a script) does. Each backend's tests give one, for the
/// scenarios that check that the database itself keeps what the store
/// relies on.
#[async_trait::async_trait]
pub trait RawSql: Sync {
    /// Run one statement; `?` stands for each argument in turn.
    async fn execute(&self, sql: &str, args: &[&str]);
}

/// Scenarios that change the database past the store, for `RawSql`.
#[macro_export]
macro_rules! raw_sql_conformance_tests {
    ($make:expr) => {
        $crate::raw_sql_conformance_tests!(@tests $make;
            a_client_renamed_in_the_database_is_renamed_on_their_cases,
            cases_changed_in_the_database_move_their_owners_caseload_marks,
            a_client_renamed_in_the_database_is_found_by_the_new_name_once_keyed_again,
        );
    };
    (@tests $make:expr; $($name:ident,)+) => {
        $(
            #[tokio::test]
            async fn $name() {
                let Some((store, raw)) = $make.await else { return };
                $crate::conformance::$name(&store, &raw).await;
            }
        )+
    };
}

/// The caseload mark read with the user holding `token`.
async fn mark_for(store: &dyn Store, token: &str) -> CaseloadMark {
    store
        .user_for_token_with_caseload_mark(token)
        .await
        .unwrap()
        .unwrap()
        .2
}

pub async fn a_client_renamed_in_the_database_is_renamed_on_their_cases(
    store: &dyn Store,
    raw: &dyn RawSql,
) {
    let f = Fixture::new(store).await;
    store
        .create_api_token(&f.ann.id, "ann", t0())
        .await
        .unwrap();
    let before = mark_for(store, "ann").await;
    raw.execute(
        "UPDATE clients SET name = 'Renamed Client' WHERE id = ?",
        &[f.case.client_id.as_str()],
    )
    .await;
    let case = store.get_case(&f.case.id).await.unwrap();
    assert_eq!(case.client_name, "Renamed Client");
    let rows = store
        .caseload(&f.case.owner_id, jiff::civil::date(2026, 1, 1))
        .await
        .unwrap();
    assert!(rows.iter().all(|r| r.case.client_name == "Renamed Client"));
    let after = mark_for(store, "ann").await;
    assert_ne!(after, before, "the renamed client's cases have moved on");
    assert_eq!(after, CaseloadMark::of(&rows));
}

pub async fn cases_changed_in_the_database_move_their_owners_caseload_marks(
    store: &dyn Store,
    raw: &dyn RawSql,
) {
    let f = Fixture::new(store).await;
    store
        .create_api_token(&f.ann.id, "ann", t0())
        .await
        .unwrap();
    store
        .create_api_token(&f.bob.id, "bob", t0())
        .await
        .unwrap();
    let (ann, bob) = (mark_for(store, "ann").await, mark_for(store, "bob").await);
    raw.execute(
        "UPDATE cases SET title = 'Rent arrears (corrected)' WHERE id = ?",
        &[f.case.id.as_str()],
    )
    .await;
    let ann_after_title = mark_for(store, "ann").await;
    assert_ne!(ann_after_title, ann, "a corrected title moves the mark");
    assert_eq!(
        mark_for(store, "bob").await,
        bob,
        "Bob's cases are untouched"
    );
    // Reassigned to Bob: it leaves Ann's caseload and joins Bob's.
    raw.execute(
        "UPDATE cases SET owner_id = ? WHERE id = ?",
        &[f.bob.id.as_str(), f.case.id.as_str()],
    )
    .await;
    assert_ne!(mark_for(store, "ann").await, ann_after_title);
    let bob_after = mark_for(store, "bob").await;
    assert_ne!(bob_after, bob);
    let today = jiff::civil::date(2026, 3, 10);
    assert_eq!(
        bob_after,
        CaseloadMark::of(&store.caseload(&f.bob.id, today).await.unwrap())
    );
    // And back: the case is Ann's again, but not as it was.
    raw.execute(
        "UPDATE cases SET owner_id = ? WHERE id = ?",
        &[f.ann.id.as_str(), f.case.id.as_str()],
    )
    .await;
    let back = mark_for(store, "ann").await;
    assert_ne!(back, ann_after_title, "the round trip is a change too");
    assert_eq!(
        back,
        CaseloadMark::of(&store.caseload(&f.ann.id, today).await.unwrap())
    );
}

/// Ann's two cases with alerts: on "Rent arrears" first contact at risk and
/// a deadline at risk; on "Benefit appeal" next action breached (told to
/// Sue too). Returns the second case.
async fn alerted(store: &dyn Store, f: &Fixture) -> Case {
    let second = store
        .create_case(
            &new_case(&f.client, &f.ann, &f.team_a, "Benefit appeal"),
            &ctx(&f.ann, 2),
        )
        .await
        .unwrap();
    let alert = |case: &Case, clock: &str, state: &str, supervisors: bool| NewAlert {
        case_id: case.id.clone(),
        clock: clock.into(),
        state: state.into(),
        due: "2026-03-04".parse().unwrap(),
        message: format!("{clock} {state}"),
        supervisors,
    };
    let sent = [
        alert(&f.case, "first_contact", "at_risk", false),
        alert(&f.case, "deadline:dln_1", "at_risk", false),
        alert(&second, "next_action", "breached", true),
    ];
    for (minute, one) in (3..).zip(sent) {
        assert_eq!(
            store
                .record_alerts(&[one], &ctx(&f.bob, minute))
                .await
                .unwrap(),
            1
        );
    }
    second
}

pub async fn notifications_filter_by_kind_and_case_with_their_case_named(store: &dyn Store) {
    let f = Fixture::new(store).await;
    let second = alerted(store, &f).await;
    let read = |filter: NotificationFilter| {
        let user = f.ann.id.clone();
        async move {
            store
                .filtered_notifications(&user, &filter)
                .await
                .unwrap()
                .into_iter()
                .map(|n| n.message)
                .collect::<Vec<_>>()
        }
    };
    assert_eq!(
        read(NotificationFilter::default()).await,
        [
            "next_action breached",
            "deadline:dln_1 at_risk",
            "first_contact at_risk"
        ],
        "newest first"
    );
    assert_eq!(
        read(NotificationFilter {
            kind: Some("deadline_at_risk".into()),
            ..Default::default()
        })
        .await,
        ["deadline:dln_1 at_risk"],
        "a deadline's alert has a kind of its own"
    );
    assert_eq!(
        read(NotificationFilter {
            kind: Some("timescale_at_risk".into()),
            ..Default::default()
        })
        .await,
        ["first_contact at_risk"]
    );
    assert_eq!(
        read(NotificationFilter {
            case: Some(second.id.clone()),
            ..Default::default()
        })
        .await,
        ["next_action breached"]
    );
    assert!(
        read(NotificationFilter {
            case: Some(second.id.clone()),
            kind: Some("timescale_at_risk".into()),
            ..Default::default()
        })
        .await
        .is_empty()
    );
    let all = store
        .filtered_notifications(&f.ann.id, &NotificationFilter::default())
        .await
        .unwrap();
    assert_eq!(
        (all[0].case_title.as_deref(), all[0].client_name.as_deref()),
        (Some("Benefit appeal"), Some("Dana Client")),
        "each names its case and client"
    );
    assert_eq!(all[0].kind, "timescale_breached");
    // Acknowledged ones are read only when asked for.
    store
        .acknowledge_notification(&all[0].id, &f.ann.id, at(9))
        .await
        .unwrap();
    assert_eq!(read(NotificationFilter::default()).await.len(), 2);
    let everything = read(NotificationFilter {
        include_acknowledged: true,
        ..Default::default()
    })
    .await;
    assert_eq!(everything.len(), 3);
    assert_eq!(
        store.notifications(&f.ann.id, true).await.unwrap().len(),
        3,
        "the unfiltered list agrees"
    );
    assert_eq!(
        store
            .filtered_notifications(&f.sue.id, &NotificationFilter::default())
            .await
            .unwrap()
            .len(),
        1,
        "Sue has only the breach"
    );
}

pub async fn only_your_own_notifications_are_acknowledged_in_bulk(store: &dyn Store) {
    let f = Fixture::new(store).await;
    let second = alerted(store, &f).await;
    let anns = store.notifications(&f.ann.id, false).await.unwrap();
    let sues = store.notifications(&f.sue.id, false).await.unwrap();
    assert_eq!((anns.len(), sues.len()), (3, 1));
    // Sue names one of Ann's and her own: only her own is acknowledged.
    let done = store
        .acknowledge_notifications(
            &f.sue.id,
            &NotificationSelection::Ids(vec![anns[0].id.clone(), sues[0].id.clone()]),
            at(10),
        )
        .await
        .unwrap();
    assert_eq!(done, 1);
    assert!(
        store
            .notifications(&f.sue.id, false)
            .await
            .unwrap()
            .is_empty()
    );
    assert_eq!(
        store.notifications(&f.ann.id, false).await.unwrap().len(),
        3
    );
    assert_eq!(
        store
            .acknowledge_notifications(&f.ann.id, &NotificationSelection::Ids(vec![]), at(10))
            .await
            .unwrap(),
        0
    );
    // By filter: Ann's at-risk timescale alerts on the first case only.
    let done = store
        .acknowledge_notifications(
            &f.ann.id,
            &NotificationSelection::Matching(NotificationFilter {
                kind: Some("timescale_at_risk".into()),
                case: Some(f.case.id.clone()),
                include_acknowledged: false,
            }),
            at(11),
        )
        .await
        .unwrap();
    assert_eq!(done, 1);
    let left: Vec<String> = store
        .notifications(&f.ann.id, false)
        .await
        .unwrap()
        .into_iter()
        .map(|n| n.kind)
        .collect();
    assert_eq!(left, ["timescale_breached", "deadline_at_risk"]);
    // Acknowledging again touches nothing and keeps the first time.
    let again = store
        .acknowledge_notifications(
            &f.ann.id,
            &NotificationSelection::Ids(anns.iter().map(|n| n.id.clone()).collect()),
            at(12),
        )
        .await
        .unwrap();
    assert_eq!(again, 2, "only the two still unacknowledged");
    let kept = store.notifications(&f.ann.id, true).await.unwrap();
    assert!(
        kept.iter()
            .any(|n| n.kind == "timescale_at_risk" && n.acknowledged_at == Some(at(11)))
    );
    // Everything matching, for Bob, who has none: nothing, and Ann's stay.
    let cat_all = store
        .acknowledge_notifications(
            &f.cat.id,
            &NotificationSelection::Matching(NotificationFilter::default()),
            at(13),
        )
        .await
        .unwrap();
    assert_eq!(cat_all, 0);
    let _ = second;
}

pub async fn the_session_carries_the_unread_notification_count(store: &dyn Store) {
    let f = Fixture::new(store).await;
    for (hash, user) in [("ann-s", &f.ann), ("sue-s", &f.sue)] {
        store
            .create_session(&NewSession {
                id_hash: hash.into(),
                user_id: user.id.clone(),
                csrf_token: "c".into(),
                at: at(0),
            })
            .await
            .unwrap();
    }
    let unread = |hash: &'static str| async move {
        let plain = store.get_session(hash).await.unwrap().unwrap();
        let (with_mark, _) = store
            .get_session_with_caseload_mark(hash)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(plain, with_mark, "both reads agree");
        plain.unread_notifications
    };
    assert_eq!((unread("ann-s").await, unread("sue-s").await), (0, 0));
    alerted(store, &f).await;
    let (_, mark_before) = store
        .get_session_with_caseload_mark("ann-s")
        .await
        .unwrap()
        .unwrap();
    assert_eq!((unread("ann-s").await, unread("sue-s").await), (3, 1));
    store
        .acknowledge_notifications(
            &f.ann.id,
            &NotificationSelection::Matching(NotificationFilter::default()),
            at(20),
        )
        .await
        .unwrap();
    assert_eq!((unread("ann-s").await, unread("sue-s").await), (0, 1));
    let (_, mark_after) = store
        .get_session_with_caseload_mark("ann-s")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        mark_before, mark_after,
        "acknowledging moves no case: a kept caseload still stands"
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

pub async fn a_cancelled_task_keeps_its_reason_on_the_timeline(store: &dyn Store) {
    let f = Fixture::new(store).await;
    let t = store
        .add_task(
            &NewTask {
                case_id: f.case.id.clone(),
                title: "Book interpreter".into(),
                due_date: Some("2026-03-09".parse().unwrap()),
                assignee_id: None,
            },
            &ctx(&f.ann, 5),
        )
        .await
        .unwrap();
    assert_eq!(t.cancellation_reason, None);
    let cancelled = store
        .change_task_status(
            &t.id,
            TaskStatus::Open,
            TaskStatus::Cancelled,
            Some("Client now speaks with a family member present"),
            &ctx(&f.ann, 8),
        )
        .await
        .unwrap();
    assert_eq!(cancelled.status, TaskStatus::Cancelled);
    assert_eq!(
        cancelled.cancellation_reason.as_deref(),
        Some("Client now speaks with a family member present")
    );
    assert_eq!(store.get_task(&t.id).await.unwrap(), cancelled);
    let reopened = store
        .change_task_status(
            &t.id,
            TaskStatus::Cancelled,
            TaskStatus::Open,
            None,
            &ctx(&f.ann, 9),
        )
        .await
        .unwrap();
    assert_eq!(reopened.cancellation_reason, None, "cleared on reopening");
    assert_eq!(store.list_tasks(&f.case.id).await.unwrap(), [reopened]);
    let changes: Vec<serde_json::Value> = store
        .timeline(&f.case.id)
        .await
        .unwrap()
        .into_iter()
        .filter(|e| e.kind == EventKind::TaskStatusChanged)
        .map(|e| e.data)
        .collect();
    assert_eq!(changes.len(), 2);
    assert_eq!(changes[0]["to"], "cancelled");
    assert_eq!(
        changes[0]["reason"],
        "Client now speaks with a family member present"
    );
    assert_eq!(changes[1]["to"], "open");
    assert!(changes[1].get("reason").is_none());
}

fn client_query(words: &[&str], date_of_birth: Option<&str>) -> ClientQuery {
    ClientQuery {
        words: words.iter().map(|w| (*w).to_owned()).collect(),
        date_of_birth: date_of_birth.map(|d| d.parse().unwrap()),
        after: None,
        limit: 50,
    }
}

async fn found(store: &dyn Store, user: &User, query: &ClientQuery) -> Vec<String> {
    store
        .search_clients(&scope(user), query)
        .await
        .unwrap()
        .into_iter()
        .map(|l| l.client.name)
        .collect()
}

pub async fn clients_are_found_by_any_word_of_their_folded_name_and_by_date_of_birth(
    store: &dyn Store,
) {
    let f = Fixture::new(store).await;
    let mut lukasz = new_client("Łukasz Nowak", &f.team_a);
    lukasz.date_of_birth = Some("1984-02-29".parse().unwrap());
    store.create_client(&lukasz, &ctx(&f.ann, 2)).await.unwrap();
    store
        .create_client(&new_client("Zoë Adams", &f.team_a), &ctx(&f.ann, 3))
        .await
        .unwrap();
    store
        .create_client(&new_client("Lukas Other", &f.team_b), &ctx(&f.cat, 4))
        .await
        .unwrap();
    // Words are searched folded (the web layer folds the query).
    assert_eq!(
        found(store, &f.bob, &client_query(&["lukasz"], None)).await,
        ["Łukasz Nowak"]
    );
    assert_eq!(
        found(store, &f.bob, &client_query(&["now"], None)).await,
        ["Łukasz Nowak"]
    );
    assert_eq!(
        found(store, &f.bob, &client_query(&["zoe"], None)).await,
        ["Zoë Adams"]
    );
    assert_eq!(
        found(store, &f.bob, &client_query(&["luk", "nowak"], None)).await,
        ["Łukasz Nowak"],
        "every word must match"
    );
    assert!(
        found(store, &f.bob, &client_query(&["luk", "adams"], None))
            .await
            .is_empty()
    );
    assert!(
        found(store, &f.bob, &client_query(&["owak"], None))
            .await
            .is_empty(),
        "by prefix only"
    );
    // Another team's Lukas is not theirs to find.
    assert_eq!(
        found(store, &f.cat, &client_query(&["luk"], None)).await,
        ["Lukas Other"]
    );
    // By date of birth, alone or with a name.
    assert_eq!(
        found(store, &f.bob, &client_query(&[], Some("1984-02-29"))).await,
        ["Łukasz Nowak"]
    );
    assert!(
        found(store, &f.bob, &client_query(&["zoe"], Some("1984-02-29")))
            .await
            .is_empty()
    );
    // Each result carries the open cases the searcher may see.
    let dana = store
        .search_clients(&scope(&f.bob), &client_query(&["dana"], None))
        .await
        .unwrap();
    assert_eq!(dana.len(), 1);
    assert_eq!(dana[0].open_cases.len(), 1);
    assert_eq!(dana[0].open_cases[0].id, f.case.id);
    assert_eq!(dana[0].open_cases[0].title, "Rent arrears");
}

pub async fn clients_sort_with_accented_letters_among_their_plain_letters_a_page_at_a_time(
    store: &dyn Store,
) {
    let f = Fixture::new(store).await;
    for (i, name) in [
        "Zoë Adams",
        "Zoe Adams",
        "Łukasz Nowak",
        "Lucy Brown",
        "Śara Kaye",
        "Sam Ford",
        "Mary Ng",
    ]
    .iter()
    .enumerate()
    {
        store
            .create_client(&new_client(name, &f.team_a), &ctx(&f.ann, 2 + i as i64))
            .await
            .unwrap();
    }
    let mut query = client_query(&[], None);
    query.limit = 3;
    let mut names = Vec::new();
    loop {
        let page = store.search_clients(&scope(&f.ann), &query).await.unwrap();
        assert!(page.len() <= 3);
        names.extend(page.iter().map(|l| l.client.name.clone()));
        match page.last() {
            Some(last) if page.len() == 3 => query.after = Some(last.client.id.clone()),
            _ => break,
        }
    }
    assert_eq!(
        names,
        [
            "Dana Client",
            "Lucy Brown",
            "Łukasz Nowak",
            "Mary Ng",
            "Sam Ford",
            "Śara Kaye",
            "Zoe Adams",
            "Zoë Adams",
        ]
    );
}

pub async fn editing_a_client_keeps_each_changed_field_old_and_new_in_their_history(
    store: &dyn Store,
) {
    let f = Fixture::new(store).await;
    let edit = ClientEdit {
        phone: Some(Some("07700 900999".into())),
        address: Some(None),
        contact_text: Some(Some(true)),
        contact_letter: Some(Some(false)),
        contact_times: Some(Some("Weekdays after 3pm".into())),
        safe_address: Some(Some("Do not write to home address".into())),
        interpreter: Some(true),
        interpreter_language: Some(Some("Polish".into())),
        ..Default::default()
    };
    let updated = store
        .update_client(&f.client.id, &edit, &ctx(&f.bob, 5))
        .await
        .unwrap();
    assert_eq!(updated.phone.as_deref(), Some("07700 900999"));
    assert_eq!(updated.address, None);
    assert_eq!(updated.contact.text, Some(true));
    assert_eq!(updated.contact.letter, Some(false));
    assert_eq!(updated.contact.phone, None, "not sent, not changed");
    assert!(updated.access_needs.interpreter);
    assert_eq!(store.get_client(&f.client.id).await.unwrap(), updated);

    let history = store.client_history(&f.client.id).await.unwrap();
    let changes: Vec<(&str, Option<&str>, Option<&str>)> = history
        .iter()
        .map(|h| {
            (
                h.field.as_str(),
                h.old_value.as_deref(),
                h.new_value.as_deref(),
            )
        })
        .collect();
    assert_eq!(
        changes,
        [
            ("phone", Some("07700 900123"), Some("07700 900999")),
            ("address", Some("1 High Street"), None),
            ("contact.text", None, Some("yes")),
            ("contact.letter", None, Some("no")),
            ("contact.times", None, Some("Weekdays after 3pm")),
            (
                "contact.safe_address",
                None,
                Some("Do not write to home address")
            ),
            ("access_needs.interpreter", Some("no"), Some("yes")),
            ("access_needs.interpreter_language", None, Some("Polish")),
        ]
    );
    assert!(
        history
            .iter()
            .all(|h| h.actor_id == f.bob.id && h.actor_name == "Bob Adviser" && h.at == at(5))
    );

    // An edit that changes nothing writes nothing.
    store
        .update_client(&f.client.id, &edit, &ctx(&f.bob, 6))
        .await
        .unwrap();
    assert_eq!(store.client_history(&f.client.id).await.unwrap().len(), 8);

    // The audit trail names the client, never the content.
    let audit = store.list_audit(100).await.unwrap();
    let updates: Vec<_> = audit
        .iter()
        .filter(|e| e.action == "client.update")
        .collect();
    assert_eq!(updates.len(), 1);
    assert_eq!(updates[0].object_id.as_deref(), Some(f.client.id.as_str()));
    let err = store
        .update_client(&ClientId::from_parts(1, [0; 10]), &edit, &ctx(&f.bob, 7))
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::NotFound(_)), "{err:?}");
}

pub async fn renaming_a_client_renames_their_cases_and_moves_the_caseload_mark(store: &dyn Store) {
    let f = Fixture::new(store).await;
    store
        .create_api_token(&f.ann.id, "ann", t0())
        .await
        .unwrap();
    let before = mark_for(store, "ann").await;
    let edit = ClientEdit {
        name: Some("Dana Ólafsdóttir".into()),
        ..Default::default()
    };
    store
        .update_client(&f.client.id, &edit, &ctx(&f.ann, 5))
        .await
        .unwrap();
    assert_eq!(
        store.get_case(&f.case.id).await.unwrap().client_name,
        "Dana Ólafsdóttir"
    );
    let after = mark_for(store, "ann").await;
    assert_ne!(after, before);
    assert_eq!(
        after,
        CaseloadMark::of(
            &store
                .caseload(&f.ann.id, jiff::civil::date(2026, 3, 10))
                .await
                .unwrap()
        )
    );
    // Found by the new name, no longer by the old surname.
    assert_eq!(
        found(store, &f.ann, &client_query(&["olafs"], None)).await,
        ["Dana Ólafsdóttir"]
    );
    assert!(
        found(store, &f.ann, &client_query(&["client"], None))
            .await
            .is_empty()
    );
    let history = store.client_history(&f.client.id).await.unwrap();
    assert_eq!(history.len(), 1);
    assert_eq!(history[0].old_value.as_deref(), Some("Dana Client"));
}

pub async fn a_client_renamed_in_the_database_is_found_by_the_new_name_once_keyed_again(
    store: &dyn Store,
    raw: &dyn RawSql,
) {
    let f = Fixture::new(store).await;
    raw.execute(
        "UPDATE clients SET name = 'Łucja Renamed' WHERE id = ?",
        &[f.client.id.as_str()],
    )
    .await;
    // Not found by the old name: its keys were dropped with the rename…
    assert!(
        found(store, &f.ann, &client_query(&["dana"], None))
            .await
            .is_empty()
    );
    // …and given again when the store next starts.
    store.migrate().await.unwrap();
    assert_eq!(
        found(store, &f.ann, &client_query(&["lucja"], None)).await,
        ["Łucja Renamed"]
    );
}
