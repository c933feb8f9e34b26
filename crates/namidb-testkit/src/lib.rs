//! Test harness shared by NamiDB's multi-process, crash and benchmark tools.
//!
//! - [`backends`]: the object stores every storage test runs against;
//! - [`writer_protocol`]: the line protocol a writer process prints (`ack`, `err`, …) and its parser;
//! - [`batches`]: the batches the writer commits and how to check them after a reopen;
//! - binaries: `namidb-writer` (commits a stream of batches, used by the two-process and SIGKILL
//!   tests) and `namidb-commit-bench` (commit latency and throughput with injected latency).
//!
//! Architecture invariant: test support only; nothing in the product depends on it.

pub mod backends;
pub mod batches;
pub mod writer_protocol;
