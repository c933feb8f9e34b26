//! EXPLAIN and PROFILE at the facade.
//!
//! - `EXPLAIN <statement>` (in any API) returns the plan without running it: one row per
//!   operator, column `operator` (inputs indented below) and `estimated_rows` (from the
//!   statistics the SSTs carry in the manifest; fixed guesses where there are none).
//! - `PROFILE <statement>` runs it (its writes commit as usual) and returns, instead of its
//!   rows, one row per operator: `rows` produced, `time_ms` spent in the operator itself and
//!   `total_ms` including its inputs, and the object-store `requests` and `bytes_read` the
//!   operator itself caused, and the `estimated_rows` EXPLAIN shows. Time in a subquery of an expression (a pattern predicate, `COUNT
//!   {}`) counts as the time of the operator evaluating it.
//! - [`Database::profile`] does the same and also keeps the statement's own result.
//!
//! Request counts are this database handle's: a concurrent statement on the same handle is
//! counted too.

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use namidb_exec::graph::TxGraph;
use namidb_exec::profile::{OperatorStats, Profiler, Traffic};
use namidb_objstore::OpKind;
use namidb_query::explain::{estimated_lines, explain_estimated};
use namidb_query::Statistics;
use namidb_query::{BoundStatement, Plan};
use namidb_value::{ResultValue, Value};

use crate::database::{Database, QueryResult};
use crate::error::Result;
use crate::statistics::PlannerStatistics;

/// What PROFILE measured.
#[derive(Debug, Clone)]
pub struct Profile {
    /// The plan that ran, one operator per line, each with its rows, time and requests.
    pub plan: String,
    /// The statement's result.
    pub result: QueryResult,
    /// Wall time, parse to commit.
    pub elapsed: Duration,
    /// GET requests (whole and ranged) sent to the object store.
    pub gets: u64,
    /// All requests sent to the object store.
    pub requests: u64,
    /// Bytes received from the object store.
    pub bytes_read: u64,
    /// Bytes sent to the object store.
    pub bytes_written: u64,
}

/// One operator's own figures: its inclusive ones less its inputs'.
struct OwnStats {
    rows: u64,
    own: Duration,
    total: Duration,
    requests: u64,
    bytes_read: u64,
}

fn own_stats(plan: &Plan, profiler: &Profiler) -> OwnStats {
    let all = profiler.stats(plan);
    let inputs = plan.children().into_iter().map(|c| profiler.stats(c)).fold(
        OperatorStats::default(),
        |mut sum, s| {
            sum.time += s.time;
            sum.traffic.requests += s.traffic.requests;
            sum.traffic.bytes_read += s.traffic.bytes_read;
            sum
        },
    );
    OwnStats {
        rows: all.rows,
        own: all.time.saturating_sub(inputs.time),
        total: all.time,
        requests: all.traffic.requests.saturating_sub(inputs.traffic.requests),
        bytes_read: all.traffic.bytes_read.saturating_sub(inputs.traffic.bytes_read),
    }
}

/// Milliseconds, to the microsecond.
fn millis(d: Duration) -> f64 {
    (d.as_secs_f64() * 1_000_000.0).round() / 1000.0
}

/// The result of `EXPLAIN`: the plan, one operator per row, with its estimated rows.
pub(crate) fn explain_result(plan: &Plan, stats: &dyn Statistics) -> QueryResult {
    QueryResult {
        columns: vec!["operator".into(), "estimated_rows".into()],
        rows: estimated_lines(plan, stats)
            .into_iter()
            .map(|(_, line, est)| vec![ResultValue::String(line), count(est)])
            .collect(),
    }
}

fn count(n: u64) -> ResultValue {
    ResultValue::Int(i64::try_from(n).unwrap_or(i64::MAX))
}

