//! [`NodeRows`]: decoded node versions kept compact: ids, LSNs, label sets interned, and each
//! node's properties as one encoded property map (docs/formats/graph-records.md) packed into a
//! shared buffer.
//!
//! This is the form decoded row groups take in the SST cache and the form scans stream. A
//! node with three small properties costs about 40 bytes here, where a decoded
//! [`NodeRecord`] (its `BTreeMap` node, keys, labels and shared allocation) takes near a
//! kilobyte: the cache holds some twenty times more nodes within its budget, and a scan that
//! copies properties into a projection moves bytes instead of building and freeing maps.
//! A record is decoded when someone asks for it ([`NodeRows::record`]); one property can be
//! read without decoding the rest (`record_codec::property_of`).

use std::collections::BTreeMap;
use std::ops::Range;
use std::sync::Arc;

use arrow_array::{
    Array, BinaryArray, BooleanArray, Float64Array, Int64Array, RecordBatch, StringArray,
    UInt64Array,
};

use super::writer::NodeVersion;
use super::{ID_COLUMN, LSN_COLUMN, PROPERTY_PREFIX, TOMBSTONE_COLUMN};
use crate::error::CodecError;
use crate::model::{NodeId, NodeRecord, PropertyValue};
use crate::record_codec::{
    check_value, decode_properties, put_properties, put_string_value, put_value, RECORD_VERSION,
};
use crate::varint::{put_str, put_u64};

/// The label-set index a tombstone row carries.
const TOMBSTONE: u32 = u32::MAX;

/// Node versions, compact (see the module docs). Rows keep the order they were pushed in.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct NodeRows {
    ids: Vec<u64>,
    lsns: Vec<u64>,
    /// Each row's label set as an index into `label_sets` ([`TOMBSTONE`] for a deletion).
    label_set_of: Vec<u32>,
    label_sets: Vec<Arc<[String]>>,
    /// The encoded property maps, packed: row `i`'s is `cells[ends[i - 1]..ends[i]]`.
    cells: Vec<u8>,
    ends: Vec<u64>,
}

impl NodeRows {
    /// How many rows.
    pub fn len(&self) -> usize {
        self.ids.len()
    }

    /// Whether there are no rows.
    pub fn is_empty(&self) -> bool {
        self.ids.is_empty()
    }

    /// Row `row`'s node id (0 past the end).
    pub fn id(&self, row: usize) -> u64 {
        self.ids.get(row).copied().unwrap_or(0)
    }

    /// Row `row`'s LSN (0 past the end).
    pub fn lsn(&self, row: usize) -> u64 {
        self.lsns.get(row).copied().unwrap_or(0)
    }

    /// Row `row`'s label set and encoded properties; `None` for a tombstone (or past the end).
    pub fn cell(&self, row: usize) -> Option<(&Arc<[String]>, &[u8])> {
        let labels = self.label_sets.get(*self.label_set_of.get(row)? as usize)?;
        let start = match row.checked_sub(1) {
            Some(before) => *self.ends.get(before)?,
            None => 0,
        };
        let end = *self.ends.get(row)?;
        Some((labels, self.cells.get(start as usize..end as usize)?))
    }

    /// Row `row`'s record, decoded; `None` for a tombstone.
    pub fn record(&self, row: usize) -> Result<Option<NodeRecord>, CodecError> {
        let Some((labels, cell)) = self.cell(row) else { return Ok(None) };
        Ok(Some(NodeRecord { labels: labels.to_vec(), properties: decode_properties(cell)? }))
    }

    /// The rows of node `id`, when rows are sorted by id.
    pub fn rows_of(&self, id: u64) -> Range<usize> {
        let start = self.ids.partition_point(|&i| i < id);
        start..start + self.ids[start..].iter().take_while(|&&i| i == id).count()
    }

    /// Every row as a node version with its record decoded.
    pub fn versions(&self) -> Result<Vec<NodeVersion>, CodecError> {
        (0..self.len()).map(|row| self.version(row)).collect()
    }

    /// Row `row` as a node version with its record decoded.
    pub fn version(&self, row: usize) -> Result<NodeVersion, CodecError> {
        let record = self.record(row)?.map(Arc::new);
        Ok(NodeVersion { id: NodeId(self.id(row)), lsn: self.lsn(row), record })
    }

    /// Approximate heap bytes.
    pub fn heap_bytes(&self) -> usize {
        self.ids.capacity() * 8
            + self.lsns.capacity() * 8
            + self.label_set_of.capacity() * 4
            + self
                .label_sets
                .iter()
                .map(|s| 32 + s.iter().map(|l| 24 + l.len()).sum::<usize>())
                .sum::<usize>()
            + self.cells.capacity()
            + self.ends.capacity() * 8
    }

    /// Releases spare capacity.
    pub fn shrink_to_fit(&mut self) {
        self.ids.shrink_to_fit();
        self.lsns.shrink_to_fit();
        self.label_set_of.shrink_to_fit();
        self.cells.shrink_to_fit();
        self.ends.shrink_to_fit();
    }

    /// Appends a row: `record` `None` is a tombstone.
    pub fn push(&mut self, id: u64, lsn: u64, record: Option<&NodeRecord>) {
        match record {
            Some(record) => {
                let set = self.label_set(&record.labels);
                put_properties(&mut self.cells, &record.properties);
                self.push_row(id, lsn, set);
            }
            None => self.push_row(id, lsn, TOMBSTONE),
        }
    }

    /// The index of label set `labels`, interned on first use (the last one is tried first:
    /// rows of one SST all share one).
    fn label_set(&mut self, labels: &[String]) -> u32 {
        if let Some(i) = self.label_sets.iter().rposition(|s| **s == *labels) {
            return i as u32;
        }
        self.label_sets.push(Arc::from(labels));
        self.label_sets.len() as u32 - 1
    }

