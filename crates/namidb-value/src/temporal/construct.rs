//! The temporal constructor functions: `date(…)`, `localtime(…)`, `time(…)`,
//! `localdatetime(…)` and `datetime(…)` from nothing (the statement's clock), a string, a map
//! of fields (optionally selecting from other temporal values) or another temporal value;
//! `datetime.fromepoch` and `datetime.fromepochmillis`.

use std::collections::BTreeMap;
use std::sync::Arc;

use super::fields::Fields;
use super::parts::{split_local, Kind, Parts};
use super::{Clock, DateTime, Result, TemporalError, Zone, NANOS_PER_SECOND};
use crate::Value;

/// `kind(argument)`: `None` is the call without arguments (the current instant in UTC).
pub fn construct(kind: Kind, argument: Option<&Value>, clock: Clock) -> Result<Value> {
    let Some(argument) = argument else { return now(kind, Zone::UTC, clock) };
    match argument {
        Value::Null => Ok(Value::Null),
        Value::String(text) => {
            let parts = super::parse::parse(kind, text)?;
            let parts = if kind == Kind::Time { parts.with_fixed_offset(clock) } else { parts };
            parts.into_value(kind)
        }
        Value::Map(map) => from_map(kind, map, clock),
        other => match Parts::of(other) {
            Some(parts) => select(kind, parts, clock),
            None => Err(TemporalError::kind(format!(
                "cannot construct a {kind:?} from a {}",
                other.type_name()
            ))),
        },
    }
}

/// The statement's instant seen in `zone`, as a value of `kind`.
pub fn now(kind: Kind, zone: Zone, clock: Clock) -> Result<Value> {
    let offset = zone.offset_at(clock.seconds);
    let (date, time) = split_local(clock.seconds + i64::from(offset), clock.nanos);
    Parts { date: Some(date), time: Some(time), zone: Some(zone), offset_hint: Some(offset) }
        .into_value(kind)
}

/// A value of `kind` from another temporal value: the parts `kind` has are kept, a missing
/// zone is UTC, a missing time midnight.
fn select(kind: Kind, mut parts: Parts, clock: Clock) -> Result<Value> {
    if kind == Kind::Time {
        parts = parts.with_fixed_offset(clock);
    }
    parts.into_value(kind)
}

fn source(value: Option<&Value>, what: &str) -> Result<Option<Parts>> {
    match value {
        None => Ok(None),
        Some(v) => Parts::of(v).map(Some).ok_or_else(|| {
            TemporalError::kind(format!("`{what}` must be a temporal value, got {}", v.type_name()))
        }),
    }
}

fn from_map(kind: Kind, map: &BTreeMap<String, Value>, clock: Clock) -> Result<Value> {
    let f = Fields::read(map)?;
    if f.epoch_seconds.is_some() || f.epoch_millis.is_some() {
        return from_epoch_fields(kind, &f);
    }
    let selects = f.date.is_some() || f.time.is_some() || f.datetime.is_some();
    if !selects && !f.has_date_fields() && !f.has_time_fields() {
        return now(kind, f.timezone.clone().unwrap_or(Zone::UTC), clock);
    }
    let whole = source(f.datetime.as_ref(), "datetime")?;
    let date_source = source(f.date.as_ref(), "date")?.or_else(|| whole.clone());
    let time_source = source(f.time.as_ref(), "time")?.or(whole);
    let base_date = match &date_source {
        Some(p) => Some(p.date.ok_or_else(|| TemporalError::value("`date` has no date part"))?),
        None => None,
    };
    let base_time = match &time_source {
        Some(p) => Some(p.time.ok_or_else(|| TemporalError::value("`time` has no time part"))?),
        None => None,
    };
    if !kind.has_date() && (f.has_date_fields() || date_source.is_some()) {
        return Err(TemporalError::value(format!("a {kind:?} has no date fields")));
    }
    if !kind.has_time() && (f.has_time_fields() || time_source.is_some()) {
        return Err(TemporalError::value("a date has no time fields"));
    }
    let date = if kind.has_date() { Some(f.apply_date(base_date)?) } else { None };
    let time = if kind.has_time() { Some(f.apply_time(base_time)?) } else { None };
    let mut source_zone = None;
    let mut offset_hint = None;
    if let Some(p) = time_source.filter(|p| p.zone.is_some()) {
        let p = if kind == Kind::Time { p.with_fixed_offset(clock) } else { p };
        source_zone = p.zone.clone();
        offset_hint = p.offset_hint;
    }
    let parts = Parts { date, time, zone: source_zone, offset_hint };
    if !kind.has_zone() {
        return Parts { zone: None, offset_hint: None, ..parts }.into_value(kind);
    }
    let parts = match (f.timezone, &parts.zone) {
        (Some(zone), Some(_)) => parts.convert_to(zone),
        (Some(zone), None) => Parts { zone: Some(zone), offset_hint: None, ..parts },
        (None, _) => parts,
    };
    let parts = if kind == Kind::Time { parts.with_fixed_offset(clock) } else { parts };
    parts.into_value(kind)
}

/// `datetime({epochSeconds: s, nanosecond: n, timezone: z})` or `{epochMillis: ms}`: an
/// instant seen in the zone (UTC by default).
fn from_epoch_fields(kind: Kind, f: &Fields) -> Result<Value> {
    if kind != Kind::DateTime
        || f.has_date_fields()
        || f.hour.is_some()
        || f.minute.is_some()
        || f.second.is_some()
    {
        return Err(TemporalError::value(
            "epochSeconds/epochMillis build a datetime and combine only with nanosecond and timezone",
        ));
    }
    let nanos = f.nanosecond.unwrap_or(0);
    let instant = match (f.epoch_seconds, f.epoch_millis) {
        (Some(s), None) => from_epoch(s, nanos)?,
        (None, Some(ms)) => {
            from_epoch(ms.div_euclid(1000), ms.rem_euclid(1000) * 1_000_000 + nanos)?
        }
        _ => return Err(TemporalError::value("give either epochSeconds or epochMillis")),
    };
    let zone = f.timezone.clone().unwrap_or(Zone::UTC);
    let parts = Parts::of(&instant).ok_or_else(TemporalError::overflow)?;
    parts.convert_to(zone).into_value(kind)
}

/// `datetime.fromepoch(seconds, nanoseconds)`: the UTC date-time.
pub fn from_epoch(seconds: i64, nanos: i64) -> Result<Value> {
    let extra = nanos.div_euclid(NANOS_PER_SECOND as i64);
    let seconds = seconds.checked_add(extra).ok_or_else(TemporalError::overflow)?;
    Ok(Value::DateTime(Arc::new(DateTime {
        seconds,
        nanos: nanos.rem_euclid(NANOS_PER_SECOND as i64) as u32,
        offset_seconds: 0,
        zone: None,
    })))
}

/// `datetime.fromepochmillis(milliseconds)`: the UTC date-time.
pub fn from_epoch_millis(millis: i64) -> Result<Value> {
    from_epoch(millis.div_euclid(1000), millis.rem_euclid(1000) * 1_000_000)
}
