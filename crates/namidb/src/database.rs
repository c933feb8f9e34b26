//! [`Database`]: open a namespace, run Cypher statements, maintain the LSM.
//!
//! A statement runs on a snapshot with its writes kept aside; at its end they commit as one
//! batch whose precondition is that nothing changed since the snapshot. When another writer
//! (in this process or another) committed first, the statement runs again on the newer state,
//! so `MATCH (c:Counter) SET c.n = c.n + 1` from two processes never loses an increment.

use std::collections::BTreeMap;
use std::sync::Arc;

use bytes::Bytes;
use namidb_exec::graph::TxGraph;
use namidb_exec::materialize::materialize;
use namidb_exec::{operators, ExecContext};
use namidb_graph::{GraphSnapshot, GraphStore, LsmOptions};
use namidb_query::{bind_statement, ProcedureSignature};
use namidb_storage::{DbOptions, Precondition, StorageError};
use namidb_value::temporal::Clock;
use namidb_value::{ResultValue, Value};
use tokio::runtime::Runtime;

use crate::error::{Error, ErrorKind, Phase, Result};
use crate::procedures::{ProcedureFn, ProcedureRegistry};

/// How often a statement is re-run after losing to a concurrent writer before giving up.
pub const MAX_STATEMENT_ATTEMPTS: usize = 1000;

/// Options for [`Database::open_with`].
#[derive(Debug, Clone, Default)]
pub struct OpenOptions {
    /// Storage spine options.
    pub db: DbOptions,
    /// LSM options (cache budget, flush and compaction policy, background task).
    pub lsm: LsmOptions,
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
        Ok(Database { store, runtime: Arc::new(runtime), procedures: ProcedureRegistry::default() })
    }

    /// The graph store beneath.
    pub fn store(&self) -> &GraphStore {
        &self.store
    }

    /// Registers a procedure callable with `CALL`.
    pub fn register_procedure(&self, signature: ProcedureSignature, body: ProcedureFn) {
        self.procedures.register(signature, body);
    }

    /// Runs one Cypher statement with parameters.
    pub fn execute(&self, query: &str, params: &BTreeMap<String, Value>) -> Result<QueryResult> {
        let statement = namidb_cypher_syntax::parse_statement(query)
            .map_err(|e| Error::from_syntax(&e, query))?;
        let bound = bind_statement(&statement, &self.procedures, &|name| params.contains_key(name))
            .map_err(Error::from_plan)?;
        let mut snapshot = self.store.snapshot();
        for _ in 0..MAX_STATEMENT_ATTEMPTS {
            match self.run_once(&bound, params, snapshot)? {
                Ok(result) => return Ok(result),
                Err(()) => {
                    snapshot = self
                        .runtime
                        .block_on(self.store.latest_snapshot())
                        .map_err(Error::from_graph)?;
                }
            }
        }
        Err(Error::new(
            ErrorKind::Storage,
            Phase::Runtime,
            format!("statement lost to concurrent writers {MAX_STATEMENT_ATTEMPTS} times"),
        ))
    }

    /// One attempt: `Ok(Err(()))` when the commit lost to a concurrent writer.
    fn run_once(
        &self,
        bound: &namidb_query::BoundStatement,
        params: &BTreeMap<String, Value>,
        snapshot: GraphSnapshot,
    ) -> Result<std::result::Result<QueryResult, ()>> {
        let since = snapshot.lsn();
        let graph = TxGraph::new(snapshot, self.runtime.handle().clone());
        let ctx = ExecContext {
            graph: &graph,
            params,
            procedures: &self.procedures,
            width: bound.width,
            clock: Clock::now(),
        };
        let rows = operators::execute(&bound.plan, &ctx).map_err(Error::from_exec)?;
        let rows = if bound.returns {
            rows.iter()
                .map(|row| {
                    row.iter()
                        .map(|v| materialize(&graph, v))
                        .collect::<namidb_exec::Result<Vec<_>>>()
                })
                .collect::<namidb_exec::Result<Vec<_>>>()
                .map_err(Error::from_exec)?
        } else {
            Vec::new()
        };
        let result = QueryResult { columns: bound.columns.clone(), rows };
        if !graph.has_writes() {
            return Ok(Ok(result));
        }
        let mut batch = graph.into_batch().map_err(Error::from_exec)?.into_write_batch();
        batch.require(Precondition::RangeUnchanged { start: Bytes::new(), end: None, since });
        match self.runtime.block_on(self.store.db().commit_batch(batch)) {
            Ok(_) => Ok(Ok(result)),
            Err(StorageError::Conflict { .. }) => Ok(Err(())),
            Err(e) => Err(Error::from_storage(e)),
        }
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

    /// Compacts every level fully.
    pub fn compact(&self) -> Result<()> {
        self.runtime.block_on(self.store.compact_fully()).map(|_| ()).map_err(Error::from_graph)
    }

    /// Closes the handle (flushing nothing; committed data is durable already).
    pub fn close(&self) -> Result<()> {
        self.runtime.block_on(self.store.close()).map_err(Error::from_graph)
    }
}
