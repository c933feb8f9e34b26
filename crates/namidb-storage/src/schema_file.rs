//! `schema/current.json`: the label and property schema (format version 1).
//!
//! The storage spine only creates it, empty, with the namespace; the graph layer fills it in as
//! labels, relationship types and properties appear. Layout in `docs/formats/schema.md`.

use bytes::Bytes;

/// The schema format version this build writes.
pub const SCHEMA_FORMAT_VERSION: u32 = 1;

/// The schema object of a new namespace.
pub(crate) fn initial_schema() -> Bytes {
    Bytes::from(format!(
        "{{\"format\":\"namidb.schema\",\"format_version\":{SCHEMA_FORMAT_VERSION},\"version\":1,\"labels\":{{}},\"relationship_types\":{{}}}}"
    ))
}
