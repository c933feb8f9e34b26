//! `TopN`: the first rows by sort keys, after skipping some, keeping only `skip + limit`
//! candidates while it reads.
//!
//! Rows are buffered with their keys and their input position; whenever the buffer holds
//! twice the rows wanted, a selection keeps the best half. Ties are broken by input
//! position, so the rows returned are exactly those a stable sort followed by `SKIP` and
//! `LIMIT` would return, in the same order. `LIMIT 0` reads nothing (as `Limit` does), unless
//! the input writes: then it runs to the end.

use namidb_query::Expr;
use namidb_value::Value;

use super::relational::{compare_keys, count_of};
use super::{Operator, Row, BATCH_ROWS};
use crate::context::ExecContext;
use crate::error::Result;
use crate::eval::eval;

/// The fewest buffered rows worth a selection.
const SELECT_AT_LEAST: usize = 256;

/// A buffered row: its keys, its input position, the row.
type Candidate = (Vec<Value>, usize, Row);

struct TopN<'p> {
    input: Box<dyn Operator + 'p>,
    keys: &'p [(Expr, bool)],
    skip: Option<&'p Expr>,
    limit: &'p Expr,
    /// Whether the input writes: then it runs to the end even when no row is wanted.
    drain_writes: bool,
    /// The rows to hand out, once computed.
    output: Option<std::vec::IntoIter<Row>>,
}

impl TopN<'_> {
    fn compute(&mut self, ctx: &ExecContext<'_>) -> Result<Vec<Row>> {
        let limit = count_of(self.limit, ctx, "LIMIT")?;
        if limit == 0 {
            if self.drain_writes {
                while self.input.next(ctx)?.is_some() {}
            }
            return Ok(Vec::new());
        }
        let skip = match self.skip {
            Some(count) => count_of(count, ctx, "SKIP")?,
            None => 0,
        };
        let keep = skip.saturating_add(limit);
        let keys = self.keys;
        let by_keys =
            |a: &Candidate, b: &Candidate| compare_keys(&a.0, &b.0, keys).then(a.1.cmp(&b.1));
        let mut buffer: Vec<Candidate> = Vec::new();
        let mut position = 0;
        while let Some(batch) = self.input.next(ctx)? {
            for row in batch {
                let k = keys.iter().map(|(e, _)| eval(e, &row, ctx)).collect::<Result<Vec<_>>>()?;
                buffer.push((k, position, row));
                position += 1;
                if buffer.len() >= keep.saturating_mul(2).max(SELECT_AT_LEAST) {
                    buffer.select_nth_unstable_by(keep - 1, by_keys);
                    buffer.truncate(keep);
                }
            }
        }
        buffer.sort_unstable_by(by_keys);
        Ok(buffer.into_iter().skip(skip).take(limit).map(|(_, _, row)| row).collect())
    }
}

impl Operator for TopN<'_> {
    fn next(&mut self, ctx: &ExecContext<'_>) -> Result<Option<Vec<Row>>> {
        if self.output.is_none() {
            let rows = self.compute(ctx)?;
            self.output = Some(rows.into_iter());
        }
        let Some(output) = self.output.as_mut() else { return Ok(None) };
        let batch: Vec<Row> = output.by_ref().take(BATCH_ROWS).collect();
        Ok((!batch.is_empty()).then_some(batch))
    }
}

pub(crate) fn top_n<'p>(
    input: Box<dyn Operator + 'p>,
    keys: &'p [(Expr, bool)],
    skip: Option<&'p Expr>,
    limit: &'p Expr,
    drain_writes: bool,
) -> Box<dyn Operator + 'p> {
    Box::new(TopN { input, keys, skip, limit, drain_writes, output: None })
}
