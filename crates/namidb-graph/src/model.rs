//! The graph storage model: nodes and relationships with 64-bit ids and typed properties.
//!
//! Parallel relationships of one type between the same two nodes are distinct: a relationship is
//! identified by its own id, never by its endpoints.

use std::collections::BTreeMap;

/// A node id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct NodeId(pub u64);

/// A relationship id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct RelId(pub u64);

/// A property value as stored. `Null` appears only inside lists and maps: setting a property to
/// null removes it.
#[derive(Debug, Clone, PartialEq)]
pub enum PropertyValue {
    /// null (inside a list or map).
    Null,
    /// A boolean.
    Bool(bool),
    /// A 64-bit integer.
    Int(i64),
    /// A 64-bit float.
    Float(f64),
    /// A UTF-8 string.
    String(String),
    /// Raw bytes.
    Bytes(Vec<u8>),
    /// A list.
    List(Vec<PropertyValue>),
    /// A map with string keys.
    Map(BTreeMap<String, PropertyValue>),
    /// A date: days since 1970-01-01.
    Date(i32),
    /// A local time: nanoseconds since midnight.
    LocalTime(u64),
    /// A time with a UTC offset: nanoseconds since midnight, offset in seconds.
    Time {
        /// Nanoseconds since midnight (local).
        nanos: u64,
        /// Offset from UTC in seconds.
        offset_seconds: i32,
    },
    /// A local date-time: seconds since the epoch (as if UTC) and nanoseconds.
    LocalDateTime {
        /// Seconds since 1970-01-01T00:00 (local).
        seconds: i64,
        /// Nanoseconds within the second.
        nanos: u32,
    },
    /// A zoned date-time: the instant, and the offset or zone it was written in.
    DateTime {
        /// Seconds since the epoch (UTC).
        seconds: i64,
        /// Nanoseconds within the second.
        nanos: u32,
        /// The zone.
        zone: TimeZone,
    },
    /// A duration in months, days, seconds and nanoseconds (kept apart, as Cypher does).
    Duration {
        /// Months.
        months: i64,
        /// Days.
        days: i64,
        /// Seconds.
        seconds: i64,
        /// Nanoseconds (0..1e9).
        nanos: u32,
    },
}

/// The zone of a date-time.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TimeZone {
    /// A fixed offset from UTC in seconds.
    Offset(i32),
    /// A named zone (IANA), with the offset it had at that instant.
    Named {
        /// The zone name, e.g. `Europe/Stockholm`.
        name: String,
        /// The offset in seconds at the instant.
        offset_seconds: i32,
    },
}

/// Properties by key.
pub type Properties = BTreeMap<String, PropertyValue>;

/// A node's state.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct NodeRecord {
    /// Labels, sorted and distinct.
    pub labels: Vec<String>,
    /// Properties.
    pub properties: Properties,
}

/// A relationship's identity and endpoints.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct RelKey {
    /// The relationship type.
    pub rel_type: String,
    /// Source node.
    pub src: NodeId,
    /// Target node.
    pub dst: NodeId,
    /// The relationship's own id.
    pub id: RelId,
}
