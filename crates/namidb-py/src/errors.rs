//! The `namidb` exception hierarchy and the mapping from the facade's [`namidb::Error`].
//!
//! ```text
//! Error
//! ├── CypherError                 (.code, .classification, .position, .phase)
//! │   ├── CypherSyntaxError
//! │   ├── CypherSemanticError
//! │   ├── CypherTypeError
//! │   ├── CypherRuntimeError      (arithmetic, argument, deleted entity, procedure)
//! │   ├── ConstraintError
//! │   └── UnsupportedError
//! ├── FencedError
//! ├── StorageError
//! └── ImportDataError
//! ```

use namidb::ErrorKind;
use pyo3::exceptions::PyException;
use pyo3::prelude::*;
use pyo3::{create_exception, PyErr};

create_exception!(namidb, Error, PyException, "Base class of every NamiDB error.");
create_exception!(namidb, CypherError, Error, "A Cypher statement failed; nothing was applied.");
create_exception!(namidb, CypherSyntaxError, CypherError, "The query text does not parse.");
create_exception!(
    namidb,
    CypherSemanticError,
    CypherError,
    "The query parses but is meaningless (undefined variable, missing parameter, …)."
);
create_exception!(namidb, CypherTypeError, CypherError, "A value of the wrong type.");
create_exception!(
    namidb,
    CypherRuntimeError,
    CypherError,
    "A statement failed while running (arithmetic, invalid argument, deleted entity, procedure)."
);
create_exception!(namidb, ConstraintError, CypherError, "A constraint would be violated.");
create_exception!(namidb, UnsupportedError, CypherError, "Not supported by this engine yet.");
create_exception!(
    namidb,
    FencedError,
    Error,
    "Another writer took exclusive ownership of the namespace; this client is closed."
);
create_exception!(namidb, StorageError, Error, "The object store or the stored data failed.");
create_exception!(
    namidb,
    ImportDataError,
    Error,
    "Bulk-import input is missing or malformed; nothing was imported."
);

/// The Python exception for `error`, with `code`, `classification`, `position` and `phase`
/// attributes (None when unknown).
pub(crate) fn to_py(error: namidb::Error) -> PyErr {
    let message = error.to_string();
    let err = match error.kind {
        ErrorKind::Syntax => CypherSyntaxError::new_err(message),
        ErrorKind::Semantic => CypherSemanticError::new_err(message),
        ErrorKind::Type => CypherTypeError::new_err(message),
        ErrorKind::Argument
        | ErrorKind::EntityNotFound
        | ErrorKind::Arithmetic
        | ErrorKind::Procedure => CypherRuntimeError::new_err(message),
        ErrorKind::Constraint => ConstraintError::new_err(message),
        ErrorKind::Unsupported => UnsupportedError::new_err(message),
        ErrorKind::Fenced => FencedError::new_err(message),
        ErrorKind::Storage => StorageError::new_err(message),
        ErrorKind::Import => ImportDataError::new_err(message),
    };
    Python::attach(|py| {
        let value = err.value(py);
        let phase = match error.phase {
            namidb::Phase::Compile => "compile",
            namidb::Phase::Runtime => "runtime",
        };
        // Attributes on a fresh exception instance cannot fail to set; ignore if they do.
        let _ = value.setattr("code", error.code);
        let _ = value.setattr("classification", error.class);
        let _ = value.setattr("position", error.position);
        let _ = value.setattr("phase", phase);
    });
    err
}

/// Adds the exception classes to the module.
pub(crate) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    let py = m.py();
    m.add("Error", py.get_type::<Error>())?;
    m.add("CypherError", py.get_type::<CypherError>())?;
    m.add("CypherSyntaxError", py.get_type::<CypherSyntaxError>())?;
    m.add("CypherSemanticError", py.get_type::<CypherSemanticError>())?;
    m.add("CypherTypeError", py.get_type::<CypherTypeError>())?;
    m.add("CypherRuntimeError", py.get_type::<CypherRuntimeError>())?;
    m.add("ConstraintError", py.get_type::<ConstraintError>())?;
    m.add("UnsupportedError", py.get_type::<UnsupportedError>())?;
    m.add("FencedError", py.get_type::<FencedError>())?;
    m.add("StorageError", py.get_type::<StorageError>())?;
    m.add("ImportDataError", py.get_type::<ImportDataError>())?;
    Ok(())
}
