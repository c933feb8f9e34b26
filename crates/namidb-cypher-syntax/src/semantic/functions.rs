//! The built-in functions the language defines: names, arities, whether they aggregate, whether
//! they are deterministic, and the static type of their result.
//!
//! This is language knowledge, not catalog knowledge: user procedures are resolved by the binder.

use super::types::Type;

/// What kind of function.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FunctionKind {
    /// Computes one value per row.
    Scalar,
    /// Folds many rows into one value.
    Aggregate,
    /// A scalar that returns a different value on every call (`rand()`).
    NonDeterministic,
}

/// The result type of a function from its argument types.
#[derive(Debug, Clone, Copy)]
pub enum Returns {
    /// Always this type.
    Fixed(fn() -> Type),
    /// The type of the first argument.
    FirstArgument,
    /// The element type of the first argument.
    ElementOfFirst,
    /// A list of the first argument's type.
    ListOfFirst,
    /// Not known statically.
    Unknown,
}

/// A built-in function's signature.
#[derive(Debug, Clone, Copy)]
pub struct Signature {
    /// Lower-case qualified name.
    pub name: &'static str,
    /// Fewest arguments.
    pub min_args: usize,
    /// Most arguments (`usize::MAX` for variadic).
    pub max_args: usize,
    /// Kind.
    pub kind: FunctionKind,
    /// Result type.
    pub returns: Returns,
}

const VARIADIC: usize = usize::MAX;

macro_rules! signatures {
    ($($name:literal $min:literal..$max:expr, $kind:ident, $returns:expr;)*) => {
        const SIGNATURES: &[Signature] = &[
            $(Signature {
                name: $name,
                min_args: $min,
                max_args: $max,
                kind: FunctionKind::$kind,
                returns: $returns,
            },)*
        ];
    };
}

fn int() -> Type {
    Type::Integer
}
fn float() -> Type {
    Type::Float
}
fn string() -> Type {
    Type::String
}
fn boolean() -> Type {
    Type::Bool
}
fn map() -> Type {
    Type::Map
}
fn node() -> Type {
    Type::Node
}
fn strings() -> Type {
    Type::list_of(Type::String)
}
fn ints() -> Type {
    Type::list_of(Type::Integer)
}
fn nodes() -> Type {
    Type::list_of(Type::Node)
}
fn relationships() -> Type {
    Type::list_of(Type::Relationship)
}

use Returns::{ElementOfFirst, FirstArgument, Fixed, ListOfFirst, Unknown};

