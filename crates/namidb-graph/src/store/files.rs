//! [`SstFiles`]: the SSTs one manifest version names, with their object keys spelled once.
//!
//! A point read visits every file of a kind to test its key range, and names the ones that
//! matter to the SST cache. Formatting `sst/node/L1/<id>` and allocating a cache key for each
//! of them on every read cost a tenth of a warm point read; here each key is spelled once per
//! manifest version and shared (`Arc<str>`), its key bounds are decoded from the manifest's
//! hex once (a read compares raw key bytes), and snapshots of one version share the list.
//!
//! [`hex`] is the manifest's spelling of key bounds, written by flushes and compactions.

use std::sync::Arc;

use namidb_storage::layout::{sst_key, SstKind};
use namidb_storage::{Manifest, SstRef};

use super::StoreInner;

/// One SST of a manifest version.
pub(crate) struct SstFile {
    /// Its object key.
    pub(crate) object: Arc<str>,
    /// Its manifest entry.
    pub(crate) sst: SstRef,
    /// Its smallest key, decoded from the manifest's hex.
    min_key: Box<[u8]>,
    /// Its largest key; `None` (no bound) if the manifest's spelling is not hex.
    max_key: Option<Box<[u8]>>,
}

impl SstFile {
    /// Whether its key range holds `key`.
    #[inline]
    pub(crate) fn covers(&self, key: &[u8]) -> bool {
        key >= &*self.min_key && self.max_key.as_ref().is_none_or(|max| key <= &**max)
    }

    /// Whether its key range meets `[start, end)`.
    #[inline]
    pub(crate) fn overlaps(&self, start: &[u8], end: &[u8]) -> bool {
        end > &*self.min_key && self.max_key.as_ref().is_none_or(|max| start <= &**max)
    }
}

const HEX_DIGITS: &[u8; 16] = b"0123456789abcdef";

/// Lower-case hex, the manifest's encoding of SST key bounds (order-preserving).
pub(crate) fn hex(key: &[u8]) -> String {
    let mut out = String::with_capacity(key.len() * 2);
    for b in key {
        out.push(HEX_DIGITS[usize::from(b >> 4)] as char);
        out.push(HEX_DIGITS[usize::from(b & 15)] as char);
    }
    out
}

/// The bytes spelled by lower-case `hex` (the manifest's encoding of key bounds).
fn unhex(hex: &str) -> Option<Vec<u8>> {
    let digit = |c: u8| match c {
        b'0'..=b'9' => Some(c - b'0'),
        b'a'..=b'f' => Some(c - b'a' + 10),
        _ => None,
    };
    let bytes = hex.as_bytes();
    if !bytes.len().is_multiple_of(2) {
        return None;
    }
    bytes.chunks_exact(2).map(|pair| Some(digit(pair[0])? << 4 | digit(pair[1])?)).collect()
}

/// The SSTs of one manifest version, by kind, level by level.
pub(crate) struct SstFiles {
    node: Vec<SstFile>,
    edge: Vec<SstFile>,
    /// Node files by smallest key: indices into `node`.
    node_by_min: Vec<usize>,
    /// The largest key of the first `i + 1` files of `node_by_min` (`None`: unbounded), so a
    /// search for the files covering a key stops at the first file that cannot reach it.
    node_reach: Vec<Option<Box<[u8]>>>,
}

impl SstFiles {
    fn of(manifest: &Manifest) -> SstFiles {
        SstFiles::listing(manifest.ssts.all())
    }

