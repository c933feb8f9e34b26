//! The component fields of a temporal map (`{year: 1984, week: 10, dayOfWeek: 3, hour: 12,
//! timezone: 'Europe/Stockholm'}`): reading them from a map with their ranges checked, and
//! applying them over a base date or time (the selected value, or nothing).

use std::collections::BTreeMap;

use super::civil::{
    civil_from_days, days_from_civil, days_from_week, days_in_month, days_in_quarter, days_in_year,
    iso_week, quarter_day, quarter_start, weeks_in_week_year,
};
use super::parts::NANOS_PER_DAY;
use super::{Result, TemporalError, Zone, NANOS_PER_SECOND};
use crate::Value;

/// Years allowed in temporal values.
pub(crate) const MAX_YEAR: i64 = 999_999_999;

/// The fields of a temporal map.
#[derive(Debug, Default, Clone)]
pub(crate) struct Fields {
    pub(crate) year: Option<i64>,
    pub(crate) month: Option<i64>,
    pub(crate) day: Option<i64>,
    pub(crate) week: Option<i64>,
    pub(crate) day_of_week: Option<i64>,
    pub(crate) ordinal_day: Option<i64>,
    pub(crate) quarter: Option<i64>,
    pub(crate) day_of_quarter: Option<i64>,
    pub(crate) hour: Option<i64>,
    pub(crate) minute: Option<i64>,
    pub(crate) second: Option<i64>,
    pub(crate) millisecond: Option<i64>,
    pub(crate) microsecond: Option<i64>,
    pub(crate) nanosecond: Option<i64>,
    pub(crate) timezone: Option<Zone>,
    /// `epochSeconds`: an instant (datetime only).
    pub(crate) epoch_seconds: Option<i64>,
    /// `epochMillis`: an instant (datetime only).
    pub(crate) epoch_millis: Option<i64>,
    /// `date:` — the value to take the date from.
    pub(crate) date: Option<Value>,
    /// `time:` — the value to take the time (and zone) from.
    pub(crate) time: Option<Value>,
    /// `datetime:` — the value to take date, time and zone from.
    pub(crate) datetime: Option<Value>,
}

fn int_field(key: &str, v: &Value) -> Result<i64> {
    match v {
        Value::Int(i) => Ok(*i),
        other => Err(TemporalError::kind(format!(
            "the temporal field `{key}` must be an integer, got {}",
            other.type_name()
        ))),
    }
}

impl Fields {
    /// Reads the fields of `map` (keys in any case); unknown keys are an error. Null values
    /// count as absent.
    pub(crate) fn read(map: &BTreeMap<String, Value>) -> Result<Fields> {
        let mut f = Fields::default();
        for (key, value) in map {
            if value.is_null() {
                continue;
            }
            let slot = match key.to_ascii_lowercase().as_str() {
                "year" => &mut f.year,
                "month" => &mut f.month,
                "day" => &mut f.day,
                "week" => &mut f.week,
                "dayofweek" => &mut f.day_of_week,
                "ordinalday" => &mut f.ordinal_day,
                "quarter" => &mut f.quarter,
                "dayofquarter" => &mut f.day_of_quarter,
                "hour" => &mut f.hour,
                "minute" => &mut f.minute,
                "second" => &mut f.second,
                "millisecond" => &mut f.millisecond,
                "microsecond" => &mut f.microsecond,
                "nanosecond" => &mut f.nanosecond,
                "epochseconds" => &mut f.epoch_seconds,
                "epochmillis" => &mut f.epoch_millis,
                "timezone" => {
                    let text = value.as_str().ok_or_else(|| {
                        TemporalError::kind("the field `timezone` must be a string")
                    })?;
                    f.timezone = Some(Zone::parse(text)?);
                    continue;
                }
                "date" => {
                    f.date = Some(value.clone());
                    continue;
                }
                "time" => {
                    f.time = Some(value.clone());
                    continue;
                }
                "datetime" => {
                    f.datetime = Some(value.clone());
                    continue;
                }
                _ => return Err(TemporalError::value(format!("unknown temporal field `{key}`"))),
            };
            *slot = Some(int_field(key, value)?);
        }
        Ok(f)
    }

    /// Whether any date field is given.
    pub(crate) fn has_date_fields(&self) -> bool {
        [
            self.year,
            self.month,
            self.day,
            self.week,
            self.day_of_week,
            self.ordinal_day,
            self.quarter,
            self.day_of_quarter,
        ]
        .iter()
        .any(Option::is_some)
    }

    /// Whether any time field is given.
    pub(crate) fn has_time_fields(&self) -> bool {
        [self.hour, self.minute, self.second, self.millisecond, self.microsecond, self.nanosecond]
            .iter()
            .any(Option::is_some)
    }

