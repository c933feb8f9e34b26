//! Runs one TCK scenario against a fresh in-memory NamiDB namespace.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use namidb::{Database, ProcedureSignature, QueryResult, ResultValue, Value};

use crate::gherkin::{Scenario, Step};
use crate::values::{canonical_expected, render};

static NEXT_NAMESPACE: AtomicU64 = AtomicU64::new(0);

/// The graph's state, for side-effect accounting.
#[derive(Default)]
struct GraphState {
    nodes: BTreeSet<u64>,
    rels: BTreeSet<u64>,
    labels: BTreeSet<String>,
    properties: BTreeSet<(char, u64, String, String)>,
}

fn state(db: &Database) -> Result<GraphState, String> {
    let mut s = GraphState::default();
    let nodes = db.execute("MATCH (n) RETURN n", &BTreeMap::new()).map_err(|e| e.to_string())?;
    for row in &nodes.rows {
        if let Some(ResultValue::Node(n)) = row.first() {
            s.nodes.insert(n.id);
            s.labels.extend(n.labels.iter().cloned());
            for (k, v) in &n.properties {
                s.properties.insert(('n', n.id, k.clone(), render(v, false)));
            }
        }
    }
    let rels =
        db.execute("MATCH ()-[r]->() RETURN r", &BTreeMap::new()).map_err(|e| e.to_string())?;
    for row in &rels.rows {
        if let Some(ResultValue::Relationship(r)) = row.first() {
            s.rels.insert(r.id);
            for (k, v) in &r.properties {
                s.properties.insert(('r', r.id, k.clone(), render(v, false)));
            }
        }
    }
    Ok(s)
}

fn side_effects(before: &GraphState, after: &GraphState) -> BTreeMap<&'static str, usize> {
    let mut m = BTreeMap::new();
    m.insert("+nodes", after.nodes.difference(&before.nodes).count());
    m.insert("-nodes", before.nodes.difference(&after.nodes).count());
    m.insert("+relationships", after.rels.difference(&before.rels).count());
    m.insert("-relationships", before.rels.difference(&after.rels).count());
    m.insert("+labels", after.labels.difference(&before.labels).count());
    m.insert("-labels", before.labels.difference(&after.labels).count());
    m.insert("+properties", after.properties.difference(&before.properties).count());
    m.insert("-properties", before.properties.difference(&after.properties).count());
    m
}

/// Converts a result value back to a parameter value.
fn to_param(v: &ResultValue) -> Value {
    match v {
        ResultValue::Null => Value::Null,
        ResultValue::Bool(b) => Value::Bool(*b),
        ResultValue::Int(i) => Value::Int(*i),
        ResultValue::Float(f) => Value::Float(*f),
        ResultValue::String(s) => Value::string(s),
        ResultValue::List(items) => Value::list(items.iter().map(to_param).collect()),
        ResultValue::Map(m) => {
            Value::map(m.iter().map(|(k, v)| (k.clone(), to_param(v))).collect())
        }
        _ => Value::Null,
    }
}

fn literal(db: &Database, text: &str) -> Result<Value, String> {
    let r =
        db.execute(&format!("RETURN {text} AS v"), &BTreeMap::new()).map_err(|e| e.to_string())?;
    Ok(r.rows.first().and_then(|row| row.first()).map(to_param).unwrap_or(Value::Null))
}

struct Outcome {
    result: Result<QueryResult, namidb::Error>,
    before: GraphState,
    after: GraphState,
}

/// Runs `scenario`; `Err` says why it failed.
pub fn run(scenario: &Scenario, tck_root: &Path) -> Result<(), String> {
    let n = NEXT_NAMESPACE.fetch_add(1, Ordering::Relaxed);
    let options = namidb::OpenOptions { lsm: namidb_lsm_options(), ..Default::default() };
    let db =
        Database::open_with(&format!("memory://tck-{n}"), options).map_err(|e| e.to_string())?;
    let mut params: BTreeMap<String, Value> = BTreeMap::new();
    let mut outcome: Option<Outcome> = None;
    for step in &scenario.steps {
        step_run(&db, step, tck_root, &mut params, &mut outcome)?;
    }
    let _ = db.close();
    Ok(())
}

fn namidb_lsm_options() -> namidb::LsmOptions {
    namidb::LsmOptions { background: false, ..Default::default() }
}

