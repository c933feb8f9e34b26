//! Temporal values: text forms round-trip through the parsers (property test), components,
//! truncation and selection agree with java.time / Neo4j on hand-checked cases.

use std::collections::BTreeMap;

use namidb_value::temporal::component::component;
use namidb_value::temporal::construct::construct;
use namidb_value::temporal::truncate::truncate;
use namidb_value::temporal::{Clock, Kind};
use namidb_value::Value;
use proptest::prelude::*;

const CLOCK: Clock = Clock { seconds: 1_500_000_000, nanos: 0 };

fn text(v: &Value) -> String {
    match v {
        Value::Date(x) => x.to_string(),
        Value::LocalTime(x) => x.to_string(),
        Value::Time(x) => x.to_string(),
        Value::LocalDateTime(x) => x.to_string(),
        Value::DateTime(x) => x.to_string(),
        Value::Duration(x) => x.to_string(),
        other => format!("{other:?}"),
    }
}

fn parse(kind: Kind, s: &str) -> Value {
    construct(kind, Some(&Value::string(s)), CLOCK).expect("parses")
}

fn map(entries: &[(&str, Value)]) -> Value {
    Value::map(entries.iter().map(|(k, v)| (k.to_string(), v.clone())).collect::<BTreeMap<_, _>>())
}

proptest! {
    #[test]
    fn text_forms_parse_back(
        days in -3_000_000i64..3_000_000,
        nanos in 0u64..86_400_000_000_000,
        offset in -64_800i32..=64_800,
        zone in prop::sample::select(vec!["", "Europe/Stockholm", "America/New_York", "Australia/Eucla"]),
    ) {
        let seconds = days * 86_400 + (nanos / 1_000_000_000) as i64;
        let sub = (nanos % 1_000_000_000) as u32;
        let offset = offset - offset % 60;
        let zone_part = if zone.is_empty() { String::new() } else { format!("[{zone}]") };
        let values = [
            (Kind::Date, text(&Value::Date(namidb_value::temporal::Date { days }))),
            (Kind::LocalTime, text(&Value::LocalTime(namidb_value::temporal::LocalTime { nanos }))),
            (Kind::Time, text(&Value::Time(namidb_value::temporal::Time { nanos, offset_seconds: offset }))),
            (Kind::LocalDateTime, text(&Value::LocalDateTime(namidb_value::temporal::LocalDateTime { seconds, nanos: sub }))),
        ];
        for (kind, t) in values {
            prop_assert_eq!(text(&parse(kind, &t)), t);
        }
        let dt = parse(Kind::DateTime, &format!("{}{zone_part}", text(&parse(Kind::LocalDateTime, &text(&Value::LocalDateTime(namidb_value::temporal::LocalDateTime { seconds, nanos: sub }))))));
        prop_assert_eq!(text(&parse(Kind::DateTime, &text(&dt))), text(&dt));
    }

    #[test]
    fn durations_parse_back(months in -1_000_000i64..1_000_000, days in -1_000_000i64..1_000_000, seconds in -1_000_000_000i64..1_000_000_000, nanos in 0u32..1_000_000_000) {
        let d = Value::Duration(namidb_value::temporal::Duration { months, days, seconds, nanos });
        let back = namidb_value::temporal::duration::construct(&Value::string(text(&d))).expect("parses");
        prop_assert_eq!(back, d);
    }
}

proptest! {
    #[test]
    fn any_text_gives_a_value_or_an_error(text in "[-+0-9:.,TWPYMDHSZ\\[\\]/a-zé€ ]{0,40}") {
        for kind in [Kind::Date, Kind::LocalTime, Kind::Time, Kind::LocalDateTime, Kind::DateTime] {
            let _ = construct(kind, Some(&Value::string(&text)), CLOCK);
        }
        let _ = namidb_value::temporal::duration::construct(&Value::string(&text));
    }
}

#[test]
fn components() {
    let dt = parse(Kind::DateTime, "1984-10-11T12:31:14.645876123+01:00[Europe/Stockholm]");
    let get = |k: &str| component(&dt, k).expect(k);
    assert_eq!(get("year"), Value::Int(1984));
    assert_eq!(get("week"), Value::Int(41));
    assert_eq!(get("weekYear"), Value::Int(1984));
    assert_eq!(get("dayOfWeek"), Value::Int(4));
    assert_eq!(get("ordinalDay"), Value::Int(285));
    assert_eq!(get("dayOfQuarter"), Value::Int(11));
    assert_eq!(get("millisecond"), Value::Int(645));
    assert_eq!(get("microsecond"), Value::Int(645_876));
    assert_eq!(get("timezone"), Value::string("Europe/Stockholm"));
    assert_eq!(get("offset"), Value::string("+01:00"));
    assert_eq!(get("offsetMinutes"), Value::Int(60));
    assert_eq!(get("epochSeconds"), Value::Int(466_342_274));
    assert!(component(&parse(Kind::Date, "1984-10-11"), "hour").is_err());
    let d = construct(Kind::Date, None, CLOCK).expect("now");
    assert_eq!(text(&d), "2017-07-14");
    // A time in a named zone takes the offset in force at the statement's instant (summer).
    let t = construct(
        Kind::Time,
        Some(&map(&[("hour", Value::Int(12)), ("timezone", Value::string("Europe/Stockholm"))])),
        CLOCK,
    )
    .expect("time");
    assert_eq!(text(&t), "12:00+02:00");
}

#[test]
fn truncation_and_selection() {
    let dt = parse(Kind::DateTime, "2017-10-11T12:31:14.645876123+01:00");
    let t = |unit: &str, fields: Value| {
        let fields = match &fields {
            Value::Map(m) => Some(m.as_ref()),
            _ => None,
        };
        text(&truncate(Kind::DateTime, unit, &dt, fields, CLOCK).expect(unit))
    };
    assert_eq!(t("millennium", Value::Null), "2000-01-01T00:00+01:00");
    assert_eq!(t("weekYear", Value::Null), "2017-01-02T00:00+01:00");
    assert_eq!(
        t("millisecond", map(&[("nanosecond", Value::Int(2))])),
        "2017-10-11T12:31:14.645000002+01:00"
    );
    assert_eq!(
        t("day", map(&[("timezone", Value::string("Pacific/Honolulu"))])),
        "2017-10-11T00:00-10:00[Pacific/Honolulu]"
    );
    let selected = construct(
        Kind::DateTime,
        Some(&map(&[("datetime", dt.clone()), ("timezone", Value::string("+05:00"))])),
        CLOCK,
    )
    .expect("select");
    assert_eq!(text(&selected), "2017-10-11T16:31:14.645876123+05:00");
    let err = construct(
        Kind::Date,
        Some(&map(&[
            ("year", Value::Int(2017)),
            ("week", Value::Int(2)),
            ("month", Value::Int(1)),
        ])),
        CLOCK,
    );
    assert!(err.is_err(), "week and month cannot be mixed");
}
