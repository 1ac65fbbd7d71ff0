//! Demonstration data that looks like a real, well-run service: two teams,
//! a supervisor and three practitioners in each, an administrator and an
//! auditor, and 160 clients each with a case in housing, debt, benefits or
//! careers. Every case follows its title's script (`scripts`): the client's
//! age fits the matter, and each note, task and outcome is about it.
//!
//! The cases are written as they would have happened, day by day, relative
//! to today on the organisation's working-day calendar: first contact on
//! the day a case opens, follow-ups at the pace its priority band's
//! timescales ask, a case review (with a reassessment) every three weeks or
//! so, and open tasks due in the coming days. Most cases are on track; each
//! practitioner has a few at risk, at most one breached, at most one
//! overdue task and at most one reassessment due. Each morning's
//! re-evaluation runs as the server's would, so alerts are sent when they
//! fell due; practitioners answer them by working on the case, and
//! supervisors clear their inbox each afternoon but for the last two
//! working days, which is what they find when the demo starts. Generated
//! from a fixed seed, so every load reads the same.

mod acts;
mod histories;
mod scripts;
#[cfg(test)]
mod tests;

use std::collections::HashMap;
use std::sync::Arc;

use anyhow::{Context, bail};
use caseload_domain::ManualClock;
use caseload_domain::cases::ServiceArea;
use caseload_domain::ids::UserId;
use caseload_domain::priority::Policy;
use caseload_domain::text::Email;
use caseload_domain::timescales::Timescales;
use caseload_domain::users::Role;
use caseload_store::prelude::*;
use caseload_store::*;
use caseload_web::{AppState, Settings};
use jiff::Timestamp;

use acts::{Live, apply};
use histories::{Days, plan_case};

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

pub(crate) const LATE_REASONS: &[&str] = &[
    "Outreach session with no computer access; notes written up from paper the next working day.",
    "Emergency case took the rest of the afternoon.",
    "System unavailable at the time of the appointment.",
    "Home visit ran late and the office was closed on return.",
];

fn ctx(user: &UserId, at: Timestamp) -> WriteCtx {
    WriteCtx {
        actor: user.clone(),
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
    ("olu.auditor", "Olu Adebayo", Role::Auditor, 0),
];

/// The service areas each team works.
const TEAM_AREAS: [[ServiceArea; 2]; 2] = [
    [ServiceArea::Housing, ServiceArea::Debt],
    [ServiceArea::Benefits, ServiceArea::Careers],
];

const TEAMS: [&str; 2] = ["Housing and Debt", "Benefits and Careers"];

/// How many clients (each with one case) the demonstration holds.
const CASES: u64 = 160;

/// Load the demonstration data (or, if it is already there, issue fresh
/// sign-in tokens) and print how to sign in.
pub async fn load(
    store: &Arc<dyn Store>,
    database: &crate::settings::DatabaseUrl,
    listen: &str,
) -> anyhow::Result<()> {
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
        generate(store, Timestamp::now())
            .await
            .context("loading demonstration data")?;
    }
    print_sign_in(store.as_ref(), listen).await
}

