//! Bulk import into a graph namespace: typed-header CSV files (`neo4j-admin import` style
//! headers: `id:ID(Person)|name:STRING|:LABEL`, `:START_ID(Person)|:END_ID(Tag)`), node files
//! then relationship files, written straight to SSTs and installed as one atomic commit
//! (`GraphStore::ingest`); plus the LDBC SNB layouts as presets.
//!
//! Architecture invariant: writes through `namidb_graph`'s bulk load; knows nothing of Cypher. API boundary: [`import`], [`FileSpec`],
//! [`FileKind`], [`ImportReport`], [`Progress`], [`ldbc`], [`ImportError`].

pub mod csv_reader;
pub mod error;
pub mod header;
mod id_map;
pub mod importer;
pub mod ldbc;
mod rows;

pub use error::{ImportError, Result};
pub use importer::{import, FileKind, FileSpec, ImportReport, LabelCase, Progress};
