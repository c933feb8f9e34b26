//! Statistics for the query planner, kept with each SST in the manifest (`SstRef::stats`).
//!
//! Every SST a flush, compaction or bulk load writes carries a small summary of what it holds
//! (layout in `docs/formats/statistics.md`):
//! - a node SST: how many of its nodes are live (their newest version in the file is not a
//!   tombstone), and per property the number of live nodes that have it, how many distinct
//!   values they hold (with a sketch of them), and the numeric range;
//! - an edge SST (forward or both directions; a reverse file repeats its forward twin and
//!   carries none): per relationship type the live relationships, distinct sources and targets,
//!   and the largest out- and in-degree.
//!
//! [`GraphStatistics`] adds up the summaries of every SST a snapshot names, without a request:
//! the manifest is already in memory. The sums are estimates, by design: a node with versions
//! in two levels counts twice until compaction merges them, distinct counts of several files
//! combine as a union through their sketches ([`DistinctSketch`]; summed, capped by the count,
//! for files written before sketches). The memtables' figures are added on top
//! (`memtable_statistics`), computed the same way from what a flush of them would write.

use std::collections::btree_map::Entry;
use std::collections::BTreeMap;
use std::hash::{Hash, Hasher};
use std::sync::Arc;

use namidb_storage::layout::SstKind;
use namidb_storage::Manifest;
use serde::{Deserialize, Serialize};

use super::distinct_sketch::{value_hash, DistinctSketch};
use super::snapshot::{GraphSnapshot, EDGE_REVERSE};
use super::StoreInner;

use crate::edge_sst::EdgeVersion;
use crate::model::{NodeRecord, PropertyValue, RelKey};
use crate::node_sst::{decode_labels, NodeVersion};

/// What one SST holds, as the manifest records it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SstStatistics {
    /// Live nodes (node SSTs).
    #[serde(default, skip_serializing_if = "is_zero")]
    pub live: u64,
    /// Per property of the live nodes (node SSTs).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub properties: BTreeMap<String, PropertyStatistics>,
    /// Per relationship type (edge SSTs).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub types: BTreeMap<String, TypeStatistics>,
}

fn is_zero(n: &u64) -> bool {
    *n == 0
}

/// One property of the live nodes of a node SST (or, summed, of a label).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PropertyStatistics {
    /// Nodes that have the property.
    pub count: u64,
    /// Distinct values among them.
    pub distinct: u64,
    /// Smallest numeric value, if any value is a finite number.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min: Option<f64>,
    /// Largest numeric value, if any value is a finite number.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max: Option<f64>,
    /// A sketch of the distinct values, so files combine as a union (absent in files written
    /// before sketches; summed, such a property's distinct count is added up instead).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sketch: Option<DistinctSketch>,
}

impl PropertyStatistics {
    /// Adds another file's figures to these (a label's figures from the files before it).
    fn add(&mut self, other: &PropertyStatistics) {
        self.count += other.count;
        self.min = min_of(self.min, other.min);
        self.max = max_of(self.max, other.max);
        self.sketch = match (self.sketch.take(), &other.sketch) {
            (Some(mut mine), Some(theirs)) => {
                mine.merge(theirs);
                Some(mine)
            }
            _ => None,
        };
        let at_least = self.distinct.max(other.distinct);
        self.distinct = match &self.sketch {
            // The union holds at least the larger file's values, at most every node's.
            Some(sketch) => (sketch.estimate().round() as u64).max(at_least),
            None => self.distinct + other.distinct,
        }
        .min(self.count);
    }
}

fn min_of(a: Option<f64>, b: Option<f64>) -> Option<f64> {
    match (a, b) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    }
}

fn max_of(a: Option<f64>, b: Option<f64>) -> Option<f64> {
    match (a, b) {
        (Some(a), Some(b)) => Some(a.max(b)),
        (a, b) => a.or(b),
    }
}

/// One relationship type in an edge SST (or, summed, in the graph).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TypeStatistics {
    /// Live relationships.
    pub count: u64,
    /// Distinct source nodes.
    pub sources: u64,
    /// Distinct target nodes.
    pub targets: u64,
    /// The most relationships one source has.
    pub max_out: u64,
    /// The most relationships one target has.
    pub max_in: u64,
}

