//! Reading operators: node scans, node lookups by id, and expansions along relationships
//! (one hop, or a variable-length hop with trail semantics: no relationship twice in a path).

use std::sync::Arc;

use namidb_graph::store::IndexKey;
use namidb_graph::store::PropertyLookup;
use namidb_query::plan::{Direction, Expand};
use namidb_query::{Expr, Plan};
use namidb_value::compare::equals;
use namidb_value::{RelRef, Value};

use super::{flat_map, Operator, Row};
use crate::context::ExecContext;
use crate::error::Result;
use crate::eval::eval;
use crate::graph::Dir;
use crate::lookup_keys::probe_keys;

/// Each input row joined with every node carrying `labels`.
pub(crate) fn node_scan<'p>(
    input: Box<dyn Operator + 'p>,
    slot: usize,
    labels: &'p [String],
) -> Box<dyn Operator + 'p> {
    let mut ids: Option<Vec<u64>> = None;
    flat_map(
        input,
        Box::new(move |row, ctx, out| {
            if ids.is_none() {
                ids = Some(scan(labels, ctx)?);
            }
            for id in ids.iter().flatten() {
                let mut r = row.clone();
                r[slot] = Value::Node(*id);
                out.push(r);
            }
            Ok(())
        }),
    )
}

/// The ids of the nodes carrying all of `labels`, from the graph's projection when
/// [`crate::pipeline::scan_projects`] says so (built for it if need be).
fn scan(labels: &[String], ctx: &ExecContext<'_>) -> Result<Vec<u64>> {
    if let (None, Some(cache)) = (ctx.graph.projection(), ctx.projections) {
        if crate::pipeline::scan_projects(labels, ctx) {
            if let Some(projection) = cache.get(ctx.graph)?.filter(|p| cache.fits(p)) {
                ctx.graph.use_projection(&projection);
            }
        }
    }
    ctx.graph.scan(labels)
}

/// Each input row joined with the nodes with `labels` whose `property` equals `value` (any
/// element of it, with `any_of`): a lookup prepared on the first row and probed for every row,
/// or a label scan for a value it cannot answer (the filter above checks the pattern either
/// way). A lookup confirms each candidate with a point read, so a value that many nodes hold
/// (more than [`LOOKUP_MATCHES`] expected from the statistics: the label's nodes with the
/// property over its distinct values) is answered by the label scan too.
pub(crate) fn node_by_property<'p>(
    input: Box<dyn Operator + 'p>,
    slot: usize,
    labels: &'p [String],
    property: &'p str,
    value: &'p Expr,
    any_of: bool,
) -> Box<dyn Operator + 'p> {
    let mut lookup: Option<Arc<PropertyLookup>> = None;
    let mut scanned: Option<Vec<u64>> = None;
    let mut per_key: Option<f64> = None;
    flat_map(
        input,
        Box::new(move |row, ctx, out| {
            let probe = eval(value, &row, ctx)?;
            let per_key = *per_key.get_or_insert_with(|| matches_per_key(labels, property, ctx));
            let keys = selective_keys(&probe, any_of, per_key);
            let probed = match keys {
                Some(keys) => {
                    let lookup = match &lookup {
                        Some(l) => l,
                        None => lookup.insert(ctx.graph.property_lookup(labels, property)?),
                    };
                    Some(ctx.graph.nodes_by_property(lookup, &keys)?)
                }
                None => None,
            };
            if probed.is_none() && scanned.is_none() {
                scanned = Some(scan(labels, ctx)?);
            }
            let ids = probed.as_deref().or(scanned.as_deref()).unwrap_or_default();
            for &id in ids {
                let mut r = row.clone();
                r[slot] = Value::Node(id);
                out.push(r);
            }
            Ok(())
        }),
    )
}

/// The keys a lookup of `probe` probes (see [`probe_keys`]), `None` when the label scan
/// answers instead: the lookup cannot, or it expects more than [`LOOKUP_MATCHES`] nodes
/// (`per_key` per key).
fn selective_keys(probe: &Value, any_of: bool, per_key: f64) -> Option<Vec<IndexKey>> {
    selective_within(probe, any_of, per_key, LOOKUP_MATCHES)
}

/// The keys a lookup of `probe` probes, `None` when it expects more than `limit` nodes.
fn selective_within(
    probe: &Value,
    any_of: bool,
    per_key: f64,
    limit: f64,
) -> Option<Vec<IndexKey>> {
    probe_keys(probe, any_of).filter(|keys| per_key * keys.len() as f64 <= limit)
}

