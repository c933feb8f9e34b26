//! Between stored property values and query values.

use std::collections::BTreeMap;
use std::sync::Arc;

use namidb_graph::model::{PropertyValue, TimeZone};
use namidb_value::temporal::{Date, DateTime, Duration, LocalDateTime, LocalTime, Time};
use namidb_value::Value;

use crate::error::{ExecError, Result};

/// A stored property as a query value.
pub fn to_value(p: &PropertyValue) -> Value {
    match p {
        PropertyValue::Null => Value::Null,
        PropertyValue::Bool(b) => Value::Bool(*b),
        PropertyValue::Int(i) => Value::Int(*i),
        PropertyValue::Float(f) => Value::Float(*f),
        PropertyValue::String(s) => Value::string(s),
        PropertyValue::Bytes(b) => Value::Bytes(Arc::from(b.as_slice())),
        PropertyValue::List(items) => Value::list(items.iter().map(to_value).collect()),
        PropertyValue::Map(entries) => {
            Value::map(entries.iter().map(|(k, v)| (k.clone(), to_value(v))).collect())
        }
        PropertyValue::Date(days) => Value::Date(Date { days: i64::from(*days) }),
        PropertyValue::LocalTime(nanos) => Value::LocalTime(LocalTime { nanos: *nanos }),
        PropertyValue::Time { nanos, offset_seconds } => {
            Value::Time(Time { nanos: *nanos, offset_seconds: *offset_seconds })
        }
        PropertyValue::LocalDateTime { seconds, nanos } => {
            Value::LocalDateTime(LocalDateTime { seconds: *seconds, nanos: *nanos })
        }
        PropertyValue::DateTime { seconds, nanos, zone } => {
            let (offset_seconds, zone) = match zone {
                TimeZone::Offset(o) => (*o, None),
                TimeZone::Named { name, offset_seconds } => (*offset_seconds, Some(name.clone())),
            };
            Value::DateTime(Arc::new(DateTime {
                seconds: *seconds,
                nanos: *nanos,
                offset_seconds,
                zone,
            }))
        }
        PropertyValue::Duration { months, days, seconds, nanos } => Value::Duration(Duration {
            months: *months,
            days: *days,
            seconds: *seconds,
            nanos: *nanos,
        }),
    }
}

/// A query value as a property to store; graph elements cannot be stored.
pub fn to_property(v: &Value) -> Result<PropertyValue> {
    Ok(match v {
        Value::Null => PropertyValue::Null,
        Value::Bool(b) => PropertyValue::Bool(*b),
        Value::Int(i) => PropertyValue::Int(*i),
        Value::Float(f) => PropertyValue::Float(*f),
        Value::String(s) => PropertyValue::String(s.to_string()),
        Value::Bytes(b) => PropertyValue::Bytes(b.to_vec()),
        Value::List(items) => {
            let mut out = Vec::with_capacity(items.len());
            for item in items.iter() {
                if matches!(item, Value::List(_) | Value::Map(_)) {
                    return Err(invalid(v));
                }
                out.push(to_property(item)?);
            }
            PropertyValue::List(out)
        }
        Value::Map(_) | Value::Node(_) | Value::Relationship(_) | Value::Path(_) => {
            return Err(invalid(v))
        }
        Value::Date(d) => PropertyValue::Date(
            i32::try_from(d.days)
                .map_err(|_| ExecError::argument("InvalidArgumentValue", "date out of range"))?,
        ),
        Value::LocalTime(t) => PropertyValue::LocalTime(t.nanos),
        Value::Time(t) => PropertyValue::Time { nanos: t.nanos, offset_seconds: t.offset_seconds },
        Value::LocalDateTime(t) => {
            PropertyValue::LocalDateTime { seconds: t.seconds, nanos: t.nanos }
        }
        Value::DateTime(t) => PropertyValue::DateTime {
            seconds: t.seconds,
            nanos: t.nanos,
            zone: match &t.zone {
                Some(name) => {
                    TimeZone::Named { name: name.clone(), offset_seconds: t.offset_seconds }
                }
                None => TimeZone::Offset(t.offset_seconds),
            },
        },
        Value::Duration(d) => PropertyValue::Duration {
            months: d.months,
            days: d.days,
            seconds: d.seconds,
            nanos: d.nanos,
        },
    })
}

fn invalid(v: &Value) -> ExecError {
    ExecError::type_error(
        "InvalidPropertyType",
        format!("a {} cannot be stored as a property value", v.type_name()),
    )
}

/// A stored property map as query values.
pub fn properties_to_values(props: &BTreeMap<String, PropertyValue>) -> BTreeMap<String, Value> {
    props.iter().map(|(k, v)| (k.clone(), to_value(v))).collect()
}
