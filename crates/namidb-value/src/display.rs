//! The text form of values: Cypher literals (strings quoted), floats as Java prints them
//! (`1.0`, `1.0E20`, `NaN`, `Infinity`), graph elements by identity.

use std::fmt;

use crate::Value;

/// A float as Neo4j prints it: always a decimal point, scientific outside [1e-3, 1e7).
pub fn format_float(f: f64) -> String {
    if f.is_nan() {
        return "NaN".into();
    }
    if f.is_infinite() {
        return if f > 0.0 { "Infinity".into() } else { "-Infinity".into() };
    }
    let abs = f.abs();
    if abs != 0.0 && !(1e-3..1e7).contains(&abs) {
        let s = format!("{f:e}");
        let (mantissa, exponent) = s.split_once('e').unwrap_or((&s, "0"));
        let mantissa =
            if mantissa.contains('.') { mantissa.to_owned() } else { format!("{mantissa}.0") };
        return format!("{mantissa}E{exponent}");
    }
    let s = format!("{f}");
    if s.contains('.') {
        s
    } else {
        format!("{s}.0")
    }
}

/// Writes `s` as a single-quoted Cypher string literal.
pub fn write_quoted(f: &mut impl fmt::Write, s: &str) -> fmt::Result {
    f.write_char('\'')?;
    for c in s.chars() {
        match c {
            '\'' => f.write_str("\\'")?,
            '\\' => f.write_str("\\\\")?,
            '\n' => f.write_str("\\n")?,
            '\t' => f.write_str("\\t")?,
            c => f.write_char(c)?,
        }
    }
    f.write_char('\'')
}

impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::Null => write!(f, "null"),
            Value::Bool(b) => write!(f, "{b}"),
            Value::Int(i) => write!(f, "{i}"),
            Value::Float(x) => write!(f, "{}", format_float(*x)),
            Value::String(s) => write_quoted(f, s),
            Value::Bytes(b) => {
                write!(f, "0x")?;
                b.iter().try_for_each(|byte| write!(f, "{byte:02x}"))
            }
            Value::List(items) => {
                write!(f, "[")?;
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        write!(f, ", ")?;
                    }
                    write!(f, "{item}")?;
                }
                write!(f, "]")
            }
            Value::Map(entries) => {
                write!(f, "{{")?;
                for (i, (k, item)) in entries.iter().enumerate() {
                    if i > 0 {
                        write!(f, ", ")?;
                    }
                    write!(f, "{k}: {item}")?;
                }
                write!(f, "}}")
            }
            Value::Node(id) => write!(f, "(#{id})"),
            Value::Relationship(r) => {
                write!(f, "[#{}:{} #{}->#{}]", r.id, r.rel_type, r.src, r.dst)
            }
            Value::Path(p) => {
                write!(f, "<")?;
                for (i, node) in p.nodes.iter().enumerate() {
                    if i > 0 {
                        let r = &p.rels[i - 1];
                        write!(f, "-[#{}:{}]-", r.id, r.rel_type)?;
                    }
                    write!(f, "(#{node})")?;
                }
                write!(f, ">")
            }
            Value::Date(d) => write!(f, "'{d}'"),
            Value::LocalTime(t) => write!(f, "'{t}'"),
            Value::Time(t) => write!(f, "'{t}'"),
            Value::LocalDateTime(t) => write!(f, "'{t}'"),
            Value::DateTime(t) => write!(f, "'{t}'"),
            Value::Duration(d) => write!(f, "'{d}'"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn floats_print_like_neo4j() {
        assert_eq!(format_float(1.0), "1.0");
        assert_eq!(format_float(-0.5), "-0.5");
        assert_eq!(format_float(1e20), "1.0E20");
        assert_eq!(format_float(1.5e-5), "1.5E-5");
        assert_eq!(format_float(f64::NEG_INFINITY), "-Infinity");
    }

    #[test]
    fn nested_values() {
        let v = Value::list(vec![Value::from("it's"), Value::Null, Value::Float(2.0)]);
        assert_eq!(v.to_string(), "['it\\'s', null, 2.0]");
    }
}
