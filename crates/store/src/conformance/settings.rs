//! Settings: the generation that tells servers their kept settings are stale.

use super::*;

/// This capability's scenarios — the plain ones, then those that need
/// `RawSql` — added to the one list `conformance_capabilities!` chains.
#[doc(hidden)]
#[macro_export]
macro_rules! conformance_settings {
    ([$($then:tt)*] [$($plain:tt)*] [$($raw:tt)*] $($rest:ident)*) => {
        $crate::conformance_collect! { [$($then)*]
            [$($plain)*
                settings::every_settings_change_moves_the_generation,
            ]
            [$($raw)*]
            $($rest)*
        }
    };
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
