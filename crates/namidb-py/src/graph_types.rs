//! Graph values as Python objects: `namidb.Node`, `namidb.Relationship`, `namidb.Path`, and
//! `namidb.Duration` for durations a `datetime.timedelta` cannot hold (months, nanoseconds).
//!
//! Nodes and relationships share the base class `Entity`: they compare and hash by kind and
//! id; their properties are a `dict` (a copy is returned by `.properties`), also reachable by
//! `node["name"]`, `node.get("name")`, `"name" in node`, `node.keys()`.

use namidb::temporal::Duration as CypherDuration;
use pyo3::basic::CompareOp;
use pyo3::exceptions::PyKeyError;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList};
use pyo3::PyClassInitializer;

/// What nodes and relationships share: an id and properties with mapping access. Equality
/// and hashing go by kind and id.
#[pyclass(frozen, subclass, module = "namidb")]
pub(crate) struct Entity {
    /// The element's id.
    #[pyo3(get)]
    pub(crate) id: u64,
    pub(crate) properties: Py<PyDict>,
}

#[pymethods]
impl Entity {
    /// A copy of the properties.
    #[getter]
    fn properties<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        self.properties.bind(py).copy()
    }

    fn __getitem__<'py>(&self, py: Python<'py>, key: &str) -> PyResult<Bound<'py, PyAny>> {
        self.properties.bind(py).get_item(key)?.ok_or_else(|| PyKeyError::new_err(key.to_owned()))
    }

    #[pyo3(signature = (key, default=None))]
    fn get<'py>(
        &self,
        py: Python<'py>,
        key: &str,
        default: Option<Bound<'py, PyAny>>,
    ) -> PyResult<Option<Bound<'py, PyAny>>> {
        Ok(self.properties.bind(py).get_item(key)?.or(default))
    }

    fn keys<'py>(&self, py: Python<'py>) -> Bound<'py, PyList> {
        self.properties.bind(py).keys()
    }

    fn __contains__(&self, py: Python<'_>, key: &str) -> PyResult<bool> {
        self.properties.bind(py).contains(key)
    }

    fn __len__(&self, py: Python<'_>) -> usize {
        self.properties.bind(py).len()
    }

    fn __richcmp__(slf: &Bound<'_, Self>, other: &Bound<'_, PyAny>, op: CompareOp) -> Option<bool> {
        let other_entity = other.cast::<Entity>().ok()?;
        let same = slf.get_type().is(other.get_type()) && slf.get().id == other_entity.get().id;
        match op {
            CompareOp::Eq => Some(same),
            CompareOp::Ne => Some(!same),
            _ => None,
        }
    }

    fn __hash__(&self) -> u64 {
        self.id
    }
}

/// A node: id, labels and properties.
#[pyclass(frozen, extends = Entity, module = "namidb")]
pub(crate) struct Node {
    pub(crate) labels: Vec<String>,
}

impl Node {
    /// A new Python node.
    pub(crate) fn create(
        py: Python<'_>,
        id: u64,
        labels: Vec<String>,
        properties: Py<PyDict>,
    ) -> PyResult<Bound<'_, Node>> {
        Bound::new(
            py,
            PyClassInitializer::from(Entity { id, properties }).add_subclass(Node { labels }),
        )
    }
}

#[pymethods]
impl Node {
    /// The labels, as a list.
    #[getter]
    fn labels(&self) -> Vec<String> {
        self.labels.clone()
    }

    fn __repr__(slf: &Bound<'_, Self>) -> PyResult<String> {
        let base = slf.as_super().get();
        let labels: String = slf.get().labels.iter().map(|l| format!(":{l}")).collect();
        let props = base.properties.bind(slf.py()).repr()?;
        Ok(format!("Node(id={}, labels='{labels}', properties={props})", base.id))
    }
}

/// A relationship: id, type, start and end node ids, properties.
#[pyclass(frozen, extends = Entity, module = "namidb")]
pub(crate) struct Relationship {
    /// The relationship type.
    #[pyo3(get, name = "type")]
    pub(crate) rel_type: String,
    /// The id of the node it starts at.
    #[pyo3(get)]
    pub(crate) start_node: u64,
    /// The id of the node it ends at.
    #[pyo3(get)]
    pub(crate) end_node: u64,
}

