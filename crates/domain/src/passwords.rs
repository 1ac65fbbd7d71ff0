//! The password policy for sign-in (SPEC C8; NCSC password guidance): long
//! enough to resist guessing (12–128 characters), no other composition
//! rules, and refused when it is one of the passwords attackers try first or
//! is built from the user's own email or name.

/// Passwords attackers try first: the most common leaked passwords of 12+
/// characters and the obvious patterns. (Shorter ones fail the length rule.)
const COMMON: &[&str] = &[
    "123456789012",
    "1234567890123",
    "12345678901234",
    "123456789abc",
    "1q2w3e4r5t6y",
    "1qaz2wsx3edc",
    "qwertyuiopas",
    "qwertyuiop123",
    "qwerty123456",
    "qwertyqwerty",
    "asdfghjkl123",
    "zxcvbnm12345",
    "passwordpassword",
    "password1234",
    "password12345",
    "password123456",
    "password123!",
    "Password1234",
    "Password123!",
    "passw0rd1234",
    "p@ssw0rd1234",
    "p@ssword1234",
    "iloveyou1234",
    "letmein12345",
    "welcome12345",
    "welcome123456",
    "Welcome12345",
    "changeme1234",
    "changemenow!",
    "administrator",
    "administrator1",
    "admin1234567",
    "adminadmin12",
    "superman1234",
    "football1234",
    "baseball1234",
    "monkey123456",
    "dragon123456",
    "sunshine1234",
    "princess1234",
    "trustno11234",
    "abcdefghijkl",
    "abcdefgh1234",
    "abc123456789",
    "aaaaaaaaaaaa",
    "111111111111",
    "000000000000",
    "987654321098",
    "caseload1234",
    "caseloadcaseload",
    "correcthorsebatterystaple",
    "thequickbrownfox",
];

/// Why a password is refused, in words for the form.
pub fn check(password: &str, email: &str, name: &str) -> Result<(), String> {
    let length = password.chars().count();
    if length < 12 {
        return Err(
            "must be at least 12 characters; a few unrelated words make a strong one".into(),
        );
    }
    if length > 128 {
        return Err("must be at most 128 characters".into());
    }
    if password.chars().any(|c| c.is_control()) {
        return Err("must not contain control characters".into());
    }
    let lower = password.to_lowercase();
    if COMMON.iter().any(|c| c.to_lowercase() == lower) {
        return Err(
            "is one of the most commonly used passwords; choose something less predictable".into(),
        );
    }
    let first = lower.chars().next().unwrap_or(' ');
    if lower.chars().all(|c| c == first) {
        return Err("must not be one character repeated".into());
    }
    let local = email.split('@').next().unwrap_or("").to_lowercase();
    if local.len() >= 4 && lower.contains(&local) {
        return Err("must not contain your email address".into());
    }
    for part in name
        .to_lowercase()
        .split_whitespace()
        .filter(|p| p.len() >= 4)
    {
        if lower.contains(part) {
            return Err("must not contain your name".into());
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::check;

    #[test]
    fn length_is_twelve_to_128() {
        assert!(check("short pass", "a@b.org", "A").is_err());
        assert!(check(&"x1".repeat(65), "a@b.org", "A").is_err());
        assert!(check("plum kettle orbit", "a@b.org", "A").is_ok());
    }

    #[test]
    fn common_and_personal_passwords_are_refused() {
        assert!(check("Password1234", "a@b.org", "A").is_err());
        assert!(check("aaaaaaaaaaaaaaa", "a@b.org", "A").is_err());
        assert!(check("amara.adviser-2026", "amara.adviser@x.org", "A").is_err());
        assert!(check("okonjo-likes-tea", "s@x.org", "Sam Okonjo").is_err());
    }
}
