//! [`TxGraph`]: one statement's view of the graph — a snapshot plus the statement's own writes.
//!
//! Reads go to the overlay of writes first, then to the graph's projection at the snapshot's
//! LSN when the statement found one ([`TxGraph::use_projection`]: every node's encoded
//! properties and interned label set), then to caches of what the statement already read, then to
//! the snapshot (blocking on the store's async reads, so the executor itself is
//! synchronous). Writes only touch the overlay; [`TxGraph::into_batch`] turns it into one
//! [`GraphBatch`] committed at the end of the statement, so a failed statement applies nothing.
//!
//! New ids are `(snapshot LSN + 1) << 32 | sequence`: two statements can only draw the same id
//! when they run on the same snapshot, and then the commit's precondition (nothing changed since
//! the snapshot) lets only one of them land; the other runs again on a newer snapshot.

use std::collections::BTreeMap;
use std::sync::{Arc, OnceLock};

use namidb_graph::edge_sst::Direction as EdgeDirection;
use namidb_graph::model::{NodeId, NodeRecord, Properties, RelId, RelKey};
use namidb_graph::node_sst::NodeColumns;
use namidb_graph::record_codec::decode_properties;
use namidb_graph::store::{IndexKey, PropertyLookup};
use namidb_graph::{GraphBatch, GraphError, GraphSnapshot};
use namidb_value::{RelRef, Value};
use parking_lot::Mutex;
use rustc_hash::FxHashMap;
use tokio::runtime::Handle;

use crate::adjacency_cache::{AdjacencyCache, Neighbours};
use crate::convert::to_value;
use crate::error::{ExecError, Result};
use crate::pipeline::projection::GraphProjection;

/// Written node ids by property value.
type OwnIndex = FxHashMap<IndexKey, Vec<u64>>;

fn index_own_write(own: &mut OwnIndex, property: &str, id: u64, record: Option<&NodeRecord>) {
    let value = record.and_then(|r| r.properties.get(property));
    if let Some(key) = value.and_then(IndexKey::of_stored) {
        own.entry(key).or_default().push(id);
    }
}

/// Which relationships of a node to follow.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dir {
    /// Outgoing.
    Out,
    /// Incoming.
    In,
    /// Both (a self-loop counts once).
    Both,
}

#[derive(Debug, Clone)]
struct RelState {
    rel: Arc<RelRef>,
    /// `None`: deleted.
    properties: Option<Arc<Properties>>,
    created: bool,
}

/// A snapshot relationship's properties as the statement holds them.
enum RelProperties {
    /// As stored, not yet read.
    Encoded(bytes::Bytes),
    /// Read.
    Decoded(Arc<Properties>),
}

impl TxState {
    /// Caches snapshot node `id`'s record and interns its label set.
    fn cache_node(&mut self, id: u64, record: Option<Arc<NodeRecord>>) {
        if let Some(r) = &record {
            // Nodes read one after another mostly share a label set: the last one is tried
            // before hashing the labels.
            let set = match self.last_label_set {
                Some(set) if *self.label_sets[set as usize] == *r.labels => set,
                _ => match self.label_set_ids.get(r.labels.as_slice()) {
                    Some(&set) => set,
                    None => {
                        let set = self.label_sets.len() as u32;
                        self.label_sets.push(Arc::from(r.labels.as_slice()));
                        self.label_set_ids.insert(r.labels.clone(), set);
                        set
                    }
                },
            };
            self.last_label_set = Some(set);
            self.node_label_set.insert(id, set);
        }
        self.node_cache.insert(id, record);
    }
}

