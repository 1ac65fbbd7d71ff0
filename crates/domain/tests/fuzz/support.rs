//! The fuzzing machinery the targets share: how many cases to run, where a
//! target's seed corpus and proptest regressions live, and the inputs —
//! arbitrary bytes, a seed with its bytes mutated, and a seed with its
//! structure mutated (a value replaced, removed, duplicated or copied from
//! elsewhere in the file), which reaches far deeper than random bytes.

use proptest::prelude::*;
use proptest::sample::Index;
use proptest::test_runner::{Config, FileFailurePersistence};
use serde_json::Value;

/// Cases per target when `CASELOAD_FUZZ_CASES` is unset: small enough that
/// every target together stays well inside a minute of CI in a debug build.
const DEFAULT_CASES: u32 = 256;

/// How many cases each target runs (`CASELOAD_FUZZ_CASES=100000` for a long
/// local run).
pub fn cases() -> u32 {
    std::env::var("CASELOAD_FUZZ_CASES")
        .ok()
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(DEFAULT_CASES)
}

/// A target's proptest settings: its case count, and failures kept in
/// `tests/fuzz/regressions/<target>.txt` (committed, so each failure found is
/// tried first on every later run).
pub fn config(target: &str) -> Config {
    let path: &'static str =
        Box::leak(format!("tests/fuzz/regressions/{target}.txt").into_boxed_str());
    Config {
        cases: cases(),
        failure_persistence: Some(Box::new(FileFailurePersistence::Direct(path))),
        ..Config::default()
    }
}

/// The seeds of a target: the files Caseload ships for it (named
/// `valid-shipped-<name>`), then `tests/corpus/<target>/*` in name order.
pub fn seeds_with(target: &str, shipped: &[(&str, &str)]) -> Vec<(String, Vec<u8>)> {
    let mut all: Vec<(String, Vec<u8>)> = shipped
        .iter()
        .map(|(name, body)| (format!("valid-shipped-{name}"), body.as_bytes().to_vec()))
        .collect();
    all.extend(seeds(target));
    all
}

/// The seed files of a target: `tests/corpus/<target>/*`, in name order.
pub fn seeds(target: &str) -> Vec<(String, Vec<u8>)> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/corpus")
        .join(target);
    let mut files: Vec<(String, Vec<u8>)> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("the corpus {}: {e}", dir.display()))
        .map(|entry| {
            let path = entry.expect("a corpus entry").path();
            let name = path
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            (name, std::fs::read(&path).expect("a corpus file"))
        })
        .collect();
    files.sort();
    assert!(!files.is_empty(), "the corpus {} is empty", dir.display());
    files
}

/// Text as a parser that takes `&str` receives it: bytes that are not UTF-8
/// are what a lenient reader would make of them.
pub fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// Numbers at the edges of the types the files are read into.
const NUMBERS: &[&str] = &[
    "0",
    "-0",
    "1",
    "-1",
    "255",
    "256",
    "65535",
    "2147483647",
    "2147483648",
    "-2147483648",
    "-2147483649",
    "4294967295",
    "4294967296",
    "9223372036854775807",
    "-9223372036854775808",
    "9223372036854775808",
    "18446744073709551616",
    "1e999",
    "1.5",
    "nan",
    "inf",
    "0x10",
    "1_000",
];

/// One change to a seed's bytes.
#[derive(Debug, Clone)]
pub enum Edit {
    Flip(Index, u8),
    Insert(Index, Vec<u8>),
    Delete(Index, usize),
    /// Copy a stretch of this seed to elsewhere in it.
    Repeat(Index, usize, Index),
    /// Put a stretch of another seed here.
    Splice(Index, Index, Index, usize),
    /// A word from the target's dictionary.
    Word(Index, Index),
    /// A number at an edge, in place of the digits found here.
    Number(Index, Index),
    Truncate(Index),
}

