//! The settings nearly every request reads — the policies and timescales in
//! force, the organisation's and each team's calendar, imported holidays and
//! closure days — held in memory as one immutable snapshot.
//!
//! A request reads the settings generation once — a counter that database
//! triggers move on every change to those tables (migration 0010); API
//! requests get it in the same statement as their token's user. While it
//! stands still the snapshot is used as it is; when it moves the snapshot
//! is read again and its files parsed again. So an import made through any
//! server, the CLI or by hand in SQL is seen by every server on its next
//! request; a request works under one reading of its settings throughout;
//! and a queue costs no read at all for its settings beyond the token's.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use caseload_domain::calendars::{Calendar, Division};
use caseload_domain::ids::TeamId;
use caseload_domain::priority::{Policy, PolicyProblem};
use caseload_domain::timescales::Timescales;
use caseload_store::{PolicyVersion, Store, StoreError};

/// One consistent reading of the settings, at one generation.
pub struct Reference {
    pub generation: i64,
    /// The latest version of each policy, by policy id.
    pub policies: Vec<PolicyVersion>,
    parsed: HashMap<String, Result<Arc<Policy>, Vec<PolicyProblem>>>,
    /// The timescales in force and their version (0: none saved, the
    /// shipped file), or why the stored version no longer parses.
    timescales: Result<(i64, Arc<Timescales>), String>,
    organisation: Division,
    teams: HashMap<TeamId, Division>,
    calendars: HashMap<Division, Arc<Calendar>>,
}

impl Reference {
    /// Read everything at `generation` (read before the settings, so a
    /// change made meanwhile moves the counter past it and is read again).
    async fn load(store: &dyn Store, generation: i64) -> Result<Self, StoreError> {
        let policies = store.list_policies().await?;
        let parsed = policies
            .iter()
            .map(|v| (v.policy_id.clone(), Policy::parse(&v.body).map(Arc::new)))
            .collect();
        let timescales = match store.latest_timescales().await? {
            Some(v) => Timescales::parse(&v.body)
                .map(|t| (v.version, Arc::new(t)))
                .map_err(|problems| {
                    format!(
                        "timescales version {} no longer parses: {}",
                        v.version,
                        problems
                            .iter()
                            .map(ToString::to_string)
                            .collect::<Vec<_>>()
                            .join("; ")
                    )
                }),
            None => Ok((0, Arc::new(Timescales::shipped()))),
        };
        let organisation = store
            .get_setting("calendar")
            .await?
            .as_deref()
            .and_then(Division::parse)
            .unwrap_or(Division::EnglandAndWales);
        let teams = store
            .team_calendars()
            .await?
            .into_iter()
            .filter_map(|(team, name)| Division::parse(&name).map(|d| (team, d)))
            .collect();
        let closures: std::collections::BTreeSet<_> = store
            .closure_days()
            .await?
            .into_iter()
            .map(|(d, _)| d)
            .collect();
        let mut calendars = HashMap::new();
        for division in Division::ALL {
            let mut calendar = Calendar::new(division);
            for day in store.imported_holidays(division.as_str()).await? {
                calendar.imported.entry(day.year()).or_default().insert(day);
            }
            calendar.closures = closures.clone();
            calendars.insert(division, Arc::new(calendar));
        }
        Ok(Self {
            generation,
            policies,
            parsed,
            timescales,
            organisation,
            teams,
            calendars,
        })
    }

    /// A policy version of this snapshot, parsed (or its problems).
    pub fn policy(&self, version: &PolicyVersion) -> Result<Arc<Policy>, Vec<PolicyProblem>> {
        match self.parsed.get(&version.policy_id) {
            Some(parsed) if self.is_latest(version) => parsed.clone(),
            // Not the version in force (an older one, asked for by name):
            // parse it on its own.
            _ => Policy::parse(&version.body).map(Arc::new),
        }
    }

    fn is_latest(&self, version: &PolicyVersion) -> bool {
        self.policies
            .iter()
            .any(|p| p.policy_id == version.policy_id && p.version == version.version)
    }

    /// The timescales in force, with their version.
    pub fn timescales(&self) -> Result<(i64, Arc<Timescales>), StoreError> {
        self.timescales.clone().map_err(StoreError::corrupt)
    }

    /// Which calendar a team counts in: its own, else the organisation's
    /// (England and Wales unless set).
    pub fn division_for(&self, team: Option<&TeamId>) -> Division {
        team.and_then(|t| self.teams.get(t).copied())
            .unwrap_or(self.organisation)
    }

    /// A division's working-day calendar as the organisation keeps it:
    /// imported official holidays and its closure days.
    pub fn calendar(&self, division: Division) -> Arc<Calendar> {
        self.calendars
            .get(&division)
            .cloned()
            .unwrap_or_else(|| Arc::new(Calendar::new(division)))
    }

    /// The calendar a team's working days are counted in.
    pub fn team_calendar(&self, team: &TeamId) -> Arc<Calendar> {
        self.calendar(self.division_for(Some(team)))
    }
}

tokio::task_local! {
    /// The settings one request works under: read at most once a request
    /// (and so one consistent reading throughout it).
    static REQUEST: std::cell::RefCell<Option<Arc<Reference>>>;
}

/// Middleware: give each request its own memo of the settings it reads.
pub async fn per_request(
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    REQUEST
        .scope(std::cell::RefCell::new(None), next.run(request))
        .await
}

fn remembered() -> Option<Arc<Reference>> {
    REQUEST.try_with(|r| r.borrow().clone()).ok().flatten()
}

fn remember(reference: &Arc<Reference>) {
    let _ = REQUEST.try_with(|r| *r.borrow_mut() = Some(reference.clone()));
}

/// The latest snapshot, shared by every request of one server.
#[derive(Default)]
pub struct Cache {
    latest: Mutex<Option<Arc<Reference>>>,
}

impl Cache {
    /// The settings as they stand: what this request already read, else
    /// the snapshot held if the generation has not moved, else a fresh
    /// reading (kept for the requests after).
    pub async fn get(&self, store: &dyn Store) -> Result<Arc<Reference>, StoreError> {
        if let Some(r) = remembered() {
            return Ok(r);
        }
        let generation = store.settings_generation().await?;
        self.seed(store, generation).await
    }

    /// Settle this request's settings at a generation it has just read
    /// (alongside its API token, say).
    pub async fn seed(
        &self,
        store: &dyn Store,
        generation: i64,
    ) -> Result<Arc<Reference>, StoreError> {
        let reference = self.at(store, generation).await?;
        remember(&reference);
        Ok(reference)
    }

    async fn at(&self, store: &dyn Store, generation: i64) -> Result<Arc<Reference>, StoreError> {
        if let Some(held) = self.held()
            && held.generation == generation
        {
            return Ok(held);
        }
        let fresh = Arc::new(Reference::load(store, generation).await?);
        if let Ok(mut latest) = self.latest.lock() {
            // Two requests may read at once; keep the newer reading.
            if latest
                .as_ref()
                .is_none_or(|held| held.generation <= fresh.generation)
            {
                *latest = Some(fresh.clone());
            }
        }
        Ok(fresh)
    }

    fn held(&self) -> Option<Arc<Reference>> {
        self.latest.lock().ok().and_then(|g| g.clone())
    }
}
