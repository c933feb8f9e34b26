//! Per-operator measurements for PROFILE: rows produced, time spent and object-store requests
//! made, collected while a plan runs.
//!
//! When [`ExecContext::profiler`](crate::ExecContext) is set, every operator is wrapped in one
//! that measures each of its `next` calls. The figures are *inclusive* (an operator's calls
//! include the calls it makes to its inputs and to subqueries); [`Profiler::stats`] keys them
//! by the plan node, and the caller subtracts the inputs' figures to get an operator's own.
//! Operators of a subquery plan built once per row add up across rows under the same node.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use namidb_query::Plan;

use crate::context::ExecContext;
use crate::error::Result;
use crate::operators::{Operator, Row};

/// Object-store traffic so far: requests sent and bytes received.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Traffic {
    /// Requests sent.
    pub requests: u64,
    /// Bytes received.
    pub bytes_read: u64,
}

/// What one operator did over a run (inclusive of its inputs).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct OperatorStats {
    /// Rows it produced.
    pub rows: u64,
    /// Wall time inside its `next` calls.
    pub time: Duration,
    /// Object-store traffic during its `next` calls.
    pub traffic: Traffic,
}

/// Collects [`OperatorStats`] per plan node during one run.
pub struct Profiler {
    traffic: Box<dyn Fn() -> Traffic + Send + Sync>,
    stats: Mutex<HashMap<usize, OperatorStats>>,
}

impl Profiler {
    /// A profiler reading the object-store counters with `traffic`.
    pub fn new(traffic: impl Fn() -> Traffic + Send + Sync + 'static) -> Self {
        Self { traffic: Box::new(traffic), stats: Mutex::new(HashMap::new()) }
    }

    /// What the operator of `plan` (a node of the plan that ran) did; zero if it never ran.
    pub fn stats(&self, plan: &Plan) -> OperatorStats {
        let stats = self.stats.lock().unwrap_or_else(|e| e.into_inner());
        stats.get(&key(plan)).copied().unwrap_or_default()
    }

    /// Adds `rows` to what `plan`'s operator produced (an operator fused into a pipeline,
    /// which has no calls of its own to measure).
    pub(crate) fn add_rows(&self, plan: &Plan, rows: u64) {
        let mut stats = self.stats.lock().unwrap_or_else(|e| e.into_inner());
        stats.entry(key(plan)).or_default().rows += rows;
    }

    fn record(&self, plan: usize, rows: u64, time: Duration, before: Traffic) {
        let now = (self.traffic)();
        let mut stats = self.stats.lock().unwrap_or_else(|e| e.into_inner());
        let entry = stats.entry(plan).or_default();
        entry.rows += rows;
        entry.time += time;
        entry.traffic.requests += now.requests.saturating_sub(before.requests);
        entry.traffic.bytes_read += now.bytes_read.saturating_sub(before.bytes_read);
    }
}

/// A plan node's identity for the length of a run: its address.
fn key(plan: &Plan) -> usize {
    plan as *const Plan as usize
}

/// An operator measured on behalf of `plan`.
struct Profiled<'p> {
    inner: Box<dyn Operator + 'p>,
    plan: usize,
}

impl Operator for Profiled<'_> {
    fn next(&mut self, ctx: &ExecContext<'_>) -> Result<Option<Vec<Row>>> {
        let Some(profiler) = ctx.profiler else { return self.inner.next(ctx) };
        let before = (profiler.traffic)();
        let started = Instant::now();
        let batch = self.inner.next(ctx);
        let rows = match &batch {
            Ok(Some(rows)) => rows.len() as u64,
            _ => 0,
        };
        profiler.record(self.plan, rows, started.elapsed(), before);
        batch
    }
}

/// `op`, measured as the operator of `plan` when the run is profiled.
pub(crate) fn measured<'p>(
    plan: &'p Plan,
    op: Box<dyn Operator + 'p>,
    ctx: &ExecContext<'_>,
) -> Box<dyn Operator + 'p> {
    if ctx.profiler.is_some() {
        Box::new(Profiled { inner: op, plan: key(plan) })
    } else {
        op
    }
}
