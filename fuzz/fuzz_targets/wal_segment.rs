//! Fuzzes the WAL segment decoder: it must never panic, and whatever it accepts must re-encode to
//! the same bytes.
#![no_main]

use libfuzzer_sys::fuzz_target;
use namidb_storage::WalSegment;

fuzz_target!(|data: &[u8]| {
    if let Ok(segment) = WalSegment::decode(data) {
        assert_eq!(segment.encode().as_ref(), data);
    }
});
