use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};
use std::time::Instant;

use crate::domain::Timestamp;

/// The backend's notion of now. Ages on screen are measured with it, so that a demo running
/// at `--demo-speed 10` shows its instances ageing ten times as fast, consistently.
/// `System` is the wall clock (AWS); `Virtual` is moved by tests; `Scaled` is the demo's.
#[derive(Debug, Clone)]
pub enum Clock {
    System,
    Virtual(Arc<AtomicI64>),
    Scaled { origin: Instant, start: Timestamp, speed: f64 },
}

impl Clock {
    pub fn virtual_at(start: Timestamp) -> Self {
        Clock::Virtual(Arc::new(AtomicI64::new(start.millis())))
    }

    pub fn real(start: Timestamp, speed: f64) -> Self {
        Clock::Scaled { origin: Instant::now(), start, speed }
    }

    pub fn now(&self) -> Timestamp {
        match self {
            Clock::System => {
                let ms = std::time::SystemTime::now()
                    .duration_since(std::time::UNIX_EPOCH)
                    .map_or(0, |d| d.as_millis() as i64);
                Timestamp(ms)
            }
            Clock::Virtual(ms) => Timestamp(ms.load(Ordering::SeqCst)),
            Clock::Scaled { origin, start, speed } => {
                let elapsed = origin.elapsed().as_secs_f64() * speed * 1000.0;
                Timestamp(start.millis() + elapsed as i64)
            }
        }
    }

    /// Moves a virtual clock forward; a real clock cannot be moved and ignores it.
    pub fn advance_secs(&self, secs: i64) {
        if let Clock::Virtual(ms) = self {
            ms.fetch_add(secs * 1000, Ordering::SeqCst);
        }
    }
}
