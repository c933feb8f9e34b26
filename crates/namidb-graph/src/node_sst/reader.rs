//! Reading a node SST back into node versions, checking its metadata and column types.

use std::collections::BTreeMap;
use std::sync::Arc;

use arrow_array::{
    Array, BinaryArray, BooleanArray, Float64Array, Int64Array, RecordBatch, StringArray,
    UInt64Array,
};
use bytes::Bytes;
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
use parquet::file::metadata::ParquetMetaData;

use super::writer::NodeVersion;
use super::{
    decode_labels, FORMAT_VERSION, ID_COLUMN, LSN_COLUMN, META_FORMAT, META_LABELS, META_VERSION,
    PROPERTY_PREFIX, TOMBSTONE_COLUMN,
};
use crate::error::GraphError;
use crate::model::{NodeId, NodeRecord, PropertyValue};
use crate::record_codec::decode_value;

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
    let mut versions = Vec::new();
    for batch in reader {
        let batch = batch.map_err(|e| corrupt(e.to_string()))?;
        decode_batch(&batch, &labels, &mut versions).map_err(corrupt)?;
    }
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

fn column<'a, T: 'static>(batch: &'a RecordBatch, name: &str) -> Result<&'a T, String> {
    batch
        .column_by_name(name)
        .and_then(|c| c.as_any().downcast_ref::<T>())
        .ok_or_else(|| format!("column {name} missing or of the wrong type"))
}

/// Appends the node versions of a decoded batch (any projection of the property columns).
pub(super) fn decode_batch(
    batch: &RecordBatch,
    labels: &[String],
    out: &mut Vec<NodeVersion>,
) -> Result<(), String> {
    let ids: &UInt64Array = column(batch, ID_COLUMN)?;
    let lsns: &UInt64Array = column(batch, LSN_COLUMN)?;
    let tombstones: &BooleanArray = column(batch, TOMBSTONE_COLUMN)?;
    let schema = batch.schema();
    let mut properties: Vec<(String, &dyn Array)> = Vec::new();
    for (field, array) in schema.fields().iter().zip(batch.columns()) {
        if let Some(key) = field.name().strip_prefix(PROPERTY_PREFIX) {
            properties.push((key.to_owned(), array.as_ref()));
        } else if ![ID_COLUMN, LSN_COLUMN, TOMBSTONE_COLUMN].contains(&field.name().as_str()) {
            return Err(format!("unknown column {}", field.name()));
        }
    }
    for row in 0..batch.num_rows() {
        if ids.is_null(row) || lsns.is_null(row) || tombstones.is_null(row) {
            return Err(format!("row {row} lacks its id, LSN or tombstone flag"));
        }
        let record = if tombstones.value(row) {
            None
        } else {
            let mut record = NodeRecord { labels: labels.to_vec(), properties: BTreeMap::new() };
            for (key, array) in &properties {
                if let Some(value) = cell(*array, row)? {
                    record.properties.insert(key.clone(), value);
                }
            }
            Some(Arc::new(record))
        };
        out.push(NodeVersion { id: NodeId(ids.value(row)), lsn: lsns.value(row), record });
    }
    Ok(())
}

fn cell(array: &dyn Array, row: usize) -> Result<Option<PropertyValue>, String> {
    if array.is_null(row) {
        return Ok(None);
    }
    let any = array.as_any();
    let value = if let Some(a) = any.downcast_ref::<Int64Array>() {
        PropertyValue::Int(a.value(row))
    } else if let Some(a) = any.downcast_ref::<Float64Array>() {
        PropertyValue::Float(a.value(row))
    } else if let Some(a) = any.downcast_ref::<StringArray>() {
        PropertyValue::String(a.value(row).to_owned())
    } else if let Some(a) = any.downcast_ref::<BooleanArray>() {
        PropertyValue::Bool(a.value(row))
    } else if let Some(a) = any.downcast_ref::<BinaryArray>() {
        decode_value(a.value(row)).map_err(|e| format!("encoded cell in row {row}: {e}"))?
    } else {
        return Err(format!("property column of unsupported type {}", array.data_type()));
    };
    Ok(Some(value))
}