/// The result of `PROFILE`: the plan with each operator's figures.
fn profile_result(plan: &Plan, stats: &dyn Statistics, profiler: &Profiler) -> QueryResult {
    let columns =
        ["operator", "rows", "time_ms", "total_ms", "requests", "bytes_read", "estimated_rows"];
    let rows = estimated_lines(plan, stats)
        .into_iter()
        .map(|(node, line, est)| {
            let s = own_stats(node, profiler);
            vec![
                ResultValue::String(line),
                count(s.rows),
                ResultValue::Float(millis(s.own)),
                ResultValue::Float(millis(s.total)),
                count(s.requests),
                count(s.bytes_read),
                count(est),
            ]
        })
        .collect();
    QueryResult { columns: columns.map(String::from).to_vec(), rows }
}

/// The plan as text with each operator's figures at the end of its line.
fn annotated_plan(plan: &Plan, stats: &dyn Statistics, profiler: &Profiler) -> String {
    let lines = estimated_lines(plan, stats);
    let width = lines.iter().map(|(_, l, _)| l.chars().count()).max().unwrap_or(0);
    let mut out = String::new();
    for (node, line, est) in lines {
        let s = own_stats(node, profiler);
        out.push_str(&format!(
            "{line:<width$}  rows={} est={est} time={:.2}ms total={:.2}ms requests={} bytes={}\n",
            s.rows,
            millis(s.own),
            millis(s.total),
            s.requests,
            s.bytes_read
        ));
    }
    out
}

impl Database {
    /// The plan of `query` as an indented operator tree with estimated rows (parameters need
    /// not be supplied).
    pub fn explain(&self, query: &str) -> Result<String> {
        let bound = self.compile(query, &|_| true)?;
        Ok(explain_estimated(&bound.plan, &self.planner_statistics()))
    }

    /// The statistics the planner sees now (no snapshot registered, no request).
    pub(crate) fn planner_statistics(&self) -> PlannerStatistics {
        PlannerStatistics(self.store().statistics())
    }

    /// A profiler counting this handle's object-store requests.
    fn profiler(&self) -> Profiler {
        let bucket = self.store().db().bucket().clone();
        Profiler::new(move || {
            let m = bucket.metrics();
            let bytes_read = OpKind::ALL.iter().map(|op| m.op(*op).bytes_read).sum();
            Traffic { requests: m.total_requests(), bytes_read }
        })
    }

    /// Runs `bound` under PROFILE on `graph`: the per-operator table as the result.
    pub(crate) fn run_profiled(
        &self,
        graph: &TxGraph,
        bound: &BoundStatement,
        params: &BTreeMap<String, Value>,
    ) -> Result<QueryResult> {
        let profiler = self.profiler();
        self.run_plan(graph, bound, params, Some(&profiler))?;
        let stats = PlannerStatistics::of(graph.snapshot());
        Ok(profile_result(&bound.plan, &stats, &profiler))
    }

    /// Runs `query` and reports its plan with each operator's rows, time and object-store
    /// traffic, and the statement's totals.
    pub fn profile(&self, query: &str, params: &BTreeMap<String, Value>) -> Result<Profile> {
        let started = Instant::now();
        let mut bound = self.compile(query, &|name| params.contains_key(name))?;
        bound.explain = None;
        let profiler = self.profiler();
        let metrics = || self.store().db().bucket().metrics();
        let before = metrics();
        let result = self.execute_measured(&bound, params, Some(&profiler))?;
        let elapsed = started.elapsed();
        let delta = metrics().since(&before);
        let gets = delta.op(OpKind::Get).requests + delta.op(OpKind::GetRange).requests;
        let (mut bytes_read, mut bytes_written) = (0, 0);
        for op in OpKind::ALL {
            bytes_read += delta.op(op).bytes_read;
            bytes_written += delta.op(op).bytes_written;
        }
        Ok(Profile {
            plan: annotated_plan(&bound.plan, &self.planner_statistics(), &profiler),
            result,
            elapsed,
            gets,
            requests: delta.total_requests(),
            bytes_read,
            bytes_written,
        })
    }
}
