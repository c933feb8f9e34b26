//! EXPLAIN and PROFILE at the facade: the plan a statement would run, and a run of it measured
//! as a whole (rows, wall time, object-store requests and bytes).
//!
//! The executor does not yet time operators one by one, so PROFILE reports the statement's
//! totals under the plan; the request counts are those of this database handle during the
//! run (a concurrent statement on the same handle is counted too).

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use namidb_objstore::OpKind;
use namidb_value::Value;

use crate::database::{Database, QueryResult};
use crate::error::Result;

/// What PROFILE measured.
#[derive(Debug, Clone)]
pub struct Profile {
    /// The plan that ran (as EXPLAIN prints it).
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

impl Database {
    /// The plan of `query` as an indented operator tree (parameters need not be supplied).
    pub fn explain(&self, query: &str) -> Result<String> {
        let bound = self.compile(query, &|_| true)?;
        Ok(namidb_query::explain::explain(&bound.plan))
    }

    /// Runs `query` and reports its plan, rows, time and object-store traffic.
    pub fn profile(&self, query: &str, params: &BTreeMap<String, Value>) -> Result<Profile> {
        let started = Instant::now();
        let bound = self.compile(query, &|name| params.contains_key(name))?;
        let plan = namidb_query::explain::explain(&bound.plan);
        let metrics = || self.store().db().bucket().metrics();
        let before = metrics();
        let result = self.execute_bound(&bound, params)?;
        let elapsed = started.elapsed();
        let delta = metrics().since(&before);
        let gets = delta.op(OpKind::Get).requests + delta.op(OpKind::GetRange).requests;
        let (mut bytes_read, mut bytes_written) = (0, 0);
        for op in OpKind::ALL {
            bytes_read += delta.op(op).bytes_read;
            bytes_written += delta.op(op).bytes_written;
        }
        Ok(Profile {
            plan,
            result,
            elapsed,
            gets,
            requests: delta.total_requests(),
            bytes_read,
            bytes_written,
        })
    }
}
