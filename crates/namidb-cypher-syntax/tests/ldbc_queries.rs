//! Every LDBC SNB Interactive query text in `../shared/ldbc/queries` parses unchanged, passes
//! semantic analysis, and its canonical text parses back to the same tree.

use std::path::PathBuf;

fn query_dirs() -> Vec<PathBuf> {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/ldbc/queries");
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(&root)
        .unwrap_or_else(|e| {
            panic!("{}: {e} (shared/ldbc must sit beside the checkout)", root.display())
        })
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|path| path.is_dir())
        .collect();
    dirs.sort();
    dirs
}

#[test]
fn every_ldbc_query_parses() {
    let mut parsed = 0;
    let mut failures = Vec::new();
    for dir in query_dirs() {
        let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
            .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
            .filter_map(|entry| entry.ok().map(|e| e.path()))
            .filter(|path| path.extension().is_some_and(|ext| ext == "cypher"))
            .collect();
        files.sort();
        for file in files {
            let text = std::fs::read_to_string(&file)
                .unwrap_or_else(|e| panic!("{}: {e}", file.display()));
            match namidb_cypher_syntax::parse(&text) {
                Ok(script) => {
                    assert!(!script.statements.is_empty(), "{}: no statement", file.display());
                    let canonical = script.to_string();
                    match namidb_cypher_syntax::parse(&canonical) {
                        Ok(again) => assert_eq!(
                            again.to_string(),
                            canonical,
                            "{}: canonical text changed on re-parse",
                            file.display()
                        ),
                        Err(errors) => failures.push(format!(
                            "{} (canonical text):\n{}",
                            file.display(),
                            errors.render(&canonical)
                        )),
                    }
                    parsed += 1;
                }
                Err(errors) => {
                    failures.push(format!("{}:\n{}", file.display(), errors.render(&text)))
                }
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} LDBC files failed to parse:\n{}",
        failures.len(),
        failures.join("\n\n")
    );
    assert!(parsed >= 30, "only {parsed} LDBC query files found");
    eprintln!("{parsed} LDBC query files parsed");
}