/// Whether `plan`, a `NodeScan` or a `NodeByProperty` over the unit row, is better answered
/// with every node of its labels (the filter above checks the rest): a scan is, and so is a
/// lookup expecting more matches than [`start_lookup_limit`] (one whose value raises an error
/// is left to the row operator, which raises it).
pub(crate) fn scans_whole_label(plan: &Plan, ctx: &ExecContext<'_>) -> bool {
    match plan {
        Plan::NodeScan { .. } => true,
        Plan::NodeByProperty { labels, property, value, any_of, .. } => {
            let unit = vec![Value::Null; ctx.width];
            let Ok(probe) = eval(value, &unit, ctx) else { return false };
            let per_key = matches_per_key(labels, property, ctx);
            let limit = start_lookup_limit(labels, ctx);
            selective_within(&probe, *any_of, per_key, limit).is_none()
        }
        _ => false,
    }
}

/// Expected matches past which a property lookup costs more than a label scan.
const LOOKUP_MATCHES: f64 = 4096.0;

/// Nodes a filtered scan of a built projection passes over in the time a lookup takes per
/// match (an index probe and a point read: about a microsecond; the pipelined scan: a few
/// nanoseconds a node).
const PROJECTED_NODES_PER_MATCH: f64 = 256.0;

/// Expected matches past which a lookup starting a pipeline costs more than a filtered scan:
/// [`LOOKUP_MATCHES`], or less when the snapshot's projection is built already and the label
/// is small enough for its scan to take less time than the lookup's matches (the scan then
/// costs no build).
fn start_lookup_limit(labels: &[String], ctx: &ExecContext<'_>) -> f64 {
    if !crate::pipeline::projection_built(ctx) || ctx.graph.has_writes() {
        return LOOKUP_MATCHES;
    }
    let nodes = crate::pipeline::label_nodes(&ctx.graph.snapshot().statistics(), labels);
    (nodes as f64 / PROJECTED_NODES_PER_MATCH).min(LOOKUP_MATCHES)
}

/// The nodes with `labels` expected to hold any one value of `property`, from the statistics
/// of the first (most selective) label: its nodes with the property over their distinct
/// values (0 when unknown).
fn matches_per_key(labels: &[String], property: &str, ctx: &ExecContext<'_>) -> f64 {
    let Some(label) = labels.first() else { return 0.0 };
    let statistics = ctx.graph.snapshot().statistics();
    match statistics.properties.get(&(label.clone(), property.to_owned())) {
        Some(p) if p.distinct > 0 => p.count as f64 / p.distinct as f64,
        _ => 0.0,
    }
}

/// Each input row joined with the node whose id `id` gives, if it exists with `labels`.
pub(crate) fn node_by_id<'p>(
    input: Box<dyn Operator + 'p>,
    slot: usize,
    id: &'p Expr,
    labels: &'p [String],
) -> Box<dyn Operator + 'p> {
    flat_map(
        input,
        Box::new(move |mut row, ctx, out| {
            let Value::Int(id) = eval(id, &row, ctx)? else { return Ok(()) };
            let id = id as u64;
            if let Some(carried) = ctx.graph.node_labels(id)? {
                if labels.iter().all(|l| carried.contains(l)) {
                    row[slot] = Value::Node(id);
                    out.push(row);
                }
            }
            Ok(())
        }),
    )
}

/// Each input row joined with the relationships (or paths of them) an expansion matches.
pub(crate) fn expand<'p>(
    input: Box<dyn Operator + 'p>,
    expand: &'p Expand,
) -> Box<dyn Operator + 'p> {
    if expand.length.is_some() {
        flat_map(input, Box::new(move |row, ctx, out| var_length(expand, row, ctx, out)))
    } else {
        flat_map(input, Box::new(move |row, ctx, out| one_hop(expand, row, ctx, out)))
    }
}

pub(super) fn dir(d: Direction) -> Dir {
    match d {
        Direction::Outgoing => Dir::Out,
        Direction::Incoming => Dir::In,
        Direction::Both => Dir::Both,
    }
}

