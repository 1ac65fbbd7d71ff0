//! The access rules both faces share: the API's `Caller` and the pages'
//! `Viewer` reach records through these functions, so a rule cannot be
//! enforced in one place and forgotten in the other. The rules themselves
//! are the domain's (`caseload_domain::access`); here is the lookup, the
//! audit event and the logged denial.

use std::sync::Arc;

use caseload_domain::ids::CaseId;
use caseload_store::{Case, NewAuditEvent, Store, StoreError, User};
use tokio::sync::{mpsc, oneshot};

use crate::AppState;

/// Append an audit event for a read (or a denial) by `user`. Returns once
/// the event is durable; reads happening at the same time share one commit.
pub async fn audit(
    state: &AppState,
    user: &User,
    request_id: &str,
    action: &str,
    object_type: &'static str,
    object_id: Option<&str>,
) -> Result<(), StoreError> {
    state
        .audit_log
        .record(
            &state.store,
            NewAuditEvent {
                at: state.clock.now(),
                actor: Some(user.id.clone()),
                action: action.to_owned(),
                object_type,
                object_id: object_id.map(str::to_owned),
                request_id: request_id.to_owned(),
            },
        )
        .await
}

type Waiting = (NewAuditEvent, oneshot::Sender<Result<(), String>>);

/// Group commit for read audit events. Every read is recorded before it is
/// answered, durably: a served read always has its audit event. Committing
/// each one on its own would make every read wait for its own disk flush
/// (and, on SQLite, make every reader connection drop its page cache), so
/// events go to one writer task, which commits whatever has queued up while
/// the previous commit was flushing — under load, dozens to a commit; alone,
/// one at once, with no added wait.
#[derive(Default)]
pub struct AuditLog {
    queue: std::sync::Mutex<Option<mpsc::UnboundedSender<Waiting>>>,
}

/// The most events one commit takes.
const BATCH: usize = 256;

impl AuditLog {
    pub async fn record(
        &self,
        store: &Arc<dyn Store>,
        event: NewAuditEvent,
    ) -> Result<(), StoreError> {
        let (done, wait) = oneshot::channel();
        let queued = self.sender(store).and_then(|q| q.send((event, done)).ok());
        if queued.is_none() {
            return Err(StoreError::other(std::io::Error::other(
                "the audit writer is not running",
            )));
        }
        match wait.await {
            Ok(Ok(())) => Ok(()),
            Ok(Err(message)) => Err(StoreError::other(std::io::Error::other(message))),
            Err(_) => Err(StoreError::other(std::io::Error::other(
                "the audit writer stopped before recording the event",
            ))),
        }
    }

    /// The writer task's queue, started on first use (and again if the
    /// runtime it ran on has gone, as between tests).
    fn sender(&self, store: &Arc<dyn Store>) -> Option<mpsc::UnboundedSender<Waiting>> {
        let mut queue = self.queue.lock().ok()?;
        if let Some(q) = queue.as_ref()
            && !q.is_closed()
        {
            return Some(q.clone());
        }
        let (tx, rx) = mpsc::unbounded_channel();
        tokio::spawn(write_batches(store.clone(), rx));
        *queue = Some(tx.clone());
        Some(tx)
    }
}

async fn write_batches(store: Arc<dyn Store>, mut queue: mpsc::UnboundedReceiver<Waiting>) {
    let mut batch: Vec<Waiting> = Vec::with_capacity(BATCH);
    while queue.recv_many(&mut batch, BATCH).await > 0 {
        let events: Vec<NewAuditEvent> = batch.iter().map(|(e, _)| e.clone()).collect();
        let result = store.record_audits(&events).await.map_err(|e| {
            tracing::error!(error = %e, events = events.len(), "could not record read audit events");
            e.to_string()
        });
        for (_, done) in batch.drain(..) {
            let _ = done.send(result.clone());
        }
    }
}

/// Log and audit an attempt to reach a record outside `user`'s reach.
pub async fn deny(
    state: &AppState,
    user: &User,
    request_id: &str,
    object_type: &'static str,
    id: &str,
) -> Result<(), StoreError> {
    tracing::warn!(
        user = %user.id, role = %user.role, object_type, object_id = id,
        request_id, "access denied"
    );
    audit(
        state,
        user,
        request_id,
        &format!("{object_type}.denied"),
        object_type,
        Some(id),
    )
    .await
}

/// The outcome of looking a record up on someone's behalf.
pub enum Reach<T> {
    Found(T),
    /// No such record (or not even a well-formed id).
    Missing,
    /// It exists, but not for this user: the denial is already logged and audited.
    Denied,
}

/// A case `user` may work on.
pub async fn case(
    state: &AppState,
    user: &User,
    request_id: &str,
    id: &str,
) -> Result<Reach<Case>, StoreError> {
    let Some(case_id) = CaseId::parse(id) else {
        return Ok(Reach::Missing);
    };
    let case = match state.store.get_case(&case_id).await {
        Ok(c) => c,
        Err(StoreError::NotFound(_)) => return Ok(Reach::Missing),
        Err(e) => return Err(e),
    };
    if !user.actor().can_read_case(&case.owner_id, &case.team_id) {
        deny(state, user, request_id, "case", id).await?;
        return Ok(Reach::Denied);
    }
    Ok(Reach::Found(case))
}
