//! One script per demonstration case title: who the client is, what the
//! situation is at first contact, what is done at each follow-up, the tasks
//! each step sets, the outcome, and the answers to the area's priority
//! policy. Every note on a demonstration case is drawn from its title's
//! script, so a "Damp and mould disrepair" case reads as one, start to end.
//!
//! Plain data with no dependency but the domain's vocabularies: the
//! demonstration tests read the same scripts to check that no case's notes
//! stray into another's matter.

use caseload_domain::cases::{Complexity, ServiceArea};
use caseload_domain::notes::NoteKind;
use caseload_domain::records::ObstacleCategory;

// Named by path: the demonstration tests include this file by its path too.
#[path = "scripts/benefits.rs"]
mod benefits;
#[path = "scripts/careers.rs"]
mod careers;
#[path = "scripts/debt.rs"]
mod debt;
#[path = "scripts/housing.rs"]
mod housing;

/// One piece of work on a case: what the note's STAR sections say, and the
/// task it leaves (title, working days until it is due).
#[derive(Debug)]
pub struct Step {
    pub kind: NoteKind,
    pub situation: &'static str,
    pub action: &'static str,
    pub result: &'static str,
    pub task: Option<(&'static str, i32)>,
}

const fn step(
    kind: NoteKind,
    situation: &'static str,
    action: &'static str,
    result: &'static str,
    task: Option<(&'static str, i32)>,
) -> Step {
    Step {
        kind,
        situation,
        action,
        result,
        task,
    }
}

/// How a matter goes, from the first contact to a good end.
#[derive(Debug)]
pub struct Script {
    pub title: &'static str,
    pub area: ServiceArea,
    /// The clients' ages in years, youngest and oldest.
    pub ages: (i16, i16),
    pub complexity: Complexity,
    /// The advice needed: the STAR "task" section of every note.
    pub need: &'static str,
    /// The first contact: one of these.
    pub opening: &'static [Step],
    /// Follow-ups, in order.
    pub steps: &'static [Step],
    /// Contacts while waiting on others, between the steps.
    pub check_ins: &'static [Step],
    /// What a case review records as the situation.
    pub review: &'static str,
    /// The last note of a case closed with its outcome achieved.
    pub closing: Step,
    pub outcome: &'static str,
    /// Why the case is put on hold, waiting on the client.
    pub hold: &'static str,
    /// The task that keeps the case moving when a contact sets none.
    pub follow_up: &'static str,
    /// Something in the client's way, raised at the first contact.
    pub obstacle: Option<(ObstacleCategory, &'static str, &'static str)>,
    /// Answers to the area's priority policy, `criterion=answer`; yes/no
    /// questions not named are answered no, choices with their first option.
    pub answers: &'static [&'static str],
    /// Answers true of some clients: (answer, percent of clients).
    pub sometimes: &'static [(&'static str, u64)],
    /// An emergency some clients arrive with, dealt with in the first days
    /// (the case is then reassessed without it): (answer, percent).
    pub emergency: Option<(&'static str, u64)>,
    /// A correction to the first note's situation: (reason, corrected text).
    pub correction: Option<(&'static str, &'static str)>,
}

// (`situations` and `for_title` are for the demonstration's tests.)
#[cfg_attr(not(test), allow(dead_code))]
impl Script {
    /// Every situation a note (or an amendment) on this case may record.
    pub fn situations(&self) -> impl Iterator<Item = &'static str> + '_ {
        self.opening
            .iter()
            .chain(self.steps)
            .chain(self.check_ins)
            .chain(std::iter::once(&self.closing))
            .map(|s| s.situation)
            .chain(std::iter::once(self.review))
            .chain(self.correction.map(|(_, text)| text))
    }

    /// The script for a case title.
    pub fn for_title(title: &str) -> Option<&'static Script> {
        SCRIPTS.iter().find(|s| s.title == title)
    }
}

/// The STAR "task" section of a case review.
pub const REVIEW_NEED: &str =
    "Check the case is on track, the plan still fits and the priority is right.";

/// Every script, in the order the demonstration deals them out (the order
/// is part of the seed: changing it changes the demonstration data).
pub const SCRIPTS: &[Script] = &[
    // Housing.
    housing::SECTION_21_AND_RENT_ARREARS,
    housing::DAMP_AND_MOULD,
    housing::THREATENED_WITH_HOMELESSNESS,
    housing::TEMPORARY_ACCOMMODATION_REVIEW,
    housing::HOUSING_BENEFIT_OVERPAYMENT,
    housing::HARASSMENT_BY_LANDLORD,
    // Debt.
    debt::COUNCIL_TAX_ARREARS,
    debt::ENERGY_ARREARS,
    debt::DEBT_RELIEF_ORDER,
    debt::BREATHING_SPACE,
    debt::CREDIT_CARD_AND_CATALOGUE_DEBTS,
    debt::COURT_FINE_ARREARS,
    // Benefits.
    benefits::PIP_MANDATORY_RECONSIDERATION,
    benefits::UNIVERSAL_CREDIT_SANCTION,
    benefits::ESA_APPEAL,
    benefits::CARERS_ALLOWANCE,
    benefits::UNIVERSAL_CREDIT_HOUSING_ELEMENT,
    benefits::ATTENDANCE_ALLOWANCE,
    // Careers.
    careers::RETURN_TO_EDUCATION,
    careers::APPRENTICESHIP_APPLICATIONS,
    careers::CV_AND_INTERVIEWS,
    careers::CAREER_CHANGE_AFTER_REDUNDANCY,
    careers::COLLEGE_COURSE_CHOICE,
    careers::ACCESS_TO_WORK,
];
