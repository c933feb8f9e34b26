//! Fuzzes the node SST reader: any bytes must decode to node versions or give a typed error,
//! never a panic; what decodes must re-encode to a file that decodes to the same versions.
#![no_main]

use bytes::Bytes;
use libfuzzer_sys::fuzz_target;
use namidb_graph::node_sst::{read_node_sst, NodeSstWriter};

fuzz_target!(|data: &[u8]| {
    let Ok((metadata, versions)) = read_node_sst("fuzz", Bytes::copy_from_slice(data)) else {
        return;
    };
    if let Ok(file) = NodeSstWriter::default().write(&metadata.labels, &versions) {
        let (_, again) = read_node_sst("again", Bytes::from(file)).expect("own output decodes");
        assert_eq!(again.len(), versions.len());
    }
});
