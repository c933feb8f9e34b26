//! Bulk import into a graph namespace: typed-header CSV files (`neo4j-admin import` style
//! headers: `id:ID(Person)|name:STRING|:LABEL`, `:START_ID(Person)|:END_ID(Tag)`), node files
//! then relationship files, written in one atomic commit and flushed into SSTs; plus the LDBC
//! SNB Interactive v1 layout as a preset.
//!
//! Architecture invariant: writes through `namidb_graph` batches and the storage spine's
//! conditional commit; knows nothing of Cypher. API boundary: [`import`], [`FileSpec`],
//! [`FileKind`], [`ImportReport`], [`Progress`], [`ldbc`], [`ImportError`].

pub mod csv_reader;
pub mod error;
pub mod header;
pub mod importer;
pub mod ldbc;

pub use error::{ImportError, Result};
pub use importer::{import, FileKind, FileSpec, ImportReport, LabelCase, Progress};
