use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};
use std::time::Instant;

use crate::domain::Timestamp;

/// The simulated stack's notion of now: a virtual clock that tests move by hand, or real time
/// (optionally fast-forwarded by `--demo-speed`) for the demo.
#[derive(Debug, Clone)]
pub enum SimClock {
    Virtual(Arc<AtomicI64>),
    Scaled { origin: Instant, start: Timestamp, speed: f64 },
}

impl SimClock {
    pub fn virtual_at(start: Timestamp) -> Self {
        SimClock::Virtual(Arc::new(AtomicI64::new(start.millis())))
    }

    pub fn real(start: Timestamp, speed: f64) -> Self {
        SimClock::Scaled { origin: Instant::now(), start, speed }
    }

    pub fn now(&self) -> Timestamp {
        match self {
            SimClock::Virtual(ms) => Timestamp(ms.load(Ordering::SeqCst)),
            SimClock::Scaled { origin, start, speed } => {
                let elapsed = origin.elapsed().as_secs_f64() * speed * 1000.0;
                Timestamp(start.millis() + elapsed as i64)
            }
        }
    }

    /// Moves a virtual clock forward; a real clock cannot be moved and ignores it.
    pub fn advance_secs(&self, secs: i64) {
        if let SimClock::Virtual(ms) = self {
            ms.fetch_add(secs * 1000, Ordering::SeqCst);
        }
    }
}
