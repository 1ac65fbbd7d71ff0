//! Demonstration data: two teams, a supervisor and practitioners in each, an
//! administrator, and 160 clients with cases across housing, debt, benefits
//! and careers — notes (some late, some amended), outcomes with progress,
//! obstacles and tasks. Generated from a fixed seed, relative to today, so
//! every load reads the same and the dates look current.

use anyhow::{Context, bail};
use caseload_domain::cases::{CaseStatus, ClosureReason, Complexity, ServiceArea, StatusChange};
use caseload_domain::notes::{DEFAULT_LATE_WINDOW, NoteKind, Section, check_timing};
use caseload_domain::records::{ObstacleCategory, OutcomeStatus, TaskStatus};
use caseload_domain::text::Email;
use caseload_domain::users::Role;
use std::collections::BTreeMap;

use caseload_domain::priority::{Answer, CriterionKind, Facts, Policy, assess};
use caseload_store::*;
use jiff::{SignedDuration, Timestamp, ToSpan};

/// SplitMix64: small, fast, and the same on every machine.
pub(crate) struct Rng(pub(crate) u64);

impl Rng {
    pub(crate) fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    pub(crate) fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
    pub(crate) fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len() as u64) as usize]
    }
    pub(crate) fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }
}

pub(crate) const FIRST: &[&str] = &[
    "Amara",
    "Siobhán",
    "Tomasz",
    "Fatima",
    "Kwame",
    "Zoë",
    "Priya",
    "Liam",
    "Nguyễn",
    "Aisha",
    "Declan",
    "Mei",
    "Oluwaseun",
    "Grace",
    "Łukasz",
    "Hannah",
    "Yusuf",
    "Chloe",
    "Ravi",
    "Bethany",
    "Mohammed",
    "Eilidh",
    "Dariusz",
    "Keisha",
    "Sean",
    "Ana",
    "Imran",
    "Leah",
    "Kofi",
    "Niamh",
];
pub(crate) const LAST: &[&str] = &[
    "Okafor",
    "O'Brien",
    "Kowalski",
    "Hussain",
    "Mensah",
    "Clarke",
    "Patel",
    "Murphy",
    "Thi Lan",
    "Begum",
    "Gallagher",
    "Chen",
    "Adeyemi",
    "Williams",
    "Nowak",
    "Evans",
    "Ali",
    "Robinson",
    "Sharma",
    "Hughes",
    "Rahman",
    "MacLeod",
    "Wiśniewski",
    "Campbell",
    "Doyle",
    "Silva",
    "Khan",
    "Morgan",
    "Asante",
    "Byrne",
];
pub(crate) const STREETS: &[&str] = &[
    "High Street",
    "Station Road",
    "Church Lane",
    "Victoria Road",
    "Mill Street",
    "Park Avenue",
];

pub(crate) struct Area {
    pub(crate) area: ServiceArea,
    pub(crate) titles: &'static [&'static str],
    pub(crate) outcomes: &'static [&'static str],
    pub(crate) situations: &'static [&'static str],
    pub(crate) actions: &'static [&'static str],
    pub(crate) tasks: &'static [&'static str],
}

