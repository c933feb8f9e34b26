//! Values between Python and Cypher: parameters in ([`value_from_py`]), results out
//! ([`result_to_py`]).
//!
//! | Python                     | Cypher                 |
//! |----------------------------|------------------------|
//! | `None`                     | null                   |
//! | `bool`                     | boolean                |
//! | `int` (64-bit)             | integer                |
//! | `float`                    | float                  |
//! | `str`                      | string                 |
//! | `bytes`, `bytearray`       | bytes                  |
//! | `list`, `tuple`            | list                   |
//! | `dict` with `str` keys     | map                    |
//! | `datetime` types           | temporal (see [`crate::temporal`]) |
//! | `namidb.Node` / `Relationship` / `Path` | (results only) |

use std::collections::BTreeMap;
use std::sync::Arc;

use namidb::{NodeData, RelData, ResultValue, Value};
use pyo3::exceptions::{PyOverflowError, PyTypeError};
use pyo3::prelude::*;
use pyo3::types::{
    PyBool, PyByteArray, PyBytes, PyDict, PyFloat, PyInt, PyList, PyString, PyTuple,
};

use crate::graph_types::{Node, Path, Relationship};
use crate::temporal;

/// The Cypher value of a Python object.
pub(crate) fn value_from_py(obj: &Bound<'_, PyAny>) -> PyResult<Value> {
    if obj.is_none() {
        return Ok(Value::Null);
    }
    if let Ok(b) = obj.cast::<PyBool>() {
        return Ok(Value::Bool(b.is_true()));
    }
    if obj.is_instance_of::<PyInt>() {
        return obj.extract::<i64>().map(Value::Int).map_err(|_| {
            PyOverflowError::new_err(format!(
                "{} does not fit a Cypher integer (64-bit signed)",
                obj.repr().map(|r| r.to_string()).unwrap_or_default()
            ))
        });
    }
    if let Ok(f) = obj.cast::<PyFloat>() {
        return Ok(Value::Float(f.value()));
    }
    if let Ok(s) = obj.cast::<PyString>() {
        return Ok(Value::string(s.to_cow()?));
    }
    if let Ok(b) = obj.cast::<PyBytes>() {
        return Ok(Value::Bytes(Arc::from(b.as_bytes())));
    }
    if let Ok(b) = obj.cast::<PyByteArray>() {
        return Ok(Value::Bytes(Arc::from(b.to_vec())));
    }
    if let Ok(list) = obj.cast::<PyList>() {
        return list
            .iter()
            .map(|item| value_from_py(&item))
            .collect::<PyResult<_>>()
            .map(Value::list);
    }
    if let Ok(tuple) = obj.cast::<PyTuple>() {
        return tuple
            .iter()
            .map(|item| value_from_py(&item))
            .collect::<PyResult<_>>()
            .map(Value::list);
    }
    if let Ok(dict) = obj.cast::<PyDict>() {
        return map_from_py(dict).map(|m| Value::Map(Arc::new(m)));
    }
    if let Some(value) = temporal::from_py(obj)? {
        return Ok(value);
    }
    let type_name = obj.get_type().name().map(|n| n.to_string()).unwrap_or_default();
    Err(PyTypeError::new_err(format!("a {type_name} cannot be a Cypher parameter value")))
}

/// A `dict` with string keys as a Cypher map.
pub(crate) fn map_from_py(dict: &Bound<'_, PyDict>) -> PyResult<BTreeMap<String, Value>> {
    let mut map = BTreeMap::new();
    for (k, v) in dict.iter() {
        let key: String = k
            .extract()
            .map_err(|_| PyTypeError::new_err("Cypher map keys and parameter names are strings"))?;
        map.insert(key, value_from_py(&v)?);
    }
    Ok(map)
}

