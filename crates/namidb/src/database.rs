//! [`Database`]: open a namespace, run Cypher statements, maintain the LSM.
//!
//! A statement runs on a snapshot with its writes kept aside; at its end they commit as one
//! batch whose precondition is that nothing changed since the snapshot. When another writer
//! (in this process or another) committed first, the statement runs again on the newer state,
//! so `MATCH (c:Counter) SET c.n = c.n + 1` from two processes never loses an increment.

use std::collections::BTreeMap;
use std::sync::Arc;

use bytes::Bytes;
use namidb_cypher_syntax::ast::ExplainMode;
use namidb_exec::graph::TxGraph;
use namidb_exec::materialize::materialize;
use namidb_exec::pipeline::projection::DEFAULT_PROJECTION_BUDGET;
use namidb_exec::pipeline::ProjectionCache;
use namidb_exec::profile::Profiler;
use namidb_exec::{operators, ExecContext};
use namidb_graph::schema::GraphSchema;
use namidb_graph::{GraphSnapshot, GraphStore, LsmOptions};
use namidb_query::{bind_statement, ProcedureSignature};
use namidb_storage::{DbOptions, Precondition, StorageError};
use namidb_value::temporal::Clock;
use namidb_value::{ResultValue, Value};
use tokio::runtime::Runtime;

use crate::batch::Batch;
use crate::error::{Error, ErrorKind, Phase, Result};
use crate::procedures::{ProcedureFn, ProcedureRegistry};
use crate::profile::explain_result;
use crate::statistics::{PlannerStatistics, StatementCatalog};

/// How often a statement is re-run after losing to a concurrent writer before giving up.
pub const MAX_STATEMENT_ATTEMPTS: usize = 1000;

/// Whether a commit went in.
pub(crate) enum Committed {
    /// It did.
    Yes,
    /// Another writer committed first; run again on the newer state.
    LostRace,
}

/// The error after [`MAX_STATEMENT_ATTEMPTS`] lost races.
pub(crate) fn lost_too_often() -> Error {
    Error::new(
        ErrorKind::Storage,
        Phase::Runtime,
        format!("statement lost to concurrent writers {MAX_STATEMENT_ATTEMPTS} times"),
    )
}

/// Options for [`Database::open_with`].
#[derive(Debug, Clone, Default)]
pub struct OpenOptions {
    /// Storage spine options.
    pub db: DbOptions,
    /// LSM options (cache budget, flush and compaction policy, background task).
    pub lsm: LsmOptions,
    /// Bytes the pipelined executor's projection of the graph may take (beside the LSM
    /// cache); `None` is 1 GiB, `Some(0)` runs every statement on the row executor.
    pub projection_budget: Option<u64>,
}

/// A statement's result.
#[derive(Debug, Clone, PartialEq)]
pub struct QueryResult {
    /// Column names, in `RETURN` order.
    pub columns: Vec<String>,
    /// Rows, one value per column.
    pub rows: Vec<Vec<ResultValue>>,
}

/// An open database namespace. Cheap to clone; safe to share between threads. Its methods
/// block: call them from ordinary threads, not from inside an async runtime.
#[derive(Clone)]
pub struct Database {
    store: GraphStore,
    runtime: Arc<Runtime>,
    procedures: ProcedureRegistry,
    projections: Arc<ProjectionCache>,
}

impl std::fmt::Debug for Database {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Database").field("store", &self.store).finish()
    }
}

impl Database {
    /// Opens (creating if needed) the namespace at `uri` (`memory://…`, `file://…`, `s3://…`).
    pub fn open(uri: &str) -> Result<Database> {
        Database::open_with(uri, OpenOptions::default())
    }

    /// Opens with explicit options.
    pub fn open_with(uri: &str, options: OpenOptions) -> Result<Database> {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .thread_name("namidb-io")
            .build()
            .map_err(|e| {
                Error::new(
                    ErrorKind::Storage,
                    Phase::Runtime,
                    format!("cannot start I/O runtime: {e}"),
                )
            })?;
        let store = runtime
            .block_on(GraphStore::open(uri, options.db, options.lsm))
            .map_err(Error::from_graph)?;
        let budget = options.projection_budget.unwrap_or(DEFAULT_PROJECTION_BUDGET);
        Ok(Database {
            store,
            runtime: Arc::new(runtime),
            procedures: ProcedureRegistry::default(),
            projections: Arc::new(ProjectionCache::new(budget)),
        })
    }

