//! `caseload serve`, and `caseload reevaluate`, which the server also runs
//! on a timer.

use std::io::Write;
use std::sync::Arc;

use anyhow::Context;
use caseload_domain::SystemClock;
use caseload_store::Store;
use caseload_web::AppState;

use crate::settings::Settings;

/// Serve until stopped, re-evaluating priorities and timescales as time
/// passes.
pub async fn serve(store: Arc<dyn Store>, settings: &Settings) -> anyhow::Result<()> {
    let listener = tokio::net::TcpListener::bind(&settings.listen)
        .await
        .with_context(|| format!("cannot listen on {}", settings.listen))?;
    let addr = listener.local_addr()?;
    let mut state = AppState::new(store, Arc::new(SystemClock), settings.web.clone());
    state.deadlines = Arc::new(super::deadlines::load_catalogue(
        settings.deadline_catalogue.as_deref(),
    )?);
    // Re-evaluate priorities and timescales as time passes: a minute after
    // start-up (not at once, so a restart answers requests first), then at
    // the interval set.
    if settings.reevaluate_every_minutes > 0 {
        let background = state.clone();
        let every =
            std::time::Duration::from_secs(60 * u64::from(settings.reevaluate_every_minutes));
        tokio::spawn(async move {
            let mut ticks = tokio::time::interval_at(
                tokio::time::Instant::now() + std::time::Duration::from_secs(60),
                every,
            );
            loop {
                ticks.tick().await;
                match caseload_web::reevaluation::everything(&background).await {
                    Ok(done) => tracing::info!(
                        checked = done.timescales.checked,
                        changed = done.priorities.changed,
                        alerts = done.timescales.alerts,
                        "priorities and timescales re-evaluated"
                    ),
                    Err(e) => {
                        tracing::error!(error = %e.problem().detail, "re-evaluation failed")
                    }
                }
            }
        });
    }
    // Tests and scripts read this line to find the port.
    println!("Caseload listening on http://{addr}");
    std::io::stdout().flush()?;
    caseload_web::serve(listener, state)
        .await
        .context("the server stopped with an error")
}

/// `caseload reevaluate`: one round of what the server does on its timer.
pub async fn reevaluate(store: Arc<dyn Store>, settings: &Settings) -> anyhow::Result<()> {
    let state = AppState::new(store, Arc::new(SystemClock), settings.web.clone());
    let done = caseload_web::reevaluation::everything(&state)
        .await
        .map_err(|e| anyhow::anyhow!("re-evaluation failed: {}", e.problem().detail))?;
    println!(
        "checked {} cases; {} changed band; {} timescale alerts sent",
        done.timescales.checked, done.priorities.changed, done.timescales.alerts
    );
    Ok(())
}
