//! Results as users see them: graph elements materialized with their labels, types and
//! properties ([`ResultValue`]), read at the end of the statement that returned them.

use std::collections::BTreeMap;
use std::sync::Arc;

use crate::temporal::{Date, DateTime, Duration, LocalDateTime, LocalTime, Time};

/// A node with its labels and properties.
#[derive(Debug, Clone, PartialEq)]
pub struct NodeData {
    /// Node id.
    pub id: u64,
    /// Labels, sorted.
    pub labels: Vec<String>,
    /// Properties.
    pub properties: BTreeMap<String, ResultValue>,
}

/// A relationship with its type, endpoints and properties.
#[derive(Debug, Clone, PartialEq)]
pub struct RelData {
    /// Relationship id.
    pub id: u64,
    /// Type.
    pub rel_type: String,
    /// Source node id.
    pub src: u64,
    /// Target node id.
    pub dst: u64,
    /// Properties.
    pub properties: BTreeMap<String, ResultValue>,
}

/// A path with its elements materialized.
#[derive(Debug, Clone, PartialEq)]
pub struct PathData {
    /// Nodes in path order.
    pub nodes: Vec<NodeData>,
    /// Relationships in path order.
    pub rels: Vec<RelData>,
}

/// A result value.
#[derive(Debug, Clone, PartialEq)]
pub enum ResultValue {
    /// null.
    Null,
    /// A boolean.
    Bool(bool),
    /// An integer.
    Int(i64),
    /// A float.
    Float(f64),
    /// A string.
    String(String),
    /// Bytes.
    Bytes(Vec<u8>),
    /// A list.
    List(Vec<ResultValue>),
    /// A map.
    Map(BTreeMap<String, ResultValue>),
    /// A node.
    Node(Arc<NodeData>),
    /// A relationship.
    Relationship(Arc<RelData>),
    /// A path.
    Path(Arc<PathData>),
    /// A date.
    Date(Date),
    /// A local time.
    LocalTime(LocalTime),
    /// A time with offset.
    Time(Time),
    /// A local date-time.
    LocalDateTime(LocalDateTime),
    /// A zoned date-time.
    DateTime(DateTime),
    /// A duration.
    Duration(Duration),
}
