//! The demonstration as loaded: every queue looks like a well-run one, and
//! every case reads as its title's script.

use super::histories::{answers, band_of};
use super::scripts::{SCRIPTS, Script};
use super::*;
use caseload_web::api::priority::queue_of;

/// The demonstration loaded into a fresh SQLite file as if it were `now`.
async fn loaded_at(now: &str) -> (Arc<dyn Store>, AppState) {
    let dir = std::env::temp_dir().join(format!("caseload-demo-unit-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join(format!("{}.db", now.replace(':', "-")));
    for suffix in ["", "-wal", "-shm", "-audit"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", file.display()));
    }
    let store = crate::migrated_store(
        &crate::settings::DatabaseUrl::new(format!("sqlite:{}", file.display())),
        &caseload_store::Timeouts::default(),
    )
    .await
    .unwrap();
    let now: Timestamp = now.parse().unwrap();
    generate(&store, now).await.unwrap();
    let clock = Arc::new(ManualClock::new(now));
    let state = AppState::new(store.clone(), clock, Settings::default());
    (store, state)
}

#[test]
fn every_script_answers_its_areas_policy_and_tells_its_own_story() {
    let policies: Vec<Policy> = caseload_domain::priority::DEFAULT_PACKS
        .iter()
        .map(|(_, text)| Policy::parse(text).unwrap())
        .collect();
    let mut seen = std::collections::HashSet::new();
    for script in SCRIPTS {
        let policy = policies
            .iter()
            .find(|p| p.service_areas.iter().any(|a| a == script.area.as_str()))
            .or_else(|| policies.iter().find(|p| p.id == "generic"))
            .unwrap();
        let mut given = script.answers.to_vec();
        given.extend(script.sometimes.iter().map(|(a, _)| *a));
        given.extend(script.emergency.map(|(a, _)| a));
        band_of(policy, &answers(policy, &given).unwrap()).unwrap();
        assert!(script.ages.0 <= script.ages.1, "{}", script.title);
        assert_eq!(Script::for_title(script.title).unwrap().title, script.title);
        for situation in script.situations() {
            assert!(
                seen.insert(situation),
                "{situation:?} is in two scripts' notes"
            );
        }
    }
    assert_eq!(SCRIPTS.len(), 24, "six titles in each of the four areas");
}

/// Loaded on a Monday before the office opens, on a Saturday, the day
/// after the Christmas bank holidays and in British Summer Time, the
/// demonstration's queues read as a well-run service's, and the
/// re-evaluation that follows changes no band and floods no inbox.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_demonstration_is_a_well_run_service_whatever_day_it_is_loaded() {
    for now in [
        "2026-12-07T07:05:00Z",
        "2026-12-05T11:00:00Z",
        "2026-12-29T14:00:00Z",
        "2027-07-14T12:00:00Z",
    ] {
        let (store, state) = loaded_at(now).await;
        let done = caseload_web::reevaluation::everything(&state)
            .await
            .unwrap();
        assert_eq!(done.priorities.changed, 0, "{now}: no band moves");
        for user in store.list_users().await.unwrap() {
            match user.role {
                Role::Practitioner => {
                    let rows = store.caseload(&user.id, state.today()).await.unwrap();
                    let queue = queue_of(&state, rows).await.unwrap();
                    let has = |q: &caseload_web::api::priority::QueueRow, f: &str| {
                        q.flags.iter().any(|x| x == f)
                    };
                    let breached = queue
                        .iter()
                        .filter(|q| has(q, "timescale_breached"))
                        .count();
                    let at_risk = queue
                        .iter()
                        .filter(|q| has(q, "timescale_at_risk") && !has(q, "timescale_breached"))
                        .count();
                    let due = queue.iter().filter(|q| has(q, "assessment_due")).count();
                    let summary = format!(
                        "{now}, {}: {} cases, {breached} breached, {at_risk} at risk, {due} reassessments due",
                        user.name,
                        queue.len()
                    );
                    let detail: Vec<String> = queue
                        .iter()
                        .filter(|q| has(q, "timescale_breached") || has(q, "timescale_at_risk"))
                        .map(|q| {
                            format!(
                                "{} {:?} {:?}: {}",
                                q.row.case.title,
                                q.band,
                                q.row.case.status,
                                q.timescales
                                    .clocks
                                    .iter()
                                    .map(|c| format!("{} {}", c.clock.as_str(), c.state.describe()))
                                    .collect::<Vec<_>>()
                                    .join(", ")
                            )
                        })
                        .collect();
                    let summary = format!("{summary}\n{}", detail.join("\n"));
                    assert!(breached <= 1, "{summary}");
                    assert!(at_risk <= 4, "{summary}");
                    assert!(due <= 2, "{summary}");
                    assert!(queue.len() >= 12, "{summary}");
                }
                Role::Supervisor => {
                    let inbox = store.notifications(&user.id, false).await.unwrap();
                    assert!(
                        (1..=10).contains(&inbox.len()),
                        "{now}, {}: {} notifications",
                        user.name,
                        inbox.len()
                    );
                }
                _ => {}
            }
        }
    }
}
