//! Counts the AWS API calls bkops makes, per stack and operation, so their cost is visible
//! (in the log, and to the tests that keep it low).

use std::collections::BTreeMap;
use std::sync::Mutex;

/// Calls not made for one stack (discovery) are counted under this name.
pub const ACCOUNT: &str = "(account)";

#[derive(Debug, Default)]
pub struct CallCounter {
    counts: Mutex<BTreeMap<(String, &'static str), u64>>,
}

impl CallCounter {
    pub fn record(&self, stack: &str, operation: &'static str) {
        let mut counts = self.counts.lock().unwrap_or_else(|p| p.into_inner());
        *counts.entry((stack.to_string(), operation)).or_default() += 1;
    }

    /// (stack, operation) → calls so far.
    pub fn snapshot(&self) -> BTreeMap<(String, &'static str), u64> {
        self.counts.lock().unwrap_or_else(|p| p.into_inner()).clone()
    }

    pub fn total(&self) -> u64 {
        self.snapshot().values().sum()
    }
}
