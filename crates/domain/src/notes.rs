//! Case notes as legal records (SPEC C1; AG14 PC1, PC17, K3–K5).
//!
//! A note says when the contact happened (`occurred_at`, from the user) and
//! when it was written (`recorded_at`, from the server clock). Written more
//! than the organisation's window after the event, it is a *late entry* and
//! must say why — contemporaneous-records practice: "a late entry says when
//! the event happened, when written, and why late; never backdated". A note is
//! never edited: corrections are amendments, and the original stays readable.

use std::collections::BTreeMap;

use jiff::{SignedDuration, Timestamp};
use serde::{Deserialize, Serialize};

use crate::access::Actor;
use crate::ids::{TeamId, UserId};
use crate::text::{FieldErrors, limits, prose};
use crate::users::Role;
use crate::vocabulary;

vocabulary!(
    /// How the contact happened.
    NoteKind {
        FaceToFace => "face_to_face", "Face to face";
        Phone => "phone", "Phone call";
        Email => "email", "Email";
        Letter => "letter", "Letter";
        Video => "video", "Video call";
        Internal => "internal", "Internal (no client contact)";
        Review => "review", "Case review";
        Supervision => "supervision", "Supervision";
    }
);

impl NoteKind {
    /// A contact with the client: any kind but internal work, a case
    /// review or supervision. What "last contact" and the first-contact
    /// clock count (the stores' `NOT IN ('internal', 'review',
    /// 'supervision')` says the same in SQL).
    pub fn is_client_contact(self) -> bool {
        !matches!(
            self,
            NoteKind::Internal | NoteKind::Review | NoteKind::Supervision
        )
    }
}

/// An organisation's note template: named sections in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Template {
    pub id: &'static str,
    pub name: &'static str,
    pub sections: &'static [(&'static str, &'static str)],
}

/// STAR: Situation, Task (the advice needed), Action, Result — the default.
pub const STAR: Template = Template {
    id: "star",
    name: "STAR",
    sections: &[
        ("situation", "Situation"),
        ("task", "Task / advice needed"),
        ("action", "Action taken"),
        ("result", "Result and next steps"),
    ],
};

/// SOAP: Subjective, Objective, Assessment, Plan.
pub const SOAP: Template = Template {
    id: "soap",
    name: "SOAP",
    sections: &[
        ("subjective", "Subjective (what the client said)"),
        ("objective", "Objective (facts and documents seen)"),
        ("assessment", "Assessment"),
        ("plan", "Plan"),
    ],
};

pub const TEMPLATES: &[Template] = &[STAR, SOAP];

impl Template {
    pub fn find(id: &str) -> Option<&'static Template> {
        TEMPLATES.iter().find(|t| t.id == id)
    }
    pub fn label(&self, section: &str) -> &'static str {
        self.sections
            .iter()
            .find(|(id, _)| *id == section)
            .map(|(_, l)| *l)
            .unwrap_or("Section")
    }
    fn names(&self) -> String {
        self.sections
            .iter()
            .map(|(id, _)| *id)
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// One named section of a note's text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Section {
    /// The section's id in the template, e.g. `situation`.
    pub name: String,
    pub text: String,
}

/// Parse sections given as `{name: text}` against a template. Blank sections
/// are left out; the rest come back in template order. `require_one` is the
/// rule that a note says something.
pub fn parse_sections(
    template: &Template,
    given: &BTreeMap<String, String>,
    field: &str,
) -> Result<Vec<Section>, FieldErrors> {
    let mut errors = FieldErrors::new();
    for name in given.keys() {
        if !template.sections.iter().any(|(id, _)| id == name) {
            errors.push(
                &format!("{field}.{name}"),
                format!(
                    "is not a section of the {} template; its sections are {}",
                    template.name,
                    template.names()
                ),
            );
        }
    }
    let mut sections = Vec::new();
    for (id, _) in template.sections {
        if let Some(text) = given.get(*id) {
            if text.trim().is_empty() {
                continue;
            }
            if let Some(text) = errors.take(prose(&format!("{field}.{id}"), text, limits::SECTION))
            {
                sections.push(Section {
                    name: (*id).to_owned(),
                    text,
                });
            }
        }
    }
    if sections.is_empty() && errors.is_empty() {
        errors.push(
            field,
            format!(
                "at least one section must be filled in ({})",
                template.names()
            ),
        );
    }
    errors.into_result().map(|()| sections)
}

/// How much a clock may run ahead of the server before "in the future" bites.
pub const CLOCK_SKEW: SignedDuration = SignedDuration::from_secs(120);

/// The default window within which a note counts as contemporaneous.
pub const DEFAULT_LATE_WINDOW: SignedDuration = SignedDuration::from_hours(24);

/// The verdict on a note's timing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Timing {
    pub late_entry: bool,
    /// Kept only for late entries.
    pub late_reason: Option<String>,
}

