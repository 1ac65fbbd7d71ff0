//! Strict request bodies. [`ApiJson`] accepts only `application/json`
//! (415 otherwise), only bodies within the size limit (413), only valid JSON
//! (400), and only the fields the schema names with the right types (422,
//! naming the field) — unknown fields are refused, never ignored, so nobody
//! can slip in `author`, `recorded_at` or someone else's `owner`.

use axum::body::Bytes;
use axum::extract::{FromRequest, Request};
use axum::http::header;
use serde::de::DeserializeOwned;

use crate::problem::ApiError;

pub struct ApiJson<T>(pub T);

impl<S, T> FromRequest<S> for ApiJson<T>
where
    S: Send + Sync,
    T: DeserializeOwned,
{
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let content_type = req
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("");
        let essence = content_type
            .split(';')
            .next()
            .unwrap_or("")
            .trim()
            .to_ascii_lowercase();
        if essence != "application/json" {
            return Err(ApiError::UnsupportedMediaType(if content_type.is_empty() {
                "send the body as JSON with Content-Type: application/json".into()
            } else {
                format!("expected Content-Type: application/json, got {content_type}")
            }));
        }
        let bytes = Bytes::from_request(req, state).await.map_err(|rejection| {
            if rejection.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE {
                ApiError::PayloadTooLarge(
                    "the request body is larger than this server accepts".into(),
                )
            } else {
                ApiError::BadRequest(format!("could not read the request body: {rejection}"))
            }
        })?;
        parse(&bytes).map(ApiJson)
    }
}

/// Parse a JSON body, telling syntax errors (400) from schema errors (422):
/// first into a JSON value (is it JSON at all?), then into the schema.
pub fn parse<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    let value: serde_json::Value = serde_json::from_slice(bytes)
        .map_err(|e| ApiError::BadRequest(format!("the body is not valid JSON: {e}")))?;
    // A JSON value keeps the last of two equal keys; a key sent twice is
    // ambiguous (two parsers may read different values), so it is refused.
    if let Ok(Duplicate(Some(field))) = serde_json::from_slice::<Duplicate>(bytes) {
        return Err(ApiError::Validation(caseload_domain::FieldErrors::single(
            &field,
            "is given more than once",
        )));
    }
    // serde reads a struct from an array too, field by field in order; the
    // API's bodies are objects, as documented.
    if !value.is_object() {
        return Err(ApiError::Validation(caseload_domain::FieldErrors::single(
            "body",
            "must be a JSON object",
        )));
    }
    serde_path_to_error::deserialize::<_, T>(value).map_err(|e| {
        let path = e.path().to_string();
        let field = if path == "." { "body".to_owned() } else { path };
        let message = clean_serde_message(&e.into_inner().to_string());
        ApiError::Validation(caseload_domain::FieldErrors::single(&field, message))
    })
}

/// A nested object field, refused when sent as an array (which serde would
/// otherwise read field by field in order): `#[serde(deserialize_with)]`.
pub fn object<'de, D, T>(d: D) -> Result<T, D::Error>
where
    D: serde::Deserializer<'de>,
    T: DeserializeOwned,
{
    use serde::Deserialize;
    use serde::de::Error;
    let map = serde_json::Map::<String, serde_json::Value>::deserialize(d)?;
    serde_json::from_value(serde_json::Value::Object(map)).map_err(D::Error::custom)
}

/// An optional whole number, also when written with a zero fraction
/// (`765.0`): JSON Schema counts that as an integer, so a client generated
/// from the document may send it. A real fraction is refused:
/// `#[serde(default, deserialize_with)]`.
pub fn whole_number<'de, D>(d: D) -> Result<Option<i64>, D::Error>
where
    D: serde::Deserializer<'de>,
{
    use serde::Deserialize;
    use serde::de::Error;
    let Some(number) = Option::<serde_json::Number>::deserialize(d)? else {
        return Ok(None);
    };
    if let Some(whole) = number.as_i64() {
        return Ok(Some(whole));
    }
    match number.as_f64() {
        Some(x) if x.fract() == 0.0 && x.abs() < 9.0e15 => Ok(Some(x as i64)),
        Some(x) if x.fract() == 0.0 => Err(D::Error::custom(format!("{number} is out of range"))),
        _ => Err(D::Error::custom(format!(
            "must be a whole number, not {number}"
        ))),
    }
}

