//! [`GraphProjection`]: the graph at one LSN laid out in dense arrays for the pipelined
//! executor, and [`ProjectionCache`], which keeps the newest one across statements.
//!
//! Every node gets a *dense index*, its position in the ascending list of node ids. What a
//! pipeline reads is built on first use and kept, shared by every statement at that LSN:
//!
//! - each node's properties as an encoded map ([`PropertyCells`], copied from the node scan):
//!   a row read decodes one property ([`GraphProjection::property`]) or one map;
//! - per label, a bitset over dense indices and the members in id order;
//! - per node property, a column of values by dense index (`null` where a node lacks it);
//! - per relationship type, compressed sparse rows in both directions over dense indices
//!   ([`TypeAdjacency`]): a node's outgoing (incoming) relationships are one slice of
//!   neighbours and relationship positions; a relationship's *position* is its index in the
//!   forward rows, where its id and encoded properties are kept;
//! - per relationship property, a column of values by position.
//!
//! The data at an LSN never changes, so a projection is valid for every snapshot at that LSN;
//! a commit moves the LSN and the next pipelined statement builds a new one (the old one is
//! dropped once no statement holds it). A projection larger than the cache's byte budget is
//! not kept: the statement runs on the row executor instead.

use std::ops::ControlFlow;
use std::sync::Arc;

use namidb_graph::model::NodeRecord;
use namidb_graph::record_codec::{decode_properties, property_of};
use namidb_graph::GraphError;
use parking_lot::Mutex;
use rustc_hash::FxHashMap;

use namidb_value::Value;

use super::cells::PropertyCells;
use super::column::Column;
use crate::convert::to_value;
use crate::error::Result;
use crate::graph::TxGraph;

/// Bytes a projection may take by default.
pub const DEFAULT_PROJECTION_BUDGET: u64 = 1 << 30;

/// A label's members: a bitset over dense indices, and the members in id order.
pub(crate) struct LabelMembers {
    bits: Vec<u64>,
    pub(crate) members: Arc<[u32]>,
}

impl LabelMembers {
    /// Whether the node at `dense` carries the label.
    #[inline]
    pub(crate) fn contains(&self, dense: u32) -> bool {
        let i = dense as usize;
        self.bits.get(i / 64).is_some_and(|w| w >> (i % 64) & 1 == 1)
    }
}

/// Compressed sparse rows: node `n`'s entries are `offsets[n]..offsets[n + 1]`.
pub(crate) struct Csr {
    offsets: Vec<u32>,
    /// The node at the other end, by dense index.
    pub(crate) neighbours: Vec<u32>,
    /// The relationship's position (its index in the forward rows) by entry; empty in the
    /// forward rows themselves, where it is the entry index.
    positions: Vec<u32>,
}

/// Rows without entries.
pub(crate) static NO_ROWS: Csr =
    Csr { offsets: Vec::new(), neighbours: Vec::new(), positions: Vec::new() };

impl Csr {
    /// The node whose rows hold `entry` (the source, in the outgoing rows).
    pub(crate) fn source_of(&self, entry: usize) -> u32 {
        self.offsets.partition_point(|&o| o as usize <= entry).saturating_sub(1) as u32
    }

    /// The entry range of node `dense`.
    #[inline]
    pub(crate) fn range(&self, dense: u32) -> std::ops::Range<usize> {
        let i = dense as usize;
        match (self.offsets.get(i), self.offsets.get(i + 1)) {
            (Some(&a), Some(&b)) => a as usize..b as usize,
            _ => 0..0,
        }
    }

    /// The position of the relationship at `entry`.
    #[inline]
    pub(crate) fn position(&self, entry: usize) -> u32 {
        if self.positions.is_empty() {
            entry as u32
        } else {
            self.positions.get(entry).copied().unwrap_or(u32::MAX)
        }
    }

    fn bytes(&self) -> u64 {
        (self.offsets.capacity() + self.neighbours.capacity() + self.positions.capacity()) as u64
            * 4
    }
}

