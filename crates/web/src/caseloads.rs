//! Practitioners' caseload rows, kept between their requests for their own
//! queue. A practitioner opens their queue dozens of times a day and their
//! cases seldom change between two looks, so the rows read for one look
//! answer the next while the caseload's mark (`CaseloadMark`: the id and
//! revision of each active case, read with the caller's token in the same
//! statement) and their name are what they were. Any change to any of their
//! cases — by this server, another one, the CLI or SQL typed by an operator —
//! moves a revision, so the rows of the cases that changed are read again
//! on the very next request: the queue is never older than the request. Only the rows are kept; the
//! priorities, flags and clocks are worked out afresh on every request,
//! because they move with the time of day and the settings.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, OnceLock};

use caseload_domain::ids::{CaseId, UserId};
use caseload_store::{CaseloadMark, CaseloadRow, Store, StoreError, User};
use jiff::civil::Date;

/// A caseload row as the queue shares it (kept or not), with its JSON
/// written the first time it is asked for: a kept row's JSON stands as long
/// as the row does, so repeated looks at a queue write only what moves with
/// the time (bands, flags, clocks).
#[derive(Debug)]
pub struct SharedRow {
    pub row: CaseloadRow,
    json: OnceLock<Box<[u8]>>,
}

impl SharedRow {
    pub fn new(row: CaseloadRow) -> Self {
        SharedRow {
            row,
            json: OnceLock::new(),
        }
    }

    /// The row's JSON object, as `serde_json` writes it.
    pub fn json(&self) -> Result<&[u8], serde_json::Error> {
        if let Some(json) = self.json.get() {
            return Ok(json);
        }
        let json = serde_json::to_vec(&self.row)?;
        Ok(self.json.get_or_init(|| json.into_boxed_slice()))
    }
}

impl std::ops::Deref for SharedRow {
    type Target = CaseloadRow;
    fn deref(&self) -> &CaseloadRow {
        &self.row
    }
}

impl serde::Serialize for SharedRow {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.row.serialize(serializer)
    }
}

/// The most rows held at once, across all practitioners: about 4.5 kB
/// each with their JSON (measured: 71 MiB more resident memory once the
/// queues of 400 practitioners had been read), so some 70 MB at most — the
/// queues of 300–400 practitioners with fifty cases each. The least
/// recently asked-for caseload goes first.
pub const ROW_BUDGET: usize = 16_384;

pub struct CaseloadCache {
    held: Mutex<Held>,
    budget: usize,
    kept: AtomicU64,
    refreshed: AtomicU64,
    read: AtomicU64,
}

#[derive(Default)]
struct Held {
    entries: HashMap<UserId, Entry>,
    rows: usize,
    tick: u64,
}

struct Entry {
    /// The mark of `rows` themselves, worked out from them.
    mark: CaseloadMark,
    /// The owner's name on `rows` (none without rows).
    owner_name: Option<String>,
    /// The day the rows' overdue tasks were counted for.
    today: Date,
    rows: Vec<Arc<SharedRow>>,
    used: u64,
}

impl Entry {
    /// What the entry counts against the budget.
    fn weight(&self) -> usize {
        self.rows.len().max(1)
    }
}

impl Default for CaseloadCache {
    fn default() -> Self {
        CaseloadCache::with_budget(ROW_BUDGET)
    }
}

/// How the queue's requests were answered.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    /// From the kept rows, unchanged.
    pub kept: u64,
    /// From the kept rows with the cases that had changed read again.
    pub refreshed: u64,
    /// From the whole caseload read afresh.
    pub read: u64,
}

/// What is kept for a caller, against what they asked with.
enum Found {
    /// The rows stand as they are.
    Current(Vec<Arc<SharedRow>>),
    /// Rows for the same day and name whose mark has moved.
    Moved(Vec<Arc<SharedRow>>),
    Nothing,
}

impl CaseloadCache {
    pub fn with_budget(budget: usize) -> Self {
        CaseloadCache {
            held: Mutex::default(),
            budget,
            kept: AtomicU64::new(0),
            refreshed: AtomicU64::new(0),
            read: AtomicU64::new(0),
        }
    }

