//! EXPLAIN and PROFILE at the facade.
//!
//! - `EXPLAIN <statement>` (in any API) returns the plan without running it: one row per
//!   operator, column `operator`, inputs indented below.
//! - `PROFILE <statement>` runs it (its writes commit as usual) and returns, instead of its
//!   rows, one row per operator: `rows` produced, `time_ms` spent in the operator itself and
//!   `total_ms` including its inputs, and the object-store `requests` and `bytes_read` the
//!   operator itself caused. Time in a subquery of an expression (a pattern predicate, `COUNT
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
use namidb_query::explain::explain_lines;
use namidb_query::{BoundStatement, Plan};
use namidb_value::{ResultValue, Value};

use crate::database::{Database, QueryResult};
use crate::error::Result;

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

/// The result of `EXPLAIN`: the plan, one operator per row.
pub(crate) fn explain_result(plan: &Plan) -> QueryResult {
    QueryResult {
        columns: vec!["operator".into()],
        rows: explain_lines(plan)
            .into_iter()
            .map(|(_, line)| vec![ResultValue::String(line)])
            .collect(),
    }
}

/// The result of `PROFILE`: the plan with each operator's figures.
fn profile_result(plan: &Plan, profiler: &Profiler) -> QueryResult {
    let columns = ["operator", "rows", "time_ms", "total_ms", "requests", "bytes_read"];
    let rows = explain_lines(plan)
        .into_iter()
        .map(|(node, line)| {
            let s = own_stats(node, profiler);
            vec![
                ResultValue::String(line),
                ResultValue::Int(s.rows as i64),
                ResultValue::Float(millis(s.own)),
                ResultValue::Float(millis(s.total)),
                ResultValue::Int(s.requests as i64),
                ResultValue::Int(s.bytes_read as i64),
            ]
        })
        .collect();
    QueryResult { columns: columns.map(String::from).to_vec(), rows }
}

/// The plan as text with each operator's figures at the end of its line.
fn annotated_plan(plan: &Plan, profiler: &Profiler) -> String {
    let lines = explain_lines(plan);
    let width = lines.iter().map(|(_, l)| l.chars().count()).max().unwrap_or(0);
    let mut out = String::new();
    for (node, line) in lines {
        let s = own_stats(node, profiler);
        out.push_str(&format!(
            "{line:<width$}  rows={} time={:.2}ms total={:.2}ms requests={} bytes={}\n",
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
    /// The plan of `query` as an indented operator tree (parameters need not be supplied).
    pub fn explain(&self, query: &str) -> Result<String> {
        let bound = self.compile(query, &|_| true)?;
        Ok(namidb_query::explain::explain(&bound.plan))
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
        Ok(profile_result(&bound.plan, &profiler))
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
            plan: annotated_plan(&bound.plan, &profiler),
            result,
            elapsed,
            gets,
            requests: delta.total_requests(),
            bytes_read,
            bytes_written,
        })
    }
}
