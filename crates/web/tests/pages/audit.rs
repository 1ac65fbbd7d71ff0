//! The audit trail page, for auditors only.

use axum::http::StatusCode;
use caseload_store::prelude::*;

use crate::common::sign_in;
use crate::support::{self, TestApp};

#[tokio::test]
async fn auditors_read_the_audit_trail_and_nothing_else() {
    let app = TestApp::new().await;
    let (_, case) = app.client_and_case(&app.ann.1).await;
    app.get(&format!("/api/v1/cases/{case}"), &app.cat.1).await;
    let auditor = app
        .store
        .create_user(
            &caseload_store::NewUser {
                email: caseload_domain::text::Email::parse("e", "dpo@example.org").unwrap(),
                name: "Dee Auditor".into(),
                role: caseload_domain::users::Role::Auditor,
                team_id: None,
            },
            support::start_time(),
        )
        .await
        .unwrap();
    let _ = auditor;
    let dee = sign_in(&app, "dpo@example.org").await;
    let page = dee.get("/audit").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.html().contains("case.denied") && page.html().contains("Cat Adviser"));
    assert!(!page.html().contains("Dana Client"), "never the content");
    assert_eq!(
        dee.get(&format!("/cases/{case}")).await.status,
        StatusCode::NOT_FOUND,
        "no case content"
    );
    assert_eq!(dee.get("/caseload").await.status, StatusCode::FORBIDDEN);
    let ann = sign_in(&app, "ann@example.org").await;
    assert_eq!(ann.get("/audit").await.status, StatusCode::FORBIDDEN);
}