impl TypeStatistics {
    fn add(&mut self, other: &TypeStatistics) {
        self.count += other.count;
        self.sources += other.sources;
        self.targets += other.targets;
        self.max_out = self.max_out.max(other.max_out);
        self.max_in = self.max_in.max(other.max_in);
    }
}

fn numeric(value: &PropertyValue) -> Option<f64> {
    match value {
        PropertyValue::Int(i) => Some(*i as f64),
        PropertyValue::Float(f) if f.is_finite() => Some(*f),
        _ => None,
    }
}

/// The statistics of node versions sorted by id, newest first (as a node SST holds them).
pub(crate) fn node_statistics(versions: &[NodeVersion]) -> SstStatistics {
    let mut figures = NodeFigures::default();
    let mut previous = None;
    for version in versions {
        if previous == Some(version.id) {
            continue;
        }
        previous = Some(version.id);
        if let Some(record) = &version.record {
            figures.add_live(record);
        }
    }
    figures.finish()
}

/// The figures of live nodes, added one node (its newest version) at a time: a node SST's, or
/// those of one label set in a memtable.
#[derive(Default)]
pub(crate) struct NodeFigures {
    live: u64,
    properties: BTreeMap<String, PropertyFigures>,
}

/// One property's figures while they are gathered: the hashes of its values (the exact
/// distinct count of one file) beside their sketch (what combines across files).
#[derive(Default)]
struct PropertyFigures {
    stats: PropertyStatistics,
    exact: rustc_hash::FxHashSet<u64>,
    sketch: DistinctSketch,
}

impl NodeFigures {
    /// Counts one live node.
    pub(crate) fn add_live(&mut self, record: &NodeRecord) {
        self.live += 1;
        for (key, value) in &record.properties {
            // Looked up before inserting: a key is allocated once per file, not once per node.
            if !self.properties.contains_key(key) {
                self.properties.insert(key.clone(), PropertyFigures::default());
            }
            let Some(figures) = self.properties.get_mut(key) else { continue };
            let stats = &mut figures.stats;
            stats.count += 1;
            let number = numeric(value);
            stats.min = min_of(stats.min, number);
            stats.max = max_of(stats.max, number);
            let hash = value_hash(value);
            figures.exact.insert(hash);
            figures.sketch.insert_hash(hash);
        }
    }

    /// The figures of the nodes counted.
    pub(crate) fn finish(self) -> SstStatistics {
        let properties = self
            .properties
            .into_iter()
            .map(|(key, figures)| {
                let distinct = figures.exact.len() as u64;
                let stats =
                    PropertyStatistics { distinct, sketch: Some(figures.sketch), ..figures.stats };
                (key, stats)
            })
            .collect();
        SstStatistics { live: self.live, properties, ..SstStatistics::default() }
    }
}

/// The statistics of edge versions in any order.
pub(crate) fn edge_statistics(versions: &[EdgeVersion]) -> SstStatistics {
    // The newest version of each relationship decides whether it is live. (Integer-keyed maps
    // with a cheap hash: this runs over every version of every flush and compaction output.)
    let mut newest: rustc_hash::FxHashMap<(u64, &str), &EdgeVersion> =
        rustc_hash::FxHashMap::default();
    for version in versions {
        let slot =
            newest.entry((version.rel.id.0, version.rel.rel_type.as_str())).or_insert(version);
        if version.lsn > slot.lsn {
            *slot = version;
        }
    }
    let mut figures = EdgeFigures::default();
    for version in newest.values().filter(|v| v.properties.is_some()) {
        figures.add_live(&version.rel);
    }
    figures.finish()
}

/// Out- and in-degrees per node of one relationship type.
type Degrees = (rustc_hash::FxHashMap<u64, u64>, rustc_hash::FxHashMap<u64, u64>);

/// The figures of live relationships, added one relationship at a time: an edge SST's, or a
/// memtable's.
#[derive(Default)]
pub(crate) struct EdgeFigures {
    by_type: BTreeMap<String, Degrees>,
}

impl EdgeFigures {
    /// Counts one live relationship.
    pub(crate) fn add_live(&mut self, rel: &RelKey) {
        if !self.by_type.contains_key(&rel.rel_type) {
            self.by_type.insert(rel.rel_type.clone(), Degrees::default());
        }
        if let Some((out, into)) = self.by_type.get_mut(&rel.rel_type) {
            *out.entry(rel.src.0).or_default() += 1;
            *into.entry(rel.dst.0).or_default() += 1;
        }
    }

