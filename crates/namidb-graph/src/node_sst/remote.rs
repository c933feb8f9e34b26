//! Ranged reads of a node SST in the bucket: the footer once, then only the row groups, columns
//! and bloom filters a read needs.
//!
//! [`RemoteNodeSst::open`] fetches the file's tail (one GET, a second only when the metadata is
//! larger than the first guess) and decodes the Parquet metadata. A read then computes the byte
//! ranges of the column chunks it needs, fetches them with ranged GETs (adjacent chunks coalesced
//! into one request), and decodes them with the `parquet` crate over a [`SparseFile`] that serves
//! exactly those ranges.

use std::ops::Range;
use std::sync::Arc;

use bytes::{Buf, Bytes};
use namidb_objstore::Bucket;
use parquet::arrow::arrow_reader::{
    ArrowReaderMetadata, ArrowReaderOptions, ParquetRecordBatchReaderBuilder, RowSelection,
};
use parquet::arrow::ProjectionMask;
use parquet::bloom_filter::Sbbf;
use parquet::errors::ParquetError;
use parquet::file::metadata::{ParquetMetaData, ParquetMetaDataReader};
use parquet::file::reader::{ChunkReader, Length};

use super::columns::ColumnKind;
use super::pages::load_page_index;
use super::reader::check_metadata;
use super::rows::NodeRows;
use super::{ID_COLUMN, LSN_COLUMN, PROPERTY_PREFIX, TOMBSTONE_COLUMN};
use crate::error::GraphError;

/// Bytes of the tail fetched first when opening (footer and metadata usually fit).
pub const NODE_TAIL_FETCH_BYTES: u64 = 64 * 1024;
/// Column chunks closer than this are fetched with one request.
const COALESCE_GAP: u64 = 64 * 1024;

/// Which columns a read decodes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NodeColumns {
    /// Only id, LSN and tombstone: enough to know which versions exist (records have no
    /// properties).
    Keys,
    /// Every property.
    All,
    /// The named properties.
    Properties(Vec<String>),
}

/// Some byte ranges of a file, served as a Parquet [`ChunkReader`]. Reading outside them is an
/// error, which would mean the range computation missed something.
#[derive(Debug, Clone)]
pub struct SparseFile {
    len: u64,
    pieces: Vec<(u64, Bytes)>,
}

impl SparseFile {
    /// A file of `len` bytes of which `pieces` (offset, bytes) are known.
    pub fn new(len: u64, mut pieces: Vec<(u64, Bytes)>) -> SparseFile {
        pieces.sort_by_key(|(offset, _)| *offset);
        SparseFile { len, pieces }
    }

    fn piece(&self, start: u64, length: usize) -> Result<Bytes, ParquetError> {
        let i = self.pieces.partition_point(|(offset, _)| *offset <= start);
        let (offset, bytes) = i
            .checked_sub(1)
            .and_then(|i| self.pieces.get(i))
            .ok_or_else(|| ParquetError::General(format!("byte {start} was not fetched")))?;
        let from = (start - offset) as usize;
        if from + length > bytes.len() {
            return Err(ParquetError::General(format!(
                "bytes {start}..{} were not fetched",
                start + length as u64
            )));
        }
        Ok(bytes.slice(from..from + length))
    }
}

impl Length for SparseFile {
    fn len(&self) -> u64 {
        self.len
    }
}

impl ChunkReader for SparseFile {
    type T = bytes::buf::Reader<Bytes>;

    fn get_read(&self, start: u64) -> Result<Self::T, ParquetError> {
        let i = self.pieces.partition_point(|(offset, _)| *offset <= start);
        let (offset, bytes) = i
            .checked_sub(1)
            .and_then(|i| self.pieces.get(i))
            .filter(|(offset, bytes)| start <= offset + bytes.len() as u64)
            .ok_or_else(|| ParquetError::General(format!("byte {start} was not fetched")))?;
        Ok(bytes.slice((start - offset) as usize..).reader())
    }

    fn get_bytes(&self, start: u64, length: usize) -> Result<Bytes, ParquetError> {
        self.piece(start, length)
    }
}

/// An opened node SST: its metadata, read with ranged GETs.
#[derive(Debug, Clone)]
pub struct RemoteNodeSst {
    pub(super) object: Arc<str>,
    pub(super) size: u64,
    pub(super) labels: Vec<String>,
    pub(super) metadata: ArrowReaderMetadata,
}