/// Decide whether a note is a late entry; refuse notes about the future and
/// late entries without a reason.
pub fn check_timing(
    occurred_at: Timestamp,
    recorded_at: Timestamp,
    window: SignedDuration,
    late_reason: Option<&str>,
) -> Result<Timing, FieldErrors> {
    if occurred_at.duration_since(recorded_at) > CLOCK_SKEW {
        return Err(FieldErrors::single(
            "occurred_at",
            "is in the future: a note records something that has already happened",
        ));
    }
    let late = recorded_at.duration_since(occurred_at) > window;
    if !late {
        return Ok(Timing {
            late_entry: false,
            late_reason: None,
        });
    }
    match late_reason {
        Some(r) if !r.trim().is_empty() => {
            let reason =
                prose("late_reason", r, limits::REASON).map_err(|e| FieldErrors(vec![e]))?;
            Ok(Timing {
                late_entry: true,
                late_reason: Some(reason),
            })
        }
        _ => Err(FieldErrors::single(
            "late_reason",
            format!(
                "is required: this note is being recorded more than {} after the contact, so it is a late entry; say why it is late",
                describe_window(window)
            ),
        )),
    }
}

/// "24 hours", "2 days", "90 minutes".
pub fn describe_window(window: SignedDuration) -> String {
    let secs = window.as_secs();
    if secs % 86_400 == 0 && secs >= 172_800 {
        format!("{} days", secs / 86_400)
    } else if secs % 3_600 == 0 {
        let h = secs / 3_600;
        format!("{h} hour{}", if h == 1 { "" } else { "s" })
    } else {
        format!("{} minutes", secs / 60)
    }
}

vocabulary!(
    /// In what capacity an amendment was made: by the note's author, or by a
    /// supervisor of the case's team (shown as such). Amendments made before
    /// Caseload recorded this (when any colleague with access could amend)
    /// say so rather than claim a capacity nobody recorded.
    AmendedAs {
        Author => "author", "Author";
        Supervisor => "supervisor", "Supervisor";
        Unrecorded => "unrecorded", "Not recorded (made before only authors and supervisors could amend)";
    }
);

/// May `actor` amend a note written by `author` on a case owned by `owner`
/// in `team`, and in what capacity? SPEC C1: "Only the note's author amends
/// it (or a supervisor, with a reason, shown as such); colleagues add notes
/// of their own." Every amendment needs a reason, so the supervisor's is
/// asked for like anyone's. `None` for everyone else, including those who
/// cannot work on the case at all.
pub fn amend_capacity(
    actor: &Actor,
    author: &UserId,
    owner: &UserId,
    team: &TeamId,
) -> Option<AmendedAs> {
    if !actor.can_write_case(owner, team) {
        return None;
    }
    if &actor.id == author {
        Some(AmendedAs::Author)
    } else if actor.role == Role::Supervisor && actor.team.as_ref() == Some(team) {
        Some(AmendedAs::Supervisor)
    } else {
        None
    }
}