    /// The figures of the relationships counted.
    pub(crate) fn finish(self) -> SstStatistics {
        let types = self
            .by_type
            .into_iter()
            .map(|(rel_type, (out, into))| {
                let stats = TypeStatistics {
                    count: out.values().sum(),
                    sources: out.len() as u64,
                    targets: into.len() as u64,
                    max_out: out.values().copied().max().unwrap_or(0),
                    max_in: into.values().copied().max().unwrap_or(0),
                };
                (rel_type, stats)
            })
            .collect();
        SstStatistics { types, ..SstStatistics::default() }
    }
}

/// The statistics as the manifest stores them (`None` when there is nothing to say).
pub(crate) fn to_manifest(stats: &SstStatistics) -> Option<serde_json::Value> {
    if *stats == SstStatistics::default() {
        return None;
    }
    serde_json::to_value(stats).ok()
}

/// The whole graph as the SSTs of one manifest version and the memtables above it describe it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct GraphStatistics {
    /// Live nodes.
    pub nodes: u64,
    /// Live nodes per label.
    pub labels: BTreeMap<String, u64>,
    /// Per (label, property).
    pub properties: BTreeMap<(String, String), PropertyStatistics>,
    /// Per relationship type.
    pub types: BTreeMap<String, TypeStatistics>,
    /// SSTs that carried no statistics (written before they existed, or unreadable): the
    /// figures leave them out.
    pub ssts_without: u64,
}

impl GraphStatistics {
    /// Adds one node SST's summary (`partition`: its encoded label set).
    pub(crate) fn add_node_sst(&mut self, partition: &str, stats: Option<&serde_json::Value>) {
        let Some(stats) = self.parse(stats) else { return };
        let labels = decode_labels(partition).unwrap_or_default();
        self.add_nodes(&labels, &stats);
    }

    /// Adds the figures of nodes with `labels` (one node SST's, or one label set's in a
    /// memtable).
    pub(crate) fn add_nodes(&mut self, labels: &[String], stats: &SstStatistics) {
        self.nodes += stats.live;
        for label in labels {
            *self.labels.entry(label.clone()).or_default() += stats.live;
            for (key, property) in &stats.properties {
                match self.properties.entry((label.clone(), key.clone())) {
                    // A label's first file: its figures as they are.
                    Entry::Vacant(v) => {
                        v.insert(property.clone());
                    }
                    Entry::Occupied(mut o) => o.get_mut().add(property),
                }
            }
        }
    }

    /// Adds one edge SST's summary.
    pub(crate) fn add_edge_sst(&mut self, stats: Option<&serde_json::Value>) {
        let Some(stats) = self.parse(stats) else { return };
        self.add_edges(&stats);
    }

    /// Adds the figures of relationships (one edge SST's, or a memtable's).
    pub(crate) fn add_edges(&mut self, stats: &SstStatistics) {
        for (rel_type, t) in &stats.types {
            self.types.entry(rel_type.clone()).or_default().add(t);
        }
    }

    fn parse(&mut self, stats: Option<&serde_json::Value>) -> Option<SstStatistics> {
        let parsed = stats.and_then(|s| SstStatistics::deserialize(s).ok());
        if parsed.is_none() {
            self.ssts_without += 1;
        }
        parsed
    }
}

impl GraphSnapshot {
    /// The statistics of what the snapshot reads: the SSTs its manifest names (no request:
    /// the figures are in the manifest) and its memtables (`memtable_statistics`).
    pub fn statistics(&self) -> Arc<GraphStatistics> {
        self.inner.statistics(self.snapshot.state())
    }
}

