//! Durations: `duration(…)` from a map of units or an ISO-8601 string (`P1Y2M3DT4H5M6.5S`,
//! `P2012-02-02T14:37:21.545`), with fractions cascading down (a fraction of a month is
//! 30.436875 days' worth of time, of a day 86,400 seconds), and normalisation (nanoseconds kept
//! in 0..1e9 with the sign carried by the seconds).

use std::collections::BTreeMap;

use super::{Duration, Result, TemporalError, NANOS_PER_SECOND};
use crate::Value;

/// Average days per month (the Gregorian 400-year cycle's).
pub const AVERAGE_DAYS_PER_MONTH: f64 = 30.436_875;
const NANOS_PER_DAY_F: f64 = 86_400e9;

/// `duration(argument)`.
pub fn construct(argument: &Value) -> Result<Value> {
    match argument {
        Value::Null => Ok(Value::Null),
        Value::Duration(_) => Ok(argument.clone()),
        Value::String(text) => parse(text).map(Value::Duration),
        Value::Map(map) => from_map(map).map(Value::Duration),
        other => Err(TemporalError::kind(format!(
            "cannot construct a duration from a {}",
            other.type_name()
        ))),
    }
}

/// A unit's place: which field it adds to, and how many of that field's units it is.
#[derive(Clone, Copy)]
enum Unit {
    Months(i128),
    Days(i128),
    Nanos(i128),
}

fn unit_of(key: &str) -> Option<Unit> {
    Some(match key.to_ascii_lowercase().as_str() {
        "years" => Unit::Months(12),
        "quarters" => Unit::Months(3),
        "months" => Unit::Months(1),
        "weeks" => Unit::Days(7),
        "days" => Unit::Days(1),
        "hours" => Unit::Nanos(3_600_000_000_000),
        "minutes" => Unit::Nanos(60_000_000_000),
        "seconds" => Unit::Nanos(1_000_000_000),
        "milliseconds" => Unit::Nanos(1_000_000),
        "microseconds" => Unit::Nanos(1000),
        "nanoseconds" => Unit::Nanos(1),
        _ => return None,
    })
}

/// Exact integer parts plus the fractions still to cascade down.
#[derive(Default)]
pub(crate) struct Accumulator {
    months: i128,
    days: i128,
    nanos: i128,
    months_fraction: f64,
    days_fraction: f64,
    nanos_fraction: f64,
}

impl Accumulator {
    fn add_int(&mut self, unit: Unit, n: i128) -> Result<()> {
        let (field, k) = match unit {
            Unit::Months(k) => (&mut self.months, k),
            Unit::Days(k) => (&mut self.days, k),
            Unit::Nanos(k) => (&mut self.nanos, k),
        };
        *field = n
            .checked_mul(k)
            .and_then(|v| field.checked_add(v))
            .ok_or_else(TemporalError::overflow)?;
        Ok(())
    }

    fn add_float(&mut self, unit: Unit, f: f64) -> Result<()> {
        if !f.is_finite() || f.abs() > 1e30 {
            return Err(TemporalError::overflow());
        }
        let whole = f.trunc();
        self.add_int(unit, whole as i128)?;
        let fraction = f - whole;
        match unit {
            Unit::Months(k) => self.months_fraction += fraction * k as f64,
            Unit::Days(k) => self.days_fraction += fraction * k as f64,
            Unit::Nanos(k) => self.nanos_fraction += fraction * k as f64,
        }
        Ok(())
    }

    /// Adds a number (integer or float) of `unit`.
    fn add(&mut self, unit: Unit, value: &Value, key: &str) -> Result<()> {
        match value {
            Value::Int(i) => self.add_int(unit, i128::from(*i)),
            Value::Float(f) => self.add_float(unit, *f),
            other => Err(TemporalError::kind(format!(
                "the duration field `{key}` must be a number, got {}",
                other.type_name()
            ))),
        }
    }

    /// Cascades the fractions down and normalises.
    pub(crate) fn finish(mut self) -> Result<Duration> {
        let whole_months = self.months_fraction.trunc();
        self.months += whole_months as i128;
        self.days_fraction += (self.months_fraction - whole_months) * AVERAGE_DAYS_PER_MONTH;
        let whole_days = self.days_fraction.trunc();
        self.days += whole_days as i128;
        self.nanos_fraction += (self.days_fraction - whole_days) * NANOS_PER_DAY_F;
        self.nanos += self.nanos_fraction.round() as i128;
        normalize(self.months, self.days, self.nanos)
    }

    /// Applies `f` to every field (fractions cascade down as for construction): duration
    /// times or divided by a float.
    pub(crate) fn map_fields(d: &Duration, f: impl Fn(f64) -> f64) -> Result<Duration> {
        let mut acc = Accumulator::default();
        acc.add_float(Unit::Months(1), f(d.months as f64))?;
        acc.add_float(Unit::Days(1), f(d.days as f64))?;
        acc.add_float(Unit::Nanos(1), f(total_nanos(d) as f64))?;
        acc.finish()
    }
}

/// The seconds and nanoseconds of `d` as one number of nanoseconds.
pub(crate) fn total_nanos(d: &Duration) -> i128 {
    i128::from(d.seconds) * i128::from(NANOS_PER_SECOND) + i128::from(d.nanos)
}

/// A duration from months, days and nanoseconds (any sign), checked to fit.
pub(crate) fn normalize(months: i128, days: i128, nanos: i128) -> Result<Duration> {
    let per = i128::from(NANOS_PER_SECOND);
    let fit = |v: i128| i64::try_from(v).map_err(|_| TemporalError::overflow());
    Ok(Duration {
        months: fit(months)?,
        days: fit(days)?,
        seconds: fit(nanos.div_euclid(per))?,
        nanos: nanos.rem_euclid(per) as u32,
    })
}