    /// Ends the row whose cell was just written to `cells`.
    fn push_row(&mut self, id: u64, lsn: u64, set: u32) {
        self.ids.push(id);
        self.lsns.push(lsn);
        self.label_set_of.push(set);
        self.ends.push(self.cells.len() as u64);
    }

    /// Appends the rows of a decoded node SST batch (any projection of the property
    /// columns), whose nodes carry `labels`: each row's non-null cells become its encoded
    /// property map, without building a record.
    pub(super) fn append_batch(
        &mut self,
        batch: &RecordBatch,
        labels: &[String],
    ) -> Result<(), String> {
        let ids: &UInt64Array = column(batch, ID_COLUMN)?;
        let lsns: &UInt64Array = column(batch, LSN_COLUMN)?;
        let tombstones: &BooleanArray = column(batch, TOMBSTONE_COLUMN)?;
        let schema = batch.schema();
        // By key, the order an encoded map keeps.
        let mut properties: BTreeMap<&str, &dyn Array> = BTreeMap::new();
        for (field, array) in schema.fields().iter().zip(batch.columns()) {
            if let Some(key) = field.name().strip_prefix(PROPERTY_PREFIX) {
                properties.insert(key, array.as_ref());
            } else if ![ID_COLUMN, LSN_COLUMN, TOMBSTONE_COLUMN].contains(&field.name().as_str()) {
                return Err(format!("unknown column {}", field.name()));
            }
        }
        let properties: Vec<(&str, &dyn Array)> = properties.into_iter().collect();
        let set = self.label_set(labels);
        for row in 0..batch.num_rows() {
            if ids.is_null(row) || lsns.is_null(row) || tombstones.is_null(row) {
                return Err(format!("row {row} lacks its id, LSN or tombstone flag"));
            }
            if tombstones.value(row) {
                self.push_row(ids.value(row), lsns.value(row), TOMBSTONE);
                continue;
            }
            let present = properties.iter().filter(|(_, a)| !a.is_null(row)).count();
            self.cells.push(RECORD_VERSION);
            put_u64(&mut self.cells, present as u64);
            for (key, array) in &properties {
                if !array.is_null(row) {
                    put_str(&mut self.cells, key);
                    put_cell(&mut self.cells, *array, row)?;
                }
            }
            self.push_row(ids.value(row), lsns.value(row), set);
        }
        Ok(())
    }
}

/// Appends the encoded value of a non-null cell of a property column.
fn put_cell(out: &mut Vec<u8>, array: &dyn Array, row: usize) -> Result<(), String> {
    let any = array.as_any();
    if let Some(a) = any.downcast_ref::<Int64Array>() {
        put_value(out, &PropertyValue::Int(a.value(row)));
    } else if let Some(a) = any.downcast_ref::<Float64Array>() {
        put_value(out, &PropertyValue::Float(a.value(row)));
    } else if let Some(a) = any.downcast_ref::<StringArray>() {
        put_string_value(out, a.value(row));
    } else if let Some(a) = any.downcast_ref::<BooleanArray>() {
        put_value(out, &PropertyValue::Bool(a.value(row)));
    } else if let Some(a) = any.downcast_ref::<BinaryArray>() {
        // Already an encoded value: checked, then copied as it is.
        let encoded = a.value(row);
        check_value(encoded).map_err(|e| format!("encoded cell in row {row}: {e}"))?;
        out.extend_from_slice(encoded);
    } else {
        return Err(format!("property column of unsupported type {}", array.data_type()));
    }
    Ok(())
}

fn column<'a, T: 'static>(batch: &'a RecordBatch, name: &str) -> Result<&'a T, String> {
    batch
        .column_by_name(name)
        .and_then(|c| c.as_any().downcast_ref::<T>())
        .ok_or_else(|| format!("column {name} missing or of the wrong type"))
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::NodeRows;
    use crate::model::{NodeRecord, PropertyValue};
    use crate::record_codec::property_of;

    fn record(labels: &[&str], age: Option<i64>) -> NodeRecord {
        let mut r = NodeRecord {
            labels: labels.iter().map(|l| l.to_string()).collect(),
            properties: Default::default(),
        };
        r.properties.insert("name".into(), PropertyValue::String("x".into()));
        if let Some(age) = age {
            r.properties.insert("age".into(), PropertyValue::Int(age));
        }
        r
    }

    #[test]
    fn rows_keep_records_tombstones_and_label_sets() {
        let mut rows = NodeRows::default();
        let (a, b) = (record(&["A"], Some(3)), record(&["A", "B"], None));
        rows.push(1, 9, Some(&a));
        rows.push(1, 4, None);
        rows.push(2, 5, Some(&b));
        rows.push(4, 5, Some(&a));
        assert_eq!(rows.len(), 4);
        assert_eq!(rows.record(0).unwrap(), Some(a.clone()));
        assert_eq!(rows.record(1).unwrap(), None);
        assert_eq!(rows.record(2).unwrap(), Some(b));
        assert_eq!((rows.id(3), rows.lsn(3), rows.label_sets.len()), (4, 5, 2));
        let (labels, cell) = rows.cell(3).unwrap();
        assert!(Arc::ptr_eq(labels, rows.cell(0).unwrap().0));
        assert_eq!(property_of(cell, "age").unwrap(), Some(PropertyValue::Int(3)));
        assert_eq!((rows.rows_of(1), rows.rows_of(3), rows.rows_of(4)), (0..2, 3..3, 3..4));
        let versions = rows.versions().unwrap();
        assert_eq!(versions[1].record, None);
        assert_eq!(versions[3].record.as_deref(), Some(&a));
        assert_eq!((rows.cell(9), rows.id(9)), (None, 0));
    }
}
