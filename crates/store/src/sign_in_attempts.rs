//! Failed sign-ins, counted per account and client address together, so
//! that the throttle they feed pauses an attacker without locking the
//! account's owner out from elsewhere. Held in the database, so every
//! server behind a load balancer shares one count.

use async_trait::async_trait;
use jiff::Timestamp;

use crate::*;

/// The failures counted for one account from one address.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignInFailures {
    /// Failures in a row (since the last success, or since they were forgotten).
    pub failures: i64,
    pub last_failure_at: Timestamp,
}

#[async_trait]
pub trait SignInAttempts: Send + Sync {
    /// The failures counted for this account from this address, if any.
    async fn sign_in_failures(
        &self,
        account: &str,
        address: &str,
    ) -> Result<Option<SignInFailures>>;

    /// Count one more failure for the pair at `at`, and return the count.
    /// A count whose last failure was before `restart_before` starts again
    /// from one; pairs (this one or others) quiet since before
    /// `forget_before` are deleted. The web layer counts an address's
    /// failures to any account under the account `""` (never an email),
    /// with a shorter window than a pair's.
    async fn record_sign_in_failure(
        &self,
        account: &str,
        address: &str,
        at: Timestamp,
        restart_before: Timestamp,
        forget_before: Timestamp,
    ) -> Result<SignInFailures>;

    /// A successful sign-in: the pair's failures are forgotten (others' stand).
    async fn clear_sign_in_failures(&self, account: &str, address: &str) -> Result<()>;
}