/// serde says "… at line 1 column 42"; the field name says more.
fn clean_serde_message(message: &str) -> String {
    match message.rfind(" at line ") {
        Some(i) => message[..i].to_owned(),
        None => message.to_owned(),
    }
}

/// The path of the first key that appears twice in one JSON object
/// (`sections.situation`, `items[2].name`), if any.
struct Duplicate(Option<String>);

impl<'de> serde::Deserialize<'de> for Duplicate {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(DuplicateVisitor)
    }
}

struct DuplicateVisitor;

impl<'de> serde::de::Visitor<'de> for DuplicateVisitor {
    type Value = Duplicate;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_bool<E>(self, _: bool) -> Result<Duplicate, E> {
        Ok(Duplicate(None))
    }
    fn visit_i64<E>(self, _: i64) -> Result<Duplicate, E> {
        Ok(Duplicate(None))
    }
    fn visit_u64<E>(self, _: u64) -> Result<Duplicate, E> {
        Ok(Duplicate(None))
    }
    fn visit_f64<E>(self, _: f64) -> Result<Duplicate, E> {
        Ok(Duplicate(None))
    }
    fn visit_str<E>(self, _: &str) -> Result<Duplicate, E> {
        Ok(Duplicate(None))
    }
    fn visit_unit<E>(self) -> Result<Duplicate, E> {
        Ok(Duplicate(None))
    }

    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Duplicate, A::Error> {
        let mut found = None;
        let mut i = 0;
        while let Some(Duplicate(inner)) = seq.next_element::<Duplicate>()? {
            if found.is_none()
                && let Some(inner) = inner
            {
                found = Some(format!("[{i}]{}", dotted(&inner)));
            }
            i += 1;
        }
        Ok(Duplicate(found))
    }

    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Duplicate, A::Error> {
        let mut keys = std::collections::HashSet::new();
        let mut found = None;
        while let Some(key) = map.next_key::<String>()? {
            let Duplicate(inner) = map.next_value::<Duplicate>()?;
            if found.is_none() {
                if let Some(inner) = inner {
                    found = Some(format!("{key}{}", dotted(&inner)));
                } else if keys.contains(&key) {
                    found = Some(key.clone());
                }
            }
            keys.insert(key);
        }
        Ok(Duplicate(found))
    }
}

/// `inner` as it follows its parent's name: `.name`, or `[2]` as it is.
fn dotted(inner: &str) -> String {
    if inner.starts_with('[') {
        inner.to_owned()
    } else {
        format!(".{inner}")
    }
}

/// A form body (`application/x-www-form-urlencoded`) as its fields, in
/// order. Unlike a lenient parser, bytes that are not UTF-8 once their
/// escapes are undone are refused (naming the field), never stored as
/// replacement characters.
pub fn form_pairs(body: &[u8]) -> Result<Vec<(String, String)>, String> {
    let text = |raw: &[u8]| {
        let plus: Vec<u8> = raw
            .iter()
            .map(|&b| if b == b'+' { b' ' } else { b })
            .collect();
        String::from_utf8(percent_decode(&plus))
    };
    body.split(|&b| b == b'&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| {
            let (name, value) = match pair.iter().position(|&b| b == b'=') {
                Some(i) => (&pair[..i], &pair[i + 1..]),
                None => (pair, &b""[..]),
            };
            let name = text(name).map_err(|_| "a field name is not valid UTF-8".to_owned())?;
            let value = text(value).map_err(|_| format!("the field {name} is not valid UTF-8"))?;
            Ok((name, value))
        })
        .collect()
}

/// `%XX` escapes undone (a `%` without two hex digits is kept as it is).
pub fn percent_decode(s: &[u8]) -> Vec<u8> {
    let hex = |b: u8| (b as char).to_digit(16);
    let mut out = Vec::with_capacity(s.len());
    let mut i = 0;
    while i < s.len() {
        if s[i] == b'%'
            && let (Some(h), Some(l)) = (
                s.get(i + 1).copied().and_then(hex),
                s.get(i + 2).copied().and_then(hex),
            )
        {
            out.push((h * 16 + l) as u8);
            i += 3;
        } else {
            out.push(s[i]);
            i += 1;
        }
    }
    out
}
