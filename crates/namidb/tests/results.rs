//! Result snapshots of every operator: each case in `tests/results/*.cypher` (cases separated
//! by `---`) runs on the fixture graph below, once with it in the memtable and once flushed to
//! SSTs; both must give the same answer, and `<name>.expected` holds it. Rows are sorted unless
//! the query orders them. The cases feed each operator nulls and empty inputs. A failing
//! statement prints its error kind and code. `NAMIDB_BLESS=1` rewrites the expected files.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::PathBuf;

use namidb::{result_text, Database, QueryResult};

/// Three `P` with gaps in their properties (`b` has no age, `c` no name), a `Q`, an unlabelled
/// node, `K` relationships with a self-loop, a parallel pair and one without `w`, and an `L`.
const FIXTURE: &str = "\
CREATE (a:P {id: 1, name: 'a', age: 30, score: 1.5}), (b:P {id: 2, name: 'b'}), \
(c:P {id: 3, age: 40}), (d:Q {id: 4, name: 'b'}), ({id: 5}), \
(a)-[:K {w: 1}]->(b), (a)-[:K {w: 7}]->(b), (b)-[:K]->(c), (c)-[:K {w: 3}]->(a), \
(a)-[:K {w: 5}]->(a), (b)-[:L]->(d)";

fn fixture(name: &str, flushed: bool) -> Database {
    let db = Database::open(&format!("memory://results-{name}-{flushed}")).expect("opens");
    db.execute(FIXTURE, &BTreeMap::new()).expect("fixture");
    if flushed {
        db.flush().expect("flushes");
    }
    db
}

fn render(query: &str, result: Result<QueryResult, namidb::Error>) -> String {
    let result = match result {
        Ok(result) => result,
        Err(e) => return format!("error: {:?} {}\n", e.kind, e.code.as_deref().unwrap_or("-")),
    };
    let mut rows: Vec<String> = result
        .rows
        .iter()
        .map(|row| {
            let cells: Vec<String> = row.iter().map(|v| result_text::render(v, false)).collect();
            format!("| {} |", cells.join(" | "))
        })
        .collect();
    if !query.contains("ORDER BY") {
        rows.sort();
    }
    let mut out = format!("| {} |\n", result.columns.join(" | "));
    for row in rows {
        let _ = writeln!(out, "{row}");
    }
    out
}

#[test]
fn every_operator_answers_as_the_snapshots_say_flushed_or_not() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/results");
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
        let cases = text.split("\n---\n").map(str::trim).filter(|c| !c.is_empty());
        for (i, case) in cases.enumerate() {
            let name = format!("{}-{i}", input.file_stem().and_then(|s| s.to_str()).unwrap_or(""));
            let [memtable, flushed] = [false, true].map(|flushed| {
                let db = fixture(&name, flushed);
                render(case, db.execute(case, &BTreeMap::new()))
            });
            if memtable != flushed {
                mismatches.push(format!("{case}\nunflushed:\n{memtable}flushed:\n{flushed}"));
            }
            let _ = write!(actual, "{case}\n=>\n{memtable}\n");
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