#[derive(Default)]
struct TxState {
    next_sequence: u64,
    node_cache: FxHashMap<u64, Option<Arc<NodeRecord>>>,
    /// The label set of every snapshot node in `node_cache`, interned: a label test is one
    /// probe of a small map, not a walk to the record.
    node_label_set: FxHashMap<u64, u32>,
    label_sets: Vec<Arc<[String]>>,
    label_set_ids: FxHashMap<Vec<String>, u32>,
    /// The label set interned last.
    last_label_set: Option<u32>,
    /// Written nodes; `None`: deleted.
    nodes: FxHashMap<u64, Option<Arc<NodeRecord>>>,
    created_nodes: Vec<u64>,
    /// Properties of snapshot relationships the statement expanded: encoded until first read.
    rel_cache: FxHashMap<u64, RelProperties>,
    rels: FxHashMap<u64, RelState>,
    /// Created relationships by endpoint.
    created_by_node: FxHashMap<u64, Vec<u64>>,
    types_cache: Option<Vec<String>>,
    adjacency: AdjacencyCache,
    /// Property lookups by (labels, property).
    property_lookups: FxHashMap<(Vec<String>, String), Arc<PropertyLookup>>,
    /// The written nodes by the value of each property a lookup asked for (entries go stale
    /// as nodes change: candidates are checked against the current record).
    own_by_value: FxHashMap<String, OwnIndex>,
}

/// The nodes the statement wrote (and did not delete) that carry every one of `labels`.
fn written_with<'s>(state: &'s TxState, labels: &'s [String]) -> impl Iterator<Item = u64> + 's {
    state.nodes.iter().filter_map(move |(id, record)| {
        let record = record.as_ref()?;
        labels.iter().all(|l| record.labels.contains(l)).then_some(*id)
    })
}

/// A statement's view of the graph.
pub struct TxGraph {
    snapshot: GraphSnapshot,
    handle: Handle,
    id_base: u64,
    state: Mutex<TxState>,
    /// The projection of the snapshot's LSN, once the statement has one.
    projection: OnceLock<Arc<GraphProjection>>,
}

impl TxGraph {
    /// A view over `snapshot`, blocking on `handle` for reads.
    pub fn new(snapshot: GraphSnapshot, handle: Handle) -> TxGraph {
        let id_base = (snapshot.lsn().get() + 1) << 32;
        TxGraph {
            snapshot,
            handle,
            id_base,
            state: Mutex::new(TxState::default()),
            projection: OnceLock::new(),
        }
    }

    /// Reads snapshot nodes from `projection` from now on, if it is of the snapshot's LSN (a
    /// projection of another LSN, or a second one, is ignored).
    pub(crate) fn use_projection(&self, projection: &Arc<GraphProjection>) {
        if projection.lsn() == self.snapshot.lsn().get() {
            let _ = self.projection.set(projection.clone());
        }
    }

    /// The projection snapshot nodes are read from, if any.
    pub(crate) fn projection(&self) -> Option<&Arc<GraphProjection>> {
        self.projection.get()
    }

    /// The snapshot beneath.
    pub fn snapshot(&self) -> &GraphSnapshot {
        &self.snapshot
    }

    /// Runs the read `f` to completion. A read whose pieces are all cached completes on its
    /// first poll, which skips the runtime's `block_on` (entering the runtime, parking, seeding
    /// its RNG): that cost as much as a warm read itself.
    fn block<T>(
        &self,
        f: impl std::future::Future<Output = std::result::Result<T, GraphError>>,
    ) -> Result<T> {
        let mut f = std::pin::pin!(f);
        {
            let _entered = self.handle.enter();
            let mut cx = std::task::Context::from_waker(std::task::Waker::noop());
            if let std::task::Poll::Ready(out) = f.as_mut().poll(&mut cx) {
                return Ok(out?);
            }
        }
        Ok(self.handle.block_on(f)?)
    }

    fn next_id(&self) -> Result<u64> {
        let mut state = self.state.lock();
        if state.next_sequence > u64::from(u32::MAX) {
            return Err(ExecError::cypher(
                "DatabaseError",
                "TooManyEntities",
                "a statement may create at most 4294967296 nodes and relationships",
            ));
        }
        state.next_sequence += 1;
        Ok(self.id_base | (state.next_sequence - 1))
    }

    /// Whether the statement wrote anything.
    pub fn has_writes(&self) -> bool {
        let state = self.state.lock();
        !state.nodes.is_empty() || !state.rels.is_empty()
    }

