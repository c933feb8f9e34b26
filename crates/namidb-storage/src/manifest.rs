//! `manifest.json`: the compare-and-swap root of a namespace (format version 1).
//!
//! The object is JSON of the form `{"format":"namidb.manifest","checksum":"crc32c:XXXXXXXX","body":{…}}`
//! where the checksum covers the exact bytes of `body`. `docs/formats/manifest.md` lists every field.
//!
//! A manifest version names everything a reader needs: the WAL segments holding commits not yet in
//! SSTs, the live SSTs per kind and level, and the watermarks. A commit is durable exactly when a
//! manifest naming its WAL segment has been stored with `If-Match` on the previous version's ETag.

use std::collections::BTreeMap;

use bytes::Bytes;
use namidb_core::{Lsn, NamespaceName, WriterId};
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;

use crate::layout::SstKind;

/// The manifest format version this build writes and reads.
pub const MANIFEST_FORMAT_VERSION: u32 = 1;
const FORMAT_TAG: &str = "namidb.manifest";

/// A WAL segment named by the manifest.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WalSegmentRef {
    /// Sequence number; the object is `wal/<seq as 20 digits>.wal`.
    pub seq: u64,
    /// LSN of its first record.
    pub first_lsn: u64,
    /// LSN of its last record.
    pub last_lsn: u64,
    /// Object size in bytes.
    pub size_bytes: u64,
    /// The segment's trailer checksum: CRC32C of every byte but the last four.
    pub crc32c: u32,
}

/// An SST named by the manifest.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SstRef {
    /// Object name inside `sst/<kind>/L<level>/`.
    pub id: String,
    /// Object size in bytes.
    pub size_bytes: u64,
    /// Rows (versions) it holds.
    pub rows: u64,
    /// Smallest key, hex-encoded.
    pub min_key: String,
    /// Largest key, hex-encoded.
    pub max_key: String,
    /// Smallest LSN of any version in it.
    pub min_lsn: u64,
    /// Largest LSN of any version in it.
    pub max_lsn: u64,
    /// A partition tag the layer above uses to prune reads (node SSTs: their label set).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub partition: String,
    /// When its writer created it (ms since the epoch); an edit may only name fresh objects.
    #[serde(default)]
    pub created_at_millis: u64,
    /// Statistics of its contents for the query planner, in a shape the layer above defines
    /// (opaque here: stored and handed back as written).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stats: Option<serde_json::Value>,
}

impl SstRef {
    /// Whether its key range meets the inclusive range `min..=max` of hex keys (hex keeps the
    /// keys' byte order, so the spellings compare as the keys do).
    pub fn meets(&self, min: &str, max: &str) -> bool {
        self.min_key.as_str() <= max && min <= self.max_key.as_str()
    }
}

/// An object the manifest stopped naming, kept until no reader can need it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GarbageRef {
    /// The object's key, relative to the namespace.
    pub key: String,
    /// The first manifest version that no longer names it.
    pub removed_in_version: u64,
    /// When it was removed (ms since the epoch).
    pub removed_at_millis: u64,
}

/// Live SSTs per kind, each a list of levels (index 0 is L0).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SstLevels {
    /// Node SSTs.
    pub node: Vec<Vec<SstRef>>,
    /// Edge SSTs.
    pub edge: Vec<Vec<SstRef>>,
}

impl SstLevels {
    /// The levels of one kind.
    pub fn of(&self, kind: SstKind) -> &Vec<Vec<SstRef>> {
        match kind {
            SstKind::Node => &self.node,
            SstKind::Edge => &self.edge,
        }
    }

    /// The levels of one kind, for editing.
    pub fn of_mut(&mut self, kind: SstKind) -> &mut Vec<Vec<SstRef>> {
        match kind {
            SstKind::Node => &mut self.node,
            SstKind::Edge => &mut self.edge,
        }
    }

    /// Every live SST with its kind and level.
    pub fn all(&self) -> impl Iterator<Item = (SstKind, u32, &SstRef)> {
        [SstKind::Node, SstKind::Edge].into_iter().flat_map(move |kind| {
            self.of(kind).iter().enumerate().flat_map(move |(level, ssts)| {
                ssts.iter().map(move |sst| (kind, level as u32, sst))
            })
        })
    }
}

/// What the manifest remembers about a writer, so the writer can resolve a lost CAS response.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WriterEntry {
    /// Number of manifest updates this writer has made.
    pub commits: u64,
    /// When it last updated the manifest (ms since the epoch).
    pub last_update_millis: u64,
}

