//! Node SSTs: node versions of one label set in Apache Parquet, one typed column per property
//! (format: docs/formats/node-sst.md).
//!
//! Rows are sorted by node id, newest version first; `_id` and every integer or string property
//! column carry a bloom filter per row group and every column page statistics, so point
//! lookups, property equality lookups and predicates prune row groups and pages.
//! A property whose values in the file share one of the types Parquet represents natively
//! (integer, float, string, boolean) gets that column type; any other property — lists, maps,
//! temporal values, or a key whose values mix types — is stored as a binary column of encoded
//! values (docs/formats/graph-records.md), so no value is ever lost to a type conflict.

mod columns;
mod pages;
mod reader;
mod remote;
mod rows;
mod writer;

pub use columns::ColumnKind;
pub use pages::{PAGE_READ_MIN_BYTES, PAGE_ROWS};
pub use reader::{read_node_sst, NodeSstMetadata};
pub use remote::{NodeColumns, RemoteNodeSst, SparseFile, NODE_TAIL_FETCH_BYTES};
pub use rows::NodeRows;
pub use writer::{NodeSstWriter, NodeVersion};

/// Format version written into the file metadata.
pub const FORMAT_VERSION: u32 = 1;

/// Column of node ids.
pub const ID_COLUMN: &str = "_id";
/// Column of version LSNs.
pub const LSN_COLUMN: &str = "_lsn";
/// Column marking deletions.
pub const TOMBSTONE_COLUMN: &str = "_tombstone";
/// Prefix of property columns (so a property cannot collide with the fixed columns).
pub const PROPERTY_PREFIX: &str = "p:";

/// File metadata key: the format name.
pub const META_FORMAT: &str = "namidb.format";
/// File metadata key: the format version.
pub const META_VERSION: &str = "namidb.version";
/// File metadata key: the label set, each label as `<byte length>:<label>`.
pub const META_LABELS: &str = "namidb.labels";
/// Field metadata key: how a property column's cells are encoded.
pub const META_ENCODING: &str = "namidb.encoding";

/// Encodes a label set for the file metadata.
pub fn encode_labels(labels: &[String]) -> String {
    labels.iter().map(|l| format!("{}:{l}", l.len())).collect()
}

/// Decodes a label set from the file metadata.
pub fn decode_labels(text: &str) -> Option<Vec<String>> {
    let mut labels = Vec::new();
    let mut rest = text;
    while !rest.is_empty() {
        let (len, tail) = rest.split_once(':')?;
        let len: usize = len.parse().ok()?;
        labels.push(tail.get(..len)?.to_owned());
        rest = &tail[len..];
    }
    Some(labels)
}
