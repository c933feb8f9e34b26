//! Typed CSV headers, in the style of `neo4j-admin import`:
//! `id:ID(Person)|firstName:STRING|speaks:STRING[]|:LABEL` for nodes,
//! `:START_ID(Person)|:END_ID(Person)|creationDate:LONG` for relationships. A column is a
//! property with a type, a node id in an id space (ids of different spaces may repeat), a
//! label, a relationship endpoint, or ignored.

use namidb_graph::model::{PropertyValue, TimeZone};
use namidb_value::temporal::{self, Clock, Kind};
use namidb_value::Value;

/// A property's type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ValueType {
    /// Text.
    String,
    /// 64-bit integer (`INT`, `LONG`, `SHORT`, `BYTE`).
    Int,
    /// 64-bit float (`FLOAT`, `DOUBLE`).
    Float,
    /// `true`/`false`.
    Bool,
    /// An ISO 8601 temporal value of this kind (`DATE`, `LOCALTIME`, `TIME`,
    /// `LOCALDATETIME`, `DATETIME`), e.g. `2010-01-03T15:10:31.499+00:00`.
    Temporal(Kind),
    /// An ISO 8601 duration (`DURATION`), e.g. `P1DT2H`.
    Duration,
}

/// What a column holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Column {
    /// A property.
    Property {
        /// Property key.
        name: String,
        /// Element type.
        ty: ValueType,
        /// Whether the value is a `;`-separated list.
        list: bool,
    },
    /// The node's id in `space`; also stored as property `name` when it has one.
    Id {
        /// Property key for the id, if any.
        name: Option<String>,
        /// The id space.
        space: String,
    },
    /// An extra label.
    Label,
    /// A relationship's start node id in `space`.
    StartId {
        /// The id space.
        space: String,
    },
    /// A relationship's end node id in `space`.
    EndId {
        /// The id space.
        space: String,
    },
    /// Skipped.
    Ignore,
}

/// Parses one header field; `default_space` is the id space used when `ID()` names none.
pub fn parse_column(field: &str, default_space: &str) -> Result<Column, String> {
    let (name, ty) = match field.rsplit_once(':') {
        Some((n, t)) => (n.trim(), t.trim()),
        None => (field.trim(), "STRING"),
    };
    let space_of = |t: &str, keyword: &str| -> Result<String, String> {
        let inner = t[keyword.len()..].trim();
        if inner.is_empty() {
            return Ok(default_space.to_owned());
        }
        inner
            .strip_prefix('(')
            .and_then(|s| s.strip_suffix(')'))
            .map(str::to_owned)
            .ok_or_else(|| format!("`{field}`: expected {keyword}(space)"))
    };
    let upper = ty.to_ascii_uppercase();
    Ok(match upper.as_str() {
        t if t.starts_with("START_ID") => Column::StartId { space: space_of(ty, "START_ID")? },
        t if t.starts_with("END_ID") => Column::EndId { space: space_of(ty, "END_ID")? },
        t if t.starts_with("ID") => Column::Id {
            name: (!name.is_empty()).then(|| name.to_owned()),
            space: space_of(ty, "ID")?,
        },
        "LABEL" => Column::Label,
        "IGNORE" => Column::Ignore,
        _ => {
            if name.is_empty() {
                return Err(format!("`{field}`: a property column needs a name"));
            }
            let (base, list) = match upper.strip_suffix("[]") {
                Some(b) => (b, true),
                None => (upper.as_str(), false),
            };
            let ty = match base {
                "STRING" | "CHAR" => ValueType::String,
                "INT" | "LONG" | "SHORT" | "BYTE" => ValueType::Int,
                "FLOAT" | "DOUBLE" => ValueType::Float,
                "BOOLEAN" => ValueType::Bool,
                "DURATION" => ValueType::Duration,
                other => match Kind::from_name(other) {
                    Some(kind) => ValueType::Temporal(kind),
                    None => return Err(format!("`{field}`: unknown type `{other}`")),
                },
            };
            Column::Property { name: name.to_owned(), ty, list }
        }
    })
}

