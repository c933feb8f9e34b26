//! Why an import failed. Every error names the file and, for bad data, the line.

use std::path::PathBuf;

/// An import error.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    /// A file could not be read.
    #[error("cannot read {path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
    /// A header that is not a valid typed header.
    #[error("{path}: bad header: {message}")]
    Header {
        /// The file.
        path: PathBuf,
        /// What is wrong.
        message: String,
    },
    /// A data line that does not fit its header.
    #[error("{path}:{line}: {message}")]
    Data {
        /// The file.
        path: PathBuf,
        /// 1-based line number.
        line: usize,
        /// What is wrong.
        message: String,
    },
    /// A relationship names a node id that no node file defined.
    #[error("{path}:{line}: no node with id `{id}` in id space `{space}`")]
    MissingNode {
        /// The file.
        path: PathBuf,
        /// 1-based line number.
        line: usize,
        /// The id space.
        space: String,
        /// The id.
        id: String,
    },
    /// A preset's directory does not have the files it expects.
    #[error("{0}")]
    Layout(String),
    /// The graph store failed.
    #[error(transparent)]
    Graph(#[from] namidb_graph::GraphError),
    /// The commit failed.
    #[error(transparent)]
    Storage(#[from] namidb_storage::StorageError),
    /// Other writers kept committing; the import could not land.
    #[error("the import kept conflicting with concurrent writers ({0} attempts)")]
    Contended(usize),
}

/// Shorthand.
pub type Result<T> = std::result::Result<T, ImportError>;
