//! Calendars: imported holidays, closure days, team choices and the private
//! calendar feeds.

use super::*;

/// This capability's scenarios — the plain ones, then those that need
/// `RawSql` — added to the one list `conformance_capabilities!` chains.
#[doc(hidden)]
#[macro_export]
macro_rules! conformance_calendars {
    ([$($then:tt)*] [$($plain:tt)*] [$($raw:tt)*] $($rest:ident)*) => {
        $crate::conformance_collect! { [$($then)*]
            [$($plain)*
                calendars::calendars_keep_imports_closures_and_choices,
                calendars::calendar_feeds_are_private_and_revocable,
            ]
            [$($raw)*]
            $($rest)*
        }
    };
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
