//! Fault injection for tests: errors before a call, lost responses after it, simulated crashes and
//! latency, at chosen calls or at random.
//!
//! The injector sits beneath the retry loop and the request counters, so every attempt can be hit
//! and every injected failure is counted like a real one.
//!
//! - [`FaultAction::FailBefore`]: the call is not made; an error is returned.
//! - [`FaultAction::LostResponse`]: the call is made and takes effect, then an error is returned,
//!   as when a response is lost on the network. This is the case that makes conditional writes
//!   ambiguous.
//! - [`FaultAction::CrashBefore`] / [`FaultAction::CrashAfter`]: the call is not made / is made,
//!   and then this handle is dead: every later call fails with [`ObjectStoreError::Crashed`], as if
//!   the process had been killed at that point.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use namidb_core::RandomSource;
use parking_lot::Mutex;

use crate::{ObjectStoreError, OpKind};

/// What to do when a rule fires.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FaultAction {
    /// Do not make the call; fail it. `transient` failures are retried by the retry loop.
    FailBefore {
        /// Whether the failure looks like a 503 (retried) or a permanent rejection.
        transient: bool,
    },
    /// Make the call, then fail it (transient, so the retry loop may try again).
    LostResponse,
    /// Do not make the call; the handle is dead from now on.
    CrashBefore,
    /// Make the call; the handle is dead from now on.
    CrashAfter,
}

/// When a rule fires.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum FaultTrigger {
    /// At the n-th matching call (counting from 0) since the rule was added.
    Nth(u64),
    /// At every matching call with this probability (0.0 to 1.0).
    Chance(f64),
}

/// One fault rule.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct FaultRule {
    /// Only calls of this kind match; `None` matches every call.
    pub op: Option<OpKind>,
    /// When it fires.
    pub trigger: FaultTrigger,
    /// What it does.
    pub action: FaultAction,
}

#[derive(Debug)]
struct ArmedRule {
    rule: FaultRule,
    matched: u64,
    spent: bool,
}

/// The outcome of consulting the injector before a call.
#[derive(Debug)]
pub(crate) enum Verdict {
    /// Make the call; `after` says what to do once it returns.
    Proceed { after: Option<FaultAction>, call: u64 },
    /// Do not make the call; return this error.
    Fail(ObjectStoreError, bool),
}

/// A programmable source of failures, shared by the handles that should see them.
#[derive(Debug)]
pub struct FaultInjector {
    rules: Mutex<Vec<ArmedRule>>,
    calls: AtomicU64,
    dead: AtomicBool,
    latency: Mutex<Duration>,
    random: Arc<dyn RandomSource>,
}

impl FaultInjector {
    /// An injector with no rules, drawing chances from `random`.
    pub fn new(random: Arc<dyn RandomSource>) -> FaultInjector {
        FaultInjector {
            rules: Mutex::new(Vec::new()),
            calls: AtomicU64::new(0),
            dead: AtomicBool::new(false),
            latency: Mutex::new(Duration::ZERO),
            random,
        }
    }

    /// Adds a rule.
    pub fn add_rule(&self, rule: FaultRule) {
        self.rules.lock().push(ArmedRule { rule, matched: 0, spent: false });
    }

    /// Removes every rule and clears the crashed state.
    pub fn reset(&self) {
        self.rules.lock().clear();
        self.dead.store(false, Ordering::SeqCst);
    }

    /// Adds this delay before every call.
    pub fn set_latency(&self, latency: Duration) {
        *self.latency.lock() = latency;
    }

    /// The delay added before every call.
    pub fn latency(&self) -> Duration {
        *self.latency.lock()
    }

    /// How many calls have been made through this injector.
    pub fn calls(&self) -> u64 {
        self.calls.load(Ordering::SeqCst)
    }

    /// Whether a crash rule has fired.
    pub fn is_crashed(&self) -> bool {
        self.dead.load(Ordering::SeqCst)
    }

