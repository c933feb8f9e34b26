//! The query executor: runs a bound plan against one statement's view of the graph.
//!
//! - [`graph::TxGraph`]: the statement's view — a snapshot plus its own writes, turned into one
//!   batch at the end;
//! - [`operators`]: pull-based operators over batches of rows ([`operators::execute`]);
//! - [`eval`]: expressions, operators and scalar functions; [`aggregate`]: accumulators;
//! - `adjacency_cache`: the snapshot adjacency a statement already expanded;
//! - [`lookup_keys`]: the keys `NodeByProperty` probes with;
//! - [`materialize`]: result values with their graph elements read out;
//! - [`profile`]: per-operator rows, time and object-store traffic for PROFILE;
//! - [`pipeline`]: aggregations over scan/expand/filter chains run as loop nests over a
//!   columnar projection of the graph, on every core.
//!
//! Architecture invariant: knows plans, values and the graph store's read/write API; knows
//! nothing of Cypher text, sessions or commit retries (the facade owns those).
//! API boundary: [`operators::execute`], [`graph::TxGraph`], [`ExecContext`], [`Procedures`],
//! [`ExecError`], [`materialize::materialize`], [`profile::Profiler`],
//! [`pipeline::ProjectionCache`].

mod adjacency_cache;
pub mod aggregate;
mod context;
pub mod convert;
mod error;
pub mod eval;
pub mod graph;
pub mod lookup_keys;
pub mod materialize;
pub mod operators;
pub mod pipeline;
pub mod profile;
mod temporal_ops;

pub use context::{ExecContext, Procedures};
pub use error::{ExecError, Result};
