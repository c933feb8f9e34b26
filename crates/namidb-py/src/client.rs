//! The native database handle, its batches and results. The `namidb` Python package wraps
//! these in `Client`, `Batch` and `Result`.
//!
//! Every call that reaches the engine releases the GIL, so threads sharing a handle run
//! their statements concurrently (the facade's `Database` is thread-safe).

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use namidb::{Database, OpenOptions, ProcedureSignature, QueryResult, ResultValue, Value};
use parking_lot::Mutex;
use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList, PyTuple};

use crate::arrow_export::{self, ArrowColumn};
use crate::convert::{map_from_py, result_to_py};
use crate::errors::{to_py, Error};
use crate::procedures::python_procedure;

/// Options `Client(uri, **options)` accepts besides `cache_bytes`.
const OPTION_NAMES: &str =
    "flush_threshold_bytes, background, gc_grace_seconds, l0_compaction_trigger, level_size_ratio";

fn open_options(
    cache_bytes: Option<usize>,
    options: Option<&Bound<'_, PyDict>>,
) -> PyResult<OpenOptions> {
    let mut open = OpenOptions::default();
    if let Some(bytes) = cache_bytes {
        open.lsm.cache_bytes = bytes;
    }
    for (key, value) in options.into_iter().flat_map(|d| d.iter()) {
        let key: String = key.extract()?;
        match key.as_str() {
            "flush_threshold_bytes" => open.lsm.flush_threshold_bytes = value.extract()?,
            "background" => open.lsm.background = value.extract()?,
            "gc_grace_seconds" => {
                open.lsm.gc_grace = Duration::from_secs_f64(value.extract::<f64>()?.max(0.0))
            }
            "l0_compaction_trigger" => open.lsm.l0_compaction_trigger = value.extract()?,
            "level_size_ratio" => open.lsm.level_size_ratio = value.extract()?,
            other => {
                return Err(PyTypeError::new_err(format!(
                    "unknown option `{other}` (known: cache_bytes, {OPTION_NAMES})"
                )))
            }
        }
    }
    Ok(open)
}

fn params_from_py(params: Option<&Bound<'_, PyDict>>) -> PyResult<BTreeMap<String, Value>> {
    params.map(map_from_py).transpose().map(Option::unwrap_or_default)
}

/// An open namespace.
#[pyclass(frozen, module = "namidb._native")]
pub(crate) struct NativeDatabase {
    db: Mutex<Option<Database>>,
}

impl NativeDatabase {
    fn db(&self) -> PyResult<Database> {
        self.db.lock().clone().ok_or_else(|| Error::new_err("the client is closed"))
    }
}

#[pymethods]
impl NativeDatabase {
    #[new]
    #[pyo3(signature = (uri, cache_bytes=None, options=None))]
    fn new(
        py: Python<'_>,
        uri: &str,
        cache_bytes: Option<usize>,
        options: Option<&Bound<'_, PyDict>>,
    ) -> PyResult<NativeDatabase> {
        let open = open_options(cache_bytes, options)?;
        let uri = uri.to_owned();
        let db = py.detach(move || Database::open_with(&uri, open)).map_err(to_py)?;
        Ok(NativeDatabase { db: Mutex::new(Some(db)) })
    }

    /// Runs one statement.
    #[pyo3(signature = (query, params=None))]
    fn execute(
        &self,
        py: Python<'_>,
        query: &str,
        params: Option<&Bound<'_, PyDict>>,
    ) -> PyResult<NativeResult> {
        let params = params_from_py(params)?;
        let db = self.db()?;
        let result = py.detach(|| db.execute(query, &params)).map_err(to_py)?;
        Ok(NativeResult::new(result))
    }

    /// Starts a batch.
    fn batch(&self) -> PyResult<NativeBatch> {
        Ok(NativeBatch { batch: Mutex::new(Some(self.db()?.batch())) })
    }

    fn flush(&self, py: Python<'_>) -> PyResult<()> {
        let db = self.db()?;
        py.detach(|| db.flush()).map_err(to_py)
    }

    fn compact(&self, py: Python<'_>) -> PyResult<()> {
        let db = self.db()?;
        py.detach(|| db.compact()).map_err(to_py)
    }

