//! Outcomes and the progress recorded against them.

use super::*;

/// This capability's scenarios — the plain ones, then those that need
/// `RawSql` — added to the one list `conformance_capabilities!` chains.
#[doc(hidden)]
#[macro_export]
macro_rules! conformance_outcomes {
    ([$($then:tt)*] [$($plain:tt)*] [$($raw:tt)*] $($rest:ident)*) => {
        $crate::conformance_collect! { [$($then)*]
            [$($plain)*
                outcomes::outcomes_record_progress,
            ]
            [$($raw)*]
            $($rest)*
        }
    };
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
