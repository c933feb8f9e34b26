//! [`GraphSnapshot::scan_nodes`]: every live node (with a label, if given) at the snapshot's
//! LSN, by id, streamed to a visitor without collecting the versions.
//!
//! Node SSTs are partitioned by label set, so files of different partitions overlap in id
//! range. Files whose ranges do not overlap are chained into one *sorted run* (as for
//! relationship types, see `type_scan`); each run streams its row groups in order, a few
//! fetches ahead, and the memtables' nodes are one more run. A k-way merge over the runs
//! yields every id once, at its newest version not above the snapshot's LSN; a tombstone
//! hides the node. Memory stays at the row groups in flight (plus what the SST cache keeps
//! within its budget), whatever the number of nodes: a scan feeding a projection of a million
//! nodes no longer holds every decoded record at once.
//!
//! With a label, files of partitions without it are read for ids and LSNs only, and only when
//! they can shadow a version of a file with it (a newer version of an id in its range).

use std::ops::ControlFlow;
use std::sync::Arc;

use futures::stream::BoxStream;
use futures::{StreamExt, TryStreamExt};
use namidb_storage::layout::SstKind;

use super::runs::{least, sorted_runs};
use super::snapshot::GraphSnapshot;
use crate::error::GraphError;
use crate::keys::{parse_node_key, NODE_PREFIX};
use crate::model::NodeId;
use crate::node_sst::{decode_labels, NodeColumns, NodeRows};
use crate::record_codec::decode_node;

/// Row-group fetches each run keeps in flight.
const PREFETCH_ROW_GROUPS: usize = 2;

/// A sorted run read row group by row group, positioned at its current version.
struct Cursor<'a> {
    row_groups: BoxStream<'a, Result<Arc<NodeRows>, GraphError>>,
    row_group: Option<Arc<NodeRows>>,
    at: usize,
}

impl Cursor<'_> {
    /// Moves to the first version from the current one that is visible at `lsn`, loading row
    /// groups as needed; `false` once the run is exhausted.
    async fn settle(&mut self, lsn: u64) -> Result<bool, GraphError> {
        loop {
            if let Some(rows) = &self.row_group {
                while self.at < rows.len() {
                    if rows.lsn(self.at) <= lsn {
                        return Ok(true);
                    }
                    self.at += 1;
                }
            }
            self.at = 0;
            self.row_group = self.row_groups.try_next().await?;
            if self.row_group.is_none() {
                return Ok(false);
            }
        }
    }

    /// The merge order of the current version (the cursor must be settled on one): id
    /// ascending, then newest first.
    fn order(&self) -> Option<(u64, std::cmp::Reverse<u64>)> {
        let rows = self.row_group.as_ref().filter(|rows| self.at < rows.len())?;
        Some((rows.id(self.at), std::cmp::Reverse(rows.lsn(self.at))))
    }
}

/// The memtables' nodes as one row group, each version at the snapshot's LSN: the memtables
/// hold the newest versions, and a flushed copy in an SST is the same one.
fn memtable_nodes(snapshot: &GraphSnapshot) -> Result<NodeRows, GraphError> {
    let lsn = snapshot.lsn().get();
    let (start, end) = ([NODE_PREFIX], [NODE_PREFIX + 1]);
    let mut versions = Vec::new();
    for (key, value) in snapshot.snapshot.state().memtable_scan(&start, Some(&end), snapshot.lsn())
    {
        let Some(id) = parse_node_key(&key) else { continue };
        let record =
            value.map(|v| decode_node(&v).map_err(GraphError::CorruptRecord)).transpose()?;
        versions.push((id, record));
    }
    versions.sort_by_key(|v| v.0);
    let mut rows = NodeRows::default();
    for (id, record) in &versions {
        rows.push(id.0, lsn, record.as_ref());
    }
    Ok(rows)
}

