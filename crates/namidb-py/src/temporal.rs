//! Temporal values ↔ Python's `datetime` types.
//!
//! | Cypher          | Python                                                          |
//! |-----------------|-----------------------------------------------------------------|
//! | `date`          | `datetime.date`                                                 |
//! | `localtime`     | `datetime.time` without tzinfo                                  |
//! | `time`          | `datetime.time` with a fixed-offset `datetime.timezone`         |
//! | `localdatetime` | `datetime.datetime` without tzinfo                              |
//! | `datetime`      | aware `datetime.datetime`: `zoneinfo.ZoneInfo` when the zone has a name, else a fixed offset |
//! | `duration`      | `datetime.timedelta` when it has no months and whole microseconds, else `namidb.Duration` |
//!
//! Python keeps microseconds, so nanoseconds are truncated on the way out. Years outside
//! Python's 1..=9999 come back as the ISO string.

use namidb::temporal::{
    civil_from_days, days_from_civil, Date, DateTime, Duration as CypherDuration, LocalDateTime,
    LocalTime, Time,
};
use namidb::Value;
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyAny, PyType};

use crate::graph_types::Duration;

const NANOS_PER_SECOND: u64 = 1_000_000_000;
const SECONDS_PER_DAY: i64 = 86_400;

static DATE: PyOnceLock<Py<PyType>> = PyOnceLock::new();
static TIME: PyOnceLock<Py<PyType>> = PyOnceLock::new();
static DATETIME: PyOnceLock<Py<PyType>> = PyOnceLock::new();
static TIMEDELTA: PyOnceLock<Py<PyType>> = PyOnceLock::new();
static TIMEZONE: PyOnceLock<Py<PyType>> = PyOnceLock::new();
static ZONEINFO: PyOnceLock<Py<PyType>> = PyOnceLock::new();

fn datetime_type<'py>(
    py: Python<'py>,
    cell: &'static PyOnceLock<Py<PyType>>,
    name: &str,
) -> PyResult<&'py Bound<'py, PyType>> {
    cell.import(py, "datetime", name)
}

/// A fixed-offset `datetime.timezone`.
fn fixed_zone(py: Python<'_>, offset_seconds: i32) -> PyResult<Bound<'_, PyAny>> {
    let delta = datetime_type(py, &TIMEDELTA, "timedelta")?.call1((0, offset_seconds))?;
    datetime_type(py, &TIMEZONE, "timezone")?.call1((delta,))
}

/// Hour, minute, second, microsecond of nanoseconds since midnight.
fn clock_parts(nanos: u64) -> (u64, u64, u64, u64) {
    let seconds = nanos / NANOS_PER_SECOND;
    (seconds / 3600, seconds / 60 % 60, seconds % 60, nanos % NANOS_PER_SECOND / 1000)
}

fn in_python_range(year: i64) -> bool {
    (1..=9999).contains(&year)
}

pub(crate) fn date_to_py(py: Python<'_>, date: &Date) -> PyResult<Py<PyAny>> {
    let (y, m, d) = civil_from_days(date.days);
    if !in_python_range(y) {
        return Ok(date.to_string().into_pyobject(py)?.into_any().unbind());
    }
    Ok(datetime_type(py, &DATE, "date")?.call1((y, m, d))?.unbind())
}

pub(crate) fn local_time_to_py(py: Python<'_>, time: &LocalTime) -> PyResult<Py<PyAny>> {
    let (h, mi, s, us) = clock_parts(time.nanos);
    Ok(datetime_type(py, &TIME, "time")?.call1((h, mi, s, us))?.unbind())
}

pub(crate) fn time_to_py(py: Python<'_>, time: &Time) -> PyResult<Py<PyAny>> {
    let (h, mi, s, us) = clock_parts(time.nanos);
    let zone = fixed_zone(py, time.offset_seconds)?;
    Ok(datetime_type(py, &TIME, "time")?.call1((h, mi, s, us, zone))?.unbind())
}

/// A `datetime` of local seconds since the epoch, with `tzinfo` when given; `None` outside
/// Python's years.
fn python_datetime<'py>(
    py: Python<'py>,
    seconds: i64,
    nanos: u32,
    tzinfo: Option<Bound<'py, PyAny>>,
) -> PyResult<Option<Bound<'py, PyAny>>> {
    let (y, m, d) = civil_from_days(seconds.div_euclid(SECONDS_PER_DAY));
    if !in_python_range(y) {
        return Ok(None);
    }
    let second_of_day = seconds.rem_euclid(SECONDS_PER_DAY) as u64;
    let (h, mi, s, us) = clock_parts(second_of_day * NANOS_PER_SECOND + u64::from(nanos));
    let class = datetime_type(py, &DATETIME, "datetime")?;
    Ok(Some(match tzinfo {
        Some(tz) => class.call1((y, m, d, h, mi, s, us, tz))?,
        None => class.call1((y, m, d, h, mi, s, us))?,
    }))
}

pub(crate) fn local_datetime_to_py(py: Python<'_>, value: &LocalDateTime) -> PyResult<Py<PyAny>> {
    match python_datetime(py, value.seconds, value.nanos, None)? {
        Some(dt) => Ok(dt.unbind()),
        None => Ok(value.to_string().into_pyobject(py)?.into_any().unbind()),
    }
}

