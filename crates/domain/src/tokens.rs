//! API tokens: what a token may do ([`TokenScope`]), how long it lasts, and
//! what it is called. A token acts for its user and never beyond the user's
//! own rights; its scopes can only narrow them.
//!
//! The vocabulary is small on purpose: `read` (every `GET`) and `write`
//! (every other method), each enforced on every API route. It is ready to
//! grow — a narrower scope such as `referrals:create` for a partner agency
//! is a new variant here and a route that asks for it.

use serde::{Deserialize, Serialize};

use crate::text::{FieldError, limits, single_line};

/// One right a token can carry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum TokenScope {
    /// Read what the user may read: every `GET`.
    Read,
    /// Change what the user may change: every `POST`, `PUT`, `PATCH` and `DELETE`.
    Write,
}

impl TokenScope {
    /// Every scope: what a full-rights token carries.
    pub const ALL: [TokenScope; 2] = [TokenScope::Read, TokenScope::Write];

    pub fn as_str(self) -> &'static str {
        match self {
            TokenScope::Read => "read",
            TokenScope::Write => "write",
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.as_str() == value)
    }

    /// The scope a request with this HTTP method needs: `read` for `GET`
    /// and `HEAD`, `write` for everything else.
    pub fn for_method(method: &str) -> Self {
        if method.eq_ignore_ascii_case("GET") || method.eq_ignore_ascii_case("HEAD") {
            TokenScope::Read
        } else {
            TokenScope::Write
        }
    }
}

impl std::fmt::Display for TokenScope {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The scopes a token carries: a set, kept sorted, never empty.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenScopes(Vec<TokenScope>);

impl TokenScopes {
    /// Every scope: the user's full rights.
    pub fn all() -> Self {
        TokenScopes(TokenScope::ALL.to_vec())
    }

    /// These scopes (duplicates dropped), or `None` when there are none.
    pub fn new(scopes: impl IntoIterator<Item = TokenScope>) -> Option<Self> {
        let mut v: Vec<TokenScope> = scopes.into_iter().collect();
        v.sort();
        v.dedup();
        (!v.is_empty()).then_some(TokenScopes(v))
    }

    /// Scope names as given by a person (`read`, `write`), separated by
    /// spaces or commas; `field` names the input in the error.
    pub fn parse_list(field: &str, value: &str) -> Result<Self, FieldError> {
        let mut scopes = Vec::new();
        for name in value.split([' ', ',']).filter(|s| !s.is_empty()) {
            match TokenScope::parse(name) {
                Some(s) => scopes.push(s),
                None => {
                    return Err(FieldError::new(
                        field,
                        format!("{name:?} is not a scope: use read or write"),
                    ));
                }
            }
        }
        Self::new(scopes)
            .ok_or_else(|| FieldError::new(field, "must name at least one scope: read or write"))
    }

    /// As stored: the names separated by single spaces.
    pub fn to_stored(&self) -> String {
        self.names().join(" ")
    }

    /// Read back what `to_stored` wrote; `None` when it names no known scope.
    pub fn from_stored(value: &str) -> Option<Self> {
        Self::new(value.split(' ').filter_map(TokenScope::parse))
    }

    pub fn names(&self) -> Vec<&'static str> {
        self.0.iter().map(|s| s.as_str()).collect()
    }

    pub fn contains(&self, scope: TokenScope) -> bool {
        self.0.contains(&scope)
    }

    pub fn iter(&self) -> impl Iterator<Item = TokenScope> + '_ {
        self.0.iter().copied()
    }

    /// Whether these are all the scopes there are.
    pub fn is_full(&self) -> bool {
        TokenScope::ALL.iter().all(|s| self.contains(*s))
    }
}

/// The longest a token may be made to last, in days (about five years).
pub const MAX_LIFETIME_DAYS: i64 = 5 * 366;

/// A token's name: one line, at most `limits::NAME` characters.
pub fn name(field: &str, value: &str) -> Result<String, FieldError> {
    single_line(field, value, limits::NAME)
}

/// A token's lifetime in whole days, between 1 and [`MAX_LIFETIME_DAYS`].
pub fn lifetime_days(field: &str, days: i64) -> Result<i64, FieldError> {
    if (1..=MAX_LIFETIME_DAYS).contains(&days) {
        Ok(days)
    } else {
        Err(FieldError::new(
            field,
            format!("must be a whole number of days from 1 to {MAX_LIFETIME_DAYS}"),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_need_read_and_everything_else_write() {
        assert_eq!(TokenScope::for_method("GET"), TokenScope::Read);
        assert_eq!(TokenScope::for_method("HEAD"), TokenScope::Read);
        for m in ["POST", "PUT", "PATCH", "DELETE"] {
            assert_eq!(TokenScope::for_method(m), TokenScope::Write);
        }
    }

    #[test]
    fn scope_lists_parse_strictly_and_round_trip() {
        let s = TokenScopes::parse_list("scopes", "write, read read").unwrap();
        assert_eq!(s.names(), ["read", "write"]);
        assert!(s.is_full());
        assert_eq!(TokenScopes::from_stored(&s.to_stored()), Some(s));
        let read = TokenScopes::parse_list("scopes", "read").unwrap();
        assert!(!read.contains(TokenScope::Write));
        let e = TokenScopes::parse_list("scopes", "read admin").unwrap_err();
        assert!(
            e.message.contains("\"admin\" is not a scope"),
            "{}",
            e.message
        );
        assert!(TokenScopes::parse_list("scopes", " , ").is_err());
    }

    #[test]
    fn lifetimes_are_bounded() {
        assert!(lifetime_days("d", 0).is_err());
        assert!(lifetime_days("d", MAX_LIFETIME_DAYS + 1).is_err());
        assert_eq!(lifetime_days("d", 90).unwrap(), 90);
    }
}
