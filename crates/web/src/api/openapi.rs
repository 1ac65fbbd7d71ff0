//! The OpenAPI 3.1 document at `/api/v1/openapi.json`: what is said once
//! for the whole API (title, security, tags, the problem+json errors every
//! operation can answer with). The paths come from the modules' routers
//! (`super::routes`), registered with their handlers, so the document cannot
//! drift from what is served.

use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityRequirement, SecurityScheme};
use utoipa::openapi::{ContentBuilder, RefOr, ResponseBuilder};
use utoipa::{Modify, OpenApi};

use std::sync::OnceLock;

use serde_json::{Value, json};

use axum::http::header;
use axum::response::IntoResponse;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::AppState;
use crate::problem::{FieldProblem, Problem};

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Caseload API",
        description = "Case records for advice and guidance practitioners: clients, cases, append-only notes \
            with amendments, outcomes, obstacles, tasks and the case timeline. Authenticate with \
            `Authorization: Bearer <token>` (create one on the \"Your API tokens\" page, with \
            `POST /api/v1/tokens` or with `caseload token create --email … --name …`); a token \
            lasts 90 days unless configured, and its scopes (`read`, `write`) narrow what it may do. \
            Every error is `application/problem+json`.",
        license(name = "AGPL-3.0-or-later")
    ),
    components(schemas(Problem, FieldProblem)),
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
                    .description(Some(
                        "An API token. Its scopes narrow what it may do: `read` for every \
                         `GET`, `write` for every other method; each operation names the one it \
                         needs. A token lacking it gets 403.",
                    ))
                    .build(),
            ),
        );
        // Each operation that needs a token names the scope it needs: the
        // rule `auth` enforces for every route (`TokenScope::for_method`).
        for item in openapi.paths.paths.values_mut() {
            for (method, op) in [
                ("GET", &mut item.get),
                ("POST", &mut item.post),
                ("PUT", &mut item.put),
                ("PATCH", &mut item.patch),
                ("DELETE", &mut item.delete),
            ] {
                let Some(op) = op else { continue };
                let public = op
                    .security
                    .as_ref()
                    .is_some_and(|s| s.iter().all(|r| *r == SecurityRequirement::default()));
                if !public {
                    let scope = caseload_domain::tokens::TokenScope::for_method(method);
                    op.security = Some(vec![SecurityRequirement::new("bearer", [scope.as_str()])]);
                }
            }
        }
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
            (
                "403",
                "Your role, or your token's scopes, do not allow this",
            ),
            ("404", "No such record, or not yours to see"),
            ("413", "Request body too large"),
            ("415", "Body is not application/json"),
            ("422", "The request is understood but invalid; see `errors`"),
            ("500", "Server error; quote the `reference`"),
            (
                "503",
                "The database is unavailable for now (locked, unreachable, restarting or read-only); retry after `Retry-After` seconds where given",
            ),
            (
                "507",
                "The database's disk is full: nothing can be saved until an operator frees space (reads still work)",
            ),
        ];
        for item in openapi.paths.paths.values_mut() {
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
                // `security(())`: the operation needs no token.
                let public = op
                    .security
                    .as_ref()
                    .is_some_and(|s| s.iter().all(|r| *r == SecurityRequirement::default()));
                for (code, description) in standard {
                    if public && !code.starts_with('5') {
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

/// The whole document: the modules' paths with the API-wide parts added.
pub fn openapi() -> Value {
    let mut doc = super::routes().into_openapi();
    Security.modify(&mut doc);
    StandardErrors.modify(&mut doc);
    let mut doc = serde_json::to_value(&doc).unwrap_or_default();
    unique_operation_ids(&mut doc);
    link_created_ids(&mut doc);
    doc
}

const METHODS: [&str; 5] = ["get", "post", "put", "patch", "delete"];

/// Operation ids are the handlers' names, which repeat across modules
/// (`create`, `list`): prefixed with the tag, each names one operation, as
/// OpenAPI requires and links rely on.
/// One handler serving several methods (`notes::no_edits`) gets one id per
/// method.
fn unique_operation_ids(doc: &mut Value) {
    let Some(paths) = doc["paths"].as_object_mut() else {
        return;
    };
    for item in paths.values_mut() {
        let mut names = std::collections::BTreeMap::<String, usize>::new();
        for method in METHODS {
            if let Some(id) = item[method]["operationId"].as_str() {
                *names.entry(id.to_owned()).or_default() += 1;
            }
        }
        for method in METHODS {
            let Some(op) = item.get_mut(method) else {
                continue;
            };
            let tag = op["tags"][0].as_str().unwrap_or("api").to_owned();
            if let Some(id) = op["operationId"].as_str() {
                let id = match names.get(id) {
                    Some(n) if *n > 1 => format!("{tag}_{id}_{method}"),
                    _ => format!("{tag}_{id}"),
                };
                op["operationId"] = Value::String(id);
            }
        }
    }
}

/// Path parameters of a path template, in order.
fn parameters(template: &str) -> Vec<&str> {
    template
        .split('/')
        .filter_map(|s| s.strip_prefix('{').and_then(|s| s.strip_suffix('}')))
        .collect()
}

/// OpenAPI links from each creating operation (`POST` answering 201) to the
/// operations that take what it created, so that a client or a stateful
/// fuzzer can follow them. They follow from the paths, not from a list: what
/// `POST /…/things` creates is taken by `/…/things/{x}…` (or, for records
/// with their own address, `/api/v1/things/{x}…`), by the list at the same
/// path, and by any request body with a `thing_id` field.
fn link_created_ids(doc: &mut Value) {
    let Some(paths) = doc["paths"].as_object() else {
        return;
    };
    let schemas = doc["components"]["schemas"].clone();
    let resolve = |schema: &Value| -> Value {
        match schema["$ref"].as_str() {
            Some(r) => schemas[r.trim_start_matches("#/components/schemas/")].clone(),
            None => schema.clone(),
        }
    };
    let mut links: Vec<(String, String, Value)> = Vec::new();
    for (creator, item) in paths {
        let Some(created) = item["post"]["responses"]["201"].as_object() else {
            continue;
        };
        let body = resolve(&created["content"]["application/json"]["schema"]);
        let Some(fields) = body["properties"].as_object() else {
            continue;
        };
        let Some(id_field) = fields
            .keys()
            .find(|k| *k == "id")
            .or_else(|| fields.keys().find(|k| k.ends_with("_id")))
        else {
            continue;
        };
        let created_id = Value::String(format!("$response.body#/{id_field}"));
        let collection = creator.rsplit('/').next().unwrap_or("");
        let own_address = format!("/api/v1/{collection}");
        let singular = collection.trim_end_matches('s');
        let creator_params = parameters(creator);
        for (target, target_item) in paths {
            for method in METHODS {
                let Some(op) = target_item.get(method) else {
                    continue;
                };
                let Some(op_id) = op["operationId"].as_str() else {
                    continue;
                };
                if target == creator && method == "post" {
                    continue;
                }
                let rest = if let Some(rest) = target.strip_prefix(creator.as_str()) {
                    (rest.is_empty() || rest.starts_with("/{")).then_some(rest)
                } else if !creator_params.is_empty() {
                    target
                        .strip_prefix(own_address.as_str())
                        .filter(|rest| rest.starts_with("/{"))
                } else {
                    None
                };
                let mut link = serde_json::Map::new();
                if let Some(rest) = rest {
                    let mut given = serde_json::Map::new();
                    let new_param = parameters(rest).first().copied();
                    for name in parameters(target) {
                        if Some(name) == new_param {
                            given.insert(name.to_owned(), created_id.clone());
                        } else if creator_params.contains(&name) {
                            given.insert(
                                name.to_owned(),
                                Value::String(format!("$request.path.{name}")),
                            );
                        }
                    }
                    if given.len() != parameters(target).len() {
                        continue;
                    }
                    link.insert("parameters".into(), Value::Object(given));
                } else {
                    let request =
                        resolve(&op["requestBody"]["content"]["application/json"]["schema"]);
                    let field = format!("{singular}_id");
                    if !parameters(target).is_empty() || request["properties"].get(&field).is_none()
                    {
                        continue;
                    }
                    link.insert("requestBody".into(), json!({ field: created_id }));
                }
                link.insert("operationId".into(), Value::String(op_id.to_owned()));
                links.push((creator.clone(), op_id.to_owned(), Value::Object(link)));
            }
        }
    }
    for (creator, op_id, link) in links {
        doc["paths"][&creator]["post"]["responses"]["201"]["links"][&op_id] = link;
    }
}

/// Handles `GET /api/v1/openapi.json`: this document (itself included).
#[utoipa::path(get, path = "/api/v1/openapi.json", tag = "service", security(()),
    responses((status = 200, description = "The OpenAPI 3.1 document of this API", content_type = "application/json",
        body = Object)))]
pub async fn document() -> impl IntoResponse {
    // Built once: the document is fixed for the life of the process.
    static DOCUMENT: OnceLock<String> = OnceLock::new();
    let body = DOCUMENT.get_or_init(|| serde_json::to_string(&openapi()).unwrap_or_default());
    ([(header::CONTENT_TYPE, "application/json")], body.as_str())
}

/// The document's own route.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(document))
}
