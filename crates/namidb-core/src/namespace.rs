//! Validated namespace names.
//!
//! A namespace is one isolated database inside a bucket (`?ns=NAME` in a URI).
//! Its name becomes a path segment of every object key, so only a conservative, portable
//! alphabet is accepted.

use std::fmt;

/// Longest accepted namespace name, in bytes.
pub const MAX_NAMESPACE_LEN: usize = 63;

/// A namespace name: 1 to 63 characters from `a-z`, `0-9`, `-` and `_`, starting with a letter
/// or a digit.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct NamespaceName(String);

/// Why a namespace name was rejected.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NamespaceNameError {
    /// The name was empty.
    #[error("namespace name is empty")]
    Empty,
    /// The name was longer than [`MAX_NAMESPACE_LEN`].
    #[error("namespace name `{name}` is {len} bytes long; the limit is {MAX_NAMESPACE_LEN}")]
    TooLong {
        /// The rejected name.
        name: String,
        /// Its length in bytes.
        len: usize,
    },
    /// The name held a character outside the accepted alphabet.
    #[error(
        "namespace name `{name}` has the character {bad:?} at byte {position}; \
         use only a-z, 0-9, '-' and '_', starting with a letter or digit"
    )]
    BadCharacter {
        /// The rejected name.
        name: String,
        /// The offending character.
        bad: char,
        /// Its byte offset.
        position: usize,
    },
}

impl NamespaceName {
    /// The namespace used when a URI names none.
    pub const DEFAULT: &'static str = "default";

    /// Validates `name`.
    pub fn new(name: &str) -> Result<NamespaceName, NamespaceNameError> {
        if name.is_empty() {
            return Err(NamespaceNameError::Empty);
        }
        if name.len() > MAX_NAMESPACE_LEN {
            return Err(NamespaceNameError::TooLong { name: name.to_owned(), len: name.len() });
        }
        for (position, ch) in name.char_indices() {
            let allowed = ch.is_ascii_lowercase()
                || ch.is_ascii_digit()
                || (position > 0 && (ch == '-' || ch == '_'));
            if !allowed {
                return Err(NamespaceNameError::BadCharacter {
                    name: name.to_owned(),
                    bad: ch,
                    position,
                });
            }
        }
        Ok(NamespaceName(name.to_owned()))
    }

    /// The default namespace, `default`.
    pub fn default_namespace() -> NamespaceName {
        NamespaceName(Self::DEFAULT.to_owned())
    }

    /// The name as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for NamespaceName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_portable_names() {
        for name in ["a", "default", "tenant-42", "t_1", "0abc"] {
            assert_eq!(NamespaceName::new(name).map(|n| n.to_string()), Ok(name.to_owned()));
        }
    }

    #[test]
    fn rejects_bad_names_with_a_reason() {
        assert_eq!(NamespaceName::new(""), Err(NamespaceNameError::Empty));
        assert!(matches!(
            NamespaceName::new(&"a".repeat(64)),
            Err(NamespaceNameError::TooLong { len: 64, .. })
        ));
        let err = NamespaceName::new("Tenant").unwrap_err();
        assert!(err.to_string().contains("'T'"), "{err}");
        assert!(matches!(
            NamespaceName::new("-x"),
            Err(NamespaceNameError::BadCharacter { position: 0, .. })
        ));
        assert!(matches!(
            NamespaceName::new("a/b"),
            Err(NamespaceNameError::BadCharacter { bad: '/', .. })
        ));
        assert!(matches!(
            NamespaceName::new("a.b"),
            Err(NamespaceNameError::BadCharacter { bad: '.', .. })
        ));
    }
}
