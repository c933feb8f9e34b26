//! Choosing a property column's Parquet type from the values it holds, and building it.

use std::sync::Arc;

use arrow_array::{ArrayRef, BinaryArray, BooleanArray, Float64Array, Int64Array, StringArray};
use arrow_schema::DataType;

use crate::model::PropertyValue;
use crate::record_codec::encode_value;

/// How a property column stores its cells.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ColumnKind {
    /// Parquet INT64.
    Int,
    /// Parquet DOUBLE.
    Float,
    /// Parquet BYTE_ARRAY (UTF8).
    String,
    /// Parquet BOOLEAN.
    Bool,
    /// Parquet BYTE_ARRAY of encoded values (any type, mixed types).
    Encoded,
}

impl ColumnKind {
    /// The kind a value alone would get.
    fn of(value: &PropertyValue) -> ColumnKind {
        match value {
            PropertyValue::Int(_) => ColumnKind::Int,
            PropertyValue::Float(_) => ColumnKind::Float,
            PropertyValue::String(_) => ColumnKind::String,
            PropertyValue::Bool(_) => ColumnKind::Bool,
            _ => ColumnKind::Encoded,
        }
    }

    /// The kind for a column holding all of `values`: native when they agree, else encoded.
    pub fn for_values<'a>(values: impl Iterator<Item = &'a PropertyValue>) -> ColumnKind {
        let mut kind: Option<ColumnKind> = None;
        for value in values {
            let this = ColumnKind::of(value);
            match kind {
                None => kind = Some(this),
                Some(k) if k == this => {}
                Some(_) => return ColumnKind::Encoded,
            }
        }
        kind.unwrap_or(ColumnKind::Encoded)
    }

    /// The kind stored as `data_type` (`None` for a type no property column has).
    pub fn of_data_type(data_type: &DataType) -> Option<ColumnKind> {
        Some(match data_type {
            DataType::Int64 => ColumnKind::Int,
            DataType::Float64 => ColumnKind::Float,
            DataType::Utf8 => ColumnKind::String,
            DataType::Boolean => ColumnKind::Bool,
            DataType::Binary => ColumnKind::Encoded,
            _ => return None,
        })
    }

    /// Whether the writer gives the column a bloom filter per row group: integers and strings,
    /// the values equality lookups probe (a float or boolean column, or encoded values, get none).
    pub fn has_bloom(self) -> bool {
        matches!(self, ColumnKind::Int | ColumnKind::String)
    }

    /// The Arrow type.
    pub fn data_type(self) -> DataType {
        match self {
            ColumnKind::Int => DataType::Int64,
            ColumnKind::Float => DataType::Float64,
            ColumnKind::String => DataType::Utf8,
            ColumnKind::Bool => DataType::Boolean,
            ColumnKind::Encoded => DataType::Binary,
        }
    }

    /// The field metadata value naming the encoding.
    pub fn encoding(self) -> &'static str {
        match self {
            ColumnKind::Encoded => "value-v1",
            _ => "native",
        }
    }

    /// Builds the column from one optional value per row.
    pub fn build(self, cells: &[Option<&PropertyValue>]) -> ArrayRef {
        match self {
            ColumnKind::Int => Arc::new(Int64Array::from_iter(cells.iter().map(|c| match c {
                Some(PropertyValue::Int(i)) => Some(*i),
                _ => None,
            }))),
            ColumnKind::Float => Arc::new(Float64Array::from_iter(cells.iter().map(|c| match c {
                Some(PropertyValue::Float(x)) => Some(*x),
                _ => None,
            }))),
            ColumnKind::String => Arc::new(StringArray::from_iter(cells.iter().map(|c| match c {
                Some(PropertyValue::String(s)) => Some(s.as_str()),
                _ => None,
            }))),
            ColumnKind::Bool => Arc::new(BooleanArray::from_iter(cells.iter().map(|c| match c {
                Some(PropertyValue::Bool(b)) => Some(*b),
                _ => None,
            }))),
            ColumnKind::Encoded => {
                let encoded: Vec<Option<Vec<u8>>> =
                    cells.iter().map(|c| c.map(encode_value)).collect();
                Arc::new(BinaryArray::from_iter(encoded.iter().map(|c| c.as_deref())))
            }
        }
    }
}
