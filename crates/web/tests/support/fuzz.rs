//! Fuzzing the web layer: how many cases (`CASELOAD_FUZZ_CASES`, default
//! 256, shared with the domain's targets), where each target's seed corpus
//! (`tests/corpus/<target>/`) and proptest regressions
//! (`tests/fuzz/regressions/<target>.txt`) live, and byte edits of seeds.
//! The targets are proptests because `cargo fuzz` needs a nightly toolchain.

use proptest::prelude::*;
use proptest::sample::Index;
use proptest::test_runner::{Config, FileFailurePersistence, TestRunner};

/// Cases per target (the web targets send each through the router, so
/// they run a quarter of this).
pub fn cases() -> u32 {
    std::env::var("CASELOAD_FUZZ_CASES")
        .ok()
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(256)
}

/// A runner for `target` with `cases` cases, keeping its failures.
pub fn runner(target: &str, cases: u32) -> TestRunner {
    let path: &'static str =
        Box::leak(format!("tests/fuzz/regressions/{target}.txt").into_boxed_str());
    TestRunner::new(Config {
        cases: cases.max(1),
        failure_persistence: Some(Box::new(FileFailurePersistence::Direct(path))),
        ..Config::default()
    })
}

/// The seed files of a target, in name order.
pub fn seeds(target: &str) -> Vec<(String, Vec<u8>)> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/corpus")
        .join(target);
    let mut files: Vec<(String, Vec<u8>)> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("the corpus {}: {e}", dir.display()))
        .map(|entry| {
            let path = entry.unwrap().path();
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            (name, std::fs::read(&path).unwrap())
        })
        .collect();
    files.sort();
    assert!(!files.is_empty(), "the corpus {} is empty", dir.display());
    files
}

/// One change to a seed's bytes.
#[derive(Debug, Clone)]
pub enum Edit {
    Flip(Index, u8),
    Insert(Index, Vec<u8>),
    Delete(Index, usize),
    /// A word from the target's dictionary.
    Word(Index, Index),
    Truncate(Index),
}

pub fn edits() -> impl Strategy<Value = Vec<Edit>> {
    let i = any::<Index>;
    prop::collection::vec(
        prop_oneof![
            1 => (i(), any::<u8>()).prop_map(|(a, b)| Edit::Flip(a, b)),
            1 => (i(), prop::collection::vec(any::<u8>(), 1..6)).prop_map(|(a, b)| Edit::Insert(a, b)),
            1 => (i(), 1usize..16).prop_map(|(a, n)| Edit::Delete(a, n)),
            3 => (i(), i()).prop_map(|(a, w)| Edit::Word(a, w)),
            1 => i().prop_map(Edit::Truncate),
        ],
        0..6,
    )
}

/// `seed` with `edits` applied, words drawn from `words`.
pub fn apply(seed: &[u8], words: &[&str], edits: &[Edit]) -> Vec<u8> {
    let mut out = seed.to_vec();
    for e in edits {
        let len = out.len();
        let at = |ix: &Index| ix.index(len + 1);
        match e {
            Edit::Flip(ix, b) if len > 0 => out[ix.index(len)] ^= b | 1,
            Edit::Flip(..) => {}
            Edit::Insert(ix, bytes) => {
                let i = at(ix);
                out.splice(i..i, bytes.iter().copied());
            }
            Edit::Delete(ix, n) => {
                let i = at(ix);
                out.drain(i..(i + n).min(len));
            }
            Edit::Word(ix, w) => {
                let i = at(ix);
                out.splice(i..i, words[w.index(words.len())].bytes());
            }
            Edit::Truncate(ix) => out.truncate(at(ix)),
        }
    }
    out
}