/// The Python object of a result value.
pub(crate) fn result_to_py(py: Python<'_>, value: &ResultValue) -> PyResult<Py<PyAny>> {
    let any = match value {
        ResultValue::Null => py.None(),
        ResultValue::Bool(b) => PyBool::new(py, *b).to_owned().into_any().unbind(),
        ResultValue::Int(i) => i.into_pyobject(py)?.into_any().unbind(),
        ResultValue::Float(f) => f.into_pyobject(py)?.into_any().unbind(),
        ResultValue::String(s) => s.into_pyobject(py)?.into_any().unbind(),
        ResultValue::Bytes(b) => PyBytes::new(py, b).into_any().unbind(),
        ResultValue::List(items) => {
            let items = items.iter().map(|i| result_to_py(py, i)).collect::<PyResult<Vec<_>>>()?;
            PyList::new(py, items)?.into_any().unbind()
        }
        ResultValue::Map(map) => props_to_py(py, map)?.into_any().unbind(),
        ResultValue::Node(node) => node_to_py(py, node)?.into_any().unbind(),
        ResultValue::Relationship(rel) => rel_to_py(py, rel)?.into_any().unbind(),
        ResultValue::Path(path) => {
            let nodes = path
                .nodes
                .iter()
                .map(|n| Ok(node_to_py(py, n)?.into_any()))
                .collect::<PyResult<Vec<_>>>()?;
            let rels = path
                .rels
                .iter()
                .map(|r| Ok(rel_to_py(py, r)?.into_any()))
                .collect::<PyResult<Vec<_>>>()?;
            let path = Path {
                nodes: PyList::new(py, nodes)?.unbind(),
                relationships: PyList::new(py, rels)?.unbind(),
            };
            Bound::new(py, path)?.into_any().unbind()
        }
        ResultValue::Date(d) => temporal::date_to_py(py, d)?,
        ResultValue::LocalTime(t) => temporal::local_time_to_py(py, t)?,
        ResultValue::Time(t) => temporal::time_to_py(py, t)?,
        ResultValue::LocalDateTime(t) => temporal::local_datetime_to_py(py, t)?,
        ResultValue::DateTime(t) => temporal::datetime_to_py(py, t)?,
        ResultValue::Duration(d) => temporal::duration_to_py(py, d)?,
    };
    Ok(any)
}

fn props_to_py<'py>(
    py: Python<'py>,
    props: &BTreeMap<String, ResultValue>,
) -> PyResult<Bound<'py, PyDict>> {
    let dict = PyDict::new(py);
    for (k, v) in props {
        dict.set_item(k, result_to_py(py, v)?)?;
    }
    Ok(dict)
}

fn node_to_py<'py>(py: Python<'py>, node: &NodeData) -> PyResult<Bound<'py, Node>> {
    let properties = props_to_py(py, &node.properties)?.unbind();
    Node::create(py, node.id, node.labels.clone(), properties)
}

fn rel_to_py<'py>(py: Python<'py>, rel: &RelData) -> PyResult<Bound<'py, Relationship>> {
    let properties = props_to_py(py, &rel.properties)?.unbind();
    let relationship =
        Relationship { rel_type: rel.rel_type.clone(), start_node: rel.src, end_node: rel.dst };
    Relationship::create(py, rel.id, relationship, properties)
}

/// A value with no graph elements to read (procedure arguments): nodes and relationships
/// become their ids, paths the list of their element ids.
pub(crate) fn plain_result(value: &Value) -> ResultValue {
    match value {
        Value::Null => ResultValue::Null,
        Value::Bool(b) => ResultValue::Bool(*b),
        Value::Int(i) => ResultValue::Int(*i),
        Value::Float(f) => ResultValue::Float(*f),
        Value::String(s) => ResultValue::String(s.to_string()),
        Value::Bytes(b) => ResultValue::Bytes(b.to_vec()),
        Value::List(items) => ResultValue::List(items.iter().map(plain_result).collect()),
        Value::Map(m) => {
            ResultValue::Map(m.iter().map(|(k, v)| (k.clone(), plain_result(v))).collect())
        }
        Value::Node(id) => ResultValue::Int(*id as i64),
        Value::Relationship(r) => ResultValue::Int(r.id as i64),
        Value::Path(p) => {
            ResultValue::List(p.nodes.iter().map(|n| ResultValue::Int(*n as i64)).collect())
        }
        Value::Date(d) => ResultValue::Date(*d),
        Value::LocalTime(t) => ResultValue::LocalTime(*t),
        Value::Time(t) => ResultValue::Time(*t),
        Value::LocalDateTime(t) => ResultValue::LocalDateTime(*t),
        Value::DateTime(t) => ResultValue::DateTime((**t).clone()),
        Value::Duration(d) => ResultValue::Duration(*d),
    }
}
