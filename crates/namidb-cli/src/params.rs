//! `NAME=VALUE` parameters from the command line: VALUE is read as JSON (numbers, booleans,
//! null, strings in quotes, lists, objects), and as a plain string when it is not JSON.

use std::collections::BTreeMap;
use std::sync::Arc;

use namidb::Value;
use serde_json::Value as Json;

/// `name=value` → the parameter.
pub(crate) fn parse_param(text: &str) -> Result<(String, Value), String> {
    let (name, value) =
        text.split_once('=').ok_or_else(|| format!("`{text}` is not NAME=VALUE"))?;
    let name = name.trim().trim_start_matches('$');
    if name.is_empty() || !name.chars().all(|c| c.is_alphanumeric() || c == '_') {
        return Err(format!("`{name}` is not a parameter name"));
    }
    let value = match serde_json::from_str::<Json>(value.trim()) {
        Ok(json) => from_json(&json),
        Err(_) => Value::string(value),
    };
    Ok((name.to_owned(), value))
}

/// Every `NAME=VALUE`, later ones replacing earlier ones.
pub(crate) fn parse_params(texts: &[String]) -> Result<BTreeMap<String, Value>, String> {
    texts.iter().map(|t| parse_param(t)).collect()
}

fn from_json(json: &Json) -> Value {
    match json {
        Json::Null => Value::Null,
        Json::Bool(b) => Value::Bool(*b),
        Json::Number(n) => {
            n.as_i64().map_or_else(|| Value::Float(n.as_f64().unwrap_or(f64::NAN)), Value::Int)
        }
        Json::String(s) => Value::string(s),
        Json::Array(items) => Value::list(items.iter().map(from_json).collect()),
        Json::Object(map) => {
            Value::Map(Arc::new(map.iter().map(|(k, v)| (k.clone(), from_json(v))).collect()))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_values_and_plain_strings() {
        assert_eq!(parse_param("n=42"), Ok(("n".into(), Value::Int(42))));
        assert_eq!(parse_param("$x=1.5"), Ok(("x".into(), Value::Float(1.5))));
        assert_eq!(parse_param("name=Ada"), Ok(("name".into(), Value::string("Ada"))));
        assert_eq!(parse_param("s=\"42\""), Ok(("s".into(), Value::string("42"))));
        assert_eq!(
            parse_param("l=[1,null]"),
            Ok(("l".into(), Value::list(vec![Value::Int(1), Value::Null])))
        );
        assert!(parse_param("novalue").is_err());
        assert!(parse_param("bad name=1").is_err());
    }
}
