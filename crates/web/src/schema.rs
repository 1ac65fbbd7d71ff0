//! The domain's text rules (`caseload_domain::text`) as the API document
//! states them, so that what the document allows the server accepts and
//! what the server refuses the document forbids: a required value has a
//! character that is not white space, nothing has control characters (prose
//! may have line breaks and tabs), and each field has its length in
//! characters. Used on request fields with `#[schema(schema_with = …)]`.

use utoipa::openapi::schema::{AnyOfBuilder, ObjectBuilder, Schema, Type};
use utoipa::openapi::{Object, RefOr};

/// Characters `char::is_control` calls control: C0, DEL and C1.
const LINE_CHAR: &str = r"[^\u0000-\u001F\u007F-\u009F]";
/// Prose may also have tabs and line breaks.
const PROSE_CHAR: &str = r"[^\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]";
/// Neither a control character nor white space (`char::is_whitespace`).
const VISIBLE: &str =
    r"[^\u0000-\u0020\u007F-\u00A0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000]";
/// White space as `str::trim` sees it.
const SPACE: &str =
    r"[\u0009-\u000D\u0020\u0085\u00A0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000]";

fn string() -> ObjectBuilder {
    ObjectBuilder::new().schema_type(Type::String)
}

/// A required single line of at most `MAX` characters (`text::single_line`).
pub fn line<const MAX: usize>() -> Object {
    string()
        .min_length(Some(1))
        .max_length(Some(MAX))
        .pattern(Some(format!("^{LINE_CHAR}*{VISIBLE}{LINE_CHAR}*$")))
        .build()
}

/// An optional single line: absent, `null` or blank means none; otherwise
/// as `line` (`text::optional_single_line`).
pub fn optional_line<const MAX: usize>() -> RefOr<Schema> {
    optional(line::<MAX>())
}

/// `null`, or blank (none, however long), or `given`.
fn optional(given: Object) -> RefOr<Schema> {
    AnyOfBuilder::new()
        .item(ObjectBuilder::new().schema_type(Type::Null))
        .item(string().pattern(Some(format!("^{SPACE}*$"))))
        .item(given)
        .into()
}

/// Required prose of at most `MAX` characters (`text::prose`).
pub fn prose<const MAX: usize>() -> Object {
    string()
        .min_length(Some(1))
        .max_length(Some(MAX))
        .pattern(Some(format!("^{PROSE_CHAR}*{VISIBLE}{PROSE_CHAR}*$")))
        .build()
}

/// Optional prose: absent, `null` or blank means none; otherwise as `prose`.
pub fn optional_prose<const MAX: usize>() -> RefOr<Schema> {
    optional(prose::<MAX>())
}

/// An optional email address as `text::Email::parse` takes it: blank means
/// none; otherwise no spaces inside, one `@`, and a domain with a dot that
/// neither starts nor ends it; at most 320 bytes.
pub fn optional_email() -> RefOr<Schema> {
    // Not white space, control or `@`; the domain's ends not `.` either.
    let local = r"[^\u0000-\u0020\u007F-\u00A0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000@]";
    let end = r"[^\u0000-\u0020\u007F-\u00A0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000@.]";
    optional(
        string()
            .max_length(Some(caseload_domain::text::limits::SHORT))
            .pattern(Some(format!(
                "^{SPACE}*{local}+@{end}{local}*\\.{local}*{end}{SPACE}*$"
            )))
            .build(),
    )
}
