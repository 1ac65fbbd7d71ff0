//! The rows of every table the synthetic service fills, batched for
//! `Store::bulk_insert` a thousand cases at a time.

use caseload_domain::ids::*;
use caseload_store::{BulkRows, BulkValue, Store};
use jiff::Timestamp;

use super::{text, ts};

pub(super) struct Tables {
    pub(super) batches: Vec<BulkRows>,
}

impl Tables {
    pub(super) fn new() -> Self {
        let t = |table, columns: &'static [&'static str]| BulkRows {
            table,
            columns,
            rows: Vec::new(),
        };
        Self {
            batches: vec![
                t("teams", &["id", "name", "created_at"]),
                t(
                    "users",
                    &[
                        "id",
                        "email",
                        "name",
                        "role",
                        "team_id",
                        "active",
                        "created_at",
                    ],
                ),
                t(
                    "clients",
                    &[
                        "id",
                        "name",
                        "date_of_birth",
                        "phone",
                        "email",
                        "address",
                        "team_id",
                        "created_by",
                        "created_at",
                    ],
                ),
                t(
                    "cases",
                    &[
                        "id",
                        "client_id",
                        "title",
                        "service_area",
                        "owner_id",
                        "team_id",
                        "status",
                        "complexity",
                        "closure_reason",
                        "closure_summary",
                        "opened_at",
                        "closed_at",
                        "created_by",
                        "created_at",
                        "updated_at",
                        "priority_band",
                        "priority_floor",
                        "assessed_at",
                        "first_contact_at",
                        "last_contact_at",
                        "last_action_at",
                        "last_review_at",
                        "late_notes",
                    ],
                ),
                t(
                    "case_status_changes",
                    &[
                        "id",
                        "case_id",
                        "from_status",
                        "to_status",
                        "reason",
                        "actor_id",
                        "at",
                    ],
                ),
                t(
                    "notes",
                    &[
                        "id",
                        "case_id",
                        "author_id",
                        "kind",
                        "template",
                        "occurred_at",
                        "recorded_at",
                        "late_entry",
                        "late_reason",
                        "sections",
                    ],
                ),
                t(
                    "note_amendments",
                    &[
                        "id",
                        "note_id",
                        "seq",
                        "author_id",
                        "recorded_at",
                        "reason",
                        "sections",
                        "amended_as",
                    ],
                ),
                t(
                    "outcomes",
                    &[
                        "id",
                        "case_id",
                        "description",
                        "target_date",
                        "status",
                        "created_by",
                        "created_at",
                        "updated_at",
                    ],
                ),
                t(
                    "obstacles",
                    &[
                        "id",
                        "case_id",
                        "category",
                        "description",
                        "raised_by",
                        "raised_at",
                    ],
                ),
                t(
                    "tasks",
                    &[
                        "id",
                        "case_id",
                        "title",
                        "due_date",
                        "assignee_id",
                        "status",
                        "created_by",
                        "created_at",
                        "completed_at",
                        "completed_by",
                    ],
                ),
                t(
                    "deadlines",
                    &[
                        "id",
                        "case_id",
                        "rule_id",
                        "title",
                        "trigger_date",
                        "calendar",
                        "due_date",
                        "explanation",
                        "task_id",
                        "created_by",
                        "created_at",
                    ],
                ),
                t(
                    "assessments",
                    &[
                        "id",
                        "case_id",
                        "policy_id",
                        "policy_version",
                        "answers",
                        "score",
                        "band",
                        "rationale",
                        "assessed_by",
                        "assessed_at",
                    ],
                ),
                t(
                    "priority_changes",
                    &[
                        "id",
                        "case_id",
                        "seq",
                        "band",
                        "previous_band",
                        "cause",
                        "rationale",
                        "assessment_id",
                        "actor_id",
                        "at",
                    ],
                ),
                t(
                    "case_events",
                    &[
                        "case_id",
                        "at",
                        "recorded_at",
                        "actor_id",
                        "kind",
                        "subject_id",
                        "data",
                    ],
                ),
            ],
        }
    }

    pub(super) fn push(&mut self, table: &str, row: Vec<BulkValue>) {
        if let Some(b) = self.batches.iter_mut().find(|b| b.table == table) {
            b.rows.push(row);
        }
    }

    #[allow(clippy::too_many_arguments)]
    pub(super) fn event(
        &mut self,
        case: &CaseId,
        at: Timestamp,
        recorded: Timestamp,
        actor: &UserId,
        kind: &str,
        subject: &str,
        data: serde_json::Value,
    ) {
        self.push(
            "case_events",
            vec![
                text(case.as_str()),
                ts(at),
                ts(recorded),
                text(actor.as_str()),
                text(kind),
                text(subject),
                BulkValue::Json(data),
            ],
        );
    }

    pub(super) fn rows(&self) -> usize {
        self.batches.iter().map(|b| b.rows.len()).sum()
    }

    pub(super) async fn flush(&mut self, store: &dyn Store) -> anyhow::Result<usize> {
        let n = self.rows();
        store.bulk_insert(&self.batches).await?;
        for b in &mut self.batches {
            b.rows.clear();
        }
        Ok(n)
    }
}