    pub(crate) fn before_call(&self, op: OpKind, path: &str) -> Verdict {
        if self.dead.load(Ordering::SeqCst) {
            return Verdict::Fail(ObjectStoreError::Crashed, false);
        }
        let call = self.calls.fetch_add(1, Ordering::SeqCst);
        let mut fired = None;
        for armed in self.rules.lock().iter_mut() {
            if armed.spent || armed.rule.op.is_some_and(|wanted| wanted != op) {
                continue;
            }
            let fires = match armed.rule.trigger {
                FaultTrigger::Nth(n) => {
                    let hit = armed.matched == n;
                    armed.matched += 1;
                    if hit {
                        armed.spent = true;
                    }
                    hit
                }
                FaultTrigger::Chance(p) => (self.random.next_u64() as f64 / u64::MAX as f64) < p,
            };
            if fires && fired.is_none() {
                fired = Some(armed.rule.action);
            }
        }
        let injected = || ObjectStoreError::Injected { op: op.name(), path: path.to_owned(), call };
        match fired {
            Some(FaultAction::FailBefore { transient }) => Verdict::Fail(injected(), transient),
            Some(FaultAction::CrashBefore) => {
                self.dead.store(true, Ordering::SeqCst);
                Verdict::Fail(ObjectStoreError::Crashed, false)
            }
            after => Verdict::Proceed { after, call },
        }
    }

    pub(crate) fn after_call(
        &self,
        action: FaultAction,
        op: OpKind,
        path: &str,
        call: u64,
    ) -> ObjectStoreError {
        if action == FaultAction::CrashAfter {
            self.dead.store(true, Ordering::SeqCst);
            return ObjectStoreError::Crashed;
        }
        ObjectStoreError::Injected { op: op.name(), path: path.to_owned(), call }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use namidb_core::SeededRandom;

    fn injector() -> FaultInjector {
        FaultInjector::new(Arc::new(SeededRandom::new(9)))
    }

    #[test]
    fn nth_rule_fires_once_on_matching_calls() {
        let faults = injector();
        faults.add_rule(FaultRule {
            op: Some(OpKind::Put),
            trigger: FaultTrigger::Nth(1),
            action: FaultAction::FailBefore { transient: false },
        });
        assert!(matches!(
            faults.before_call(OpKind::Get, "a"),
            Verdict::Proceed { after: None, .. }
        ));
        assert!(matches!(
            faults.before_call(OpKind::Put, "a"),
            Verdict::Proceed { after: None, .. }
        ));
        assert!(matches!(
            faults.before_call(OpKind::Put, "a"),
            Verdict::Fail(ObjectStoreError::Injected { .. }, false)
        ));
        assert!(matches!(
            faults.before_call(OpKind::Put, "a"),
            Verdict::Proceed { after: None, .. }
        ));
        assert_eq!(faults.calls(), 4);
    }

    #[test]
    fn crash_kills_every_later_call() {
        let faults = injector();
        faults.add_rule(FaultRule {
            op: None,
            trigger: FaultTrigger::Nth(0),
            action: FaultAction::CrashAfter,
        });
        let Verdict::Proceed { after: Some(action), call } = faults.before_call(OpKind::Get, "a")
        else {
            panic!("expected to proceed");
        };
        assert!(matches!(
            faults.after_call(action, OpKind::Get, "a", call),
            ObjectStoreError::Crashed
        ));
        assert!(faults.is_crashed());
        assert!(matches!(
            faults.before_call(OpKind::Get, "a"),
            Verdict::Fail(ObjectStoreError::Crashed, false)
        ));
        faults.reset();
        assert!(!faults.is_crashed());
    }

    #[test]
    fn chance_rule_fires_about_as_often_as_asked() {
        let faults = injector();
        faults.add_rule(FaultRule {
            op: None,
            trigger: FaultTrigger::Chance(0.25),
            action: FaultAction::FailBefore { transient: true },
        });
        let failures = (0..4000)
            .filter(|_| matches!(faults.before_call(OpKind::Get, "a"), Verdict::Fail(..)))
            .count();
        assert!((800..1200).contains(&failures), "{failures}");
    }
}