signatures! {
    "count" 1..1, Aggregate, Fixed(int);
    "sum" 1..1, Aggregate, Unknown;
    "avg" 1..1, Aggregate, Unknown;
    "min" 1..1, Aggregate, Unknown;
    "max" 1..1, Aggregate, Unknown;
    "collect" 1..1, Aggregate, ListOfFirst;
    "stdev" 1..1, Aggregate, Fixed(float);
    "stdevp" 1..1, Aggregate, Fixed(float);
    "percentilecont" 2..2, Aggregate, Fixed(float);
    "percentiledisc" 2..2, Aggregate, Unknown;
    "rand" 0..0, NonDeterministic, Fixed(float);
    "randomuuid" 0..0, NonDeterministic, Fixed(string);
    "abs" 1..1, Scalar, FirstArgument;
    "ceil" 1..1, Scalar, Fixed(float);
    "floor" 1..1, Scalar, Fixed(float);
    "round" 1..3, Scalar, Fixed(float);
    "sign" 1..1, Scalar, Fixed(int);
    "sqrt" 1..1, Scalar, Fixed(float);
    "exp" 1..1, Scalar, Fixed(float);
    "log" 1..1, Scalar, Fixed(float);
    "log10" 1..1, Scalar, Fixed(float);
    "e" 0..0, Scalar, Fixed(float);
    "pi" 0..0, Scalar, Fixed(float);
    "sin" 1..1, Scalar, Fixed(float);
    "cos" 1..1, Scalar, Fixed(float);
    "tan" 1..1, Scalar, Fixed(float);
    "cot" 1..1, Scalar, Fixed(float);
    "asin" 1..1, Scalar, Fixed(float);
    "acos" 1..1, Scalar, Fixed(float);
    "atan" 1..1, Scalar, Fixed(float);
    "atan2" 2..2, Scalar, Fixed(float);
    "degrees" 1..1, Scalar, Fixed(float);
    "radians" 1..1, Scalar, Fixed(float);
    "haversin" 1..1, Scalar, Fixed(float);
    "isnan" 1..1, Scalar, Fixed(boolean);
    "tointeger" 1..1, Scalar, Fixed(int);
    "tointegerornull" 1..1, Scalar, Fixed(int);
    "tofloat" 1..1, Scalar, Fixed(float);
    "tofloatornull" 1..1, Scalar, Fixed(float);
    "tostring" 1..1, Scalar, Fixed(string);
    "tostringornull" 1..1, Scalar, Fixed(string);
    "toboolean" 1..1, Scalar, Fixed(boolean);
    "tobooleanornull" 1..1, Scalar, Fixed(boolean);
    "tobooleanlist" 1..1, Scalar, Unknown;
    "tointegerlist" 1..1, Scalar, Unknown;
    "tofloatlist" 1..1, Scalar, Unknown;
    "tostringlist" 1..1, Scalar, Unknown;
    "size" 1..1, Scalar, Fixed(int);
    "length" 1..1, Scalar, Fixed(int);
    "char_length" 1..1, Scalar, Fixed(int);
    "character_length" 1..1, Scalar, Fixed(int);
    "head" 1..1, Scalar, ElementOfFirst;
    "last" 1..1, Scalar, ElementOfFirst;
    "tail" 1..1, Scalar, FirstArgument;
    "reverse" 1..1, Scalar, FirstArgument;
    "range" 2..3, Scalar, Fixed(ints);
    "keys" 1..1, Scalar, Fixed(strings);
    "labels" 1..1, Scalar, Fixed(strings);
    "type" 1..1, Scalar, Fixed(string);
    "id" 1..1, Scalar, Fixed(int);
    "elementid" 1..1, Scalar, Fixed(string);
    "properties" 1..1, Scalar, Fixed(map);
    "nodes" 1..1, Scalar, Fixed(nodes);
    "relationships" 1..1, Scalar, Fixed(relationships);
    "startnode" 1..1, Scalar, Fixed(node);
    "endnode" 1..1, Scalar, Fixed(node);
    "coalesce" 1..VARIADIC, Scalar, Unknown;
    "nullif" 2..2, Scalar, FirstArgument;
    "timestamp" 0..0, Scalar, Fixed(int);
    "exists" 1..1, Scalar, Fixed(boolean);
    "isempty" 1..1, Scalar, Fixed(boolean);
    "left" 2..2, Scalar, Fixed(string);
    "right" 2..2, Scalar, Fixed(string);
    "substring" 2..3, Scalar, Fixed(string);
    "replace" 3..3, Scalar, Fixed(string);
    "split" 2..2, Scalar, Fixed(strings);
    "trim" 1..1, Scalar, Fixed(string);
    "ltrim" 1..1, Scalar, Fixed(string);
    "rtrim" 1..1, Scalar, Fixed(string);
    "btrim" 1..2, Scalar, Fixed(string);
    "tolower" 1..1, Scalar, Fixed(string);
    "toupper" 1..1, Scalar, Fixed(string);
    "lower" 1..1, Scalar, Fixed(string);
    "upper" 1..1, Scalar, Fixed(string);
    "valuetype" 1..1, Scalar, Fixed(string);
    "point" 1..1, Scalar, Unknown;
    "distance" 2..2, Scalar, Fixed(float);
    "point.distance" 2..2, Scalar, Fixed(float);
    "date" 0..1, Scalar, Unknown;
    "date.truncate" 1..3, Scalar, Unknown;
    "date.transaction" 0..1, Scalar, Unknown;
    "date.statement" 0..1, Scalar, Unknown;
    "date.realtime" 0..1, Scalar, Unknown;
    "datetime" 0..1, Scalar, Unknown;
    "datetime.truncate" 1..3, Scalar, Unknown;
    "datetime.fromepoch" 2..2, Scalar, Unknown;
    "datetime.fromepochmillis" 1..1, Scalar, Unknown;
    "datetime.transaction" 0..1, Scalar, Unknown;
    "datetime.statement" 0..1, Scalar, Unknown;
    "datetime.realtime" 0..1, Scalar, Unknown;
    "localdatetime" 0..1, Scalar, Unknown;
    "localdatetime.truncate" 1..3, Scalar, Unknown;
    "localdatetime.transaction" 0..1, Scalar, Unknown;
    "localdatetime.statement" 0..1, Scalar, Unknown;
    "localdatetime.realtime" 0..1, Scalar, Unknown;
    "localtime" 0..1, Scalar, Unknown;
    "localtime.truncate" 1..3, Scalar, Unknown;
    "localtime.transaction" 0..1, Scalar, Unknown;
    "localtime.statement" 0..1, Scalar, Unknown;
    "localtime.realtime" 0..1, Scalar, Unknown;
    "time" 0..1, Scalar, Unknown;
    "time.truncate" 1..3, Scalar, Unknown;
    "time.transaction" 0..1, Scalar, Unknown;
    "time.statement" 0..1, Scalar, Unknown;
    "time.realtime" 0..1, Scalar, Unknown;
    "duration" 1..1, Scalar, Unknown;
    "duration.between" 2..2, Scalar, Unknown;
    "duration.inmonths" 2..2, Scalar, Unknown;
    "duration.indays" 2..2, Scalar, Unknown;
    "duration.inseconds" 2..2, Scalar, Unknown;
}

