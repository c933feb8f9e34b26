//! Results for people and programs: aligned text tables, CSV and JSON lines.

use std::fmt::Write as _;

use namidb::{NodeData, QueryResult, RelData, ResultValue};
use serde_json::{json, Map, Value as Json};

/// How `namidb query` prints results.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum Format {
    /// An aligned table with a row count.
    Table,
    /// RFC 4180 CSV with a header line.
    Csv,
    /// One JSON object per row.
    Json,
}

/// A cell's text in a table: strings bare, everything else as Cypher writes it.
fn cell(value: &ResultValue) -> String {
    match value {
        ResultValue::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// `result` as an aligned table (columns padded to their widest cell).
pub(crate) fn table(result: &QueryResult) -> String {
    let rows: Vec<Vec<String>> =
        result.rows.iter().map(|row| row.iter().map(cell).collect()).collect();
    let mut widths: Vec<usize> = result.columns.iter().map(|c| c.chars().count()).collect();
    for row in &rows {
        for (w, text) in widths.iter_mut().zip(row) {
            *w = (*w).max(text.chars().count());
        }
    }
    let line = |cells: &mut dyn Iterator<Item = &str>| -> String {
        let padded: Vec<String> =
            cells.zip(&widths).map(|(text, w)| format!(" {text:<w$} ", w = *w)).collect();
        format!("|{}|\n", padded.join("|"))
    };
    let rule =
        format!("+{}+\n", widths.iter().map(|w| "-".repeat(w + 2)).collect::<Vec<_>>().join("+"));
    let mut out = String::new();
    if !result.columns.is_empty() {
        out.push_str(&rule);
        out.push_str(&line(&mut result.columns.iter().map(String::as_str)));
        out.push_str(&rule);
        for row in &rows {
            out.push_str(&line(&mut row.iter().map(String::as_str)));
        }
        out.push_str(&rule);
    }
    let n = result.rows.len();
    let _ = writeln!(out, "{n} row{}", if n == 1 { "" } else { "s" });
    out
}

/// `result` as CSV.
pub(crate) fn csv(result: &QueryResult) -> String {
    let field = |text: &str| -> String {
        if text.contains([',', '"', '\n', '\r']) {
            format!("\"{}\"", text.replace('"', "\"\""))
        } else {
            text.to_owned()
        }
    };
    let mut out = String::new();
    let header: Vec<String> = result.columns.iter().map(|c| field(c)).collect();
    out.push_str(&header.join(","));
    out.push('\n');
    for row in &result.rows {
        let cells: Vec<String> = row
            .iter()
            .map(|v| if matches!(v, ResultValue::Null) { String::new() } else { field(&cell(v)) })
            .collect();
        out.push_str(&cells.join(","));
        out.push('\n');
    }
    out
}

/// `result` as JSON lines, one object per row keyed by column.
pub(crate) fn json_lines(result: &QueryResult) -> String {
    let mut out = String::new();
    for row in &result.rows {
        let object: Map<String, Json> =
            result.columns.iter().cloned().zip(row.iter().map(to_json)).collect();
        out.push_str(&Json::Object(object).to_string());
        out.push('\n');
    }
    out
}

fn props_json(props: &std::collections::BTreeMap<String, ResultValue>) -> Map<String, Json> {
    props.iter().map(|(k, v)| (k.clone(), to_json(v))).collect()
}

fn node_json(n: &NodeData) -> Json {
    let mut o = props_json(&n.properties);
    o.insert("_id".into(), json!(n.id));
    o.insert("_labels".into(), json!(n.labels));
    Json::Object(o)
}

fn rel_json(r: &RelData) -> Json {
    let mut o = props_json(&r.properties);
    o.insert("_id".into(), json!(r.id));
    o.insert("_type".into(), json!(r.rel_type));
    o.insert("_start".into(), json!(r.src));
    o.insert("_end".into(), json!(r.dst));
    Json::Object(o)
}

/// A result value as JSON: nodes and relationships as objects with `_id`, `_labels` /
/// `_type`, `_start`, `_end` and their properties; temporal values as ISO strings.
pub(crate) fn to_json(value: &ResultValue) -> Json {
    match value {
        ResultValue::Null => Json::Null,
        ResultValue::Bool(b) => json!(b),
        ResultValue::Int(i) => json!(i),
        ResultValue::Float(f) => {
            serde_json::Number::from_f64(*f).map_or_else(|| json!(cell(value)), Json::Number)
        }
        ResultValue::String(s) => json!(s),
        ResultValue::Bytes(b) => json!(b),
        ResultValue::List(items) => Json::Array(items.iter().map(to_json).collect()),
        ResultValue::Map(m) => Json::Object(props_json(m)),
        ResultValue::Node(n) => node_json(n),
        ResultValue::Relationship(r) => rel_json(r),
        ResultValue::Path(p) => json!({
            "nodes": p.nodes.iter().map(node_json).collect::<Vec<_>>(),
            "relationships": p.rels.iter().map(rel_json).collect::<Vec<_>>(),
        }),
        temporal => json!(cell(temporal)),
    }
}

/// Renders `result` in `format`.
pub(crate) fn render(result: &QueryResult, format: Format) -> String {
    match format {
        Format::Table => table(result),
        Format::Csv => csv(result),
        Format::Json => json_lines(result),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> QueryResult {
        QueryResult {
            columns: vec!["name".into(), "n".into()],
            rows: vec![
                vec![ResultValue::String("Ada, Countess".into()), ResultValue::Int(1)],
                vec![ResultValue::String("Bo".into()), ResultValue::Null],
            ],
        }
    }

    #[test]
    fn tables_align_columns() {
        let text = table(&sample());
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines[1], "| name          | n    |");
        assert_eq!(lines[3], "| Ada, Countess | 1    |");
        assert_eq!(lines[4], "| Bo            | null |");
        assert_eq!(lines.last().copied(), Some("2 rows"));
    }

    #[test]
    fn csv_quotes_and_json_types() {
        assert_eq!(csv(&sample()), "name,n\n\"Ada, Countess\",1\nBo,\n");
        assert_eq!(
            json_lines(&sample()),
            "{\"n\":1,\"name\":\"Ada, Countess\"}\n{\"n\":null,\"name\":\"Bo\"}\n"
        );
    }
}
