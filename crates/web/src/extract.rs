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

/// serde says "… at line 1 column 42"; the field name says more.
fn clean_serde_message(message: &str) -> String {
    match message.rfind(" at line ") {
        Some(i) => message[..i].to_owned(),
        None => message.to_owned(),
    }
}
