//! Edge SSTs: relationships in compressed sparse row (CSR) form, forward and reverse, per
//! relationship type, with a footer index so a reader fetches only the blocks it needs
//! (format: docs/formats/edge-sst.md).
//!
//! An SST holds *versions*: each entry carries the LSN that wrote it and whether it is a
//! tombstone, so the read path can merge SSTs and the memtable by LSN.

mod block;
mod footer;
mod reader;
mod writer;

pub use block::{AdjacencyBlock, AdjacencyEntry};
pub use footer::{BlockRef, EdgeSstFooter, GroupIndex, Section, TRAILER_LEN};
pub use reader::{EdgeSstReader, TAIL_FETCH_BYTES};
pub use writer::{EdgeSstSummary, EdgeSstWriter, EdgeVersion};

/// Magic bytes at the start of the file and at its very end.
pub const MAGIC: &[u8; 8] = b"NAMIEDGE";

/// The format version this build writes (and the newest it reads).
pub const FORMAT_VERSION: u16 = 1;

/// Length of the fixed header.
pub const HEADER_LEN: usize = 16;

/// Which end of a relationship a group is indexed by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Direction {
    /// By source: the neighbours are targets.
    Forward,
    /// By target: the neighbours are sources.
    Reverse,
}

impl Direction {
    /// The byte stored for it.
    pub fn code(self) -> u8 {
        match self {
            Direction::Forward => 0,
            Direction::Reverse => 1,
        }
    }

    /// The direction a stored byte names.
    pub fn from_code(code: u8) -> Option<Direction> {
        match code {
            0 => Some(Direction::Forward),
            1 => Some(Direction::Reverse),
            _ => None,
        }
    }
}
