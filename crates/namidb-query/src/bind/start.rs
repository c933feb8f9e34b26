//! Where a pattern chain starts: join ordering for one chain.
//!
//! A chain `(a)-[]-(b)-[]-(c)` is matched by binding one node, then expanding hop by hop
//! towards both ends. A node bound before the pattern is always the start (the first, else the
//! last, else any): the chain then costs one expansion per input row. Otherwise the start is
//! the node with the fewest estimated rows ([`crate::estimate::start_rows`]): a property
//! equality on a label (from the node's property map or from `WHERE v.k = literal/$param`)
//! over the label's distinct values, else the label's node count, else every node. The first
//! node keeps the start unless another is strictly cheaper. A node can only start the chain if
//! what it checks is known before the chain: its property map reads no other slot of the
//! pattern and it has no inline `WHERE`.

use std::collections::HashSet;

use namidb_cypher_syntax::ast::{self, BinaryOp, ExprKind};

use super::Binder;
use crate::estimate::start_rows;
use crate::expr::Expr;
use crate::optimize::slots_read;

/// A pattern node's slot, whether it was bound before the pattern, and its syntax.
pub(crate) type ChainNode<'a> = (usize, bool, &'a ast::NodePattern);

/// The hops of a chain of `len` nodes started at `start`: towards the first node, then towards
/// the last, each as (from, to) node indexes.
pub(crate) fn chain_steps(start: usize, len: usize) -> Vec<(usize, usize)> {
    let back = (1..=start).rev().map(|i| (i, i - 1));
    let forward = (start + 1..len).map(|i| (i - 1, i));
    back.chain(forward).collect()
}

/// The `WHERE` conjuncts `v.k = value` (either way round) whose value is a literal or a
/// parameter, as `(v, k)`.
pub(crate) fn where_equalities(where_: Option<&ast::Expr>) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for conjunct in where_conjuncts(where_) {
        equality(conjunct, &mut out);
    }
    out
}

/// The conjuncts of a `WHERE` (`a AND b AND c` → `[a, b, c]`; none without one).
pub(crate) fn where_conjuncts(where_: Option<&ast::Expr>) -> Vec<&ast::Expr> {
    fn split<'e>(e: &'e ast::Expr, out: &mut Vec<&'e ast::Expr>) {
        match &e.kind {
            ExprKind::Binary(BinaryOp::And, a, b) => {
                split(a, out);
                split(b, out);
            }
            _ => out.push(e),
        }
    }
    let mut out = Vec::new();
    if let Some(w) = where_ {
        split(w, &mut out);
    }
    out
}

/// `e` as `(v, k)` when it is `v.k = value` with a literal or parameter value.
fn equality(e: &ast::Expr, out: &mut Vec<(String, String)>) {
    let pair = match &e.kind {
        ExprKind::Binary(BinaryOp::Eq, a, b) => (&**a, &**b),
        ExprKind::Comparison(a, rest) if rest.len() == 1 && rest[0].0 == BinaryOp::Eq => {
            (&**a, &rest[0].1)
        }
        _ => return,
    };
    for (side, value) in [pair, (pair.1, pair.0)] {
        let known = matches!(value.kind, ExprKind::Literal(_) | ExprKind::Parameter(_));
        if let (ExprKind::Property(base, key), true) = (&side.kind, known) {
            if let ExprKind::Variable(v) = &base.kind {
                out.push((v.name.clone(), key.name.clone()));
            }
        }
    }
}

impl Binder<'_> {
    /// The index of the node a chain starts from (see the module documentation).
    pub(crate) fn chain_start(
        &self,
        nodes: &[ChainNode<'_>],
        node_slots: &[(usize, bool, Vec<String>, Option<Expr>)],
        bound_at_start: &HashSet<usize>,
        equalities: &[(String, String)],
    ) -> usize {
        let last = nodes.len() - 1;
        if nodes[0].1 {
            return 0;
        }
        if nodes[last].1 {
            return last;
        }
        if let Some(bound) = nodes.iter().position(|n| n.1) {
            return bound;
        }
        let stats = self.catalog.statistics();
        let known_before = |e: &Expr| {
            slots_read(e).is_some_and(|s| s.iter().all(|slot| bound_at_start.contains(slot)))
        };
        let mut best = (0, f64::INFINITY);
        for (i, ((_, _, node), (_, _, labels, props))) in nodes.iter().zip(node_slots).enumerate() {
            let checkable = node.where_.is_none() && props.as_ref().is_none_or(known_before);
            if i > 0 && !checkable {
                continue;
            }
            let mut keys: Vec<&str> = match props {
                Some(Expr::Map(entries)) => entries
                    .iter()
                    .filter(|(_, v)| known_before(v))
                    .map(|(k, _)| k.as_str())
                    .collect(),
                _ => Vec::new(),
            };
            if let Some(var) = &node.variable {
                keys.extend(
                    equalities.iter().filter(|(v, _)| *v == var.name).map(|(_, k)| k.as_str()),
                );
            }
            // (A label expression other than plain names has no labels here: every node.)
            let rows = start_rows(stats, labels, &keys);
            if rows < best.1 {
                best = (i, rows);
            }
        }
        best.0
    }
}

#[cfg(test)]
mod tests {
    use super::chain_steps;

    #[test]
    fn steps_walk_to_the_first_node_then_to_the_last() {
        assert_eq!(chain_steps(0, 3), [(0, 1), (1, 2)]);
        assert_eq!(chain_steps(2, 3), [(2, 1), (1, 0)]);
        assert_eq!(chain_steps(1, 4), [(1, 0), (1, 2), (2, 3)]);
        assert_eq!(chain_steps(0, 1), []);
    }
}
