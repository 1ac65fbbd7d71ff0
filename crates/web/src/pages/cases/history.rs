//! The case history's filter and order, from the page's query: which kinds
//! of entry are shown, newest or oldest first, and the printed record.

use caseload_domain::records::EventKind;

use super::SAVED;
use crate::pages::saved_from;

/// The kinds of entry the case history can be narrowed to (`?kind=`), each
/// with the timeline's kinds of event it covers.
pub const HISTORY_KINDS: &[(&str, &str, &[EventKind])] = &[
    ("notes", "Notes", &[EventKind::NoteAdded]),
    ("amendments", "Amendments", &[EventKind::NoteAmended]),
    (
        "status",
        "Status changes",
        &[EventKind::CaseCreated, EventKind::StatusChanged],
    ),
    ("priority", "Priority", &[EventKind::PriorityChanged]),
    (
        "tasks",
        "Tasks",
        &[EventKind::TaskAdded, EventKind::TaskStatusChanged],
    ),
    ("deadlines", "Deadlines", &[EventKind::DeadlineAdded]),
    (
        "outcomes",
        "Outcomes",
        &[EventKind::OutcomeAdded, EventKind::OutcomeProgress],
    ),
    (
        "obstacles",
        "Obstacles",
        &[EventKind::ObstacleRaised, EventKind::ObstacleResolved],
    ),
];

/// How the case history is shown, from the page's query: newest first on
/// screen unless `order=oldest`; `print=1` is the whole record oldest first
/// (a printed record reads in the order things happened; the page's order
/// is its DOM order, never reversed by CSS); `kind=` (repeatable) narrows
/// it to some kinds of entry. Unknown values are ignored, and the page says
/// what it shows.
#[derive(Debug, Clone, Default)]
pub struct HistoryView {
    pub oldest_first: bool,
    pub print: bool,
    pub kinds: Vec<&'static str>,
    pub saved: Option<(&'static str, String)>,
}

impl HistoryView {
    pub fn from_query(query: &[(String, String)]) -> HistoryView {
        let value = |name: &str| {
            query
                .iter()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.as_str())
        };
        let print = value("print") == Some("1");
        let kinds = if print {
            Vec::new()
        } else {
            HISTORY_KINDS
                .iter()
                .map(|(code, _, _)| *code)
                .filter(|code| query.iter().any(|(k, v)| k == "kind" && v == code))
                .collect()
        };
        HistoryView {
            oldest_first: print || value("order") == Some("oldest"),
            print,
            kinds,
            saved: saved_from(query, SAVED),
        }
    }

    pub(super) fn shows(&self, kind: EventKind) -> bool {
        self.kinds.is_empty()
            || HISTORY_KINDS
                .iter()
                .any(|(code, _, kinds)| self.kinds.contains(code) && kinds.contains(&kind))
    }

    /// "Notes and tasks, newest first" — what the page shows, in words.
    pub(super) fn describe(&self, shown: usize, total: usize) -> String {
        let order = if self.oldest_first {
            "oldest first"
        } else {
            "newest first"
        };
        if self.kinds.is_empty() {
            let entries = if total == 1 { "entry" } else { "entries" };
            return format!("Showing all {total} {entries}, {order}.");
        }
        let names: Vec<String> = HISTORY_KINDS
            .iter()
            .filter(|(code, _, _)| self.kinds.contains(code))
            .map(|(_, label, _)| label.to_lowercase())
            .collect();
        let names = match names.split_last() {
            Some((last, rest)) if !rest.is_empty() => format!("{} and {last}", rest.join(", ")),
            _ => names.join(""),
        };
        let entries = if total == 1 { "entry" } else { "entries" };
        format!("Showing {names} only, {order}: {shown} of {total} {entries}.")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_of_history_entry_can_be_chosen_in_the_filter() {
        for kind in EventKind::ALL {
            let groups = HISTORY_KINDS
                .iter()
                .filter(|(_, _, kinds)| kinds.contains(kind))
                .count();
            assert_eq!(groups, 1, "{kind} belongs to exactly one filter choice");
        }
    }

    #[test]
    fn the_history_is_newest_first_unless_asked_and_printing_is_oldest_first_and_whole() {
        let q = |pairs: &[(&str, &str)]| {
            let owned: Vec<(String, String)> = pairs
                .iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                .collect();
            HistoryView::from_query(&owned)
        };
        assert!(!q(&[]).oldest_first);
        assert!(q(&[("order", "oldest")]).oldest_first);
        assert!(!q(&[("order", "sideways")]).oldest_first);
        let narrowed = q(&[("kind", "tasks"), ("kind", "nonsense"), ("kind", "notes")]);
        assert_eq!(narrowed.kinds, ["notes", "tasks"]);
        assert!(narrowed.shows(EventKind::TaskStatusChanged));
        assert!(!narrowed.shows(EventKind::PriorityChanged));
        let print = q(&[("print", "1"), ("kind", "tasks")]);
        assert!(print.oldest_first && print.print && print.kinds.is_empty());
        assert_eq!(
            q(&[("saved", "<b>"), ("item", "x")]).saved,
            None,
            "only known words"
        );
    }
}