    /// Node `id`'s record, or `None` if it does not exist (or was deleted).
    pub fn node(&self, id: u64) -> Result<Option<Arc<NodeRecord>>> {
        {
            let state = self.state.lock();
            if let Some(written) = state.nodes.get(&id) {
                return Ok(written.clone());
            }
            if let Some(projection) = self.projection.get() {
                return Ok(projection.record(id)?.map(Arc::new));
            }
            if let Some(cached) = state.node_cache.get(&id) {
                return Ok(cached.clone());
            }
        }
        let record = self.block(self.snapshot.node(NodeId(id)))?;
        self.state.lock().cache_node(id, record.clone());
        Ok(record)
    }

    /// Property `key` of node `id` (`null` when it lacks it), or `None` if the node does not
    /// exist (or was deleted). Read from the projection, only the property is decoded.
    pub fn node_property(&self, id: u64, key: &str) -> Result<Option<Value>> {
        {
            let state = self.state.lock();
            if !state.nodes.contains_key(&id) {
                if let Some(projection) = self.projection.get() {
                    return projection.property(id, key);
                }
            }
        }
        Ok(self.node(id)?.map(|r| r.properties.get(key).map(to_value).unwrap_or(Value::Null)))
    }

    /// Node `id`'s labels, or `None` if it does not exist (or was deleted).
    pub fn node_labels(&self, id: u64) -> Result<Option<Arc<[String]>>> {
        {
            let state = self.state.lock();
            if let Some(written) = state.nodes.get(&id) {
                return Ok(written.as_ref().map(|r| Arc::from(r.labels.as_slice())));
            }
            if let Some(projection) = self.projection.get() {
                return Ok(projection.labels_of(id).cloned());
            }
            if let Some(&set) = state.node_label_set.get(&id) {
                return Ok(Some(state.label_sets[set as usize].clone()));
            }
        }
        let record = self.node(id)?;
        let state = self.state.lock();
        Ok(record.map(|r| match state.node_label_set.get(&id) {
            Some(&set) => state.label_sets[set as usize].clone(),
            None => Arc::from(r.labels.as_slice()),
        }))
    }

    /// Whether node `id` was deleted by this statement.
    pub fn is_deleted_node(&self, id: u64) -> bool {
        matches!(self.state.lock().nodes.get(&id), Some(None))
    }

    /// Ids of every live node carrying all of `labels`, by id.
    pub fn scan(&self, labels: &[String]) -> Result<Vec<u64>> {
        if let Some(projection) = self.projection.get() {
            let mut ids = projection.scan(labels);
            let state = self.state.lock();
            if !state.nodes.is_empty() {
                ids.retain(|id| !state.nodes.contains_key(id));
                ids.extend(written_with(&state, labels));
                ids.sort_unstable();
            }
            return Ok(ids);
        }
        let first = labels.first().map(String::as_str);
        let stored = self.block(self.snapshot.nodes(first, &NodeColumns::All))?;
        let mut state = self.state.lock();
        let mut ids = Vec::with_capacity(stored.len());
        for (id, record) in stored {
            if !state.node_cache.contains_key(&id.0) {
                state.cache_node(id.0, Some(record.clone()));
            }
            if state.nodes.contains_key(&id.0) {
                continue;
            }
            if labels.iter().all(|l| record.labels.contains(l)) {
                ids.push(id.0);
            }
        }
        ids.extend(written_with(&state, labels));
        ids.sort_unstable();
        ids.dedup();
        Ok(ids)
    }

    /// The statement's lookup of `property` on nodes with all of `labels` (built once per
    /// statement and shared: it holds the SSTs' cached value indexes and one of the memtables).
    pub fn property_lookup(
        &self,
        labels: &[String],
        property: &str,
    ) -> Result<Arc<PropertyLookup>> {
        let key = (labels.to_vec(), property.to_owned());
        if let Some(lookup) = self.state.lock().property_lookups.get(&key) {
            return Ok(lookup.clone());
        }
        let lookup = Arc::new(self.block(self.snapshot.property_lookup(labels, property))?);
        self.state.lock().property_lookups.insert(key, lookup.clone());
        Ok(lookup)
    }

