//! The variables visible at a point of a query, with their static types.

use std::collections::BTreeMap;

use super::types::Type;

/// Variables in scope, in name order (the order `RETURN *` uses).
#[derive(Debug, Clone, Default)]
pub struct Scope {
    variables: BTreeMap<String, Type>,
}

impl Scope {
    /// An empty scope.
    pub fn new() -> Scope {
        Scope::default()
    }

    /// The type of `name` when it is in scope.
    pub fn get(&self, name: &str) -> Option<&Type> {
        self.variables.get(name)
    }

    /// Whether `name` is in scope.
    pub fn contains(&self, name: &str) -> bool {
        self.variables.contains_key(name)
    }

    /// Binds `name` (replacing any earlier binding).
    pub fn bind(&mut self, name: &str, ty: Type) {
        self.variables.insert(name.to_owned(), ty);
    }

    /// The variables in name order.
    pub fn iter(&self) -> impl Iterator<Item = (&String, &Type)> {
        self.variables.iter()
    }

    /// Whether no variable is in scope.
    pub fn is_empty(&self) -> bool {
        self.variables.is_empty()
    }
}
