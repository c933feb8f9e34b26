//! Shortest paths between two bound nodes: a bidirectional breadth-first search that grows
//! the smaller frontier one whole level at a time, remembering every parent at the level a
//! node is first reached, so the meeting level yields one shortest path (`shortestPath`) or
//! all of them (`allShortestPaths`).

use std::collections::HashMap;
use std::sync::Arc;

use namidb_query::plan::{Direction, Expand};
use namidb_value::{PathValue, RelRef, Value};

use super::read::{dir, rel_matches};
use super::{flat_map, Operator, Row};
use crate::context::ExecContext;
use crate::error::Result;
use crate::eval::eval;

/// Each input row joined with the shortest path(s) between its `from` and `to` nodes.
pub(crate) fn shortest_path<'p>(
    input: Box<dyn Operator + 'p>,
    expand: &'p Expand,
    path: usize,
    all: bool,
) -> Box<dyn Operator + 'p> {
    flat_map(input, Box::new(move |row, ctx, out| search(expand, path, all, row, ctx, out)))
}

/// One step of a path: the relationship taken and the node it leads to (or comes from).
type Step = (Arc<RelRef>, u64);

/// Nodes reached from one end: depth and the parents (relationship, previous node) through
/// which it was reached at that depth.
struct Side {
    reached: HashMap<u64, (u64, Vec<Step>)>,
    frontier: Vec<u64>,
    depth: u64,
    direction: Direction,
}

impl Side {
    fn new(root: u64, direction: Direction) -> Side {
        Side {
            reached: HashMap::from([(root, (0, Vec::new()))]),
            frontier: vec![root],
            depth: 0,
            direction,
        }
    }

    /// Grows one level; the nodes first reached in it become the frontier.
    fn grow(&mut self, e: &Expand, wanted: &[(&str, Value)], ctx: &ExecContext<'_>) -> Result<()> {
        let depth = self.depth + 1;
        let mut next = Vec::new();
        for node in std::mem::take(&mut self.frontier) {
            for (rel, other) in ctx.graph.expand(node, &e.types, dir(self.direction))? {
                if !rel_matches(wanted, &rel, ctx)? {
                    continue;
                }
                match self.reached.get_mut(&other) {
                    None => {
                        self.reached.insert(other, (depth, vec![(rel, node)]));
                        next.push(other);
                    }
                    Some((d, parents)) if *d == depth => parents.push((rel, node)),
                    Some(_) => {}
                }
            }
        }
        self.depth = depth;
        self.frontier = next;
        Ok(())
    }

    /// Every chain of (relationship, node) steps from the root to `node`, root side first;
    /// only the first when `all` is false.
    fn chains(&self, node: u64, all: bool) -> Vec<Vec<Step>> {
        let Some((_, parents)) = self.reached.get(&node) else { return vec![] };
        if parents.is_empty() {
            return vec![Vec::new()];
        }
        let mut out = Vec::new();
        for (rel, prev) in parents {
            for mut chain in self.chains(*prev, all) {
                chain.push((rel.clone(), node));
                out.push(chain);
                if !all {
                    return out;
                }
            }
        }
        out
    }
}

fn search(
    e: &Expand,
    path_slot: usize,
    all: bool,
    row: Row,
    ctx: &ExecContext<'_>,
    out: &mut Vec<Row>,
) -> Result<()> {
    let (Value::Node(s), Value::Node(t)) = (&row[e.from], &row[e.to]) else { return Ok(()) };
    let (s, t) = (*s, *t);
    let (min, max) = e.length.unwrap_or((1, Some(1)));
    let emit = |nodes: Vec<u64>, rels: Vec<Arc<RelRef>>, out: &mut Vec<Row>| {
        let mut r = row.clone();
        r[e.rel] = Value::list(rels.iter().map(|x| Value::Relationship(x.clone())).collect());
        let rels = rels.iter().map(|x| RelRef::clone(x)).collect();
        r[path_slot] = Value::Path(Arc::new(PathValue { nodes, rels }));
        out.push(r);
    };
    if s == t {
        if min == 0 {
            emit(vec![s], Vec::new(), out);
        }
        return Ok(());
    }
    let wanted = e
        .rel_properties
        .iter()
        .map(|(k, v)| Ok((k.as_str(), eval(v, &row, ctx)?)))
        .collect::<Result<Vec<_>>>()?;
    let max = max.unwrap_or(u64::MAX);
    let mut forward = Side::new(s, e.direction);
    let mut backward = Side::new(t, e.direction.reversed());
    while forward.depth + backward.depth < max
        && !forward.frontier.is_empty()
        && !backward.frontier.is_empty()
    {
        let forward_turn = forward.frontier.len() <= backward.frontier.len();
        let (grown, other) =
            if forward_turn { (&mut forward, &backward) } else { (&mut backward, &forward) };
        grown.grow(e, &wanted, ctx)?;
        let mut meetings: Vec<(u64, u64)> = grown
            .frontier
            .iter()
            .filter_map(|m| other.reached.get(m).map(|(d, _)| (grown.depth + d, *m)))
            .collect();
        let Some(best) = meetings.iter().map(|(len, _)| *len).min() else { continue };
        if best < min || best > max {
            return Ok(());
        }
        meetings.retain(|(len, _)| *len == best);
        meetings.sort_unstable();
        for (_, m) in meetings {
            for head in forward.chains(m, all) {
                for tail in backward.chains(m, all) {
                    let mut nodes = vec![s];
                    let mut rels = Vec::new();
                    for (rel, node) in &head {
                        rels.push(rel.clone());
                        nodes.push(*node);
                    }
                    // The backward chain runs t → … → m; walk it from m back to t.
                    rels.extend(tail.iter().rev().map(|(rel, _)| rel.clone()));
                    nodes.extend(tail.iter().rev().skip(1).map(|(_, n)| *n));
                    if !tail.is_empty() {
                        nodes.push(t);
                    }
                    emit(nodes, rels, out);
                    if !all {
                        return Ok(());
                    }
                }
            }
        }
        return Ok(());
    }
    Ok(())
}
