//! Counting a node's expansions that pass simple tests in one tight loop over its CSR rows.
//!
//! The memoized tail ([`super::tail_memo`]) counts, per node, the expansions that pass the
//! filters after the last hop. When every conjunct of those filters is a test on the entry
//! itself — an integer property of the relationship or of the far node compared with a
//! constant, or a label test on the far node — the count needs no tuple and no expression
//! walk: each entry is read where it lies (the relationship's column at its position, the far
//! node's column or label bitset at its index). These tests never raise an error and give
//! `null` only where the row executor's would, so counting `true`s is the filter's answer.

use std::sync::Arc;

use namidb_value::Value;

use namidb_query::expr::AggregateFunction;

use super::column::{Column, IntCompare};
use super::compile::{LabelTest, PExpr, PipelineAggregate, Side, Step};
use super::projection::TypeAdjacency;

/// One test on an expansion's entry.
pub(crate) enum EntryTest {
    /// The relationship's integer property (its column per type index) compared.
    RelInt(Vec<Option<Arc<Column>>>, IntCompare, i64),
    /// The far node's integer property compared.
    NodeInt(Arc<Column>, IntCompare, i64),
    /// A label test on the far node.
    Labels(LabelTest),
}

/// The entry tests equal to the conjunction `conjuncts` over the tail's far node `to` and
/// relationship `rel`; `None` when some conjunct is no such test.
pub(crate) fn entry_tests(conjuncts: &[&PExpr], to: usize, rel: usize) -> Option<Vec<EntryTest>> {
    let mut tests = Vec::new();
    for conjunct in conjuncts {
        match conjunct {
            PExpr::Const(Value::Bool(true)) => {}
            PExpr::IntCompare(operand, cmp, constant) => match &**operand {
                PExpr::RelProperty(s, columns)
                    if *s == rel && columns.iter().flatten().all(|c| c.ints().is_some()) =>
                {
                    tests.push(EntryTest::RelInt(columns.clone(), *cmp, *constant));
                }
                PExpr::NodeProperty(s, column) if *s == to && column.ints().is_some() => {
                    tests.push(EntryTest::NodeInt(column.clone(), *cmp, *constant));
                }
                _ => return None,
            },
            PExpr::Labels(s, test) if *s == to => tests.push(EntryTest::Labels(test.clone())),
            _ => return None,
        }
    }
    Some(tests)
}

/// The entry tests of a label scan whose tuples are only folded into `count(*)`s and
/// aggregates of one integer property of the start node (in `slot`): every step a filter whose
/// conjuncts are tests on the start node, and no grouping key but at most one integer property
/// of the start node. Each start node is then tested and folded in a tight loop, with no walk.
pub(crate) fn scan_tests(
    steps: &[Step],
    keys: &[(usize, PExpr)],
    aggregates: &[PipelineAggregate],
    slot: usize,
) -> Option<Vec<EntryTest>> {
    let folds = !aggregates.is_empty()
        && aggregates.iter().all(|a| match a.args.as_slice() {
            [] => a.call.function == AggregateFunction::CountStar,
            [PExpr::NodeProperty(s, _)] => a.int_arg && *s == slot,
            _ => false,
        });
    let int_key =
        |key: &PExpr| matches!(key, PExpr::NodeProperty(s, _) if *s == slot && key.is_int_column());
    let keyed = match keys {
        [] => true,
        [(_, key)] => int_key(key),
        _ => false,
    };
    if !folds || !keyed {
        return None;
    }
    let mut conjuncts = Vec::new();
    for step in steps {
        let Step::Filter(predicate) = step else { return None };
        super::tail_memo::conjuncts_of(predicate, &mut conjuncts);
    }
    // No relationship is bound: `usize::MAX` is no slot.
    entry_tests(&conjuncts, slot, usize::MAX)
}

/// How many of the nodes `starts` pass every test of `tests` (tests on the node itself): one
/// loop specialized for no test and for one integer comparison, the common counted scans.
pub(crate) fn count_nodes(tests: &[EntryTest], starts: &[u32]) -> usize {
    match tests {
        [] => starts.len(),
        [EntryTest::NodeInt(column, cmp, constant)] => match column.ints() {
            Some(ints) => starts
                .iter()
                .filter(|&&n| ints.get(n as usize).is_some_and(|v| cmp.holds(v, *constant)))
                .count(),
            None => 0,
        },
        tests => starts.iter().filter(|&&n| passes(tests, 0, 0, n)).count(),
    }
}

/// How many of `node`'s expansions over `sides` pass every test of `tests`.
pub(crate) fn count(
    node: u32,
    sides: &[(u32, Side)],
    types: &[Arc<TypeAdjacency>],
    tests: &[EntryTest],
) -> u64 {
    let mut passed = 0u64;
    for &(t, side) in sides {
        let Some(adjacency) = types.get(t as usize) else { continue };
        let rows = side.rows(adjacency);
        let range = rows.range(node);
        let first = range.start;
        let Some(neighbours) = rows.neighbours.get(range) else { continue };
        if tests.is_empty() && side != Side::IncomingNotLoop {
            // Nothing to test: every entry passes.
            passed += neighbours.len() as u64;
            continue;
        }
        for (k, &other) in neighbours.iter().enumerate() {
            if side == Side::IncomingNotLoop && other == node {
                continue;
            }
            let holds = passes(tests, t, rows.position(first + k), other);
            passed += u64::from(holds);
        }
    }
    passed
}

/// Whether the entry of type index `t` at relationship `position`, reaching node `other`,
/// passes every test of `tests`.
#[inline]
pub(crate) fn passes(tests: &[EntryTest], t: u32, position: u32, other: u32) -> bool {
    tests.iter().all(|test| match test {
        EntryTest::RelInt(columns, cmp, constant) => columns
            .get(t as usize)
            .and_then(|c| c.as_ref()?.ints()?.get(position as usize))
            .is_some_and(|v| cmp.holds(v, *constant)),
        EntryTest::NodeInt(column, cmp, constant) => column
            .ints()
            .and_then(|ints| ints.get(other as usize))
            .is_some_and(|v| cmp.holds(v, *constant)),
        EntryTest::Labels(test) => test.holds(other),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_tests_on_the_entry_itself_are_entry_tests_and_nulls_fail_them() {
        let ints = Arc::new(Column::new(vec![Value::Int(1), Value::Null]));
        let int_test = |e: PExpr, cmp, c| PExpr::IntCompare(Box::new(e), cmp, c);
        let rel = int_test(PExpr::RelProperty(2, vec![Some(ints.clone())]), IntCompare::Gt, 0);
        let far = int_test(PExpr::NodeProperty(1, ints.clone()), IntCompare::Eq, 1);
        let earlier = int_test(PExpr::NodeProperty(0, ints.clone()), IntCompare::Eq, 1);
        let always = PExpr::Const(Value::Bool(true));
        let tests = entry_tests(&[&rel, &far, &always], 1, 2).expect("entry tests");
        assert_eq!(tests.len(), 2);
        assert!(entry_tests(&[&rel, &earlier], 1, 2).is_none());
        assert!(entry_tests(&[&PExpr::Const(Value::Null)], 1, 2).is_none());
        // Position 0 holds 1 and node 0 holds 1; position and node 1 hold null; type index 1
        // has no column.
        assert!(passes(&tests, 0, 0, 0));
        assert!(!passes(&tests, 0, 1, 0));
        assert!(!passes(&tests, 0, 0, 1));
        assert!(!passes(&tests, 1, 0, 0));
        assert!(passes(&[], 1, 1, 1));
    }
}