/// One relationship type in both directions.
pub(crate) struct TypeAdjacency {
    /// The type.
    pub(crate) rel_type: Arc<str>,
    /// Outgoing rows (positions are the entry indices themselves).
    pub(crate) outgoing: Csr,
    /// Incoming rows.
    pub(crate) incoming: Csr,
    /// Relationship id by position.
    pub(crate) ids: Vec<u64>,
    /// Encoded properties by position.
    properties: PropertyCells,
    columns: Mutex<FxHashMap<String, Arc<Column>>>,
    /// Bytes of `columns`.
    column_bytes: std::sync::atomic::AtomicU64,
    /// [`TypeAdjacency::ends_carry`] by end (targets or sources) and label.
    ends_carry: Mutex<FxHashMap<(bool, String), bool>>,
}

impl TypeAdjacency {
    /// The column of relationship property `key` by position.
    pub(crate) fn column(&self, key: &str) -> Result<Arc<Column>> {
        if let Some(c) = self.columns.lock().get(key) {
            return Ok(c.clone());
        }
        let value = |cell: &[u8]| -> Result<Value> {
            let found = property_of(cell, key).map_err(GraphError::CorruptRecord)?;
            Ok(found.as_ref().map(to_value).unwrap_or(Value::Null))
        };
        let len = self.properties.len();
        let column = match self.properties.uniform() {
            Some(cell) => vec![value(cell)?; len],
            None => (0..len).map(|i| value(self.properties.get(i))).collect::<Result<_>>()?,
        };
        let column = Arc::new(Column::new(column));
        self.column_bytes.fetch_add(column.bytes(), std::sync::atomic::Ordering::Relaxed);
        self.columns.lock().insert(key.to_owned(), column.clone());
        Ok(column)
    }

    /// Whether every node at the `targets` end (else the sources) of some relationship of the
    /// type carries `label` (whose members are `members`): a label test on a node an
    /// expansion of this type bound there always holds. Computed once per type and label.
    pub(crate) fn ends_carry(&self, targets: bool, label: &str, members: &LabelMembers) -> bool {
        if let Some(&known) = self.ends_carry.lock().get(&(targets, label.to_owned())) {
            return known;
        }
        // A node's incoming rows are not empty when it is some relationship's target.
        let rows = if targets { &self.incoming } else { &self.outgoing };
        let nodes = rows.offsets.len().saturating_sub(1) as u32;
        let carry = (0..nodes).all(|n| rows.range(n).is_empty() || members.contains(n));
        self.ends_carry.lock().insert((targets, label.to_owned()), carry);
        carry
    }

    fn bytes(&self) -> u64 {
        self.outgoing.bytes()
            + self.incoming.bytes()
            + self.ids.capacity() as u64 * 8
            + self.properties.bytes()
            + self.column_bytes.load(std::sync::atomic::Ordering::Relaxed)
    }
}

/// The graph at one LSN in dense arrays (see the module docs).
pub(crate) struct GraphProjection {
    lsn: u64,
    /// Node ids, ascending: a node's dense index is its position.
    pub(crate) ids: Vec<u64>,
    /// Each node's properties, encoded, by dense index.
    properties: PropertyCells,
    /// Each node's label set, by dense index, as an index into `label_sets`.
    label_set_of: Vec<u32>,
    /// The distinct label sets, interned.
    label_sets: Vec<Arc<[String]>>,
    labels: Mutex<FxHashMap<String, Arc<LabelMembers>>>,
    columns: Mutex<FxHashMap<String, Arc<Column>>>,
    types: Mutex<FxHashMap<String, Arc<TypeAdjacency>>>,
    /// Bytes taken so far (estimated).
    bytes: Mutex<u64>,
}