impl Relationship {
    /// A new Python relationship.
    pub(crate) fn create(
        py: Python<'_>,
        id: u64,
        relationship: Relationship,
        properties: Py<PyDict>,
    ) -> PyResult<Bound<'_, Relationship>> {
        Bound::new(
            py,
            PyClassInitializer::from(Entity { id, properties }).add_subclass(relationship),
        )
    }
}

#[pymethods]
impl Relationship {
    fn __repr__(slf: &Bound<'_, Self>) -> PyResult<String> {
        let base = slf.as_super().get();
        let rel = slf.get();
        Ok(format!(
            "Relationship(id={}, type='{}', start_node={}, end_node={}, properties={})",
            base.id,
            rel.rel_type,
            rel.start_node,
            rel.end_node,
            base.properties.bind(slf.py()).repr()?
        ))
    }
}

/// A path: its nodes and the relationships between them, in order.
#[pyclass(frozen, module = "namidb")]
pub(crate) struct Path {
    pub(crate) nodes: Py<PyList>,
    pub(crate) relationships: Py<PyList>,
}

#[pymethods]
impl Path {
    /// The nodes, first to last.
    #[getter]
    fn nodes<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        PyList::new(py, self.nodes.bind(py).iter())
    }

    /// The relationships, first to last.
    #[getter]
    fn relationships<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        PyList::new(py, self.relationships.bind(py).iter())
    }

    /// The first node.
    #[getter]
    fn start_node<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        self.nodes.bind(py).get_item(0)
    }

    /// The last node.
    #[getter]
    fn end_node<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let nodes = self.nodes.bind(py);
        nodes.get_item(nodes.len().saturating_sub(1))
    }

    /// The number of relationships.
    fn __len__(&self, py: Python<'_>) -> usize {
        self.relationships.bind(py).len()
    }

    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        Ok(format!(
            "Path(nodes={}, relationships={})",
            self.nodes.bind(py).repr()?,
            self.relationships.bind(py).repr()?
        ))
    }
}

/// A Cypher duration: months, days, seconds and nanoseconds, kept apart as Cypher keeps them.
#[pyclass(frozen, eq, hash, module = "namidb")]
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) struct Duration {
    /// Months.
    #[pyo3(get)]
    months: i64,
    /// Days.
    #[pyo3(get)]
    days: i64,
    /// Seconds.
    #[pyo3(get)]
    seconds: i64,
    /// Nanoseconds, 0..1e9.
    #[pyo3(get)]
    nanoseconds: u32,
}

impl Duration {
    pub(crate) fn from_value(value: CypherDuration) -> Duration {
        Duration {
            months: value.months,
            days: value.days,
            seconds: value.seconds,
            nanoseconds: value.nanos,
        }
    }

    pub(crate) fn value(&self) -> CypherDuration {
        CypherDuration {
            months: self.months,
            days: self.days,
            seconds: self.seconds,
            nanos: self.nanoseconds,
        }
    }
}

#[pymethods]
impl Duration {
    #[new]
    #[pyo3(signature = (months=0, days=0, seconds=0, nanoseconds=0))]
    fn new(months: i64, days: i64, seconds: i64, nanoseconds: i64) -> Duration {
        // Carry whole seconds out of the nanoseconds so they stay within 0..1e9.
        let carry = nanoseconds.div_euclid(1_000_000_000);
        Duration {
            months,
            days,
            seconds: seconds.saturating_add(carry),
            nanoseconds: nanoseconds.rem_euclid(1_000_000_000) as u32,
        }
    }

    /// The ISO 8601 form, as Cypher prints it (`P1Y2M3DT4.5S`).
    fn __str__(&self) -> String {
        self.value().to_string()
    }

    fn __repr__(&self) -> String {
        format!(
            "Duration(months={}, days={}, seconds={}, nanoseconds={})",
            self.months, self.days, self.seconds, self.nanoseconds
        )
    }
}
