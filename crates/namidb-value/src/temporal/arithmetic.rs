//! Temporal arithmetic: a temporal value plus or minus a duration (months first, then days,
//! then time, as Cypher defines it), durations added, subtracted, multiplied and divided.

use super::civil::add_months;
use super::duration::{normalize, total_nanos, Accumulator};
use super::fields::check_year;
use super::parts::{split_local, Kind, Parts, NANOS_PER_DAY};
use super::{civil_from_days, Duration, Result, TemporalError, NANOS_PER_SECOND, SECONDS_PER_DAY};
use crate::Value;

/// The kind of a temporal value that is not a duration.
fn kind_of(value: &Value) -> Option<Kind> {
    Some(match value {
        Value::Date(_) => Kind::Date,
        Value::LocalTime(_) => Kind::LocalTime,
        Value::Time(_) => Kind::Time,
        Value::LocalDateTime(_) => Kind::LocalDateTime,
        Value::DateTime(_) => Kind::DateTime,
        _ => return None,
    })
}

/// `value + sign × duration`; `None` when `value` is not an instant-like temporal value.
pub fn add_to(value: &Value, duration: &Duration, sign: i64) -> Result<Option<Value>> {
    let (Some(kind), Some(mut parts)) = (kind_of(value), Parts::of(value)) else {
        return Ok(None);
    };
    let sign128 = i128::from(sign);
    let months = duration.months.checked_mul(sign).ok_or_else(TemporalError::overflow)?;
    let days = duration.days.checked_mul(sign).ok_or_else(TemporalError::overflow)?;
    let nanos = total_nanos(duration) * sign128;
    let step = |date: i64, extra_days: i64| -> Result<i64> {
        let moved = add_months(date, months)
            .checked_add(days)
            .and_then(|d| d.checked_add(extra_days))
            .ok_or_else(TemporalError::overflow)?;
        check_year(civil_from_days(moved).0).map_err(|_| TemporalError::overflow())?;
        Ok(moved)
    };
    match (parts.date, parts.time) {
        (Some(date), None) => {
            // A date takes whole days of the time part (truncated towards zero).
            let extra =
                (nanos / (i128::from(NANOS_PER_SECOND) * i128::from(SECONDS_PER_DAY))) as i64;
            parts.date = Some(step(date, extra)?);
        }
        (None, Some(time)) => {
            let moved = (i128::from(time) + nanos).rem_euclid(i128::from(NANOS_PER_DAY));
            parts.time = Some(moved as u64);
        }
        (Some(date), Some(time)) => {
            parts.date = Some(step(date, 0)?);
            parts.time = Some(time);
            let per = i128::from(NANOS_PER_SECOND);
            match parts.zone.clone() {
                None => {
                    let (local, sub) = parts.local();
                    let total = (i128::from(local) * per + i128::from(sub)) + nanos;
                    let (d, t) = split_total(total)?;
                    parts.date = Some(d);
                    parts.time = Some(t);
                }
                Some(zone) => {
                    let (utc, sub) = parts.instant();
                    let total = (i128::from(utc) * per + i128::from(sub)) + nanos;
                    let utc = i64::try_from(total.div_euclid(per))
                        .map_err(|_| TemporalError::overflow())?;
                    let offset = zone.offset_at(utc);
                    let (d, t) = split_local(utc + i64::from(offset), total.rem_euclid(per) as u32);
                    parts.date = Some(d);
                    parts.time = Some(t);
                    parts.offset_hint = Some(offset);
                }
            }
            check_year(civil_from_days(parts.date.unwrap_or(0)).0)
                .map_err(|_| TemporalError::overflow())?;
        }
        (None, None) => return Ok(None),
    }
    parts.into_value(kind).map(Some)
}

/// Local nanoseconds since the epoch → (days, nanoseconds of day).
fn split_total(total: i128) -> Result<(i64, u64)> {
    let per_day = i128::from(NANOS_PER_DAY);
    let days = i64::try_from(total.div_euclid(per_day)).map_err(|_| TemporalError::overflow())?;
    Ok((days, total.rem_euclid(per_day) as u64))
}

/// `a + sign × b`.
pub fn add_durations(a: &Duration, b: &Duration, sign: i64) -> Result<Duration> {
    let s = i128::from(sign);
    normalize(
        i128::from(a.months) + s * i128::from(b.months),
        i128::from(a.days) + s * i128::from(b.days),
        total_nanos(a) + s * total_nanos(b),
    )
}

/// `duration × factor` (an integer scales exactly; a float cascades fractions down).
pub fn multiply(d: &Duration, factor: &Value) -> Result<Duration> {
    match factor {
        Value::Int(k) => {
            let k = i128::from(*k);
            normalize(i128::from(d.months) * k, i128::from(d.days) * k, total_nanos(d) * k)
        }
        Value::Float(f) => Accumulator::map_fields(d, |v| v * f),
        other => Err(TemporalError::kind(format!(
            "cannot multiply a duration by a {}",
            other.type_name()
        ))),
    }
}

/// `duration ÷ divisor`.
pub fn divide(d: &Duration, divisor: &Value) -> Result<Duration> {
    let x = match divisor {
        Value::Int(k) => *k as f64,
        Value::Float(f) => *f,
        other => {
            return Err(TemporalError::kind(format!(
                "cannot divide a duration by a {}",
                other.type_name()
            )))
        }
    };
    if x == 0.0 {
        return Err(TemporalError::value("division of a duration by zero"));
    }
    Accumulator::map_fields(d, |v| v / x)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::temporal::construct::construct;
    use crate::temporal::{duration, Clock};

    fn eval(kind: Kind, text: &str, dur: &str, sign: i64) -> String {
        let clock = Clock { seconds: 0, nanos: 0 };
        let v = construct(kind, Some(&Value::string(text)), clock).expect("value");
        let d = duration::parse(dur).expect("duration");
        match add_to(&v, &d, sign) {
            Ok(Some(Value::Date(x))) => x.to_string(),
            Ok(Some(Value::LocalTime(x))) => x.to_string(),
            Ok(Some(Value::LocalDateTime(x))) => x.to_string(),
            Ok(Some(Value::DateTime(x))) => x.to_string(),
            other => format!("{other:?}"),
        }
    }

    #[test]
    fn months_then_days_then_time() {
        assert_eq!(eval(Kind::Date, "2020-01-31", "P1M1D", 1), "2020-03-01");
        assert_eq!(eval(Kind::Date, "2020-01-31", "PT47H", 1), "2020-02-01");
        assert_eq!(eval(Kind::LocalTime, "23:00", "PT2H", 1), "01:00");
        assert_eq!(eval(Kind::LocalDateTime, "2020-03-01T00:30", "PT1H", -1), "2020-02-29T23:30");
        // Days move the local time; hours move the instant (a DST change in between).
        assert_eq!(
            eval(Kind::DateTime, "2017-10-28T12:00[Europe/Stockholm]", "P1D", 1),
            "2017-10-29T12:00+01:00[Europe/Stockholm]"
        );
        assert_eq!(
            eval(Kind::DateTime, "2017-10-28T12:00[Europe/Stockholm]", "PT24H", 1),
            "2017-10-29T11:00+01:00[Europe/Stockholm]"
        );
    }
}
