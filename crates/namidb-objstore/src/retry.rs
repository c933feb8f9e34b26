//! Retry policy and error classification.
//!
//! `object_store`'s own retry loop is switched off for cloud backends so that every attempt is
//! counted and sees the fault injector; this module decides which failures are worth another try
//! and how long to wait.
//!
//! Retried: HTTP 5xx, 429 (slow down), 408, 409 (S3's ConditionalRequestConflict), connection
//! failures and timeouts. Not retried: 4xx answers such as 403, and the semantic answers
//! not-found, already-exists and precondition-failed, which are returned to the caller at once.
//! A retried conditional PUT may meet its own earlier, successful attempt; callers of
//! [`crate::Bucket::put_if_absent`] and [`crate::Bucket::put_if_match`] therefore verify ownership
//! by reading back, and never take "already exists" or "precondition failed" at face value.

use std::error::Error as StdError;
use std::time::Duration;

use namidb_core::RandomSource;

/// How often and how patiently to retry transient failures.
#[derive(Debug, Clone, PartialEq)]
pub struct RetryPolicy {
    /// Attempts in all, the first included (at least 1).
    pub max_attempts: u32,
    /// Wait before the second attempt.
    pub initial_backoff: Duration,
    /// Upper bound of any single wait.
    pub max_backoff: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_attempts: 6,
            initial_backoff: Duration::from_millis(50),
            max_backoff: Duration::from_secs(2),
        }
    }
}

impl RetryPolicy {
    /// A policy that never retries.
    pub fn none() -> RetryPolicy {
        RetryPolicy { max_attempts: 1, ..RetryPolicy::default() }
    }

    /// The wait before attempt `attempt + 1` (attempt counts from 1): full jitter over a capped
    /// exponential.
    pub(crate) fn backoff(&self, attempt: u32, random: &dyn RandomSource) -> Duration {
        let exponent = attempt.saturating_sub(1).min(20);
        let ceiling = self.initial_backoff.saturating_mul(1 << exponent).min(self.max_backoff);
        let ceiling_micros = ceiling.as_micros() as u64;
        Duration::from_micros(ceiling_micros / 2 + random.below(ceiling_micros / 2 + 1))
    }
}

/// How a raw failure should be treated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum FailureClass {
    /// The endpoint could not be reached at all; retry, then report as unreachable.
    Unreachable,
    /// A transient server-side or network failure; retry.
    Transient,
    /// Retrying will not help.
    Permanent,
}

/// Classifies an `object_store` error that is not one of the semantic answers.
///
/// `object_store` keeps its HTTP error type private, so the status code is read from the error's
/// text (`… status code: 503 …`); transport failures are recognised by the public `HttpError` kind.
pub(crate) fn classify(error: &object_store::Error) -> FailureClass {
    if matches!(
        error,
        object_store::Error::PermissionDenied { .. }
            | object_store::Error::Unauthenticated { .. }
            | object_store::Error::InvalidPath { .. }
            | object_store::Error::NotSupported { .. }
            | object_store::Error::NotImplemented { .. }
            | object_store::Error::UnknownConfigurationKey { .. }
    ) {
        return FailureClass::Permanent;
    }
    let mut source: Option<&(dyn StdError + 'static)> = Some(error);
    while let Some(current) = source {
        if let Some(http_error) = current.downcast_ref::<object_store::client::HttpError>() {
            use object_store::client::HttpErrorKind;
            return match http_error.kind() {
                HttpErrorKind::Connect => FailureClass::Unreachable,
                _ => FailureClass::Transient,
            };
        }
        source = current.source();
    }
    classify_message(&error.to_string())
}

fn classify_message(message: &str) -> FailureClass {
    if let Some(idx) = message.find("status code: ") {
        let digits: String = message[idx + "status code: ".len()..]
            .chars()
            .take_while(char::is_ascii_digit)
            .collect();
        if let Ok(code) = digits.parse::<u16>() {
            return if code >= 500 || code == 429 || code == 408 || code == 409 {
                FailureClass::Transient
            } else {
                FailureClass::Permanent
            };
        }
    }
    // S3 may answer 200 with an error document (InternalError, SlowDown); object_store reports it
    // as an "error response".
    if message.contains("Server returned error response") {
        return FailureClass::Transient;
    }
    // Local file-system and in-memory failures (permissions, disk full) do not heal by retrying.
    FailureClass::Permanent
}

#[cfg(test)]
mod tests {
    use super::*;
    use namidb_core::SeededRandom;

    #[test]
    fn backoff_grows_and_is_capped() {
        let policy = RetryPolicy {
            max_attempts: 10,
            initial_backoff: Duration::from_millis(100),
            max_backoff: Duration::from_millis(800),
        };
        let random = SeededRandom::new(3);
        for attempt in 1..10 {
            let wait = policy.backoff(attempt, &random);
            let ceiling = Duration::from_millis(100 * (1 << (attempt - 1).min(3)));
            assert!(wait <= ceiling && wait >= ceiling / 2, "attempt {attempt}: {wait:?}");
        }
    }

    #[test]
    fn status_codes_in_messages_are_classified() {
        let text = |code: &str| {
            format!("Error performing PUT http://x in 1ms - Server returned non-2xx status code: {code} X: body")
        };
        assert_eq!(classify_message(&text("503")), FailureClass::Transient);
        assert_eq!(classify_message(&text("429")), FailureClass::Transient);
        assert_eq!(classify_message(&text("409")), FailureClass::Transient);
        assert_eq!(classify_message(&text("400")), FailureClass::Permanent);
        assert_eq!(
            classify_message("Server returned error response: <Code>SlowDown</Code>"),
            FailureClass::Transient
        );
    }

    #[test]
    fn local_errors_are_permanent() {
        let error = object_store::Error::Generic { store: "x", source: "disk full".into() };
        assert_eq!(classify(&error), FailureClass::Permanent);
    }
}