fn edit() -> impl Strategy<Value = Edit> {
    let i = any::<Index>;
    prop_oneof![
        (i(), any::<u8>()).prop_map(|(a, b)| Edit::Flip(a, b)),
        (i(), prop::collection::vec(any::<u8>(), 1..8)).prop_map(|(a, b)| Edit::Insert(a, b)),
        (i(), 1usize..32).prop_map(|(a, n)| Edit::Delete(a, n)),
        (i(), 1usize..64, i()).prop_map(|(a, n, b)| Edit::Repeat(a, n, b)),
        (i(), i(), i(), 1usize..128).prop_map(|(s, a, b, n)| Edit::Splice(s, a, b, n)),
        (i(), i()).prop_map(|(a, w)| Edit::Word(a, w)),
        (i(), i()).prop_map(|(a, w)| Edit::Number(a, w)),
        i().prop_map(Edit::Truncate),
    ]
}

fn apply(seed: &[u8], all: &[Vec<u8>], words: &[&str], edits: &[Edit]) -> Vec<u8> {
    let mut out = seed.to_vec();
    let at = |ix: &Index, len: usize| if len == 0 { 0 } else { ix.index(len + 1) };
    for e in edits {
        let len = out.len();
        match e {
            Edit::Flip(ix, b) if len > 0 => {
                let i = ix.index(len);
                out[i] ^= b | 1;
            }
            Edit::Flip(..) => {}
            Edit::Insert(ix, bytes) => {
                let i = at(ix, len);
                out.splice(i..i, bytes.iter().copied());
            }
            Edit::Delete(ix, n) => {
                let i = at(ix, len);
                let end = (i + n).min(len);
                out.drain(i..end);
            }
            Edit::Repeat(ix, n, to) => {
                let i = at(ix, len);
                let piece: Vec<u8> = out[i..(i + n).min(len)].to_vec();
                let j = at(to, len);
                out.splice(j..j, piece);
            }
            Edit::Splice(which, from, to, n) => {
                let other = &all[which.index(all.len())];
                let i = at(from, other.len()).min(other.len());
                let piece = &other[i..(i + n).min(other.len())];
                let j = at(to, len);
                out.splice(j..j, piece.iter().copied());
            }
            Edit::Word(ix, w) if !words.is_empty() => {
                let i = at(ix, len);
                let word = words[w.index(words.len())];
                out.splice(i..i, word.bytes());
            }
            Edit::Word(..) => {}
            Edit::Number(ix, w) => {
                let number = NUMBERS[w.index(NUMBERS.len())];
                let start = at(ix, len);
                match out[start..].iter().position(u8::is_ascii_digit) {
                    Some(k) => {
                        let first = start + k;
                        let end = out[first..]
                            .iter()
                            .position(|b| !b.is_ascii_digit())
                            .map_or(out.len(), |m| first + m);
                        out.splice(first..end, number.bytes());
                    }
                    None => out.splice(start..start, number.bytes()).for_each(drop),
                }
            }
            Edit::Truncate(ix) => out.truncate(at(ix, len)),
        }
    }
    out
}

/// A seed with up to eight byte edits, words drawn from `words`.
pub fn mutated_bytes(
    seeds: Vec<Vec<u8>>,
    words: &'static [&'static str],
) -> impl Strategy<Value = Vec<u8>> {
    let n = seeds.len();
    (0..n, prop::collection::vec(edit(), 1..8))
        .prop_map(move |(s, edits)| apply(&seeds[s], &seeds, words, &edits))
}

/// A value a structural edit puts somewhere.
#[derive(Debug, Clone)]
pub enum Put {
    Int(i64),
    Float(f64),
    Str(String),
    Bool(bool),
    EmptyList,
    EmptyTable,
    Null,
    /// A copy of another value from the same file (an id used twice, a
    /// table where a number was).
    Elsewhere(Index),
}