impl GraphSnapshot {
    /// Calls `visit` with every live node (carrying `label`, if given) at this snapshot, by
    /// id, with its label set and its encoded properties (`record_codec::decode_properties`,
    /// `property_of`), borrowed from the row group they were read from (see the module docs);
    /// `Ok(false)` when `visit` broke off the scan. `columns` limits the properties read from
    /// SSTs (nodes from the memtable carry all of theirs).
    pub async fn scan_nodes(
        &self,
        label: Option<&str>,
        columns: &NodeColumns,
        mut visit: impl FnMut(NodeId, &Arc<[String]>, &[u8]) -> ControlFlow<()>,
    ) -> Result<bool, GraphError> {
        let at = self.lsn().get();
        // Each file the snapshot can see, and whether it holds nodes with the label.
        let files: Vec<_> = self
            .ssts(SstKind::Node)
            .iter()
            .filter(|file| file.sst.min_lsn <= at)
            .map(|file| {
                let labels = decode_labels(&file.sst.partition).unwrap_or_default();
                (file, label.is_none_or(|l| labels.iter().any(|x| x == l)))
            })
            .collect();
        // What the files with the label span: a file without it can only matter by shadowing
        // their versions, which takes a newer version of an id in their key range.
        let mut span: Option<(u64, &str, &str)> = None;
        for (file, _) in files.iter().filter(|(_, relevant)| *relevant) {
            let sst = &file.sst;
            let (lsn, low, high) = span.unwrap_or((u64::MAX, &sst.min_key, &sst.max_key));
            span = Some((
                lsn.min(sst.min_lsn),
                low.min(sst.min_key.as_str()),
                high.max(sst.max_key.as_str()),
            ));
        }
        let read: Vec<_> = files
            .into_iter()
            .filter(|(file, relevant)| {
                let sst = &file.sst;
                *relevant
                    || span.is_some_and(|(oldest, low, high)| {
                        sst.max_lsn > oldest && sst.meets(low, high)
                    })
            })
            .map(|(file, relevant)| ((file, relevant), &file.sst))
            .collect();
        let tables = self.tables();
        let mut cursors = Vec::new();
        for run in sorted_runs(read) {
            let row_groups = futures::stream::iter(run)
                .then(move |(file, relevant)| async move {
                    let sst = tables.node_sst(&file.object, file.sst.size_bytes).await?;
                    // A file without the label only matters for what it shadows.
                    let columns = if relevant { columns.clone() } else { NodeColumns::Keys };
                    let fetches = (0..sst.row_groups()).map(move |row_group| {
                        let (sst, columns) = (sst.clone(), columns.clone());
                        async move { tables.node_rows(&sst, row_group, &columns).await }
                    });
                    Ok::<_, GraphError>(futures::stream::iter(fetches.map(Ok)))
                })
                .try_flatten()
                .try_buffered(PREFETCH_ROW_GROUPS)
                .boxed();
            cursors.push(Cursor { row_groups, row_group: None, at: 0 });
        }
        let memtable = memtable_nodes(self)?;
        if !memtable.is_empty() {
            let row_groups = futures::stream::iter([Ok(Arc::new(memtable))]).boxed();
            cursors.push(Cursor { row_groups, row_group: None, at: 0 });
        }
        for cursor in &mut cursors {
            cursor.settle(at).await?;
        }
        let mut last: Option<u64> = None;
        loop {
            let Some(best) = least(cursors.iter().map(Cursor::order)) else { return Ok(true) };
            let cursor = &mut cursors[best];
            if let Some(rows) = &cursor.row_group {
                let id = rows.id(cursor.at);
                // The first version of a node the merge meets is its newest.
                if last != Some(id) {
                    last = Some(id);
                    if let Some((labels, cell)) = rows.cell(cursor.at) {
                        let wanted = label.is_none_or(|l| labels.iter().any(|x| x == l));
                        if wanted && visit(NodeId(id), labels, cell).is_break() {
                            return Ok(false);
                        }
                    }
                }
            }
            cursor.at += 1;
            cursor.settle(at).await?;
        }
    }
}