    /// The graph store beneath.
    pub fn store(&self) -> &GraphStore {
        &self.store
    }

    /// How many aggregations this handle (and its clones) ran on the pipelined executor.
    pub fn pipelined_aggregations(&self) -> u64 {
        self.projections.pipelined()
    }

    /// How many filtered label scans feeding row operators (with the expansions and
    /// projections above them) this handle ran on the pipelined executor.
    pub fn pipelined_scans(&self) -> u64 {
        self.projections.pipelined_chains()
    }

    /// Registers a procedure callable with `CALL`.
    pub fn register_procedure(&self, signature: ProcedureSignature, body: ProcedureFn) {
        self.procedures.register(signature, body);
    }

    /// Runs one Cypher statement with parameters.
    pub fn execute(&self, query: &str, params: &BTreeMap<String, Value>) -> Result<QueryResult> {
        let bound = self.compile(query, &|name| params.contains_key(name))?;
        self.execute_bound(&bound, params)
    }

    /// Runs a compiled statement: on a snapshot, committing its writes, again on a newer
    /// state when a concurrent writer won.
    pub(crate) fn execute_bound(
        &self,
        bound: &namidb_query::BoundStatement,
        params: &BTreeMap<String, Value>,
    ) -> Result<QueryResult> {
        self.execute_measured(bound, params, None)
    }

    /// [`Database::execute_bound`], each operator measured by `profiler` when given (over
    /// every run, when a lost commit race re-runs the statement).
    pub(crate) fn execute_measured(
        &self,
        bound: &namidb_query::BoundStatement,
        params: &BTreeMap<String, Value>,
        profiler: Option<&Profiler>,
    ) -> Result<QueryResult> {
        let mut snapshot = self.store.snapshot();
        for _ in 0..MAX_STATEMENT_ATTEMPTS {
            let graph = self.tx_graph(snapshot);
            let result = self.run_on(&graph, bound, params, profiler)?;
            if !graph.has_writes() {
                return Ok(result);
            }
            match self.commit(graph)? {
                Committed::Yes => return Ok(result),
                Committed::LostRace => snapshot = self.latest_snapshot()?,
            }
        }
        Err(lost_too_often())
    }

    /// Starts a batch: statements that see each other's writes and commit together (or not at
    /// all) when [`Batch::commit`] is called.
    pub fn batch(&self) -> Batch {
        Batch::new(self.clone())
    }

    /// Parses and binds `query`; `has_param` says which parameters are supplied.
    pub(crate) fn compile(
        &self,
        query: &str,
        has_param: &dyn Fn(&str) -> bool,
    ) -> Result<namidb_query::BoundStatement> {
        let statement = namidb_cypher_syntax::parse_statement(query)
            .map_err(|e| Error::from_syntax(&e, query))?;
        let catalog = StatementCatalog {
            procedures: &self.procedures,
            statistics: self.planner_statistics(),
        };
        bind_statement(&statement, &catalog, has_param).map_err(Error::from_plan)
    }

    /// A fresh transaction view over `snapshot`.
    pub(crate) fn tx_graph(&self, snapshot: GraphSnapshot) -> TxGraph {
        TxGraph::new(snapshot, self.runtime.handle().clone())
    }

    /// The newest committed state.
    pub(crate) fn latest_snapshot(&self) -> Result<GraphSnapshot> {
        self.runtime.block_on(self.store.latest_snapshot()).map_err(Error::from_graph)
    }

