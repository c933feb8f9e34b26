//! The graph's key space in the storage spine's ordered key-value memtable and WAL.
//!
//! | key | value |
//! |---|---|
//! | `N` node id (u64 BE) | node record (labels, properties) |
//! | `F` type length (u16 BE) type, src, dst, rel id (u64 BE each) | the relationship's properties |
//! | `R` type length (u16 BE) type, dst, src, rel id (u64 BE each) | empty: the reverse index |
//!
//! Big-endian ids keep one node's relationships of one type contiguous and ordered, so an expand
//! in the memtable is a range scan. A delete is a tombstone on `N`, or on both `F` and `R`.

use crate::error::GraphError;
use crate::model::{NodeId, RelId, RelKey};

/// First byte of node keys.
pub const NODE_PREFIX: u8 = b'N';
/// First byte of forward relationship keys.
pub const FORWARD_PREFIX: u8 = b'F';
/// First byte of reverse relationship keys.
pub const REVERSE_PREFIX: u8 = b'R';

/// Longest relationship type name in bytes.
pub const MAX_TYPE_LEN: usize = u16::MAX as usize;

/// The key of a node.
pub fn node_key(id: NodeId) -> Vec<u8> {
    let mut key = Vec::with_capacity(9);
    key.push(NODE_PREFIX);
    key.extend_from_slice(&id.0.to_be_bytes());
    key
}

/// The node id of a node key.
pub fn parse_node_key(key: &[u8]) -> Option<NodeId> {
    match key {
        [NODE_PREFIX, rest @ ..] if rest.len() == 8 => {
            Some(NodeId(u64::from_be_bytes(rest.try_into().ok()?)))
        }
        _ => None,
    }
}

fn type_prefix(prefix: u8, rel_type: &str) -> Result<Vec<u8>, GraphError> {
    if rel_type.len() > MAX_TYPE_LEN {
        return Err(GraphError::InvalidInput(format!(
            "relationship type name of {} bytes exceeds {MAX_TYPE_LEN}",
            rel_type.len()
        )));
    }
    let mut key = Vec::with_capacity(3 + rel_type.len() + 24);
    key.push(prefix);
    key.extend_from_slice(&(rel_type.len() as u16).to_be_bytes());
    key.extend_from_slice(rel_type.as_bytes());
    Ok(key)
}

/// The forward key of a relationship.
pub fn forward_key(rel: &RelKey) -> Result<Vec<u8>, GraphError> {
    let mut key = type_prefix(FORWARD_PREFIX, &rel.rel_type)?;
    for part in [rel.src.0, rel.dst.0, rel.id.0] {
        key.extend_from_slice(&part.to_be_bytes());
    }
    Ok(key)
}

/// The reverse-index key of a relationship.
pub fn reverse_key(rel: &RelKey) -> Result<Vec<u8>, GraphError> {
    let mut key = type_prefix(REVERSE_PREFIX, &rel.rel_type)?;
    for part in [rel.dst.0, rel.src.0, rel.id.0] {
        key.extend_from_slice(&part.to_be_bytes());
    }
    Ok(key)
}

/// The range of forward keys of one node's relationships of one type: `[start, end)`.
pub fn forward_range(rel_type: &str, src: NodeId) -> Result<(Vec<u8>, Vec<u8>), GraphError> {
    vertex_range(FORWARD_PREFIX, rel_type, src)
}

/// The range of reverse keys of one node's incoming relationships of one type.
pub fn reverse_range(rel_type: &str, dst: NodeId) -> Result<(Vec<u8>, Vec<u8>), GraphError> {
    vertex_range(REVERSE_PREFIX, rel_type, dst)
}

fn vertex_range(
    prefix: u8,
    rel_type: &str,
    vertex: NodeId,
) -> Result<(Vec<u8>, Vec<u8>), GraphError> {
    let head = type_prefix(prefix, rel_type)?;
    let mut start = head.clone();
    start.extend_from_slice(&vertex.0.to_be_bytes());
    let mut end = head;
    match vertex.0.checked_add(1) {
        Some(next) => end.extend_from_slice(&next.to_be_bytes()),
        None => {
            // The last vertex id: everything after the type header.
            end.extend_from_slice(&[0xff; 25]);
        }
    }
    Ok((start, end))
}

/// Decodes a forward or reverse key into the relationship it names (and whether it was reverse).
pub fn parse_rel_key(key: &[u8]) -> Option<(RelKey, bool)> {
    let (&prefix, rest) = key.split_first()?;
    let reverse = match prefix {
        FORWARD_PREFIX => false,
        REVERSE_PREFIX => true,
        _ => return None,
    };
    let len = usize::from(u16::from_be_bytes(rest.get(..2)?.try_into().ok()?));
    let rel_type = std::str::from_utf8(rest.get(2..2 + len)?).ok()?.to_owned();
    let ids = rest.get(2 + len..)?;
    if ids.len() != 24 {
        return None;
    }
    let word = |i: usize| u64::from_be_bytes(ids[i * 8..i * 8 + 8].try_into().unwrap_or([0; 8]));
    let (first, second, id) = (word(0), word(1), word(2));
    let (src, dst) = if reverse { (second, first) } else { (first, second) };
    Some((RelKey { rel_type, src: NodeId(src), dst: NodeId(dst), id: RelId(id) }, reverse))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn relationship_keys_round_trip(t in ".{0,10}", src: u64, dst: u64, id: u64) {
            let rel = RelKey { rel_type: t, src: NodeId(src), dst: NodeId(dst), id: RelId(id) };
            prop_assert_eq!(parse_rel_key(&forward_key(&rel).unwrap()), Some((rel.clone(), false)));
            prop_assert_eq!(parse_rel_key(&reverse_key(&rel).unwrap()), Some((rel.clone(), true)));
            let (start, end) = forward_range(&rel.rel_type, rel.src).unwrap();
            let key = forward_key(&rel).unwrap();
            prop_assert!(start <= key && key < end);
        }

        #[test]
        fn node_keys_round_trip(id: u64) {
            prop_assert_eq!(parse_node_key(&node_key(NodeId(id))), Some(NodeId(id)));
        }
    }
}