    /// The nodes, by id, with all of the lookup's labels whose property equals one of `keys`
    /// as this statement sees them: the snapshot's answer with the statement's own writes laid
    /// over it (nodes it changed or deleted are judged by their current record, nodes it wrote
    /// are found through an index of its writes).
    pub fn nodes_by_property(
        &self,
        lookup: &PropertyLookup,
        keys: &[IndexKey],
    ) -> Result<Vec<u64>> {
        let mut ids = Vec::new();
        for key in keys {
            ids.extend(
                self.block(self.snapshot.probe_property(lookup, key))?.into_iter().map(|id| id.0),
            );
        }
        let mut state = self.state.lock();
        if !state.nodes.is_empty() {
            ids.retain(|id| !state.nodes.contains_key(id));
            let state = &mut *state;
            let own = state.own_by_value.entry(lookup.property().to_owned()).or_insert_with(|| {
                let mut own = FxHashMap::default();
                for (id, record) in &state.nodes {
                    index_own_write(&mut own, lookup.property(), *id, record.as_deref());
                }
                own
            });
            for key in keys {
                for &id in own.get(key).into_iter().flatten() {
                    let current = state.nodes.get(&id).and_then(Option::as_deref);
                    if current.is_some_and(|r| lookup.matches(r, key)) {
                        ids.push(id);
                    }
                }
            }
        }
        ids.sort_unstable();
        ids.dedup();
        Ok(ids)
    }

    /// Records a node write in the indexes of the statement's writes.
    fn note_node_write(state: &mut TxState, id: u64, record: Option<&NodeRecord>) {
        for (property, own) in &mut state.own_by_value {
            index_own_write(own, property, id, record);
        }
    }

    /// Every snapshot node with its labels and encoded properties, by id (not the statement's
    /// writes: for the projection of a statement that wrote nothing).
    pub(crate) fn snapshot_scan_nodes(
        &self,
        mut visit: impl FnMut(NodeId, &Arc<[String]>, &[u8]),
    ) -> Result<()> {
        self.block(self.snapshot.scan_nodes(None, &NodeColumns::All, |id, labels, cell| {
            visit(id, labels, cell);
            std::ops::ControlFlow::Continue(())
        }))?;
        Ok(())
    }

