//! The OpenAPI 3.1 document at `/api/v1/openapi.json`, generated from the
//! handlers and types themselves so it cannot drift from the code. Every
//! operation also lists the problem+json errors it can answer with.

use axum::Json;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::openapi::{ContentBuilder, RefOr, ResponseBuilder};
use utoipa::{Modify, OpenApi};

use super::{
    cases, clients, deadlines, meta, notes, notifications, obstacles, outcomes, priority, tasks,
    timescales,
};
use crate::problem::{FieldProblem, Problem};

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Caseload API",
        description = "Case records for advice and guidance practitioners: clients, cases, append-only notes \
            with amendments, outcomes, obstacles, tasks and the case timeline. Authenticate with \
            `Authorization: Bearer <token>` (create one with `caseload token create --email …`). \
            Every error is `application/problem+json`.",
        license(name = "AGPL-3.0-or-later")
    ),
    paths(
        meta::health, meta::me,
        clients::create, clients::list, clients::show, clients::update, clients::history,
        cases::create, cases::list, cases::show, cases::change_status, cases::timeline,
        notes::create, notes::list, notes::show, notes::no_edits, notes::amend,
        outcomes::create, outcomes::list, outcomes::progress,
        obstacles::create, obstacles::list, obstacles::resolve,
        tasks::create, tasks::list, tasks::change_status,
        deadlines::calculate_handler,
        deadlines::rules,
        deadlines::create,
        deadlines::list,
        priority::list_policies,
        priority::policy_versions,
        priority::create_policy,
        priority::create_assessment,
        priority::override_priority,
        priority::history,
        priority::caseload,
        notifications::notifications,
        notifications::acknowledge,
        notifications::acknowledge_many,
        timescales::versions,
        timescales::import,
        timescales::for_case,
    ),
    components(schemas(Problem, FieldProblem)),
    modifiers(&Security, &StandardErrors),
    security(("bearer" = [])),
    tags(
        (name = "service", description = "Health and identity"),
        (name = "clients", description = "The people being helped"),
        (name = "cases", description = "Cases, their lifecycle and history"),
        (name = "notes", description = "Append-only case notes and amendments"),
        (name = "outcomes", description = "Required outcomes and progress"),
        (name = "obstacles", description = "Obstacles to outcomes"),
        (name = "tasks", description = "Next actions"),
        (name = "deadlines", description = "Statutory deadlines on UK working-day calendars"),
        (name = "priorities", description = "Priority policies, assessments with a rationale, overrides and the queue"),
        (name = "timescales", description = "The organisation's timescales and each case's clocks: on track, at risk, breached"),
    )
)]
pub struct ApiDoc;

struct Security;

impl Modify for Security {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("opaque token")
                    .build(),
            ),
        );
    }
}

/// Add the problem+json answers every operation can give.
struct StandardErrors;

impl Modify for StandardErrors {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let problem = || {
            ContentBuilder::new()
                .schema(Some(RefOr::Ref(utoipa::openapi::Ref::from_schema_name(
                    "Problem",
                ))))
                .build()
        };
        let standard: &[(&str, &str)] = &[
            ("400", "Malformed request (e.g. invalid JSON)"),
            ("401", "Missing or invalid API token"),
            ("403", "Your role does not allow this"),
            ("404", "No such record, or not yours to see"),
            ("413", "Request body too large"),
            ("415", "Body is not application/json"),
            ("422", "The request is understood but invalid; see `errors`"),
            ("500", "Server error; quote the `reference`"),
        ];
        for (path, item) in openapi.paths.paths.iter_mut() {
            let public = path.ends_with("/health");
            for op in [
                &mut item.get,
                &mut item.post,
                &mut item.put,
                &mut item.patch,
                &mut item.delete,
            ]
            .into_iter()
            .flatten()
            {
                for (code, description) in standard {
                    if public && *code != "500" {
                        continue;
                    }
                    let entry = op.responses.responses.entry((*code).to_owned());
                    entry.or_insert_with(|| {
                        RefOr::T(
                            ResponseBuilder::new()
                                .description(*description)
                                .content("application/problem+json", problem())
                                .build(),
                        )
                    });
                }
                // Error bodies are problem+json, whatever the annotation said.
                for (code, response) in op.responses.responses.iter_mut() {
                    if (code.starts_with('4') || code.starts_with('5'))
                        && let RefOr::T(r) = response
                        && let Some(c) = r.content.shift_remove("application/json")
                    {
                        r.content.insert("application/problem+json".to_owned(), c);
                    }
                }
            }
        }
    }
}

/// Handles `GET /api/v1/openapi.json`.
pub async fn document() -> Json<utoipa::openapi::OpenApi> {
    Json(ApiDoc::openapi())
}
