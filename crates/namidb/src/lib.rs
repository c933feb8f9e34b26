//! NamiDB: a graph database whose whole state is a set of objects in a bucket.
//!
//! ```no_run
//! let db = namidb::Database::open("memory://demo").unwrap();
//! db.execute("CREATE (:Person {name: 'Ada'})", &Default::default()).unwrap();
//! let result = db.execute("MATCH (p:Person) RETURN p.name AS name", &Default::default()).unwrap();
//! assert_eq!(result.columns, ["name"]);
//! ```
//!
//! Architecture invariant: the facade owns sessions, statement retries and the public error;
//! it contains no query or storage logic of its own.
//! API boundary: [`Database`], [`Batch`], [`OpenOptions`], [`QueryResult`], [`Error`], [`ErrorKind`],
//! [`Phase`], [`ProcedureRegistry`], [`Profile`], and the re-exported value types.

mod batch;
mod database;
mod error;
mod procedures;
mod profile;
mod statistics;

pub use batch::Batch;
pub use database::{Database, OpenOptions, QueryResult, MAX_STATEMENT_ATTEMPTS};
pub use error::{Error, ErrorKind, Phase, Result};
pub use namidb_graph::schema::{ElementSchema, GraphSchema};
pub use namidb_graph::{GcReport, LsmOptions};
/// Bulk import: file specifications, the LDBC preset, progress and reports.
pub use namidb_import as import;
pub use namidb_query::ProcedureSignature;
/// Temporal value types and calendar helpers.
pub use namidb_value::temporal;
pub use namidb_value::{result_text, NodeData, PathData, RelData, ResultValue, Value};
pub use procedures::{ProcedureFn, ProcedureRegistry};
pub use profile::Profile;
