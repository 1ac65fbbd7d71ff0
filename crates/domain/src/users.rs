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

/// Failed sign-ins to one account from one address allowed before a pause.
pub const FREE_SIGN_IN_FAILURES: i64 = 5;

/// The longest pause between sign-in attempts.
pub const LONGEST_SIGN_IN_PAUSE: jiff::SignedDuration = jiff::SignedDuration::from_mins(15);

/// How long to refuse signing in to an account from one address after
/// `failures` failures in a row from there: not at all for the first four,
/// a second after the fifth, doubling with each further failure to at most
/// 15 minutes (OWASP ASVS 2.2.1). Counted per account *and* address, a
/// pause never locks the account's owner out from another address.
pub fn sign_in_pause(failures: i64) -> Option<jiff::SignedDuration> {
    pause_beyond(failures, FREE_SIGN_IN_FAILURES)
}

/// Failed sign-ins from one address, to any accounts, allowed within
/// [`ADDRESS_WINDOW`] before every sign-in from there is paused.
pub const FREE_ADDRESS_FAILURES: i64 = 30;

/// An address's failures count within this window: an hour with none and
/// its count starts again.
pub const ADDRESS_WINDOW: jiff::SignedDuration = jiff::SignedDuration::from_hours(1);

/// How long to refuse every sign-in from one address after `failures`
/// failures from there within the hour, to whichever accounts: not at all
/// for the first 29, a second after the 30th, doubling to at most 15
/// minutes. The per-account pause alone lets one address try a common
/// password against every account (password spraying); this bounds that
/// without pausing an office that mistypes now and then (OWASP ASVS 2.2.1).
pub fn address_sign_in_pause(failures: i64) -> Option<jiff::SignedDuration> {
    pause_beyond(failures, FREE_ADDRESS_FAILURES)
}

fn pause_beyond(failures: i64, free: i64) -> Option<jiff::SignedDuration> {
    let beyond = failures.checked_sub(free)?;
    if beyond < 0 {
        return None;
    }
    // 2^10 s already passes the cap, so larger exponents need not be computed.
    let seconds = 1i64 << beyond.min(10);
    Some(jiff::SignedDuration::from_secs(seconds).min(LONGEST_SIGN_IN_PAUSE))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sign_in_pauses_start_at_the_fifth_failure_and_double_to_fifteen_minutes() {
        use jiff::SignedDuration as D;
        assert_eq!(sign_in_pause(0), None);
        assert_eq!(sign_in_pause(4), None);
        assert_eq!(sign_in_pause(5), Some(D::from_secs(1)));
        assert_eq!(sign_in_pause(6), Some(D::from_secs(2)));
        assert_eq!(sign_in_pause(7), Some(D::from_secs(4)));
        assert_eq!(sign_in_pause(14), Some(D::from_secs(512)));
        assert_eq!(sign_in_pause(15), Some(D::from_mins(15)));
        assert_eq!(sign_in_pause(i64::MAX), Some(D::from_mins(15)));
    }

    #[test]
    fn an_address_is_paused_only_after_thirty_failures_to_any_accounts() {
        use jiff::SignedDuration as D;
        assert_eq!(address_sign_in_pause(1), None);
        assert_eq!(address_sign_in_pause(29), None);
        assert_eq!(address_sign_in_pause(30), Some(D::from_secs(1)));
        assert_eq!(address_sign_in_pause(31), Some(D::from_secs(2)));
        assert_eq!(address_sign_in_pause(i64::MAX), Some(D::from_mins(15)));
    }
}