    /// The date the fields describe over `base` (fields given replace the base's).
    pub(crate) fn apply_date(&self, base: Option<i64>) -> Result<i64> {
        let base_year = base.map(|d| civil_from_days(d).0);
        let year = || {
            self.year
                .or(base_year)
                .ok_or_else(|| TemporalError::value("the field `year` is missing"))
        };
        let calendar = self.month.is_some() || self.day.is_some();
        let week_based = self.week.is_some() || self.day_of_week.is_some();
        let ordinal = self.ordinal_day.is_some();
        let quarterly = self.quarter.is_some() || self.day_of_quarter.is_some();
        if [calendar, week_based, ordinal, quarterly].iter().filter(|b| **b).count() > 1 {
            return Err(TemporalError::value("conflicting date fields (calendar, week, ordinal and quarter dates cannot be mixed)"));
        }
        if week_based {
            let (base_week_year, base_week, base_dow) = match base {
                Some(d) => iso_week(d),
                None => (year()?, 1, 1),
            };
            let week_year = self.year.unwrap_or(base_week_year);
            check_year(week_year)?;
            let week = self.week.unwrap_or(i64::from(base_week));
            check("week", week, 1, i64::from(weeks_in_week_year(week_year)))?;
            let dow = self.day_of_week.unwrap_or(i64::from(base_dow));
            check("dayOfWeek", dow, 1, 7)?;
            return Ok(days_from_week(week_year, week as u32, dow as u32));
        }
        let year = year()?;
        check_year(year)?;
        if ordinal {
            let ordinal = self.ordinal_day.unwrap_or(1);
            check("ordinalDay", ordinal, 1, days_in_year(year))?;
            return Ok(days_from_civil(year, 1, 1) + ordinal - 1);
        }
        if quarterly {
            let (base_quarter, base_day) = base.map(quarter_day).unwrap_or((1, 1));
            let quarter = self.quarter.unwrap_or(i64::from(base_quarter));
            check("quarter", quarter, 1, 4)?;
            let length = i64::from(days_in_quarter(year, quarter as u32));
            let day = match self.day_of_quarter {
                Some(d) => d,
                None => i64::from(base_day).min(length),
            };
            check("dayOfQuarter", day, 1, length)?;
            return Ok(quarter_start(year, quarter as u32) + day - 1);
        }
        let (base_month, base_day) = base
            .map(|d| {
                let (_, m, day) = civil_from_days(d);
                (m, day)
            })
            .unwrap_or((1, 1));
        let month = self.month.unwrap_or(i64::from(base_month));
        check("month", month, 1, 12)?;
        let length = i64::from(days_in_month(year, month as u32));
        let day = match self.day {
            Some(d) => d,
            None => i64::from(base_day).min(length),
        };
        check("day", day, 1, length)?;
        Ok(days_from_civil(year, month as u32, day as u32))
    }

    /// The time of day the fields describe over `base` (nanoseconds since midnight). Without
    /// a base each field needs the next larger one (no minute without an hour). Sub-second
    /// fields given replace the base's whole fraction.
    pub(crate) fn apply_time(&self, base: Option<u64>) -> Result<u64> {
        if base.is_none() {
            let chain = [
                ("hour", self.hour.is_some()),
                ("minute", self.minute.is_some()),
                ("second", self.second.is_some()),
                (
                    "millisecond, microsecond or nanosecond",
                    self.millisecond.is_some()
                        || self.microsecond.is_some()
                        || self.nanosecond.is_some(),
                ),
            ];
            for pair in chain.windows(2) {
                if pair[1].1 && !pair[0].1 {
                    return Err(TemporalError::value(format!(
                        "{} cannot be given without {}",
                        pair[1].0, pair[0].0
                    )));
                }
            }
        }
        let base = base.unwrap_or(0);
        let base_seconds = base / NANOS_PER_SECOND;
        let hour = self.hour.unwrap_or((base_seconds / 3600) as i64);
        let minute = self.minute.unwrap_or((base_seconds / 60 % 60) as i64);
        let second = self.second.unwrap_or((base_seconds % 60) as i64);
        check("hour", hour, 0, 23)?;
        check("minute", minute, 0, 59)?;
        check("second", second, 0, 59)?;
        let fraction = if self.millisecond.is_some()
            || self.microsecond.is_some()
            || self.nanosecond.is_some()
        {
            self.fraction()?
        } else {
            base % NANOS_PER_SECOND
        };
        let time = ((hour * 3600 + minute * 60 + second) as u64) * NANOS_PER_SECOND + fraction;
        debug_assert!(time < NANOS_PER_DAY);
        Ok(time)
    }

    /// The fraction of a second the sub-second fields describe: milliseconds, then
    /// microseconds within them, then nanoseconds within those.
    fn fraction(&self) -> Result<u64> {
        let ms = self.millisecond.unwrap_or(0);
        check("millisecond", ms, 0, 999)?;
        let us = self.microsecond.unwrap_or(0);
        check("microsecond", us, 0, if self.millisecond.is_some() { 999 } else { 999_999 })?;
        let ns = self.nanosecond.unwrap_or(0);
        let ns_max = match (self.millisecond, self.microsecond) {
            (None, None) => 999_999_999,
            (_, Some(_)) => 999,
            (Some(_), None) => 999_999,
        };
        check("nanosecond", ns, 0, ns_max)?;
        Ok((ms * 1_000_000 + us * 1000 + ns) as u64)
    }
}

/// Checks `year` is within the supported range.
pub(crate) fn check_year(year: i64) -> Result<()> {
    check("year", year, -MAX_YEAR, MAX_YEAR)
}

fn check(name: &str, value: i64, min: i64, max: i64) -> Result<()> {
    if (min..=max).contains(&value) {
        Ok(())
    } else {
        Err(TemporalError::value(format!(
            "invalid value for {name} (valid values {min} - {max}): {value}"
        )))
    }
}
