//! Planner statistics that count the memtables, so data not yet flushed is seen: per memtable,
//! the figures a flush of it would write (its newest live node version per node, by label set;
//! its live relationships per type), added to the figures of the SSTs.
//!
//! A memtable is read whole to compute its figures, and read again only once it holds a quarter
//! more versions than it did then (a frozen memtable never grows, so once): with the memtable
//! growing geometrically between computations, the work stays proportional to what is written,
//! and a statement after a small commit reuses the figures. They are estimates as the SSTs'
//! are: a node flushed and then updated counts in both until a flush and compaction merge it,
//! and a memtable's figures may lag its newest quarter.

use std::collections::BTreeMap;
use std::sync::{Arc, Weak};

use bytes::Bytes;
use namidb_core::Lsn;
use namidb_storage::{Memtable, ReadState};

use super::statistics::{EdgeFigures, GraphStatistics, NodeFigures, SstStatistics};
use super::StoreInner;
use crate::keys::{parse_node_key, parse_rel_key, FORWARD_PREFIX, NODE_PREFIX};
use crate::record_codec::decode_node;

/// What one memtable holds, in the SSTs' terms.
#[derive(Debug, Default)]
pub(crate) struct MemtableStatistics {
    /// Per label set, the figures of the nodes whose newest version is live and has it.
    nodes: Vec<(Vec<String>, SstStatistics)>,
    /// The figures of the relationships whose newest version is live.
    edges: SstStatistics,
}

impl MemtableStatistics {
    /// Reads `memtable` whole. A version that does not decode is left out (reads report it).
    fn of(memtable: &Memtable) -> MemtableStatistics {
        let mut by_labels: BTreeMap<Vec<String>, NodeFigures> = BTreeMap::new();
        for (key, value) in newest_values(memtable, NODE_PREFIX) {
            if parse_node_key(&key).is_none() {
                continue;
            }
            let Ok(record) = decode_node(&value) else { continue };
            if !by_labels.contains_key(&record.labels) {
                by_labels.insert(record.labels.clone(), NodeFigures::default());
            }
            if let Some(figures) = by_labels.get_mut(&record.labels) {
                figures.add_live(&record);
            }
        }
        let mut edges = EdgeFigures::default();
        for (key, _) in newest_values(memtable, FORWARD_PREFIX) {
            if let Some((rel, _)) = parse_rel_key(&key) {
                edges.add_live(&rel);
            }
        }
        let nodes = by_labels.into_iter().map(|(labels, f)| (labels, f.finish())).collect();
        MemtableStatistics { nodes, edges: edges.finish() }
    }

    fn add_to(&self, graph: &mut GraphStatistics) {
        for (labels, stats) in &self.nodes {
            graph.add_nodes(labels, stats);
        }
        graph.add_edges(&self.edges);
    }
}

/// The key and value of the newest version of every key under the one-byte `prefix` whose
/// newest version is not a tombstone.
fn newest_values(memtable: &Memtable, prefix: u8) -> impl Iterator<Item = (Bytes, Bytes)> + '_ {
    memtable
        .newest_in(&[prefix], Some(&[prefix.saturating_add(1)]), Lsn(u64::MAX))
        .filter_map(|(key, value)| value.map(|value| (key, value)))
}

/// The figures of the memtables this handle has read, and the last combination handed out.
#[derive(Default)]
pub(crate) struct MemtableStatisticsCache {
    /// Per memtable (held weakly: a flushed one is let go), the version count its figures were
    /// computed at, and the figures.
    memtables: Vec<(Weak<Memtable>, usize, Arc<MemtableStatistics>)>,
    /// The last combination handed out.
    combined: Option<Combined>,
}

/// The SSTs' figures and the memtables' that were combined, and their sum.
struct Combined {
    ssts: Arc<GraphStatistics>,
    memtables: Vec<Arc<MemtableStatistics>>,
    sum: Arc<GraphStatistics>,
}

impl MemtableStatisticsCache {
    /// The figures of `memtable`, computed again when it has grown by a quarter since.
    fn figures(&mut self, memtable: &Arc<Memtable>) -> Arc<MemtableStatistics> {
        self.memtables.retain(|(weak, _, _)| weak.strong_count() > 0);
        let len = memtable.len();
        let known = self
            .memtables
            .iter()
            .position(|(weak, _, _)| std::ptr::eq(weak.as_ptr(), Arc::as_ptr(memtable)));
        if let Some(at) = known {
            let (_, counted, figures) = &self.memtables[at];
            if len <= counted + counted / 4 {
                return figures.clone();
            }
            self.memtables.remove(at);
        }
        let figures = Arc::new(MemtableStatistics::of(memtable));
        self.memtables.push((Arc::downgrade(memtable), len, figures.clone()));
        figures
    }

