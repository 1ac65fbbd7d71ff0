//! Clients: how a name is folded for finding and sorting, and what a client
//! has said about how they may safely be contacted and what they need to take
//! part (AG14 PC10: access needs; safe contact for people at risk).
//!
//! Finding a client must not depend on how the searcher types accents or
//! capitals: "lukasz", "LUKASZ" and "Łukasz" are the same word. Sorting
//! follows English (UK) practice: letters are compared without their
//! diacritics first, and only equal names are told apart by them, so "Łukasz"
//! sorts among the Ls and "Zoe" just before "Zoë". The folded forms are what
//! the store keeps beside each client (an indexed column and one row per word)
//! so that search can grow (notes, duplicates) on the same rule.

use serde::{Deserialize, Serialize};
use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

/// Letters with no decomposition in Unicode that English readers treat as a
/// plain letter (ICU's root collation makes them primary-equal too).
fn plain_letters(c: char, out: &mut String) {
    match c {
        'ł' => out.push('l'),
        'ø' => out.push('o'),
        'đ' | 'ð' => out.push('d'),
        'ħ' => out.push('h'),
        'ı' => out.push('i'),
        'ŀ' => out.push('l'),
        'ß' => out.push_str("ss"),
        'æ' => out.push_str("ae"),
        'œ' => out.push_str("oe"),
        'þ' => out.push_str("th"),
        _ => out.push(c),
    }
}

/// `text` folded for comparison: lower-cased, compatibility-decomposed
/// (NFKD: "ﬁ" is "fi", full-width letters are letters), without combining
/// marks, and with the few letters that have no decomposition (Ł, Ø, Đ, ß…)
/// written as their plain letters. Everything else is kept as it is.
pub fn search_key(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.to_lowercase().nfkd() {
        if is_combining_mark(c) {
            continue;
        }
        // NFKD can reveal capitals (e.g. "Ⅻ"); lower-case them too.
        for l in c.to_lowercase() {
            plain_letters(l, &mut out);
        }
    }
    out
}

/// The words a name is found by: its folded form split at anything that is
/// not a letter or digit, apostrophes dropped ("O'Hara" is "ohara"), each
/// word once, in order of appearance.
pub fn search_words(text: &str) -> Vec<String> {
    let folded: String = search_key(text)
        .chars()
        .filter(|c| !matches!(c, '\'' | '’' | 'ʼ'))
        .collect();
    let mut words: Vec<String> = Vec::new();
    for w in folded.split(|c: char| !c.is_alphanumeric()) {
        if !w.is_empty() && !words.iter().any(|x| x == w) {
            words.push(w.to_owned());
        }
    }
    words
}

/// Separates the two levels of a sort key; below every character a name can
/// hold (names refuse control characters), so a shorter name sorts first.
const LEVEL_SEPARATOR: char = '\u{1}';

/// The key a client's name sorts by, compared byte by byte (UTF-8 order is
/// code point order): the folded name first, then the lower-cased name
/// itself, so diacritics only break ties (English/UK order).
pub fn sort_key(name: &str) -> String {
    let name = name.trim();
    let mut key = search_key(name);
    key.push(LEVEL_SEPARATOR);
    key.push_str(&name.to_lowercase());
    key
}

/// The upper bound of the words that start with `prefix` (exclusive), for an
/// index range `word >= prefix AND word < prefix_end(prefix)`.
pub fn prefix_end(prefix: &str) -> String {
    let mut end = prefix.to_owned();
    end.push(char::MAX);
    end
}

/// How and when it is safe to contact a client. `None` is "not asked yet",
/// which is not the same as "yes".
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ContactPreferences {
    /// A phone call is safe.
    pub phone: Option<bool>,
    /// A text message is safe.
    pub text: Option<bool>,
    pub email: Option<bool>,
    /// A letter is safe (see `safe_address`).
    pub letter: Option<bool>,
    pub in_person: Option<bool>,
    /// When it is safe, e.g. "weekdays after 3pm".
    pub times: Option<String>,
    /// A safe address, or a warning such as "do not write to home address".
    pub safe_address: Option<String>,
}