    /// `owner`'s active caseload as of `today`, whose mark was read just now
    /// as `mark`: the rows kept from last time if they are still exactly
    /// what the database holds; if some of their cases have changed, the
    /// kept rows with those cases read again; else all read afresh. What is
    /// answered is kept.
    pub async fn rows(
        &self,
        store: &dyn Store,
        owner: &User,
        mark: &CaseloadMark,
        today: Date,
    ) -> Result<Vec<Arc<SharedRow>>, StoreError> {
        let rows = match self.find(owner, mark, today) {
            Found::Current(rows) => {
                self.kept.fetch_add(1, Ordering::Relaxed);
                return Ok(rows);
            }
            Found::Moved(old) => match changed(&old, mark) {
                Some((standing, changed)) => {
                    self.refreshed.fetch_add(1, Ordering::Relaxed);
                    let fresh = store.caseload_cases(&owner.id, &changed, today).await?;
                    let mut rows = standing;
                    rows.extend(fresh.into_iter().map(|row| Arc::new(SharedRow::new(row))));
                    rows.sort_unstable_by(|a, b| a.case.id.as_str().cmp(b.case.id.as_str()));
                    rows
                }
                None => self.read_all(store, owner, today).await?,
            },
            Found::Nothing => self.read_all(store, owner, today).await?,
        };
        // The entry's mark is worked out from the rows themselves, so a row
        // that changed again while it was being read is read again next time.
        let entry = Entry {
            mark: CaseloadMark::of(rows.iter().map(|r| &r.row)),
            owner_name: rows.first().map(|r| r.case.owner_name.clone()),
            today,
            rows: rows.clone(),
            used: 0,
        };
        self.keep(owner.id.clone(), entry);
        Ok(rows)
    }

    async fn read_all(
        &self,
        store: &dyn Store,
        owner: &User,
        today: Date,
    ) -> Result<Vec<Arc<SharedRow>>, StoreError> {
        self.read.fetch_add(1, Ordering::Relaxed);
        let rows = store.caseload(&owner.id, today).await?;
        Ok(rows
            .into_iter()
            .map(|row| Arc::new(SharedRow::new(row)))
            .collect())
    }

    pub fn counts(&self) -> Counts {
        Counts {
            kept: self.kept.load(Ordering::Relaxed),
            refreshed: self.refreshed.load(Ordering::Relaxed),
            read: self.read.load(Ordering::Relaxed),
        }
    }

    fn find(&self, owner: &User, mark: &CaseloadMark, today: Date) -> Found {
        let Ok(mut held) = self.held.lock() else {
            return Found::Nothing;
        };
        held.tick += 1;
        let tick = held.tick;
        let Some(entry) = held.entries.get_mut(&owner.id) else {
            return Found::Nothing;
        };
        let same_day_and_name = entry.today == today
            && entry
                .owner_name
                .as_ref()
                .is_none_or(|name| *name == owner.name);
        if !same_day_and_name {
            return Found::Nothing;
        }
        entry.used = tick;
        if entry.mark == *mark {
            Found::Current(entry.rows.clone())
        } else {
            Found::Moved(entry.rows.clone())
        }
    }

    fn keep(&self, owner: UserId, mut entry: Entry) {
        let Ok(mut held) = self.held.lock() else {
            return;
        };
        if let Some(old) = held.entries.remove(&owner) {
            held.rows -= old.weight();
        }
        // An empty caseload counts as one row, so that the number of
        // entries is bounded too.
        let weight = entry.weight();
        if weight > self.budget {
            return;
        }
        while held.rows + weight > self.budget {
            let Some(oldest) = held
                .entries
                .iter()
                .min_by_key(|(_, e)| e.used)
                .map(|(id, _)| id.clone())
            else {
                break;
            };
            if let Some(gone) = held.entries.remove(&oldest) {
                held.rows -= gone.weight();
            }
        }
        held.tick += 1;
        entry.used = held.tick;
        held.rows += weight;
        held.entries.insert(owner, entry);
    }
}

/// The kept rows that still stand under `mark`, and the cases it lists
/// that must be read again (changed or new); none if reading the whole
/// caseload is as cheap (more than half of it changed) or `mark` cannot be
/// read.
fn changed(
    old: &[Arc<SharedRow>],
    mark: &CaseloadMark,
) -> Option<(Vec<Arc<SharedRow>>, Vec<CaseId>)> {
    let listed = mark.cases()?;
    let kept: HashMap<&str, &Arc<SharedRow>> =
        old.iter().map(|r| (r.case.id.as_str(), r)).collect();
    let mut standing = Vec::with_capacity(listed.len());
    let mut changed = Vec::new();
    for (id, revision) in listed {
        match kept.get(id) {
            Some(row) if row.revision == revision => standing.push(Arc::clone(row)),
            _ => changed.push(CaseId::parse(id)?),
        }
    }
    if changed.len() > standing.len() {
        return None;
    }
    Some((standing, changed))
}
