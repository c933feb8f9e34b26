//! Page-level point reads through the Parquet page index.
//!
//! Node SSTs are written with a column index and an offset index per column chunk (pages of at
//! most [`PAGE_ROWS`] rows). [`load_page_index`] decodes, when a file is opened, the offset index
//! of every column and the column index (per-page min/max) of `_id` only. A point lookup then
//! finds the `_id` pages whose range admits the id ([`RemoteNodeSst::page_rows_for`]) and
//! [`RemoteNodeSst::read_rows`] fetches, per column, just the pages overlapping those rows (and
//! the column's dictionary page), instead of the whole row group. Files without a page index
//! are read a row group at a time, as before.

use std::ops::Range;

use bytes::Bytes;
use namidb_objstore::Bucket;
use parquet::arrow::arrow_reader::{RowSelection, RowSelector};
use parquet::file::metadata::{
    ColumnChunkMask, PageIndexPolicy, ParquetMetaData, ParquetMetaDataReader,
};
use parquet::file::page_index::column_index::ColumnIndexMetaData;

use super::remote::{fetch_coalesced, NodeColumns, RemoteNodeSst, SparseFile};
use super::rows::NodeRows;
use crate::error::GraphError;

/// Rows per data page the writer aims at (pages are cut at 1,024-row write batches).
pub const PAGE_ROWS: usize = 4096;
/// Pages closer than this are fetched with one request.
const PAGE_COALESCE_GAP: u64 = 16 * 1024;
/// A point lookup reads pages only when the row group's chunks of the columns it needs hold
/// more than this; a smaller row group is fetched whole (one GET, and cached whole).
pub const PAGE_READ_MIN_BYTES: u64 = 256 * 1024;

/// Adds the page index to `metadata`: the offset index of every column and the column index of
/// `_id`. `tail` is the already fetched end of the file (offset, bytes); the index is fetched
/// with one more GET only when it lies outside it. A file without a page index is returned as is.
pub(super) async fn load_page_index(
    bucket: &Bucket,
    object: &str,
    size: u64,
    metadata: ParquetMetaData,
    tail: (u64, Bytes),
) -> Result<ParquetMetaData, GraphError> {
    let corrupt = |detail: String| GraphError::CorruptNodeSst { object: object.to_owned(), detail };
    // Column and offset indexes sit together before the footer: one span covers them all.
    let mut span: Option<Range<u64>> = None;
    for row_group in metadata.row_groups() {
        for chunk in row_group.columns() {
            for range in
                [chunk.column_index_range(), chunk.offset_index_range()].into_iter().flatten()
            {
                span = Some(match span {
                    Some(s) => s.start.min(range.start)..s.end.max(range.end),
                    None => range,
                });
            }
        }
    }
    let Some(span) = span else { return Ok(metadata) };
    if span.end > size {
        return Err(corrupt(format!("page index {span:?} beyond the end of the file ({size})")));
    }
    let piece = if span.start >= tail.0 {
        tail
    } else {
        (span.start, bucket.get_range(object, span.clone()).await?)
    };
    let file = SparseFile::new(size, vec![piece]);
    let mut reader = ParquetMetaDataReader::new_with_metadata(metadata)
        .with_column_index_policy(PageIndexPolicy::Optional)
        .with_column_index_mask(ColumnChunkMask::columns([0]))
        .with_offset_index_policy(PageIndexPolicy::Optional);
    reader.read_page_indexes_sized(&file, size).map_err(|e| corrupt(e.to_string()))?;
    reader.finish().map_err(|e| corrupt(e.to_string()))
}

impl RemoteNodeSst {
    /// Bytes of the column chunks of `row_group` that reading `columns` whole fetches.
    pub fn chunk_bytes(&self, row_group: usize, columns: &NodeColumns) -> u64 {
        let Some(meta) = self.metadata.metadata().row_groups().get(row_group) else { return 0 };
        self.leaves(columns).into_iter().map(|leaf| meta.column(leaf).byte_range().1).sum()
    }

