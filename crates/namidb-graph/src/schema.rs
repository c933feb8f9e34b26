//! [`GraphSchema`]: the labels, relationship types and typed properties a namespace has held,
//! as kept in `schema/current.json` (layout in `docs/formats/schema.md`).
//!
//! The schema only grows: a flush or a bulk load adds what its data shows (a new label, a new
//! property, a new type of an existing property) and never removes anything. A property whose
//! values have had several types lists all of them; its node SST columns then store encoded
//! values, so a type conflict never loses data. Because merging is a set union, concurrent
//! writers can each publish what they saw in any order and the result is the same.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use crate::model::{NodeRecord, Properties, PropertyValue};

/// The `format` field of the schema object.
pub const SCHEMA_FORMAT: &str = "namidb.schema";
/// The schema object format version this build reads and writes (the storage spine creates
/// the empty object in it).
pub use namidb_storage::SCHEMA_FORMAT_VERSION;

/// The properties seen on one label or relationship type: key → the type names of its values.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ElementSchema {
    /// Property key → type names (`INTEGER`, `STRING`, …), more than one after a conflict.
    #[serde(default)]
    pub properties: BTreeMap<String, BTreeSet<String>>,
}

impl ElementSchema {
    fn observe(&mut self, properties: &Properties) -> bool {
        let mut changed = false;
        for (key, value) in properties {
            let types = match self.properties.get_mut(key) {
                Some(types) => types,
                None => {
                    changed = true;
                    self.properties.entry(key.clone()).or_default()
                }
            };
            let name = type_name(value);
            if !types.contains(name) {
                types.insert(name.to_owned());
                changed = true;
            }
        }
        changed
    }

    fn merge(&mut self, other: &ElementSchema) -> bool {
        let mut changed = false;
        for (key, types) in &other.properties {
            let mine = match self.properties.get_mut(key) {
                Some(mine) => mine,
                None => {
                    changed = true;
                    self.properties.entry(key.clone()).or_default()
                }
            };
            for name in types {
                changed |= mine.insert(name.clone());
            }
        }
        changed
    }
}

/// The whole schema object.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GraphSchema {
    /// Always [`SCHEMA_FORMAT`].
    pub format: String,
    /// [`SCHEMA_FORMAT_VERSION`].
    pub format_version: u32,
    /// The schema version: 1 for a new namespace, +1 per published change.
    pub version: u64,
    /// Label → the properties of nodes carrying it.
    #[serde(default)]
    pub labels: BTreeMap<String, ElementSchema>,
    /// Relationship type → the properties of its relationships.
    #[serde(default)]
    pub relationship_types: BTreeMap<String, ElementSchema>,
    /// The properties of nodes without any label (omitted when there were none).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unlabelled: Option<ElementSchema>,
}

impl Default for GraphSchema {
    fn default() -> Self {
        GraphSchema {
            format: SCHEMA_FORMAT.to_owned(),
            format_version: SCHEMA_FORMAT_VERSION,
            version: 1,
            labels: BTreeMap::new(),
            relationship_types: BTreeMap::new(),
            unlabelled: None,
        }
    }
}

impl GraphSchema {
    /// Adds a node's labels and property types; whether anything was new.
    pub fn observe_node(&mut self, node: &NodeRecord) -> bool {
        let mut changed = false;
        if node.labels.is_empty() {
            changed |= self.unlabelled.is_none();
            changed |= self
                .unlabelled
                .get_or_insert_with(ElementSchema::default)
                .observe(&node.properties);
        }
        for label in &node.labels {
            let element = match self.labels.get_mut(label) {
                Some(element) => element,
                None => {
                    changed = true;
                    self.labels.entry(label.clone()).or_default()
                }
            };
            changed |= element.observe(&node.properties);
        }
        changed
    }

    /// Adds a relationship type and its property types; whether anything was new.
    pub fn observe_relationship(&mut self, rel_type: &str, properties: &Properties) -> bool {
        let mut changed = false;
        let element = match self.relationship_types.get_mut(rel_type) {
            Some(element) => element,
            None => {
                changed = true;
                self.relationship_types.entry(rel_type.to_owned()).or_default()
            }
        };
        changed | element.observe(properties)
    }

    /// Adds everything `other` holds (not its version); whether anything was new.
    pub fn merge(&mut self, other: &GraphSchema) -> bool {
        let mut changed = false;
        for (name, theirs) in &other.labels {
            changed |= merge_into(&mut self.labels, name, theirs);
        }
        for (name, theirs) in &other.relationship_types {
            changed |= merge_into(&mut self.relationship_types, name, theirs);
        }
        if let Some(theirs) = &other.unlabelled {
            changed |= self.unlabelled.is_none();
            changed |= self.unlabelled.get_or_insert_with(ElementSchema::default).merge(theirs);
        }
        changed
    }

    /// Whether it names no label, type or property.
    pub fn is_empty(&self) -> bool {
        self.labels.is_empty() && self.relationship_types.is_empty() && self.unlabelled.is_none()
    }

    /// Every property key, over labels, types and unlabelled nodes, sorted.
    pub fn property_keys(&self) -> BTreeSet<&str> {
        self.labels
            .values()
            .chain(self.relationship_types.values())
            .chain(self.unlabelled.iter())
            .flat_map(|e| e.properties.keys().map(String::as_str))
            .collect()
    }

