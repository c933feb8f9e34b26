//! What the binder needs to know beyond the query text: procedure signatures, which
//! parameters are supplied, and statistics of the data.

use crate::statistics::{NoStatistics, Statistics};

/// A procedure's signature: `name(inputs) :: (outputs)`, each field with its Cypher type name
/// (e.g. `INTEGER?`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProcedureSignature {
    /// Qualified name, e.g. `test.my.proc`.
    pub name: String,
    /// Input fields.
    pub inputs: Vec<(String, String)>,
    /// Output fields.
    pub outputs: Vec<(String, String)>,
}

impl ProcedureSignature {
    /// Parses the text form `test.my.proc(in :: INTEGER?) :: (out :: STRING?)` (a trailing
    /// `:` is ignored; either field list may be empty).
    pub fn parse(text: &str) -> Result<ProcedureSignature, String> {
        let text = text.trim().trim_end_matches(':').trim_end();
        let open = text.find('(').ok_or("a procedure signature needs `(` after the name")?;
        let name = text[..open].trim();
        let valid_part = |p: &str| {
            !p.is_empty()
                && p.chars().all(|c| c.is_alphanumeric() || c == '_')
                && !p.starts_with(|c: char| c.is_ascii_digit())
        };
        if !name.split('.').all(valid_part) {
            return Err(format!("invalid procedure name `{name}`"));
        }
        let close = text[open..].find(')').ok_or("the input fields need a closing `)`")? + open;
        let inputs = parse_fields(&text[open + 1..close])?;
        let rest = text[close + 1..].trim_start();
        let rest = rest.strip_prefix("::").ok_or("`::` must follow the input fields")?.trim();
        let outputs = rest
            .strip_prefix('(')
            .and_then(|r| r.strip_suffix(')'))
            .ok_or("the output fields must be in parentheses")?;
        let outputs = parse_fields(outputs)?;
        Ok(ProcedureSignature { name: name.to_owned(), inputs, outputs })
    }
}

/// `a :: INTEGER?, b :: STRING` → fields.
fn parse_fields(text: &str) -> Result<Vec<(String, String)>, String> {
    text.split(',')
        .filter(|f| !f.trim().is_empty())
        .map(|f| {
            let (n, t) = f
                .split_once("::")
                .ok_or_else(|| format!("field `{}` needs `name :: TYPE`", f.trim()))?;
            Ok((n.trim().to_owned(), t.trim().to_owned()))
        })
        .collect()
}

/// The procedures a statement may call, and what is known of the data it runs on.
pub trait Catalog {
    /// The signature of procedure `name`, if registered.
    fn procedure(&self, name: &str) -> Option<ProcedureSignature>;

    /// Figures about the graph for the planner's choices (none by default).
    fn statistics(&self) -> &dyn Statistics {
        &NoStatistics
    }
}

/// A catalog with no procedures.
#[derive(Debug, Clone, Copy, Default)]
pub struct EmptyCatalog;

impl Catalog for EmptyCatalog {
    fn procedure(&self, _name: &str) -> Option<ProcedureSignature> {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_signatures_and_rejects_malformed_ones() {
        let s = ProcedureSignature::parse("test.my.proc(in :: INTEGER?) :: (out :: STRING?) :")
            .expect("parses");
        assert_eq!(s.name, "test.my.proc");
        assert_eq!(s.inputs, [("in".to_owned(), "INTEGER?".to_owned())]);
        assert_eq!(s.outputs, [("out".to_owned(), "STRING?".to_owned())]);
        let s = ProcedureSignature::parse("test.doNothing() :: ()").expect("parses");
        assert!(s.inputs.is_empty() && s.outputs.is_empty());
        for bad in ["noparens", "bad name() :: ()", "p(a INTEGER) :: ()", "p() (x :: INTEGER)"] {
            assert!(ProcedureSignature::parse(bad).is_err(), "{bad}");
        }
    }
}