    /// Runs a bound statement on `graph`, whose pending writes it extends; under `EXPLAIN`
    /// the result is the plan, under `PROFILE` the measured plan.
    pub(crate) fn run_on(
        &self,
        graph: &TxGraph,
        bound: &namidb_query::BoundStatement,
        params: &BTreeMap<String, Value>,
        profiler: Option<&Profiler>,
    ) -> Result<QueryResult> {
        match bound.explain {
            Some(ExplainMode::Explain) => {
                Ok(explain_result(&bound.plan, &PlannerStatistics::of(graph.snapshot())))
            }
            Some(ExplainMode::Profile) => self.run_profiled(graph, bound, params),
            None => self.run_plan(graph, bound, params, profiler),
        }
    }

    /// Runs a bound statement's plan on `graph`: its rows, materialized.
    pub(crate) fn run_plan(
        &self,
        graph: &TxGraph,
        bound: &namidb_query::BoundStatement,
        params: &BTreeMap<String, Value>,
        profiler: Option<&Profiler>,
    ) -> Result<QueryResult> {
        let ctx = ExecContext {
            graph,
            params,
            procedures: &self.procedures,
            width: bound.width,
            clock: Clock::now(),
            profiler,
            projections: Some(&self.projections),
        };
        let rows = operators::execute(&bound.plan, &ctx).map_err(Error::from_exec)?;
        let rows = if bound.returns {
            rows.iter()
                .map(|row| {
                    row.iter()
                        .map(|v| materialize(graph, v))
                        .collect::<namidb_exec::Result<Vec<_>>>()
                })
                .collect::<namidb_exec::Result<Vec<_>>>()
                .map_err(Error::from_exec)?
        } else {
            Vec::new()
        };
        Ok(QueryResult { columns: bound.columns.clone(), rows })
    }

    /// Commits `graph`'s writes as one batch, on condition that nothing changed since its
    /// snapshot.
    pub(crate) fn commit(&self, graph: TxGraph) -> Result<Committed> {
        let since = graph.snapshot().lsn();
        let mut batch = graph.into_batch().map_err(Error::from_exec)?.into_write_batch();
        batch.require(Precondition::RangeUnchanged { start: Bytes::new(), end: None, since });
        match self.runtime.block_on(self.store.db().commit_batch(batch)) {
            Ok(_) => Ok(Committed::Yes),
            Err(StorageError::Conflict { .. }) => Ok(Committed::LostRace),
            Err(e) => Err(Error::from_storage(e)),
        }
    }

    /// Every label, relationship type and property type the namespace may hold: the stored
    /// `schema/current.json` (after picking up other writers' commits) merged with what is not
    /// flushed yet. A property whose values had several types lists each of them.
    pub fn schema(&self) -> Result<GraphSchema> {
        self.runtime
            .block_on(async { self.store.latest_snapshot().await?.schema().await })
            .map_err(Error::from_graph)
    }

    /// Flushes the memtable to SSTs.
    pub fn flush(&self) -> Result<()> {
        self.runtime.block_on(self.store.flush()).map(|_| ()).map_err(Error::from_graph)
    }

    /// Imports `files` (node files, then relationship files) in one atomic commit and flushes
    /// them into SSTs; on any error nothing is imported.
    pub fn import(
        &self,
        files: &[namidb_import::FileSpec],
        progress: &dyn namidb_import::Progress,
    ) -> Result<namidb_import::ImportReport> {
        self.runtime
            .block_on(namidb_import::import(&self.store, files, progress))
            .map_err(Error::from_import)
    }

    /// Deletes objects no snapshot can need any more (after the grace period); returns how
    /// many objects were deleted.
    pub fn collect_garbage(&self) -> Result<namidb_graph::GcReport> {
        self.runtime.block_on(self.store.collect_garbage()).map_err(Error::from_graph)
    }

    /// What [`Database::collect_garbage`] would delete now, deleting nothing.
    pub fn garbage_report(&self) -> Result<namidb_graph::GcReport> {
        self.runtime.block_on(self.store.garbage_report()).map_err(Error::from_graph)
    }

    /// Compacts every level fully.
    pub fn compact(&self) -> Result<()> {
        self.runtime.block_on(self.store.compact_fully()).map(|_| ()).map_err(Error::from_graph)
    }

    /// Closes the handle (flushing nothing; committed data is durable already).
    pub fn close(&self) -> Result<()> {
        self.runtime.block_on(self.store.close()).map_err(Error::from_graph)
    }
}