    /// The rows of `row_group` in the `_id` pages whose min/max admit `id`; `None` when the file
    /// has no page index (read the whole row group then). An empty range: no page admits it.
    pub fn page_rows_for(&self, row_group: usize, id: u64) -> Option<Range<usize>> {
        let parquet = self.metadata.metadata();
        let index = parquet.page_index()?;
        let rows = usize::try_from(parquet.row_groups().get(row_group)?.num_rows()).ok()?;
        let locations = index.page_locations(row_group, 0)?;
        let ColumnIndexMetaData::INT64(ids) = index.column_index(row_group, 0)? else {
            return None;
        };
        if ids.num_pages() as usize != locations.len() {
            return None;
        }
        let mut admitted: Option<Range<usize>> = None;
        for (page, location) in locations.iter().enumerate() {
            // `_id` is UINT64 stored as INT64: compare the bits as unsigned.
            let (Some(&min), Some(&max)) = (ids.min_value(page), ids.max_value(page)) else {
                continue;
            };
            if !((min as u64) <= id && id <= (max as u64)) {
                continue;
            }
            let start = usize::try_from(location.first_row_index).ok()?;
            let end = match locations.get(page + 1) {
                Some(next) => usize::try_from(next.first_row_index).ok()?,
                None => rows,
            };
            admitted = Some(match admitted {
                Some(a) => a.start.min(start)..a.end.max(end),
                None => start..end,
            });
        }
        Some(admitted.unwrap_or(0..0))
    }

    /// Reads `columns` of rows `rows` of `row_group`: per column only the pages overlapping
    /// those rows (and its dictionary page), fetched with coalesced ranged GETs. Needs the page
    /// index ([`RemoteNodeSst::page_rows_for`] returned `Some`).
    pub async fn read_rows(
        &self,
        bucket: &Bucket,
        row_group: usize,
        rows: Range<usize>,
        columns: &NodeColumns,
    ) -> Result<NodeRows, GraphError> {
        let corrupt = |detail: String| self.corrupt(detail);
        if rows.is_empty() {
            return Ok(NodeRows::default());
        }
        let parquet = self.metadata.metadata();
        let meta = parquet
            .row_groups()
            .get(row_group)
            .ok_or_else(|| corrupt(format!("no row group {row_group}")))?;
        let total = usize::try_from(meta.num_rows()).map_err(|e| corrupt(e.to_string()))?;
        let index = parquet.page_index().ok_or_else(|| corrupt("no page index".into()))?;
        let leaves = self.leaves(columns);
        let mut ranges: Vec<Range<u64>> = Vec::new();
        for &leaf in &leaves {
            let locations = index
                .page_locations(row_group, leaf)
                .ok_or_else(|| corrupt(format!("no offset index for column {leaf}")))?;
            let (chunk_start, chunk_len) = meta.column(leaf).byte_range();
            let mut bytes = |start: i64, len: i64| -> Result<(), GraphError> {
                let (start, len) = (start.max(0) as u64, len.max(0) as u64);
                if start + len > self.size {
                    return Err(corrupt("page beyond the end of the file".into()));
                }
                ranges.push(start..start + len);
                Ok(())
            };
            // The space before the first data page holds the dictionary page, if any.
            if let Some(first) = locations.first() {
                if (first.offset as u64) > chunk_start {
                    bytes(chunk_start as i64, first.offset - chunk_start as i64)?;
                }
            } else if chunk_len > 0 {
                bytes(chunk_start as i64, chunk_len as i64)?;
            }
            for (page, location) in locations.iter().enumerate() {
                let start = location.first_row_index.max(0) as usize;
                let end = locations
                    .get(page + 1)
                    .map_or(total, |next| next.first_row_index.max(0) as usize);
                if start < rows.end && rows.start < end {
                    bytes(location.offset, i64::from(location.compressed_page_size))?;
                }
            }
        }
        let fetched = fetch_coalesced(bucket, &self.object, ranges, PAGE_COALESCE_GAP).await?;
        let end = rows.end.min(total);
        let selection: RowSelection = [
            RowSelector::skip(rows.start),
            RowSelector::select(end.saturating_sub(rows.start)),
            RowSelector::skip(total.saturating_sub(end)),
        ]
        .into_iter()
        .filter(|s| s.row_count > 0)
        .collect::<Vec<_>>()
        .into();
        self.decode(SparseFile::new(self.size, fetched), &[row_group], leaves, Some(selection))
    }
}
