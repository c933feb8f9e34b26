//! Golden tests: each `tests/golden/<name>.cypher` holds cases separated by lines `---`; the
//! expected output in `<name>.expected` is, per case, the canonical text of the tree (every
//! operator application parenthesized, so precedence and associativity are visible) or the
//! rendered errors with their codes. `NAMIDB_BLESS=1` rewrites the expected files.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

fn render_case(source: &str) -> String {
    match namidb_cypher_syntax::parse(source) {
        Ok(script) => script.to_string(),
        Err(errors) => errors.render(source),
    }
}

fn render_file(path: &Path) -> String {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut out = String::new();
    for case in text.split("\n---\n").map(str::trim).filter(|c| !c.is_empty()) {
        let _ = write!(out, "{case}\n=>\n{}\n\n", render_case(case));
    }
    out
}

#[test]
fn golden_cases_match() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/golden");
    let mut inputs: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|path| path.extension().is_some_and(|ext| ext == "cypher"))
        .collect();
    inputs.sort();
    assert!(!inputs.is_empty(), "no golden inputs in {}", dir.display());
    let bless = std::env::var_os("NAMIDB_BLESS").is_some();
    let mut mismatches = Vec::new();
    for input in inputs {
        let actual = render_file(&input);
        let expected_path = input.with_extension("expected");
        if bless {
            std::fs::write(&expected_path, &actual)
                .unwrap_or_else(|e| panic!("{}: {e}", expected_path.display()));
            continue;
        }
        let expected = std::fs::read_to_string(&expected_path).unwrap_or_default();
        if expected != actual {
            mismatches.push(format!(
                "{} differs from {} (run with NAMIDB_BLESS=1 to accept):\n{actual}",
                input.display(),
                expected_path.display()
            ));
        }
    }
    assert!(mismatches.is_empty(), "{}", mismatches.join("\n\n"));
}
