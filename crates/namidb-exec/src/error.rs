//! Runtime errors of query execution, each with its openCypher class and code.

use namidb_graph::GraphError;

/// An execution error.
#[derive(Debug, thiserror::Error)]
pub enum ExecError {
    /// A Cypher runtime error: `class` is the openCypher error class (`TypeError`,
    /// `ArgumentError`, `EntityNotFound`, `ConstraintVerificationFailed`, `SemanticError`,
    /// `ArithmeticError`, `ProcedureError`), `code` the detail (`InvalidArgumentType`, …).
    #[error("{class} ({code}): {message}")]
    Cypher {
        /// Error class.
        class: &'static str,
        /// Error detail code.
        code: &'static str,
        /// What happened.
        message: String,
    },
    /// The graph store failed.
    #[error(transparent)]
    Graph(#[from] GraphError),
}

impl ExecError {
    /// A `TypeError` with detail `code`.
    pub fn type_error(code: &'static str, message: impl Into<String>) -> ExecError {
        ExecError::Cypher { class: "TypeError", code, message: message.into() }
    }

    /// An `ArgumentError` with detail `code`.
    pub fn argument(code: &'static str, message: impl Into<String>) -> ExecError {
        ExecError::Cypher { class: "ArgumentError", code, message: message.into() }
    }

    /// An error of class `class` with detail `code`.
    pub fn cypher(
        class: &'static str,
        code: &'static str,
        message: impl Into<String>,
    ) -> ExecError {
        ExecError::Cypher { class, code, message: message.into() }
    }
}

/// Shorthand.
pub type Result<T> = std::result::Result<T, ExecError>;
