//! Small vocabularies shared by every record: the string enums stored in the
//! database and exchanged over the API. Each knows its wire name, parses only
//! known values, and lists its values for forms and error messages.

/// Define a closed vocabulary stored and exchanged as snake_case strings.
#[macro_export]
macro_rules! vocabulary {
    ($(#[doc = $doc:literal])* $name:ident { $($(#[$vdoc:meta])* $variant:ident => $text:literal, $label:literal;)+ }) => {
        $(#[doc = $doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
        pub enum $name {
            $($(#[$vdoc])* #[serde(rename = $text)] $variant,)+
        }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text),+ }
            }

            /// A human label for pages.
            pub fn label(self) -> &'static str {
                match self { $($name::$variant => $label),+ }
            }

            pub fn parse(value: &str) -> Option<Self> {
                match value { $($text => Some($name::$variant),)+ _ => None }
            }

            /// "a, b or c" for error messages.
            pub fn expected() -> String {
                let names: Vec<&str> = Self::ALL.iter().map(|v| v.as_str()).collect();
                match names.split_last() {
                    Some((last, rest)) if !rest.is_empty() => format!("{} or {}", rest.join(", "), last),
                    _ => names.join(""),
                }
            }
        }

        // Written out rather than derived: the derive does not see the
        // serde names through this macro and documented the Rust variant
        // names (`FaceToFace`) instead of the wire's (`face_to_face`).
        #[cfg(feature = "openapi")]
        impl utoipa::PartialSchema for $name {
            fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
                utoipa::openapi::ObjectBuilder::new()
                    .schema_type(utoipa::openapi::schema::Type::String)
                    .enum_values(Some([$($text),+]))
                    .description(Some(concat!($($doc, "\n"),*).trim()))
                    .into()
            }
        }

        #[cfg(feature = "openapi")]
        impl utoipa::ToSchema for $name {}

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

vocabulary!(
    /// A required outcome's progress (AG14 PC3).
    OutcomeStatus {
        NotStarted => "not_started", "Not started";
        InProgress => "in_progress", "In progress";
        Achieved => "achieved", "Achieved";
        NotAchieved => "not_achieved", "Not achieved";
    }
);

vocabulary!(
    /// What kind of barrier stands in the way of a case's outcomes (AG14 PC4, K11).
    ObstacleCategory {
        Financial => "financial", "Money or debt";
        Housing => "housing", "Housing";
        Health => "health", "Physical or mental health";
        Disability => "disability", "Disability or access needs";
        Language => "language", "Language or literacy";
        DigitalAccess => "digital_access", "Digital access";
        Transport => "transport", "Transport";
        Caring => "caring", "Caring responsibilities";
        Legal => "legal", "Legal or immigration status";
        Engagement => "engagement", "Client engagement";
        AgencyCapacity => "agency_capacity", "Another agency's capacity";
        Other => "other", "Other";
    }
);

vocabulary!(
    /// Where a task stands.
    TaskStatus {
        Open => "open", "Open";
        Done => "done", "Done";
        Cancelled => "cancelled", "Cancelled";
    }
);

vocabulary!(
    /// What happened on a case, as one line of its timeline.
    EventKind {
        CaseCreated => "case_created", "Case opened";
        StatusChanged => "status_changed", "Status changed";
        NoteAdded => "note_added", "Note";
        NoteAmended => "note_amended", "Note amended";
        OutcomeAdded => "outcome_added", "Outcome set";
        OutcomeProgress => "outcome_progress", "Outcome progress";
        ObstacleRaised => "obstacle_raised", "Obstacle raised";
        ObstacleResolved => "obstacle_resolved", "Obstacle resolved";
        TaskAdded => "task_added", "Task added";
        TaskStatusChanged => "task_status_changed", "Task updated";
        DeadlineAdded => "deadline_added", "Deadline set";
        PriorityChanged => "priority_changed", "Priority changed";
    }
);
