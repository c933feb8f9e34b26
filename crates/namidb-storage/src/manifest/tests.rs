//! Tests of the manifest codec and its invariants.

use proptest::prelude::*;

use super::*;

fn sample() -> Manifest {
    let namespace = NamespaceName::new("tenant-1").unwrap();
    let mut manifest = Manifest::initial(&namespace, 1_700_000_000_000);
    let writer = WriterId(0xabc);
    manifest = manifest.successor(writer, 1_700_000_000_500, 3_600_000);
    manifest.wal.push(WalSegmentRef {
        seq: 1,
        first_lsn: 1,
        last_lsn: 3,
        size_bytes: 120,
        crc32c: 0xdead_beef,
    });
    manifest.last_lsn = 3;
    manifest.next_wal_seq = 2;
    manifest
}

#[test]
fn golden_bytes_of_format_version_1() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/testdata/manifest-v1.json");
    let encoded = sample().encode();
    if std::env::var_os("NAMIDB_BLESS").is_some() {
        std::fs::write(path, &encoded).unwrap();
    }
    let golden = std::fs::read(path).expect("golden fixture (regenerate with NAMIDB_BLESS=1)");
    assert_eq!(String::from_utf8_lossy(&encoded), String::from_utf8_lossy(&golden));
    assert_eq!(Manifest::decode(&golden).unwrap(), sample());
}

#[test]
fn successor_bumps_epoch_only_on_handover() {
    let first = sample();
    let same = first.successor(WriterId(0xabc), 1_700_000_001_000, 3_600_000);
    assert_eq!((same.version, same.epoch), (first.version + 1, first.epoch));
    let other = same.successor(WriterId(0xdef), 1_700_000_002_000, 3_600_000);
    assert_eq!(other.epoch, first.epoch + 1);
    assert_eq!(other.commits_by(WriterId(0xabc)), 2);
    assert_eq!(other.commits_by(WriterId(0xdef)), 1);
    // An idle writer is forgotten after the time-to-live.
    let later = other.successor(WriterId(0xdef), 1_700_000_002_000 + 10_000_000, 3_600_000);
    assert_eq!(later.commits_by(WriterId(0xabc)), 0);
}

#[test]
fn checksum_and_shape_errors_are_typed() {
    let encoded = sample().encode();
    let text = String::from_utf8(encoded.to_vec()).unwrap();
    let tampered = text.replace("\"last_lsn\":3", "\"last_lsn\":4");
    assert!(matches!(
        Manifest::decode(tampered.as_bytes()),
        Err(ManifestDecodeError::Checksum { .. })
    ));
    assert!(matches!(Manifest::decode(b"{}"), Err(ManifestDecodeError::Malformed(_))));
    assert!(matches!(Manifest::decode(b""), Err(ManifestDecodeError::Malformed(_))));
    for len in 0..encoded.len() {
        assert!(Manifest::decode(&encoded[..len]).is_err(), "truncation to {len} accepted");
    }
}

#[test]
fn newer_format_versions_are_refused_by_name() {
    let mut manifest = sample();
    manifest.format_version = 2;
    let body = serde_json::to_string(&manifest).unwrap();
    let checksum = format!("crc32c:{:08x}", crc32c::crc32c(body.as_bytes()));
    let bytes =
        format!("{{\"format\":\"namidb.manifest\",\"checksum\":\"{checksum}\",\"body\":{body}}}");
    assert_eq!(Manifest::decode(bytes.as_bytes()), Err(ManifestDecodeError::UnsupportedVersion(2)));
}

#[test]
fn inconsistent_manifests_are_refused() {
    let mut manifest = sample();
    manifest.last_lsn = 9;
    assert!(manifest.check().unwrap_err().contains("WAL ends at LSN 3"));
    let mut manifest = sample();
    manifest.wal.push(WalSegmentRef {
        seq: 1,
        first_lsn: 4,
        last_lsn: 4,
        size_bytes: 1,
        crc32c: 0,
    });
    manifest.last_lsn = 4;
    manifest.next_wal_seq = 5;
    assert!(manifest.check().unwrap_err().contains("does not follow"));
    let mut manifest = sample();
    manifest.writer_id = Some("nope".into());
    assert!(manifest.check().unwrap_err().contains("32 hex digits"));
}

proptest! {
    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..400)) {
        let _ = Manifest::decode(&bytes);
    }

    #[test]
    fn mutated_manifests_never_panic_and_are_rejected(idx in any::<prop::sample::Index>(), value in any::<u8>()) {
        let mut encoded = sample().encode().to_vec();
        let i = idx.index(encoded.len());
        let changed = encoded[i] != value;
        encoded[i] = value;
        let result = Manifest::decode(&encoded);
        // Changing any byte of the body breaks the checksum; changes outside it break the envelope.
        // The one exception is white-space-equivalent edits outside the body, which JSON ignores.
        if changed && result.is_ok() {
            prop_assert_eq!(result.unwrap(), sample());
        }
    }
}

fn ingest_edit(after: u64, lsn: u64) -> crate::manifest_edit::ManifestEdit {
    use crate::manifest_edit::{ManifestEdit, SstPlacement};
    let sst = SstRef {
        id: "1700000000900-abc-000001.csr".to_owned(),
        size_bytes: 10,
        rows: 2,
        min_key: "46".to_owned(),
        max_key: "46".to_owned(),
        min_lsn: lsn,
        max_lsn: lsn,
        partition: String::new(),
        created_at_millis: 1_700_000_000_900,
        stats: None,
    };
    let added = vec![SstPlacement { kind: SstKind::Edge, level: 0, sst }];
    ManifestEdit { added, ingest_after: Some(Lsn(after)), ..ManifestEdit::default() }
}

