//! Object keys of a namespace, relative to its root (`<prefix>/<namespace>/`).
//!
//! ```text
//! manifest.json                  the compare-and-swap root
//! wal/<seq, 20 digits>.wal       WAL segments
//! sst/node/L<n>/<id>             node SSTs (Parquet)
//! sst/edge/L<n>/<id>             edge SSTs (CSR)
//! schema/current.json            label and property schema
//! ```
//!
//! Sequence numbers are zero-padded so that key order is numeric order.

/// The manifest's key.
pub const MANIFEST_KEY: &str = "manifest.json";
/// The schema's key.
pub const SCHEMA_KEY: &str = "schema/current.json";
/// The prefix of every WAL segment key.
pub const WAL_PREFIX: &str = "wal/";

/// The key of WAL segment `seq`.
pub fn wal_segment_key(seq: u64) -> String {
    format!("{WAL_PREFIX}{seq:020}.wal")
}

/// Parses a WAL segment key back into its sequence number.
pub fn parse_wal_segment_key(key: &str) -> Option<u64> {
    let digits = key.strip_prefix(WAL_PREFIX)?.strip_suffix(".wal")?;
    if digits.len() != 20 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    digits.parse().ok()
}

/// The kinds of SST.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SstKind {
    /// Node SSTs.
    Node,
    /// Edge SSTs.
    Edge,
}

/// The key of an SST object.
pub fn sst_key(kind: SstKind, level: u32, id: &str) -> String {
    let kind = match kind {
        SstKind::Node => "node",
        SstKind::Edge => "edge",
    };
    format!("sst/{kind}/L{level}/{id}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wal_keys_sort_numerically_and_round_trip() {
        assert_eq!(wal_segment_key(42), "wal/00000000000000000042.wal");
        assert!(wal_segment_key(9) < wal_segment_key(10));
        assert_eq!(parse_wal_segment_key(&wal_segment_key(12345)), Some(12345));
        assert_eq!(parse_wal_segment_key("wal/42.wal"), None);
        assert_eq!(sst_key(SstKind::Edge, 1, "x.csr"), "sst/edge/L1/x.csr");
    }
}
