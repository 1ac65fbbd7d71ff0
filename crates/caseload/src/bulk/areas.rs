//! The synthetic service's word lists: one flat table per service area
//! (the demonstration's per-title scripts are richer, but the benchmarks
//! keep these so that a seed still gives the same data set), and the
//! priority answers its cases are assessed with.

use std::collections::BTreeMap;

use caseload_domain::cases::ServiceArea;
use caseload_domain::priority::{Answer, CriterionKind, Policy};

use crate::demo::Rng;

pub(super) struct Area {
    pub(super) area: ServiceArea,
    pub(super) titles: &'static [&'static str],
    pub(super) outcomes: &'static [&'static str],
    pub(super) situations: &'static [&'static str],
    pub(super) actions: &'static [&'static str],
    pub(super) tasks: &'static [&'static str],
}

pub(super) const AREAS: &[Area] = &[
    Area {
        area: ServiceArea::Housing,
        titles: &[
            "Section 21 notice and rent arrears",
            "Damp and mould disrepair",
            "Threatened with homelessness: family asked client to leave",
            "Temporary accommodation suitability review",
            "Housing benefit overpayment",
            "Harassment by landlord",
        ],
        outcomes: &[
            "Tenancy sustained",
            "Settled accommodation secured",
            "Repairs completed",
            "Arrears cleared by agreement",
        ],
        situations: &[
            "Client phoned after receiving a section 21 notice dated last week; arrears of about £1,450.",
            "Client reports black mould in two bedrooms; child has asthma. Landlord not responding to texts.",
            "Client's parents have asked her to leave by the end of the month; she has a 2-year-old son.",
            "Client says the temporary accommodation is 90 minutes from her children's school.",
        ],
        actions: &[
            "Checked the notice for validity (deposit protection, gas safety certificate, How to Rent guide).",
            "Drafted a letter to the landlord requesting repairs within 14 days, citing the Homes (Fitness for Human Habitation) Act.",
            "Made a homelessness referral to the council's Housing Options team under the duty to refer.",
            "Explained the right to request a review of suitability within 21 days.",
        ],
        tasks: &[
            "Chase landlord for rent statement",
            "Send review request to council",
            "Book environmental health visit",
            "Check deposit protection",
        ],
    },
    Area {
        area: ServiceArea::Debt,
        titles: &[
            "Council tax arrears and enforcement agent visit",
            "Energy arrears on prepayment meter",
            "Debt Relief Order application",
            "Breathing space application",
            "Credit card and catalogue debts",
            "Magistrates' court fine arrears",
        ],
        outcomes: &[
            "Priority debts stabilised",
            "Debt solution in place",
            "Enforcement stopped",
            "Affordable payment plan agreed",
        ],
        situations: &[
            "Client has a letter from an enforcement agent giving 7 days' notice for council tax arrears of £2,100.",
            "Client has been self-disconnecting from the prepayment meter for two weeks; three children at home.",
            "Client has £11,800 of unsecured debts and a surplus of £12 a month after priority bills.",
            "Client received a county court claim form for a catalogue debt; served four days ago.",
        ],
        actions: &[
            "Completed a financial statement with the client using the Standard Financial Statement.",
            "Contacted the council to request enforcement is put on hold while a payment offer is made.",
            "Applied to the supplier's hardship fund and requested emergency credit.",
            "Explained the options: DRO, bankruptcy, debt management plan; client chose to pursue a DRO.",
        ],
        tasks: &[
            "Send financial statement to creditor",
            "Apply for hardship fund",
            "Gather bank statements for DRO",
            "Respond to county court claim",
        ],
    },
    Area {
        area: ServiceArea::Benefits,
        titles: &[
            "PIP mandatory reconsideration",
            "Universal Credit sanction challenge",
            "ESA appeal preparation",
            "Carer's Allowance claim",
            "Universal Credit housing element missing",
            "Attendance Allowance claim",
        ],
        outcomes: &[
            "Correct entitlement in payment",
            "Decision revised",
            "Appeal lodged in time",
            "Claim submitted with evidence",
        ],
        situations: &[
            "Client was awarded no points for daily living in the PIP decision dated 12 days ago.",
            "Client had a 28-day sanction for missing a work coach appointment while in hospital.",
            "Client's UC statement shows no housing element since moving flat two months ago.",
            "Client cares for her mother 40 hours a week and has not claimed Carer's Allowance.",
        ],
        actions: &[
            "Went through the PIP descriptors with the client and noted examples for each activity.",
            "Requested a mandatory reconsideration by journal message, giving the hospital discharge letter as good reason.",
            "Asked the client to upload the new tenancy agreement to the UC journal; drafted the message with her.",
            "Completed the Carer's Allowance claim online with the client and explained the earnings limit.",
        ],
        tasks: &[
            "Request medical evidence from GP",
            "Chase mandatory reconsideration decision",
            "Prepare appeal submission",
            "Check UC statement next assessment period",
        ],
    },
    Area {
        area: ServiceArea::Careers,
        titles: &[
            "NEET: return to education",
            "Apprenticeship applications",
            "CV and interview preparation",
            "Career change after redundancy",
            "College course choice",
            "Access to Work support",
        ],
        outcomes: &[
            "In education, employment or training",
            "Apprenticeship place secured",
            "Job offer accepted",
            "Enrolled on course",
        ],
        situations: &[
            "Young person left college in October and has not been in education, employment or training since.",
            "Client was made redundant after 14 years in warehousing and wants to retrain.",
            "Young person is interested in a plumbing apprenticeship but has no maths GCSE.",
            "Client has dyslexia and is worried about the written tests in job applications.",
        ],
        actions: &[
            "Explored interests and strengths; young person is keen on practical, outdoor work.",
            "Looked at the apprenticeship vacancy service together and shortlisted three vacancies.",
            "Agreed a plan: functional skills maths at the adult learning centre, then apply in spring.",
            "Explained Access to Work and helped the client start an online application.",
        ],
        tasks: &[
            "Send college application link",
            "Mock interview session",
            "Follow up with training provider",
            "Review CV draft",
        ],
    },
];

pub(super) const RESULTS: &[&str] = &[
    "Client understands the next steps and will bring the documents to the next appointment.",
    "Agreed to speak again in a week; client has my direct number.",
    "Client felt reassured; no immediate risk identified.",
    "Awaiting a reply; follow-up task set.",
];

/// Plausible answers to a policy's questions: most cases routine, a few
/// with safeguarding or other serious concerns.
pub(super) fn demo_answers(rng: &mut Rng, policy: &Policy) -> BTreeMap<String, Answer> {
    let mut answers = BTreeMap::new();
    for c in &policy.criteria {
        let answer = match &c.kind {
            CriterionKind::YesNo { .. } if c.id == "safeguarding" => {
                Some(Answer::YesNo(rng.chance(3)))
            }
            CriterionKind::YesNo { points } => Some(Answer::YesNo(rng.chance(if *points >= 30 {
                6
            } else {
                35
            }))),
            CriterionKind::Choice { options } => {
                let pick = if rng.chance(85) {
                    &options[0]
                } else {
                    rng.pick(options)
                };
                Some(Answer::Choice(pick.id.clone()))
            }
            CriterionKind::Number { min, max, .. } => Some(Answer::Number(
                min + (rng.below(u64::try_from(max - min + 1).unwrap_or(1)) as i64),
            )),
            _ => None,
        };
        if let Some(a) = answer {
            answers.insert(c.id.clone(), a);
        }
    }
    answers
}