/// One version of a namespace's manifest.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Manifest {
    /// Format version of this document.
    pub format_version: u32,
    /// The namespace it belongs to.
    pub namespace: String,
    /// Version counter, +1 on every update.
    pub version: u64,
    /// Writer epoch: +1 whenever commit ownership passes to another writer.
    pub epoch: u64,
    /// The writer that stored this version (`None` for the initial version).
    pub writer_id: Option<String>,
    /// A writer that holds the namespace exclusively; others are fenced while it is set.
    pub exclusive_writer: Option<String>,
    /// Highest committed LSN.
    pub last_lsn: u64,
    /// Every LSN up to this one is in SSTs (the flushed watermark).
    pub flushed_lsn: u64,
    /// The WAL slot the next segment should try first.
    pub next_wal_seq: u64,
    /// Segments holding commits above the flushed watermark, in order.
    pub wal: Vec<WalSegmentRef>,
    /// Live SSTs.
    pub ssts: SstLevels,
    /// Objects no longer named, awaiting deletion by GC.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub garbage: Vec<GarbageRef>,
    /// Version of `schema/current.json`.
    pub schema_version: u64,
    /// Recently active writers.
    pub writers: BTreeMap<String, WriterEntry>,
    /// Creation time of the namespace (ms since the epoch).
    pub created_at_millis: u64,
    /// Time of this version (ms since the epoch).
    pub updated_at_millis: u64,
}

/// Why manifest bytes were rejected.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ManifestDecodeError {
    /// Not valid JSON of the expected shape.
    #[error("not a manifest: {0}")]
    Malformed(String),
    /// The checksum does not match the body.
    #[error("checksum mismatch (stored {stored}, computed {computed})")]
    Checksum {
        /// The checksum in the object.
        stored: String,
        /// The checksum of the body bytes.
        computed: String,
    },
    /// A newer format.
    #[error("manifest format version {0} is not supported (this build reads version {MANIFEST_FORMAT_VERSION})")]
    UnsupportedVersion(u32),
    /// Well-formed but internally inconsistent.
    #[error("manifest is inconsistent: {0}")]
    Inconsistent(String),
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Envelope<'a> {
    format: String,
    checksum: String,
    #[serde(borrow)]
    body: &'a RawValue,
}

#[derive(Deserialize)]
struct VersionProbe {
    format_version: u32,
}

impl Manifest {
    /// The first version of a new namespace.
    pub fn initial(namespace: &NamespaceName, now_millis: u64) -> Manifest {
        Manifest {
            format_version: MANIFEST_FORMAT_VERSION,
            namespace: namespace.as_str().to_owned(),
            version: 1,
            epoch: 0,
            writer_id: None,
            exclusive_writer: None,
            last_lsn: 0,
            flushed_lsn: 0,
            next_wal_seq: 1,
            wal: Vec::new(),
            ssts: SstLevels::default(),
            garbage: Vec::new(),
            schema_version: 1,
            writers: BTreeMap::new(),
            created_at_millis: now_millis,
            updated_at_millis: now_millis,
        }
    }

    /// The highest committed LSN.
    pub fn last_lsn(&self) -> Lsn {
        Lsn(self.last_lsn)
    }

    /// The flushed watermark.
    pub fn flushed_lsn(&self) -> Lsn {
        Lsn(self.flushed_lsn)
    }

    /// How many manifest updates `writer` has made, as far as this version knows.
    pub fn commits_by(&self, writer: WriterId) -> u64 {
        self.writers.get(&writer.to_string()).map_or(0, |entry| entry.commits)
    }

    /// The exclusive writer, if one holds the namespace.
    pub fn exclusive_writer(&self) -> Option<WriterId> {
        self.exclusive_writer.as_deref().and_then(WriterId::parse)
    }

    /// The next version, stored by `writer`: bumps the version, the epoch when ownership changes,
    /// and the writer's update count; forgets writers idle for longer than `writer_ttl_millis`.
    pub fn successor(&self, writer: WriterId, now_millis: u64, writer_ttl_millis: u64) -> Manifest {
        let mut next = self.clone();
        let writer_text = writer.to_string();
        next.version = self.version + 1;
        if self.writer_id.as_deref() != Some(writer_text.as_str()) {
            next.epoch = self.epoch + 1;
        }
        next.writer_id = Some(writer_text.clone());
        next.updated_at_millis = now_millis.max(self.updated_at_millis);
        next.writers.retain(|id, entry| {
            *id == writer_text
                || entry.last_update_millis.saturating_add(writer_ttl_millis) >= now_millis
        });
        let entry = next
            .writers
            .entry(writer_text)
            .or_insert(WriterEntry { commits: 0, last_update_millis: now_millis });
        entry.commits += 1;
        entry.last_update_millis = now_millis;
        next
    }