    /// The JSON bytes of the object.
    pub fn encode(&self) -> Vec<u8> {
        // Maps with string keys and plain fields: serializing cannot fail.
        serde_json::to_vec(self).unwrap_or_default()
    }

    /// Parses the object, refusing another format or a newer format version.
    pub fn decode(bytes: &[u8]) -> Result<GraphSchema, String> {
        let schema: GraphSchema = serde_json::from_slice(bytes).map_err(|e| e.to_string())?;
        if schema.format != SCHEMA_FORMAT {
            return Err(format!("format is `{}`, not `{SCHEMA_FORMAT}`", schema.format));
        }
        if schema.format_version != SCHEMA_FORMAT_VERSION {
            return Err(format!(
                "format version {} (this build reads {SCHEMA_FORMAT_VERSION})",
                schema.format_version
            ));
        }
        Ok(schema)
    }
}

fn merge_into(
    map: &mut BTreeMap<String, ElementSchema>,
    name: &str,
    theirs: &ElementSchema,
) -> bool {
    match map.get_mut(name) {
        Some(mine) => mine.merge(theirs),
        None => {
            map.insert(name.to_owned(), theirs.clone());
            true
        }
    }
}

/// The schema type name of a stored value (Cypher's type names).
pub fn type_name(value: &PropertyValue) -> &'static str {
    match value {
        PropertyValue::Null => "NULL",
        PropertyValue::Bool(_) => "BOOLEAN",
        PropertyValue::Int(_) => "INTEGER",
        PropertyValue::Float(_) => "FLOAT",
        PropertyValue::String(_) => "STRING",
        PropertyValue::Bytes(_) => "BYTES",
        PropertyValue::List(_) => "LIST",
        PropertyValue::Map(_) => "MAP",
        PropertyValue::Date(_) => "DATE",
        PropertyValue::LocalTime(_) => "LOCAL TIME",
        PropertyValue::Time { .. } => "ZONED TIME",
        PropertyValue::LocalDateTime { .. } => "LOCAL DATETIME",
        PropertyValue::DateTime { .. } => "ZONED DATETIME",
        PropertyValue::Duration { .. } => "DURATION",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn node(labels: &[&str], props: &[(&str, PropertyValue)]) -> NodeRecord {
        NodeRecord {
            labels: labels.iter().map(|l| l.to_string()).collect(),
            properties: props.iter().map(|(k, v)| (k.to_string(), v.clone())).collect(),
        }
    }

    #[test]
    fn the_initial_object_of_the_storage_spine_decodes_empty() {
        let initial = br#"{"format":"namidb.schema","format_version":1,"version":1,"labels":{},"relationship_types":{}}"#;
        let schema = GraphSchema::decode(initial).unwrap();
        assert_eq!(schema, GraphSchema::default());
        assert!(schema.is_empty());
    }

    #[test]
    fn a_type_conflict_lists_both_types_and_nothing_repeats() {
        let mut schema = GraphSchema::default();
        assert!(schema.observe_node(&node(&["A", "B"], &[("x", PropertyValue::Int(1))])));
        assert!(!schema.observe_node(&node(&["A"], &[("x", PropertyValue::Int(2))])));
        assert!(schema.observe_node(&node(&["A"], &[("x", PropertyValue::String("s".into()))])));
        assert_eq!(
            schema.labels["A"].properties["x"],
            BTreeSet::from(["INTEGER".to_owned(), "STRING".to_owned()])
        );
        assert_eq!(schema.labels["B"].properties["x"], BTreeSet::from(["INTEGER".to_owned()]));
        assert!(schema.observe_node(&node(&[], &[])));
        assert!(!schema.observe_node(&node(&[], &[])));
        assert!(schema.observe_relationship("R", &Properties::new()));
        assert!(!schema.observe_relationship("R", &Properties::new()));
        let keys: Vec<&str> = schema.property_keys().into_iter().collect();
        assert_eq!(keys, ["x"]);
    }

    #[test]
    fn merging_is_a_union_in_any_order_and_round_trips() {
        let mut a = GraphSchema::default();
        a.observe_node(&node(&["A"], &[("x", PropertyValue::Int(1))]));
        let mut b = GraphSchema::default();
        b.observe_node(&node(&["A"], &[("x", PropertyValue::Float(1.0))]));
        b.observe_relationship("R", &node(&[], &[("w", PropertyValue::Bool(true))]).properties);
        let mut ab = a.clone();
        assert!(ab.merge(&b));
        assert!(!ab.merge(&b));
        let mut ba = b.clone();
        assert!(ba.merge(&a));
        assert_eq!(ab, ba);
        assert_eq!(GraphSchema::decode(&ab.encode()).unwrap(), ab);
    }

    #[test]
    fn foreign_or_newer_objects_are_refused() {
        assert!(GraphSchema::decode(b"{}").is_err());
        assert!(GraphSchema::decode(b"not json").is_err());
        let newer = br#"{"format":"namidb.schema","format_version":2,"version":1}"#;
        assert!(GraphSchema::decode(newer).unwrap_err().contains("format version 2"));
        let other = br#"{"format":"other","format_version":1,"version":1}"#;
        assert!(GraphSchema::decode(other).is_err());
    }
}
