//! The one public error: a coarse [`ErrorKind`] that says what the caller can do, the openCypher
//! error class and code when it is a Cypher error, the phase it was raised in, and the position.

use std::fmt;

use namidb_exec::ExecError;
use namidb_graph::GraphError;
use namidb_query::PlanError;
use namidb_storage::StorageError;

/// What kind of failure, coarsely.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    /// The query text does not parse.
    Syntax,
    /// The query is well-formed but meaningless (undefined variable, bad aggregation, unknown
    /// procedure, missing parameter …).
    Semantic,
    /// A value of the wrong type (statically or at run time).
    Type,
    /// A value out of range or otherwise invalid for an operation.
    Argument,
    /// A constraint would be violated (deleting a node with relationships).
    Constraint,
    /// An entity deleted by the statement was used.
    EntityNotFound,
    /// Arithmetic failed (integer overflow, division by zero).
    Arithmetic,
    /// A procedure failed.
    Procedure,
    /// Another writer took exclusive ownership; this handle is closed.
    Fenced,
    /// The object store or the stored data failed.
    Storage,
    /// Something the engine does not support yet.
    Unsupported,
    /// Bulk-import input is missing or malformed (nothing was imported).
    Import,
}

/// When the error was raised.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Phase {
    /// While parsing, checking or planning: nothing ran.
    Compile,
    /// While running: nothing was applied.
    Runtime,
}

/// The NamiDB error.
#[derive(Debug, Clone)]
pub struct Error {
    /// Coarse kind.
    pub kind: ErrorKind,
    /// openCypher error class (`SyntaxError`, `TypeError`, …) when a Cypher error.
    pub class: Option<String>,
    /// openCypher error detail code (`UndefinedVariable`, …) when known.
    pub code: Option<String>,
    /// Compile time or run time.
    pub phase: Phase,
    /// Byte offset in the query, when known.
    pub position: Option<usize>,
    /// Human-readable description.
    pub message: String,
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (&self.class, &self.code) {
            (Some(class), Some(code)) => write!(f, "{class} ({code}): {}", self.message),
            _ => write!(f, "{}", self.message),
        }
    }
}

impl std::error::Error for Error {}

impl Error {
    pub(crate) fn new(kind: ErrorKind, phase: Phase, message: impl Into<String>) -> Error {
        Error { kind, class: None, code: None, phase, position: None, message: message.into() }
    }

    fn cypher(kind: ErrorKind, phase: Phase, class: &str, code: &str, message: String) -> Error {
        Error {
            kind,
            class: Some(class.to_owned()),
            code: Some(code.to_owned()),
            phase,
            position: None,
            message,
        }
    }

    /// From the parser and semantic analysis (the first error; all are in the message).
    pub(crate) fn from_syntax(errors: &namidb_cypher_syntax::SyntaxErrors, source: &str) -> Error {
        // Report the root cause: a missing alias or relationship type is often a consequence.
        let secondary = |e: &&namidb_cypher_syntax::SyntaxError| {
            matches!(e.code.name(), "NoExpressionAlias" | "NoSingleRelationshipType")
        };
        let first = errors.0.iter().find(|e| !secondary(e)).or(errors.0.first());
        let code = first.map(|e| e.code);
        let category = first.map(|e| e.category);
        let class = match category {
            Some(namidb_cypher_syntax::ErrorCategory::TypeError) => "TypeError",
            _ => "SyntaxError",
        };
        let kind = match (class, code.map(|c| c.name())) {
            ("TypeError", _) => ErrorKind::Type,
            (
                _,
                Some(
                    "UnexpectedSyntax"
                    | "InvalidNumberLiteral"
                    | "InvalidUnicodeLiteral"
                    | "InvalidUnicodeCharacter",
                ),
            ) => ErrorKind::Syntax,
            _ => ErrorKind::Semantic,
        };
        let mut e = Error::cypher(
            kind,
            Phase::Compile,
            class,
            code.map(|c| c.name()).unwrap_or("UnexpectedSyntax"),
            errors.render(source),
        );
        e.position = first.map(|f| f.span.start as usize);
        e
    }

    pub(crate) fn from_plan(error: PlanError) -> Error {
        let message = error.to_string();
        let (kind, class, code) = match &error {
            PlanError::ProcedureNotFound { .. } => {
                (ErrorKind::Procedure, "ProcedureError", "ProcedureNotFound")
            }
            PlanError::InvalidNumberOfArguments { .. } => {
                (ErrorKind::Semantic, "SyntaxError", "InvalidNumberOfArguments")
            }
            PlanError::UnknownProcedureOutput { .. } => {
                (ErrorKind::Semantic, "SyntaxError", "UndefinedVariable")
            }
            PlanError::ParameterMissing(_) => {
                (ErrorKind::Semantic, "ParameterMissing", "MissingParameter")
            }
            PlanError::Unsupported(_) => {
                return Error::new(ErrorKind::Unsupported, Phase::Compile, message)
            }
            PlanError::UndefinedVariable(_) => {
                (ErrorKind::Semantic, "SyntaxError", "UndefinedVariable")
            }
            PlanError::Semantic { code, .. } => (ErrorKind::Semantic, "SyntaxError", *code),
        };
        Error::cypher(kind, Phase::Compile, class, code, message)
    }

    pub(crate) fn from_exec(error: ExecError) -> Error {
        match error {
            ExecError::Cypher { class, code, message } => {
                let kind = match class {
                    "TypeError" => ErrorKind::Type,
                    "ArgumentError" => ErrorKind::Argument,
                    "EntityNotFound" => ErrorKind::EntityNotFound,
                    "ConstraintValidationFailed" => ErrorKind::Constraint,
                    "ArithmeticError" => ErrorKind::Arithmetic,
                    "ProcedureError" => ErrorKind::Procedure,
                    "DatabaseError" => ErrorKind::Storage,
                    _ => ErrorKind::Semantic,
                };
                Error::cypher(kind, Phase::Runtime, class, code, message)
            }
            ExecError::Graph(g) => Error::from_graph(g),
        }
    }

    pub(crate) fn from_graph(error: GraphError) -> Error {
        match error {
            GraphError::Storage(s) => Error::from_storage(s),
            other => Error::new(ErrorKind::Storage, Phase::Runtime, other.to_string()),
        }
    }

    pub(crate) fn from_import(error: namidb_import::ImportError) -> Error {
        use namidb_import::ImportError;
        match error {
            ImportError::Graph(g) => Error::from_graph(g),
            ImportError::Storage(s) => Error::from_storage(s),
            other => Error::new(ErrorKind::Import, Phase::Runtime, other.to_string()),
        }
    }

    pub(crate) fn from_storage(error: StorageError) -> Error {
        let kind = match &error {
            StorageError::Fenced { .. } => ErrorKind::Fenced,
            _ => ErrorKind::Storage,
        };
        Error::new(kind, Phase::Runtime, error.to_string())
    }
}

/// Shorthand.
pub type Result<T> = std::result::Result<T, Error>;
