//! Fuzzes the edge SST reader: footer, adjacency blocks and property blocks must never panic on
//! any bytes, and whatever decodes must be internally consistent.
#![no_main]

use libfuzzer_sys::fuzz_target;
use namidb_graph::edge_sst::EdgeSstReader;

fuzz_target!(|data: &[u8]| {
    let Ok(reader) = EdgeSstReader::from_bytes("fuzz", data) else { return };
    for group in &reader.footer().groups {
        for block in &group.blocks {
            let adjacency = &data[block.adjacency.offset as usize..][..block.adjacency.len as usize];
            if let Ok(decoded) = reader.decode_adjacency(block, adjacency) {
                assert_eq!(decoded.starts.len(), decoded.vertices.len() + 1);
                for vertex in &decoded.vertices {
                    let _ = decoded.neighbours(*vertex);
                }
            }
            let props = bytes::Bytes::copy_from_slice(
                &data[block.properties.offset as usize..][..block.properties.len as usize],
            );
            let _ = reader.decode_properties(block, &props);
        }
    }
});
