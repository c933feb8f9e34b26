//! Binary encoding of property values, property maps and node records (format: docs/formats/graph-records.md).
//!
//! Used for the values the graph store writes into WAL batches and for the property streams of
//! SSTs. Every value starts with a one-byte tag; integers are zig-zag LEB128.

use std::collections::BTreeMap;

use crate::error::CodecError;
use crate::model::{NodeRecord, Properties, PropertyValue, TimeZone};
use crate::varint::{put_i64, put_str, put_u64, Reader};

/// Version byte that starts every encoded record.
pub const RECORD_VERSION: u8 = 1;

/// Deepest nesting of lists and maps a decoder accepts.
pub const MAX_NESTING: usize = 32;

mod tag {
    pub(super) const NULL: u8 = 0x00;
    pub(super) const FALSE: u8 = 0x01;
    pub(super) const TRUE: u8 = 0x02;
    pub(super) const INT: u8 = 0x03;
    pub(super) const FLOAT: u8 = 0x04;
    pub(super) const STRING: u8 = 0x05;
    pub(super) const BYTES: u8 = 0x06;
    pub(super) const LIST: u8 = 0x07;
    pub(super) const MAP: u8 = 0x08;
    pub(super) const DATE: u8 = 0x10;
    pub(super) const LOCAL_TIME: u8 = 0x11;
    pub(super) const TIME: u8 = 0x12;
    pub(super) const LOCAL_DATE_TIME: u8 = 0x13;
    pub(super) const DATE_TIME_OFFSET: u8 = 0x14;
    pub(super) const DATE_TIME_ZONE: u8 = 0x15;
    pub(super) const DURATION: u8 = 0x16;
}

/// Appends one value.
pub fn put_value(out: &mut Vec<u8>, value: &PropertyValue) {
    match value {
        PropertyValue::Null => out.push(tag::NULL),
        PropertyValue::Bool(false) => out.push(tag::FALSE),
        PropertyValue::Bool(true) => out.push(tag::TRUE),
        PropertyValue::Int(i) => {
            out.push(tag::INT);
            put_i64(out, *i);
        }
        PropertyValue::Float(x) => {
            out.push(tag::FLOAT);
            out.extend_from_slice(&x.to_le_bytes());
        }
        PropertyValue::String(s) => put_string_value(out, s),
        PropertyValue::Bytes(b) => {
            out.push(tag::BYTES);
            put_u64(out, b.len() as u64);
            out.extend_from_slice(b);
        }
        PropertyValue::List(items) => {
            out.push(tag::LIST);
            put_u64(out, items.len() as u64);
            items.iter().for_each(|item| put_value(out, item));
        }
        PropertyValue::Map(entries) => {
            out.push(tag::MAP);
            put_map_entries(out, entries);
        }
        PropertyValue::Date(days) => {
            out.push(tag::DATE);
            put_i64(out, i64::from(*days));
        }
        PropertyValue::LocalTime(nanos) => {
            out.push(tag::LOCAL_TIME);
            put_u64(out, *nanos);
        }
        PropertyValue::Time { nanos, offset_seconds } => {
            out.push(tag::TIME);
            put_u64(out, *nanos);
            put_i64(out, i64::from(*offset_seconds));
        }
        PropertyValue::LocalDateTime { seconds, nanos } => {
            out.push(tag::LOCAL_DATE_TIME);
            put_i64(out, *seconds);
            put_u64(out, u64::from(*nanos));
        }
        PropertyValue::DateTime { seconds, nanos, zone } => match zone {
            TimeZone::Offset(offset) => {
                out.push(tag::DATE_TIME_OFFSET);
                put_i64(out, *seconds);
                put_u64(out, u64::from(*nanos));
                put_i64(out, i64::from(*offset));
            }
            TimeZone::Named { name, offset_seconds } => {
                out.push(tag::DATE_TIME_ZONE);
                put_i64(out, *seconds);
                put_u64(out, u64::from(*nanos));
                put_i64(out, i64::from(*offset_seconds));
                put_str(out, name);
            }
        },
        PropertyValue::Duration { months, days, seconds, nanos } => {
            out.push(tag::DURATION);
            put_i64(out, *months);
            put_i64(out, *days);
            put_i64(out, *seconds);
            put_u64(out, u64::from(*nanos));
        }
    }
}