/// The signature of the function called `name` (any case, parts joined by `.`).
pub fn lookup(name: &str) -> Option<&'static Signature> {
    let lower = name.to_ascii_lowercase();
    SIGNATURES.iter().find(|s| s.name == lower)
}

impl Signature {
    /// The result type for these argument types.
    pub fn result(&self, args: &[Type]) -> Type {
        let first = args.first().cloned().unwrap_or(Type::Any);
        match self.returns {
            Fixed(ty) => ty(),
            FirstArgument => first,
            ElementOfFirst => first.element(),
            ListOfFirst => Type::list_of(first),
            Unknown => Type::Any,
        }
    }

    /// Why an argument of this type cannot be passed at `position`, when that is known statically.
    pub fn reject_argument(&self, position: usize, ty: &Type) -> Option<String> {
        let fits = match (self.name, position) {
            ("labels", 0) => matches!(ty, Type::Any | Type::Node),
            ("type" | "startnode" | "endnode", 0) => matches!(ty, Type::Any | Type::Relationship),
            ("nodes" | "relationships", 0) => matches!(ty, Type::Any | Type::Path),
            ("size", 0) => matches!(ty, Type::Any | Type::String | Type::List(_)),
            _ => true,
        };
        (!fits).then(|| format!("{}() cannot take {} argument", self.name, ty.with_article()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lookup_ignores_case_and_knows_aggregates() {
        let count = lookup("CoUnT").expect("count");
        assert_eq!(count.kind, FunctionKind::Aggregate);
        assert!(lookup("duration.inSeconds").is_some());
        assert!(lookup("foo").is_none());
        assert_eq!(lookup("rand").map(|s| s.kind), Some(FunctionKind::NonDeterministic));
    }

    #[test]
    fn argument_checks_are_only_for_known_mismatches() {
        let labels = lookup("labels").expect("labels");
        assert!(labels.reject_argument(0, &Type::Path).is_some());
        assert!(labels.reject_argument(0, &Type::Any).is_none());
        assert!(labels.reject_argument(0, &Type::Node).is_none());
    }
}
