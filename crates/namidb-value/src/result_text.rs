//! Result values as text, the way Cypher writes them: `(:Person {name: 'Ada'})`,
//! `[:KNOWS {since: 2020}]`, `<(a)-[:R]->(b)>`, `[1, 2]`, `{k: 'v'}`. Used by shells, tables and
//! conformance checks.

use std::fmt::{self, Write as _};

use crate::entity::{NodeData, RelData, ResultValue};

fn quote(s: &str) -> String {
    crate::Value::string(s).to_string()
}

fn props_text(props: &std::collections::BTreeMap<String, ResultValue>, unordered: bool) -> String {
    if props.is_empty() {
        return String::new();
    }
    let items: Vec<String> =
        props.iter().map(|(k, v)| format!("{k}: {}", render(v, unordered))).collect();
    format!(" {{{}}}", items.join(", "))
}

fn node_text(n: &NodeData, unordered: bool) -> String {
    let mut labels = n.labels.clone();
    labels.sort();
    let labels: String = labels.iter().map(|l| format!(":{l}")).collect();
    let props = props_text(&n.properties, unordered);
    format!("({}{})", labels, if labels.is_empty() { props.trim_start().to_owned() } else { props })
}

fn rel_text(r: &RelData, unordered: bool) -> String {
    format!("[:{}{}]", r.rel_type, props_text(&r.properties, unordered))
}

/// The text of a result value as Cypher writes it: labels sorted, strings quoted, temporal
/// values as quoted ISO strings; with `unordered`, list elements sorted by their text (for
/// comparing lists whose order is unspecified).
pub fn render(v: &ResultValue, unordered: bool) -> String {
    match v {
        ResultValue::Null => "null".into(),
        ResultValue::Bool(b) => b.to_string(),
        ResultValue::Int(i) => i.to_string(),
        ResultValue::Float(f) => crate::display::format_float(*f),
        ResultValue::String(s) => quote(s),
        ResultValue::Bytes(b) => format!("{b:?}"),
        ResultValue::List(items) => {
            let mut texts: Vec<String> = items.iter().map(|i| render(i, unordered)).collect();
            if unordered {
                texts.sort();
            }
            format!("[{}]", texts.join(", "))
        }
        ResultValue::Map(m) => {
            let items: Vec<String> =
                m.iter().map(|(k, v)| format!("{k}: {}", render(v, unordered))).collect();
            format!("{{{}}}", items.join(", "))
        }
        ResultValue::Node(n) => node_text(n, unordered),
        ResultValue::Relationship(r) => rel_text(r, unordered),
        ResultValue::Path(p) => {
            let mut out = String::from("<");
            if let Some(first) = p.nodes.first() {
                out.push_str(&node_text(first, unordered));
            }
            for (i, r) in p.rels.iter().enumerate() {
                let (prev, next) = (&p.nodes[i], p.nodes.get(i + 1));
                let forward = r.src == prev.id;
                let rt = rel_text(r, unordered);
                let _ = if forward { write!(out, "-{rt}->") } else { write!(out, "<-{rt}-") };
                if let Some(n) = next {
                    out.push_str(&node_text(n, unordered));
                }
            }
            out.push('>');
            out
        }
        ResultValue::Date(d) => quote(&d.to_string()),
        ResultValue::LocalTime(t) => quote(&t.to_string()),
        ResultValue::Time(t) => quote(&t.to_string()),
        ResultValue::LocalDateTime(t) => quote(&t.to_string()),
        ResultValue::DateTime(t) => quote(&t.to_string()),
        ResultValue::Duration(d) => quote(&d.to_string()),
    }
}

impl fmt::Display for ResultValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&render(self, false))
    }
}