    /// The schema as a dict: `version`, `labels` and `relationship_types` (name → property key
    /// → list of type names), and `unlabelled` (property key → type names).
    fn schema<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let db = self.db()?;
        let schema = py.detach(|| db.schema()).map_err(to_py)?;
        let element = |element: &namidb::ElementSchema| -> PyResult<Bound<'py, PyDict>> {
            let dict = PyDict::new(py);
            for (key, types) in &element.properties {
                dict.set_item(key, types.iter().collect::<Vec<_>>())?;
            }
            Ok(dict)
        };
        let named =
            |map: &BTreeMap<String, namidb::ElementSchema>| -> PyResult<Bound<'py, PyDict>> {
                let dict = PyDict::new(py);
                for (name, schema) in map {
                    dict.set_item(name, element(schema)?)?;
                }
                Ok(dict)
            };
        let dict = PyDict::new(py);
        dict.set_item("version", schema.version)?;
        dict.set_item("labels", named(&schema.labels)?)?;
        dict.set_item("relationship_types", named(&schema.relationship_types)?)?;
        let unlabelled = schema.unlabelled.unwrap_or_default();
        dict.set_item("unlabelled", element(&unlabelled)?)?;
        Ok(dict)
    }

    /// Collects garbage; returns the counts as a dict.
    #[pyo3(signature = (dry_run=false))]
    fn gc<'py>(&self, py: Python<'py>, dry_run: bool) -> PyResult<Bound<'py, PyDict>> {
        let db = self.db()?;
        let report = py
            .detach(|| if dry_run { db.garbage_report() } else { db.collect_garbage() })
            .map_err(to_py)?;
        let dict = PyDict::new(py);
        dict.set_item("retired_deleted", report.retired_deleted)?;
        dict.set_item("retired_kept", report.retired_kept)?;
        dict.set_item("orphans_deleted", report.orphans_deleted)?;
        dict.set_item("leases_removed", report.leases_removed)?;
        Ok(dict)
    }

    /// Closes the handle; later calls raise `namidb.Error`. Closing twice is allowed.
    fn close(&self, py: Python<'_>) -> PyResult<()> {
        let db = self.db.lock().take();
        match db {
            Some(db) => py.detach(|| db.close()).map_err(to_py),
            None => Ok(()),
        }
    }

    #[getter]
    fn closed(&self) -> bool {
        self.db.lock().is_none()
    }

    /// Registers `function` as procedure `signature` (`ns.name(in :: TYPE) :: (out :: TYPE)`).
    fn register_procedure(&self, signature: &str, function: Py<PyAny>) -> PyResult<()> {
        let signature = ProcedureSignature::parse(signature).map_err(PyValueError::new_err)?;
        let outputs: Vec<String> = signature.outputs.iter().map(|(n, _)| n.clone()).collect();
        self.db()?.register_procedure(signature, python_procedure(function, outputs));
        Ok(())
    }
}

/// Statements committing together.
#[pyclass(frozen, module = "namidb._native")]
pub(crate) struct NativeBatch {
    batch: Mutex<Option<namidb::Batch>>,
}

#[pymethods]
impl NativeBatch {
    #[pyo3(signature = (query, params=None))]
    fn execute(
        &self,
        py: Python<'_>,
        query: &str,
        params: Option<&Bound<'_, PyDict>>,
    ) -> PyResult<NativeResult> {
        let params = params_from_py(params)?;
        let result = py.detach(|| {
            let mut guard = self.batch.lock();
            let batch = guard.as_mut().ok_or(None)?;
            batch.execute(query, &params).map_err(Some)
        });
        match result {
            Ok(result) => Ok(NativeResult::new(result)),
            Err(Some(e)) => Err(to_py(e)),
            Err(None) => Err(Error::new_err("the batch is already finished")),
        }
    }

    fn commit(&self, py: Python<'_>) -> PyResult<()> {
        // The lock is taken without the GIL: a statement of this batch running a Python
        // procedure holds the lock and waits for the GIL.
        let result = py.detach(|| {
            let batch = self.batch.lock().take().ok_or(None)?;
            batch.commit().map_err(Some)
        });
        match result {
            Ok(()) => Ok(()),
            Err(Some(e)) => Err(to_py(e)),
            Err(None) => Err(Error::new_err("the batch is already finished")),
        }
    }

    fn rollback(&self, py: Python<'_>) {
        let batch = py.detach(|| self.batch.lock().take());
        drop(batch);
    }
}

/// A statement's result: columns and rows, converted to Python on demand.
#[pyclass(frozen, module = "namidb._native")]
pub(crate) struct NativeResult {
    columns: Vec<String>,
    rows: Arc<Vec<Vec<ResultValue>>>,
}

impl NativeResult {
    fn new(result: QueryResult) -> NativeResult {
        NativeResult { columns: result.columns, rows: Arc::new(result.rows) }
    }
}

#[pymethods]
impl NativeResult {
    /// Column names in `RETURN` order.
    #[getter]
    fn columns(&self) -> Vec<String> {
        self.columns.clone()
    }

    fn __len__(&self) -> usize {
        self.rows.len()
    }

    /// Every row as a dict keyed by column name.
    fn dicts<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        let rows = self
            .rows
            .iter()
            .map(|row| {
                let dict = PyDict::new(py);
                for (name, value) in self.columns.iter().zip(row) {
                    dict.set_item(name, result_to_py(py, value)?)?;
                }
                Ok(dict)
            })
            .collect::<PyResult<Vec<_>>>()?;
        PyList::new(py, rows)
    }

    /// Every row as a tuple in column order.
    fn tuples<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        let rows = self
            .rows
            .iter()
            .map(|row| {
                let values =
                    row.iter().map(|v| result_to_py(py, v)).collect::<PyResult<Vec<_>>>()?;
                PyTuple::new(py, values)
            })
            .collect::<PyResult<Vec<_>>>()?;
        PyList::new(py, rows)
    }

    /// The value at `row`, `column` (None when out of range).
    fn cell(&self, py: Python<'_>, row: usize, column: usize) -> PyResult<Py<PyAny>> {
        match self.rows.get(row).and_then(|r| r.get(column)) {
            Some(value) => result_to_py(py, value),
            None => Ok(py.None()),
        }
    }

    /// Column `index`'s values as Python objects.
    fn column_values<'py>(&self, py: Python<'py>, index: usize) -> PyResult<Bound<'py, PyList>> {
        let values = self
            .rows
            .iter()
            .map(|row| row.get(index).map_or_else(|| Ok(py.None()), |v| result_to_py(py, v)))
            .collect::<PyResult<Vec<_>>>()?;
        PyList::new(py, values)
    }

    /// Column `index` as an Arrow array (PyCapsule interface), or `None` when its values have
    /// no single Arrow type.
    fn arrow_column(&self, py: Python<'_>, index: usize) -> Option<ArrowColumn> {
        let rows = self.rows.clone();
        py.detach(move || arrow_export::column(&rows, index))
    }
}
