//! Fuzzes the node-record and property-map decoders: never panic; what decodes re-encodes to the
//! same bytes.
#![no_main]

use libfuzzer_sys::fuzz_target;
use namidb_graph::record_codec::{decode_node, decode_properties, encode_node, encode_properties};

fuzz_target!(|data: &[u8]| {
    if let Ok(node) = decode_node(data) {
        assert_eq!(encode_node(&node), data);
    }
    if let Ok(properties) = decode_properties(data) {
        assert_eq!(encode_properties(&properties), data);
    }
});
