//! The static types semantic analysis infers: just enough to catch what is wrong whatever the data.
//!
//! `Any` is "not known statically" and never raises an error; every check asks whether a type is
//! *known* to be something that cannot work.

use std::fmt;

/// A statically inferred type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Type {
    /// Unknown (or `null`, which fits everywhere).
    Any,
    /// `true`/`false`.
    Bool,
    /// 64-bit integer.
    Integer,
    /// 64-bit float.
    Float,
    /// String.
    String,
    /// A list with a known element type.
    List(Box<Type>),
    /// A map.
    Map,
    /// A node.
    Node,
    /// A relationship.
    Relationship,
    /// A path.
    Path,
}

impl Type {
    /// A list of `element`.
    pub fn list_of(element: Type) -> Type {
        Type::List(Box::new(element))
    }

    /// The least type covering both (`Any` when they differ).
    pub fn join(self, other: Type) -> Type {
        match (self, other) {
            (a, b) if a == b => a,
            (Type::List(a), Type::List(b)) => Type::list_of(a.join(*b)),
            _ => Type::Any,
        }
    }

    /// The element type when this is a list (or unknown).
    pub fn element(&self) -> Type {
        match self {
            Type::List(element) => (**element).clone(),
            _ => Type::Any,
        }
    }

    /// Known not to be a boolean.
    pub fn is_known_non_boolean(&self) -> bool {
        !matches!(self, Type::Any | Type::Bool)
    }

    /// Known not to be a number (or a temporal value, which is `Any` here).
    pub fn is_known_non_numeric(&self) -> bool {
        !matches!(self, Type::Any | Type::Integer | Type::Float)
    }

    /// Known to have no properties or keys (`x.key` fails).
    pub fn lacks_properties(&self) -> bool {
        matches!(
            self,
            Type::Bool | Type::Integer | Type::Float | Type::String | Type::List(_) | Type::Path
        )
    }

    /// The type's name with its indefinite article, for messages: "an INTEGER", "a PATH".
    pub fn with_article(&self) -> String {
        let name = self.to_string();
        let article = if name.starts_with(['A', 'E', 'I', 'O', 'U']) { "an" } else { "a" };
        format!("{article} {name}")
    }

    /// A node, relationship or path: the graph entities.
    pub fn is_entity(&self) -> bool {
        matches!(self, Type::Node | Type::Relationship | Type::Path)
    }
}

impl fmt::Display for Type {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Type::Any => f.write_str("ANY"),
            Type::Bool => f.write_str("BOOLEAN"),
            Type::Integer => f.write_str("INTEGER"),
            Type::Float => f.write_str("FLOAT"),
            Type::String => f.write_str("STRING"),
            Type::List(element) => write!(f, "LIST<{element}>"),
            Type::Map => f.write_str("MAP"),
            Type::Node => f.write_str("NODE"),
            Type::Relationship => f.write_str("RELATIONSHIP"),
            Type::Path => f.write_str("PATH"),
        }
    }
}