    /// Encodes the manifest with its checksum envelope.
    pub fn encode(&self) -> Bytes {
        // Serializing plain data with string keys cannot fail.
        let body = serde_json::to_string(self).unwrap_or_default();
        let checksum = format!("crc32c:{:08x}", crc32c::crc32c(body.as_bytes()));
        Bytes::from(format!(
            "{{\"format\":\"{FORMAT_TAG}\",\"checksum\":\"{checksum}\",\"body\":{body}}}"
        ))
    }

    /// Decodes, verifies the checksum, and checks internal consistency.
    pub fn decode(bytes: &[u8]) -> Result<Manifest, ManifestDecodeError> {
        let envelope: Envelope<'_> = serde_json::from_slice(bytes)
            .map_err(|e| ManifestDecodeError::Malformed(e.to_string()))?;
        if envelope.format != FORMAT_TAG {
            return Err(ManifestDecodeError::Malformed(format!("format is `{}`", envelope.format)));
        }
        let body = envelope.body.get();
        let computed = format!("crc32c:{:08x}", crc32c::crc32c(body.as_bytes()));
        if computed != envelope.checksum {
            return Err(ManifestDecodeError::Checksum { stored: envelope.checksum, computed });
        }
        let probe: VersionProbe = serde_json::from_str(body)
            .map_err(|e| ManifestDecodeError::Malformed(e.to_string()))?;
        if probe.format_version != MANIFEST_FORMAT_VERSION {
            return Err(ManifestDecodeError::UnsupportedVersion(probe.format_version));
        }
        let manifest: Manifest = serde_json::from_str(body)
            .map_err(|e| ManifestDecodeError::Malformed(e.to_string()))?;
        manifest.check().map_err(ManifestDecodeError::Inconsistent)?;
        Ok(manifest)
    }

    /// Checks the invariants every stored version must hold.
    pub fn check(&self) -> Result<(), String> {
        NamespaceName::new(&self.namespace).map_err(|e| e.to_string())?;
        if self.version == 0 {
            return Err("version is 0".to_owned());
        }
        if self.flushed_lsn > self.last_lsn {
            return Err(format!(
                "flushed LSN {} is above last LSN {}",
                self.flushed_lsn, self.last_lsn
            ));
        }
        for id in [&self.writer_id, &self.exclusive_writer].into_iter().flatten() {
            if WriterId::parse(id).is_none() {
                return Err(format!("writer id `{id}` is not 32 hex digits"));
            }
        }
        let mut expected_next = None;
        for segment in &self.wal {
            if segment.first_lsn == 0 || segment.first_lsn > segment.last_lsn {
                return Err(format!(
                    "WAL segment {} has LSN range {}..={}",
                    segment.seq, segment.first_lsn, segment.last_lsn
                ));
            }
            if segment.seq >= self.next_wal_seq {
                return Err(format!(
                    "WAL segment {} is at or above next_wal_seq {}",
                    segment.seq, self.next_wal_seq
                ));
            }
            if let Some((prev_seq, next_lsn)) = expected_next {
                if segment.seq <= prev_seq || segment.first_lsn != next_lsn {
                    return Err(format!(
                        "WAL segment {} does not follow segment {prev_seq}",
                        segment.seq
                    ));
                }
            } else if segment.first_lsn > self.flushed_lsn + 1 {
                return Err(format!(
                    "WAL starts at LSN {} but only LSNs up to {} are flushed",
                    segment.first_lsn, self.flushed_lsn
                ));
            }
            expected_next = Some((segment.seq, segment.last_lsn + 1));
        }
        let mut ids = std::collections::BTreeSet::new();
        for (kind, levels) in [("node", &self.ssts.node), ("edge", &self.ssts.edge)] {
            for sst in levels.iter().flatten() {
                if !ids.insert(sst.id.as_str()) {
                    return Err(format!("{kind} SST `{}` is named twice", sst.id));
                }
                if sst.min_lsn > sst.max_lsn || sst.max_lsn > self.flushed_lsn {
                    return Err(format!(
                        "{kind} SST `{}` holds LSNs {}..={} beyond the flushed LSN {}",
                        sst.id, sst.min_lsn, sst.max_lsn, self.flushed_lsn
                    ));
                }
            }
        }
        let wal_end =
            self.wal.last().map_or(self.flushed_lsn, |s| s.last_lsn.max(self.flushed_lsn));
        if wal_end != self.last_lsn {
            return Err(format!("WAL ends at LSN {wal_end} but last LSN is {}", self.last_lsn));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests;
