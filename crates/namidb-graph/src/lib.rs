//! The NamiDB graph store's storage formats and key space.
//!
//! - [`model`]: nodes and relationships with 64-bit ids and typed properties;
//! - [`record_codec`]: the binary encoding of node records and property maps;
//! - [`keys`]: the graph's keys in the storage spine's key-value memtable and WAL;
//! - [`edge_sst`]: relationships as CSR SSTs, forward and reverse, with block-level ranged reads;
//! - [`node_sst`]: node versions of one label set in Parquet, a typed column per property;
//! - [`schema`]: the labels, relationship types and property types kept in `schema/current.json`.
//!
//! Architecture invariant: knows the graph model and its byte formats; knows nothing of Cypher,
//! plans or execution. Talks to object storage only through `namidb_objstore::Bucket`.
//! API boundary: [`model`], [`record_codec`], [`keys`], [`edge_sst`], [`node_sst`], [`schema`], [`GraphError`].

pub mod edge_sst;
pub mod error;
pub mod keys;
pub mod model;
pub mod node_sst;
pub mod record_codec;
pub mod schema;
pub mod store;
pub mod varint;

pub use error::{CodecError, GraphError};
pub use store::{
    DistinctSketch, GcReport, GraphBatch, GraphSnapshot, GraphStatistics, GraphStore, IngestReport,
    LsmOptions, PropertyStatistics, Relationship,
};
