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
    // One pass reads the JSON and refuses a key given twice in one object:
    // a JSON value would keep the last, and two parsers may read different
    // values from such a body, so it is ambiguous.
    let found = std::cell::RefCell::new(Found::default());
    let mut de = serde_json::Deserializer::from_slice(bytes);
    let read = serde::de::DeserializeSeed::deserialize(Strict(&found), &mut de)
        // Only whitespace may follow the value.
        .and_then(|value| de.end().map(|()| value));
    let value = match read {
        Ok(value) => value,
        Err(e) => {
            if let Some(field) = found.into_inner().duplicate {
                return Err(ApiError::Validation(caseload_domain::FieldErrors::single(
                    &field,
                    "is given more than once",
                )));
            }
            return Err(ApiError::BadRequest(format!(
                "the body is not valid JSON: {e}"
            )));
        }
    };
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

/// Where the reading is (the keys and indexes down to the current value),
/// and the path of the first key found twice in one object
/// (`sections.situation`, `items[2].name`), if any.
#[derive(Default)]
struct Found {
    path: Vec<Step>,
    duplicate: Option<String>,
}

enum Step {
    Key(String),
    Index(usize),
}

impl Found {
    fn path_to(&self, key: &str) -> String {
        let mut out = String::new();
        for step in &self.path {
            match step {
                Step::Key(k) if out.is_empty() => out.push_str(k),
                Step::Key(k) => {
                    out.push('.');
                    out.push_str(k);
                }
                Step::Index(i) => out.push_str(&format!("[{i}]")),
            }
        }
        if !out.is_empty() {
            out.push('.');
        }
        out.push_str(key);
        out
    }
}

/// Reads one JSON value as `serde_json::Value` does, in the same single
/// pass, but stops at a key given twice in one object, noting its path.
struct Strict<'a>(&'a std::cell::RefCell<Found>);

impl<'de> serde::de::DeserializeSeed<'de> for Strict<'_> {
    type Value = serde_json::Value;
    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> serde::de::Visitor<'de> for Strict<'_> {
    type Value = serde_json::Value;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_bool<E>(self, v: bool) -> Result<Self::Value, E> {
        Ok(v.into())
    }
    fn visit_i64<E>(self, v: i64) -> Result<Self::Value, E> {
        Ok(v.into())
    }
    fn visit_u64<E>(self, v: u64) -> Result<Self::Value, E> {
        Ok(v.into())
    }
    fn visit_f64<E: serde::de::Error>(self, v: f64) -> Result<Self::Value, E> {
        serde_json::Number::from_f64(v)
            .map(serde_json::Value::Number)
            .ok_or_else(|| E::custom("a number out of range"))
    }
    fn visit_str<E>(self, v: &str) -> Result<Self::Value, E> {
        Ok(v.into())
    }
    fn visit_string<E>(self, v: String) -> Result<Self::Value, E> {
        Ok(v.into())
    }
    fn visit_unit<E>(self) -> Result<Self::Value, E> {
        Ok(serde_json::Value::Null)
    }

    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(64));
        loop {
            self.0.borrow_mut().path.push(Step::Index(items.len()));
            let item = seq.next_element_seed(Strict(self.0));
            self.0.borrow_mut().path.pop();
            match item? {
                Some(item) => items.push(item),
                None => return Ok(serde_json::Value::Array(items)),
            }
        }
    }

    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        use serde::de::Error;
        let mut object = serde_json::Map::new();
        while let Some(key) = map.next_key::<String>()? {
            if object.contains_key(&key) {
                let mut found = self.0.borrow_mut();
                let path = found.path_to(&key);
                found.duplicate = Some(path);
                return Err(A::Error::custom("a key is given more than once"));
            }
            self.0.borrow_mut().path.push(Step::Key(key));
            let value = map.next_value_seed(Strict(self.0));
            let Some(Step::Key(key)) = self.0.borrow_mut().path.pop() else {
                unreachable!("the step pushed above")
            };
            object.insert(key, value?);
        }
        Ok(serde_json::Value::Object(object))
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

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{Value, json};

    fn field_of(e: ApiError) -> String {
        match e {
            ApiError::Validation(errors) => errors.0[0].field.clone(),
            other => panic!("not a validation error: {other:?}"),
        }
    }

    #[test]
    fn a_key_twice_is_named_by_its_path_however_deep() {
        for (body, path) in [
            (r#"{"a": 1, "a": 2}"#, "a"),
            (r#"{"a": {"b": 1, "c": [], "b": 2}}"#, "a.b"),
            (
                r#"{"items": [{}, {"n": 1}, {"name": 1, "name": 2}]}"#,
                "items[2].name",
            ),
            (r#"{"x": [[{"k": 1, "k": 1}]]}"#, "x[0][0].k"),
        ] {
            let e = parse::<Value>(body.as_bytes()).unwrap_err();
            assert_eq!(field_of(e), path, "{body}");
        }
    }

    #[test]
    fn what_is_not_json_is_a_400_and_never_a_panic() {
        for body in [
            "",
            "{",
            r#"{"a": 1} trailing"#,
            r#"{"a": 1}{"a": 1}"#,
            r#"{"a": 1e400}"#,
            "\u{feff}{}",
        ] {
            assert!(
                matches!(
                    parse::<Value>(body.as_bytes()),
                    Err(ApiError::BadRequest(_))
                ),
                "{body:?}"
            );
        }
        // Nesting past serde_json's recursion limit is refused, not a stack overflow.
        let deep = format!("{{\"a\": {}{}}}", "[".repeat(100_000), "]".repeat(100_000));
        assert!(matches!(
            parse::<Value>(deep.as_bytes()),
            Err(ApiError::BadRequest(_))
        ));
    }

    proptest::proptest! {
        /// On any body without a repeated key, the one pass reads exactly
        /// what serde_json reads.
        #[test]
        fn reads_what_serde_json_reads(value in arbitrary_json()) {
            let body = serde_json::to_vec(&json!({"v": value})).unwrap();
            let ours: Value = parse(&body).unwrap();
            let theirs: Value = serde_json::from_slice(&body).unwrap();
            proptest::prop_assert_eq!(ours, theirs);
        }
    }

    fn arbitrary_json() -> impl proptest::strategy::Strategy<Value = Value> {
        use proptest::prelude::*;
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::from),
            any::<i64>().prop_map(Value::from),
            any::<u64>().prop_map(Value::from),
            (-1.0e300f64..1.0e300).prop_map(Value::from),
            ".*".prop_map(Value::from),
        ];
        leaf.prop_recursive(4, 64, 8, |inner| {
            prop_oneof![
                proptest::collection::vec(inner.clone(), 0..8).prop_map(Value::Array),
                proptest::collection::btree_map(".{0,8}", inner, 0..8)
                    .prop_map(|m| Value::Object(m.into_iter().collect())),
            ]
        })
    }
}
