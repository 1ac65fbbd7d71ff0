//! Password hashing with argon2id (OWASP's recommended parameters: 19 MiB,
//! 2 passes, 1 lane). The sign-in throttle is `caseload_domain::users::sign_in_pause`
//! over the failures the store counts (`SignInAttempts`).

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};

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
}
