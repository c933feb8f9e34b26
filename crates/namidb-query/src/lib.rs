//! Query planning: from a checked Cypher syntax tree to a plan the executor runs.
//!
//! - [`bind_statement`]: the binder (variables to row slots, patterns to scans and expansions,
//!   projections and aggregation, updating clauses, subqueries as plans over the outer row);
//! - [`optimize`]: rewrite rules over the bound plan (implied lookups, predicate pushdown,
//!   property lookups), one per file; `bind_statement` returns the optimized plan;
//! - [`plan`]: the plan operators; [`expr`]: bound expressions;
//! - [`explain`]: the plan as text (`EXPLAIN`), with [`estimate`]d rows per operator from the
//!   [`statistics`] the caller supplies;
//! - [`catalog`]: procedure signatures the binder checks calls against.
//!
//! Architecture invariant: knows Cypher's syntax tree and values, nothing of storage or of how
//! operators execute.
//! API boundary: [`bind_statement`], [`BoundStatement`], [`Plan`], [`Expr`], [`Catalog`],
//! [`ProcedureSignature`], [`Statistics`], [`PlanError`].

mod bind;
pub mod catalog;
pub mod counted_join;
mod error;
pub mod estimate;
pub mod explain;
pub mod expr;
pub mod optimize;
pub mod plan;
pub mod statistics;

pub use bind::{bind_statement, BoundStatement};
pub use catalog::{Catalog, EmptyCatalog, ProcedureSignature};
pub use error::PlanError;
pub use expr::Expr;
pub use plan::Plan;
pub use statistics::{NoStatistics, Statistics};
