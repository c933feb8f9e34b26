//! Temporal arithmetic and component access (the part of the temporal system the executor
//! needs to compute with stored temporal values).

use namidb_query::expr::BinaryOp;
use namidb_value::temporal::{
    civil_from_days, days_from_civil, days_in_month, Date, Duration, NANOS_PER_SECOND,
};
use namidb_value::Value;

use crate::error::{ExecError, Result};

fn add_durations(a: &Duration, b: &Duration, sign: i64) -> Duration {
    let nanos = i64::from(a.nanos) + sign * i64::from(b.nanos);
    let carry = nanos.div_euclid(NANOS_PER_SECOND as i64);
    Duration {
        months: a.months + sign * b.months,
        days: a.days + sign * b.days,
        seconds: a.seconds + sign * b.seconds + carry,
        nanos: nanos.rem_euclid(NANOS_PER_SECOND as i64) as u32,
    }
}

fn add_to_date(d: &Date, dur: &Duration, sign: i64) -> Date {
    let (y, m, day) = civil_from_days(d.days);
    let months = y * 12 + i64::from(m) - 1 + sign * dur.months;
    let (ny, nm) = (months.div_euclid(12), (months.rem_euclid(12) + 1) as u32);
    let nd = day.min(days_in_month(ny, nm));
    let days = days_from_civil(ny, nm, nd) + sign * (dur.days + (dur.seconds / 86_400));
    Date { days }
}

/// Temporal `+` and `-`; `None` when the operands are not temporal.
pub(crate) fn arithmetic(op: BinaryOp, a: &Value, b: &Value) -> Result<Option<Value>> {
    let sign = match op {
        BinaryOp::Add => 1,
        BinaryOp::Sub => -1,
        _ => return Ok(None),
    };
    Ok(Some(match (a, b) {
        (Value::Duration(x), Value::Duration(y)) => Value::Duration(add_durations(x, y, sign)),
        (Value::Date(d), Value::Duration(dur)) => Value::Date(add_to_date(d, dur, sign)),
        (Value::Duration(dur), Value::Date(d)) if sign == 1 => Value::Date(add_to_date(d, dur, 1)),
        _ => return Ok(None),
    }))
}

/// `temporal.component`.
pub(crate) fn component(v: &Value, key: &str) -> Result<Value> {
    let unknown = || ExecError::argument("InvalidArgumentValue", format!("no component `{key}`"));
    Ok(match v {
        Value::Date(d) => {
            let (y, m, day) = civil_from_days(d.days);
            Value::Int(match key {
                "year" => y,
                "month" => i64::from(m),
                "day" => i64::from(day),
                "quarter" => i64::from((m - 1) / 3 + 1),
                _ => return Err(unknown()),
            })
        }
        Value::Duration(d) => Value::Int(match key {
            "years" => d.months / 12,
            "months" => d.months,
            "days" => d.days,
            "seconds" => d.seconds,
            "nanosecondsOfSecond" => i64::from(d.nanos),
            _ => return Err(unknown()),
        }),
        _ => return Err(unknown()),
    })
}

/// `a + b` for durations.
pub(crate) fn add_duration(a: &Duration, b: &Duration) -> Duration {
    add_durations(a, b, 1)
}
