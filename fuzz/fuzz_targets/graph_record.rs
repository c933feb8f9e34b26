//! Fuzzes the node-record and property-map decoders: never panic; what decodes re-encodes to the
//! same bytes; one property read without decoding the rest equals the decoded record's (compared
//! encoded, so a NaN equals itself).
#![no_main]

use libfuzzer_sys::fuzz_target;
use namidb_graph::model::PropertyValue;
use namidb_graph::record_codec::{
    decode_node, decode_properties, encode_node, encode_properties, encode_value,
    node_property_of, property_of,
};

fn encoded(value: Option<&PropertyValue>) -> Option<Vec<u8>> {
    value.map(encode_value)
}

fuzz_target!(|data: &[u8]| {
    if let Ok(node) = decode_node(data) {
        assert_eq!(encode_node(&node), data);
        for (key, value) in &node.properties {
            let read = node_property_of(data, key).ok().flatten();
            assert_eq!(encoded(read.as_ref()), encoded(Some(value)));
        }
    }
    if let Ok(properties) = decode_properties(data) {
        assert_eq!(encode_properties(&properties), data);
        for (key, value) in &properties {
            let read = property_of(data, key).ok().flatten();
            assert_eq!(encoded(read.as_ref()), encoded(Some(value)));
        }
    }
    let _ = node_property_of(data, "k");
});
