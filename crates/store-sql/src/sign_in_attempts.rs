//! Failed sign-ins per account and address (see `caseload_store::SignInAttempts`).

use async_trait::async_trait;
use caseload_store::*;
use jiff::Timestamp;
use tracing::instrument;

use crate::{Dialect, SqlRow, SqlStore, Statement};

#[async_trait]
impl<D: Dialect> SignInAttempts for SqlStore<D> {
    #[instrument(skip_all)]
    async fn sign_in_failures(
        &self,
        account: &str,
        address: &str,
    ) -> Result<Option<SignInFailures>> {
        let row = D::query(
            "SELECT failures, last_failure_at FROM sign_in_attempts WHERE account = $1 AND address = $2",
        )
        .bind_str(account)
        .bind_str(address)
        .fetch_optional(self.reader())
        .await?;
        row.as_ref().map(failures_row).transpose()
    }

    #[instrument(skip_all)]
    async fn record_sign_in_failure(
        &self,
        account: &str,
        address: &str,
        at: Timestamp,
        restart_before: Timestamp,
        forget_before: Timestamp,
    ) -> Result<SignInFailures> {
        D::query("DELETE FROM sign_in_attempts WHERE last_failure_at < $1")
            .bind_ts(forget_before)
            .execute(self.writer())
            .await?;
        // A count quiet since before `restart_before` starts again. One
        // statement, so two servers counting the same pair at once both
        // count.
        let row = D::query(
            "INSERT INTO sign_in_attempts (account, address, failures, last_failure_at) VALUES ($1, $2, 1, $3) \
             ON CONFLICT (account, address) DO UPDATE SET \
             failures = CASE WHEN sign_in_attempts.last_failure_at < $4 THEN 1 \
             ELSE sign_in_attempts.failures + 1 END, \
             last_failure_at = excluded.last_failure_at \
             RETURNING failures, last_failure_at",
        )
        .bind_str(account)
        .bind_str(address)
        .bind_ts(at)
        .bind_ts(restart_before)
        .fetch_one(self.writer())
        .await?;
        failures_row(&row)
    }

    #[instrument(skip_all)]
    async fn clear_sign_in_failures(&self, account: &str, address: &str) -> Result<()> {
        D::query("DELETE FROM sign_in_attempts WHERE account = $1 AND address = $2")
            .bind_str(account)
            .bind_str(address)
            .execute(self.writer())
            .await?;
        Ok(())
    }
}

fn failures_row(r: &impl SqlRow) -> Result<SignInFailures> {
    Ok(SignInFailures {
        failures: r.i64("failures")?,
        last_failure_at: r.ts("last_failure_at")?,
    })
}