impl StoreInner {
    /// The statistics of the SSTs `manifest` names, summed once per SST set and shared.
    pub(crate) fn sst_statistics(&self, manifest: &Manifest) -> Arc<GraphStatistics> {
        let mut hasher = std::hash::DefaultHasher::new();
        for (kind, _, sst) in manifest.ssts.all() {
            (kind == SstKind::Node, sst.id.as_str()).hash(&mut hasher);
        }
        let fingerprint = hasher.finish();
        let mut cached = self.statistics.lock();
        if let Some((f, stats)) = cached.as_ref() {
            if *f == fingerprint {
                return stats.clone();
            }
        }
        let mut stats = GraphStatistics::default();
        for (kind, _, sst) in manifest.ssts.all() {
            match kind {
                SstKind::Node => stats.add_node_sst(&sst.partition, sst.stats.as_ref()),
                SstKind::Edge if sst.partition != EDGE_REVERSE => {
                    stats.add_edge_sst(sst.stats.as_ref())
                }
                SstKind::Edge => {}
            }
        }
        let stats = Arc::new(stats);
        *cached = Some((fingerprint, stats.clone()));
        stats
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{NodeId, RelId};

    fn node(id: u64, lsn: u64, age: Option<i64>) -> NodeVersion {
        let record = age.map(|a| {
            let properties = BTreeMap::from([("age".to_owned(), PropertyValue::Int(a))]);
            Arc::new(NodeRecord { labels: vec!["P".into()], properties })
        });
        NodeVersion { id: NodeId(id), lsn, record }
    }

    #[test]
    fn node_statistics_count_the_newest_version_of_each_node() {
        // Node 1: newest is a tombstone; node 2: two versions; node 3 and 4 share a value.
        let versions = [
            node(1, 9, None),
            node(1, 3, Some(5)),
            node(2, 8, Some(40)),
            node(2, 2, Some(-7)),
            node(3, 4, Some(10)),
            node(4, 4, Some(10)),
        ];
        let stats = node_statistics(&versions);
        assert_eq!(stats.live, 3);
        let age = &stats.properties["age"];
        assert_eq!((age.count, age.distinct, age.min, age.max), (3, 2, Some(10.0), Some(40.0)));
        let json = to_manifest(&stats).expect("has figures");
        let mut graph = GraphStatistics::default();
        graph.add_node_sst("1:P", Some(&json));
        graph.add_node_sst("1:P", None);
        assert_eq!((graph.nodes, graph.labels["P"], graph.ssts_without), (3, 3, 1));
        assert_eq!(graph.properties[&("P".to_owned(), "age".to_owned())].distinct, 2);
    }

    #[test]
    fn distinct_counts_of_several_files_combine_as_a_union() {
        // Three files holding the same 5 ages: 5 distinct, where a sum would say 15.
        let file = |first: u64| {
            let versions: Vec<NodeVersion> =
                (0..50).map(|i| node(first + i, 1, Some((i % 5) as i64))).collect();
            to_manifest(&node_statistics(&versions)).expect("has figures")
        };
        let key = ("P".to_owned(), "age".to_owned());
        let mut graph = GraphStatistics::default();
        for first in [0, 100, 200] {
            graph.add_node_sst("1:P", Some(&file(first)));
        }
        let age = &graph.properties[&key];
        assert_eq!((age.count, age.distinct), (150, 5));
        // A file written before sketches: its count is added, as before.
        let mut old = file(300);
        old["properties"]["age"].as_object_mut().expect("an object").remove("sketch");
        graph.add_node_sst("1:P", Some(&old));
        let age = &graph.properties[&key];
        assert_eq!((age.count, age.distinct, age.sketch.is_none()), (200, 10, true));
        // Disjoint values add up (within the sketch's error).
        let mut graph = GraphStatistics::default();
        for first in [0, 1_000] {
            let versions: Vec<NodeVersion> =
                (0..500).map(|i| node(first + i, 1, Some((first + i) as i64))).collect();
            graph.add_node_sst("1:P", to_manifest(&node_statistics(&versions)).as_ref());
        }
        let distinct = graph.properties[&key].distinct;
        assert!((800..=1_000).contains(&distinct), "{distinct}");
    }

    #[test]
    fn edge_statistics_count_live_relationships_and_degrees() {
        let rel = |id: u64, src: u64, dst: u64, lsn: u64, live: bool| EdgeVersion {
            rel: RelKey { rel_type: "K".into(), src: NodeId(src), dst: NodeId(dst), id: RelId(id) },
            lsn,
            properties: live.then(Vec::new),
        };
        let versions = [
            rel(1, 1, 2, 1, true),
            rel(2, 1, 3, 1, true),
            rel(3, 4, 3, 1, true),
            rel(3, 4, 3, 5, false),
        ];
        let stats = edge_statistics(&versions);
        let k = &stats.types["K"];
        assert_eq!((k.count, k.sources, k.targets, k.max_out, k.max_in), (2, 1, 2, 2, 1));
        assert_eq!(to_manifest(&SstStatistics::default()), None);
    }
}
