//! Every query of the openCypher TCK (`../shared/tck/features`) that is not expected to fail at
//! compile time parses; scenario outlines are expanded with their examples.
//!
//! Queries expected to raise a compile-time error must be rejected with that error code (the
//! grammatical ones by the parser, the rest by semantic analysis), except the few that need the
//! procedure catalog or the parameters, which the binder checks.

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

/// A scenario being read: name, query texts (each with whether it is the query under test rather
/// than set-up), expected compile-time error, example rows.
type ScenarioParts = (String, Vec<(String, bool)>, Option<String>, Vec<BTreeMap<String, String>>);

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
            for (query, under_test) in &queries {
                let mut text = query.clone();
                for (key, value) in row {
                    text = text.replace(&format!("<{key}>"), value);
                }
                out.push(TckQuery {
                    location: format!("{} / {name} / row {row_idx}", path.display()),
                    text,
                    compile_error: if *under_test { error.clone() } else { None },
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
            let under_test = previous.ends_with("executing query:");
            let is_query = under_test
                || previous.ends_with("having executed:")
                || previous.ends_with("executing control query:");
            if let (Some(current), true) = (scenario.as_mut(), is_query) {
                current.1.push((body.join("\n"), under_test));
            }
        } else if line.contains("should be raised at compile time") {
            if let Some(current) = scenario.as_mut() {
                current.2 = Some(line.rsplit(':').next().unwrap_or("").trim().to_owned());
            }
        } else if line.starts_with("Examples") {
            let mut header: Vec<String> = Vec::new();
            idx += 1;
            while idx < lines.len()
                && (lines[idx].trim().starts_with('|') || lines[idx].trim().starts_with('#'))
            {
                if lines[idx].trim().starts_with('#') {
                    idx += 1;
                    continue;
                }
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

/// Whether a compile-time error can only be found with the procedure catalog or the parameters,
/// which the front end does not have: unknown procedures, a procedure's argument count, a missing
/// parameter. The binder raises these.
fn needs_catalog(class: &str, text: &str) -> bool {
    match class {
        "ProcedureNotFound" | "MissingParameter" => true,
        "InvalidNumberOfArguments" => text.trim_start().to_ascii_uppercase().starts_with("CALL "),
        _ => false,
    }
}

/// The canonical text of a parsed script must parse again to a tree with the same canonical text.
fn round_trip_problem(script: &namidb_cypher_syntax::ast::Script) -> Option<String> {
    let text = script.to_string();
    match namidb_cypher_syntax::parse(&text) {
        Ok(again) if again.to_string() == text => None,
        Ok(again) => {
            Some(format!("canonical text changed on re-parse:\n{text}\n--- became ---\n{again}"))
        }
        Err(errors) => Some(format!("canonical text does not parse:\n{}", errors.render(&text))),
    }
}

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
    let mut deferred = 0;
    let mut wrong_code = Vec::new();
    for file in &files {
        for query in read_feature(file) {
            let result = namidb_cypher_syntax::parse(&query.text);
            match (&query.compile_error, result) {
                (None, Ok(script)) => {
                    ok += 1;
                    if let Some(problem) = round_trip_problem(&script) {
                        failures.push(format!("{}:\n{}\n{problem}", query.location, query.text));
                    }
                }
                (None, Err(errors)) => failures.push(format!(
                    "{}:\n{}\n{}",
                    query.location,
                    query.text,
                    errors.render(&query.text)
                )),
                (Some(class), Ok(_)) if needs_catalog(class, &query.text) => deferred += 1,
                (Some(class), Ok(_)) => wrongly_accepted
                    .push(format!("{} (expected {class}):\n{}", query.location, query.text)),
                (Some(class), Err(errors)) => {
                    if errors.0.iter().any(|e| e.code.name() == class) {
                        ok += 1;
                    } else {
                        wrong_code.push(format!(
                            "{} (expected {class}):\n{}\n{}",
                            query.location,
                            query.text,
                            errors.render(&query.text)
                        ));
                    }
                }
            }
        }
    }
    eprintln!(
        "TCK queries: {ok} handled as expected, {} failed to parse, {} wrongly accepted, {} rejected with another code, {deferred} left to the binder (catalog or parameters)",
        failures.len(),
        wrongly_accepted.len(),
        wrong_code.len()
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
    assert!(
        wrong_code.is_empty(),
        "{} TCK queries were rejected with another error code:\n{}",
        wrong_code.len(),
        wrong_code.join("\n\n")
    );
}