impl GraphProjection {
    /// Every node of `graph`'s snapshot (the statement must not have written anything),
    /// streamed from the snapshot: each node's encoded properties are copied as they are.
    fn build(graph: &TxGraph) -> Result<GraphProjection> {
        let expected = graph.snapshot().statistics().nodes.min(u64::from(u32::MAX)) as usize;
        let mut ids = Vec::with_capacity(expected);
        let mut properties = PropertyCells::default();
        let mut label_sets = LabelSets::default();
        graph.snapshot_scan_nodes(|id, labels, cell| {
            ids.push(id.0);
            label_sets.push(labels);
            properties.push(cell);
        })?;
        ids.shrink_to_fit();
        properties.shrink_to_fit();
        let LabelSets { mut of, sets, .. } = label_sets;
        of.shrink_to_fit();
        let bytes = ids.capacity() as u64 * 8 + of.capacity() as u64 * 4 + properties.bytes();
        Ok(GraphProjection {
            lsn: graph.snapshot().lsn().get(),
            ids,
            properties,
            label_set_of: of,
            label_sets: sets,
            labels: Mutex::new(FxHashMap::default()),
            columns: Mutex::new(FxHashMap::default()),
            types: Mutex::new(FxHashMap::default()),
            bytes: Mutex::new(bytes),
        })
    }

    /// The dense index of node `id`. Ids handed out in sequence make the index the id's
    /// offset from the smallest, tried before the binary search.
    pub(crate) fn dense(&self, id: u64) -> Option<u32> {
        let guess = id.checked_sub(*self.ids.first()?).and_then(|o| usize::try_from(o).ok());
        if guess.is_some_and(|g| self.ids.get(g) == Some(&id)) {
            return guess.map(|g| g as u32);
        }
        self.ids.binary_search(&id).ok().map(|i| i as u32)
    }

    /// The LSN whose graph this is.
    pub(crate) fn lsn(&self) -> u64 {
        self.lsn
    }

    /// Node `id`'s record, decoded, `None` when the graph has no such node.
    pub(crate) fn record(&self, id: u64) -> Result<Option<NodeRecord>> {
        let Some(dense) = self.dense(id) else { return Ok(None) };
        let labels = self.labels_at(dense).map(|l| l.to_vec()).unwrap_or_default();
        let properties = decode_properties(self.properties.get(dense as usize))
            .map_err(GraphError::CorruptRecord)?;
        Ok(Some(NodeRecord { labels, properties }))
    }

    /// Property `key` of node `id` (`null` when it lacks it), `None` when the graph has no such
    /// node; only that property is decoded.
    pub(crate) fn property(&self, id: u64, key: &str) -> Result<Option<Value>> {
        let Some(dense) = self.dense(id) else { return Ok(None) };
        Ok(Some(self.property_at(dense, key)?))
    }

    fn property_at(&self, dense: u32, key: &str) -> Result<Value> {
        let cell = self.properties.get(dense as usize);
        let value = property_of(cell, key).map_err(GraphError::CorruptRecord)?;
        Ok(value.as_ref().map(to_value).unwrap_or(Value::Null))
    }

    fn labels_at(&self, dense: u32) -> Option<&Arc<[String]>> {
        self.label_sets.get(*self.label_set_of.get(dense as usize)? as usize)
    }

    /// Node `id`'s labels (shared, not copied), `None` when the graph has no such node.
    pub(crate) fn labels_of(&self, id: u64) -> Option<&Arc<[String]>> {
        self.labels_at(self.dense(id)?)
    }

    /// The ids of the nodes carrying every one of `labels` (all nodes when empty), ascending.
    pub(crate) fn scan(&self, labels: &[String]) -> Vec<u64> {
        if labels.is_empty() {
            return self.ids.clone();
        }
        self.members(labels).iter().map(|&d| self.ids[d as usize]).collect()
    }

    /// The nodes carrying every one of `labels` (all nodes when empty), by dense index in id
    /// order; one label's members are shared, not copied.
    pub(crate) fn members(&self, labels: &[String]) -> Arc<[u32]> {
        let Some((first, rest)) = labels.split_first() else {
            return (0..self.ids.len() as u32).collect();
        };
        let first = self.label(first);
        if rest.is_empty() {
            return first.members.clone();
        }
        let rest: Vec<Arc<LabelMembers>> = rest.iter().map(|l| self.label(l)).collect();
        first.members.iter().copied().filter(|&d| rest.iter().all(|l| l.contains(d))).collect()
    }

