//! Obstacles: raised on a case, resolved once.

use super::*;

/// This capability's scenarios — the plain ones, then those that need
/// `RawSql` — added to the one list `conformance_capabilities!` chains.
#[doc(hidden)]
#[macro_export]
macro_rules! conformance_obstacles {
    ([$($then:tt)*] [$($plain:tt)*] [$($raw:tt)*] $($rest:ident)*) => {
        $crate::conformance_collect! { [$($then)*]
            [$($plain)*
                obstacles::obstacles_resolve_once,
            ]
            [$($raw)*]
            $($rest)*
        }
    };
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
