//! The caseload queue in a real browser: the first row is the most urgent case.

use fantoccini::Locator;
use serde_json::{Value, json};

use crate::common::signed_in;
use crate::support::TestApp;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn amaras_morning_her_queues_first_row_is_her_most_urgent_case() {
    let app = TestApp::new().await;
    // A caseload as a morning finds it: a routine case with an overdue
    // task, a P1 with no next action, a P2 and a case not yet assessed.
    let cases = app
        .cases_with_bands(&app.ann.1, &["P4", "P1", "P2", ""])
        .await;
    let api_order = app.queue_order(&app.ann.1).await;
    let Some((_driver, mut s)) = signed_in(&app, "ann@example.org").await else {
        return;
    };
    // Signing in lands on the queue.
    assert_eq!(s.path().await, "/caseload");
    let rows: Vec<String> = s
        .client
        .execute(
            "return Array.from(document.querySelectorAll('table.caseload a.row-link')).map(a => a.getAttribute('href'));",
            vec![],
        )
        .await
        .unwrap()
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap().trim_start_matches("/cases/").to_owned())
        .collect();
    assert_eq!(rows.first(), Some(&cases[1]), "the P1 case is first");
    assert_eq!(
        rows, api_order,
        "the page shows the API's queue, in its order"
    );
    let first = s
        .client
        .find(Locator::Css("table.caseload tbody tr"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        first.contains("P1") && first.contains("High priority, no next action"),
        "the first row says why it is first: {first}"
    );
    // The j/k hint shows, since the keys work here, and j reaches the first row.
    let keys: Value = s
        .client
        .execute(
            "const hint = document.querySelector('[data-keyboard-hint]');
             document.dispatchEvent(new KeyboardEvent('keydown', {key: 'j', bubbles: true}));
             const first = document.activeElement.getAttribute('href');
             document.dispatchEvent(new KeyboardEvent('keydown', {key: 'j', bubbles: true}));
             const second = document.activeElement.getAttribute('href');
             return [!hint.hidden && hint.offsetHeight > 0, first, second];",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(
        keys,
        json!([
            true,
            format!("/cases/{}", rows[0]),
            format!("/cases/{}", rows[1])
        ])
    );
    s.check("20-amaras-morning").await;
    // On a phone the first row still shows the band, client, next action and flags.
    s.client.set_window_size(390, 844).await.unwrap();
    let visible: Value = s
        .client
        .execute(
            "const row = document.querySelector('table.caseload tbody tr');
             return ['cell-band', 'cell-client', 'cell-next', 'cell-flags'].map(c => {
               const r = row.querySelector('.' + c).getBoundingClientRect();
               return r.width > 0 && r.height > 0 && r.right <= window.innerWidth;
             });",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(visible, json!([true, true, true, true]));
    s.client.close().await.unwrap();
}
