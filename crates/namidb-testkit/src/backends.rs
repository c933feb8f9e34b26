//! Backends for the storage tests: every test runs against each of them.
//!
//! - `memory://` and `file://` (a temporary directory) always;
//! - every S3-compatible server listed in `NAMIDB_TEST_S3` as `name=URI` pairs separated by `;`,
//!   e.g. `moto=s3://namidb-test?endpoint=http://127.0.0.1:5000&allow_http=true`, with credentials
//!   from the `AWS_*` variables. `.ci/run` starts moto and Ceph RGW and sets it; under `CI` a missing
//!   list is an error, so a broken setup cannot silently skip the S3 runs.

use std::sync::OnceLock;

use namidb_core::{RandomSource, SystemRandom};

/// One object store to run against.
#[derive(Debug, Clone)]
pub struct Backend {
    /// Short name shown in failures (`memory`, `file`, `moto`, `ceph`).
    pub name: String,
    base: String,
}

impl Backend {
    /// The URI of a fresh namespace on this backend.
    pub fn fresh_uri(&self) -> String {
        self.uri(&fresh_namespace())
    }

    /// The URI of namespace `ns` on this backend.
    pub fn uri(&self, ns: &str) -> String {
        let separator = if self.base.contains('?') { '&' } else { '?' };
        format!("{}{separator}ns={ns}", self.base)
    }
}

/// A namespace name no other test uses.
pub fn fresh_namespace() -> String {
    static RANDOM: OnceLock<SystemRandom> = OnceLock::new();
    format!("t{:016x}", RANDOM.get_or_init(SystemRandom::new).next_u64())
}

/// The S3 backends listed in `NAMIDB_TEST_S3` (empty outside CI when unset).
pub fn s3_backends() -> Vec<Backend> {
    backends().into_iter().filter(|b| b.name != "memory" && b.name != "file").collect()
}

/// The `file://` backend and the S3 backends: the ones several processes can share.
pub fn shared_backends() -> Vec<Backend> {
    backends().into_iter().filter(|b| b.name != "memory").collect()
}

/// Every backend configured for this run.
pub fn backends() -> Vec<Backend> {
    static TEMP: OnceLock<tempfile::TempDir> = OnceLock::new();
    let dir = TEMP.get_or_init(|| tempfile::tempdir().expect("temporary directory"));
    let mut out = vec![
        Backend { name: "memory".into(), base: format!("memory://suite-{}", fresh_namespace()) },
        Backend { name: "file".into(), base: format!("file://{}", dir.path().display()) },
    ];
    match std::env::var("NAMIDB_TEST_S3") {
        Ok(list) => {
            for entry in list.split(';').filter(|e| !e.trim().is_empty()) {
                let (name, uri) =
                    entry.split_once('=').expect("NAMIDB_TEST_S3 entries are name=URI");
                out.push(Backend { name: name.trim().to_owned(), base: uri.trim().to_owned() });
            }
        }
        Err(_) if std::env::var_os("CI").is_some() => {
            panic!("CI is set but NAMIDB_TEST_S3 is not: the S3 backends were not started")
        }
        Err(_) => eprintln!(
            "NAMIDB_TEST_S3 is not set: running the storage suite on memory:// and file:// only"
        ),
    }
    out
}