#[test]
fn a_bulk_load_edit_takes_the_next_lsn_only_on_a_fully_flushed_base() {
    let now = 1_700_000_001_000;
    // Unflushed commits up to 3: refused.
    let mut unflushed = sample();
    assert!(ingest_edit(3, 4).ingest_conflict(&unflushed).is_some());
    assert!(ingest_edit(3, 4).apply(&mut unflushed, now, 600_000).is_err());
    // Flushed up to 3: the load becomes LSN 4, flushed, and the WAL below it garbage.
    let mut flushed = sample();
    flushed.flushed_lsn = 3;
    let edit = ingest_edit(3, 4);
    assert_eq!(edit.ingest_conflict(&flushed), None);
    edit.apply(&mut flushed, now, 600_000).unwrap();
    assert_eq!((flushed.last_lsn, flushed.flushed_lsn), (4, 4));
    assert!(flushed.wal.is_empty() && flushed.ssts.edge[0].len() == 1);
    assert!(edit.is_reflected_in(&flushed));
    // Built on a base that moved on: a conflict. An SST at another LSN: refused.
    assert!(ingest_edit(3, 4).ingest_conflict(&flushed).is_some());
    let mut again = flushed.clone();
    assert!(ingest_edit(4, 4).apply(&mut again, now, 600_000).is_err());
}

const NOW: u64 = 1_700_000_001_000;

/// An SST of `partition` over hex keys `min..=max`, LSNs 1 to 3, written at `NOW`.
fn sst_at(id: &str, partition: &str, (min_key, max_key): (&str, &str)) -> SstRef {
    SstRef {
        id: id.to_owned(),
        size_bytes: 10,
        rows: 1,
        min_key: min_key.to_owned(),
        max_key: max_key.to_owned(),
        min_lsn: 1,
        max_lsn: 3,
        partition: partition.to_owned(),
        created_at_millis: NOW,
        stats: None,
    }
}

#[test]
fn a_tombstone_guard_refuses_only_ssts_in_its_scope() {
    use crate::manifest_edit::{LsnGuard, ManifestEdit, SstPlacement};
    let now = NOW;
    let sst = |id, partition, min_key, max_key, min_lsn| SstRef {
        min_lsn,
        ..sst_at(id, partition, (min_key, max_key))
    };
    let mut base = sample();
    base.flushed_lsn = 3;
    base.ssts.edge = vec![
        vec![],
        vec![sst("input", "F", "10", "20", 2)],
        vec![sst("reverse", "R", "10", "20", 1), sst("far", "F", "30", "40", 1)],
    ];
    let removed =
        vec![SstPlacement { kind: SstKind::Edge, level: 1, sst: base.ssts.edge[1][0].clone() }];
    let guard = |partition: Option<&str>, key_range: Option<(&str, &str)>| LsnGuard {
        kind: SstKind::Edge,
        floor: 3,
        partition: partition.map(str::to_owned),
        key_range: key_range.map(|(a, b)| (a.to_owned(), b.to_owned())),
    };
    let edit = |guards| ManifestEdit {
        removed: removed.clone(),
        lsn_guards: guards,
        ..ManifestEdit::default()
    };
    // The removed input and SSTs outside the scope (another partition, a disjoint range) pass.
    let scoped = edit(vec![guard(Some("F"), Some(("10", "20")))]);
    scoped.apply(&mut base.clone(), now, 600_000).unwrap();
    // An older SST in scope is refused: by partition alone, by range alone, or by both.
    for guards in [
        vec![guard(Some("R"), None)],
        vec![guard(None, Some(("15", "35")))],
        vec![guard(Some("F"), Some(("40", "50")))],
    ] {
        let refused = edit(guards).apply(&mut base.clone(), now, 600_000).unwrap_err();
        assert!(refused.contains("appeared beside the compaction"), "{refused}");
    }
}

#[test]
fn an_added_sst_may_not_overlap_its_partition_below_l0() {
    use crate::manifest_edit::{ManifestEdit, SstPlacement};
    let now = NOW;
    let sst = sst_at;
    let mut base = sample();
    base.flushed_lsn = 3;
    base.ssts.node =
        vec![vec![sst("l0", "1:A", ("10", "50"))], vec![sst("a", "1:A", ("30", "40"))]];
    let add = |level, sst| ManifestEdit {
        added: vec![SstPlacement { kind: SstKind::Node, level, sst }],
        ..ManifestEdit::default()
    };
    // Another partition over the same range, a disjoint range, and L0 are fine.
    for (level, new) in [
        (1, sst("b", "1:B", ("35", "45"))),
        (1, sst("c", "1:A", ("41", "50"))),
        (0, sst("d", "1:A", ("35", "45"))),
    ] {
        add(level, new).apply(&mut base.clone(), now, 600_000).unwrap();
    }
    let refused =
        add(1, sst("e", "1:A", ("20", "30"))).apply(&mut base.clone(), now, 600_000).unwrap_err();
    assert!(refused.contains("would overlap `a`"), "{refused}");
}
