//! Entity tags and how a server wants them quoted in `If-Match`.
//!
//! RFC 9110 says an entity tag is quoted (`"abc"`), and `object_store` forwards the tag it received,
//! quotes included. Ceph RGW and DigitalOcean Spaces answer 412 to a quoted tag even when it is
//! current, and accept the bare form. [`EtagQuoting::Auto`] learns which form works, once per
//! [`crate::Bucket`].

use std::fmt;

/// An object's entity tag, as returned by the store.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ETag(String);

impl ETag {
    /// Wraps a tag returned by the store.
    pub fn new(tag: impl Into<String>) -> ETag {
        ETag(tag.into())
    }

    /// The tag as the store returned it.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The tag without surrounding double quotes or a weak-validator prefix.
    pub fn bare(&self) -> &str {
        let tag = self.0.strip_prefix("W/").unwrap_or(&self.0);
        tag.strip_prefix('"').and_then(|t| t.strip_suffix('"')).unwrap_or(tag)
    }

    /// Whether two tags name the same version, whatever their quoting.
    pub fn same_version(&self, other: &ETag) -> bool {
        self.bare() == other.bare()
    }
}

impl fmt::Display for ETag {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// How to send an entity tag in `If-Match`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum EtagQuoting {
    /// Send it as received until the server's behaviour is known: when a quoted tag gets 412, try
    /// the same tag bare; if that succeeds, send bare tags for the rest of this handle's life, and
    /// once a quoted tag succeeds, stop trying.
    #[default]
    Auto,
    /// Always send it as received.
    Keep,
    /// Always send it without quotes.
    Strip,
}

impl EtagQuoting {
    /// Parses the URI option value (`auto`, `keep`, `strip`).
    pub fn parse(text: &str) -> Option<EtagQuoting> {
        match text {
            "auto" => Some(EtagQuoting::Auto),
            "keep" => Some(EtagQuoting::Keep),
            "strip" => Some(EtagQuoting::Strip),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bare_strips_quotes_and_weak_prefix() {
        assert_eq!(ETag::new("\"abc\"").bare(), "abc");
        assert_eq!(ETag::new("W/\"abc\"").bare(), "abc");
        assert_eq!(ETag::new("abc").bare(), "abc");
        assert!(ETag::new("\"x\"").same_version(&ETag::new("x")));
    }
}
