//! Fuzzes the temporal text parsers (`date('…')`, `datetime('…')`, `duration('…')`…): any
//! text gives a value or an error, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use namidb_value::temporal::construct::construct;
use namidb_value::temporal::{duration, Clock, Kind};
use namidb_value::Value;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        let v = Value::string(text);
        let clock = Clock { seconds: 0, nanos: 0 };
        for kind in [Kind::Date, Kind::LocalTime, Kind::Time, Kind::LocalDateTime, Kind::DateTime] {
            let _ = construct(kind, Some(&v), clock);
        }
        let _ = duration::construct(&v);
    }
});