fn put() -> impl Strategy<Value = Put> {
    prop_oneof![
        prop_oneof![
            Just(0i64),
            Just(-1),
            Just(1),
            Just(i64::from(i32::MAX)),
            Just(i64::from(i32::MIN)),
            Just(i64::from(u32::MAX)),
            Just(i64::MAX),
            Just(i64::MIN),
            -1000i64..1000,
        ]
        .prop_map(Put::Int),
        prop_oneof![Just(0.5), Just(f64::INFINITY), Just(f64::NAN), Just(1e300)]
            .prop_map(Put::Float),
        prop_oneof![
            Just(String::new()),
            Just(" ".to_owned()),
            Just("P1".to_owned()),
            Just("a b".to_owned()),
            Just("é".to_owned()),
            Just("\u{0}".to_owned()),
            Just("\u{202e}x".to_owned()),
            Just("<script>".to_owned()),
            Just("x".repeat(5000)),
            Just("2024-02-30".to_owned()),
            Just("1969-12-31".to_owned()),
            Just("2201-01-01".to_owned()),
            Just("england-and-wales".to_owned()),
            Just("scotland".to_owned()),
            "\\PC{0,12}",
        ]
        .prop_map(Put::Str),
        any::<bool>().prop_map(Put::Bool),
        Just(Put::EmptyList),
        Just(Put::EmptyTable),
        Just(Put::Null),
        any::<Index>().prop_map(Put::Elsewhere),
        any::<Index>().prop_map(Put::Elsewhere),
    ]
}

/// One change to a file's structure.
#[derive(Debug, Clone)]
pub enum Change {
    Replace(Index, Put),
    Remove(Index),
    /// A list's item or a table's entry twice (the copy under a new key).
    Duplicate(Index),
    /// A table's key renamed.
    Rename(Index, String),
}

fn change() -> impl Strategy<Value = Change> {
    let i = any::<Index>;
    prop_oneof![
        4 => (i(), put()).prop_map(|(a, p)| Change::Replace(a, p)),
        2 => i().prop_map(Change::Remove),
        2 => i().prop_map(Change::Duplicate),
        1 => (i(), "[a-z_]{0,12}").prop_map(|(a, k)| Change::Rename(a, k)),
    ]
}

/// Every node's path from the root (the root itself first).
fn paths(v: &Value) -> Vec<Vec<PathStep>> {
    fn walk(v: &Value, here: &mut Vec<PathStep>, out: &mut Vec<Vec<PathStep>>) {
        out.push(here.clone());
        match v {
            Value::Object(m) => {
                for (k, child) in m {
                    here.push(PathStep::Key(k.clone()));
                    walk(child, here, out);
                    here.pop();
                }
            }
            Value::Array(a) => {
                for (i, child) in a.iter().enumerate() {
                    here.push(PathStep::At(i));
                    walk(child, here, out);
                    here.pop();
                }
            }
            _ => {}
        }
    }
    let mut out = Vec::new();
    walk(v, &mut Vec::new(), &mut out);
    out
}

#[derive(Debug, Clone)]
enum PathStep {
    Key(String),
    At(usize),
}

fn node<'a>(v: &'a mut Value, path: &[PathStep]) -> Option<&'a mut Value> {
    path.iter().try_fold(v, |v, step| match step {
        PathStep::Key(k) => v.get_mut(k),
        PathStep::At(i) => v.get_mut(*i),
    })
}

fn value_of(put: &Put, whole: &Value) -> Value {
    match put {
        Put::Int(n) => Value::from(*n),
        Put::Float(x) => serde_json::Number::from_f64(*x).map_or(Value::Null, Value::Number),
        Put::Str(s) => Value::from(s.clone()),
        Put::Bool(b) => Value::from(*b),
        Put::EmptyList => Value::Array(Vec::new()),
        Put::EmptyTable => Value::Object(serde_json::Map::new()),
        Put::Null => Value::Null,
        Put::Elsewhere(ix) => {
            let all = paths(whole);
            let mut copy = whole.clone();
            node(&mut copy, &all[ix.index(all.len())])
                .map(|v| v.clone())
                .unwrap_or(Value::Null)
        }
    }
}

