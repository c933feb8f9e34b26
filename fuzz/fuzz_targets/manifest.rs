//! Fuzzes the manifest decoder: it must never panic, and whatever it accepts must satisfy the
//! manifest invariants and round-trip through the encoder.
#![no_main]

use libfuzzer_sys::fuzz_target;
use namidb_storage::Manifest;

fuzz_target!(|data: &[u8]| {
    if let Ok(manifest) = Manifest::decode(data) {
        assert!(manifest.check().is_ok());
        assert_eq!(Manifest::decode(&manifest.encode()).ok(), Some(manifest));
    }
});
