//! Caseload's domain: the rules that make a case record trustworthy, as plain
//! functions over plain data. Nothing here does I/O or is async; the store and
//! the web layer call in with values and get values or typed errors back.
//!
//! Dependencies flow one way: `domain` → `store` → `sqlite`/`postgres` → `web`
//! → the `caseload` binary.

pub mod access;
pub mod calendars;
pub mod caseload;
pub mod cases;
pub mod clients;
pub mod clock;
pub mod dates;
pub mod deadlines;
pub mod ids;
pub mod json;
pub mod notes;
pub mod passwords;
pub mod priority;
pub mod records;
pub mod text;
pub mod timescales;
pub mod tokens;
pub mod users;

pub use access::Actor;
pub use clock::{Clock, ManualClock, SystemClock};
pub use text::{FieldError, FieldErrors};