pub(crate) const AREAS: &[Area] = &[
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

pub(crate) const RESULTS: &[&str] = &[
    "Client understands the next steps and will bring the documents to the next appointment.",
    "Agreed to speak again in a week; client has my direct number.",
    "Client felt reassured; no immediate risk identified.",
    "Awaiting a reply; follow-up task set.",
];

pub(crate) const LATE_REASONS: &[&str] = &[
    "Outreach session with no computer access; notes written up from paper the next working day.",
    "Emergency case took the rest of the afternoon.",
    "System unavailable at the time of the appointment.",
    "Home visit ran late and the office was closed on return.",
];

struct Person {
    user: User,
}

fn ctx(user: &User, at: Timestamp) -> WriteCtx {
    WriteCtx {
        actor: user.id.clone(),
        at,
        request_id: "demo".into(),
    }
}

fn email(local: &str) -> anyhow::Result<Email> {
    Email::parse("email", &format!("{local}@demo.caseload.invalid"))
        .map_err(|e| anyhow::anyhow!("{}", e.message))
}

const PEOPLE: &[(&str, &str, Role, usize)] = &[
    ("sam.supervisor", "Sam Okonjo", Role::Supervisor, 0),
    ("amara.adviser", "Amara Bello", Role::Practitioner, 0),
    ("rhys.adviser", "Rhys Morgan", Role::Practitioner, 0),
    ("jo.adviser", "Jo Fitzgerald", Role::Practitioner, 0),
    ("kate.supervisor", "Kate Lindqvist", Role::Supervisor, 1),
    ("dev.adviser", "Dev Chauhan", Role::Practitioner, 1),
    ("maya.adviser", "Maya Rosen", Role::Practitioner, 1),
    ("tom.adviser", "Tom Achterberg", Role::Practitioner, 1),
    ("alex.admin", "Alex Admin", Role::Admin, 0),
];

/// Load the demonstration data (or, if it is already there, issue fresh
/// sign-in tokens) and print how to sign in.
pub async fn load(store: &dyn Store, database: &str, listen: &str) -> anyhow::Result<()> {
    let first = email(PEOPLE[0].0)?;
    if store.find_user_by_email(first.as_str()).await?.is_some() {
        eprintln!(
            "caseload: the demonstration data is already in {database}; issuing fresh tokens"
        );
    } else {
        if store.count_users().await? > 0 {
            bail!(
                "{database} already holds users that are not demonstration data; load the demo into a new database, e.g. --database sqlite:demo.db"
            );
        }
        generate(store)
            .await
            .context("loading demonstration data")?;
    }
    print_sign_in(store, listen).await
}

async fn generate(store: &dyn Store) -> anyhow::Result<()> {
    let mut rng = Rng(0x0CA5_E10A_D000_0001);
    // Anchor on the start of today (UTC) so ages and due dates look current.
    let today = Timestamp::now().to_zoned(jiff::tz::TimeZone::UTC).date();
    let start_of_today = today.to_zoned(jiff::tz::TimeZone::UTC)?.timestamp();
    let setup = start_of_today.checked_sub(SignedDuration::from_hours(24 * 120))?;

    let policies = load_policies(store).await?;
    let teams = [
        store.create_team("Housing and Debt", setup).await?,
        store.create_team("Benefits and Careers", setup).await?,
    ];
    let mut people = Vec::new();
    for (local, name, role, team) in PEOPLE {
        let team_id = (*role != Role::Admin).then(|| teams[*team].id.clone());
        let user = store
            .create_user(
                &NewUser {
                    email: email(local)?,
                    name: (*name).into(),
                    role: *role,
                    team_id,
                },
                setup,
            )
            .await?;
        people.push(Person { user });
    }
    let practitioners: [Vec<&User>; 2] = [0, 1].map(|t| {
        people
            .iter()
            .filter(|p| {
                p.user.role == Role::Practitioner && p.user.team_id.as_ref() == Some(&teams[t].id)
            })
            .map(|p| &p.user)
            .collect()
    });

    for i in 0..160u64 {
        let team_index = (i % 2) as usize;
        let area = &AREAS[team_index * 2 + rng.below(2) as usize];
        let owner = *rng.pick(&practitioners[team_index]);
        let colleague = *rng.pick(&practitioners[team_index]);
        let days_ago = 2 + rng.below(100) as i64;
        let opened = start_of_today
            .checked_sub(SignedDuration::from_hours(24 * days_ago))?
            .checked_add(SignedDuration::from_mins(9 * 60 + rng.below(7 * 60) as i64))?;

        let name = format!("{} {}", rng.pick(FIRST), rng.pick(LAST));
        let client = store
            .create_client(
                &NewClient {
                    name,
                    date_of_birth: Some(jiff::civil::date(
                        1950 + rng.below(56) as i16,
                        1 + rng.below(12) as i8,
                        1 + rng.below(28) as i8,
                    )),
                    phone: Some(format!("07700 9{:05}", rng.below(100_000))),
                    email: None,
                    address: Some(format!("{} {}", 1 + rng.below(120), rng.pick(STREETS))),
                    team_id: teams[team_index].id.clone(),
                    contact: Default::default(),
                    access_needs: Default::default(),
                },
                &ctx(owner, opened),
            )
            .await?;
        let referral = rng.chance(8);
        let case = store
            .create_case(
                &NewCase {
                    client_id: client.id.clone(),
                    title: (*rng.pick(area.titles)).into(),
                    service_area: area.area,
                    complexity: *rng.pick(&[
                        Complexity::Low,
                        Complexity::Medium,
                        Complexity::Medium,
                        Complexity::High,
                    ]),
                    owner_id: owner.id.clone(),
                    team_id: teams[team_index].id.clone(),
                    status: if referral {
                        CaseStatus::Referral
                    } else {
                        CaseStatus::Open
                    },
                },
                &ctx(owner, opened),
            )
            .await?;
        if referral {
            continue;
        }

        // Notes: a first contact, then follow-ups every few days.
        let mut when = opened;
        let note_count = 1 + rng.below(5);
        let mut first_note = None;
        for n in 0..note_count {
            if n > 0 {
                when =
                    when.checked_add(SignedDuration::from_hours(24 * (1 + rng.below(9) as i64)))?;
            }
            if when > start_of_today {
                break;
            }
            let late = rng.chance(8);
            let delay = if late {
                SignedDuration::from_hours(26 + rng.below(60) as i64)
            } else {
                SignedDuration::from_mins(15 + rng.below(300) as i64)
            };
            let recorded = when.checked_add(delay)?;
            let reason = late.then(|| *rng.pick(LATE_REASONS));
            let timing = check_timing(when, recorded, DEFAULT_LATE_WINDOW, reason)
                .map_err(|e| anyhow::anyhow!("{e}"))?;
            let kind = if n == 0 {
                NoteKind::FaceToFace
            } else {
                *rng.pick(&[
                    NoteKind::Phone,
                    NoteKind::Email,
                    NoteKind::FaceToFace,
                    NoteKind::Letter,
                    NoteKind::Video,
                ])
            };
            let sections = vec![
                Section {
                    name: "situation".into(),
                    text: (*rng.pick(area.situations)).into(),
                },
                Section {
                    name: "task".into(),
                    text: "Agree the client's priorities and what needs doing first.".into(),
                },
                Section {
                    name: "action".into(),
                    text: (*rng.pick(area.actions)).into(),
                },
                Section {
                    name: "result".into(),
                    text: (*rng.pick(RESULTS)).into(),
                },
            ];
            let note = store
                .add_note(
                    &NewNote {
                        case_id: case.id.clone(),
                        kind,
                        template: "star".into(),
                        occurred_at: when,
                        late_entry: timing.late_entry,
                        late_reason: timing.late_reason,
                        sections,
                        submission_key: None,
                    },
                    &ctx(owner, recorded),
                )
                .await?;
            if first_note.is_none() {
                first_note = Some((note, recorded));
            }
        }
        if let Some((note, recorded)) = first_note
            && rng.chance(6)
        {
            store
                .add_amendment(
                    &NewAmendment {
                        note_id: note.id.clone(),
                        reason: "Corrected the amount after seeing the statement".into(),
                        sections: vec![Section {
                            name: "situation".into(),
                            text: format!(
                                "{} (Amount confirmed from the statement the client brought in.)",
                                note.sections[0].text
                            ),
                        }],
                    },
                    &ctx(owner, recorded.checked_add(SignedDuration::from_hours(30))?),
                )
                .await?;
        }

        let outcome_at = opened.checked_add(SignedDuration::from_mins(45))?;
        let target = today.checked_add((20 + rng.below(60) as i64).days())?;
        let outcome = store
            .add_outcome(
                &NewOutcome {
                    case_id: case.id.clone(),
                    description: (*rng.pick(area.outcomes)).into(),
                    target_date: Some(target),
                },
                &ctx(owner, outcome_at),
            )
            .await?;
        if note_count > 1 {
            store
                .add_outcome_progress(
                    &NewProgress {
                        outcome_id: outcome.id.clone(),
                        status: OutcomeStatus::InProgress,
                        text: "Plan agreed with the client; first steps taken.".into(),
                    },
                    &ctx(
                        owner,
                        outcome_at.checked_add(SignedDuration::from_hours(24))?,
                    ),
                )
                .await?;
        }

        if rng.chance(45) {
            let category = *rng.pick(&[
                ObstacleCategory::DigitalAccess,
                ObstacleCategory::Financial,
                ObstacleCategory::Health,
                ObstacleCategory::Language,
                ObstacleCategory::AgencyCapacity,
                ObstacleCategory::Caring,
            ]);
            let obstacle = store
                .add_obstacle(
                    &NewObstacle { case_id: case.id.clone(), category, description: "Raised at first appointment; affects what the client can do without support.".into() },
                    &ctx(owner, outcome_at),
                )
                .await?;
            if rng.chance(40) {
                store
                    .resolve_obstacle(
                        &obstacle.id,
                        "Support arranged with a partner agency.",
                        &ctx(
                            owner,
                            outcome_at.checked_add(SignedDuration::from_hours(72))?,
                        ),
                    )
                    .await?;
            }
        }

        for t in 0..(1 + rng.below(3)) {
            let due = today.checked_add((rng.below(24) as i64 - 8).days())?;
            let assignee = if t == 2 { colleague } else { owner };
            let task = store
                .add_task(
                    &NewTask {
                        case_id: case.id.clone(),
                        title: (*rng.pick(area.tasks)).into(),
                        due_date: Some(due),
                        assignee_id: Some(assignee.id.clone()),
                    },
                    &ctx(owner, outcome_at),
                )
                .await?;
            if due < today && rng.chance(60) {
                let done_at = due
                    .to_zoned(jiff::tz::TimeZone::UTC)?
                    .timestamp()
                    .checked_add(SignedDuration::from_hours(15))?;
                if done_at > outcome_at {
                    store
                        .set_task_status(
                            &task.id,
                            TaskStatus::Open,
                            TaskStatus::Done,
                            &ctx(assignee, done_at),
                        )
                        .await?;
                }
            }
        }

        // Assess the case against the policy for its area, as its owner would.
        assess_demo_case(store, &mut rng, &policies, &case, owner, outcome_at).await?;

        // A few cases on hold, a few closed.
        let last = when
            .checked_add(SignedDuration::from_hours(6))?
            .max(outcome_at.checked_add(SignedDuration::from_hours(80))?);
        if last < start_of_today {
            if rng.chance(8) {
                let change = StatusChange {
                    from: CaseStatus::Open,
                    to: CaseStatus::OnHold,
                    reason: Some("Waiting for the client to send documents".into()),
                    closure_reason: None,
                    closure_summary: None,
                };
                store
                    .change_case_status(&case.id, &change, &ctx(owner, last))
                    .await?;
            } else if days_ago > 60 && rng.chance(30) {
                let change = StatusChange {
                    from: CaseStatus::Open,
                    to: CaseStatus::Closed,
                    reason: None,
                    closure_reason: Some(ClosureReason::OutcomesAchieved),
                    closure_summary: Some(
                        "Outcome achieved; client knows to come back if the situation changes."
                            .into(),
                    ),
                };
                store
                    .change_case_status(&case.id, &change, &ctx(owner, last))
                    .await?;
            }
        }
    }
    Ok(())
}

/// Words for memorable demonstration passwords.
const WORDS: &[&str] = &[
    "amber", "bridge", "cobalt", "dune", "ember", "fjord", "granite", "harbour", "indigo",
    "juniper", "kestrel", "lantern", "meadow", "nettle", "orchard", "pebble", "quartz", "rowan",
    "saffron", "thistle", "umber", "violet", "willow", "yarrow",
];

/// A fresh random password: three words and two digits, e.g. `cobalt-rowan-pebble-42`.
fn demo_password() -> anyhow::Result<String> {
    let mut bytes = [0u8; 4];
    getrandom::fill(&mut bytes).map_err(|e| anyhow::anyhow!("no randomness for passwords: {e}"))?;
    let w = |b: u8| WORDS[usize::from(b) % WORDS.len()];
    Ok(format!(
        "{}-{}-{}-{:02}",
        w(bytes[0]),
        w(bytes[1]),
        w(bytes[2]),
        bytes[3] % 100
    ))
}

async fn print_sign_in(store: &dyn Store, listen: &str) -> anyhow::Result<()> {
    println!("Demonstration data is loaded: 2 teams, 8 caseworkers, 160 clients and cases.");
    println!();
    println!(
        "Open http://{listen}/ and sign in as one of these (new passwords each time you run `caseload demo`):"
    );
    println!();
    println!(
        "  {:<16} {:<13} {:<38} {:<28} API token",
        "Name", "Role", "Email", "Password"
    );
    for (local, name, role, _) in PEOPLE {
        let address = email(local)?;
        let user = store
            .find_user_by_email(address.as_str())
            .await?
            .context("demonstration user missing")?;
        let password = demo_password()?;
        crate::set_password(store, &user, &password).await?;
        store
            .revoke_user_sessions(&user.id, Timestamp::now())
            .await?;
        let token = crate::create_token(store, address.as_str()).await?;
        println!(
            "  {name:<16} {:<13} {:<38} {password:<28} {token}",
            role.as_str(),
            address.as_str()
        );
    }
    println!();
    println!(
        "Amara Bello is a practitioner in the Housing and Debt team; Sam Okonjo supervises it."
    );
    println!("API:  curl -H 'Authorization: Bearer <token>' http://{listen}/api/v1/cases");
    println!("API description: http://{listen}/api/v1/openapi.json");
    Ok(())
}

/// The stored policies, parsed, by the service area they cover.
async fn load_policies(store: &dyn Store) -> anyhow::Result<Vec<(PolicyVersion, Policy)>> {
    let mut out = Vec::new();
    for v in store.list_policies().await? {
        let p = Policy::parse(&v.body)
            .map_err(|e| anyhow::anyhow!("stored policy {} does not parse: {e:?}", v.policy_id))?;
        out.push((v, p));
    }
    Ok(out)
}

/// Plausible answers for a case's area, assessed and recorded.
async fn assess_demo_case(
    store: &dyn Store,
    rng: &mut Rng,
    policies: &[(PolicyVersion, Policy)],
    case: &Case,
    owner: &User,
    at: Timestamp,
) -> anyhow::Result<()> {
    let area = case.service_area.as_str();
    let Some((version, policy)) = policies
        .iter()
        .find(|(v, _)| v.service_areas.iter().any(|a| a == area))
        .or_else(|| policies.iter().find(|(v, _)| v.policy_id == "generic"))
    else {
        return Ok(());
    };
    let answers = demo_answers(rng, policy);
    let verdict = assess(policy, &answers, &Facts::default())
        .map_err(|e| anyhow::anyhow!("demo answers: {e:?}"))?;
    let high = policy.enters_high(case.priority_band.as_deref(), &verdict.band);
    store
        .record_assessment(
            &NewAssessment {
                case_id: case.id.clone(),
                policy_id: version.policy_id.clone(),
                policy_version: version.version,
                answers: serde_json::to_value(&answers)?,
                score: i64::from(verdict.score),
                band: verdict.band.clone(),
                rationale: serde_json::to_value(&verdict.rationale)?,
                summary: verdict
                    .rationale
                    .iter()
                    .map(|r| r.words.clone())
                    .collect::<Vec<_>>()
                    .join("; "),
                floor: verdict.floor.clone(),
                tasks: verdict.tasks.clone(),
                notify: high.then(|| {
                    format!(
                        "{} — {}: now {} {}",
                        case.client_name, case.title, verdict.band, verdict.band_name
                    )
                }),
            },
            &ctx(owner, at),
        )
        .await?;
    Ok(())
}

/// Plausible answers to a policy's questions: most cases routine, a few
/// with safeguarding or other serious concerns.
pub(crate) fn demo_answers(rng: &mut Rng, policy: &Policy) -> BTreeMap<String, Answer> {
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