fn put_map_entries(out: &mut Vec<u8>, entries: &BTreeMap<String, PropertyValue>) {
    put_u64(out, entries.len() as u64);
    for (key, value) in entries {
        put_str(out, key);
        put_value(out, value);
    }
}

fn small<T: TryFrom<i64>>(reader: &Reader<'_>, value: i64, what: &str) -> Result<T, CodecError> {
    T::try_from(value)
        .map_err(|_| CodecError::new(reader.position(), format!("{what} out of range")))
}

fn nanos_of_second(reader: &mut Reader<'_>) -> Result<u32, CodecError> {
    let nanos = reader.u64()?;
    u32::try_from(nanos)
        .ok()
        .filter(|&n| n < 1_000_000_000)
        .ok_or_else(|| CodecError::new(reader.position(), "nanoseconds out of range"))
}

/// Reads one value.
pub fn read_value(reader: &mut Reader<'_>, depth: usize) -> Result<PropertyValue, CodecError> {
    if depth > MAX_NESTING {
        return Err(CodecError::new(reader.position(), "values nested too deeply"));
    }
    let at = reader.position();
    let value_tag = reader.u8()?;
    Ok(match value_tag {
        tag::NULL => PropertyValue::Null,
        tag::FALSE => PropertyValue::Bool(false),
        tag::TRUE => PropertyValue::Bool(true),
        tag::INT => PropertyValue::Int(reader.i64()?),
        tag::FLOAT => {
            let bytes = reader.take(8)?;
            let mut raw = [0u8; 8];
            raw.copy_from_slice(bytes);
            PropertyValue::Float(f64::from_le_bytes(raw))
        }
        tag::STRING => PropertyValue::String(reader.string()?),
        tag::BYTES => {
            let len = reader.length()?;
            PropertyValue::Bytes(reader.take(len)?.to_vec())
        }
        tag::LIST => {
            let count = reader.length()?;
            let mut items = Vec::with_capacity(count);
            for _ in 0..count {
                items.push(read_value(reader, depth + 1)?);
            }
            PropertyValue::List(items)
        }
        tag::MAP => PropertyValue::Map(read_map_entries(reader, depth + 1)?),
        tag::DATE => {
            let days = reader.i64()?;
            PropertyValue::Date(small(reader, days, "date")?)
        }
        tag::LOCAL_TIME => PropertyValue::LocalTime(reader.u64()?),
        tag::TIME => {
            let nanos = reader.u64()?;
            let offset = reader.i64()?;
            PropertyValue::Time { nanos, offset_seconds: small(reader, offset, "offset")? }
        }
        tag::LOCAL_DATE_TIME => {
            let seconds = reader.i64()?;
            PropertyValue::LocalDateTime { seconds, nanos: nanos_of_second(reader)? }
        }
        tag::DATE_TIME_OFFSET | tag::DATE_TIME_ZONE => {
            let seconds = reader.i64()?;
            let nanos = nanos_of_second(reader)?;
            let offset = reader.i64()?;
            let offset_seconds = small(reader, offset, "offset")?;
            let zone = if value_tag == tag::DATE_TIME_ZONE {
                TimeZone::Named { name: reader.string()?, offset_seconds }
            } else {
                TimeZone::Offset(offset_seconds)
            };
            PropertyValue::DateTime { seconds, nanos, zone }
        }
        tag::DURATION => PropertyValue::Duration {
            months: reader.i64()?,
            days: reader.i64()?,
            seconds: reader.i64()?,
            nanos: nanos_of_second(reader)?,
        },
        other => return Err(CodecError::new(at, format!("unknown value tag 0x{other:02x}"))),
    })
}

fn read_map_entries(
    reader: &mut Reader<'_>,
    depth: usize,
) -> Result<BTreeMap<String, PropertyValue>, CodecError> {
    let count = reader.length()?;
    let mut entries = BTreeMap::new();
    let mut previous: Option<String> = None;
    for _ in 0..count {
        let at = reader.position();
        let key = reader.string()?;
        if previous.as_ref().is_some_and(|p| *p >= key) {
            return Err(CodecError::new(at, "map keys out of order or repeated"));
        }
        let value = read_value(reader, depth)?;
        previous = Some(key.clone());
        entries.insert(key, value);
    }
    Ok(entries)
}