impl RemoteNodeSst {
    /// Fetches the tail of `object` (`size` bytes) and decodes the metadata.
    pub async fn open(
        bucket: &Bucket,
        object: &str,
        size: u64,
    ) -> Result<RemoteNodeSst, GraphError> {
        let corrupt =
            |detail: String| GraphError::CorruptNodeSst { object: object.to_owned(), detail };
        let mut fetch = NODE_TAIL_FETCH_BYTES.min(size);
        let (metadata, tail) = loop {
            let tail = bucket.get_range(object, size - fetch..size).await?;
            let file = SparseFile::new(size, vec![(size - fetch, tail.clone())]);
            let mut reader = ParquetMetaDataReader::new();
            match reader.try_parse_sized(&file, size) {
                Ok(()) => break (reader.finish().map_err(|e| corrupt(e.to_string()))?, tail),
                Err(ParquetError::NeedMoreData(needed)) if (needed as u64) > fetch => {
                    fetch = (needed as u64).min(size);
                }
                Err(e) => return Err(corrupt(e.to_string())),
            }
        };
        let metadata =
            load_page_index(bucket, object, size, metadata, (size - fetch, tail)).await?;
        RemoteNodeSst::from_metadata(object, size, metadata)
    }

    fn from_metadata(
        object: &str,
        size: u64,
        metadata: ParquetMetaData,
    ) -> Result<RemoteNodeSst, GraphError> {
        let corrupt =
            |detail: String| GraphError::CorruptNodeSst { object: object.to_owned(), detail };
        let labels = check_metadata(&metadata).map_err(corrupt)?;
        let schema = metadata.file_metadata().schema_descr();
        let fixed: Vec<String> =
            (0..schema.num_columns().min(3)).map(|i| schema.column(i).name().to_owned()).collect();
        if fixed != [ID_COLUMN, LSN_COLUMN, TOMBSTONE_COLUMN] {
            return Err(corrupt(format!("leading columns are {fixed:?}")));
        }
        let metadata = ArrowReaderMetadata::try_new(Arc::new(metadata), ArrowReaderOptions::new())
            .map_err(|e| corrupt(e.to_string()))?;
        Ok(RemoteNodeSst { object: Arc::from(object), size, labels, metadata })
    }

    /// The object key.
    pub fn object(&self) -> &Arc<str> {
        &self.object
    }

    /// The error for a defect found in this file.
    pub(super) fn corrupt(&self, detail: String) -> GraphError {
        GraphError::CorruptNodeSst { object: self.object.to_string(), detail }
    }

    /// The label set of its nodes.
    pub fn labels(&self) -> &[String] {
        &self.labels
    }

    /// Bytes of decoded metadata held (for cache accounting).
    pub fn memory_size(&self) -> usize {
        self.metadata.metadata().memory_size()
    }

    /// Number of row groups.
    pub fn row_groups(&self) -> usize {
        self.metadata.metadata().num_row_groups()
    }

    /// The property keys it has columns for.
    pub fn property_keys(&self) -> Vec<String> {
        let schema = self.metadata.metadata().file_metadata().schema_descr();
        (3..schema.num_columns())
            .filter_map(|i| {
                schema.column(i).name().strip_prefix(PROPERTY_PREFIX).map(str::to_owned)
            })
            .collect()
    }

    /// The row groups whose `_id` statistics admit `id` (all of them when statistics are absent).
    pub fn row_groups_for(&self, id: u64) -> Vec<usize> {
        let word =
            |bytes: Option<&[u8]>| bytes.and_then(|b| b.try_into().ok()).map(u64::from_le_bytes);
        self.metadata
            .metadata()
            .row_groups()
            .iter()
            .enumerate()
            .filter(|(_, rg)| match rg.column(0).statistics() {
                Some(stats) => {
                    let min = word(stats.min_bytes_opt()).unwrap_or(0);
                    let max = word(stats.max_bytes_opt()).unwrap_or(u64::MAX);
                    min <= id && id <= max
                }
                None => true,
            })
            .map(|(i, _)| i)
            .collect()
    }

    /// The leaf index and kind of `key`'s property column; `None` when the file has none.
    pub fn property_column(&self, key: &str) -> Option<(usize, ColumnKind)> {
        let schema = self.metadata.schema();
        let name = format!("{PROPERTY_PREFIX}{key}");
        let (leaf, field) = schema.fields().iter().enumerate().find(|(_, f)| *f.name() == name)?;
        Some((leaf, ColumnKind::of_data_type(field.data_type())?))
    }

    /// Whether `row_group`'s chunk of column `leaf` has a bloom filter.
    pub fn has_bloom(&self, row_group: usize, leaf: usize) -> bool {
        let row_groups = self.metadata.metadata().row_groups();
        row_groups.get(row_group).is_some_and(|rg| {
            leaf < rg.num_columns() && rg.column(leaf).bloom_filter_offset().is_some()
        })
    }

