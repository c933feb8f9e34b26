//! Relational operators: filter, project, distinct, sort, skip/limit, unwind,
//! optional and correlated subqueries, union, the result projection, procedure calls.

use std::collections::HashSet;

use namidb_query::Expr;
use namidb_value::compare::order;
use namidb_value::{GroupKey, Value};

use super::{build, flat_map, Operator, Row};
use crate::context::ExecContext;
use crate::error::{ExecError, Result};
use crate::eval::{eval, truthy};
use namidb_query::Plan;

pub(crate) fn filter<'p>(
    input: Box<dyn Operator + 'p>,
    predicate: &'p Expr,
) -> Box<dyn Operator + 'p> {
    flat_map(
        input,
        Box::new(move |row, ctx, out| {
            if truthy(&eval(predicate, &row, ctx)?) {
                out.push(row);
            }
            Ok(())
        }),
    )
}

pub(crate) fn project<'p>(
    input: Box<dyn Operator + 'p>,
    items: &'p [(usize, Expr)],
) -> Box<dyn Operator + 'p> {
    flat_map(
        input,
        Box::new(move |mut row, ctx, out| {
            for (slot, expr) in items {
                row[*slot] = eval(expr, &row, ctx)?;
            }
            out.push(row);
            Ok(())
        }),
    )
}

pub(crate) fn unwind<'p>(
    input: Box<dyn Operator + 'p>,
    list: &'p Expr,
    slot: usize,
) -> Box<dyn Operator + 'p> {
    flat_map(
        input,
        Box::new(move |row, ctx, out| {
            match eval(list, &row, ctx)? {
                Value::Null => {}
                Value::List(items) => {
                    for item in items.iter() {
                        let mut r = row.clone();
                        r[slot] = item.clone();
                        out.push(r);
                    }
                }
                other => {
                    let mut r = row;
                    r[slot] = other;
                    out.push(r);
                }
            }
            Ok(())
        }),
    )
}

/// `OPTIONAL MATCH` (`optional`) and `CALL {}` (not `optional`).
pub(crate) fn apply<'p>(
    input: Box<dyn Operator + 'p>,
    inner: &'p Plan,
    optional: bool,
) -> Box<dyn Operator + 'p> {
    flat_map(
        input,
        Box::new(move |row, ctx, out| {
            let before = out.len();
            let mut op = build(inner, &row, ctx);
            while let Some(batch) = op.next(ctx)? {
                out.extend(batch);
            }
            if optional && out.len() == before {
                out.push(row);
            }
            Ok(())
        }),
    )
}

pub(crate) fn produce<'p>(
    input: Box<dyn Operator + 'p>,
    columns: &'p [usize],
) -> Box<dyn Operator + 'p> {
    flat_map(
        input,
        Box::new(move |row, _ctx, out| {
            out.push(columns.iter().map(|c| row.get(*c).cloned().unwrap_or(Value::Null)).collect());
            Ok(())
        }),
    )
}

pub(crate) fn procedure_call<'p>(
    input: Box<dyn Operator + 'p>,
    name: &'p str,
    args: &'p [Expr],
    yields: &'p [(usize, usize)],
    void: bool,
) -> Box<dyn Operator + 'p> {
    flat_map(
        input,
        Box::new(move |row, ctx, out| {
            let values = args.iter().map(|a| eval(a, &row, ctx)).collect::<Result<Vec<_>>>()?;
            let results = ctx.procedures.call(name, &values)?;
            if void {
                out.push(row);
                return Ok(());
            }
            for result in results {
                let mut r = row.clone();
                for (field, slot) in yields {
                    r[*slot] = result.get(*field).cloned().unwrap_or(Value::Null);
                }
                out.push(r);
            }
            Ok(())
        }),
    )
}

/// Drops rows whose `slots` repeat an earlier row's (or, for no slots, the whole row's).
pub(crate) fn distinct<'p>(
    input: Box<dyn Operator + 'p>,
    slots: Option<&'p [usize]>,
) -> Box<dyn Operator + 'p> {
    let mut seen: HashSet<Vec<GroupKey>> = HashSet::new();
    flat_map(
        input,
        Box::new(move |row, _ctx, out| {
            let key: Vec<GroupKey> = match slots {
                Some(slots) => slots.iter().map(|s| GroupKey(row[*s].clone())).collect(),
                None => row.iter().cloned().map(GroupKey).collect(),
            };
            if seen.insert(key) {
                out.push(row);
            }
            Ok(())
        }),
    )
}

pub(crate) fn count_of(expr: &Expr, ctx: &ExecContext<'_>, what: &str) -> Result<usize> {
    match eval(expr, &vec![Value::Null; ctx.width], ctx)? {
        Value::Int(n) if n >= 0 => Ok(n as usize),
        Value::Float(f) if f >= 0.0 && f.fract() == 0.0 => Ok(f as usize),
        other => Err(ExecError::argument(
            if matches!(other, Value::Int(_)) {
                "NegativeIntegerArgument"
            } else {
                "InvalidArgumentType"
            },
            format!("{what} must be a non-negative integer, got {other}"),
        )),
    }
}

