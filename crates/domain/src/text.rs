//! Parsed text: input becomes one of these newtypes at the boundary, so inner
//! code never re-checks raw strings. Text is kept byte-exact (no trimming, no
//! normalisation) — a legal record must read back exactly as written — but
//! NUL bytes and stray control characters are refused.

use serde::Serialize;

/// One problem with one input field, shown next to that field in forms and
/// listed in problem+json `errors`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FieldError {
    pub field: String,
    pub message: String,
}

impl FieldError {
    pub fn new(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            field: field.into(),
            message: message.into(),
        }
    }
}

/// Every problem found in one input, so a form can show them all at once.
#[derive(Debug, Clone, Default, PartialEq, Eq, thiserror::Error)]
#[error("{}", self.summary())]
pub struct FieldErrors(pub Vec<FieldError>);

impl FieldErrors {
    pub fn new() -> Self {
        Self(Vec::new())
    }
    pub fn single(field: &str, message: impl Into<String>) -> Self {
        Self(vec![FieldError::new(field, message)])
    }
    pub fn push(&mut self, field: &str, message: impl Into<String>) {
        self.0.push(FieldError::new(field, message));
    }
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
    /// Collect the error of a parse into this list, returning the value if any.
    pub fn take<T>(&mut self, result: Result<T, FieldError>) -> Option<T> {
        match result {
            Ok(v) => Some(v),
            Err(e) => {
                self.0.push(e);
                None
            }
        }
    }
    pub fn into_result(self) -> Result<(), FieldErrors> {
        if self.0.is_empty() { Ok(()) } else { Err(self) }
    }
    pub fn summary(&self) -> String {
        self.0
            .iter()
            .map(|e| format!("{}: {}", e.field, e.message))
            .collect::<Vec<_>>()
            .join("; ")
    }
    pub fn for_field(&self, field: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|e| e.field == field)
            .map(|e| e.message.as_str())
    }
}

fn check_chars(field: &str, value: &str, multiline: bool) -> Result<(), FieldError> {
    for c in value.chars() {
        if c == '\0' {
            return Err(FieldError::new(field, "must not contain NUL bytes"));
        }
        let allowed_control = multiline && matches!(c, '\n' | '\r' | '\t');
        if c.is_control() && !allowed_control {
            return Err(FieldError::new(
                field,
                if multiline {
                    "must not contain control characters other than line breaks and tabs"
                } else {
                    "must be a single line without control characters"
                },
            ));
        }
    }
    Ok(())
}

/// A required single-line value such as a name or a title, at most `max`
/// characters.
pub fn single_line(field: &str, value: &str, max: usize) -> Result<String, FieldError> {
    if value.trim().is_empty() {
        return Err(FieldError::new(field, "is required"));
    }
    if value.chars().count() > max {
        return Err(FieldError::new(
            field,
            format!("must be at most {max} characters"),
        ));
    }
    check_chars(field, value, false)?;
    Ok(value.to_owned())
}

/// An optional single-line value: empty or whitespace-only means "not given".
pub fn optional_single_line(
    field: &str,
    value: Option<&str>,
    max: usize,
) -> Result<Option<String>, FieldError> {
    match value {
        None => Ok(None),
        Some(v) if v.trim().is_empty() => Ok(None),
        Some(v) => single_line(field, v, max).map(Some),
    }
}

/// A required block of prose (note sections, summaries, reasons).
pub fn prose(field: &str, value: &str, max: usize) -> Result<String, FieldError> {
    if value.trim().is_empty() {
        return Err(FieldError::new(field, "is required"));
    }
    if value.chars().count() > max {
        return Err(FieldError::new(
            field,
            format!("must be at most {max} characters"),
        ));
    }
    check_chars(field, value, true)?;
    Ok(value.to_owned())
}

/// Maximum lengths, in characters. Generous enough for real notes, small
/// enough that a runaway paste cannot fill the disk.
pub mod limits {
    pub const NAME: usize = 200;
    pub const TITLE: usize = 200;
    pub const SHORT: usize = 320;
    pub const REASON: usize = 2_000;
    pub const SECTION: usize = 20_000;
    pub const SUMMARY: usize = 10_000;
}

/// An email address, stored lower-cased so that sign-in is case-insensitive.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
#[serde(transparent)]
pub struct Email(String);

impl Email {
    pub fn parse(field: &str, value: &str) -> Result<Self, FieldError> {
        let v = value.trim();
        let bad = || FieldError::new(field, "must be an email address like name@example.org");
        if v.is_empty() {
            return Err(FieldError::new(field, "is required"));
        }
        if v.len() > limits::SHORT {
            return Err(FieldError::new(field, "is too long"));
        }
        check_chars(field, v, false)?;
        let (local, domain) = v.split_once('@').ok_or_else(bad)?;
        if local.is_empty()
            || domain.is_empty()
            || domain.contains('@')
            || !domain.contains('.')
            || domain.starts_with('.')
            || domain.ends_with('.')
            || v.chars().any(char::is_whitespace)
        {
            return Err(bad());
        }
        Ok(Self(v.to_lowercase()))
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
    pub fn into_string(self) -> String {
        self.0
    }
}

impl std::fmt::Display for Email {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unicode_names_are_kept_byte_exact() {
        for name in [
            "Siobhán O'Hara",
            "ねこ",
            "Zoë 👩🏽‍🦱",
            "مريم الحسن",
            "  spaced  ",
        ] {
            assert_eq!(single_line("name", name, 200).as_deref(), Ok(name));
        }
    }

    #[test]
    fn nul_and_control_characters_are_refused() {
        assert!(single_line("name", "a\0b", 200).is_err());
        assert!(single_line("name", "a\nb", 200).is_err());
        assert!(prose("text", "line one\nline two\ttab", 200).is_ok());
        assert!(prose("text", "bell\u{7}", 200).is_err());
        assert!(prose("text", "nul\0", 200).is_err());
    }

    #[test]
    fn blank_and_over_long_values_are_refused() {
        assert!(single_line("name", "   ", 10).is_err());
        assert!(single_line("name", "abcdefghijk", 10).is_err());
        assert_eq!(optional_single_line("x", Some("  "), 10), Ok(None));
    }

    #[test]
    fn emails_are_checked_and_lower_cased() {
        assert_eq!(
            Email::parse("email", " Ann@Example.ORG ").map(|e| e.into_string()),
            Ok("ann@example.org".into())
        );
        for bad in [
            "",
            "ann",
            "ann@",
            "@x.org",
            "ann@localhost",
            "a b@x.org",
            "a@b@c.org",
        ] {
            assert!(Email::parse("email", bad).is_err(), "{bad}");
        }
    }
}