impl ContactPreferences {
    /// The ways of contact, with their labels, in the order pages show them.
    pub fn ways(&self) -> [(&'static str, &'static str, Option<bool>); 5] {
        [
            ("phone", "Phone call", self.phone),
            ("text", "Text message", self.text),
            ("email", "Email", self.email),
            ("letter", "Letter", self.letter),
            ("in_person", "In person", self.in_person),
        ]
    }
    /// Has anything been recorded?
    pub fn is_recorded(&self) -> bool {
        self.ways().iter().any(|w| w.2.is_some())
            || self.times.is_some()
            || self.safe_address.is_some()
    }
}

/// What a client needs to take part: an interpreter, adjustments.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AccessNeeds {
    pub interpreter: bool,
    /// The language to interpret (required when `interpreter` is true).
    pub interpreter_language: Option<String>,
    /// Disability or other adjustments, in the client's words where possible.
    pub adjustments: Option<String>,
}

impl AccessNeeds {
    pub fn is_recorded(&self) -> bool {
        self.interpreter || self.adjustments.is_some()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn accents_and_capitals_fold_away() {
        assert_eq!(search_key("Łukasz Nowak"), "lukasz nowak");
        assert_eq!(search_key("LUKASZ"), "lukasz");
        assert_eq!(search_key("Zoë"), "zoe");
        assert_eq!(search_key("Siobhán Ó Dálaigh"), "siobhan o dalaigh");
        assert_eq!(search_key("Śmigły-Rydz"), "smigly-rydz");
        assert_eq!(search_key("Straße"), "strasse");
        assert_eq!(search_key("ﬁona"), "fiona");
        assert_eq!(search_key("ねこ"), "ねこ");
    }

    #[test]
    fn a_name_is_found_by_each_of_its_words() {
        assert_eq!(search_words("Łukasz Nowak"), ["lukasz", "nowak"]);
        assert_eq!(search_words("Siobhán O'Hara"), ["siobhan", "ohara"]);
        assert_eq!(
            search_words("Anna-Maria  Smith-Smith"),
            ["anna", "maria", "smith"]
        );
        assert!(search_words("  -- ").is_empty());
    }

    #[test]
    fn names_sort_with_their_plain_letters_and_accents_break_ties() {
        let mut names = vec![
            "Zoë Adams",
            "Łukasz Nowak",
            "Zoe Adams",
            "Lucy Brown",
            "Mary Ng",
            "Śara Kaye",
            "Sam Ford",
        ];
        names.sort_by_key(|n| sort_key(n));
        assert_eq!(
            names,
            [
                "Lucy Brown",
                "Łukasz Nowak",
                "Mary Ng",
                "Sam Ford",
                "Śara Kaye",
                "Zoe Adams",
                "Zoë Adams"
            ]
        );
        // A name sorts before a longer name it begins.
        assert!(sort_key("Ann") < sort_key("Anna"));
    }

    #[test]
    fn the_prefix_range_holds_exactly_the_words_with_that_prefix() {
        let end = prefix_end("now");
        for w in ["now", "nowak", "now\u{10fff0}"] {
            assert!(w >= "now" && w < end.as_str(), "{w}");
        }
        for w in ["nov", "nox", "no"] {
            assert!(!(w >= "now" && w < end.as_str()), "{w}");
        }
    }

    proptest! {
        #[test]
        fn folding_is_idempotent(s in "\\PC{0,24}") {
            let once = search_key(&s);
            prop_assert_eq!(search_key(&once), once.clone());
        }

        #[test]
        fn folding_ignores_case(s in "[a-zA-ZàáâäçèéêëìíîïłńòóôöśùúûüýźżŁŃÓŚŹŻ ]{0,24}") {
            prop_assert_eq!(search_key(&s.to_uppercase()), search_key(&s.to_lowercase()));
        }

        #[test]
        fn l_with_stroke_folds_as_l(prefix in "[a-z]{0,5}", suffix in "[a-z]{0,5}") {
            let keys: Vec<String> = ["Ł", "ł", "L", "l"]
                .iter()
                .map(|l| search_key(&format!("{prefix}{l}{suffix}")))
                .collect();
            prop_assert!(keys.iter().all(|k| *k == keys[0]), "{:?}", keys);
        }

        #[test]
        fn words_are_folded_and_never_empty(s in "\\PC{0,24}") {
            for w in search_words(&s) {
                prop_assert!(!w.is_empty());
                prop_assert_eq!(search_key(&w), w.clone());
            }
        }
    }
}
