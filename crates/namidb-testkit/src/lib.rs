//! Test harness shared by NamiDB's multi-process, crash and benchmark tools.
//!
//! - [`backends`]: the object stores every storage test runs against;
//! - [`writer_protocol`]: the line protocol a writer process prints (`ack`, `err`, …) and its parser;
//! - [`batches`]: the batches the writer commits and how to check them after a reopen;
//! - [`faults`]: the fault kinds the fault-at-every-call tests inject;
//! - [`graph_model`]: a model graph and the check that a graph snapshot reads exactly it;
//! - binaries: `namidb-writer` (commits a stream of batches, used by the two-process and SIGKILL
//!   tests) and `namidb-commit-bench` (commit latency and throughput with injected latency).
//!
//! Architecture invariant: test support only; nothing in the product depends on it.

pub mod backends;
pub mod batches;
pub mod faults;
pub mod graph_model;
pub mod writer_protocol;

/// Sends `tracing` events to stderr when `RUST_LOG` is set (e.g. `RUST_LOG=namidb_storage=debug`).
pub fn init_tracing_from_env() {
    if std::env::var_os("RUST_LOG").is_some() {
        tracing_subscriber::fmt()
            .with_env_filter(tracing_subscriber::EnvFilter::from_default_env())
            .with_writer(std::io::stderr)
            .init();
    }
}
