//! A HyperLogLog sketch of the distinct values of one property in one node SST, so the
//! distinct counts of several SSTs combine as a union instead of a sum.
//!
//! Summing per-file distinct counts overstates every property whose values repeat across
//! files: a `gender` with 2 values over 20 SSTs sums to 40, and an equality on it looks 20 times
//! more selective than it is. Registers of two sketches combine by their maximum, so the
//! sketch of a label's property over every SST estimates the distinct values of the union.
//!
//! [`PRECISION`] = 7 gives 128 registers and a standard error of about 9%. A value's hash is
//! [`value_hash`], stable across builds and platforms (it is stored). The manifest form is a
//! string of 128 characters, one per register, each register value (0..=58) written as the
//! character at that index of the base64 alphabet `A–Z a–z 0–9 + /` (`docs/formats/
//! statistics.md`).

use std::fmt;

use serde::de::{self, Deserializer, Visitor};
use serde::{Deserialize, Serialize, Serializer};

use crate::model::PropertyValue;
use crate::record_codec::encode_value;

/// Bits of the hash that choose a register.
pub(crate) const PRECISION: u32 = 7;
const REGISTERS: usize = 1 << PRECISION;
/// The largest register value: one more than the bits left after the register index.
const MAX_RANK: u8 = (64 - PRECISION + 1) as u8;
const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/// A HyperLogLog sketch of distinct values (see the module documentation).
#[derive(Clone, PartialEq, Eq)]
pub struct DistinctSketch {
    registers: [u8; REGISTERS],
}

impl Default for DistinctSketch {
    fn default() -> Self {
        DistinctSketch { registers: [0; REGISTERS] }
    }
}

impl fmt::Debug for DistinctSketch {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "DistinctSketch(~{:.0})", self.estimate())
    }
}

impl DistinctSketch {
    /// Counts a value by its [`value_hash`].
    pub fn insert_hash(&mut self, hash: u64) {
        let index = (hash >> (64 - PRECISION)) as usize;
        let rest = hash << PRECISION;
        let rank = (rest.leading_zeros() + 1).min(MAX_RANK as u32) as u8;
        if let Some(r) = self.registers.get_mut(index) {
            *r = (*r).max(rank);
        }
    }

    /// The union with `other`: every register the larger of the two.
    pub fn merge(&mut self, other: &DistinctSketch) {
        for (mine, theirs) in self.registers.iter_mut().zip(other.registers.iter()) {
            *mine = (*mine).max(*theirs);
        }
    }

    /// The estimated number of distinct values (linear counting while registers are empty).
    pub fn estimate(&self) -> f64 {
        let m = REGISTERS as f64;
        let alpha = 0.7213 / (1.0 + 1.079 / m);
        let sum: f64 = self.registers.iter().map(|&r| (-(r as f64)).exp2()).sum();
        let raw = alpha * m * m / sum;
        let empty = self.registers.iter().filter(|&&r| r == 0).count();
        if raw <= 2.5 * m && empty > 0 {
            m * (m / empty as f64).ln()
        } else {
            raw
        }
    }

    fn encode(&self) -> String {
        self.registers.iter().map(|&r| ALPHABET[r as usize % 64] as char).collect()
    }

    fn decode(text: &str) -> Result<DistinctSketch, String> {
        if text.len() != REGISTERS {
            return Err(format!("a sketch has {REGISTERS} registers, not {}", text.len()));
        }
        let mut sketch = DistinctSketch::default();
        for (register, c) in sketch.registers.iter_mut().zip(text.bytes()) {
            let value = ALPHABET
                .iter()
                .position(|&a| a == c)
                .ok_or_else(|| format!("{:?} is not a register value", c as char))?;
            if value > MAX_RANK as usize {
                return Err(format!("register value {value} is above {MAX_RANK}"));
            }
            *register = value as u8;
        }
        Ok(sketch)
    }
}

impl Serialize for DistinctSketch {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.encode())
    }
}

impl<'de> Deserialize<'de> for DistinctSketch {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Text;
        impl Visitor<'_> for Text {
            type Value = DistinctSketch;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "a string of {REGISTERS} register characters")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<DistinctSketch, E> {
                DistinctSketch::decode(v).map_err(E::custom)
            }
        }
        deserializer.deserialize_str(Text)
    }
}