fn one_hop(e: &Expand, row: Row, ctx: &ExecContext<'_>, out: &mut Vec<Row>) -> Result<()> {
    let Value::Node(from) = row[e.from] else { return Ok(()) };
    let bound_rel = match (&row[e.rel], e.rel_bound) {
        (Value::Relationship(r), true) => Some(r.id),
        (_, true) => return Ok(()),
        _ => None,
    };
    for (rel, other) in ctx.graph.expand(from, &e.types, dir(e.direction))? {
        if bound_rel.is_some_and(|id| id != rel.id) {
            continue;
        }
        if e.to_bound && !matches!(row[e.to], Value::Node(n) if n == other) {
            continue;
        }
        let mut r = row.clone();
        r[e.rel] = Value::Relationship(rel);
        r[e.to] = Value::Node(other);
        out.push(r);
    }
    Ok(())
}

/// Whether `rel` has every `(key, value)` of `wanted`.
pub(super) fn rel_matches(
    wanted: &[(&str, Value)],
    rel: &RelRef,
    ctx: &ExecContext<'_>,
) -> Result<bool> {
    if wanted.is_empty() {
        return Ok(true);
    }
    let Some(props) = ctx.graph.rel_properties(rel)? else { return Ok(false) };
    for (key, expected) in wanted {
        let actual = props.get(*key).map(crate::convert::to_value).unwrap_or(Value::Null);
        if equals(&actual, expected) != Some(true) {
            return Ok(false);
        }
    }
    Ok(true)
}

fn var_length(e: &Expand, row: Row, ctx: &ExecContext<'_>, out: &mut Vec<Row>) -> Result<()> {
    let Value::Node(from) = row[e.from] else { return Ok(()) };
    let (min, max) = e.length.unwrap_or((1, Some(1)));
    // The property values every relationship must have, evaluated once per row.
    let wanted = e
        .rel_properties
        .iter()
        .map(|(k, v)| Ok((k.as_str(), eval(v, &row, ctx)?)))
        .collect::<Result<Vec<_>>>()?;
    let bound_list: Option<Vec<u64>> = match (&row[e.rel], e.rel_bound) {
        (Value::List(items), true) => Some(
            items
                .iter()
                .filter_map(|v| match v {
                    Value::Relationship(r) => Some(r.id),
                    _ => None,
                })
                .collect(),
        ),
        (_, true) => return Ok(()),
        _ => None,
    };
    let mut path: Vec<Arc<RelRef>> = Vec::new();
    // Depth-first: a stack of (node, neighbours still to try).
    let emit = |path: &[Arc<RelRef>], end: u64, out: &mut Vec<Row>| {
        if e.to_bound && !matches!(row[e.to], Value::Node(n) if n == end) {
            return;
        }
        // The list is in pattern order: a hop walked from the pattern's later node is reversed.
        let mut rels: Vec<&Arc<RelRef>> = path.iter().collect();
        if e.reversed {
            rels.reverse();
        }
        if let Some(bound) = &bound_list {
            if bound.len() != rels.len() || bound.iter().zip(&rels).any(|(a, b)| *a != b.id) {
                return;
            }
        }
        let mut r = row.clone();
        r[e.rel] = Value::list(rels.into_iter().map(|p| Value::Relationship(p.clone())).collect());
        r[e.to] = Value::Node(end);
        out.push(r);
    };
    if min == 0 {
        emit(&path, from, out);
    }
    let mut stack: Vec<std::vec::IntoIter<(Arc<RelRef>, u64)>> = Vec::new();
    if max != Some(0) {
        stack.push(neighbours(e, from, &wanted, ctx)?.into_iter());
    }
    while let Some(frame) = stack.last_mut() {
        let Some((rel, next)) = frame.next() else {
            stack.pop();
            path.pop();
            continue;
        };
        if path.iter().any(|p| p.id == rel.id) {
            continue;
        }
        path.push(rel);
        let depth = path.len() as u64;
        if depth >= min {
            emit(&path, next, out);
        }
        if max.is_none_or(|m| depth < m) {
            stack.push(neighbours(e, next, &wanted, ctx)?.into_iter());
        } else {
            path.pop();
        }
    }
    Ok(())
}

fn neighbours(
    e: &Expand,
    node: u64,
    wanted: &[(&str, Value)],
    ctx: &ExecContext<'_>,
) -> Result<Vec<(Arc<RelRef>, u64)>> {
    let mut out = Vec::new();
    for (rel, other) in ctx.graph.expand(node, &e.types, dir(e.direction))? {
        if rel_matches(wanted, &rel, ctx)? {
            out.push((rel, other));
        }
    }
    Ok(out)
}
