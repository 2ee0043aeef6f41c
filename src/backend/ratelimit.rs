//! A token bucket shared by every caller of one API in one account and region, so that many
//! pollers (log groups, panes) stay within the API's quota together instead of each backing
//! off alone.

use std::time::Duration;

use tokio::sync::Mutex;
use tokio::time::Instant;

#[derive(Debug)]
pub struct RateLimiter {
    per_second: f64,
    burst: f64,
    state: Mutex<(f64, Instant)>,
}

impl RateLimiter {
    pub fn new(per_second: f64, burst: f64) -> Self {
        Self { per_second, burst, state: Mutex::new((burst, Instant::now())) }
    }

    /// Waits until a call may be made.
    pub async fn acquire(&self) {
        loop {
            let wait = {
                let mut s = self.state.lock().await;
                let now = Instant::now();
                let refill = now.duration_since(s.1).as_secs_f64() * self.per_second;
                s.0 = (s.0 + refill).min(self.burst);
                s.1 = now;
                if s.0 >= 1.0 {
                    s.0 -= 1.0;
                    return;
                }
                Duration::from_secs_f64((1.0 - s.0) / self.per_second)
            };
            tokio::time::sleep(wait).await;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn callers_share_the_rate() {
        let limiter = std::sync::Arc::new(RateLimiter::new(5.0, 5.0));
        let start = Instant::now();
        let calls = (0..15).map(|_| {
            let l = limiter.clone();
            tokio::spawn(async move { l.acquire().await })
        });
        for c in calls {
            c.await.expect("task");
        }
        // A burst of 5 at once, then 5 a second: the 15th call waits 2 s of (virtual) time.
        let took = start.elapsed();
        assert!(took >= Duration::from_millis(1_990) && took < Duration::from_millis(2_300), "{took:?}");
    }
}
