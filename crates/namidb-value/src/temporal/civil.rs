//! Proleptic Gregorian calendar arithmetic on days since 1970-01-01: civil dates, ISO week
//! dates, ordinal days and quarters.

/// Days since the epoch of a civil date (any year; month 1..=12, day 1..=31).
pub fn days_from_civil(year: i64, month: u32, day: u32) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = i64::from(month);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(day) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The civil date `(year, month, day)` of days since the epoch.
pub fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

/// Whether `year` is a leap year.
pub fn is_leap_year(year: i64) -> bool {
    (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
}

/// Days in `month` of `year`.
pub fn days_in_month(year: i64, month: u32) -> u32 {
    match month {
        2 if is_leap_year(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days in `year`.
pub fn days_in_year(year: i64) -> i64 {
    if is_leap_year(year) {
        366
    } else {
        365
    }
}

/// ISO day of week of `days`: Monday = 1 … Sunday = 7.
pub fn day_of_week(days: i64) -> u32 {
    // 1970-01-01 was a Thursday.
    ((days + 3).rem_euclid(7) + 1) as u32
}

/// Day of the year, 1-based.
pub fn ordinal_day(days: i64) -> u32 {
    let (year, _, _) = civil_from_days(days);
    (days - days_from_civil(year, 1, 1) + 1) as u32
}

/// The Monday of ISO week 1 of `week_year`.
fn week_one_monday(week_year: i64) -> i64 {
    let jan4 = days_from_civil(week_year, 1, 4);
    jan4 - i64::from(day_of_week(jan4)) + 1
}

/// ISO weeks in `week_year` (52 or 53).
pub fn weeks_in_week_year(week_year: i64) -> u32 {
    ((week_one_monday(week_year + 1) - week_one_monday(week_year)) / 7) as u32
}

/// The ISO week date of `days`: `(week_year, week, day_of_week)`.
pub fn iso_week(days: i64) -> (i64, u32, u32) {
    let dow = day_of_week(days);
    let thursday = days - i64::from(dow) + 4;
    let (week_year, _, _) = civil_from_days(thursday);
    let week = ((thursday - week_one_monday(week_year)) / 7 + 1) as u32;
    (week_year, week, dow)
}

/// Days since the epoch of an ISO week date.
pub fn days_from_week(week_year: i64, week: u32, day_of_week: u32) -> i64 {
    week_one_monday(week_year) + 7 * (i64::from(week) - 1) + i64::from(day_of_week) - 1
}

/// The quarter (1..=4) of `month`.
pub fn quarter_of_month(month: u32) -> u32 {
    (month - 1) / 3 + 1
}

/// First day of `quarter` of `year`.
pub fn quarter_start(year: i64, quarter: u32) -> i64 {
    days_from_civil(year, (quarter - 1) * 3 + 1, 1)
}

/// Days in `quarter` of `year`.
pub fn days_in_quarter(year: i64, quarter: u32) -> u32 {
    let end = if quarter == 4 {
        days_from_civil(year + 1, 1, 1)
    } else {
        quarter_start(year, quarter + 1)
    };
    (end - quarter_start(year, quarter)) as u32
}

/// `(quarter, day of quarter)` of `days`.
pub fn quarter_day(days: i64) -> (u32, u32) {
    let (year, month, _) = civil_from_days(days);
    let quarter = quarter_of_month(month);
    (quarter, (days - quarter_start(year, quarter) + 1) as u32)
}

/// `months` calendar months after the date `(year, month, day)`, the day clamped to the
/// target month's length.
pub fn add_months(days: i64, months: i64) -> i64 {
    let (y, m, d) = civil_from_days(days);
    let total = y * 12 + i64::from(m) - 1 + months;
    let (ny, nm) = (total.div_euclid(12), (total.rem_euclid(12) + 1) as u32);
    days_from_civil(ny, nm, d.min(days_in_month(ny, nm)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn civil_round_trip() {
        for days in [-1_000_000, -719_468, -1, 0, 1, 365, 10_957, 2_932_896] {
            let (y, m, d) = civil_from_days(days);
            assert_eq!(days_from_civil(y, m, d), days);
        }
        assert_eq!(civil_from_days(0), (1970, 1, 1));
        assert_eq!(days_from_civil(2000, 3, 1), 11_017);
    }

    #[test]
    fn week_dates() {
        // 1816-01-01 is in week 1 of 1816; 1817's week 1 starts 1816-12-30.
        assert_eq!(civil_from_days(days_from_week(1816, 1, 1)), (1816, 1, 1));
        assert_eq!(civil_from_days(days_from_week(1817, 1, 1)), (1816, 12, 30));
        assert_eq!(civil_from_days(days_from_week(1818, 53, 1)), (1818, 12, 28));
        assert_eq!(weeks_in_week_year(1818), 53);
        assert_eq!(weeks_in_week_year(1819), 52);
        let d = days_from_civil(1984, 1, 1);
        assert_eq!(iso_week(d), (1983, 52, 7));
        assert_eq!(quarter_day(days_from_civil(1984, 11, 11)), (4, 42));
        assert_eq!(civil_from_days(add_months(days_from_civil(2020, 1, 31), 1)), (2020, 2, 29));
    }
}
