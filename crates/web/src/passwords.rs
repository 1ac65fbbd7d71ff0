//! Password hashing with argon2id (OWASP's recommended parameters: 19 MiB,
//! 2 passes, 1 lane), and the sign-in throttle.

use std::collections::HashMap;
use std::sync::Mutex;

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use jiff::{SignedDuration, Timestamp};

fn argon2() -> Argon2<'static> {
    let params = Params::new(19 * 1024, 2, 1, None).unwrap_or_default();
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

/// Hash a password for storage (a PHC string with its own salt).
pub fn hash(password: &str) -> Result<String, String> {
    let mut salt = [0u8; 16];
    getrandom::fill(&mut salt).map_err(|e| e.to_string())?;
    let salt = SaltString::encode_b64(&salt).map_err(|e| e.to_string())?;
    argon2()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| e.to_string())
}

/// Does this password match the stored hash?
pub fn verify(password: &str, stored: &str) -> bool {
    PasswordHash::new(stored)
        .is_ok_and(|h| argon2().verify_password(password.as_bytes(), &h).is_ok())
}

/// A hash to verify against when the account does not exist, so that
/// answering "wrong email" takes as long as "wrong password".
pub fn dummy_hash() -> &'static str {
    static DUMMY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DUMMY.get_or_init(|| hash("not a real password, only for timing").unwrap_or_default())
}

/// Failed sign-ins, per account and per address: after too many in the
/// window, further attempts are refused until the window passes. Kept in
/// memory: a restart forgives, which is acceptable for a throttle (the
/// failures are also in the log).
#[derive(Debug, Default)]
pub struct Throttle {
    failures: Mutex<HashMap<String, Vec<Timestamp>>>,
}

pub const WINDOW: SignedDuration = SignedDuration::from_mins(15);
pub const PER_ACCOUNT: usize = 5;
pub const PER_ADDRESS: usize = 20;

impl Throttle {
    fn recent(&self, key: &str, now: Timestamp) -> usize {
        let mut map = self.failures.lock().unwrap_or_else(|e| e.into_inner());
        let list = map.entry(key.to_owned()).or_default();
        list.retain(|t| now.duration_since(*t) < WINDOW);
        list.len()
    }

    /// Is signing in to this account, or from this address, paused?
    pub fn blocked(&self, account: &str, address: &str, now: Timestamp) -> bool {
        self.recent(&format!("account:{account}"), now) >= PER_ACCOUNT
            || self.recent(&format!("address:{address}"), now) >= PER_ADDRESS
    }

    pub fn fail(&self, account: &str, address: &str, now: Timestamp) {
        let mut map = self.failures.lock().unwrap_or_else(|e| e.into_inner());
        map.entry(format!("account:{account}"))
            .or_default()
            .push(now);
        map.entry(format!("address:{address}"))
            .or_default()
            .push(now);
        // Keep the map from growing without bound under a spray of addresses.
        if map.len() > 100_000 {
            map.retain(|_, v| v.iter().any(|t| now.duration_since(*t) < WINDOW));
        }
    }

    pub fn succeed(&self, account: &str) {
        let mut map = self.failures.lock().unwrap_or_else(|e| e.into_inner());
        map.remove(&format!("account:{account}"));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_verify_only_their_password() {
        let h = hash("plum kettle orbit").expect("hash");
        assert!(h.starts_with("$argon2id$"));
        assert!(verify("plum kettle orbit", &h));
        assert!(!verify("plum kettle orbit!", &h));
        assert!(!verify("x", "not a hash"));
    }

    #[test]
    fn the_throttle_pauses_an_account_after_five_failures_in_the_window() {
        let t = Throttle::default();
        let now: Timestamp = "2026-03-02T09:00:00Z".parse().expect("ts");
        for _ in 0..5 {
            assert!(!t.blocked("ann", "1.2.3.4", now));
            t.fail("ann", "1.2.3.4", now);
        }
        assert!(t.blocked("ann", "5.6.7.8", now));
        assert!(!t.blocked("bob", "5.6.7.8", now));
        let later = now.checked_add(WINDOW).expect("ts");
        assert!(!t.blocked("ann", "1.2.3.4", later));
    }
}
