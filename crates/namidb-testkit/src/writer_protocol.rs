//! The line protocol of the `namidb-writer` process.
//!
//! ```text
//! ready <writer id>
//! ack <batch index> <lsn> <micros since the epoch>
//! err <batch index> <kind> <message>
//! done <acks> <errors>
//! ```
//!
//! A line counts only when it ends with a newline: a process killed mid-line leaves a partial line,
//! which is ignored.

use std::collections::BTreeMap;

/// What one writer process reported.
#[derive(Debug, Default, Clone)]
pub struct WriterReport {
    /// Acknowledged batches: index → (LSN, time in µs).
    pub acks: BTreeMap<u64, (u64, u64)>,
    /// Batches that returned an error: index → (kind, message).
    pub errors: BTreeMap<u64, (String, String)>,
    /// Whether the process reported finishing.
    pub done: bool,
}

impl WriterReport {
    /// Parses a process's whole output.
    pub fn parse(output: &str) -> WriterReport {
        let mut report = WriterReport::default();
        let complete = match output.rfind('\n') {
            Some(end) => &output[..=end],
            None => "",
        };
        for line in complete.lines() {
            let mut parts = line.splitn(4, ' ');
            match (parts.next(), parts.next(), parts.next(), parts.next()) {
                (Some("ack"), Some(i), Some(lsn), Some(t)) => {
                    if let (Ok(i), Ok(lsn), Ok(t)) = (i.parse(), lsn.parse(), t.parse()) {
                        report.acks.insert(i, (lsn, t));
                    }
                }
                (Some("err"), Some(i), Some(kind), message) => {
                    if let Ok(i) = i.parse() {
                        report
                            .errors
                            .insert(i, (kind.to_owned(), message.unwrap_or("").to_owned()));
                    }
                }
                (Some("done"), ..) => report.done = true,
                _ => {}
            }
        }
        report
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn partial_last_lines_are_ignored() {
        let report = WriterReport::parse("ready x\nack 0 5 100\nerr 1 Conflict lost\nack 2 6 1");
        assert_eq!(report.acks.len(), 1);
        assert_eq!(report.acks[&0], (5, 100));
        assert_eq!(report.errors[&1].0, "Conflict");
        assert!(!report.done);
    }
}
