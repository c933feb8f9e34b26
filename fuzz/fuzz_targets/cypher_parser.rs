//! Fuzzes the Cypher parser: any text gives a tree or syntax errors, never a panic or a stack
//! overflow.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = namidb_cypher_syntax::parse(text);
    }
});
