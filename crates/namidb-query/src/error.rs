//! Errors the binder raises: compile-time errors that need the catalog or the parameters, and
//! features not supported yet.

use namidb_cypher_syntax::Span;

/// A planning error.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PlanError {
    /// No such procedure.
    #[error("there is no procedure with the name `{name}` registered")]
    ProcedureNotFound {
        /// The name called.
        name: String,
        /// Where.
        span: Span,
    },
    /// A procedure called with the wrong number of arguments.
    #[error("procedure `{name}` takes {expected} argument(s), got {got}")]
    InvalidNumberOfArguments {
        /// The procedure.
        name: String,
        /// Its arity.
        expected: usize,
        /// Arguments given.
        got: usize,
    },
    /// A yielded field the procedure does not have.
    #[error("procedure `{name}` has no output `{field}`")]
    UnknownProcedureOutput {
        /// The procedure.
        name: String,
        /// The field.
        field: String,
    },
    /// A parameter the statement uses was not supplied.
    #[error("expected parameter `${0}` was not supplied")]
    ParameterMissing(String),
    /// Something the query engine does not support yet.
    #[error("not supported yet: {0}")]
    Unsupported(String),
    /// A variable the semantic analysis should have rejected (a bug if it happens).
    #[error("variable `{0}` is not defined")]
    UndefinedVariable(String),
    /// A semantic error found while planning.
    #[error("{message}")]
    Semantic {
        /// openCypher error code name.
        code: &'static str,
        /// What is wrong.
        message: String,
    },
}
