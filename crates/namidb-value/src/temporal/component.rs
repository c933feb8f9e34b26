//! Component access on temporal values: `d.year`, `t.hour`, `dt.timezone`, `dt.epochMillis`,
//! `dur.minutesOfHour`…

use super::civil::{civil_from_days, day_of_week, iso_week, ordinal_day, quarter_day};
use super::duration::total_nanos;
use super::parts::Parts;
use super::zone::OffsetText;
use super::{Duration, Result, TemporalError, Zone, NANOS_PER_SECOND};
use crate::Value;

fn unknown(value: &Value, key: &str) -> TemporalError {
    TemporalError::value(format!("a {} has no component `{key}`", value.type_name()))
}

/// `value.key` for a temporal value (durations included).
pub fn component(value: &Value, key: &str) -> Result<Value> {
    if let Value::Duration(d) = value {
        return duration_component(d, key).ok_or_else(|| unknown(value, key));
    }
    let parts = Parts::of(value).ok_or_else(|| unknown(value, key))?;
    let lower = key.to_ascii_lowercase();
    if let Some(days) = parts.date {
        let (year, month, day) = civil_from_days(days);
        let found = match lower.as_str() {
            "year" => Some(year),
            "quarter" => Some(i64::from(quarter_day(days).0)),
            "month" => Some(i64::from(month)),
            "week" => Some(i64::from(iso_week(days).1)),
            "weekyear" => Some(iso_week(days).0),
            "dayofquarter" => Some(i64::from(quarter_day(days).1)),
            "day" => Some(i64::from(day)),
            "ordinalday" => Some(i64::from(ordinal_day(days))),
            "dayofweek" | "weekday" => Some(i64::from(day_of_week(days))),
            _ => None,
        };
        if let Some(v) = found {
            return Ok(Value::Int(v));
        }
    }
    if let Some(time) = parts.time {
        let seconds = (time / NANOS_PER_SECOND) as i64;
        let fraction = (time % NANOS_PER_SECOND) as i64;
        let found = match lower.as_str() {
            "hour" => Some(seconds / 3600),
            "minute" => Some(seconds / 60 % 60),
            "second" => Some(seconds % 60),
            "millisecond" => Some(fraction / 1_000_000),
            "microsecond" => Some(fraction / 1000),
            "nanosecond" => Some(fraction),
            _ => None,
        };
        if let Some(v) = found {
            return Ok(Value::Int(v));
        }
    }
    if let Some(zone) = &parts.zone {
        let offset = parts.offset();
        match lower.as_str() {
            "timezone" => {
                return Ok(Value::string(match zone {
                    Zone::Named(name) => name.to_string(),
                    Zone::Offset(o) => OffsetText(*o).to_string(),
                }))
            }
            "offset" => return Ok(Value::string(OffsetText(offset).to_string())),
            "offsetminutes" => return Ok(Value::Int(i64::from(offset / 60))),
            "offsetseconds" => return Ok(Value::Int(i64::from(offset))),
            _ => {}
        }
        if parts.date.is_some() {
            let (seconds, nanos) = parts.instant();
            match lower.as_str() {
                "epochseconds" => return Ok(Value::Int(seconds)),
                "epochmillis" => {
                    return Ok(Value::Int(seconds * 1000 + i64::from(nanos) / 1_000_000))
                }
                _ => {}
            }
        }
    }
    Err(unknown(value, key))
}

fn duration_component(d: &Duration, key: &str) -> Option<Value> {
    let nanos = total_nanos(d);
    // Clamped: a duration's total of small units can exceed 64 bits.
    let n = |v: i128| Value::Int(v.clamp(i128::from(i64::MIN), i128::from(i64::MAX)) as i64);
    Some(match key.to_ascii_lowercase().as_str() {
        "years" => Value::Int(d.months / 12),
        "quarters" => Value::Int(d.months / 3),
        "months" => Value::Int(d.months),
        "weeks" => Value::Int(d.days / 7),
        "days" => Value::Int(d.days),
        "hours" => Value::Int(d.seconds / 3600),
        "minutes" => Value::Int(d.seconds / 60),
        "seconds" => Value::Int(d.seconds),
        "milliseconds" => n(nanos.div_euclid(1_000_000)),
        "microseconds" => n(nanos.div_euclid(1000)),
        "nanoseconds" => n(nanos),
        "quartersofyear" => Value::Int(d.months / 3 % 4),
        "monthsofquarter" => Value::Int(d.months % 3),
        "monthsofyear" => Value::Int(d.months % 12),
        "daysofweek" => Value::Int(d.days % 7),
        "minutesofhour" => Value::Int(d.seconds / 60 % 60),
        "secondsofminute" => Value::Int(d.seconds % 60),
        "millisecondsofsecond" => n(i128::from(d.nanos) / 1_000_000),
        "microsecondsofsecond" => n(i128::from(d.nanos) / 1000),
        "nanosecondsofsecond" => Value::Int(i64::from(d.nanos)),
        _ => return None,
    })
}
