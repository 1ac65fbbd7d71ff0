//! The read-audit journal: how a read's audit event is durable before the
//! read is answered without a database commit per read.
//!
//! Every commit to a SQLite database in WAL mode makes every other
//! connection drop its page cache, so committing read events one batch at a
//! time made each queue read re-fetch its pages from the operating system —
//! nearly half the cost of serving it. Instead, read events are appended to
//! a journal file beside the database (`<database>-audit`) and flushed to
//! disk (`fdatasync`) before `record_audits` returns; about once a second,
//! and before anything reads the audit trail, the journal is moved into
//! `audit_events` in one transaction and emptied.
//!
//! Crash safety: each event carries a unique key (`audit_events.event_key`),
//! so a journal moved into the database but not yet emptied when the
//! process died is moved again harmlessly. A last line cut short by a crash
//! was never acknowledged and is dropped. The file is locked (`flock`) while
//! it is appended to or moved, so the server and the CLI can share it.

use std::fs::{File, OpenOptions};
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use caseload_domain::ids::UserId;
use caseload_store::{NewAuditEvent, StoreError, decode};
use serde_json::{Value, json};

#[derive(Debug)]
pub(crate) struct Journal {
    path: PathBuf,
}

/// One event read back from the journal, with its key.
pub(crate) struct Entry {
    pub key: String,
    pub at: i64,
    pub actor: Option<String>,
    pub action: String,
    pub object_type: String,
    pub object_id: Option<String>,
    pub request_id: String,
}

fn io(e: std::io::Error) -> StoreError {
    StoreError::io(e)
}

impl Journal {
    /// The journal of the database file at `db` (none for an in-memory
    /// database: its events are committed directly).
    pub fn beside(db: &Path) -> Option<Self> {
        let name = db.to_str()?;
        if name.is_empty() || name == ":memory:" {
            return None;
        }
        Some(Self {
            path: PathBuf::from(format!("{name}-audit")),
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Append events and flush them to disk.
    pub async fn append(&self, events: &[NewAuditEvent]) -> Result<(), StoreError> {
        let mut text = String::new();
        for e in events {
            let key = caseload_store::new_id(caseload_domain::ids::encode_body, e.at);
            let line = json!({
                "k": key,
                "at": decode::micros(e.at),
                "actor": e.actor.as_ref().map(UserId::as_str),
                "action": e.action,
                "type": e.object_type,
                "id": e.object_id,
                "req": e.request_id,
            });
            text.push_str(&line.to_string());
            text.push('\n');
        }
        let path = self.path.clone();
        tokio::task::spawn_blocking(move || -> std::io::Result<()> {
            let mut file = OpenOptions::new().create(true).append(true).open(&path)?;
            file.lock()?;
            let start = file.metadata()?.len();
            let written = file
                .write_all(text.as_bytes())
                .and_then(|()| file.sync_data());
            if written.is_err() {
                // A write cut short (a full disk) leaves part of a line, which
                // the next append would run into and spoil: cut it off, so
                // what was acknowledged before stays readable.
                let _ = file.set_len(start);
            }
            file.unlock()?;
            written
        })
        .await
        .map_err(|e| StoreError::other(std::io::Error::other(e.to_string())))?
        .map_err(io)
    }

    /// Lock the journal and read what it holds. The lock is held until the
    /// returned handle is emptied or dropped.
    pub async fn take(&self) -> Result<Option<(Held, Vec<Entry>)>, StoreError> {
        let path = self.path.clone();
        tokio::task::spawn_blocking(move || -> std::io::Result<Option<(Held, Vec<Entry>)>> {
            let mut file = match OpenOptions::new().read(true).write(true).open(&path) {
                Ok(f) => f,
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
                Err(e) => return Err(e),
            };
            file.lock()?;
            let mut text = String::new();
            file.read_to_string(&mut text)?;
            if text.is_empty() {
                file.unlock()?;
                return Ok(None);
            }
            let entries = parse(&text, &path);
            Ok(Some((Held { file }, entries)))
        })
        .await
        .map_err(|e| StoreError::other(std::io::Error::other(e.to_string())))?
        .map_err(io)
    }
}

/// The locked journal, between reading it and emptying it.
pub(crate) struct Held {
    file: File,
}

impl Held {
    /// Empty the journal (its events are in the database) and unlock it.
    pub async fn empty(mut self) -> Result<(), StoreError> {
        tokio::task::spawn_blocking(move || -> std::io::Result<()> {
            self.file.set_len(0)?;
            self.file.seek(SeekFrom::Start(0))?;
            self.file.sync_data()?;
            self.file.unlock()
        })
        .await
        .map_err(|e| StoreError::other(std::io::Error::other(e.to_string())))?
        .map_err(io)
    }
}

fn parse(text: &str, path: &Path) -> Vec<Entry> {
    let complete = text.ends_with('\n');
    let lines: Vec<&str> = text.lines().collect();
    let mut out = Vec::with_capacity(lines.len());
    for (n, line) in lines.iter().enumerate() {
        let last = n + 1 == lines.len();
        match entry(line) {
            Some(e) => out.push(e),
            // Cut short by a crash while it was written: never acknowledged.
            None if last && !complete => {
                tracing::warn!(journal = %path.display(), "dropped an unfinished last line of the read-audit journal");
            }
            None => {
                tracing::error!(journal = %path.display(), line = n + 1, "unreadable line in the read-audit journal");
            }
        }
    }
    out
}

fn entry(line: &str) -> Option<Entry> {
    let v: Value = serde_json::from_str(line).ok()?;
    let text = |k: &str| v.get(k).and_then(Value::as_str).map(str::to_owned);
    Some(Entry {
        key: text("k")?,
        at: v.get("at")?.as_i64()?,
        actor: text("actor"),
        action: text("action")?,
        object_type: text("type")?,
        object_id: text("id"),
        request_id: text("req")?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_unfinished_last_line_is_dropped_and_the_rest_kept() {
        let good = r#"{"k":"a","at":1,"actor":"usr_x","action":"case.read","type":"case","id":"cas_1","req":"r1"}"#;
        let text = format!("{good}\n{good}\n{{\"k\":\"b\",\"at\"");
        let entries = parse(&text, Path::new("j"));
        assert_eq!(entries.len(), 2);
        assert_eq!(entries[0].action, "case.read");
        assert_eq!(entries[0].object_id.as_deref(), Some("cas_1"));
        assert_eq!(entries[1].actor.as_deref(), Some("usr_x"));
    }
}
