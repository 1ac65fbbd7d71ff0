//! Opaque identifiers. Each kind of record has its own type and its own
//! prefix (`cas_…`, `not_…`), so an id pasted into the wrong place is refused
//! at the boundary instead of matching nothing. The body is 26 characters of
//! Crockford base32: 48 bits of milliseconds then 80 random bits, so ids sort
//! roughly by creation time (good index locality) without revealing counts.

use serde::{Deserialize, Serialize};

const ALPHABET: &[u8; 32] = b"0123456789abcdefghjkmnpqrstvwxyz";

/// Encode a 48-bit millisecond time and 80 random bits as 26 base32 characters.
pub fn encode_body(millis: u64, random: [u8; 10]) -> String {
    let mut value: u128 = u128::from(millis & 0xFFFF_FFFF_FFFF) << 80;
    for (i, b) in random.iter().enumerate() {
        value |= u128::from(*b) << (8 * (9 - i));
    }
    let mut out = [0u8; 26];
    for (i, slot) in out.iter_mut().enumerate().rev() {
        *slot = ALPHABET[(value & 0x1f) as usize];
        value >>= 5;
        let _ = i;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// When an id was made: its 48-bit millisecond part, for any well-formed id
/// of any kind (`cas_…`, `dln_…`). Ids are made with the time of the write
/// that made the record.
pub fn made_at_millis(id: &str) -> Option<u64> {
    let body = id.rsplit_once('_')?.1;
    if !valid_body(body) {
        return None;
    }
    let mut value: u128 = 0;
    for b in body.bytes() {
        let digit = ALPHABET.iter().position(|a| *a == b)?;
        value = (value << 5) | digit as u128;
    }
    u64::try_from(value >> 80).ok()
}

fn valid_body(body: &str) -> bool {
    body.len() == 26 && body.bytes().all(|b| ALPHABET.contains(&b))
}

macro_rules! id_type {
    ($(#[$doc:meta])* $name:ident, $prefix:literal) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(String);

        impl $name {
            pub const PREFIX: &'static str = $prefix;

            /// Parse an id from outside (URL, JSON). Only well-formed ids of
            /// this kind pass.
            pub fn parse(value: &str) -> Option<Self> {
                let body = value.strip_prefix($prefix)?.strip_prefix('_')?;
                valid_body(body).then(|| Self(value.to_owned()))
            }

            /// Build a new id from its time and random parts.
            pub fn from_parts(millis: u64, random: [u8; 10]) -> Self {
                Self(format!("{}_{}", $prefix, encode_body(millis, random)))
            }

            /// Trust a value read back from our own database.
            pub fn from_trusted(value: String) -> Self {
                Self(value)
            }

            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(&self.0)
            }
        }
    };
}

id_type!(/// A team of practitioners with its supervisors.
    TeamId, "tea");
id_type!(/// A person who signs in: practitioner, supervisor, admin or auditor.
    UserId, "usr");
id_type!(/// A client: the person being helped.
    ClientId, "cli");
id_type!(/// A case: one client's matter in one service area.
    CaseId, "cas");
id_type!(/// A case note, an append-only legal record.
    NoteId, "not");
id_type!(/// An amendment to a note.
    AmendmentId, "amd");
id_type!(/// A required outcome of a case.
    OutcomeId, "out");
id_type!(/// A progress entry on a required outcome.
    ProgressId, "prg");
id_type!(/// An obstacle to a case's outcomes.
    ObstacleId, "obs");
id_type!(/// A task (next action) on a case.
    TaskId, "tsk");
id_type!(/// A deadline on a case.
    DeadlineId, "ddl");
id_type!(/// A priority assessment of a case.
    AssessmentId, "asm");
id_type!(/// A change of a case's priority band.
    PriorityChangeId, "pri");
id_type!(/// An in-app notification.
    NotificationId, "ntf");
id_type!(/// An API token (the id, never the secret).
    TokenId, "tok");

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_id_tells_when_it_was_made() {
        let millis = 1_772_409_600_123; // 2026-03-02T00:00:00.123Z
        let id = DeadlineId::from_parts(millis, [0xff; 10]);
        assert_eq!(made_at_millis(id.as_str()), Some(millis));
        assert_eq!(
            made_at_millis(CaseId::from_parts(0, [0; 10]).as_str()),
            Some(0)
        );
        assert_eq!(made_at_millis("dln_not-an-id"), None);
    }

    #[test]
    fn ids_round_trip_and_keep_their_kind() {
        let id = CaseId::from_parts(1_700_000_000_000, [7; 10]);
        assert_eq!(CaseId::parse(id.as_str()), Some(id.clone()));
        assert_eq!(NoteId::parse(id.as_str()), None);
        assert_eq!(CaseId::parse("cas_../../etc/passwd"), None);
        assert_eq!(CaseId::parse("cas_"), None);
        assert_eq!(CaseId::parse("cas_0123456789ABCDEFGHJKMNPQRS"), None);
    }

    #[test]
    fn ids_sort_by_creation_time() {
        let a = CaseId::from_parts(1_000, [255; 10]);
        let b = CaseId::from_parts(1_001, [0; 10]);
        assert!(a < b);
    }
}