/// Encodes one value on its own (a node SST cell of a mixed-type property column).
pub fn encode_value(value: &PropertyValue) -> Vec<u8> {
    let mut out = Vec::new();
    put_value(&mut out, value);
    out
}

/// Decodes one value encoded by [`encode_value`].
pub fn decode_value(bytes: &[u8]) -> Result<PropertyValue, CodecError> {
    let mut reader = Reader::new(bytes);
    let value = read_value(&mut reader, 0)?;
    expect_end(&reader)?;
    Ok(value)
}

/// Encodes a property map (a relationship's value, an SST property cell).
pub fn encode_properties(properties: &Properties) -> Vec<u8> {
    let mut out = Vec::new();
    put_properties(&mut out, properties);
    out
}

/// Appends an encoded property map ([`encode_properties`]) to `out`.
pub fn put_properties(out: &mut Vec<u8>, properties: &Properties) {
    out.push(RECORD_VERSION);
    put_map_entries(out, properties);
}

/// The value of `key` in an encoded property map ([`encode_properties`]), without decoding the
/// rest: entries are ordered by key, so the walk stops at the first key past it, and values of
/// other keys are skipped unread. Bytes after the entry are not checked.
pub fn property_of(bytes: &[u8], key: &str) -> Result<Option<PropertyValue>, CodecError> {
    let mut reader = Reader::new(bytes);
    expect_version(&mut reader)?;
    entry_of(&mut reader, key)
}

/// The value of `key` in an encoded node record ([`encode_node`]), without decoding the rest
/// (its labels are skipped, as [`property_of`] skips other entries).
pub fn node_property_of(bytes: &[u8], key: &str) -> Result<Option<PropertyValue>, CodecError> {
    let mut reader = Reader::new(bytes);
    expect_version(&mut reader)?;
    for _ in 0..reader.length()? {
        let len = reader.length()?;
        reader.take(len)?;
    }
    entry_of(&mut reader, key)
}

/// The value of `key` among the map entries at `reader` (ordered by key).
fn entry_of(reader: &mut Reader<'_>, key: &str) -> Result<Option<PropertyValue>, CodecError> {
    for _ in 0..reader.length()? {
        let len = reader.length()?;
        let name = reader.take(len)?;
        match name.cmp(key.as_bytes()) {
            std::cmp::Ordering::Less => skip_value(reader, 1)?,
            std::cmp::Ordering::Equal => return read_value(reader, 1).map(Some),
            std::cmp::Ordering::Greater => return Ok(None),
        }
    }
    Ok(None)
}

/// Appends a string value (as [`put_value`] would a `PropertyValue::String`), without one.
pub fn put_string_value(out: &mut Vec<u8>, s: &str) {
    out.push(tag::STRING);
    put_str(out, s);
}

/// Checks that `bytes` are one encoded value ([`encode_value`]) and nothing more, without
/// building it.
pub fn check_value(bytes: &[u8]) -> Result<(), CodecError> {
    let mut reader = Reader::new(bytes);
    skip_value(&mut reader, 0)?;
    expect_end(&reader)
}

/// Moves past one value without building it (checking only its framing).
fn skip_value(reader: &mut Reader<'_>, depth: usize) -> Result<(), CodecError> {
    if depth > MAX_NESTING {
        return Err(CodecError::new(reader.position(), "values nested too deeply"));
    }
    let at = reader.position();
    match reader.u8()? {
        tag::NULL | tag::FALSE | tag::TRUE => {}
        tag::INT | tag::DATE => {
            reader.i64()?;
        }
        tag::LOCAL_TIME => {
            reader.u64()?;
        }
        tag::FLOAT => {
            reader.take(8)?;
        }
        tag::STRING | tag::BYTES => {
            let len = reader.length()?;
            reader.take(len)?;
        }
        tag::LIST => {
            for _ in 0..reader.length()? {
                skip_value(reader, depth + 1)?;
            }
        }
        tag::MAP => {
            for _ in 0..reader.length()? {
                let len = reader.length()?;
                reader.take(len)?;
                skip_value(reader, depth + 1)?;
            }
        }
        // Fixed runs of varints: (nanos, offset), (seconds, nanos), (seconds, nanos, offset)
        // with a zone name after for DATE_TIME_ZONE, and four for a duration.
        tag::TIME | tag::LOCAL_DATE_TIME => {
            reader.u64()?;
            reader.u64()?;
        }
        zoned @ (tag::DATE_TIME_OFFSET | tag::DATE_TIME_ZONE) => {
            for _ in 0..3 {
                reader.u64()?;
            }
            if zoned == tag::DATE_TIME_ZONE {
                let len = reader.length()?;
                reader.take(len)?;
            }
        }
        tag::DURATION => {
            for _ in 0..4 {
                reader.u64()?;
            }
        }
        other => return Err(CodecError::new(at, format!("unknown value tag 0x{other:02x}"))),
    }
    Ok(())
}