/// `SKIP` (`skip`) or `LIMIT`.
struct SkipLimit<'p> {
    input: Box<dyn Operator + 'p>,
    count: &'p Expr,
    skip: bool,
    remaining: Option<usize>,
    /// Whether the input writes: then it runs to the end even when no more rows are wanted.
    drain_writes: bool,
}

impl Operator for SkipLimit<'_> {
    fn next(&mut self, ctx: &ExecContext<'_>) -> Result<Option<Vec<Row>>> {
        if self.remaining.is_none() {
            self.remaining =
                Some(count_of(self.count, ctx, if self.skip { "SKIP" } else { "LIMIT" })?);
        }
        loop {
            let remaining = self.remaining.unwrap_or(0);
            if !self.skip && remaining == 0 {
                if self.drain_writes {
                    while self.input.next(ctx)?.is_some() {}
                }
                return Ok(None);
            }
            let Some(mut batch) = self.input.next(ctx)? else { return Ok(None) };
            if self.skip {
                if remaining == 0 {
                    return Ok(Some(batch));
                }
                let n = remaining.min(batch.len());
                batch.drain(..n);
                self.remaining = Some(remaining - n);
                if !batch.is_empty() {
                    return Ok(Some(batch));
                }
            } else {
                batch.truncate(remaining);
                self.remaining = Some(remaining - batch.len());
                return Ok(Some(batch));
            }
        }
    }
}

pub(crate) fn skip_limit<'p>(
    input: Box<dyn Operator + 'p>,
    count: &'p Expr,
    skip: bool,
    drain_writes: bool,
) -> Box<dyn Operator + 'p> {
    Box::new(SkipLimit { input, count, skip, remaining: None, drain_writes })
}

/// Drains an operator.
fn all_rows(op: &mut Box<dyn Operator + '_>, ctx: &ExecContext<'_>) -> Result<Vec<Row>> {
    let mut out = Vec::new();
    while let Some(batch) = op.next(ctx)? {
        out.extend(batch);
    }
    Ok(out)
}

/// What a blocking operator computes from all its input rows.
type BlockFn<'p> = Box<dyn FnMut(Vec<Row>, &ExecContext<'_>) -> Result<Vec<Row>> + 'p>;

/// A blocking operator: computes all its rows on first pull.
struct Blocking<'p> {
    input: Option<Box<dyn Operator + 'p>>,
    compute: BlockFn<'p>,
    output: Option<std::vec::IntoIter<Row>>,
}

impl Operator for Blocking<'_> {
    fn next(&mut self, ctx: &ExecContext<'_>) -> Result<Option<Vec<Row>>> {
        if let Some(mut input) = self.input.take() {
            let rows = all_rows(&mut input, ctx)?;
            self.output = Some((self.compute)(rows, ctx)?.into_iter());
        }
        let Some(output) = self.output.as_mut() else { return Ok(None) };
        let batch: Vec<Row> = output.by_ref().take(super::BATCH_ROWS).collect();
        Ok((!batch.is_empty()).then_some(batch))
    }
}

pub(crate) fn blocking<'p>(
    input: Box<dyn Operator + 'p>,
    compute: BlockFn<'p>,
) -> Box<dyn Operator + 'p> {
    Box::new(Blocking { input: Some(input), compute, output: None })
}

/// The order of two rows' sort keys (`keys` says which are descending).
pub(crate) fn compare_keys(a: &[Value], b: &[Value], keys: &[(Expr, bool)]) -> std::cmp::Ordering {
    for ((x, y), (_, descending)) in a.iter().zip(b).zip(keys) {
        let o = order(x, y);
        let o = if *descending { o.reverse() } else { o };
        if o.is_ne() {
            return o;
        }
    }
    std::cmp::Ordering::Equal
}

pub(crate) fn sort<'p>(
    input: Box<dyn Operator + 'p>,
    keys: &'p [(Expr, bool)],
) -> Box<dyn Operator + 'p> {
    blocking(
        input,
        Box::new(move |rows, ctx| {
            let mut keyed = Vec::with_capacity(rows.len());
            for row in rows {
                let k = keys.iter().map(|(e, _)| eval(e, &row, ctx)).collect::<Result<Vec<_>>>()?;
                keyed.push((k, row));
            }
            keyed.sort_by(|(a, _), (b, _)| compare_keys(a, b, keys));
            Ok(keyed.into_iter().map(|(_, r)| r).collect())
        }),
    )
}

pub(crate) fn union<'p>(
    left: &'p Plan,
    right: &'p Plan,
    all: bool,
    argument: &Row,
    ctx: &ExecContext<'_>,
) -> Box<dyn Operator + 'p> {
    let both = Box::new(Chain {
        first: Some(build(left, argument, ctx)),
        second: build(right, argument, ctx),
    });
    if all {
        both
    } else {
        distinct(both, None)
    }
}

struct Chain<'p> {
    first: Option<Box<dyn Operator + 'p>>,
    second: Box<dyn Operator + 'p>,
}

impl Operator for Chain<'_> {
    fn next(&mut self, ctx: &ExecContext<'_>) -> Result<Option<Vec<Row>>> {
        if let Some(first) = self.first.as_mut() {
            if let Some(batch) = first.next(ctx)? {
                return Ok(Some(batch));
            }
            self.first = None;
        }
        self.second.next(ctx)
    }
}
