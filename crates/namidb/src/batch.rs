//! [`Batch`]: several statements that commit together through one `commit_batch`, or not at
//! all.
//!
//! Every statement of a batch runs on one transaction view, so each sees the writes of the
//! ones before it. [`Batch::commit`] writes them in one conditional commit; when another writer
//! committed first, the batch's statements run again, in order, on the newer state (their
//! results from that re-run are discarded: the results returned by [`Batch::execute`] are those
//! of the first run). A statement that fails spoils the batch: nothing of it can be committed.

use std::collections::BTreeMap;

use namidb_exec::graph::TxGraph;
use namidb_value::Value;

use crate::database::{lost_too_often, Committed, Database, QueryResult, MAX_STATEMENT_ATTEMPTS};
use crate::error::{Error, ErrorKind, Phase, Result};

/// Statements that commit together. Dropping a batch without committing applies nothing.
pub struct Batch {
    db: Database,
    graph: Option<TxGraph>,
    statements: Vec<(namidb_query::BoundStatement, BTreeMap<String, Value>)>,
    failed: bool,
}

impl std::fmt::Debug for Batch {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Batch")
            .field("statements", &self.statements.len())
            .field("failed", &self.failed)
            .finish()
    }
}

impl Batch {
    pub(crate) fn new(db: Database) -> Batch {
        let graph = db.tx_graph(db.store().snapshot());
        Batch { db, graph: Some(graph), statements: Vec::new(), failed: false }
    }

    /// How many statements ran in the batch so far.
    pub fn len(&self) -> usize {
        self.statements.len()
    }

    /// Whether no statement ran yet.
    pub fn is_empty(&self) -> bool {
        self.statements.is_empty()
    }

    /// Runs `query` inside the batch. On error the batch is spoiled and its commit fails.
    pub fn execute(
        &mut self,
        query: &str,
        params: &BTreeMap<String, Value>,
    ) -> Result<QueryResult> {
        self.check_usable()?;
        let run = self.db.compile(query, &|name| params.contains_key(name)).and_then(|bound| {
            let graph = self.graph.as_ref().ok_or_else(finished)?;
            let result = self.db.run_on(graph, &bound, params, None)?;
            Ok((bound, result))
        });
        match run {
            Ok((bound, result)) => {
                self.statements.push((bound, params.clone()));
                Ok(result)
            }
            Err(e) => {
                self.failed = true;
                Err(e)
            }
        }
    }

    /// Commits every statement's writes at once. Fails (applying nothing) when a statement of
    /// the batch failed.
    pub fn commit(mut self) -> Result<()> {
        self.check_usable()?;
        let mut graph = self.graph.take().ok_or_else(finished)?;
        for _ in 0..MAX_STATEMENT_ATTEMPTS {
            if !graph.has_writes() {
                return Ok(());
            }
            match self.db.commit(graph)? {
                Committed::Yes => return Ok(()),
                Committed::LostRace => {
                    graph = self.db.tx_graph(self.db.latest_snapshot()?);
                    for (bound, params) in &self.statements {
                        self.db.run_on(&graph, bound, params, None)?;
                    }
                }
            }
        }
        Err(lost_too_often())
    }

    /// Discards the batch (the same as dropping it).
    pub fn rollback(self) {}

    fn check_usable(&self) -> Result<()> {
        if self.failed {
            return Err(Error::new(
                ErrorKind::Semantic,
                Phase::Runtime,
                "a statement of this batch failed; the batch cannot commit",
            ));
        }
        Ok(())
    }
}

fn finished() -> Error {
    Error::new(ErrorKind::Semantic, Phase::Runtime, "the batch has already been committed")
}
