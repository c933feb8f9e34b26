//! SST access for reads and compaction: opening node and edge SSTs and fetching their pieces
//! with ranged GETs, through the shared [`SstCache`].

use std::sync::Arc;

use bytes::Bytes;
use namidb_objstore::Bucket;
use parquet::bloom_filter::Sbbf;

use super::cache::{CacheKey, CacheKind, SstCache};
use crate::edge_sst::{AdjacencyBlock, BlockRef, EdgeSstReader};
use crate::error::GraphError;
use crate::node_sst::{NodeColumns, NodeRows, NodeVersion, RemoteNodeSst, PAGE_READ_MIN_BYTES};

/// Reads SST objects of one namespace through a cache.
#[derive(Clone, Copy)]
pub(crate) struct Tables<'a> {
    pub(crate) bucket: &'a Bucket,
    pub(crate) cache: &'a SstCache,
}

fn key(object: &Arc<str>, kind: CacheKind, index: u64) -> CacheKey {
    CacheKey { object: object.clone(), kind, index, column: None }
}

/// The cache key of a whole decoded row group: `All` columns (0) or `Keys` (1).
fn row_group_key(object: &Arc<str>, row_group: usize, keys_only: bool) -> CacheKey {
    key(object, CacheKind::NodeRows, (row_group as u64) << 1 | u64::from(keys_only))
}

impl Tables<'_> {
    /// The opened node SST (its metadata cached).
    pub(crate) async fn node_sst(
        &self,
        object: &Arc<str>,
        size: u64,
    ) -> Result<Arc<RemoteNodeSst>, GraphError> {
        self.cache
            .get_or_load(key(object, CacheKind::NodeMetadata, 0), || async {
                let sst = RemoteNodeSst::open(self.bucket, object, size).await?;
                let bytes = sst.memory_size();
                Ok((sst, bytes))
            })
            .await
    }

    /// The versions of node `id` in one node SST: row groups pruned by statistics, pages by
    /// the page index, then by the bloom filter; then the row group read whole, or only its
    /// pages that hold the id when the row group is large (all cached).
    pub(crate) async fn node_versions_of(
        &self,
        object: &Arc<str>,
        size: u64,
        id: u64,
    ) -> Result<Vec<NodeVersion>, GraphError> {
        let sst = self.node_sst(object, size).await?;
        let mut found = Vec::new();
        for row_group in sst.row_groups_for(id) {
            let pages = sst.page_rows_for(row_group, id);
            if pages.as_ref().is_some_and(|rows| rows.is_empty()) {
                continue;
            }
            // A row group already decoded answers by binary search: its bloom is only asked
            // before a read.
            let cached = self.cache.peek::<NodeRows>(&row_group_key(object, row_group, false));
            if cached.is_none() {
                let bloom = self.bloom(&sst, row_group, 0, None).await?;
                if bloom.as_ref().as_ref().is_some_and(|bloom| !bloom.check(&id)) {
                    continue;
                }
            }
            let rows = match (cached, pages) {
                (Some(rows), _) => rows,
                (None, Some(pages))
                    if sst.chunk_bytes(row_group, &NodeColumns::All) > PAGE_READ_MIN_BYTES =>
                {
                    let index = (row_group as u64) << 32 | pages.start as u64;
                    self.cache
                        .get_or_load(key(object, CacheKind::NodePages, index), || async {
                            let rows = sst
                                .read_rows(self.bucket, row_group, pages, &NodeColumns::All)
                                .await?;
                            let bytes = rows.heap_bytes();
                            Ok((rows, bytes))
                        })
                        .await?
                }
                (None, _) => self.node_rows(&sst, row_group, &NodeColumns::All).await?,
            };
            for row in rows.rows_of(id) {
                found.push(rows.version(row).map_err(GraphError::CorruptRecord)?);
            }
        }
        Ok(found)
    }

    /// The bloom filter of column `leaf` in one row group of a node SST (cached under the
    /// property `column` names, `None` for `_id`); `None` inside when the chunk has none.
    pub(crate) async fn bloom(
        &self,
        sst: &RemoteNodeSst,
        row_group: usize,
        leaf: usize,
        column: Option<&str>,
    ) -> Result<Arc<Option<Sbbf>>, GraphError> {
        let mut cache_key = key(sst.object(), CacheKind::NodeBloom, row_group as u64);
        cache_key.column = column.map(Arc::from);
        self.cache
            .get_or_load(cache_key, || async {
                let bloom = sst.fetch_bloom(self.bucket, row_group, leaf).await?;
                let bytes = bloom.as_ref().map_or(0, |b| b.num_blocks() * 32) + 32;
                Ok((bloom, bytes))
            })
            .await
    }

    /// One row group of a node SST, decoded; cached for the `All` and `Keys` projections.
    pub(crate) async fn node_rows(
        &self,
        sst: &RemoteNodeSst,
        row_group: usize,
        columns: &NodeColumns,
    ) -> Result<Arc<NodeRows>, GraphError> {
        let keys_only = match columns {
            NodeColumns::All => false,
            NodeColumns::Keys => true,
            NodeColumns::Properties(_) => {
                return Ok(Arc::new(sst.read(self.bucket, &[row_group], columns).await?));
            }
        };
        self.cache
            .get_or_load(row_group_key(sst.object(), row_group, keys_only), || async {
                let rows = sst.read(self.bucket, &[row_group], columns).await?;
                let bytes = rows.heap_bytes();
                Ok((rows, bytes))
            })
            .await
    }

    /// The opened edge SST (its footer cached).
    pub(crate) async fn edge_sst(
        &self,
        object: &Arc<str>,
        size: u64,
    ) -> Result<Arc<EdgeSstReader>, GraphError> {
        self.cache
            .get_or_load(key(object, CacheKind::EdgeFooter, 0), || async {
                let reader = EdgeSstReader::open(self.bucket, object, size).await?;
                let bytes = 64
                    + reader
                        .footer()
                        .groups
                        .iter()
                        .map(|g| 64 + g.blocks.len() * 80)
                        .sum::<usize>();
                Ok((reader, bytes))
            })
            .await
    }

    /// One adjacency block, decoded.
    pub(crate) async fn adjacency(
        &self,
        reader: &EdgeSstReader,
        block: &BlockRef,
    ) -> Result<Arc<AdjacencyBlock>, GraphError> {
        self.cache
            .get_or_load(
                key(reader.object(), CacheKind::EdgeAdjacency, block.adjacency.offset),
                || async {
                    let decoded = reader.fetch_adjacency(self.bucket, block).await?;
                    let bytes = 64 + decoded.entries.len() * 32 + decoded.vertices.len() * 16;
                    Ok((decoded, bytes))
                },
            )
            .await
    }

    /// One property block, split into cells.
    pub(crate) async fn edge_properties(
        &self,
        reader: &EdgeSstReader,
        block: &BlockRef,
    ) -> Result<Arc<Vec<Bytes>>, GraphError> {
        self.cache
            .get_or_load(
                key(reader.object(), CacheKind::EdgeProperties, block.properties.offset),
                || async {
                    let cells = reader.fetch_properties(self.bucket, block).await?;
                    let bytes = 64 + block.properties.len as usize + cells.len() * 32;
                    Ok((cells, bytes))
                },
            )
            .await
    }
}
