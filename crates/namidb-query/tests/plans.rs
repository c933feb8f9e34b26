//! Plan snapshots: each case in `tests/plans/*.cypher` (cases separated by `---`) is bound and
//! its plan printed by `explain`; `<name>.expected` holds the output. Files named `stats_*`
//! are bound against the fixed [`Fixture`] statistics and printed with estimated rows.
//! `NAMIDB_BLESS=1` rewrites the expected files.

use std::fmt::Write as _;
use std::path::PathBuf;

use namidb_query::explain::{explain, explain_estimated};
use namidb_query::{bind_statement, Catalog, ProcedureSignature, Statistics};

/// A graph of 1000 `Person` (ids unique, `age` 0..=100 in 100 values) and 100 `Tag` (names
/// unique), 10,000 `KNOWS` and 2,000 `HAS_TAG` relationships.
struct Fixture {
    with_statistics: bool,
}

impl Statistics for Fixture {
    fn node_count(&self, label: Option<&str>) -> Option<f64> {
        match label {
            None => Some(1100.0),
            Some("Person") => Some(1000.0),
            Some("Tag") => Some(100.0),
            Some(_) => Some(0.0),
        }
    }
    fn property_count(&self, label: &str, _property: &str) -> Option<f64> {
        self.node_count(Some(label))
    }
    fn distinct_values(&self, label: &str, property: &str) -> Option<f64> {
        match (label, property) {
            ("Person", "age") => Some(100.0),
            (l, "id" | "name") => self.node_count(Some(l)),
            _ => None,
        }
    }
    fn value_range(&self, label: &str, property: &str) -> Option<(f64, f64)> {
        ((label, property) == ("Person", "age")).then_some((0.0, 100.0))
    }
    fn relationship_count(&self, rel_type: Option<&str>) -> Option<f64> {
        match rel_type {
            None => Some(12_000.0),
            Some("KNOWS") => Some(10_000.0),
            Some("HAS_TAG") => Some(2_000.0),
            Some(_) => Some(0.0),
        }
    }
}

impl Catalog for Fixture {
    fn procedure(&self, _name: &str) -> Option<ProcedureSignature> {
        None
    }
    fn statistics(&self) -> &dyn Statistics {
        if self.with_statistics {
            self
        } else {
            &namidb_query::NoStatistics
        }
    }
}

fn render(source: &str, with_statistics: bool) -> String {
    let statement = match namidb_cypher_syntax::parse_statement(source) {
        Ok(s) => s,
        Err(e) => return format!("syntax error: {e}"),
    };
    let catalog = Fixture { with_statistics };
    match bind_statement(&statement, &catalog, &|_| true) {
        Ok(bound) => {
            let plan = if with_statistics {
                explain_estimated(&bound.plan, &catalog)
            } else {
                explain(&bound.plan)
            };
            format!("columns {:?} width {}\n{plan}", bound.columns, bound.width)
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
        let with_statistics =
            input.file_name().and_then(|n| n.to_str()).is_some_and(|n| n.starts_with("stats_"));
        let mut actual = String::new();
        for case in text.split("\n---\n").map(str::trim).filter(|c| !c.is_empty()) {
            let _ = write!(actual, "{case}\n=>\n{}\n", render(case, with_statistics));
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