    /// `ssts` plus `memtables`, the same `Arc` as last time when both are unchanged.
    fn combine(
        &mut self,
        ssts: Arc<GraphStatistics>,
        memtables: Vec<Arc<MemtableStatistics>>,
    ) -> Arc<GraphStatistics> {
        if let Some(last) = &self.combined {
            let same_memtables = last.memtables.len() == memtables.len()
                && last.memtables.iter().zip(&memtables).all(|(a, b)| Arc::ptr_eq(a, b));
            if Arc::ptr_eq(&last.ssts, &ssts) && same_memtables {
                return last.sum.clone();
            }
        }
        let mut sum = (*ssts).clone();
        for figures in &memtables {
            figures.add_to(&mut sum);
        }
        let sum = Arc::new(sum);
        self.combined = Some(Combined { ssts, memtables, sum: sum.clone() });
        sum
    }
}

impl StoreInner {
    /// The statistics of what `state` holds: its SSTs' figures plus its memtables'.
    pub(crate) fn statistics(&self, state: &ReadState) -> Arc<GraphStatistics> {
        let ssts = self.sst_statistics(state.manifest());
        let mut cache = self.memtable_statistics.lock();
        let memtables: Vec<Arc<MemtableStatistics>> =
            state.memtables().filter(|m| !m.is_empty()).map(|m| cache.figures(m)).collect();
        if memtables.is_empty() {
            return ssts;
        }
        cache.combine(ssts, memtables)
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use namidb_core::Lsn;
    use namidb_storage::{Memtable, WriteOp};

    use super::{MemtableStatistics, MemtableStatisticsCache};
    use crate::keys::{forward_key, node_key, reverse_key};
    use crate::model::{NodeId, NodeRecord, PropertyValue, RelId, RelKey};
    use crate::record_codec::encode_node;

    fn person(age: i64) -> bytes::Bytes {
        let properties = [("age".to_owned(), PropertyValue::Int(age))].into();
        let record = NodeRecord { labels: vec!["Person".into()], properties };
        encode_node(&record).into()
    }

    fn put_node(memtable: &Memtable, lsn: u64, id: u64, value: Option<bytes::Bytes>) {
        let key = node_key(NodeId(id)).into();
        let op = match value {
            Some(value) => WriteOp::Put { key, value },
            None => WriteOp::Delete { key },
        };
        memtable.apply(Lsn(lsn), &[op]);
    }

    fn knows(memtable: &Memtable, lsn: u64, id: u64, src: u64, dst: u64) {
        let rel =
            RelKey { rel_type: "KNOWS".into(), src: NodeId(src), dst: NodeId(dst), id: RelId(id) };
        let value = bytes::Bytes::new();
        let ops = [
            WriteOp::Put { key: forward_key(&rel).expect("key").into(), value: value.clone() },
            WriteOp::Put { key: reverse_key(&rel).expect("key").into(), value },
        ];
        memtable.apply(Lsn(lsn), &ops);
    }

    #[test]
    fn a_memtable_counts_the_newest_live_version_of_each_node_and_relationship() {
        let memtable = Memtable::new();
        for id in 0..10 {
            put_node(&memtable, 1, id, Some(person(id as i64 % 3)));
        }
        // Node 0 updated 5 times, node 1 deleted: 9 live, each once.
        for lsn in 2..7 {
            put_node(&memtable, lsn, 0, Some(person(lsn as i64)));
        }
        put_node(&memtable, 8, 1, None);
        knows(&memtable, 9, 100, 2, 3);
        knows(&memtable, 9, 101, 2, 4);
        let mut graph = super::GraphStatistics::default();
        MemtableStatistics::of(&memtable).add_to(&mut graph);
        assert_eq!((graph.nodes, graph.labels["Person"]), (9, 9));
        let age = &graph.properties[&("Person".to_owned(), "age".to_owned())];
        // Ages 0..3 of nodes 2..9 and node 0's newest age 6.
        assert_eq!((age.count, age.distinct, age.max), (9, 4, Some(6.0)));
        let k = &graph.types["KNOWS"];
        assert_eq!((k.count, k.sources, k.targets, k.max_out), (2, 1, 2, 2));
    }

    #[test]
    fn figures_are_computed_again_only_after_a_quarter_more_versions() {
        let memtable = Arc::new(Memtable::new());
        for id in 0..100 {
            put_node(&memtable, 1, id, Some(person(1)));
        }
        let mut cache = MemtableStatisticsCache::default();
        let first = cache.figures(&memtable);
        for id in 100..125 {
            put_node(&memtable, 2, id, Some(person(1)));
        }
        assert!(Arc::ptr_eq(&first, &cache.figures(&memtable)), "125 versions: reused");
        put_node(&memtable, 3, 125, Some(person(1)));
        let again = cache.figures(&memtable);
        assert!(!Arc::ptr_eq(&first, &again), "126 versions: read again");
        let mut graph = super::GraphStatistics::default();
        again.add_to(&mut graph);
        assert_eq!(graph.nodes, 126);
        // A dropped memtable is let go.
        drop(memtable);
        let other = Arc::new(Memtable::new());
        put_node(&other, 1, 1, Some(person(1)));
        cache.figures(&other);
        assert_eq!(cache.memtables.len(), 1);
    }
}