/// Apply structural changes to a parsed file.
pub fn change_value(mut doc: Value, changes: &[Change]) -> Value {
    for c in changes {
        let all = paths(&doc);
        let pick = |ix: &Index| all[ix.index(all.len())].clone();
        match c {
            Change::Replace(ix, p) => {
                let path = pick(ix);
                let new = value_of(p, &doc);
                if let Some(slot) = node(&mut doc, &path) {
                    *slot = new;
                }
            }
            Change::Remove(ix) | Change::Duplicate(ix) | Change::Rename(ix, _) => {
                let path = pick(ix);
                let Some((last, parent_path)) = path.split_last() else {
                    continue;
                };
                let Some(parent) = node(&mut doc, parent_path) else {
                    continue;
                };
                match (c, last, parent) {
                    (Change::Remove(_), PathStep::Key(k), Value::Object(m)) => {
                        m.remove(k);
                    }
                    (Change::Remove(_), PathStep::At(i), Value::Array(a)) => {
                        a.remove(*i);
                    }
                    (Change::Duplicate(_), PathStep::Key(k), Value::Object(m)) => {
                        if let Some(v) = m.get(k).cloned() {
                            m.insert(format!("{k}_"), v);
                        }
                    }
                    (Change::Duplicate(_), PathStep::At(i), Value::Array(a)) => {
                        let v = a[*i].clone();
                        a.insert(*i, v);
                    }
                    (Change::Rename(_, to), PathStep::Key(k), Value::Object(m)) => {
                        if let Some(v) = m.remove(k) {
                            m.insert(to.clone(), v);
                        }
                    }
                    _ => {}
                }
            }
        }
    }
    doc
}

/// A TOML seed with up to three structural changes, written back as TOML
/// (a change TOML cannot write, such as a null, leaves the seed as it was).
pub fn mutated_toml(seeds: Vec<Vec<u8>>) -> impl Strategy<Value = Vec<u8>> {
    let docs: Vec<(Vec<u8>, Option<Value>)> = seeds
        .into_iter()
        .map(|s| {
            let doc = std::str::from_utf8(&s)
                .ok()
                .and_then(|t| toml::from_str::<toml::Table>(t).ok())
                .and_then(|t| serde_json::to_value(t).ok());
            (s, doc)
        })
        .collect();
    let n = docs.len();
    (0..n, prop::collection::vec(change(), 1..4)).prop_map(move |(s, changes)| {
        let (raw, doc) = &docs[s];
        match doc {
            Some(doc) => toml::to_string(&change_value(doc.clone(), &changes))
                .map_or_else(|_| raw.clone(), String::into_bytes),
            None => raw.clone(),
        }
    })
}

/// A JSON seed with up to three structural changes, written back as JSON.
pub fn mutated_json(seeds: Vec<Vec<u8>>) -> impl Strategy<Value = Vec<u8>> {
    let docs: Vec<(Vec<u8>, Option<Value>)> = seeds
        .into_iter()
        .map(|s| {
            let doc = serde_json::from_slice::<Value>(&s).ok();
            (s, doc)
        })
        .collect();
    let n = docs.len();
    (0..n, prop::collection::vec(change(), 1..4)).prop_map(move |(s, changes)| {
        let (raw, doc) = &docs[s];
        match doc {
            Some(doc) => serde_json::to_vec(&change_value(doc.clone(), &changes))
                .unwrap_or_else(|_| raw.clone()),
            None => raw.clone(),
        }
    })
}

/// Inputs for a file target: arbitrary bytes, byte-mutated seeds and
/// structure-mutated seeds.
pub fn inputs(
    target: &str,
    shipped: &[(&str, &str)],
    words: &'static [&'static str],
    structured: fn(Vec<Vec<u8>>) -> BoxedStrategy<Vec<u8>>,
) -> impl Strategy<Value = Vec<u8>> {
    let seeds: Vec<Vec<u8>> = seeds_with(target, shipped)
        .into_iter()
        .map(|(_, s)| s)
        .collect();
    prop_oneof![
        1 => prop::collection::vec(any::<u8>(), 0..512),
        3 => mutated_bytes(seeds.clone(), words),
        4 => structured(seeds),
    ]
}
