//! Writing a node SST: sorted node versions of one label set into one Parquet file.

use std::collections::{BTreeSet, HashMap};
use std::sync::Arc;

use arrow_array::{ArrayRef, BooleanArray, RecordBatch, UInt64Array};
use arrow_schema::{DataType, Field, Schema};
use parquet::arrow::ArrowWriter;
use parquet::basic::{Compression, Encoding};
use parquet::file::metadata::KeyValue;
use parquet::file::properties::{EnabledStatistics, WriterProperties};
use parquet::schema::types::ColumnPath;

use super::columns::ColumnKind;
use super::pages::PAGE_ROWS;
use super::{
    encode_labels, FORMAT_VERSION, ID_COLUMN, LSN_COLUMN, META_ENCODING, META_FORMAT, META_LABELS,
    META_VERSION, PROPERTY_PREFIX, TOMBSTONE_COLUMN,
};
use crate::error::GraphError;
use crate::model::{NodeId, NodeRecord, PropertyValue};

/// Largest dictionary page of a property column before it falls back to plain encoding.
const DICTIONARY_PAGE_BYTES: usize = 64 * 1024;

/// One version of one node.
#[derive(Debug, Clone, PartialEq)]
pub struct NodeVersion {
    /// The node.
    pub id: NodeId,
    /// The LSN that wrote it.
    pub lsn: u64,
    /// Its state, or `None` for a tombstone (shared: decoded row groups are cached and read
    /// by many snapshots, which take the record without copying it).
    pub record: Option<Arc<NodeRecord>>,
}

/// Builds node SSTs.
#[derive(Debug, Clone)]
pub struct NodeSstWriter {
    row_group_rows: usize,
}

impl Default for NodeSstWriter {
    fn default() -> Self {
        NodeSstWriter { row_group_rows: 64 * 1024 }
    }
}

impl NodeSstWriter {
    /// A writer with `row_group_rows` rows per row group.
    pub fn new(row_group_rows: usize) -> NodeSstWriter {
        NodeSstWriter { row_group_rows: row_group_rows.max(1) }
    }

    /// Writes the versions of nodes whose label set is `labels` (tombstones go with the empty
    /// set) as one Parquet file. Versions may come in any order; each (id, LSN) at most once.
    pub fn write(
        &self,
        labels: &[String],
        versions: &[NodeVersion],
    ) -> Result<Vec<u8>, GraphError> {
        let mut rows: Vec<&NodeVersion> = versions.iter().collect();
        rows.sort_by_key(|v| (v.id, std::cmp::Reverse(v.lsn)));
        if let Some(pair) = rows.windows(2).find(|w| (w[0].id, w[0].lsn) == (w[1].id, w[1].lsn)) {
            return Err(GraphError::InvalidInput(format!(
                "node {} written twice at LSN {}",
                pair[0].id.0, pair[0].lsn
            )));
        }
        let keys: BTreeSet<&str> = rows
            .iter()
            .filter_map(|r| r.record.as_ref())
            .flat_map(|record| record.properties.keys().map(String::as_str))
            .collect();
        let mut fields = vec![
            Field::new(ID_COLUMN, DataType::UInt64, false),
            Field::new(LSN_COLUMN, DataType::UInt64, false),
            Field::new(TOMBSTONE_COLUMN, DataType::Boolean, false),
        ];
        let mut bloom_columns = Vec::new();
        let mut columns: Vec<ArrayRef> = vec![
            Arc::new(UInt64Array::from_iter_values(rows.iter().map(|r| r.id.0))),
            Arc::new(UInt64Array::from_iter_values(rows.iter().map(|r| r.lsn))),
            Arc::new(BooleanArray::from_iter(rows.iter().map(|r| Some(r.record.is_none())))),
        ];
        for key in keys {
            let cells: Vec<Option<&PropertyValue>> = rows
                .iter()
                .map(|r| r.record.as_ref().and_then(|rec| rec.properties.get(key)))
                .collect();
            let kind = ColumnKind::for_values(cells.iter().flatten().copied());
            let name = format!("{PROPERTY_PREFIX}{key}");
            if kind.has_bloom() {
                bloom_columns.push(ColumnPath::from(name.as_str()));
            }
            fields.push(Field::new(name, kind.data_type(), true).with_metadata(HashMap::from([(
                META_ENCODING.to_owned(),
                kind.encoding().to_owned(),
            )])));
            columns.push(kind.build(&cells));
        }
        let schema = Arc::new(Schema::new(fields));
        let batch = RecordBatch::try_new(schema.clone(), columns)
            .map_err(|e| GraphError::InvalidInput(format!("node SST batch: {e}")))?;
        let metadata = vec![
            KeyValue::new(META_FORMAT.to_owned(), "node-sst".to_owned()),
            KeyValue::new(META_VERSION.to_owned(), FORMAT_VERSION.to_string()),
            KeyValue::new(META_LABELS.to_owned(), encode_labels(labels)),
        ];
        let mut properties = WriterProperties::builder()
            .set_compression(Compression::SNAPPY)
            .set_max_row_group_row_count(Some(self.row_group_rows))
            .set_statistics_enabled(EnabledStatistics::Page)
            .set_data_page_row_count_limit(PAGE_ROWS)
            // A point read fetches a column's dictionary page beside its data page: ids are
            // unique (no dictionary; sorted, so delta-encoded), and a property's dictionary
            // falls back to plain pages once it passes 64 KiB.
            .set_column_dictionary_enabled(ColumnPath::from(ID_COLUMN), false)
            .set_column_encoding(ColumnPath::from(ID_COLUMN), Encoding::DELTA_BINARY_PACKED)
            .set_dictionary_page_size_limit(DICTIONARY_PAGE_BYTES)
            .set_column_bloom_filter_enabled(ColumnPath::from(ID_COLUMN), true)
            .set_key_value_metadata(Some(metadata));
        // Equality lookups probe integer and string properties: their blooms let a cold lookup
        // skip the row groups without the value. Each is sized for a row group of distinct
        // values and folded down to what the chunk holds, so a low-cardinality column's is small.
        for column in bloom_columns {
            properties = properties.set_column_bloom_filter_enabled(column, true);
        }
        let properties = properties.build();
        let mut out = Vec::new();
        let mut writer = ArrowWriter::try_new(&mut out, schema, Some(properties))
            .map_err(|e| GraphError::InvalidInput(format!("node SST writer: {e}")))?;
        writer
            .write(&batch)
            .map_err(|e| GraphError::InvalidInput(format!("node SST write: {e}")))?;
        writer.close().map_err(|e| GraphError::InvalidInput(format!("node SST close: {e}")))?;
        Ok(out)
    }
}