fn from_map(map: &BTreeMap<String, Value>) -> Result<Duration> {
    let mut acc = Accumulator::default();
    for (key, value) in map {
        if value.is_null() {
            continue;
        }
        let unit = unit_of(key)
            .ok_or_else(|| TemporalError::value(format!("unknown duration field `{key}`")))?;
        acc.add(unit, value, key)?;
    }
    acc.finish()
}

/// Parses `P…` (optionally signed as a whole).
pub(crate) fn parse(text: &str) -> Result<Duration> {
    let bad = || TemporalError::value(format!("`{text}` is not a valid duration"));
    if !text.is_ascii() {
        return Err(bad());
    }
    let (negate, body) = match text.trim().strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text.trim().strip_prefix('+').unwrap_or(text.trim())),
    };
    let body = body.strip_prefix(['P', 'p']).ok_or_else(bad)?;
    let date_like = body.len() > 4
        && body.as_bytes()[..4].iter().all(u8::is_ascii_digit)
        && body.as_bytes()[4] == b'-';
    let d = if date_like {
        parse_date_like(body).ok_or_else(bad)??
    } else {
        parse_units(body).ok_or_else(bad)??
    };
    if negate {
        normalize(-i128::from(d.months), -i128::from(d.days), -total_nanos(&d))
    } else {
        Ok(d)
    }
}

/// `1Y2M3W4DT5H6M7.8S`: each number may be signed and have a fraction.
fn parse_units(body: &str) -> Option<Result<Duration>> {
    let mut acc = Accumulator::default();
    let mut in_time = false;
    let mut rest = body;
    let mut any = false;
    while !rest.is_empty() {
        if let Some(r) = rest.strip_prefix(['T', 't']) {
            if in_time {
                return None;
            }
            in_time = true;
            rest = r;
            continue;
        }
        let len = rest
            .char_indices()
            .find(|(i, c)| {
                !(c.is_ascii_digit()
                    || *c == '.'
                    || *c == ','
                    || (*i == 0 && (*c == '-' || *c == '+')))
            })
            .map(|(i, _)| i)?;
        let number = rest[..len].replace(',', ".");
        let designator = rest[len..].chars().next()?.to_ascii_uppercase();
        rest = &rest[len + 1..];
        let unit = match (in_time, designator) {
            (false, 'Y') => Unit::Months(12),
            (false, 'M') => Unit::Months(1),
            (false, 'W') => Unit::Days(7),
            (false, 'D') => Unit::Days(1),
            (true, 'H') => Unit::Nanos(3_600_000_000_000),
            (true, 'M') => Unit::Nanos(60_000_000_000),
            (true, 'S') => Unit::Nanos(1_000_000_000),
            _ => return None,
        };
        let added = if number.contains('.') {
            acc.add_float(unit, number.parse().ok()?)
        } else {
            acc.add_int(unit, number.parse().ok()?)
        };
        if let Err(e) = added {
            return Some(Err(e));
        }
        any = true;
    }
    any.then(|| acc.finish())
}

/// `YYYY-MM-DDThh:mm:ss.f`: the alternative format.
fn parse_date_like(body: &str) -> Option<Result<Duration>> {
    let (date, time) = match body.find(['T', 't']) {
        Some(i) => (&body[..i], Some(&body[i + 1..])),
        None => (body, None),
    };
    let mut d = date.split('-');
    let years: i128 = d.next()?.parse().ok()?;
    let months: i128 = d.next()?.parse().ok()?;
    let days: i128 = d.next()?.parse().ok()?;
    if d.next().is_some() {
        return None;
    }
    let mut nanos: i128 = 0;
    if let Some(time) = time {
        let (main, fraction) = match time.find(['.', ',']) {
            Some(i) => (&time[..i], Some(&time[i + 1..])),
            None => (time, None),
        };
        let mut t = main.split(':');
        let h: i128 = t.next()?.parse().ok()?;
        let m: i128 = t.next().map(str::parse).unwrap_or(Ok(0)).ok()?;
        let s: i128 = t.next().map(str::parse).unwrap_or(Ok(0)).ok()?;
        nanos = ((h * 60 + m) * 60 + s) * i128::from(NANOS_PER_SECOND);
        if let Some(f) = fraction.filter(|f| (1..=9).contains(&f.len())) {
            nanos += f.parse::<i128>().ok()? * 10i128.pow(9 - f.len() as u32);
        }
    }
    Some(normalize(years * 12 + months, days, nanos))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(s: &str) -> String {
        parse(s).map(|d| d.to_string()).unwrap_or_else(|e| e.to_string())
    }

    #[test]
    fn strings_cascade_fractions() {
        assert_eq!(text("P14DT16H12M"), "P14DT16H12M");
        assert_eq!(text("P5M1.5D"), "P5M1DT12H");
        assert_eq!(text("P0.75M"), "P22DT19H51M49.5S");
        assert_eq!(text("PT0.75M"), "PT45S");
        assert_eq!(text("P2.5W"), "P17DT12H");
        assert_eq!(text("P12Y5M14DT16H12M70S"), "P12Y5M14DT16H13M10S");
        assert_eq!(text("P2012-02-02T14:37:21.545"), "P2012Y2M2DT14H37M21.545S");
        assert_eq!(text("PT-0.3S"), "PT-0.3S");
        assert_eq!(text("PT-1M-0.001S"), "PT-1M-0.001S");
        assert!(parse("P").is_err() && parse("1D").is_err() && parse("P1X").is_err());
    }
}
