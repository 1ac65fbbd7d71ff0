//! Fuzz targets for what Caseload reads from outside (issue 15): the
//! priority policy files, the timescales file, the deadline-rule
//! catalogue, the official bank-holidays file and a note's sections and
//! timing. `cargo fuzz` needs a nightly toolchain, so each target is a
//! proptest over arbitrary bytes and over byte- and structure-mutated seeds from `tests/corpus/<target>/`; failures
//! found are kept in `tests/fuzz/regressions/<target>.txt` and tried first.
//!
//! `CASELOAD_FUZZ_CASES` sets the cases per target (default 256, a few
//! seconds in CI); for a long run:
//! `CASELOAD_FUZZ_CASES=100000 cargo test --release -p caseload-domain --test fuzz`.

#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "fuzz/deadlines.rs"]
mod deadlines;
#[path = "fuzz/holidays.rs"]
mod holidays;
#[path = "fuzz/notes.rs"]
mod notes;
#[path = "fuzz/policy.rs"]
mod policy;
#[path = "fuzz/support.rs"]
mod support;
#[path = "fuzz/timescales.rs"]
mod timescales;
