//! Reading a node SST back into node versions, checking its metadata and column types.

use std::collections::BTreeMap;

use bytes::Bytes;
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
use parquet::file::metadata::ParquetMetaData;

use super::rows::NodeRows;
use super::writer::NodeVersion;
use super::{decode_labels, FORMAT_VERSION, META_FORMAT, META_LABELS, META_VERSION};
use crate::error::GraphError;

/// What a node SST's metadata says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NodeSstMetadata {
    /// The label set of its nodes (empty for the tombstone file).
    pub labels: Vec<String>,
    /// Rows.
    pub rows: u64,
    /// Row groups.
    pub row_groups: usize,
}

/// Reads a whole node SST held in memory.
pub fn read_node_sst(
    object: &str,
    file: Bytes,
) -> Result<(NodeSstMetadata, Vec<NodeVersion>), GraphError> {
    let corrupt = |detail: String| GraphError::CorruptNodeSst { object: object.to_owned(), detail };
    let builder =
        ParquetRecordBatchReaderBuilder::try_new(file).map_err(|e| corrupt(e.to_string()))?;
    let labels = check_metadata(builder.metadata()).map_err(corrupt)?;
    let metadata = NodeSstMetadata {
        labels: labels.clone(),
        rows: builder.metadata().file_metadata().num_rows().max(0) as u64,
        row_groups: builder.metadata().num_row_groups(),
    };
    let reader = builder.build().map_err(|e| corrupt(e.to_string()))?;
    let mut rows = NodeRows::default();
    for batch in reader {
        let batch = batch.map_err(|e| corrupt(e.to_string()))?;
        rows.append_batch(&batch, &labels).map_err(corrupt)?;
    }
    let versions = rows.versions().map_err(|e| corrupt(e.to_string()))?;
    Ok((metadata, versions))
}

/// Checks a node SST's format metadata; returns its label set.
pub(super) fn check_metadata(metadata: &ParquetMetaData) -> Result<Vec<String>, String> {
    let kv: BTreeMap<&str, &str> = metadata
        .file_metadata()
        .key_value_metadata()
        .map(|kvs| {
            kvs.iter().filter_map(|kv| Some((kv.key.as_str(), kv.value.as_deref()?))).collect()
        })
        .unwrap_or_default();
    if kv.get(META_FORMAT) != Some(&"node-sst") {
        return Err("not a node SST (format metadata missing)".into());
    }
    let version: u32 = kv.get(META_VERSION).and_then(|v| v.parse().ok()).unwrap_or(0);
    if version == 0 || version > FORMAT_VERSION {
        return Err(format!("format version {version}; this build reads up to {FORMAT_VERSION}"));
    }
    kv.get(META_LABELS)
        .and_then(|l| decode_labels(l))
        .ok_or_else(|| "label set metadata missing or malformed".into())
}
