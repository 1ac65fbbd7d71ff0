//! Need-to-know access to case records (SPEC C8; AG14 PC16, K6).
//!
//! A practitioner sees their own cases and their team's; a supervisor sees
//! their team's; administrators and auditors see no case content. Anything
//! else is denied — and the caller answers "not found", so that the
//! existence of another team's case is not disclosed.

use crate::ids::{TeamId, UserId};
use crate::users::Role;

/// Who is acting: enough to decide access without another lookup.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    pub id: UserId,
    pub role: Role,
    pub team: Option<TeamId>,
}

impl Actor {
    /// May this actor read a case owned by `owner` in `team`?
    pub fn can_read_case(&self, owner: &UserId, team: &TeamId) -> bool {
        match self.role {
            Role::Practitioner => owner == &self.id || self.team.as_ref() == Some(team),
            Role::Supervisor => self.team.as_ref() == Some(team) || owner == &self.id,
            Role::Admin | Role::Auditor => false,
        }
    }

    /// Writing to a case (notes, tasks, status) needs the same reach as reading
    /// it; read-only grants come with later issues.
    pub fn can_write_case(&self, owner: &UserId, team: &TeamId) -> bool {
        self.can_read_case(owner, team)
    }

    /// May this actor make `owner` (of `owner_team`) the owner of a case?
    /// Nobody can place a case in another team's caseload (no mass assignment).
    pub fn can_assign_to(&self, owner: &UserId, owner_team: Option<&TeamId>) -> bool {
        if !self.role.works_cases() {
            return false;
        }
        owner == &self.id || (self.team.is_some() && owner_team == self.team.as_ref())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn uid(n: u8) -> UserId {
        UserId::from_parts(1, [n; 10])
    }
    fn tid(n: u8) -> TeamId {
        TeamId::from_parts(1, [n; 10])
    }

    #[test]
    fn practitioner_reads_own_and_team_cases_only() {
        let me = Actor {
            id: uid(1),
            role: Role::Practitioner,
            team: Some(tid(1)),
        };
        assert!(me.can_read_case(&uid(1), &tid(2)));
        assert!(me.can_read_case(&uid(2), &tid(1)));
        assert!(!me.can_read_case(&uid(3), &tid(2)));
    }

    #[test]
    fn admins_and_auditors_see_no_case_content() {
        for role in [Role::Admin, Role::Auditor] {
            let a = Actor {
                id: uid(1),
                role,
                team: Some(tid(1)),
            };
            assert!(!a.can_read_case(&uid(1), &tid(1)));
        }
    }

    #[test]
    fn nobody_assigns_into_another_team() {
        let me = Actor {
            id: uid(1),
            role: Role::Supervisor,
            team: Some(tid(1)),
        };
        assert!(me.can_assign_to(&uid(2), Some(&tid(1))));
        assert!(!me.can_assign_to(&uid(3), Some(&tid(2))));
        assert!(!me.can_assign_to(&uid(3), None));
    }
}