pub(crate) fn datetime_to_py(py: Python<'_>, value: &DateTime) -> PyResult<Py<PyAny>> {
    // Local wall time at the fixed offset, then (for a named zone) the same instant in it.
    let local = value.seconds.saturating_add(i64::from(value.offset_seconds));
    let fixed = fixed_zone(py, value.offset_seconds)?;
    let Some(aware) = python_datetime(py, local, value.nanos, Some(fixed))? else {
        return Ok(value.to_string().into_pyobject(py)?.into_any().unbind());
    };
    if let Some(name) = &value.zone {
        let zone =
            ZONEINFO.import(py, "zoneinfo", "ZoneInfo").and_then(|z| z.call1((name.as_str(),)));
        if let Ok(zone) = zone {
            return Ok(aware.call_method1("astimezone", (zone,))?.unbind());
        }
    }
    Ok(aware.unbind())
}

pub(crate) fn duration_to_py(py: Python<'_>, value: &CypherDuration) -> PyResult<Py<PyAny>> {
    if value.months == 0 && value.nanos.is_multiple_of(1000) {
        let delta = datetime_type(py, &TIMEDELTA, "timedelta")?.call1((
            value.days,
            value.seconds,
            value.nanos / 1000,
        ));
        if let Ok(delta) = delta {
            return Ok(delta.unbind());
        }
    }
    Ok(Bound::new(py, Duration::from_value(*value))?.into_any().unbind())
}

/// The Cypher value of a Python `datetime`, `date`, `time` or `timedelta`; `None` when `obj`
/// is none of them.
pub(crate) fn from_py(obj: &Bound<'_, PyAny>) -> PyResult<Option<Value>> {
    let py = obj.py();
    // datetime before date: a datetime is a date.
    if obj.is_instance(datetime_type(py, &DATETIME, "datetime")?)? {
        let days = ymd_days(obj)?;
        let local = days * SECONDS_PER_DAY + clock_seconds(obj)?;
        let nanos = micros(obj)? * 1000;
        let tzinfo = obj.getattr("tzinfo")?;
        if tzinfo.is_none() {
            return Ok(Some(Value::LocalDateTime(LocalDateTime { seconds: local, nanos })));
        }
        let offset = utc_offset(obj)?;
        let zone = tzinfo.getattr("key").ok().and_then(|k| k.extract::<String>().ok());
        return Ok(Some(Value::DateTime(std::sync::Arc::new(DateTime {
            seconds: local - i64::from(offset),
            nanos,
            offset_seconds: offset,
            zone,
        }))));
    }
    if obj.is_instance(datetime_type(py, &DATE, "date")?)? {
        return Ok(Some(Value::Date(Date { days: ymd_days(obj)? })));
    }
    if obj.is_instance(datetime_type(py, &TIME, "time")?)? {
        let nanos = clock_seconds(obj)? as u64 * NANOS_PER_SECOND + u64::from(micros(obj)?) * 1000;
        if obj.getattr("tzinfo")?.is_none() {
            return Ok(Some(Value::LocalTime(LocalTime { nanos })));
        }
        let offset_seconds = utc_offset(obj)?;
        return Ok(Some(Value::Time(Time { nanos, offset_seconds })));
    }
    if obj.is_instance(datetime_type(py, &TIMEDELTA, "timedelta")?)? {
        let days: i64 = obj.getattr("days")?.extract()?;
        let seconds: i64 = obj.getattr("seconds")?.extract()?;
        let micros: u32 = obj.getattr("microseconds")?.extract()?;
        return Ok(Some(Value::Duration(CypherDuration {
            months: 0,
            days,
            seconds,
            nanos: micros * 1000,
        })));
    }
    if let Ok(duration) = obj.cast::<Duration>() {
        return Ok(Some(Value::Duration(duration.get().value())));
    }
    Ok(None)
}

fn ymd_days(obj: &Bound<'_, PyAny>) -> PyResult<i64> {
    let y: i64 = obj.getattr("year")?.extract()?;
    let m: u32 = obj.getattr("month")?.extract()?;
    let d: u32 = obj.getattr("day")?.extract()?;
    Ok(days_from_civil(y, m, d))
}

fn clock_seconds(obj: &Bound<'_, PyAny>) -> PyResult<i64> {
    let h: i64 = obj.getattr("hour")?.extract()?;
    let m: i64 = obj.getattr("minute")?.extract()?;
    let s: i64 = obj.getattr("second")?.extract()?;
    Ok(h * 3600 + m * 60 + s)
}

fn micros(obj: &Bound<'_, PyAny>) -> PyResult<u32> {
    obj.getattr("microsecond")?.extract()
}

/// `obj.utcoffset()` in whole seconds.
fn utc_offset(obj: &Bound<'_, PyAny>) -> PyResult<i32> {
    let offset = obj.call_method0("utcoffset")?;
    if offset.is_none() {
        return Err(PyValueError::new_err("the tzinfo gives no UTC offset for this value"));
    }
    let seconds: f64 = offset.call_method0("total_seconds")?.extract()?;
    Ok(seconds.round() as i32)
}
