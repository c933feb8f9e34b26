//! The node ids of one import, per id space: the text of a file's `:ID` column to the node id
//! it was given, looked up again by `:START_ID` / `:END_ID`.
//!
//! Ids written as canonical decimal integers (the common case: LDBC, most exports) are kept as
//! integers in a table with a fast integer hash, so a lookup touches no heap-allocated key;
//! any other text is kept as a string. The two never collide because an integer is only taken
//! from its one canonical spelling (`42`, `-7`, not `042` or `+42`).

use std::collections::HashMap;

use namidb_graph::model::NodeId;
use rustc_hash::FxHashMap;

/// The ids of one id space.
#[derive(Debug, Default)]
pub(crate) struct IdSpace {
    /// The space's name (empty for the global space).
    pub(crate) name: String,
    integers: FxHashMap<i64, NodeId>,
    texts: HashMap<Box<str>, NodeId>,
}

impl IdSpace {
    /// An empty space called `name`.
    pub(crate) fn named(name: &str) -> IdSpace {
        IdSpace { name: name.to_owned(), ..IdSpace::default() }
    }

    /// Records `text` → `id`; `false` (keeping the first id) when `text` already had one.
    pub(crate) fn insert(&mut self, text: &str, id: NodeId) -> bool {
        use std::collections::hash_map::Entry;
        let fresh = match canonical_integer(text) {
            Some(n) => match self.integers.entry(n) {
                Entry::Vacant(slot) => Some(slot.insert(id)),
                Entry::Occupied(_) => None,
            },
            None => match self.texts.entry(text.into()) {
                Entry::Vacant(slot) => Some(slot.insert(id)),
                Entry::Occupied(_) => None,
            },
        };
        fresh.is_some()
    }

    /// The id given to `text`.
    pub(crate) fn get(&self, text: &str) -> Option<NodeId> {
        match canonical_integer(text) {
            Some(n) => self.integers.get(&n).copied(),
            None => self.texts.get(text).copied(),
        }
    }

    /// How many ids it holds.
    #[cfg(test)]
    fn len(&self) -> usize {
        self.integers.len() + self.texts.len()
    }
}

/// The integer `text` spells canonically, if it does.
fn canonical_integer(text: &str) -> Option<i64> {
    let digits = text.strip_prefix('-').unwrap_or(text);
    let canonical = match digits.as_bytes() {
        [] => false,
        [b'0'] => digits.len() == text.len(), // "0", not "-0"
        [first, rest @ ..] => (b'1'..=b'9').contains(first) && rest.iter().all(u8::is_ascii_digit),
    };
    if canonical {
        text.parse().ok()
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn integers_and_texts_are_distinct_keys() {
        let mut space = IdSpace::default();
        assert!(space.insert("42", NodeId(1)));
        assert!(space.insert("042", NodeId(2)));
        assert!(space.insert("+42", NodeId(3)));
        assert!(space.insert("-0", NodeId(4)));
        assert!(space.insert("0", NodeId(5)));
        assert!(space.insert("-7", NodeId(6)));
        assert!(space.insert("alice", NodeId(7)));
        assert!(space.insert("99999999999999999999", NodeId(8)), "beyond i64: kept as text");
        assert!(!space.insert("42", NodeId(9)), "a duplicate");
        let found: Vec<_> = ["42", "042", "+42", "-0", "0", "-7", "alice", "99999999999999999999"]
            .iter()
            .map(|t| space.get(t).map(|id| id.0))
            .collect();
        assert_eq!(found, [1, 2, 3, 4, 5, 6, 7, 8].map(Some));
        assert_eq!((space.get("43"), space.get("bob"), space.len()), (None, None, 8));
    }
}
