//! ISO-8601 text forms of temporal values, as `date('…')`, `datetime('…')`… accept them:
//! calendar (`2015-07-21`, `20150721`, `2015-07`), week (`2015-W30-2`, `2015W30`) and ordinal
//! (`2015-202`) dates, years with a sign and up to nine digits, times with or without colons
//! and a fraction of up to nine digits, offsets (`Z`, `+01`, `+0100`, `+01:00`) and zone
//! names in brackets (`[Europe/Stockholm]`).

use super::civil::{
    days_from_civil, days_from_week, days_in_month, days_in_year, weeks_in_week_year,
};
use super::fields::check_year;
use super::parts::{Kind, Parts};
use super::zone::parse_offset;
use super::{Result, TemporalError, Zone, NANOS_PER_SECOND};

/// Parses `text` as a value of `kind`.
pub(crate) fn parse(kind: Kind, text: &str) -> Result<Parts> {
    let bad = || TemporalError::value(format!("`{text}` is not a valid {} value", kind_name(kind)));
    let text = text.trim();
    if !text.is_ascii() {
        return Err(bad());
    }
    let (date_text, rest) = if kind.has_date() {
        match text.find(['T', 't']) {
            Some(i) => (&text[..i], Some(&text[i + 1..])),
            None => (text, None),
        }
    } else {
        ("", Some(text))
    };
    let date = if kind.has_date() { Some(parse_date(date_text).ok_or_else(bad)??) } else { None };
    if kind == Kind::Date && rest.is_some() {
        return Err(bad());
    }
    let (time, zone, offset_hint) = match rest {
        None => (None, None, None),
        Some(rest) => {
            let (time_text, zone_text) = split_zone(rest);
            let time = parse_time(time_text).ok_or_else(bad)??;
            let (zone, hint) = parse_zone(zone_text).ok_or_else(bad)??;
            (Some(time), zone, hint)
        }
    };
    if zone.is_some() && !kind.has_zone() {
        // A local kind ignores the zone of its text, as Neo4j does.
        return Ok(Parts { date, time, zone: None, offset_hint: None });
    }
    Ok(Parts { date, time, zone, offset_hint })
}

fn kind_name(kind: Kind) -> &'static str {
    match kind {
        Kind::Date => "date",
        Kind::LocalTime => "localtime",
        Kind::Time => "time",
        Kind::LocalDateTime => "localdatetime",
        Kind::DateTime => "datetime",
    }
}

/// Splits `HH:MM…` from what follows it (`Z`, `±…`, `[…]`).
fn split_zone(text: &str) -> (&str, &str) {
    match text.find(['Z', 'z', '+', '-', '[']) {
        Some(i) => (&text[..i], &text[i..]),
        None => (text, ""),
    }
}

fn digits(text: &str) -> Option<i64> {
    (!text.is_empty() && text.bytes().all(|b| b.is_ascii_digit())).then(|| text.parse().ok())?
}

/// `Some(Err)` for a well-formed date out of range, `None` for text that is not a date.
fn parse_date(text: &str) -> Option<Result<i64>> {
    let (sign, body) = match text.as_bytes().first()? {
        b'+' => (1, &text[1..]),
        b'-' => (-1, &text[1..]),
        _ => (0, text),
    };
    let year_len =
        if sign == 0 { 4 } else { body.bytes().take_while(u8::is_ascii_digit).count().min(9) };
    if year_len < 4 || body.len() < year_len {
        return None;
    }
    let year = digits(&body[..year_len])? * if sign < 0 { -1 } else { 1 };
    if let Err(e) = check_year(year) {
        return Some(Err(e));
    }
    let rest = &body[year_len..];
    let extended = rest.starts_with('-');
    let rest = if extended { &rest[1..] } else { rest };
    if extended && rest.is_empty() {
        return None;
    }
    let out_of_range = |what: &str| {
        Some(Err(TemporalError::value(format!("invalid {what} in the date `{text}`"))))
    };
    if let Some(week_text) = rest.strip_prefix(['W', 'w']) {
        let (week, dow) = match (extended, week_text.len()) {
            (_, 2) => (digits(week_text)?, 1),
            (true, 4) if week_text.as_bytes()[2] == b'-' => {
                (digits(&week_text[..2])?, digits(&week_text[3..])?)
            }
            (false, 3) => (digits(&week_text[..2])?, digits(&week_text[2..])?),
            _ => return None,
        };
        if !(1..=i64::from(weeks_in_week_year(year))).contains(&week) || !(1..=7).contains(&dow) {
            return out_of_range("week");
        }
        return Some(Ok(days_from_week(year, week as u32, dow as u32)));
    }
    let (month, day) = match (extended, rest.len()) {
        (_, 0) => (1, 1),
        (_, 2) => (digits(rest)?, 1),
        (_, 3) => {
            let ordinal = digits(rest)?;
            if !(1..=days_in_year(year)).contains(&ordinal) {
                return out_of_range("ordinal day");
            }
            return Some(Ok(days_from_civil(year, 1, 1) + ordinal - 1));
        }
        (true, 5) if rest.as_bytes()[2] == b'-' => (digits(&rest[..2])?, digits(&rest[3..])?),
        (false, 4) => (digits(&rest[..2])?, digits(&rest[2..])?),
        _ => return None,
    };
    if !(1..=12).contains(&month) {
        return out_of_range("month");
    }
    if !(1..=i64::from(days_in_month(year, month as u32))).contains(&day) {
        return out_of_range("day");
    }
    Some(Ok(days_from_civil(year, month as u32, day as u32)))
}