    /// Fetches the bloom filter of column `leaf` (0 is `_id`) in `row_group` (one ranged GET);
    /// `None` if it has none.
    pub async fn fetch_bloom(
        &self,
        bucket: &Bucket,
        row_group: usize,
        leaf: usize,
    ) -> Result<Option<Sbbf>, GraphError> {
        let corrupt = |detail: String| self.corrupt(detail);
        let row_group_meta = self
            .metadata
            .metadata()
            .row_groups()
            .get(row_group)
            .ok_or_else(|| corrupt(format!("no row group {row_group}")))?;
        if leaf >= row_group_meta.num_columns() {
            return Err(corrupt(format!("no column {leaf} in row group {row_group}")));
        }
        let chunk = row_group_meta.column(leaf);
        let (Some(offset), Some(length)) =
            (chunk.bloom_filter_offset(), chunk.bloom_filter_length())
        else {
            return Ok(None);
        };
        let (offset, length) = (offset.max(0) as u64, length.max(0) as u64);
        if offset + length > self.size {
            return Err(corrupt("bloom filter beyond the end of the file".into()));
        }
        let bytes = bucket.get_range(&self.object, offset..offset + length).await?;
        let file = SparseFile::new(self.size, vec![(offset, bytes)]);
        Sbbf::read_from_column_chunk(chunk, &file).map_err(|e| corrupt(e.to_string()))
    }

    /// Reads `columns` of `row_groups` (ranged GETs of just those column chunks) as node rows.
    pub async fn read(
        &self,
        bucket: &Bucket,
        row_groups: &[usize],
        columns: &NodeColumns,
    ) -> Result<NodeRows, GraphError> {
        let corrupt = |detail: String| self.corrupt(detail);
        if row_groups.is_empty() {
            return Ok(NodeRows::default());
        }
        let parquet = self.metadata.metadata();
        let leaves = self.leaves(columns);
        let mut ranges: Vec<Range<u64>> = Vec::new();
        for &rg in row_groups {
            let row_group = parquet
                .row_groups()
                .get(rg)
                .ok_or_else(|| corrupt(format!("no row group {rg}")))?;
            for &leaf in &leaves {
                let (start, len) = row_group.column(leaf).byte_range();
                if start + len > self.size {
                    return Err(corrupt("column chunk beyond the end of the file".into()));
                }
                ranges.push(start..start + len);
            }
        }
        let fetched = fetch_coalesced(bucket, &self.object, ranges, COALESCE_GAP).await?;
        self.decode(SparseFile::new(self.size, fetched), row_groups, leaves, None)
    }

    /// The leaf columns `columns` reads: the three fixed ones and the chosen properties.
    pub(super) fn leaves(&self, columns: &NodeColumns) -> Vec<usize> {
        let schema = self.metadata.metadata().file_metadata().schema_descr();
        (0..schema.num_columns())
            .filter(|&i| {
                i < 3
                    || match columns {
                        NodeColumns::Keys => false,
                        NodeColumns::All => true,
                        NodeColumns::Properties(keys) => schema
                            .column(i)
                            .name()
                            .strip_prefix(PROPERTY_PREFIX)
                            .is_some_and(|key| keys.iter().any(|k| k == key)),
                    }
            })
            .collect()
    }

    /// Decodes `leaves` of `row_groups` (only the `selection` rows, when given) from `file`,
    /// which must hold every byte the decoder reads.
    pub(super) fn decode(
        &self,
        file: SparseFile,
        row_groups: &[usize],
        leaves: Vec<usize>,
        selection: Option<RowSelection>,
    ) -> Result<NodeRows, GraphError> {
        let corrupt = |detail: String| self.corrupt(detail);
        let schema = self.metadata.metadata().file_metadata().schema_descr();
        let mut builder =
            ParquetRecordBatchReaderBuilder::new_with_metadata(file, self.metadata.clone())
                .with_row_groups(row_groups.to_vec())
                .with_projection(ProjectionMask::leaves(schema, leaves))
                .with_batch_size(8192);
        if let Some(selection) = selection {
            builder = builder.with_row_selection(selection);
        }
        let reader = builder.build().map_err(|e| corrupt(e.to_string()))?;
        let mut rows = NodeRows::default();
        for batch in reader {
            let batch = batch.map_err(|e| corrupt(e.to_string()))?;
            rows.append_batch(&batch, &self.labels).map_err(corrupt)?;
        }
        rows.shrink_to_fit();
        Ok(rows)
    }
}

/// Fetches `ranges`, merging ranges closer than `gap` bytes into one request each.
pub(super) async fn fetch_coalesced(
    bucket: &Bucket,
    object: &str,
    mut ranges: Vec<Range<u64>>,
    gap: u64,
) -> Result<Vec<(u64, Bytes)>, GraphError> {
    ranges.sort_by_key(|r| r.start);
    let mut merged: Vec<Range<u64>> = Vec::new();
    for range in ranges {
        match merged.last_mut() {
            Some(last) if range.start <= last.end + gap => last.end = last.end.max(range.end),
            _ => merged.push(range),
        }
    }
    let fetches = merged.into_iter().map(|range| async move {
        let bytes = bucket.get_range(object, range.clone()).await?;
        Ok::<_, GraphError>((range.start, bytes))
    });
    futures::future::try_join_all(fetches).await
}
