//! Every query of the openCypher TCK (`../shared/tck/features`) that is not expected to fail at
//! compile time parses; scenario outlines are expanded with their examples.
//!
//! Queries expected to raise a compile-time `SyntaxError` are counted, and those whose error is
//! lexical or grammatical (`UnexpectedSyntax`, `InvalidNumberLiteral`, …) must be rejected by the
//! parser already; the semantic ones are the job of semantic analysis.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// One query of one scenario (outline rows expanded).
struct TckQuery {
    location: String,
    text: String,
    compile_error: Option<String>,
}

fn feature_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            feature_files(&path, out);
        } else if path.extension().is_some_and(|ext| ext == "feature") {
            out.push(path);
        }
    }
}

/// A scenario being read: name, query texts, expected compile-time error, example rows.
type ScenarioParts = (String, Vec<String>, Option<String>, Vec<BTreeMap<String, String>>);

/// A small reader for the parts of Gherkin the query checks need.
fn read_feature(path: &Path) -> Vec<TckQuery> {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let lines: Vec<&str> = text.lines().collect();
    let mut out = Vec::new();
    let mut idx = 0;
    let mut scenario: Option<ScenarioParts> = None;
    let flush = |scenario: Option<ScenarioParts>, out: &mut Vec<TckQuery>| {
        let Some((name, queries, error, examples)) = scenario else { return };
        let rows = if examples.is_empty() { vec![BTreeMap::new()] } else { examples };
        for (row_idx, row) in rows.iter().enumerate() {
            for query in &queries {
                let mut text = query.clone();
                for (key, value) in row {
                    text = text.replace(&format!("<{key}>"), value);
                }
                out.push(TckQuery {
                    location: format!("{} / {name} / row {row_idx}", path.display()),
                    text,
                    compile_error: error.clone(),
                });
            }
        }
    };
    while idx < lines.len() {
        let line = lines[idx].trim();
        if line.starts_with("Scenario") {
            flush(scenario.take(), &mut out);
            scenario = Some((line.to_owned(), Vec::new(), None, Vec::new()));
        } else if line.starts_with("\"\"\"") {
            let indent = lines[idx].find('"').unwrap_or(0);
            let mut body = Vec::new();
            idx += 1;
            while idx < lines.len() && !lines[idx].trim().starts_with("\"\"\"") {
                body.push(lines[idx].get(indent..).unwrap_or(lines[idx].trim_start()));
                idx += 1;
            }
            let previous = lines[..idx.saturating_sub(body.len() + 1)]
                .iter()
                .rev()
                .find(|l| !l.trim().is_empty())
                .map(|l| l.trim())
                .unwrap_or("");
            let is_query = previous.ends_with("executing query:")
                || previous.ends_with("having executed:")
                || previous.ends_with("executing control query:");
            if let (Some(current), true) = (scenario.as_mut(), is_query) {
                current.1.push(body.join("\n"));
            }
        } else if line.contains("should be raised at compile time") {
            if let Some(current) = scenario.as_mut() {
                current.2 = Some(line.rsplit(':').next().unwrap_or("").trim().to_owned());
            }
        } else if line.starts_with("Examples") {
            let mut header: Vec<String> = Vec::new();
            idx += 1;
            while idx < lines.len() && lines[idx].trim().starts_with('|') {
                let cells: Vec<String> = lines[idx]
                    .trim()
                    .trim_matches('|')
                    .split('|')
                    .map(|c| c.trim().to_owned())
                    .collect();
                if header.is_empty() {
                    header = cells;
                } else if let Some(current) = scenario.as_mut() {
                    current.3.push(header.iter().cloned().zip(cells).collect());
                }
                idx += 1;
            }
            continue;
        }
        idx += 1;
    }
    flush(scenario, &mut out);
    out
}

/// Compile-time error classes a parser must raise by itself.
const GRAMMATICAL: &[&str] = &[
    "UnexpectedSyntax",
    "InvalidNumberLiteral",
    "IntegerOverflow",
    "FloatingPointOverflow",
    "InvalidUnicodeLiteral",
    "InvalidUnicodeCharacter",
];

#[test]
fn tck_queries_parse_unless_they_must_fail() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/tck/features");
    let mut files = Vec::new();
    feature_files(&root, &mut files);
    files.sort();
    assert!(!files.is_empty(), "no TCK feature files under {}", root.display());
    let mut ok = 0;
    let mut failures = Vec::new();
    let mut wrongly_accepted = Vec::new();
    let mut semantic_pending = 0;
    for file in &files {
        for query in read_feature(file) {
            let result = namidb_cypher_syntax::parse(&query.text);
            match (&query.compile_error, result) {
                (None, Ok(_)) => ok += 1,
                (None, Err(errors)) => failures.push(format!(
                    "{}:\n{}\n{}",
                    query.location,
                    query.text,
                    errors.render(&query.text)
                )),
                (Some(class), Ok(_)) if GRAMMATICAL.contains(&class.as_str()) => {
                    wrongly_accepted.push(format!("{} ({class}):\n{}", query.location, query.text))
                }
                (Some(_), Ok(_)) => semantic_pending += 1,
                (Some(_), Err(_)) => ok += 1,
            }
        }
    }
    eprintln!(
        "TCK queries: {ok} handled as expected, {} failed to parse, {} wrongly accepted, {semantic_pending} await semantic analysis",
        failures.len(),
        wrongly_accepted.len()
    );
    assert!(
        failures.is_empty(),
        "{} TCK queries failed to parse:\n{}",
        failures.len(),
        failures.join("\n\n")
    );
    assert!(
        wrongly_accepted.is_empty(),
        "{} malformed TCK queries were accepted:\n{}",
        wrongly_accepted.len(),
        wrongly_accepted.join("\n\n")
    );
}
