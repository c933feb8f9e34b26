//! Procedures written in Python: `client.register_procedure("my.proc(x :: INTEGER) :: (y ::
//! INTEGER)", fn)`. The function gets the arguments positionally and returns an iterable of
//! rows, each a dict keyed by output name or a tuple/list in signature order.

use std::sync::Arc;

use namidb::{ProcedureFn, Value};
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyTuple};

use crate::convert::{plain_result, result_to_py, value_from_py};

/// A facade procedure body calling `function` under the GIL.
pub(crate) fn python_procedure(function: Py<PyAny>, outputs: Vec<String>) -> ProcedureFn {
    Arc::new(move |args: &[Value]| {
        Python::attach(|py| call(py, &function, &outputs, args).map_err(|e| e.to_string()))
    })
}

fn call(
    py: Python<'_>,
    function: &Py<PyAny>,
    outputs: &[String],
    args: &[Value],
) -> PyResult<Vec<Vec<Value>>> {
    let args =
        args.iter().map(|a| result_to_py(py, &plain_result(a))).collect::<PyResult<Vec<_>>>()?;
    let returned = function.bind(py).call1(PyTuple::new(py, args)?)?;
    let mut rows = Vec::new();
    if returned.is_none() {
        return Ok(rows);
    }
    for row in returned.try_iter()? {
        let row = row?;
        let values = if let Ok(dict) = row.cast::<PyDict>() {
            outputs
                .iter()
                .map(|name| dict.get_item(name)?.map_or(Ok(Value::Null), |v| value_from_py(&v)))
                .collect::<PyResult<Vec<_>>>()?
        } else {
            let values =
                row.try_iter()?.map(|v| value_from_py(&v?)).collect::<PyResult<Vec<_>>>()?;
            if values.len() != outputs.len() {
                return Err(pyo3::exceptions::PyValueError::new_err(format!(
                    "a row has {} values; the signature has {} outputs",
                    values.len(),
                    outputs.len()
                )));
            }
            values
        };
        rows.push(values);
    }
    Ok(rows)
}
