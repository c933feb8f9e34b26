//! What every operator and expression evaluation reads: the statement's graph view, the
//! parameters, the procedures, the row width, and the profiler when PROFILE runs.

use std::collections::BTreeMap;

use namidb_query::Catalog;
use namidb_value::temporal::Clock;
use namidb_value::Value;

use crate::error::Result;
use crate::graph::TxGraph;
use crate::pipeline::ProjectionCache;
use crate::profile::Profiler;

/// Procedures the executor can call (their signatures come from [`Catalog`]).
pub trait Procedures: Catalog + Send + Sync {
    /// Calls procedure `name` with `args`; returns rows of output fields in signature order.
    fn call(&self, name: &str, args: &[Value]) -> Result<Vec<Vec<Value>>>;
}

/// The context of one statement's execution.
pub struct ExecContext<'a> {
    /// The graph as the statement sees it.
    pub graph: &'a TxGraph,
    /// Parameters by name.
    pub params: &'a BTreeMap<String, Value>,
    /// Callable procedures.
    pub procedures: &'a dyn Procedures,
    /// Slots per row.
    pub width: usize,
    /// The statement's clock: `date()`, `datetime()`… read this one instant.
    pub clock: Clock,
    /// Set under PROFILE: measures every operator.
    pub profiler: Option<&'a Profiler>,
    /// Where pipelined aggregations find the graph's projection; `None` runs every operator
    /// on rows.
    pub projections: Option<&'a ProjectionCache>,
}
