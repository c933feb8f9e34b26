//! Core types shared by every NamiDB layer.
//!
//! This crate owns the small vocabulary the rest of the workspace speaks: log sequence numbers
//! ([`Lsn`]), writer identities ([`WriterId`]), validated namespace names ([`NamespaceName`]),
//! and the injected sources of time ([`Clock`]) and randomness ([`RandomSource`]) that make
//! the storage engine runnable under a seeded simulation.
//!
//! Architecture invariant: this crate depends on no other NamiDB crate and knows nothing about
//! object storage, graphs or Cypher.

mod clock;
mod ids;
mod namespace;
mod random;

pub use clock::{Clock, ManualClock, SleepFuture, SystemClock};
pub use ids::{Lsn, WriterId};
pub use namespace::{NamespaceName, NamespaceNameError, MAX_NAMESPACE_LEN};
pub use random::{RandomSource, SeededRandom, SystemRandom};
