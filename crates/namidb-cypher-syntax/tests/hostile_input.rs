//! The parser never panics and never recurses without bound: deep nesting is an error, and a
//! corpus of mutated queries only ever yields trees or errors.

#![allow(clippy::unwrap_used)] // Test code: a panic is the failure report.

use proptest::prelude::*;

const CORPUS: &[&str] = &[
    "MATCH (a:Person {id: $id})-[:KNOWS*1..2]-(b) WHERE NOT (a)-->(b) RETURN b.name AS name ORDER BY name DESC LIMIT 10",
    "UNWIND [1, 2, 3] AS x WITH x WHERE x % 2 = 1 RETURN collect(x), count(*)",
    "MERGE (n:L {k: 1}) ON CREATE SET n.c = timestamp() ON MATCH SET n += {m: 2} RETURN n",
    "RETURN [x IN range(0, 10) WHERE x > 2 | x ^ 2] AS squares, reduce(s = 0, y IN [1,2] | s + y)",
    "MATCH p = shortestPath((a)-[*..5]->(b)) RETURN CASE WHEN length(p) > 2 THEN 'far' ELSE 'near' END",
    "CALL db.labels() YIELD label RETURN label UNION ALL RETURN 'x' AS label",
    "MATCH (n) WHERE EXISTS { MATCH (n)-->(m) WHERE m.v > 1 } RETURN n {.name, .*, x: 1}",
];

#[test]
fn deep_nesting_is_an_error_not_a_crash() {
    for (open, close) in [("(", ")"), ("[", "]"), ("-", ""), ("NOT ", ""), ("{a: ", "}")] {
        let depth = 10_000;
        let query = format!("RETURN {}1{}", open.repeat(depth), close.repeat(depth));
        let errors = namidb_cypher_syntax::parse(&query).expect_err("should be too deep");
        assert!(errors.to_string().contains("nesting deeper than"), "{open}: {errors}");
    }
    let nested_patterns = format!("MATCH {}(a){} RETURN a", "(".repeat(5000), ")".repeat(5000));
    assert!(namidb_cypher_syntax::parse(&nested_patterns).is_err());
}

#[test]
fn errors_name_line_column_and_expectation() {
    let source = "MATCH (n:Person)\nWHERE n.age >\nRETURN n";
    let errors = namidb_cypher_syntax::parse(source).unwrap_err();
    let rendered = errors.render(source);
    assert!(
        rendered.starts_with(
            "syntax error at line 3, column 1: unexpected `RETURN`; expected an expression"
        ),
        "{rendered}"
    );
    assert!(rendered.contains("\n  RETURN n\n  ^^^^^^"), "{rendered}");
}

#[test]
fn several_errors_are_reported_at_once() {
    let source = "MATCH (n RETURN n; MATCH (m) WHERE m. = 1 RETURN m; RETURN 1 +";
    let errors = namidb_cypher_syntax::parse(source).unwrap_err();
    assert!(errors.0.len() >= 3, "{errors}");
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2000, .. ProptestConfig::default() })]

    #[test]
    fn mutated_queries_never_panic(
        which in 0..CORPUS.len(),
        edits in proptest::collection::vec((any::<prop::sample::Index>(), 0u8..4, any::<char>()), 1..6),
    ) {
        let mut chars: Vec<char> = CORPUS[which].chars().collect();
        for (at, kind, ch) in edits {
            if chars.is_empty() {
                break;
            }
            let i = at.index(chars.len());
            match kind {
                0 => { chars.remove(i); }
                1 => chars.insert(i, ch),
                2 => chars[i] = ch,
                _ => {
                    let cut = chars.split_off(i);
                    chars.extend(cut.into_iter().rev());
                }
            }
        }
        let text: String = chars.into_iter().collect();
        let _ = namidb_cypher_syntax::parse(&text);
    }

    #[test]
    fn arbitrary_text_never_panics(text in "\\PC{0,200}") {
        let _ = namidb_cypher_syntax::parse(&text);
    }
}