    fn listing<'a>(ssts: impl Iterator<Item = (SstKind, u32, &'a SstRef)>) -> SstFiles {
        let mut files = SstFiles {
            node: Vec::new(),
            edge: Vec::new(),
            node_by_min: Vec::new(),
            node_reach: Vec::new(),
        };
        for (kind, level, sst) in ssts {
            // A bound that does not decode widens the range: the file is then read, not skipped.
            let file = SstFile {
                object: Arc::from(sst_key(kind, level, &sst.id)),
                min_key: unhex(&sst.min_key).unwrap_or_default().into(),
                max_key: unhex(&sst.max_key).map(Vec::into_boxed_slice),
                sst: sst.clone(),
            };
            match kind {
                SstKind::Node => files.node.push(file),
                SstKind::Edge => files.edge.push(file),
            }
        }
        files.node_by_min = (0..files.node.len()).collect();
        files.node_by_min.sort_by(|&a, &b| files.node[a].min_key.cmp(&files.node[b].min_key));
        // The empty key is below every key; `None` is above every key.
        let mut reach: Option<Box<[u8]>> = Some(Box::default());
        for &i in &files.node_by_min {
            reach = reach.zip(files.node[i].max_key.clone()).map(|(r, m)| r.max(m));
            files.node_reach.push(reach.clone());
        }
        files
    }

    /// The node files whose key range holds `key`, found by binary search (a node's files
    /// are a handful of the many, one per label and level).
    pub(crate) fn nodes_covering<'a>(&'a self, key: &'a [u8]) -> impl Iterator<Item = &'a SstFile> {
        let end = self.node_by_min.partition_point(|&i| &*self.node[i].min_key <= key);
        (0..end)
            .rev()
            .take_while(move |&j| self.node_reach[j].as_ref().is_none_or(|r| key <= &**r))
            .map(move |j| &self.node[self.node_by_min[j]])
            .filter(move |file| file.covers(key))
    }

    /// The files of `kind`.
    pub(crate) fn of_kind(&self, kind: SstKind) -> &[SstFile] {
        match kind {
            SstKind::Node => &self.node,
            SstKind::Edge => &self.edge,
        }
    }
}

impl StoreInner {
    /// The files `manifest` names, listed once per manifest version and shared.
    pub(crate) fn sst_files(&self, manifest: &Arc<Manifest>) -> Arc<SstFiles> {
        let mut cached = self.sst_files.lock();
        if let Some((of, files)) = cached.as_ref() {
            if Arc::ptr_eq(of, manifest) {
                return files.clone();
            }
        }
        let files = Arc::new(SstFiles::of(manifest));
        *cached = Some((manifest.clone(), files.clone()));
        files
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::{hex, unhex, SstFiles, SstKind, SstRef};

    fn node_sst(id: usize, min: u64, max: u64) -> SstRef {
        SstRef {
            id: format!("f{id}"),
            size_bytes: 1,
            rows: 1,
            min_key: hex(&min.to_be_bytes()),
            max_key: hex(&max.to_be_bytes()),
            min_lsn: 1,
            max_lsn: 1,
            partition: String::new(),
            created_at_millis: 0,
            stats: None,
        }
    }

    proptest! {
        /// Hex spelling keeps the byte order, so bounds compare like the keys they spell.
        #[test]
        fn hex_preserves_key_order(key in proptest::collection::vec(any::<u8>(), 0..40),
                                   other in proptest::collection::vec(any::<u8>(), 0..40)) {
            prop_assert_eq!(hex(&key).cmp(&hex(&other)), key.cmp(&other));
            let prefix = &key[..key.len() / 2];
            prop_assert_eq!(hex(&key).cmp(&hex(prefix)), key.as_slice().cmp(prefix));
        }

        /// The binary search finds exactly the node files whose (possibly overlapping)
        /// ranges hold a key.
        #[test]
        fn nodes_covering_finds_every_covering_file(
            ranges in proptest::collection::vec((0u64..100, 0u64..30), 0..12),
            key in 0u64..140,
        ) {
            let ssts: Vec<SstRef> =
                ranges.iter().enumerate().map(|(i, (min, len))| node_sst(i, *min, min + len)).collect();
            let files = SstFiles::listing(ssts.iter().map(|s| (SstKind::Node, 1, s)));
            let key = key.to_be_bytes();
            let mut found: Vec<&str> =
                files.nodes_covering(&key).map(|f| f.sst.id.as_str()).collect();
            found.sort_unstable();
            let mut want: Vec<&str> = ssts
                .iter()
                .filter(|s| hex(&key) >= s.min_key && hex(&key) <= s.max_key)
                .map(|s| s.id.as_str())
                .collect();
            want.sort_unstable();
            prop_assert_eq!(found, want);
        }

        /// The manifest's hex bounds decode to the bytes they spell.
        #[test]
        fn unhex_inverts_hex(key in proptest::collection::vec(any::<u8>(), 0..40)) {
            prop_assert_eq!(unhex(&hex(&key)), Some(key));
        }
    }

    #[test]
    fn unhex_rejects_what_is_not_lower_case_hex() {
        assert_eq!(unhex("4e0"), None);
        assert_eq!(unhex("4G"), None);
        assert_eq!(unhex("4E"), None);
        assert_eq!(unhex(""), Some(Vec::new()));
    }
}
