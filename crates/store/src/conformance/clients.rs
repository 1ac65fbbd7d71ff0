//! Clients: their details byte for byte, who may see them, finding them by
//! name, their history of changes, and renaming them.

use super::caseload::mark_for;
use super::*;

/// This capability's scenarios — the plain ones, then those that need
/// `RawSql` — added to the one list `conformance_capabilities!` chains.
#[doc(hidden)]
#[macro_export]
macro_rules! conformance_clients {
    ([$($then:tt)*] [$($plain:tt)*] [$($raw:tt)*] $($rest:ident)*) => {
        $crate::conformance_collect! { [$($then)*]
            [$($plain)*
                clients::clients_round_trip_unicode_byte_exact,
                clients::clients_list_only_within_scope,
                clients::clients_are_found_by_any_word_of_their_folded_name_and_by_date_of_birth,
                clients::clients_sort_with_accented_letters_among_their_plain_letters_a_page_at_a_time,
                clients::editing_a_client_keeps_each_changed_field_old_and_new_in_their_history,
                clients::renaming_a_client_renames_their_cases_and_moves_the_caseload_mark,
            ]
            [$($raw)*
                clients::a_client_renamed_in_the_database_is_renamed_on_their_cases,
                clients::a_client_renamed_in_the_database_is_found_by_the_new_name_once_keyed_again,
                clients::the_database_refuses_to_rewrite_or_delete_a_clients_history,
            ]
            $($rest)*
        }
    };
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

pub async fn a_client_renamed_in_the_database_is_renamed_on_their_cases(
    store: &dyn Store,
    raw: &dyn RawSql,
) {
    let f = Fixture::new(store).await;
    api_token(store, &f.ann.id, "ann").await;
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
    api_token(store, &f.ann.id, "ann").await;
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

/// A client's history of changes is append-only in the database itself.
pub async fn the_database_refuses_to_rewrite_or_delete_a_clients_history(
    store: &dyn Store,
    raw: &dyn RawSql,
) {
    let f = Fixture::new(store).await;
    let edit = ClientEdit {
        phone: Some(Some("07700 900999".into())),
        ..Default::default()
    };
    store
        .update_client(&f.client.id, &edit, &ctx(&f.ann, 3))
        .await
        .unwrap();
    let id = f.client.id.as_str();
    let update = raw
        .try_execute(
            "UPDATE client_changes SET new_value = 'forged' WHERE client_id = ?",
            &[id],
        )
        .await;
    assert!(update.unwrap_err().contains("append-only"));
    let delete = raw
        .try_execute("DELETE FROM client_changes WHERE client_id = ?", &[id])
        .await;
    assert!(delete.is_err());
    let history = store.client_history(&f.client.id).await.unwrap();
    assert_eq!(history.len(), 1);
    assert_eq!(history[0].new_value.as_deref(), Some("07700 900999"));
}
