//! `duration.between`, `duration.inMonths`, `duration.inDays` and `duration.inSeconds`: the
//! duration from one temporal value to another. Operands of different kinds are first made
//! comparable: a missing time of day is midnight, a missing date is the other operand's, a
//! missing zone is the other operand's. Months and days are counted on local date-times (the
//! second operand seen in the first one's zone), the rest on the time line.

use super::civil::{add_months, civil_from_days};
use super::duration::normalize;
use super::parts::Parts;
use super::{Duration, Result, TemporalError, NANOS_PER_SECOND};
use crate::Value;

/// Which units `between` counts in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Units {
    /// Months, then days, then seconds (`duration.between`).
    All,
    /// Whole months only (`duration.inMonths`).
    Months,
    /// Whole days only (`duration.inDays`).
    Days,
    /// Seconds and nanoseconds only (`duration.inSeconds`).
    Seconds,
}

fn parts(value: &Value) -> Result<Parts> {
    Parts::of(value).ok_or_else(|| {
        TemporalError::kind(format!(
            "duration.between needs temporal values, got {}",
            value.type_name()
        ))
    })
}

/// The duration from `from` to `to` in `units`.
pub fn between(from: &Value, to: &Value, units: Units) -> Result<Duration> {
    let (mut f, mut t) = (parts(from)?, parts(to)?);
    f.time.get_or_insert(0);
    t.time.get_or_insert(0);
    match (f.date, t.date) {
        (Some(d), None) => t.date = Some(d),
        (None, Some(d)) => f.date = Some(d),
        _ => {}
    }
    match (&f.zone, &t.zone) {
        (Some(z), None) => t = Parts { zone: Some(z.clone()), offset_hint: None, ..t },
        (None, Some(z)) => f = Parts { zone: Some(z.clone()), offset_hint: None, ..f },
        _ => {}
    }
    let has_date = f.date.is_some();
    let (mut months, mut days) = (0i64, 0i64);
    if has_date && units != Units::Seconds {
        let local_to = |from: &Parts| match &from.zone {
            Some(zone) => t.convert_to(zone.clone()),
            None => t.clone(),
        };
        if units != Units::Days {
            months = local_until(&f, &local_to(&f), Step::Months);
            if units == Units::Months {
                return normalize(i128::from(months), 0, 0);
            }
            f = plus(&f, months, 0);
        }
        days = local_until(&f, &local_to(&f), Step::Days);
        if units == Units::Days {
            return normalize(0, i128::from(days), 0);
        }
        f = plus(&f, 0, days);
    } else if units == Units::Months || units == Units::Days {
        return Ok(Duration::default());
    }
    let per = i128::from(NANOS_PER_SECOND);
    let timeline = |p: &Parts| {
        let (seconds, nanos) = p.instant();
        i128::from(seconds) * per + i128::from(nanos)
    };
    normalize(i128::from(months), i128::from(days), timeline(&t) - timeline(&f))
}

#[derive(Clone, Copy, PartialEq)]
enum Step {
    Months,
    Days,
}

/// Whole months or days from local `f` to local `t`, counted the way java.time's
/// `LocalDateTime.until` does (an incomplete last day does not count).
fn local_until(f: &Parts, t: &Parts, step: Step) -> i64 {
    let (fd, ft) = (f.date.unwrap_or(0), f.time.unwrap_or(0));
    let (mut td, tt) = (t.date.unwrap_or(0), t.time.unwrap_or(0));
    if td > fd && tt < ft {
        td -= 1;
    } else if td < fd && tt > ft {
        td += 1;
    }
    match step {
        Step::Days => td - fd,
        Step::Months => {
            let packed = |days: i64| {
                let (y, m, d) = civil_from_days(days);
                (y * 12 + i64::from(m) - 1) * 32 + i64::from(d)
            };
            (packed(td) - packed(fd)) / 32
        }
    }
}

/// `p` moved by whole months and days on its local date (the time of day kept).
fn plus(p: &Parts, months: i64, days: i64) -> Parts {
    let date = p.date.map(|d| add_months(d, months) + days);
    Parts { date, ..p.clone() }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::temporal::construct::construct;
    use crate::temporal::{Clock, Kind};

    fn v(kind: Kind, text: &str) -> Value {
        construct(kind, Some(&Value::string(text)), Clock { seconds: 0, nanos: 0 }).expect("value")
    }

    fn b(f: Value, t: Value, units: Units) -> String {
        between(&f, &t, units).map(|d| d.to_string()).unwrap_or_else(|e| e.to_string())
    }

    #[test]
    fn between_kinds() {
        use Kind::*;
        assert_eq!(b(v(Date, "1984-10-11"), v(Date, "2015-06-24"), Units::All), "P30Y8M13D");
        assert_eq!(
            b(v(Date, "1984-10-11"), v(DateTime, "2015-07-21T21:40:32.142+0100"), Units::All),
            "P30Y9M10DT21H40M32.142S"
        );
        assert_eq!(b(v(Date, "1984-10-11"), v(Time, "16:30+0100"), Units::All), "PT16H30M");
        assert_eq!(b(v(Time, "14:30"), v(Date, "2015-06-24"), Units::All), "PT-14H-30M");
        assert_eq!(
            b(
                v(DateTime, "2014-07-21T21:40:36.143+0200"),
                v(DateTime, "2015-07-21T21:40:32.142+0100"),
                Units::All
            ),
            "P1YT59M55.999S"
        );
        assert_eq!(
            b(
                v(DateTime, "2017-10-29T04:00+01:00[Europe/Stockholm]"),
                v(DateTime, "2017-10-28T23:00+02:00[Europe/Stockholm]"),
                Units::All
            ),
            "PT-6H"
        );
        assert_eq!(b(v(Date, "2018-03-11"), v(Date, "2016-06-24"), Units::Months), "P-1Y-8M");
        assert_eq!(b(v(Date, "1984-10-11"), v(Date, "2015-06-24"), Units::Days), "P11213D");
        assert_eq!(
            b(v(Date, "-999999999-01-01"), v(Date, "+999999999-12-31"), Units::All),
            "P1999999998Y11M30D"
        );
    }
}
