//! Cypher's value system, as the query engine computes with it.
//!
//! - [`Value`]: null, booleans, integers (64-bit, overflow is an error) distinct from floats,
//!   strings, bytes, lists, maps, graph references (nodes and relationships by identity, paths)
//!   and the temporal types;
//! - [`compare`]: openCypher equality (three-valued), comparison (`<` and friends: `None` when
//!   the operands are incomparable), the total order `ORDER BY` uses, and the equivalence
//!   grouping and `DISTINCT` use ([`GroupKey`]);
//! - [`display`]: the Cypher-literal text form of a value;
//! - [`join_hash`]: a hash consistent with `=`, for hash joins.
//!
//! Graph elements are held by identity: a node is its id, a relationship its id, type and
//! endpoints. Labels and properties are read through the statement's view of the graph, so a
//! value always shows the state as of the moment it is read, including the statement's own
//! writes.
//!
//! Architecture invariant: depends on no NamiDB crate; knows nothing of storage or plans.
//! API boundary: [`Value`], [`RelRef`], [`PathValue`], [`temporal`], [`compare`], [`GroupKey`].

pub mod compare;
pub mod display;
pub mod entity;
pub mod join_hash;
pub mod result_text;
pub mod temporal;

use std::collections::BTreeMap;
use std::sync::Arc;

pub use compare::GroupKey;
pub use entity::{NodeData, PathData, RelData, ResultValue};
use temporal::{Date, DateTime, Duration, LocalDateTime, LocalTime, Time};

/// A relationship held by identity: its id, type and endpoints.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct RelRef {
    /// The relationship id.
    pub id: u64,
    /// The relationship type.
    pub rel_type: Arc<str>,
    /// Source node id.
    pub src: u64,
    /// Target node id.
    pub dst: u64,
}

/// A path: `nodes.len() == rels.len() + 1`; `rels[i]` joins `nodes[i]` and `nodes[i + 1]` in
/// either direction.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct PathValue {
    /// The nodes, in path order.
    pub nodes: Vec<u64>,
    /// The relationships, in path order.
    pub rels: Vec<RelRef>,
}

/// A Cypher value.
#[derive(Debug, Clone, Default)]
pub enum Value {
    /// null.
    #[default]
    Null,
    /// A boolean.
    Bool(bool),
    /// A 64-bit integer.
    Int(i64),
    /// A 64-bit float.
    Float(f64),
    /// A string.
    String(Arc<str>),
    /// Raw bytes.
    Bytes(Arc<[u8]>),
    /// A list.
    List(Arc<Vec<Value>>),
    /// A map with string keys.
    Map(Arc<BTreeMap<String, Value>>),
    /// A node, by id.
    Node(u64),
    /// A relationship, by identity.
    Relationship(Arc<RelRef>),
    /// A path.
    Path(Arc<PathValue>),
    /// A date.
    Date(Date),
    /// A local time.
    LocalTime(LocalTime),
    /// A time with an offset.
    Time(Time),
    /// A local date-time.
    LocalDateTime(LocalDateTime),
    /// A zoned date-time.
    DateTime(Arc<DateTime>),
    /// A duration.
    Duration(Duration),
}

impl Value {
    /// A string value.
    pub fn string(s: impl AsRef<str>) -> Value {
        Value::String(Arc::from(s.as_ref()))
    }

    /// A list value.
    pub fn list(items: Vec<Value>) -> Value {
        Value::List(Arc::new(items))
    }

    /// A map value.
    pub fn map(entries: BTreeMap<String, Value>) -> Value {
        Value::Map(Arc::new(entries))
    }

    /// Whether it is null.
    pub fn is_null(&self) -> bool {
        matches!(self, Value::Null)
    }

    /// The boolean, if it is one.
    pub fn as_bool(&self) -> Option<bool> {
        match self {
            Value::Bool(b) => Some(*b),
            _ => None,
        }
    }

    /// The integer, if it is one.
    pub fn as_int(&self) -> Option<i64> {
        match self {
            Value::Int(i) => Some(*i),
            _ => None,
        }
    }

    /// The string, if it is one.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::String(s) => Some(s),
            _ => None,
        }
    }

    /// The number as a float, if it is a number.
    pub fn as_f64(&self) -> Option<f64> {
        match self {
            Value::Int(i) => Some(*i as f64),
            Value::Float(f) => Some(*f),
            _ => None,
        }
    }

    /// The Cypher type name, as error messages and `valueType()` spell it.
    pub fn type_name(&self) -> &'static str {
        match self {
            Value::Null => "NULL",
            Value::Bool(_) => "BOOLEAN",
            Value::Int(_) => "INTEGER",
            Value::Float(_) => "FLOAT",
            Value::String(_) => "STRING",
            Value::Bytes(_) => "BYTES",
            Value::List(_) => "LIST",
            Value::Map(_) => "MAP",
            Value::Node(_) => "NODE",
            Value::Relationship(_) => "RELATIONSHIP",
            Value::Path(_) => "PATH",
            Value::Date(_) => "DATE",
            Value::LocalTime(_) => "LOCAL TIME",
            Value::Time(_) => "ZONED TIME",
            Value::LocalDateTime(_) => "LOCAL DATETIME",
            Value::DateTime(_) => "ZONED DATETIME",
            Value::Duration(_) => "DURATION",
        }
    }
}

impl From<bool> for Value {
    fn from(b: bool) -> Value {
        Value::Bool(b)
    }
}

impl From<i64> for Value {
    fn from(i: i64) -> Value {
        Value::Int(i)
    }
}

impl From<f64> for Value {
    fn from(f: f64) -> Value {
        Value::Float(f)
    }
}

impl From<&str> for Value {
    fn from(s: &str) -> Value {
        Value::string(s)
    }
}

/// Structural identity (used to compare plans and constants): same kind and same content,
/// floats by bit pattern. Cypher's `=` is [`compare::equals`].
impl PartialEq for Value {
    fn eq(&self, other: &Value) -> bool {
        match (self, other) {
            (Value::Float(a), Value::Float(b)) => a.to_bits() == b.to_bits(),
            (Value::List(a), Value::List(b)) => a == b,
            (Value::Map(a), Value::Map(b)) => a == b,
            _ => {
                std::mem::discriminant(self) == std::mem::discriminant(other)
                    && compare::equivalent(self, other)
            }
        }
    }
}
