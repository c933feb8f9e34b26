//! SST access for reads and compaction: opening node and edge SSTs and fetching their pieces
//! with ranged GETs, through the shared [`SstCache`].

use std::sync::Arc;

use bytes::Bytes;
use namidb_objstore::Bucket;

use super::cache::{CacheKey, CacheKind, SstCache};
use crate::edge_sst::{AdjacencyBlock, BlockRef, EdgeSstReader};
use crate::error::GraphError;
use crate::node_sst::{NodeColumns, NodeVersion, RemoteNodeSst};

/// Reads SST objects of one namespace through a cache.
#[derive(Clone, Copy)]
pub(crate) struct Tables<'a> {
    pub(crate) bucket: &'a Bucket,
    pub(crate) cache: &'a SstCache,
}

fn key(object: &str, kind: CacheKind, index: u64) -> CacheKey {
    CacheKey { object: Arc::from(object), kind, index, column: None }
}

/// Approximate heap bytes of decoded node versions.
fn node_versions_size(versions: &[NodeVersion]) -> usize {
    versions
        .iter()
        .map(|v| {
            64 + v.record.as_ref().map_or(0, |r| {
                r.labels.iter().map(|l| l.len() + 24).sum::<usize>()
                    + r.properties.keys().map(|k| k.len() + 64).sum::<usize>()
            })
        })
        .sum()
}

impl Tables<'_> {
    /// The opened node SST (its metadata cached).
    pub(crate) async fn node_sst(
        &self,
        object: &str,
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

    /// The versions of node `id` in one node SST: row groups pruned by statistics, then by the
    /// bloom filter, then the surviving row group read (all cached).
    pub(crate) async fn node_versions_of(
        &self,
        object: &str,
        size: u64,
        id: u64,
    ) -> Result<Vec<NodeVersion>, GraphError> {
        let sst = self.node_sst(object, size).await?;
        let mut found = Vec::new();
        for row_group in sst.row_groups_for(id) {
            let bloom = self
                .cache
                .get_or_load(key(object, CacheKind::NodeBloom, row_group as u64), || async {
                    let bloom = sst.fetch_id_bloom(self.bucket, row_group).await?;
                    let bytes = bloom.as_ref().map_or(0, |b| b.num_blocks() * 32) + 32;
                    Ok((bloom, bytes))
                })
                .await?;
            if bloom.as_ref().as_ref().is_some_and(|bloom| !bloom.check(&id)) {
                continue;
            }
            let rows = self.node_rows(&sst, row_group, &NodeColumns::All).await?;
            let start = rows.partition_point(|v| v.id.0 < id);
            found.extend(rows[start..].iter().take_while(|v| v.id.0 == id).cloned());
        }
        Ok(found)
    }

    /// One row group of a node SST, decoded; cached for the `All` and `Keys` projections.
    pub(crate) async fn node_rows(
        &self,
        sst: &RemoteNodeSst,
        row_group: usize,
        columns: &NodeColumns,
    ) -> Result<Arc<Vec<NodeVersion>>, GraphError> {
        let variant = match columns {
            NodeColumns::All => 0,
            NodeColumns::Keys => 1,
            NodeColumns::Properties(_) => {
                return Ok(Arc::new(sst.read(self.bucket, &[row_group], columns).await?));
            }
        };
        let index = (row_group as u64) << 1 | variant;
        self.cache
            .get_or_load(key(sst.object(), CacheKind::NodeRows, index), || async {
                let rows = sst.read(self.bucket, &[row_group], columns).await?;
                let bytes = node_versions_size(&rows);
                Ok((rows, bytes))
            })
            .await
    }

    /// Every row group of a node SST with `columns`, as decoded (and cached).
    pub(crate) async fn node_scan(
        &self,
        object: &str,
        size: u64,
        columns: &NodeColumns,
    ) -> Result<Vec<Arc<Vec<NodeVersion>>>, GraphError> {
        let sst = self.node_sst(object, size).await?;
        let mut out = Vec::with_capacity(sst.row_groups());
        for row_group in 0..sst.row_groups() {
            out.push(self.node_rows(&sst, row_group, columns).await?);
        }
        Ok(out)
    }

    /// The opened edge SST (its footer cached).
    pub(crate) async fn edge_sst(
        &self,
        object: &str,
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
