//! "Why are jobs waiting?" for the stack on screen: the ranked reasons, made from what the
//! panes read (the stack, its queue, group, activities and scaler log); and what the doctor
//! finds of its configuration.

use super::state::AppState;
use crate::analysis::why::{Diagnosis, Facts, diagnose};
use crate::domain::scaler_log::ScalerRead;

impl AppState {
    /// What `bkops doctor` finds of the stack on screen, from what the panes read and its log
    /// groups' retention (the checks on what is not read yet are not made).
    pub fn findings(&self) -> Vec<crate::analysis::doctor::Finding> {
        let Some(stack) = self.stack_summary() else { return Vec::new() };
        let scaler = self.reads.scaler.data.clone().unwrap_or(ScalerRead::None);
        crate::analysis::doctor::check(&crate::analysis::doctor::Inputs {
            now: self.now,
            stack,
            stacks: self.stacks.data.as_deref().unwrap_or_default(),
            fleet: self.reads.fleet.data.as_ref(),
            activities: self.reads.activities.data.as_deref().unwrap_or_default(),
            scaler: &scaler,
            log_groups: self.reads.log_groups.data.as_deref(),
            boots: self.reads.boots.data.as_deref(),
            latest: self.latest.data.as_ref().and_then(|l| l.as_deref()),
        })
    }

    /// How many findings there are, as `findings().len()`, without checking again while
    /// nothing they are made from has changed.
    pub fn findings_count(&self) -> usize {
        let key = (self.stack.clone(), self.answers, self.now);
        if let Some((kept, n)) = self.findings_count.borrow().as_ref()
            && *kept == key
        {
            return *n;
        }
        let n = self.findings().len();
        *self.findings_count.borrow_mut() = Some((key, n));
        n
    }

    /// The stack on screen's one diagnosis, from what the panes read, at the dashboard's now:
    /// `None` when no stack is shown.
    pub fn diagnosis(&self) -> Option<Diagnosis> {
        let stack = self.stack_summary()?;
        let unreadable;
        let scaler = match (&self.reads.scaler.data, &self.reads.scaler.error) {
            (Some(read), _) => read,
            (None, Some(e)) => {
                unreadable = ScalerRead::Unreadable { text: e.to_string() };
                &unreadable
            }
            (None, None) => &ScalerRead::None,
        };
        Some(diagnose(&Facts {
            now: self.now,
            stack,
            stacks: self.stacks.data.as_deref().unwrap_or_default(),
            queue: self.reads.queue.data.as_ref(),
            fleet: self.reads.fleet.data.as_ref(),
            activities: self.reads.activities.data.as_deref().unwrap_or_default(),
            scaler,
            boots: self.reads.boots.data.as_deref(),
        }))
    }
}
