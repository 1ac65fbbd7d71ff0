//! Cases: one client's matter in one service area, and the status lifecycle
//! referral → open ⇄ on hold → closed (SPEC C1; AG14 PC1, PC17).

use crate::text::FieldErrors;
use crate::vocabulary;

vocabulary!(
    /// The advice areas Caseload serves.
    ServiceArea {
        Housing => "housing", "Housing";
        Debt => "debt", "Debt";
        Benefits => "benefits", "Welfare benefits";
        Careers => "careers", "Careers";
        Employment => "employment", "Employment";
        Immigration => "immigration", "Immigration";
        YouthWork => "youth_work", "Youth work";
        General => "general", "General advice";
    }
);

vocabulary!(
    /// How demanding a case is; weighs the caseload (C4).
    Complexity {
        Low => "low", "Low";
        Medium => "medium", "Medium";
        High => "high", "High";
    }
);

vocabulary!(
    /// Where a case is in its life.
    CaseStatus {
        /// Referred in, not yet taken on.
        Referral => "referral", "Referral";
        Open => "open", "Open";
        /// Paused (waiting on the client or a third party); timescale clocks stop.
        OnHold => "on_hold", "On hold";
        Closed => "closed", "Closed";
    }
);

vocabulary!(
    /// Why a case was closed.
    ClosureReason {
        OutcomesAchieved => "outcomes_achieved", "Outcomes achieved";
        PartiallyAchieved => "partially_achieved", "Outcomes partly achieved";
        ClientWithdrew => "client_withdrew", "Client withdrew";
        LostContact => "lost_contact", "Lost contact";
        ReferredOn => "referred_on", "Referred to another service";
        NotEligible => "not_eligible", "Not eligible";
        Duplicate => "duplicate", "Opened in error or duplicate";
        Other => "other", "Other";
    }
);

/// A request to move a case to another status.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusChange {
    pub from: CaseStatus,
    pub to: CaseStatus,
    /// Why (required for hold, reopen and closure).
    pub reason: Option<String>,
    pub closure_reason: Option<ClosureReason>,
    pub closure_summary: Option<String>,
}

/// Why a status change cannot happen.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TransitionError {
    /// The lifecycle does not allow this move (answered 409).
    #[error("a case cannot go from {from} to {to}; from {from} it can go to {allowed}")]
    NotAllowed {
        from: CaseStatus,
        to: CaseStatus,
        allowed: String,
    },
    /// The move is allowed but the request is incomplete (answered 422).
    #[error("{0}")]
    Incomplete(FieldErrors),
}

impl CaseStatus {
    /// The statuses a case may move to from this one.
    pub fn next(self) -> &'static [CaseStatus] {
        use CaseStatus::*;
        match self {
            Referral => &[Open, Closed],
            Open => &[OnHold, Closed],
            OnHold => &[Open, Closed],
            // Reopening keeps the history; it needs a reason.
            Closed => &[Open],
        }
    }

    pub fn is_active(self) -> bool {
        matches!(
            self,
            CaseStatus::Open | CaseStatus::OnHold | CaseStatus::Referral
        )
    }
}

/// Check a status change against the lifecycle: closing needs a closure
/// reason and summary; holding and reopening need a reason.
pub fn check_transition(change: &StatusChange) -> Result<(), TransitionError> {
    let StatusChange { from, to, .. } = *change;
    if !from.next().contains(&to) {
        let allowed: Vec<&str> = from.next().iter().map(|s| s.as_str()).collect();
        return Err(TransitionError::NotAllowed {
            from,
            to,
            allowed: allowed.join(" or "),
        });
    }
    let mut errors = FieldErrors::new();
    if to == CaseStatus::Closed {
        if change.closure_reason.is_none() {
            errors.push(
                "closure_reason",
                format!(
                    "is required to close a case: one of {}",
                    ClosureReason::expected()
                ),
            );
        }
        if change
            .closure_summary
            .as_deref()
            .is_none_or(|s| s.trim().is_empty())
        {
            errors.push(
                "closure_summary",
                "is required to close a case: say what was done and where the client stands",
            );
        }
    } else {
        if change.closure_reason.is_some() {
            errors.push("closure_reason", "is only given when closing a case");
        }
        if change.closure_summary.is_some() {
            errors.push("closure_summary", "is only given when closing a case");
        }
    }
    let needs_reason = to == CaseStatus::OnHold || from == CaseStatus::Closed;
    if needs_reason && change.reason.as_deref().is_none_or(|s| s.trim().is_empty()) {
        errors.push(
            "reason",
            if to == CaseStatus::OnHold {
                "is required to put a case on hold"
            } else {
                "is required to reopen a closed case"
            },
        );
    }
    errors.into_result().map_err(TransitionError::Incomplete)
}

#[cfg(test)]
mod tests {
    use super::*;
    use CaseStatus::*;

    fn change(from: CaseStatus, to: CaseStatus) -> StatusChange {
        StatusChange {
            from,
            to,
            reason: Some("r".into()),
            closure_reason: None,
            closure_summary: None,
        }
    }

    #[test]
    fn the_lifecycle_allows_only_its_moves() {
        for &from in CaseStatus::ALL {
            for &to in CaseStatus::ALL {
                let mut c = change(from, to);
                if to == Closed {
                    c.closure_reason = Some(ClosureReason::OutcomesAchieved);
                    c.closure_summary = Some("done".into());
                }
                let allowed = from.next().contains(&to);
                assert_eq!(check_transition(&c).is_ok(), allowed, "{from} -> {to}");
            }
        }
    }

    #[test]
    fn closing_needs_a_reason_and_summary() {
        let err = check_transition(&change(Open, Closed)).unwrap_err();
        let TransitionError::Incomplete(errors) = err else {
            panic!("expected incomplete")
        };
        assert!(errors.for_field("closure_reason").is_some());
        assert!(errors.for_field("closure_summary").is_some());
    }

    #[test]
    fn a_closed_case_reopens_only_with_a_reason() {
        let mut c = change(Closed, Open);
        c.reason = None;
        assert!(matches!(
            check_transition(&c),
            Err(TransitionError::Incomplete(_))
        ));
        assert!(matches!(
            check_transition(&change(Closed, OnHold)),
            Err(TransitionError::NotAllowed { .. })
        ));
    }
}
