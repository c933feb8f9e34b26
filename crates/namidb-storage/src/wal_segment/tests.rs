//! Tests of the WAL segment codec: round trips, golden bytes, and hostile input.

use proptest::prelude::*;

use super::*;

fn sample() -> WalSegment {
    WalSegment {
        writer: WriterId(0x0011_2233_4455_6677_8899_aabb_ccdd_eeff),
        nonce: 0x0102_0304_0506_0708,
        records: vec![
            WalRecord {
                lsn: Lsn(7),
                ops: vec![
                    WriteOp::Put {
                        key: Bytes::from_static(b"k1"),
                        value: Bytes::from_static(b"v1"),
                    },
                    WriteOp::Delete { key: Bytes::from_static(b"k2") },
                ],
            },
            WalRecord {
                lsn: Lsn(8),
                ops: vec![WriteOp::Put { key: Bytes::from_static(b"k3"), value: Bytes::new() }],
            },
        ],
    }
}

#[test]
fn golden_bytes_of_format_version_1() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/testdata/wal-segment-v1.bin");
    let encoded = sample().encode();
    if std::env::var_os("NAMIDB_BLESS").is_some() {
        std::fs::write(path, &encoded).unwrap();
    }
    let golden = std::fs::read(path).expect("golden fixture (regenerate with NAMIDB_BLESS=1)");
    assert_eq!(
        encoded.as_ref(),
        golden.as_slice(),
        "encoder output changed: bump the format version"
    );
    assert_eq!(WalSegment::decode(&golden).unwrap(), sample());
}

#[test]
fn every_truncation_is_an_error() {
    let encoded = sample().encode();
    for len in 0..encoded.len() {
        let err = WalSegment::decode(&encoded[..len]).unwrap_err();
        assert!(
            matches!(err, WalDecodeError::Torn(_) | WalDecodeError::Corrupt(_)),
            "len {len}: {err}"
        );
    }
}

#[test]
fn every_bit_flip_is_detected() {
    let encoded = sample().encode();
    for idx in 0..encoded.len() {
        for bit in [0u8, 3, 7] {
            let mut corrupted = encoded.to_vec();
            corrupted[idx] ^= 1 << bit;
            assert!(
                WalSegment::decode(&corrupted).is_err(),
                "flip at byte {idx} bit {bit} went unnoticed"
            );
        }
    }
}

#[test]
fn newer_versions_are_refused_by_name() {
    let mut encoded = sample().encode().to_vec();
    encoded[8] = 2;
    assert_eq!(WalSegment::decode(&encoded), Err(WalDecodeError::UnsupportedVersion(2)));
}

#[test]
fn empty_segment_round_trips() {
    let empty = WalSegment { writer: WriterId(1), nonce: 2, records: vec![] };
    assert_eq!(WalSegment::decode(&empty.encode()).unwrap(), empty);
}

fn arb_op() -> impl Strategy<Value = WriteOp> {
    let bytes = || proptest::collection::vec(any::<u8>(), 0..40).prop_map(Bytes::from);
    prop_oneof![
        (bytes(), bytes()).prop_map(|(key, value)| WriteOp::Put { key, value }),
        bytes().prop_map(|key| WriteOp::Delete { key }),
    ]
}

proptest! {
    #[test]
    fn round_trip(first in 1u64..1_000_000, nonce in any::<u64>(), batches in proptest::collection::vec(proptest::collection::vec(arb_op(), 0..6), 0..6)) {
        let records = batches
            .into_iter()
            .enumerate()
            .map(|(i, ops)| WalRecord { lsn: Lsn(first + i as u64), ops })
            .collect();
        let segment = WalSegment { writer: WriterId(u128::from(nonce) << 3), nonce, records };
        prop_assert_eq!(WalSegment::decode(&segment.encode()).unwrap(), segment);
    }

    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
        let _ = WalSegment::decode(&bytes);
        let mut with_magic = SEGMENT_MAGIC.to_vec();
        with_magic.extend_from_slice(&bytes);
        let _ = WalSegment::decode(&with_magic);
    }

    #[test]
    fn mutated_segments_never_panic(idx in any::<prop::sample::Index>(), value in any::<u8>(), cut in any::<prop::sample::Index>()) {
        let mut encoded = sample().encode().to_vec();
        let i = idx.index(encoded.len());
        encoded[i] = value;
        let _ = WalSegment::decode(&encoded);
        let c = cut.index(encoded.len());
        let _ = WalSegment::decode(&encoded[..c]);
    }
}

#[test]
fn manifest_checksum_is_the_trailer_checksum_and_tells_segments_apart() {
    let a = sample().encode();
    let mut other = sample();
    other.nonce += 1;
    let b = other.encode();
    assert_ne!(segment_checksum(&a), segment_checksum(&b));
    let trailer = u32::from_le_bytes(a[a.len() - 4..].try_into().unwrap());
    assert_eq!(segment_checksum(&a), trailer);
}