/// Converts one field's text to a property value; `None` for an empty field (no property).
pub fn convert(text: &str, ty: ValueType, list: bool) -> Result<Option<PropertyValue>, String> {
    if text.is_empty() {
        return Ok(None);
    }
    if list {
        let items = text.split(';').map(|t| scalar(t, ty)).collect::<Result<Vec<_>, _>>()?;
        return Ok(Some(PropertyValue::List(items)));
    }
    scalar(text, ty).map(Some)
}

fn scalar(text: &str, ty: ValueType) -> Result<PropertyValue, String> {
    Ok(match ty {
        ValueType::String => PropertyValue::String(text.to_owned()),
        ValueType::Int => PropertyValue::Int(
            text.trim().parse().map_err(|_| format!("`{text}` is not an integer"))?,
        ),
        ValueType::Float => PropertyValue::Float(
            text.trim().parse().map_err(|_| format!("`{text}` is not a number"))?,
        ),
        ValueType::Bool => match text.trim().to_ascii_lowercase().as_str() {
            "true" => PropertyValue::Bool(true),
            "false" => PropertyValue::Bool(false),
            _ => return Err(format!("`{text}` is not a boolean")),
        },
        ValueType::Temporal(kind) => {
            // Text alone decides the value; the clock only matters for "now", never read here.
            let clock = Clock { seconds: 0, nanos: 0 };
            let value =
                temporal::construct::construct(kind, Some(&Value::string(text.trim())), clock)
                    .map_err(|e| format!("`{text}` is not a {kind:?}: {e}"))?;
            temporal_property(value)?
        }
        ValueType::Duration => {
            let value = temporal::duration::construct(&Value::string(text.trim()))
                .map_err(|e| format!("`{text}` is not a duration: {e}"))?;
            temporal_property(value)?
        }
    })
}

/// A temporal value as a stored property.
fn temporal_property(value: Value) -> Result<PropertyValue, String> {
    Ok(match value {
        Value::Date(d) => PropertyValue::Date(
            i32::try_from(d.days).map_err(|_| format!("date {d} is out of range"))?,
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
        other => return Err(format!("{other} is not a temporal value")),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_fields() {
        assert_eq!(
            parse_column("id:ID(Person)", "x"),
            Ok(Column::Id { name: Some("id".into()), space: "Person".into() })
        );
        assert_eq!(
            parse_column(":START_ID(Tag)", "x"),
            Ok(Column::StartId { space: "Tag".into() })
        );
        assert_eq!(parse_column(":END_ID", "Post"), Ok(Column::EndId { space: "Post".into() }));
        assert_eq!(
            parse_column("creationDate:DATETIME", "x"),
            Ok(Column::Property {
                name: "creationDate".into(),
                ty: ValueType::Temporal(Kind::DateTime),
                list: false
            })
        );
        assert!(matches!(
            convert("2010-01-03T15:10:31.499+00:00", ValueType::Temporal(Kind::DateTime), false),
            Ok(Some(PropertyValue::DateTime { seconds: 1_262_531_431, nanos: 499_000_000, .. }))
        ));
        assert_eq!(
            convert("1984-03-11", ValueType::Temporal(Kind::Date), false),
            Ok(Some(PropertyValue::Date(5183)))
        );
        assert!(convert("1984-13-11", ValueType::Temporal(Kind::Date), false).is_err());
        assert_eq!(
            parse_column("speaks:STRING[]", "x"),
            Ok(Column::Property { name: "speaks".into(), ty: ValueType::String, list: true })
        );
        assert_eq!(parse_column(":LABEL", "x"), Ok(Column::Label));
        assert!(parse_column("x:WHAT", "x").is_err());
        assert_eq!(
            convert("es;en", ValueType::String, true),
            Ok(Some(PropertyValue::List(vec![
                PropertyValue::String("es".into()),
                PropertyValue::String("en".into())
            ])))
        );
        assert!(convert("x", ValueType::Int, false).is_err());
    }
}
