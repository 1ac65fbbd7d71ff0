//! The organisation's timescales (versioned) and the at-risk and breach alerts their clocks raise.

use async_trait::async_trait;
use caseload_domain::ids::*;
use jiff::Timestamp;
use jiff::civil::Date;
use serde::Serialize;

use crate::*;

/// One version of the organisation's timescales.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TimescaleVersion {
    pub version: i64,
    /// The timescales in their file format (TOML).
    pub body: String,
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub created_by: Option<UserId>,
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub created_at: Timestamp,
}

/// A timescale or deadline that has gone at risk or been breached: tell the
/// case's owner (and, on a breach, the team's supervisors) once.
#[derive(Debug, Clone)]
pub struct NewAlert {
    pub case_id: CaseId,
    /// `first_contact`, `next_action`, `review`, `client_response`, `deadline:<id>`.
    pub clock: String,
    /// `at_risk` or `breached`.
    pub state: String,
    pub due: Date,
    pub message: String,
    pub supervisors: bool,
}

/// Who an alert's case reaches: its owner (if still active) and its team.
#[derive(Debug, Clone)]
pub struct AlertRecipients {
    pub owner: Option<UserId>,
    pub team: TeamId,
}

/// One notification to insert.
#[derive(Debug, Clone)]
pub struct NotificationRow {
    pub id: NotificationId,
    pub user: UserId,
    pub case: CaseId,
    pub kind: String,
    pub message: String,
}

/// The notifications newly sent alerts make: one to the case's owner, and
/// on a breach one to each active supervisor of its team (not to whoever
/// triggered it). Shared by the backends, which read the recipients for a
/// whole page of alerts in two queries and insert these rows many a
/// statement.
pub fn alert_notifications(
    sent: &[&NewAlert],
    cases: &std::collections::HashMap<String, AlertRecipients>,
    supervisors: &std::collections::HashMap<String, Vec<UserId>>,
    actor: &UserId,
    at: Timestamp,
) -> Vec<NotificationRow> {
    let mut rows = Vec::new();
    for alert in sent {
        let Some(case) = cases.get(alert.case_id.as_str()) else {
            continue;
        };
        // A deadline's alert is told apart from a timescale's by its kind.
        let kind = if alert.clock.starts_with("deadline:") {
            format!("deadline_{}", alert.state)
        } else {
            format!("timescale_{}", alert.state)
        };
        let mut to = |user: &UserId| {
            rows.push(NotificationRow {
                id: crate::new_id(NotificationId::from_parts, at),
                user: user.clone(),
                case: alert.case_id.clone(),
                kind: kind.clone(),
                message: alert.message.clone(),
            });
        };
        if let Some(owner) = &case.owner {
            to(owner);
        }
        if alert.supervisors {
            for s in supervisors.get(case.team.as_str()).into_iter().flatten() {
                if s != actor {
                    to(s);
                }
            }
        }
    }
    rows
}

#[async_trait]
pub trait Timescales: Send + Sync {
    /// Save the organisation's timescales as the next version.
    async fn save_timescales(
        &self,
        body: &str,
        by: Option<&UserId>,
        at: Timestamp,
    ) -> Result<TimescaleVersion>;

    /// Every version, oldest first.
    async fn timescale_versions(&self) -> Result<Vec<TimescaleVersion>>;

    async fn latest_timescales(&self) -> Result<Option<TimescaleVersion>>;

    /// Record at-risk and breach alerts and notify, except those (case,
    /// clock, state, due day) already sent, in one transaction; how many
    /// were new.
    async fn record_alerts(&self, alerts: &[NewAlert], ctx: &WriteCtx) -> Result<usize>;
}

#[cfg(test)]
mod alert_tests {
    use super::*;
    use std::collections::HashMap;

    #[test]
    fn alerts_reach_active_owners_and_on_a_breach_the_supervisors_but_not_the_actor() {
        let at: Timestamp = "2026-03-02T09:00:00Z".parse().unwrap();
        let case = |n: u8| CaseId::from_parts(1, [n; 10]);
        let user = |n: u8| UserId::from_parts(1, [n; 10]);
        let team = TeamId::from_parts(1, [9; 10]);
        let alert = |c: u8, breach: bool| NewAlert {
            case_id: case(c),
            clock: "first_contact".into(),
            state: if breach { "breached" } else { "at_risk" }.into(),
            due: "2026-03-02".parse().unwrap(),
            message: "First contact".into(),
            supervisors: breach,
        };
        let cases = HashMap::from([
            (
                case(1).to_string(),
                AlertRecipients {
                    owner: Some(user(1)),
                    team: team.clone(),
                },
            ),
            // An owner who has left: nobody to tell but the supervisors.
            (
                case(2).to_string(),
                AlertRecipients {
                    owner: None,
                    team: team.clone(),
                },
            ),
        ]);
        let supervisors = HashMap::from([(team.to_string(), vec![user(7), user(8)])]);
        let (a, b, c) = (alert(1, false), alert(1, true), alert(2, true));
        let rows = alert_notifications(&[&a, &b, &c], &cases, &supervisors, &user(8), at);
        let to: Vec<(String, String, String)> = rows
            .iter()
            .map(|r| (r.user.to_string(), r.case.to_string(), r.kind.clone()))
            .collect();
        assert_eq!(
            to,
            [
                (
                    user(1).to_string(),
                    case(1).to_string(),
                    "timescale_at_risk".into()
                ),
                (
                    user(1).to_string(),
                    case(1).to_string(),
                    "timescale_breached".into()
                ),
                (
                    user(7).to_string(),
                    case(1).to_string(),
                    "timescale_breached".into()
                ),
                (
                    user(7).to_string(),
                    case(2).to_string(),
                    "timescale_breached".into()
                ),
            ]
        );
        let ids: std::collections::BTreeSet<_> = rows.iter().map(|r| r.id.to_string()).collect();
        assert_eq!(ids.len(), rows.len(), "each notification its own id");
    }
}
