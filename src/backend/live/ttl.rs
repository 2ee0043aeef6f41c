//! What was read, and when: the backend's caches (agent lists, disk signals, scheduled
//! actions, queue readings) keep each value with the time it was read, and read again only
//! once it is older than its time to live.

use std::collections::HashMap;
use std::hash::Hash;
use std::sync::{Mutex, MutexGuard};
use std::time::{Duration, Instant};

pub struct TtlCache<K, V> {
    entries: Mutex<HashMap<K, (V, Instant)>>,
}

impl<K, V> Default for TtlCache<K, V> {
    fn default() -> Self {
        Self { entries: Mutex::new(HashMap::new()) }
    }
}

impl<K: Eq + Hash + Clone, V: Clone> TtlCache<K, V> {
    fn entries(&self) -> MutexGuard<'_, HashMap<K, (V, Instant)>> {
        self.entries.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// The value and how long ago it was read.
    pub fn last(&self, key: &K) -> Option<(V, Duration)> {
        self.entries().get(key).map(|(v, at)| (v.clone(), at.elapsed()))
    }

    /// The value, if it was read less than `ttl` ago.
    pub fn fresh(&self, key: &K, ttl: Duration) -> Option<V> {
        self.last(key).filter(|(_, age)| *age < ttl).map(|(v, _)| v)
    }

    /// The value, if it was read less than `ttl` ago, taken: the next call finds none.
    pub fn take_fresh(&self, key: &K, ttl: Duration) -> Option<V> {
        let (v, at) = self.entries().remove(key)?;
        (at.elapsed() < ttl).then_some(v)
    }

    /// A value read just now.
    pub fn put(&self, key: K, value: V) {
        self.entries().insert(key, (value, Instant::now()));
    }

    /// Forgets every value.
    pub fn clear(&self) {
        self.entries().clear();
    }

    /// Changes a value without changing when it was read; false if there is none.
    pub fn modify(&self, key: &K, change: impl FnOnce(&mut V)) -> bool {
        self.entries().get_mut(key).map(|(v, _)| change(v)).is_some()
    }

    /// Every value as if read `by` earlier, changed by `change`: for tests of what happens
    /// when a value is due again.
    pub fn age_all(&self, by: Duration, change: impl Fn(&mut V)) {
        for (v, at) in self.entries().values_mut() {
            *at = at.checked_sub(by).unwrap_or(*at);
            change(v);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_value_is_fresh_for_its_time_to_live_only() {
        let c: TtlCache<&str, u32> = TtlCache::default();
        assert_eq!(c.fresh(&"a", Duration::from_secs(60)), None);
        c.put("a", 1);
        assert_eq!(c.fresh(&"a", Duration::from_secs(60)), Some(1));
        c.age_all(Duration::from_secs(61), |v| *v += 1);
        assert_eq!(c.fresh(&"a", Duration::from_secs(60)), None, "read 61 s ago");
        assert!(c.last(&"a").is_some_and(|(v, age)| v == 2 && age >= Duration::from_secs(61)));
        assert!(c.modify(&"a", |v| *v = 7) && !c.modify(&"b", |v| *v = 7));
        assert_eq!(c.last(&"a").map(|(v, _)| v), Some(7), "changed, still old");
        assert_eq!(c.fresh(&"a", Duration::from_secs(60)), None);
    }
}