/// Nanoseconds since midnight of `HH[:MM[:SS[.f…]]]` or `HH[MM[SS[.f…]]]`.
fn parse_time(text: &str) -> Option<Result<u64>> {
    let (main, fraction) = match text.find(['.', ',']) {
        Some(i) => (&text[..i], Some(&text[i + 1..])),
        None => (text, None),
    };
    let parts: Vec<&str> = if main.contains(':') {
        main.split(':').collect()
    } else {
        (0..main.len())
            .step_by(2)
            .map(|i| main.get(i..(i + 2).min(main.len())))
            .collect::<Option<_>>()?
    };
    if parts.is_empty() || parts.len() > 3 || parts.iter().any(|p| p.len() != 2) {
        return None;
    }
    let hour = digits(parts[0])?;
    let minute = parts.get(1).map(|p| digits(p)).unwrap_or(Some(0))?;
    let second = parts.get(2).map(|p| digits(p)).unwrap_or(Some(0))?;
    let nanos = match fraction {
        None => 0,
        Some(f) if parts.len() == 3 && (1..=9).contains(&f.len()) => {
            digits(f)? * 10i64.pow(9 - f.len() as u32)
        }
        Some(_) => return None,
    };
    if hour > 23 || minute > 59 || second > 59 {
        return Some(Err(TemporalError::value(format!("invalid time of day `{text}`"))));
    }
    Some(Ok(((hour * 3600 + minute * 60 + second) as u64) * NANOS_PER_SECOND + nanos as u64))
}

/// The zone after a time: an offset, a bracketed name, both, or nothing.
fn parse_zone(text: &str) -> Option<Result<(Option<Zone>, Option<i32>)>> {
    if text.is_empty() {
        return Some(Ok((None, None)));
    }
    let (offset_text, name) = match text.find('[') {
        Some(i) => (&text[..i], Some(text[i + 1..].strip_suffix(']')?)),
        None => (text, None),
    };
    let offset = if offset_text.is_empty() {
        None
    } else {
        match parse_offset(offset_text) {
            Ok(Some(o)) => Some(o),
            Ok(None) => return None,
            Err(e) => return Some(Err(e)),
        }
    };
    Some(match (name, offset) {
        (Some(name), hint) => Zone::parse(name).map(|zone| match zone {
            Zone::Offset(o) => (Some(Zone::Offset(o)), Some(o)),
            named => (Some(named), hint),
        }),
        (None, Some(o)) => Ok((Some(Zone::Offset(o)), Some(o))),
        (None, None) => Ok((None, None)),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::temporal::civil::civil_from_days;

    fn date(text: &str) -> (i64, u32, u32) {
        match parse_date(text) {
            Some(Ok(d)) => civil_from_days(d),
            other => panic!("{text}: {other:?}"),
        }
    }

    #[test]
    fn date_forms() {
        assert_eq!(date("2015-07-21"), (2015, 7, 21));
        assert_eq!(date("20150721"), (2015, 7, 21));
        assert_eq!(date("2015-07"), (2015, 7, 1));
        assert_eq!(date("201507"), (2015, 7, 1));
        assert_eq!(date("2015-W30-2"), (2015, 7, 21));
        assert_eq!(date("2015W302"), (2015, 7, 21));
        assert_eq!(date("2015-W30"), (2015, 7, 20));
        assert_eq!(date("2015-202"), (2015, 7, 21));
        assert_eq!(date("2015202"), (2015, 7, 21));
        assert_eq!(date("2015"), (2015, 1, 1));
        assert_eq!(date("-999999999-01-01"), (-999_999_999, 1, 1));
        assert!(parse_date("2015-13-01").is_some_and(|r| r.is_err()));
        assert!(parse_date("15-01-01").is_none());
    }

    #[test]
    fn time_forms() {
        let t = |s: &str| parse_time(s).and_then(|r| r.ok());
        assert_eq!(
            t("21:40:32.142"),
            Some((21 * 3600 + 40 * 60 + 32) * NANOS_PER_SECOND + 142_000_000)
        );
        assert_eq!(t("214032.142"), t("21:40:32.142"));
        assert_eq!(t("2140"), Some((21 * 3600 + 40 * 60) * NANOS_PER_SECOND));
        assert_eq!(t("21"), Some(21 * 3600 * NANOS_PER_SECOND));
        assert_eq!(t("21:4"), None);
    }
}