    /// Nodes carrying `label`.
    pub(crate) fn label(&self, label: &str) -> Arc<LabelMembers> {
        if let Some(l) = self.labels.lock().get(label) {
            return l.clone();
        }
        let mut bits = vec![0u64; self.ids.len().div_ceil(64)];
        let mut members = Vec::new();
        let carrying: Vec<bool> =
            self.label_sets.iter().map(|set| set.iter().any(|l| l == label)).collect();
        for (i, &set) in self.label_set_of.iter().enumerate() {
            if carrying[set as usize] {
                bits[i / 64] |= 1 << (i % 64);
                members.push(i as u32);
            }
        }
        let l = Arc::new(LabelMembers { bits, members: members.into() });
        *self.bytes.lock() += l.bits.len() as u64 * 8 + l.members.len() as u64 * 4;
        self.labels.lock().insert(label.to_owned(), l.clone());
        l
    }

    /// The column of node property `key` by dense index.
    pub(crate) fn column(&self, key: &str) -> Result<Arc<Column>> {
        if let Some(c) = self.columns.lock().get(key) {
            return Ok(c.clone());
        }
        let column = (0..self.ids.len() as u32)
            .map(|dense| self.property_at(dense, key))
            .collect::<Result<Vec<Value>>>()?;
        let column = Arc::new(Column::new(column));
        *self.bytes.lock() += column.bytes();
        self.columns.lock().insert(key.to_owned(), column.clone());
        Ok(column)
    }

    /// Relationship type `rel_type` in both directions, read through `graph` on first use;
    /// `None` when a relationship names a node the snapshot does not have (the projection
    /// cannot represent it).
    pub(crate) fn rel_type(
        &self,
        rel_type: &str,
        graph: &TxGraph,
    ) -> Result<Option<Arc<TypeAdjacency>>> {
        if let Some(t) = self.types.lock().get(rel_type) {
            return Ok(Some(t.clone()));
        }
        let n = self.ids.len();
        let mut out_offsets = vec![0u32; n + 1];
        // Sized by the statistics' count (a hint: the vectors grow if it is short), so the
        // build does not pass through doubling copies of the largest arrays.
        let expected = graph
            .snapshot()
            .statistics()
            .types
            .get(rel_type)
            .map_or(0, |t| t.count.min(u64::from(u32::MAX)) as usize);
        let mut neighbours = Vec::with_capacity(expected);
        let mut ids = Vec::with_capacity(expected);
        let mut properties = PropertyCells::default();
        // Relationships arrive by source: its dense index is looked up once per source.
        let mut source_at: Option<(u64, u32)> = None;
        let complete = graph.snapshot_scan_type(rel_type, |found| {
            let src = match source_at {
                Some((id, dense)) if id == found.source => dense,
                _ => match self.dense(found.source) {
                    Some(dense) => {
                        source_at = Some((found.source, dense));
                        dense
                    }
                    None => return ControlFlow::Break(()),
                },
            };
            let Some(dst) = self.dense(found.neighbour) else { return ControlFlow::Break(()) };
            if ids.len() >= u32::MAX as usize - 1 {
                return ControlFlow::Break(());
            }
            out_offsets[src as usize + 1] += 1;
            neighbours.push(dst);
            ids.push(found.id);
            properties.push(found.properties);
            ControlFlow::Continue(())
        })?;
        if !complete {
            return Ok(None);
        }
        neighbours.shrink_to_fit();
        ids.shrink_to_fit();
        properties.shrink_to_fit();
        for i in 0..n {
            out_offsets[i + 1] += out_offsets[i];
        }
        // The incoming rows by counting sort of the targets (stable: by source within one).
        let mut in_offsets = vec![0u32; n + 1];
        for &dst in &neighbours {
            in_offsets[dst as usize + 1] += 1;
        }
        for i in 0..n {
            in_offsets[i + 1] += in_offsets[i];
        }
        let mut fill = in_offsets.clone();
        let mut in_neighbours = vec![0u32; neighbours.len()];
        let mut in_positions = vec![0u32; neighbours.len()];
        for src in 0..n {
            for position in out_offsets[src] as usize..out_offsets[src + 1] as usize {
                let slot = &mut fill[neighbours[position] as usize];
                in_neighbours[*slot as usize] = src as u32;
                in_positions[*slot as usize] = position as u32;
                *slot += 1;
            }
        }
        let outgoing = Csr { offsets: out_offsets, neighbours, positions: Vec::new() };
        let incoming =
            Csr { offsets: in_offsets, neighbours: in_neighbours, positions: in_positions };
        let adjacency = Arc::new(TypeAdjacency {
            rel_type: Arc::from(rel_type),
            outgoing,
            incoming,
            ids,
            properties,
            columns: Mutex::new(FxHashMap::default()),
            column_bytes: Default::default(),
            ends_carry: Mutex::new(FxHashMap::default()),
        });
        self.types.lock().insert(rel_type.to_owned(), adjacency.clone());
        Ok(Some(adjacency))
    }

