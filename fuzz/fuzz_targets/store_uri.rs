//! Fuzzes the store URI parser: any text gives a value or an error, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use namidb_objstore::StoreUri;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = StoreUri::parse(text);
    }
});
