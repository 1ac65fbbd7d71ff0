//! Priorities: policy versions and the assessments that set a case's band.

use super::*;

/// This capability's scenarios — the plain ones, then those that need
/// `RawSql` — added to the one list `conformance_capabilities!` chains.
#[doc(hidden)]
#[macro_export]
macro_rules! conformance_priorities {
    ([$($then:tt)*] [$($plain:tt)*] [$($raw:tt)*] $($rest:ident)*) => {
        $crate::conformance_collect! { [$($then)*]
            [$($plain)*
                priorities::policy_versions_are_kept_in_order,
                priorities::assessments_set_the_band_and_keep_the_history,
            ]
            [$($raw)*]
            $($rest)*
        }
    };
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
pub(super) async fn generic_policy(store: &dyn Store) {
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