    /// Bytes taken so far (estimated): nodes, labels and node columns, and each type's rows
    /// and relationship columns.
    pub(crate) fn bytes(&self) -> u64 {
        *self.bytes.lock() + self.types.lock().values().map(|t| t.bytes()).sum::<u64>()
    }
}

/// Label sets interned as nodes arrive: each node's set as an index into the distinct sets.
#[derive(Default)]
struct LabelSets {
    of: Vec<u32>,
    sets: Vec<Arc<[String]>>,
    index: FxHashMap<Arc<[String]>, u32>,
}

impl LabelSets {
    fn push(&mut self, labels: &[String]) {
        // Nodes in id order mostly share the label set of the node before.
        let last = self.of.last().copied().filter(|&s| *self.sets[s as usize] == *labels);
        let set = last.unwrap_or_else(|| match self.index.get(labels) {
            Some(&set) => set,
            None => {
                let set = self.sets.len() as u32;
                let interned: Arc<[String]> = Arc::from(labels);
                self.sets.push(interned.clone());
                self.index.insert(interned, set);
                set
            }
        });
        self.of.push(set);
    }
}

/// Estimated time to build a projection of `graph`: its nodes, and the relationships of the
/// types a chain reads (taken as all of them), from the statistics of its SSTs (at least 1 ms).
fn build_estimate(graph: &TxGraph) -> std::time::Duration {
    let statistics = graph.snapshot().statistics();
    let rels: u64 = statistics.types.values().map(|t| t.count).sum();
    let nanos =
        statistics.nodes.saturating_mul(NANOS_PER_NODE) + rels.saturating_mul(NANOS_PER_REL);
    std::time::Duration::from_nanos(nanos.max(1_000_000))
}

/// Build cost per node and per relationship, rounded up (the LDBC test data's projection, 35k
/// nodes, took about 50 ms here with the first relationship types a query read).
const NANOS_PER_NODE: u64 = 1_000;
const NANOS_PER_REL: u64 = 200;

/// Keeps the newest [`GraphProjection`] of one database handle, within a byte budget.
pub struct ProjectionCache {
    budget: u64,
    /// Aggregations run pipelined so far.
    pipelined: std::sync::atomic::AtomicU64,
    /// Filtered chains feeding row operators run pipelined so far.
    pipelined_chains: std::sync::atomic::AtomicU64,
    current: Mutex<Option<Arc<GraphProjection>>>,
    /// The LSN whose projection outgrew the budget (not tried again).
    too_large: Mutex<Option<u64>>,
    /// An LSN without a projection, and the time row-started chains spent on rows at it
    /// ([`ProjectionCache::defer`]).
    deferred: Mutex<(u64, std::time::Duration)>,
}

impl ProjectionCache {
    /// A cache keeping projections of at most `budget` bytes (0 turns pipelining off).
    pub fn new(budget: u64) -> ProjectionCache {
        ProjectionCache {
            budget,
            pipelined: Default::default(),
            pipelined_chains: Default::default(),
            current: Mutex::new(None),
            too_large: Mutex::new(None),
            deferred: Mutex::new((0, std::time::Duration::ZERO)),
        }
    }

