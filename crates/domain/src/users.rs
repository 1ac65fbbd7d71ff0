//! Users and their roles (SPEC "Users and roles").

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Owns a personal caseload.
    Practitioner,
    /// Oversees the caseloads of their team.
    Supervisor,
    /// Sets organisational requirements and manages users; no case content.
    Admin,
    /// Reads the audit trail; no case content.
    Auditor,
}

impl Role {
    pub const ALL: [Role; 4] = [
        Role::Practitioner,
        Role::Supervisor,
        Role::Admin,
        Role::Auditor,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Practitioner => "practitioner",
            Role::Supervisor => "supervisor",
            Role::Admin => "admin",
            Role::Auditor => "auditor",
        }
    }

    /// A human label for pages.
    pub fn label(self) -> &'static str {
        match self {
            Role::Practitioner => "Practitioner",
            Role::Supervisor => "Supervisor",
            Role::Admin => "Administrator",
            Role::Auditor => "Auditor",
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.as_str() == value)
    }

    /// Practitioners and supervisors work with case records; the others do not.
    pub fn works_cases(self) -> bool {
        matches!(self, Role::Practitioner | Role::Supervisor)
    }
}

impl std::fmt::Display for Role {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}