/// A 64-bit hash of a stored value, equal for equal values (as stored: `1` and `1.0` differ)
/// and the same in every build: a type tag and the value's bytes (little-endian numbers, UTF-8
/// text, the record codec's encoding for anything else) through FNV-1a, then the MurmurHash3
/// finalizer so every bit depends on every input bit.
pub(crate) fn value_hash(value: &PropertyValue) -> u64 {
    let mut h = Fnv::new();
    match value {
        PropertyValue::Int(i) => h.write(0, &i.to_le_bytes()),
        PropertyValue::Float(f) => h.write(1, &f.to_bits().to_le_bytes()),
        PropertyValue::String(s) => h.write(2, s.as_bytes()),
        PropertyValue::Bool(b) => h.write(3, &[u8::from(*b)]),
        other => h.write(4, &encode_value(other)),
    }
    finalize(h.0)
}

struct Fnv(u64);

impl Fnv {
    fn new() -> Fnv {
        Fnv(0xcbf2_9ce4_8422_2325)
    }

    fn write(&mut self, tag: u8, bytes: &[u8]) {
        for &b in std::iter::once(&tag).chain(bytes) {
            self.0 ^= b as u64;
            self.0 = self.0.wrapping_mul(0x0100_0000_01b3);
        }
    }
}

fn finalize(mut h: u64) -> u64 {
    h ^= h >> 33;
    h = h.wrapping_mul(0xff51_afd7_ed55_8ccd);
    h ^= h >> 33;
    h = h.wrapping_mul(0xc4ce_b9fe_1a85_ec53);
    h ^ (h >> 33)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sketch_of(values: impl IntoIterator<Item = i64>) -> DistinctSketch {
        let mut s = DistinctSketch::default();
        for v in values {
            s.insert_hash(value_hash(&PropertyValue::Int(v)));
        }
        s
    }

    #[test]
    fn estimates_stay_within_a_few_standard_errors() {
        for n in [1, 10, 100, 1_000, 10_000, 100_000] {
            let e = sketch_of(0..n).estimate();
            let error = (e - n as f64).abs() / n as f64;
            assert!(error < 0.3, "{n} values estimated as {e}");
        }
        assert_eq!(DistinctSketch::default().estimate(), 0.0);
    }

    #[test]
    fn a_union_counts_shared_values_once() {
        // 20 files each holding the same two values: a union of 2, where a sum says 40.
        let mut union = DistinctSketch::default();
        for _ in 0..20 {
            union.merge(&sketch_of([0, 1]));
        }
        assert!((union.estimate() - 2.0).abs() < 0.5, "{union:?}");
        // Disjoint halves add up.
        let mut halves = sketch_of(0..5_000);
        halves.merge(&sketch_of(5_000..10_000));
        assert!((halves.estimate() - 10_000.0).abs() < 2_500.0, "{halves:?}");
        assert_eq!(halves, sketch_of(0..10_000));
    }

    #[test]
    fn the_text_form_round_trips_and_bad_text_is_refused() {
        let s = sketch_of(0..777);
        let json = serde_json::to_string(&s).expect("serializes");
        assert_eq!(json.len(), REGISTERS + 2);
        assert_eq!(serde_json::from_str::<DistinctSketch>(&json).expect("parses"), s);
        for bad in ["\"AAA\"", &format!("\"{}\"", "*".repeat(REGISTERS)), "12"] {
            assert!(serde_json::from_str::<DistinctSketch>(bad).is_err(), "{bad}");
        }
        // Register value 59 and above cannot occur.
        let high = format!("\"{}{}\"", "7", "A".repeat(REGISTERS - 1));
        assert!(serde_json::from_str::<DistinctSketch>(&high).is_err());
    }

    #[test]
    fn the_hash_is_fixed_and_tells_types_apart() {
        // Stored in manifests: a change of these values is a format change.
        assert_eq!(value_hash(&PropertyValue::Int(1)), value_hash(&PropertyValue::Int(1)));
        assert_ne!(value_hash(&PropertyValue::Int(1)), value_hash(&PropertyValue::Float(1.0)));
        assert_ne!(
            value_hash(&PropertyValue::String("a".into())),
            value_hash(&PropertyValue::String("b".into()))
        );
        assert_eq!(value_hash(&PropertyValue::Int(0)), FIXED_INT_ZERO);
    }

    // FNV-1a over [0, 0 × 8], then the finalizer (checked by hand in another language).
    const FIXED_INT_ZERO: u64 = 17_662_770_132_820_967_445;
}
