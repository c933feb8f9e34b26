//! NamiDB's openCypher TCK runner: reads the feature files under a TCK root (scenario outlines
//! expanded), runs every scenario on a fresh in-memory namespace, and reports which passed.
//!
//! Steps supported: empty/any/named graphs, set-up queries, parameters, test procedures (rows
//! of inputs to outputs), the query under test (and control queries), result tables in any order,
//! in order or ignoring list order, empty results, side effects (diffs of nodes, relationships,
//! labels and properties), and expected errors by class, phase and code.

pub mod gherkin;
pub mod runner;
pub mod values;

use std::path::{Path, PathBuf};

pub use gherkin::Scenario;

/// Every scenario under `root/features`, sorted by id.
pub fn scenarios(root: &Path) -> std::io::Result<Vec<Scenario>> {
    let mut files = Vec::new();
    collect(&root.join("features"), &mut files)?;
    files.sort();
    let mut out = Vec::new();
    for file in files {
        let rel = file.strip_prefix(root).unwrap_or(&file).display().to_string();
        out.extend(gherkin::read_feature(&file, &rel)?);
    }
    Ok(out)
}

fn collect(dir: &Path, out: &mut Vec<PathBuf>) -> std::io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        if path.is_dir() {
            collect(&path, out)?;
        } else if path.extension().is_some_and(|e| e == "feature") {
            out.push(path);
        }
    }
    Ok(())
}

/// The TCK root: `$NAMIDB_TCK` or `../shared/tck` from the workspace root.
pub fn default_root() -> PathBuf {
    std::env::var_os("NAMIDB_TCK")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/tck"))
}

/// Runs every scenario; returns `(id, failure)` per scenario (`None` when it passed).
pub fn run_all(
    root: &Path,
    filter: Option<&str>,
) -> std::io::Result<Vec<(String, Option<String>)>> {
    let mut out = Vec::new();
    for scenario in scenarios(root)? {
        if filter.is_some_and(|f| !scenario.id.contains(f)) {
            continue;
        }
        let outcome = std::panic::catch_unwind(|| runner::run(&scenario, root));
        let failure = match outcome {
            Ok(Ok(())) => None,
            Ok(Err(e)) => Some(e),
            Err(_) => Some("panicked".into()),
        };
        out.push((scenario.id, failure));
    }
    Ok(out)
}