/// The text as it reads now: the original with each amendment applied in
/// order. The original and every amendment stay available alongside.
pub fn current_sections<'a>(
    original: &[Section],
    amendments: impl IntoIterator<Item = &'a [Section]>,
    template: &Template,
) -> Vec<Section> {
    let mut by_name: BTreeMap<&str, String> = original
        .iter()
        .map(|s| (s.name.as_str(), s.text.clone()))
        .collect();
    for amendment in amendments {
        for s in amendment {
            by_name.insert(s.name.as_str(), s.text.clone());
        }
    }
    template
        .sections
        .iter()
        .filter_map(|(id, _)| {
            by_name.get(id).map(|t| Section {
                name: (*id).to_owned(),
                text: t.clone(),
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: &str) -> Timestamp {
        s.parse().expect("timestamp")
    }

    #[test]
    fn only_internal_work_reviews_and_supervision_are_not_client_contact() {
        let not_contact: Vec<NoteKind> = NoteKind::ALL
            .iter()
            .copied()
            .filter(|k| !k.is_client_contact())
            .collect();
        assert_eq!(
            not_contact,
            [NoteKind::Internal, NoteKind::Review, NoteKind::Supervision]
        );
        assert!(NoteKind::Phone.is_client_contact());
    }

    #[test]
    fn a_note_within_the_window_is_not_late() {
        let timing = check_timing(
            t("2026-01-01T09:00Z"),
            t("2026-01-02T08:59Z"),
            DEFAULT_LATE_WINDOW,
            None,
        );
        assert_eq!(
            timing,
            Ok(Timing {
                late_entry: false,
                late_reason: None
            })
        );
    }

    #[test]
    fn a_late_note_is_marked_late_entry_and_needs_a_reason() {
        let err = check_timing(
            t("2026-01-01T09:00Z"),
            t("2026-01-02T09:01Z"),
            DEFAULT_LATE_WINDOW,
            None,
        )
        .unwrap_err();
        assert!(
            err.for_field("late_reason")
                .is_some_and(|m| m.contains("24 hours"))
        );
        let ok = check_timing(
            t("2026-01-01T09:00Z"),
            t("2026-01-02T09:01Z"),
            DEFAULT_LATE_WINDOW,
            Some("court all day"),
        );
        assert_eq!(
            ok,
            Ok(Timing {
                late_entry: true,
                late_reason: Some("court all day".into())
            })
        );
    }

    #[test]
    fn a_note_about_the_future_is_refused() {
        let err = check_timing(
            t("2026-01-01T10:00Z"),
            t("2026-01-01T09:00Z"),
            DEFAULT_LATE_WINDOW,
            None,
        )
        .unwrap_err();
        assert!(err.for_field("occurred_at").is_some());
        // A slightly fast client clock is tolerated.
        assert!(
            check_timing(
                t("2026-01-01T09:01Z"),
                t("2026-01-01T09:00Z"),
                DEFAULT_LATE_WINDOW,
                None
            )
            .is_ok()
        );
    }

    #[test]
    fn sections_follow_the_template() {
        let mut given = BTreeMap::new();
        given.insert("result".to_string(), "Rent arrears plan agreed".to_string());
        given.insert(
            "situation".to_string(),
            "Client rang about a notice".to_string(),
        );
        given.insert("task".to_string(), "   ".to_string());
        let sections = parse_sections(&STAR, &given, "sections").expect("valid");
        let names: Vec<&str> = sections.iter().map(|s| s.name.as_str()).collect();
        assert_eq!(names, ["situation", "result"]);

        given.insert("feelings".to_string(), "x".to_string());
        let err = parse_sections(&STAR, &given, "sections").unwrap_err();
        assert!(err.for_field("sections.feelings").is_some());

        let empty: BTreeMap<String, String> = [("action".to_string(), " ".to_string())].into();
        assert!(
            parse_sections(&STAR, &empty, "sections")
                .unwrap_err()
                .for_field("sections")
                .is_some()
        );
    }

    fn uid(n: u8) -> UserId {
        UserId::from_parts(1, [n; 10])
    }
    fn tid(n: u8) -> TeamId {
        TeamId::from_parts(1, [n; 10])
    }
    fn actor(n: u8, role: Role, team: u8) -> Actor {
        Actor {
            id: uid(n),
            role,
            team: Some(tid(team)),
        }
    }

    #[test]
    fn the_author_amends_their_own_note() {
        let ann = actor(1, Role::Practitioner, 1);
        assert_eq!(
            amend_capacity(&ann, &uid(1), &uid(1), &tid(1)),
            Some(AmendedAs::Author)
        );
        // Also on a colleague's case in the team, where the note is theirs.
        assert_eq!(
            amend_capacity(&ann, &uid(1), &uid(2), &tid(1)),
            Some(AmendedAs::Author)
        );
    }

    #[test]
    fn a_colleague_cannot_amend_anothers_note() {
        let bob = actor(2, Role::Practitioner, 1);
        assert_eq!(amend_capacity(&bob, &uid(1), &uid(1), &tid(1)), None);
        // Not even on a case they own.
        assert_eq!(amend_capacity(&bob, &uid(1), &uid(2), &tid(1)), None);
    }

    #[test]
    fn a_supervisor_of_the_cases_team_amends_as_supervisor() {
        let sam = actor(3, Role::Supervisor, 1);
        assert_eq!(
            amend_capacity(&sam, &uid(1), &uid(1), &tid(1)),
            Some(AmendedAs::Supervisor)
        );
        // Their own note is theirs to amend as its author.
        assert_eq!(
            amend_capacity(&sam, &uid(3), &uid(1), &tid(1)),
            Some(AmendedAs::Author)
        );
    }

    #[test]
    fn a_supervisor_of_another_team_or_without_access_cannot_amend() {
        let other = actor(4, Role::Supervisor, 2);
        assert_eq!(amend_capacity(&other, &uid(1), &uid(1), &tid(1)), None);
        // An author who can no longer reach the case (moved team) cannot either.
        let moved = actor(1, Role::Practitioner, 2);
        assert_eq!(amend_capacity(&moved, &uid(1), &uid(2), &tid(1)), None);
        for role in [Role::Admin, Role::Auditor] {
            let a = actor(1, role, 1);
            assert_eq!(amend_capacity(&a, &uid(1), &uid(1), &tid(1)), None);
        }
    }

    #[test]
    fn amendments_apply_in_order_and_leave_the_original() {
        let original = vec![Section {
            name: "situation".into(),
            text: "v1".into(),
        }];
        let a1 = vec![Section {
            name: "situation".into(),
            text: "v2".into(),
        }];
        let a2 = vec![Section {
            name: "result".into(),
            text: "r".into(),
        }];
        let now = current_sections(&original, [a1.as_slice(), a2.as_slice()], &STAR);
        assert_eq!(now[0].text, "v2");
        assert_eq!(now[1].name, "result");
        assert_eq!(original[0].text, "v1");
    }
}