    /// Calls `visit` with every snapshot relationship of `rel_type` by source, then target
    /// (not the statement's writes); `false` when `visit` broke off.
    pub(crate) fn snapshot_scan_type(
        &self,
        rel_type: &str,
        visit: impl FnMut(namidb_graph::store::ScannedRelationship<'_>) -> std::ops::ControlFlow<()>,
    ) -> Result<bool> {
        self.block(self.snapshot.scan_type(rel_type, visit))
    }

    pub(crate) fn relationship_types(&self) -> Result<Vec<String>> {
        if let Some(types) = self.state.lock().types_cache.clone() {
            return Ok(types);
        }
        let types = self.block(self.snapshot.relationship_types())?;
        self.state.lock().types_cache = Some(types.clone());
        Ok(types)
    }

    /// The relationships of `node` of the given types (all when empty), each with the node at
    /// its other end.
    pub fn expand(&self, node: u64, types: &[String], dir: Dir) -> Result<Vec<(Arc<RelRef>, u64)>> {
        let all_types;
        let types = if types.is_empty() {
            all_types = self.relationship_types()?;
            &all_types
        } else {
            types
        };
        let mut out = Vec::new();
        let directions: &[EdgeDirection] = match dir {
            Dir::Out => &[EdgeDirection::Forward],
            Dir::In => &[EdgeDirection::Reverse],
            Dir::Both => &[EdgeDirection::Forward, EdgeDirection::Reverse],
        };
        let created_node = self.state.lock().created_nodes.binary_search(&node).is_ok();
        if !created_node {
            // Each (type, direction) from the statement's adjacency cache, or else read from
            // the snapshot, all misses at once: one round trip when cold, not one each.
            let mut lists = Vec::new();
            let mut misses = Vec::new();
            {
                let mut state = self.state.lock();
                for t in types {
                    let type_id = state.adjacency.type_id(t);
                    for &direction in directions {
                        let reverse = direction == EdgeDirection::Reverse;
                        let cached = state.adjacency.get(node, type_id, reverse);
                        if cached.is_none() {
                            misses.push((
                                lists.len(),
                                type_id,
                                direction,
                                state.adjacency.type_name(type_id),
                            ));
                        }
                        lists.push((reverse, cached));
                    }
                }
            }
            if !misses.is_empty() {
                let snapshot = &self.snapshot;
                // One (type, direction) is read without a join (its machinery cost as much).
                let results = match misses.as_slice() {
                    [(_, _, d, name)] => {
                        vec![self.block(snapshot.expand_raw(NodeId(node), name, *d))?]
                    }
                    many => self.block(futures::future::try_join_all(
                        many.iter()
                            .map(|(_, _, d, name)| snapshot.expand_raw(NodeId(node), name, *d)),
                    ))?,
                };
                let mut state = self.state.lock();
                for ((at, type_id, direction, name), found) in misses.into_iter().zip(results) {
                    let reverse = direction == EdgeDirection::Reverse;
                    let list: Neighbours = found
                        .into_iter()
                        .map(|raw| {
                            let (src, dst) =
                                if reverse { (raw.neighbour, node) } else { (node, raw.neighbour) };
                            state
                                .rel_cache
                                .entry(raw.id)
                                .or_insert(RelProperties::Encoded(raw.properties));
                            let r = RelRef { id: raw.id, rel_type: name.clone(), src, dst };
                            (Arc::new(r), raw.neighbour)
                        })
                        .collect();
                    state.adjacency.insert(node, type_id, reverse, list.clone());
                    lists[at].1 = Some(list);
                }
            }
            let state = self.state.lock();
            for (reverse, list) in lists {
                for (rel, other) in list.iter().flat_map(|l| l.iter()) {
                    if reverse && dir == Dir::Both && rel.src == rel.dst {
                        continue; // the self-loop was found going out
                    }
                    if matches!(state.rels.get(&rel.id), Some(RelState { properties: None, .. })) {
                        continue;
                    }
                    out.push((rel.clone(), *other));
                }
            }
        }
        let state = self.state.lock();
        if let Some(created) = state.created_by_node.get(&node) {
            for id in created {
                let Some(RelState { rel, properties: Some(_), .. }) = state.rels.get(id) else {
                    continue;
                };
                if !types.iter().any(|t| **t == *rel.rel_type) {
                    continue;
                }
                let outgoing = rel.src == node;
                let incoming = rel.dst == node;
                let take = match dir {
                    Dir::Out => outgoing,
                    Dir::In => incoming,
                    Dir::Both => true,
                };
                if take {
                    let other = if outgoing { rel.dst } else { rel.src };
                    out.push((rel.clone(), other));
                }
            }
        }
        Ok(out)
    }

    /// The properties of relationship `rel`; `None` if it was deleted.
    pub fn rel_properties(&self, rel: &RelRef) -> Result<Option<Arc<Properties>>> {
        {
            let state = self.state.lock();
            if let Some(s) = state.rels.get(&rel.id) {
                return Ok(s.properties.clone());
            }
        }
        if let Some(p) = self.cached_rel_properties(rel.id)? {
            return Ok(Some(p));
        }
        let found = self.block(self.snapshot.expand(
            NodeId(rel.src),
            &rel.rel_type,
            EdgeDirection::Forward,
        ))?;
        let props =
            found.into_iter().find(|r| r.key.id.0 == rel.id).map(|r| Arc::new(r.properties));
        if let Some(p) = &props {
            self.state.lock().rel_cache.insert(rel.id, RelProperties::Decoded(p.clone()));
        }
        Ok(props)
    }

    /// The properties of snapshot relationship `id` if the statement has them, decoded now if
    /// they were still encoded.
    fn cached_rel_properties(&self, id: u64) -> Result<Option<Arc<Properties>>> {
        let mut state = self.state.lock();
        let Some(cached) = state.rel_cache.get_mut(&id) else { return Ok(None) };
        let decoded = match cached {
            RelProperties::Decoded(p) => return Ok(Some(p.clone())),
            RelProperties::Encoded(bytes) => Arc::new(
                decode_properties(bytes)
                    .map_err(|e| ExecError::from(GraphError::CorruptRecord(e)))?,
            ),
        };
        *cached = RelProperties::Decoded(decoded.clone());
        Ok(Some(decoded))
    }

    /// Whether relationship `id` was deleted by this statement.
    pub fn is_deleted_rel(&self, id: u64) -> bool {
        matches!(self.state.lock().rels.get(&id), Some(RelState { properties: None, .. }))
    }

    /// Creates a node.
    pub fn create_node(&self, labels: Vec<String>, properties: Properties) -> Result<u64> {
        let id = self.next_id()?;
        let mut labels = labels;
        labels.sort();
        labels.dedup();
        let record = NodeRecord { labels, properties };
        let mut state = self.state.lock();
        Self::note_node_write(&mut state, id, Some(&record));
        state.nodes.insert(id, Some(Arc::new(record)));
        state.created_nodes.push(id);
        Ok(id)
    }

    /// Replaces node `id`'s record.
    pub fn set_node(&self, id: u64, record: NodeRecord) {
        let mut state = self.state.lock();
        Self::note_node_write(&mut state, id, Some(&record));
        state.nodes.insert(id, Some(Arc::new(record)));
    }

    /// Deletes node `id` (its relationships must be gone).
    pub fn delete_node(&self, id: u64) {
        self.state.lock().nodes.insert(id, None);
    }

    /// Creates a relationship.
    pub fn create_rel(
        &self,
        rel_type: &str,
        src: u64,
        dst: u64,
        properties: Properties,
    ) -> Result<Arc<RelRef>> {
        let id = self.next_id()?;
        let rel = Arc::new(RelRef { id, rel_type: Arc::from(rel_type), src, dst });
        let mut state = self.state.lock();
        state.rels.insert(
            id,
            RelState { rel: rel.clone(), properties: Some(Arc::new(properties)), created: true },
        );
        state.created_by_node.entry(src).or_default().push(id);
        if dst != src {
            state.created_by_node.entry(dst).or_default().push(id);
        }
        if let Some(types) = state.types_cache.as_mut() {
            if !types.iter().any(|t| t == rel_type) {
                types.push(rel_type.to_owned());
            }
        }
        Ok(rel)
    }

    /// Replaces relationship `rel`'s properties.
    pub fn set_rel_properties(&self, rel: &Arc<RelRef>, properties: Properties) {
        let mut state = self.state.lock();
        let created = state.rels.get(&rel.id).is_some_and(|s| s.created);
        state.rels.insert(
            rel.id,
            RelState { rel: rel.clone(), properties: Some(Arc::new(properties)), created },
        );
    }

    /// Deletes relationship `rel`.
    pub fn delete_rel(&self, rel: &Arc<RelRef>) {
        let mut state = self.state.lock();
        let created = state.rels.get(&rel.id).is_some_and(|s| s.created);
        state.rels.insert(rel.id, RelState { rel: rel.clone(), properties: None, created });
    }

    /// The statement's writes as one batch.
    pub fn into_batch(self) -> Result<GraphBatch> {
        let state = self.state.into_inner();
        let mut batch = GraphBatch::new();
        let nodes: BTreeMap<u64, Option<Arc<NodeRecord>>> = state.nodes.into_iter().collect();
        let created: std::collections::HashSet<u64> = state.created_nodes.into_iter().collect();
        for (id, record) in nodes {
            match record {
                Some(record) => {
                    batch.put_node(NodeId(id), &record);
                }
                None if created.contains(&id) => {}
                None => {
                    batch.delete_node(NodeId(id));
                }
            }
        }
        let rels: BTreeMap<u64, RelState> = state.rels.into_iter().collect();
        for (_, s) in rels {
            let key = RelKey {
                rel_type: s.rel.rel_type.to_string(),
                src: NodeId(s.rel.src),
                dst: NodeId(s.rel.dst),
                id: RelId(s.rel.id),
            };
            match s.properties {
                Some(props) => {
                    batch.put_relationship(&key, &props)?;
                }
                None if s.created => {}
                None => {
                    batch.delete_relationship(&key)?;
                }
            }
        }
        Ok(batch)
    }
}
