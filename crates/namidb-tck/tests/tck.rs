//! Runs the whole openCypher TCK (`../shared/tck`, or `$NAMIDB_TCK`) and checks it against the
//! checked-in list of known failures (`known-failures.txt`), which may only shrink: a scenario
//! failing that is not on the list fails the test, and so does a listed scenario that now passes
//! (remove it from the list). Prints `N passed, M failed`.

use std::collections::BTreeSet;
use std::path::PathBuf;

#[test]
fn tck_passes_except_known_failures() {
    let root = namidb_tck::default_root();
    let results = namidb_tck::run_all(&root, None)
        .unwrap_or_else(|e| panic!("cannot read the TCK at {}: {e}", root.display()));
    assert!(
        results.len() > 2000,
        "only {} scenarios found under {}",
        results.len(),
        root.display()
    );
    let list_path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("known-failures.txt");
    let known: BTreeSet<String> = std::fs::read_to_string(&list_path)
        .unwrap_or_default()
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(str::to_owned)
        .collect();
    let mut new_failures = Vec::new();
    let mut fixed = Vec::new();
    let mut failed = 0;
    for (id, failure) in &results {
        match (failure, known.contains(id)) {
            (Some(why), false) => new_failures.push(format!("{id}\n    {why}")),
            (None, true) => fixed.push(id.clone()),
            _ => {}
        }
        failed += usize::from(failure.is_some());
    }
    println!("{} passed, {} failed", results.len() - failed, failed);
    assert!(
        new_failures.is_empty(),
        "{} scenario(s) fail that are not known failures:\n{}",
        new_failures.len(),
        new_failures.join("\n")
    );
    assert!(
        fixed.is_empty(),
        "{} known failure(s) now pass; remove them from {}:\n{}",
        fixed.len(),
        list_path.display(),
        fixed.join("\n")
    );
}
