//! Result columns as Arrow arrays, handed to pyarrow through the Arrow PyCapsule interface
//! (`__arrow_c_array__`): pyarrow takes the buffers over without copying them.
//!
//! A column becomes a typed array when every non-null value has one kind: integers → `int64`,
//! floats → `float64`, booleans → `bool`, strings → `utf8`, bytes → `binary`, dates →
//! `date32`, local times → `time64[ns]`, local date-times → `timestamp[ns]`, date-times →
//! `timestamp[ns, tz]` (the zone they share, else UTC), durations without months →
//! `duration[ns]`, only nulls → `null`. Any other column (mixed kinds, lists, maps, graph
//! values, out-of-range temporals) returns `None` and the Python side builds it from objects.

use std::sync::Arc;

use arrow_array::builder::{
    BinaryBuilder, BooleanBuilder, Date32Builder, DurationNanosecondBuilder, Float64Builder,
    Int64Builder, StringBuilder, Time64NanosecondBuilder, TimestampNanosecondBuilder,
};
use arrow_array::{Array, ArrayRef, NullArray};
use namidb::ResultValue;
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::{PyCapsule, PyTuple};

const NANOS: i64 = 1_000_000_000;

/// One column as an Arrow array, exported on demand.
#[pyclass(frozen, module = "namidb")]
pub(crate) struct ArrowColumn {
    array: ArrayRef,
}

#[pymethods]
impl ArrowColumn {
    /// The Arrow PyCapsule protocol: `(schema capsule, array capsule)`.
    #[pyo3(signature = (requested_schema=None))]
    fn __arrow_c_array__<'py>(
        &self,
        py: Python<'py>,
        requested_schema: Option<Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyTuple>> {
        // The requested schema is a hint; pyarrow casts when it differs.
        let _ = requested_schema;
        let data = self.array.to_data();
        let (array, schema) = arrow_array::ffi::to_ffi(&data)
            .map_err(|e| PyValueError::new_err(format!("cannot export the column: {e}")))?;
        let schema = PyCapsule::new_with_value(py, schema, c"arrow_schema")?;
        let array = PyCapsule::new_with_value(py, array, c"arrow_array")?;
        PyTuple::new(py, [schema.into_any(), array.into_any()])
    }

    fn __len__(&self) -> usize {
        self.array.len()
    }
}

/// Column `index` of `rows` as a typed Arrow array, or `None` when it has no single type.
pub(crate) fn column(rows: &[Vec<ResultValue>], index: usize) -> Option<ArrowColumn> {
    let values = || rows.iter().map(move |row| row.get(index).unwrap_or(&ResultValue::Null));
    let first = values().find(|v| !matches!(v, ResultValue::Null));
    let Some(first) = first else {
        return Some(ArrowColumn { array: Arc::new(NullArray::new(rows.len())) });
    };
    let same_kind = values().all(|v| {
        matches!(v, ResultValue::Null) || std::mem::discriminant(v) == std::mem::discriminant(first)
    });
    if !same_kind {
        return None;
    }
    let array: ArrayRef = match first {
        ResultValue::Int(_) => {
            let mut b = Int64Builder::with_capacity(rows.len());
            values().for_each(|v| {
                b.append_option(if let ResultValue::Int(i) = v { Some(*i) } else { None })
            });
            Arc::new(b.finish())
        }
        ResultValue::Float(_) => {
            let mut b = Float64Builder::with_capacity(rows.len());
            values().for_each(|v| {
                b.append_option(if let ResultValue::Float(f) = v { Some(*f) } else { None })
            });
            Arc::new(b.finish())
        }
        ResultValue::Bool(_) => {
            let mut b = BooleanBuilder::with_capacity(rows.len());
            values().for_each(|v| {
                b.append_option(if let ResultValue::Bool(x) = v { Some(*x) } else { None })
            });
            Arc::new(b.finish())
        }
        ResultValue::String(_) => {
            let mut b = StringBuilder::new();
            values().for_each(|v| {
                b.append_option(if let ResultValue::String(s) = v { Some(s) } else { None })
            });
            Arc::new(b.finish())
        }
        ResultValue::Bytes(_) => {
            let mut b = BinaryBuilder::new();
            values().for_each(|v| {
                b.append_option(if let ResultValue::Bytes(s) = v { Some(s) } else { None })
            });
            Arc::new(b.finish())
        }
        ResultValue::Date(_) => {
            let mut b = Date32Builder::with_capacity(rows.len());
            for v in values() {
                match v {
                    ResultValue::Date(d) => b.append_value(i32::try_from(d.days).ok()?),
                    _ => b.append_null(),
                }
            }
            Arc::new(b.finish())
        }
        ResultValue::LocalTime(_) => {
            let mut b = Time64NanosecondBuilder::with_capacity(rows.len());
            for v in values() {
                match v {
                    ResultValue::LocalTime(t) => b.append_value(i64::try_from(t.nanos).ok()?),
                    _ => b.append_null(),
                }
            }
            Arc::new(b.finish())
        }
        ResultValue::LocalDateTime(_) => {
            let mut b = TimestampNanosecondBuilder::with_capacity(rows.len());
            for v in values() {
                match v {
                    ResultValue::LocalDateTime(t) => {
                        b.append_value(epoch_nanos(t.seconds, t.nanos)?)
                    }
                    _ => b.append_null(),
                }
            }
            Arc::new(b.finish())
        }
        ResultValue::DateTime(_) => {
            let mut zone: Option<String> = None;
            let mut b = TimestampNanosecondBuilder::with_capacity(rows.len());
            let mut shared = true;
            for v in values() {
                match v {
                    ResultValue::DateTime(t) => {
                        let name = t.zone.clone().unwrap_or_else(|| offset_text(t.offset_seconds));
                        shared &= zone.as_ref().is_none_or(|z| *z == name);
                        zone.get_or_insert(name);
                        b.append_value(epoch_nanos(t.seconds, t.nanos)?);
                    }
                    _ => b.append_null(),
                }
            }
            let zone = if shared { zone.unwrap_or_else(|| "UTC".into()) } else { "UTC".into() };
            Arc::new(b.finish().with_timezone(zone))
        }
        ResultValue::Duration(_) => {
            let mut b = DurationNanosecondBuilder::with_capacity(rows.len());
            for v in values() {
                match v {
                    ResultValue::Duration(d) if d.months == 0 => {
                        let seconds = d.days.checked_mul(86_400)?.checked_add(d.seconds)?;
                        b.append_value(epoch_nanos(seconds, d.nanos)?)
                    }
                    ResultValue::Duration(_) => return None,
                    _ => b.append_null(),
                }
            }
            Arc::new(b.finish())
        }
        _ => return None,
    };
    Some(ArrowColumn { array })
}

/// `seconds` and `nanos` as nanoseconds, when they fit 64 bits.
fn epoch_nanos(seconds: i64, nanos: u32) -> Option<i64> {
    seconds.checked_mul(NANOS)?.checked_add(i64::from(nanos))
}

/// `+05:30` for an offset in seconds (Arrow's fixed-offset time zone form).
fn offset_text(offset_seconds: i32) -> String {
    let sign = if offset_seconds < 0 { '-' } else { '+' };
    let minutes = offset_seconds.unsigned_abs() / 60;
    format!("{sign}{:02}:{:02}", minutes / 60, minutes % 60)
}
