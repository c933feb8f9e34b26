//! Plan snapshots: each case in `tests/plans/*.cypher` (cases separated by `---`) is bound and
//! its plan printed by `explain`; `<name>.expected` holds the output. `NAMIDB_BLESS=1` rewrites
//! the expected files.

use std::fmt::Write as _;
use std::path::PathBuf;

use namidb_query::{bind_statement, explain::explain, EmptyCatalog};

fn render(source: &str) -> String {
    let statement = match namidb_cypher_syntax::parse_statement(source) {
        Ok(s) => s,
        Err(e) => return format!("syntax error: {e}"),
    };
    match bind_statement(&statement, &EmptyCatalog, &|_| true) {
        Ok(bound) => {
            format!("columns {:?} width {}\n{}", bound.columns, bound.width, explain(&bound.plan))
        }
        Err(e) => format!("plan error: {e}\n"),
    }
}

#[test]
fn plans_match_snapshots() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/plans");
    let mut inputs: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "cypher"))
        .collect();
    inputs.sort();
    assert!(!inputs.is_empty());
    let bless = std::env::var_os("NAMIDB_BLESS").is_some();
    let mut mismatches = Vec::new();
    for input in inputs {
        let text = std::fs::read_to_string(&input).unwrap_or_default();
        let mut actual = String::new();
        for case in text.split("\n---\n").map(str::trim).filter(|c| !c.is_empty()) {
            let _ = write!(actual, "{case}\n=>\n{}\n", render(case));
        }
        let expected_path = input.with_extension("expected");
        if bless {
            std::fs::write(&expected_path, &actual).unwrap_or_else(|e| panic!("{e}"));
        } else if std::fs::read_to_string(&expected_path).unwrap_or_default() != actual {
            mismatches
                .push(format!("{} differs (NAMIDB_BLESS=1 accepts):\n{actual}", input.display()));
        }
    }
    assert!(mismatches.is_empty(), "{}", mismatches.join("\n"));
}