fn step_run(
    db: &Database,
    step: &Step,
    tck_root: &Path,
    params: &mut BTreeMap<String, Value>,
    outcome: &mut Option<Outcome>,
) -> Result<(), String> {
    let t = step.text.as_str();
    let doc = || step.arg.doc.clone().unwrap_or_default();
    if t == "an empty graph" || t == "any graph" {
        return Ok(());
    }
    if let Some(name) = t.strip_prefix("the ").and_then(|r| r.strip_suffix(" graph")) {
        let path = tck_root.join("graphs").join(name).join(format!("{name}.cypher"));
        let text =
            std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
        db.execute(&text, &BTreeMap::new()).map_err(|e| format!("graph {name}: {e}"))?;
        return Ok(());
    }
    if t == "having executed:" {
        db.execute(&doc(), params).map_err(|e| format!("set-up query failed: {e}"))?;
        return Ok(());
    }
    if t == "parameters are:" {
        for row in &step.arg.table {
            if let [k, v] = row.as_slice() {
                params.insert(k.clone(), literal(db, v)?);
            }
        }
        return Ok(());
    }
    if let Some(sig) = t.strip_prefix("there exists a procedure ") {
        let signature = ProcedureSignature::parse(sig)?;
        let header = step.arg.table.first().cloned().unwrap_or_default();
        let mut rows: Vec<(Vec<Value>, Vec<Value>)> = Vec::new();
        for row in step.arg.table.iter().skip(1) {
            let mut ins = Vec::new();
            let mut outs = Vec::new();
            for (col, cell) in header.iter().zip(row) {
                let v = literal(db, cell)?;
                if signature.inputs.iter().any(|(n, _)| n == col) {
                    ins.push(v);
                } else {
                    outs.push(v);
                }
            }
            rows.push((ins, outs));
        }
        let body = move |args: &[Value]| -> Result<Vec<Vec<Value>>, String> {
            Ok(rows
                .iter()
                .filter(|(ins, _)| {
                    ins.len() == args.len()
                        && ins.iter().zip(args).all(|(a, b)| {
                            a == b || (a.as_f64().is_some() && a.as_f64() == b.as_f64())
                        })
                })
                .map(|(_, outs)| outs.clone())
                .collect())
        };
        db.register_procedure(signature, Arc::new(body));
        return Ok(());
    }
    if t == "executing query:" || t == "executing control query:" {
        let before = state(db)?;
        let result = db.execute(&doc(), params);
        let after = state(db)?;
        *outcome = Some(Outcome { result, before, after });
        return Ok(());
    }
    let Some(out) = outcome.as_ref() else { return Err(format!("step `{t}` before a query")) };
    if t == "the result should be empty" {
        let result = out.result.as_ref().map_err(|e| format!("query failed: {e}"))?;
        if result.rows.is_empty() {
            return Ok(());
        }
        return Err(format!("expected no rows, got {}", result.rows.len()));
    }
    if t.starts_with("the result should be") {
        let result = out.result.as_ref().map_err(|e| format!("query failed: {e}"))?;
        let in_order = t.contains("in order");
        let unordered_lists = t.contains("ignoring element order for lists");
        return compare_table(result, &step.arg.table, in_order, unordered_lists);
    }
    if t == "no side effects" || t == "the side effects should be:" {
        let actual = side_effects(&out.before, &out.after);
        let mut expected: BTreeMap<&str, usize> = actual.keys().map(|k| (*k, 0)).collect();
        for row in &step.arg.table {
            if let [k, v] = row.as_slice() {
                let key = actual
                    .keys()
                    .find(|x| **x == k.as_str())
                    .copied()
                    .ok_or(format!("unknown side effect {k}"))?;
                expected.insert(key, v.parse().map_err(|_| format!("bad count {v}"))?);
            }
        }
        if expected == actual {
            return Ok(());
        }
        return Err(format!("side effects: expected {expected:?}, got {actual:?}"));
    }
    if let Some(rest) = t.strip_prefix("a ").or_else(|| t.strip_prefix("an ")) {
        // "<Class> should be raised at <phase>: <Code>"
        let (class, rest) =
            rest.split_once(" should be raised at ").ok_or(format!("unknown step `{t}`"))?;
        let (phase, code) = rest.split_once(": ").unwrap_or((rest, ""));
        return match &out.result {
            Ok(_) => Err(format!("expected {class} ({code}), but the query succeeded")),
            Err(e) => {
                let phase_ok = match phase {
                    "compile time" => e.phase == namidb::Phase::Compile,
                    "runtime" => e.phase == namidb::Phase::Runtime,
                    _ => true,
                };
                if e.class.as_deref() == Some(class)
                    && (code == "*" || e.code.as_deref() == Some(code))
                    && phase_ok
                {
                    Ok(())
                } else {
                    Err(format!(
                        "expected {class} at {phase}: {code}; got {:?} {:?} at {:?}: {}",
                        e.class, e.code, e.phase, e.message
                    ))
                }
            }
        };
    }
    Err(format!("unknown step `{t}`"))
}

fn compare_table(
    result: &QueryResult,
    table: &[Vec<String>],
    in_order: bool,
    unordered_lists: bool,
) -> Result<(), String> {
    let Some(header) = table.first() else { return Err("no expected header".into()) };
    if header.len() != result.columns.len() || header.iter().any(|h| !result.columns.contains(h)) {
        return Err(format!("columns: expected {header:?}, got {:?}", result.columns));
    }
    let positions: Vec<usize> =
        header.iter().filter_map(|h| result.columns.iter().position(|c| c == h)).collect();
    let mut expected = Vec::new();
    for row in &table[1..] {
        let cells = row
            .iter()
            .map(|c| canonical_expected(c, unordered_lists))
            .collect::<Result<Vec<_>, _>>()?;
        expected.push(cells);
    }
    let mut actual: Vec<Vec<String>> = result
        .rows
        .iter()
        .map(|row| positions.iter().map(|p| render(&row[*p], unordered_lists)).collect())
        .collect();
    if !in_order {
        expected.sort();
        actual.sort();
    }
    if expected == actual {
        Ok(())
    } else {
        Err(format!("rows differ:\n  expected {expected:?}\n  actual   {actual:?}"))
    }
}
