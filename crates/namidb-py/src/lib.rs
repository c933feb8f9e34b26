//! `namidb._native`: the Rust core of the `namidb` Python package (pyo3, abi3).
//!
//! Architecture invariant: a thin binding over the `namidb` facade: values convert at the
//! boundary, errors map to the package's exception hierarchy, the GIL is released while the
//! engine works. No query or storage logic lives here. API boundary: the Python names the
//! module exports (`NativeDatabase`, `NativeBatch`, `NativeResult`, `Entity`, `Node`, `Relationship`,
//! `Path`, `Duration`, the exception classes); `python/namidb/__init__.py` is the public API.

mod arrow_export;
mod client;
mod convert;
mod errors;
mod graph_types;
mod procedures;
mod temporal;

use pyo3::prelude::*;

#[pymodule]
fn _native(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<client::NativeDatabase>()?;
    m.add_class::<client::NativeBatch>()?;
    m.add_class::<client::NativeResult>()?;
    m.add_class::<arrow_export::ArrowColumn>()?;
    m.add_class::<graph_types::Entity>()?;
    m.add_class::<graph_types::Node>()?;
    m.add_class::<graph_types::Relationship>()?;
    m.add_class::<graph_types::Path>()?;
    m.add_class::<graph_types::Duration>()?;
    errors::register(m)?;
    Ok(())
}
