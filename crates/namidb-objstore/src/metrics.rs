//! Request accounting: how many requests of each kind a handle made, how many failed, how many
//! bytes moved.
//!
//! Every attempt is counted, retries included, because every attempt is billed.

use std::fmt;
use std::sync::atomic::{AtomicU64, Ordering};

/// The kinds of request the storage engine makes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum OpKind {
    /// GET of a whole object.
    Get,
    /// GET of a byte range.
    GetRange,
    /// HEAD.
    Head,
    /// Unconditional PUT.
    Put,
    /// PUT with `If-None-Match: *`.
    PutIfAbsent,
    /// PUT with `If-Match: <etag>`.
    PutIfMatch,
    /// LIST (one call per page is counted as one request).
    List,
    /// DELETE.
    Delete,
}

impl OpKind {
    /// Every kind, in display order.
    pub const ALL: [OpKind; 8] = [
        OpKind::Get,
        OpKind::GetRange,
        OpKind::Head,
        OpKind::Put,
        OpKind::PutIfAbsent,
        OpKind::PutIfMatch,
        OpKind::List,
        OpKind::Delete,
    ];

    /// A short lower-case name.
    pub fn name(self) -> &'static str {
        match self {
            OpKind::Get => "get",
            OpKind::GetRange => "get_range",
            OpKind::Head => "head",
            OpKind::Put => "put",
            OpKind::PutIfAbsent => "put_if_absent",
            OpKind::PutIfMatch => "put_if_match",
            OpKind::List => "list",
            OpKind::Delete => "delete",
        }
    }

    fn index(self) -> usize {
        self as usize
    }
}

#[derive(Debug, Default)]
struct Counters {
    requests: AtomicU64,
    errors: AtomicU64,
    bytes_read: AtomicU64,
    bytes_written: AtomicU64,
}

/// Live request counters, shared by every clone of a [`crate::Bucket`].
#[derive(Debug, Default)]
pub struct RequestMetrics {
    per_op: [Counters; 8],
}

/// Counts for one operation kind.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct OpMetrics {
    /// Requests sent (attempts, retries included).
    pub requests: u64,
    /// Requests that ended in an error (not counting not-found, already-exists and precondition answers).
    pub errors: u64,
    /// Payload bytes received.
    pub bytes_read: u64,
    /// Payload bytes sent.
    pub bytes_written: u64,
}

/// A point-in-time copy of [`RequestMetrics`].
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct MetricsSnapshot {
    per_op: [OpMetrics; 8],
}

impl RequestMetrics {
    pub(crate) fn record_request(&self, op: OpKind) {
        self.per_op[op.index()].requests.fetch_add(1, Ordering::Relaxed);
    }

    pub(crate) fn record_error(&self, op: OpKind) {
        self.per_op[op.index()].errors.fetch_add(1, Ordering::Relaxed);
    }

    pub(crate) fn record_read(&self, op: OpKind, bytes: u64) {
        self.per_op[op.index()].bytes_read.fetch_add(bytes, Ordering::Relaxed);
    }

    pub(crate) fn record_written(&self, op: OpKind, bytes: u64) {
        self.per_op[op.index()].bytes_written.fetch_add(bytes, Ordering::Relaxed);
    }

    /// Copies the current counts.
    pub fn snapshot(&self) -> MetricsSnapshot {
        let mut snapshot = MetricsSnapshot::default();
        for op in OpKind::ALL {
            let counters = &self.per_op[op.index()];
            snapshot.per_op[op.index()] = OpMetrics {
                requests: counters.requests.load(Ordering::Relaxed),
                errors: counters.errors.load(Ordering::Relaxed),
                bytes_read: counters.bytes_read.load(Ordering::Relaxed),
                bytes_written: counters.bytes_written.load(Ordering::Relaxed),
            };
        }
        snapshot
    }
}

impl MetricsSnapshot {
    /// Counts for one kind.
    pub fn op(&self, op: OpKind) -> OpMetrics {
        self.per_op[op.index()]
    }

    /// Requests of every kind.
    pub fn total_requests(&self) -> u64 {
        self.per_op.iter().map(|m| m.requests).sum()
    }

    /// The difference `self - earlier`, for measuring one operation.
    pub fn since(&self, earlier: &MetricsSnapshot) -> MetricsSnapshot {
        let mut out = MetricsSnapshot::default();
        for op in OpKind::ALL {
            let (now, then) = (self.op(op), earlier.op(op));
            out.per_op[op.index()] = OpMetrics {
                requests: now.requests.saturating_sub(then.requests),
                errors: now.errors.saturating_sub(then.errors),
                bytes_read: now.bytes_read.saturating_sub(then.bytes_read),
                bytes_written: now.bytes_written.saturating_sub(then.bytes_written),
            };
        }
        out
    }
}

impl fmt::Display for MetricsSnapshot {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut first = true;
        for op in OpKind::ALL {
            let m = self.op(op);
            if m.requests == 0 {
                continue;
            }
            if !first {
                f.write_str(", ")?;
            }
            first = false;
            write!(f, "{}={}", op.name(), m.requests)?;
            if m.errors > 0 {
                write!(f, " ({} failed)", m.errors)?;
            }
        }
        if first {
            f.write_str("no requests")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_and_differences() {
        let metrics = RequestMetrics::default();
        metrics.record_request(OpKind::Get);
        let before = metrics.snapshot();
        metrics.record_request(OpKind::Get);
        metrics.record_request(OpKind::PutIfMatch);
        metrics.record_error(OpKind::PutIfMatch);
        metrics.record_read(OpKind::Get, 10);
        let delta = metrics.snapshot().since(&before);
        assert_eq!(delta.op(OpKind::Get).requests, 1);
        assert_eq!(delta.op(OpKind::Get).bytes_read, 10);
        assert_eq!(delta.total_requests(), 2);
        assert_eq!(delta.to_string(), "get=1, put_if_match=1 (1 failed)");
        assert_eq!(MetricsSnapshot::default().to_string(), "no requests");
    }
}