/// Encodes a property map given as `(name, value)` entries, without building the map: entries
/// are ordered by name and, for a repeated name, the last one counts (as a map insert would).
pub fn encode_property_entries(entries: &mut Vec<(&str, PropertyValue)>) -> Vec<u8> {
    // Stable, so the later of two equal names stays later; already sorted input costs O(n).
    entries.sort_by(|a, b| a.0.cmp(b.0));
    let mut out = vec![RECORD_VERSION];
    let mut kept = entries.len();
    for pair in entries.windows(2) {
        kept -= usize::from(pair[0].0 == pair[1].0);
    }
    put_u64(&mut out, kept as u64);
    for (i, (name, value)) in entries.iter().enumerate() {
        if entries.get(i + 1).is_some_and(|next| next.0 == *name) {
            continue;
        }
        put_str(&mut out, name);
        put_value(&mut out, value);
    }
    out
}

/// Decodes a property map.
pub fn decode_properties(bytes: &[u8]) -> Result<Properties, CodecError> {
    let mut reader = Reader::new(bytes);
    expect_version(&mut reader)?;
    let properties = read_map_entries(&mut reader, 1)?;
    expect_end(&reader)?;
    Ok(properties)
}

/// Encodes a node record: labels then properties.
pub fn encode_node(node: &NodeRecord) -> Vec<u8> {
    let mut out = vec![RECORD_VERSION];
    put_u64(&mut out, node.labels.len() as u64);
    node.labels.iter().for_each(|l| put_str(&mut out, l));
    put_map_entries(&mut out, &node.properties);
    out
}

/// Decodes a node record.
pub fn decode_node(bytes: &[u8]) -> Result<NodeRecord, CodecError> {
    let mut reader = Reader::new(bytes);
    expect_version(&mut reader)?;
    let count = reader.length()?;
    let mut labels = Vec::with_capacity(count);
    for _ in 0..count {
        labels.push(reader.string()?);
    }
    let properties = read_map_entries(&mut reader, 1)?;
    expect_end(&reader)?;
    Ok(NodeRecord { labels, properties })
}

fn expect_version(reader: &mut Reader<'_>) -> Result<(), CodecError> {
    match reader.u8()? {
        RECORD_VERSION => Ok(()),
        other => Err(CodecError::new(0, format!("unknown record version {other}"))),
    }
}