    /// The projection at `graph`'s LSN, built if needed; `None` when pipelining is off or
    /// the projection at this LSN is over budget. The statement must not have written.
    pub(crate) fn get(&self, graph: &TxGraph) -> Result<Option<Arc<GraphProjection>>> {
        let lsn = graph.snapshot().lsn().get();
        if self.budget == 0 || *self.too_large.lock() == Some(lsn) {
            return Ok(None);
        }
        let mut current = self.current.lock();
        if let Some(p) = current.as_ref().filter(|p| p.lsn == lsn) {
            return Ok(Some(p.clone()));
        }
        // A projection of an older LSN is dropped before the new one is built.
        *current = None;
        let statistics = graph.snapshot().statistics();
        if statistics.nodes.saturating_mul(64) > self.budget {
            *self.too_large.lock() = Some(lsn);
            return Ok(None);
        }
        let projection = Arc::new(GraphProjection::build(graph)?);
        *current = Some(projection.clone());
        Ok(Some(projection))
    }

    /// The projection at `lsn` if one is built (never building one).
    pub(crate) fn current(&self, lsn: u64) -> Option<Arc<GraphProjection>> {
        self.current.lock().as_ref().filter(|p| p.lsn == lsn).cloned()
    }

    /// The projection at `graph`'s LSN if one is built; otherwise one is built only once the
    /// work done on rows instead at this LSN ([`ProjectionCache::defer`]) has reached what
    /// building it is estimated to cost (a rent-or-buy rule: at most about twice the cost of
    /// the better choice in hindsight). For work that a projection speeds up but may not repay
    /// building one: a chain started by a handful of rows.
    pub(crate) fn get_after_deferrals(
        &self,
        graph: &TxGraph,
    ) -> Result<Option<Arc<GraphProjection>>> {
        let lsn = graph.snapshot().lsn().get();
        if self.current.lock().as_ref().is_some_and(|p| p.lsn == lsn) {
            return self.get(graph);
        }
        let spent = match *self.deferred.lock() {
            (at, spent) if at == lsn => spent,
            _ => std::time::Duration::ZERO,
        };
        if spent < build_estimate(graph) {
            return Ok(None);
        }
        self.get(graph)
    }

    /// Adds `elapsed`, time spent on rows for want of a projection at `lsn`.
    pub(crate) fn defer(&self, lsn: u64, elapsed: std::time::Duration) {
        let mut deferred = self.deferred.lock();
        if deferred.0 != lsn {
            *deferred = (lsn, std::time::Duration::ZERO);
        }
        deferred.1 += elapsed;
    }

    /// How many aggregations (and `DISTINCT`s, `ORDER BY … LIMIT`s, `OPTIONAL MATCH`es)
    /// ran pipelined so far.
    pub fn pipelined(&self) -> u64 {
        self.pipelined.load(std::sync::atomic::Ordering::Relaxed)
    }

    /// How many filtered chains feeding row operators ran pipelined so far.
    pub fn pipelined_chains(&self) -> u64 {
        self.pipelined_chains.load(std::sync::atomic::Ordering::Relaxed)
    }

    /// Counts a pipelined run (of a chain feeding row operators, with `chain`).
    pub(crate) fn count_pipelined(&self, chain: bool) {
        let counter = if chain { &self.pipelined_chains } else { &self.pipelined };
        counter.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    }

    /// Whether `projection` still fits; one that does not is dropped and its LSN remembered.
    pub(crate) fn fits(&self, projection: &GraphProjection) -> bool {
        if projection.bytes() <= self.budget {
            return true;
        }
        *self.too_large.lock() = Some(projection.lsn);
        let mut current = self.current.lock();
        if current.as_ref().is_some_and(|p| p.lsn == projection.lsn) {
            *current = None;
        }
        false
    }
}

impl Default for ProjectionCache {
    fn default() -> Self {
        ProjectionCache::new(DEFAULT_PROJECTION_BUDGET)
    }
}
