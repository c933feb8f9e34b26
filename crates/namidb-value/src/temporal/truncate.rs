//! `date.truncate`, `datetime.truncate`, `localdatetime.truncate`, `localtime.truncate` and
//! `time.truncate`: a value cut down to a unit (millennium … microsecond), then adjusted by
//! a map of fields (which replace the truncated ones; a `timezone` replaces the zone and keeps
//! the local date and time).

use std::collections::BTreeMap;

use super::civil::{
    civil_from_days, day_of_week, days_from_civil, days_from_week, iso_week, quarter_of_month,
    quarter_start,
};
use super::fields::Fields;
use super::parts::{Kind, Parts};
use super::{Clock, Result, TemporalError, NANOS_PER_SECOND};
use crate::Value;

/// Units of truncation, largest first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Unit {
    Millennium,
    Century,
    Decade,
    Year,
    WeekYear,
    Quarter,
    Month,
    Week,
    Day,
    Hour,
    Minute,
    Second,
    Millisecond,
    Microsecond,
}

impl Unit {
    fn parse(text: &str) -> Result<Unit> {
        Ok(match text.to_ascii_lowercase().as_str() {
            "millennium" => Unit::Millennium,
            "century" => Unit::Century,
            "decade" => Unit::Decade,
            "year" => Unit::Year,
            "weekyear" => Unit::WeekYear,
            "quarter" => Unit::Quarter,
            "month" => Unit::Month,
            "week" => Unit::Week,
            "day" => Unit::Day,
            "hour" => Unit::Hour,
            "minute" => Unit::Minute,
            "second" => Unit::Second,
            "millisecond" => Unit::Millisecond,
            "microsecond" => Unit::Microsecond,
            _ => return Err(TemporalError::value(format!("unknown truncation unit `{text}`"))),
        })
    }
}

fn truncate_date(days: i64, unit: Unit) -> i64 {
    let (year, month, _) = civil_from_days(days);
    let floor_year = |n: i64| days_from_civil(year.div_euclid(n) * n, 1, 1);
    match unit {
        Unit::Millennium => floor_year(1000),
        Unit::Century => floor_year(100),
        Unit::Decade => floor_year(10),
        Unit::Year => floor_year(1),
        Unit::WeekYear => days_from_week(iso_week(days).0, 1, 1),
        Unit::Quarter => quarter_start(year, quarter_of_month(month)),
        Unit::Month => days_from_civil(year, month, 1),
        Unit::Week => days - i64::from(day_of_week(days)) + 1,
        _ => days,
    }
}

fn truncate_time(nanos: u64, unit: Unit) -> u64 {
    let step = match unit {
        Unit::Hour => 3600 * NANOS_PER_SECOND,
        Unit::Minute => 60 * NANOS_PER_SECOND,
        Unit::Second => NANOS_PER_SECOND,
        Unit::Millisecond => 1_000_000,
        Unit::Microsecond => 1000,
        _ => return 0,
    };
    nanos - nanos % step
}

/// `kind.truncate(unit, value, fields)`.
pub fn truncate(
    kind: Kind,
    unit: &str,
    value: &Value,
    fields: Option<&BTreeMap<String, Value>>,
    clock: Clock,
) -> Result<Value> {
    let unit = Unit::parse(unit)?;
    let parts = Parts::of(value)
        .ok_or_else(|| TemporalError::kind(format!("cannot truncate a {}", value.type_name())))?;
    if kind == Kind::Date && unit > Unit::Day {
        return Err(TemporalError::value(format!("a date cannot be truncated to {unit:?}")));
    }
    if !kind.has_date() && unit < Unit::Day {
        return Err(TemporalError::value(format!("a {kind:?} cannot be truncated to {unit:?}")));
    }
    let date = match (kind.has_date(), parts.date) {
        (true, Some(d)) => Some(truncate_date(d, unit)),
        (true, None) => {
            return Err(TemporalError::value(format!(
                "a {} has no date to truncate",
                value.type_name()
            )))
        }
        (false, _) => None,
    };
    let mut time = parts.time.map(|t| truncate_time(t, unit)).unwrap_or(0);
    let mut f = match fields {
        Some(map) => Fields::read(map)?,
        None => Fields::default(),
    };
    // Sub-second fields below the unit refine the kept fraction rather than replace it.
    if unit == Unit::Millisecond
        && f.millisecond.is_none()
        && (f.microsecond.is_some() || f.nanosecond.is_some())
    {
        f.millisecond = Some((time % NANOS_PER_SECOND / 1_000_000) as i64);
        time -= time % NANOS_PER_SECOND;
    }
    if unit == Unit::Microsecond
        && f.millisecond.is_none()
        && f.microsecond.is_none()
        && f.nanosecond.is_some()
    {
        f.microsecond = Some((time % NANOS_PER_SECOND / 1000) as i64);
        time -= time % NANOS_PER_SECOND;
    }
    let date = match date {
        Some(d) if f.has_date_fields() => Some(f.apply_date(Some(d))?),
        other => other,
    };
    let time = if f.has_time_fields() { f.apply_time(Some(time))? } else { time };
    // The source's zone is resolved at its own date before the date may change.
    let source = if kind == Kind::Time { parts.with_fixed_offset(clock) } else { parts };
    let (zone, offset_hint) = match f.timezone.take() {
        Some(zone) => (Some(zone), None),
        None => (source.zone, source.offset_hint),
    };
    let truncated = Parts { date, time: Some(time), zone, offset_hint };
    let truncated = if kind == Kind::Time { truncated.with_fixed_offset(clock) } else { truncated };
    truncated.into_value(kind)
}