fn expect_end(reader: &Reader<'_>) -> Result<(), CodecError> {
    if reader.remaining() == 0 {
        Ok(())
    } else {
        Err(CodecError::new(reader.position(), "trailing bytes after the record"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn leaf() -> impl Strategy<Value = PropertyValue> {
        prop_oneof![
            Just(PropertyValue::Null),
            any::<bool>().prop_map(PropertyValue::Bool),
            any::<i64>().prop_map(PropertyValue::Int),
            any::<f64>()
                .prop_filter("NaN never equals itself", |x| !x.is_nan())
                .prop_map(PropertyValue::Float),
            ".{0,12}".prop_map(PropertyValue::String),
            proptest::collection::vec(any::<u8>(), 0..8).prop_map(PropertyValue::Bytes),
            any::<i32>().prop_map(PropertyValue::Date),
            any::<u64>().prop_map(PropertyValue::LocalTime),
            (any::<u64>(), any::<i32>())
                .prop_map(|(nanos, offset_seconds)| PropertyValue::Time { nanos, offset_seconds }),
            (any::<i64>(), 0u32..1_000_000_000)
                .prop_map(|(seconds, nanos)| PropertyValue::LocalDateTime { seconds, nanos }),
            (any::<i64>(), 0u32..1_000_000_000, any::<i32>()).prop_map(|(seconds, nanos, o)| {
                PropertyValue::DateTime { seconds, nanos, zone: TimeZone::Offset(o) }
            }),
            (any::<i64>(), 0u32..1_000_000_000, "[A-Za-z/_]{1,20}", any::<i32>()).prop_map(
                |(seconds, nanos, name, offset_seconds)| PropertyValue::DateTime {
                    seconds,
                    nanos,
                    zone: TimeZone::Named { name, offset_seconds },
                }
            ),
            (any::<i64>(), any::<i64>(), any::<i64>(), 0u32..1_000_000_000).prop_map(
                |(months, days, seconds, nanos)| PropertyValue::Duration {
                    months,
                    days,
                    seconds,
                    nanos
                }
            ),
        ]
    }

    fn value() -> impl Strategy<Value = PropertyValue> {
        leaf().prop_recursive(3, 24, 4, |inner| {
            prop_oneof![
                proptest::collection::vec(inner.clone(), 0..4).prop_map(PropertyValue::List),
                proptest::collection::btree_map(".{0,6}", inner, 0..4).prop_map(PropertyValue::Map),
            ]
        })
    }

    proptest! {
        #[test]
        fn node_records_round_trip(
            labels in proptest::collection::btree_set("[A-Za-z]{1,8}", 0..4),
            properties in proptest::collection::btree_map(".{0,8}", value(), 0..6),
        ) {
            let node = NodeRecord { labels: labels.into_iter().collect(), properties };
            prop_assert_eq!(decode_node(&encode_node(&node)).unwrap(), node);
        }

        #[test]
        fn property_maps_round_trip(properties in proptest::collection::btree_map(".{0,8}", value(), 0..6)) {
            prop_assert_eq!(decode_properties(&encode_properties(&properties)).unwrap(), properties);
        }

        #[test]
        fn entries_encode_as_the_map_they_insert_into(
            entries in proptest::collection::vec(("[a-c]{0,2}", value()), 0..8)
        ) {
            let map: Properties = entries.iter().cloned().collect();
            let mut borrowed: Vec<(&str, PropertyValue)> =
                entries.iter().map(|(k, v)| (k.as_str(), v.clone())).collect();
            prop_assert_eq!(encode_property_entries(&mut borrowed), encode_properties(&map));
        }

        #[test]
        fn one_property_reads_as_the_decoded_map_has_it(
            properties in proptest::collection::btree_map("[a-d]{0,2}", value(), 0..8),
            probes in proptest::collection::vec("[a-e]{0,3}", 1..6),
        ) {
            let bytes = encode_properties(&properties);
            let labels = probes.clone();
            let node = encode_node(&NodeRecord { labels, properties: properties.clone() });
            for key in properties.keys().chain(&probes) {
                prop_assert_eq!(property_of(&bytes, key).unwrap(), properties.get(key).cloned());
                prop_assert_eq!(node_property_of(&node, key).unwrap(), properties.get(key).cloned());
            }
        }

        #[test]
        fn corrupt_records_are_errors_not_panics(bytes in proptest::collection::vec(any::<u8>(), 0..64)) {
            let _ = decode_node(&bytes);
            let _ = decode_properties(&bytes);
            let _ = property_of(&bytes, "k");
            let _ = node_property_of(&bytes, "k");
        }

        #[test]
        fn truncated_records_are_errors(properties in proptest::collection::btree_map(".{1,8}", value(), 1..4)) {
            let bytes = encode_properties(&properties);
            for cut in 0..bytes.len() {
                prop_assert!(decode_properties(&bytes[..cut]).is_err());
            }
        }
    }

    #[test]
    fn deep_nesting_is_rejected() {
        let mut bytes = vec![RECORD_VERSION, 1, 1, b'k'];
        bytes.extend(std::iter::repeat_n([tag::LIST, 1], 100).flatten());
        bytes.push(tag::NULL);
        assert!(decode_properties(&bytes).is_err());
    }
}
