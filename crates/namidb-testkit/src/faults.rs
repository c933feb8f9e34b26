//! The fault kinds every "a fault at every call" test injects, one run per call index and kind.

use namidb_objstore::FaultAction;

/// Permanent and transient failures before the call, a lost response, and crashes before and
/// after the call.
pub const EVERY_FAULT_ACTION: [FaultAction; 5] = [
    FaultAction::FailBefore { transient: false },
    FaultAction::FailBefore { transient: true },
    FaultAction::LostResponse,
    FaultAction::CrashBefore,
    FaultAction::CrashAfter,
];