/// Generate the demonstration as it would have happened: each case's work
/// written on its day, and the hourly re-evaluation's alerts sent as they
/// fell due (each morning), so that inboxes hold notifications at the
/// times they were sent. Practitioners acknowledge an alert when they next
/// work on its case; supervisors clear their inbox each working afternoon
/// but for the last two working days.
async fn generate(store: &Arc<dyn Store>, now: Timestamp) -> anyhow::Result<()> {
    let mut rng = Rng(0x0CA5_E10A_D000_0001);
    let days = Days::new(now);
    let timescales = match store.latest_timescales().await? {
        Some(v) => Timescales::parse(&v.body)
            .map_err(|e| anyhow::anyhow!("the stored timescales do not parse: {e:?}"))?,
        None => Timescales::shipped(),
    };
    let policies = load_policies(store.as_ref()).await?;

    // The organisation was set up before its oldest case.
    let setup = days.at(days.back(130), 8 * 60)?;
    let teams = [
        store.create_team(TEAMS[0], setup).await?,
        store.create_team(TEAMS[1], setup).await?,
    ];
    let mut users = Vec::new();
    for (local, name, role, team) in PEOPLE {
        let team_id = role.works_cases().then(|| teams[*team].id.clone());
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
        users.push(user);
    }
    let with_role = |role: Role, team: usize| -> Vec<UserId> {
        users
            .iter()
            .filter(|u| u.role == role && u.team_id.as_ref() == Some(&teams[team].id))
            .map(|u| u.id.clone())
            .collect()
    };
    let practitioners = [
        with_role(Role::Practitioner, 0),
        with_role(Role::Practitioner, 1),
    ];
    let supervisors: Vec<UserId> = [0, 1]
        .into_iter()
        .flat_map(|t| with_role(Role::Supervisor, t))
        .collect();

    let mut allowances = HashMap::new();
    let mut plans = Vec::new();
    for index in 0..CASES {
        plans.push(plan_case(
            &mut rng,
            &days,
            &timescales,
            &policies,
            &teams,
            &practitioners,
            &mut allowances,
            index,
        )?);
    }

    // Everything in time order; within a case, in its own order.
    let mut order: Vec<(Timestamp, usize, usize)> = plans
        .iter()
        .enumerate()
        .flat_map(|(c, p)| {
            p.acts
                .iter()
                .enumerate()
                .map(move |(a, (at, _))| (*at, c, a))
        })
        .collect();
    order.sort();

    let clock = Arc::new(ManualClock::new(setup));
    let state = AppState::new(store.clone(), clock.clone(), Settings::default());
    let mut live: Vec<Live> = plans.iter().map(|_| Live::default()).collect();
    // Practitioners' unacknowledged alerts, read after each re-evaluation.
    let mut pending: HashMap<UserId, Vec<Notification>> = HashMap::new();
    let sweep_until = days.back(2);
    let mut next = 0;
    let mut day = order
        .first()
        .map(|(at, _, _)| at.to_zoned(days.tz.clone()).date())
        .unwrap_or(days.today);
    while day <= days.today {
        let morning = days.at(day, 7 * 60 + 30)?;
        let afternoon = days.at(day, 16 * 60 + 45)?;
        let midnight = days.at(day.tomorrow()?, 0)?;
        for (until, then) in [(morning, 0), (afternoon, 1), (midnight, 2)] {
            while let Some(&(at, c, a)) = order.get(next)
                && at < until
            {
                apply(
                    store.as_ref(),
                    &plans[c],
                    &plans[c].acts[a].1,
                    at,
                    &policies,
                    &mut live[c],
                    &mut pending,
                )
                .await
                .with_context(|| format!("case {c}: {:?}", plans[c].script.title))?;
                next += 1;
            }
            if until > days.now {
                continue;
            }
            if then == 0 {
                clock.set(morning);
                caseload_web::reevaluation::everything(&state)
                    .await
                    .map_err(|e| anyhow::anyhow!("re-evaluation: {}", e.problem().detail))?;
                for user in practitioners.iter().flatten() {
                    pending.insert(user.clone(), store.notifications(user, false).await?);
                }
            } else if then == 1 && day <= sweep_until && days.calendar.is_working_day(day) {
                for user in &supervisors {
                    for n in store.notifications(user, false).await? {
                        if n.created_at < afternoon {
                            store
                                .acknowledge_notification(&n.id, user, afternoon)
                                .await?;
                        }
                    }
                }
            }
        }
        day = day.tomorrow()?;
    }
    for &(at, c, a) in &order[next..] {
        apply(
            store.as_ref(),
            &plans[c],
            &plans[c].acts[a].1,
            at,
            &policies,
            &mut live[c],
            &mut pending,
        )
        .await?;
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
        crate::cli::users::set_password(store, &user, &password).await?;
        caseload_web::tokens::sign_out_everywhere(
            store,
            &user.id,
            Timestamp::now(),
            caseload_web::tokens::By::CLI,
        )
        .await?;
        let token = crate::cli::tokens::create_token(
            store,
            address.as_str(),
            &caseload_web::tokens::TokenRequest {
                name: "demonstration".into(),
                ..Default::default()
            },
            caseload_web::settings::DEFAULT_API_TOKEN_DAYS,
        )
        .await?;
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
