//! Priorities: assessing a case, telling supervisors, and editing policies
//! as new versions.

use axum::http::StatusCode;
use caseload_store::prelude::*;
use serde_json::json;

use crate::common::sign_in;
use crate::support::TestApp;

#[tokio::test]
async fn a_case_is_assessed_from_a_form_and_shows_why() {
    let app = TestApp::new().await;
    let (_, case) = app.client_and_case(&app.ann.1).await;
    let b = sign_in(&app, "ann@example.org").await;
    let page = format!("/cases/{case}/priority/assess");
    let form = b.get(&page).await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(
        form.html()
            .contains("Is the client threatened with homelessness within 56 days?"),
        "questions come from the housing policy"
    );
    let bad = b
        .submit(
            &page,
            &page,
            &[
                ("policy", "housing"),
                ("a_threatened_within_56_days", "yes"),
                ("a_priority_need", "royalty"),
            ],
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        bad.html().contains("Priority need category"),
        "{}",
        bad.html()
    );
    let ok = b
        .submit(
            &page,
            &page,
            &[
                ("policy", "housing"),
                ("a_threatened_within_56_days", "yes"),
                ("a_priority_need", "dependent_children"),
                ("a_homeless_tonight", "no"),
            ],
        )
        .await;
    assert_eq!(ok.status, StatusCode::SEE_OTHER, "{}", ok.html());
    let html = b.get(&format!("/cases/{case}")).await.html().to_owned();
    assert!(html.contains("P2 High") && html.contains("Why P2?"));
    assert!(html.contains("Is the client threatened with homelessness within 56 days?: yes (+20)"));
    assert!(html.contains("Score 30 → P2 High (25 or more)"));
    let queue = b.get("/caseload").await.html().to_owned();
    assert!(queue.contains("P2 High") && queue.contains("why?"));

    // A hard rule's band: a practitioner may not lower it, a supervisor may.
    b.submit(
        &page,
        &page,
        &[("policy", "housing"), ("a_homeless_tonight", "yes")],
    )
    .await;
    let refused = b
        .submit(
            &format!("/cases/{case}"),
            &format!("/cases/{case}/priority/override"),
            &[("band", "P4"), ("rationale", "Staying with a friend")],
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.html().contains("needs a supervisor"));
    let no_reason = b
        .submit(
            &format!("/cases/{case}"),
            &format!("/cases/{case}/priority/override"),
            &[("band", "P1"), ("rationale", "")],
        )
        .await;
    assert!(no_reason.html().contains("The reason is required"));
    let sue = sign_in(&app, "sue@example.org").await;
    let lowered = sue
        .submit(
            &format!("/cases/{case}"),
            &format!("/cases/{case}/priority/override"),
            &[
                ("band", "P3"),
                ("rationale", "Housed by family for six months"),
            ],
        )
        .await;
    assert_eq!(lowered.status, StatusCode::SEE_OTHER);
    let html = b.get(&format!("/cases/{case}")).await.html().to_owned();
    assert!(
        html.contains("P1 → P3 (override): Housed by family for six months"),
        "the priority history"
    );
}

#[tokio::test]
async fn supervisors_are_told_of_high_priority_cases_and_see_those_needing_attention() {
    let app = TestApp::new().await;
    let (client, _) = app.client_and_case(&app.ann.1).await;
    let case = app
        .post(
            "/api/v1/cases",
            &app.ann.1,
            json!({"client_id": client, "title": "PIP stopped", "service_area": "benefits"}),
        )
        .await
        .id();
    let r = app
        .post(
            &format!("/api/v1/cases/{case}/assessments"),
            &app.ann.1,
            json!({"answers": {"risk_of_harm": true, "loss_of_home_or_income": true}}),
        )
        .await;
    assert_eq!(r.body["band"], "P1", "{}", r.body);
    let sue = sign_in(&app, "sue@example.org").await;
    let list = sue.get("/notifications").await;
    assert!(
        list.html().contains("PIP stopped: now P1 Urgent"),
        "{}",
        list.html()
    );
    let team = sue.get("/team").await;
    assert!(
        team.html()
            .contains("High-priority cases needing attention")
    );
    assert!(team.html().contains("PIP stopped") && team.html().contains("No next action"));
    let id = {
        let html = list.html();
        let start = html.find("value=\"ntf_").unwrap() + "value=\"".len();
        html[start..].split('"').next().unwrap().to_owned()
    };
    let ack = sue
        .submit(
            "/notifications",
            &format!("/notifications/{id}/acknowledge"),
            &[],
        )
        .await;
    assert_eq!(ack.status, StatusCode::SEE_OTHER);
    assert!(
        sue.get("/notifications")
            .await
            .html()
            .contains("Nothing waiting")
    );
    // Once there is a next action and a contact, the case no longer needs the supervisor's eye.
    app.post(
        &format!("/api/v1/cases/{case}/tasks"),
        &app.ann.1,
        json!({"title": "Ask for a mandatory reconsideration", "due_date": "2026-03-04"}),
    )
    .await;
    app.note(&app.ann.1, &case, 10, "Phoned the client").await;
    assert!(!sue.get("/team").await.html().contains("No next action"));
    // A high-priority case whose owner has left has no owner: it is listed.
    app.store
        .update_user(
            &app.ann.0.id,
            &caseload_store::UserChange {
                active: Some(false),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert!(
        sue.get("/team")
            .await
            .html()
            .contains("No owner: reallocate")
    );
}

#[tokio::test]
async fn administrators_edit_policies_as_new_versions_with_problems_placed() {
    let app = TestApp::new().await;
    let ada = sign_in(&app, "ada@example.org").await;
    assert!(
        ada.get("/admin/policies")
            .await
            .html()
            .contains("Housing advice priorities")
    );
    let page = ada.get("/admin/policies/debt").await;
    let html = page.html();
    let start = html.find("name=\"body\"").unwrap();
    let body_start = html[start..].find('>').unwrap() + start + 1;
    let body_end = html[body_start..].find("</textarea>").unwrap() + body_start;
    let body = html[body_start..body_end]
        .replace("&#34;", "\"")
        .replace("&#39;", "'")
        .replace("&#60;", "<")
        .replace("&#62;", ">")
        .replace("&#38;", "&");
    let broken = body.replacen("band = \"P1\"", "band = \"P7\"", 1);
    let refused = ada
        .submit(
            "/admin/policies/debt",
            "/admin/policies/debt",
            &[("body", &broken)],
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        refused
            .html()
            .contains("rule S1: band &#34;P7&#34; is not defined"),
        "{}",
        refused.html()
    );
    let changed = body.replacen("points = 15", "points = 18", 1);
    let saved = ada
        .submit(
            "/admin/policies/debt",
            "/admin/policies/debt",
            &[("body", &changed)],
        )
        .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.html());
    assert_eq!(app.store.policy_versions("debt").await.unwrap().len(), 2);
    let ann = sign_in(&app, "ann@example.org").await;
    assert_eq!(
        ann.get("/admin/policies").await.status,
        StatusCode::FORBIDDEN
    );
}
