//! After an update: the group's new capacity followed until it serves jobs (each instance
//! with a registered agent), or until the scaler has nothing to launch for.

use std::time::Duration;

use crate::backend::Backends;
use crate::output;

/// How long the new capacity is followed before bkops stops saying so (it is not a failure).
const FOLLOW_SECS: u64 = 600;
const POLL: Duration = Duration::from_secs(10);

/// Until the capacity serves, or a signal (Ctrl-C) says to stop following: the update is
/// over by then, and nothing is left half-done.
pub async fn capacity(backends: &Backends, stack: &str) {
    let mut stop = crate::stop::listen();
    tokio::select! {
        s = stop.next() => output::err(&format!("stopped following the capacity ({})", s.name())),
        () = follow(backends, stack) => {}
    }
}

async fn follow(backends: &Backends, stack: &str) {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(FOLLOW_SECS);
    let mut said = String::new();
    loop {
        let line = match backends.ops.scaling_target(stack).await {
            Err(e) => format!("capacity: reading the group failed ({e})"),
            Ok(t) if t.desired == 0 => {
                output::err(&format!(
                    "capacity: the group wants no instance now; the scaler launches them as jobs wait (`bkops boot --stack {stack}` shows their boots)"
                ));
                return;
            }
            Ok(t) => match backends.ops.agents_on(stack, &t.instances).await {
                Ok(agents) => {
                    let mut serving: Vec<&str> = agents.iter().map(|a| a.instance.as_str()).collect();
                    serving.sort_unstable();
                    serving.dedup();
                    if serving.len() as u32 >= t.desired {
                        output::err(&format!(
                            "capacity: {} of {} instances have registered agents",
                            serving.len(),
                            t.desired
                        ));
                        return;
                    }
                    format!("capacity: {} of {} instances have registered agents", serving.len(), t.desired)
                }
                // Without the Buildkite API, instances in the group are what can be said.
                Err(_) if t.instances.len() as u32 >= t.desired => {
                    output::err(&format!(
                        "capacity: {} of {} instances in the group (their agents cannot be read here: `bkops boot --stack {stack}` shows their boots)",
                        t.instances.len(),
                        t.desired
                    ));
                    return;
                }
                Err(_) => format!("capacity: {} of {} instances in the group", t.instances.len(), t.desired),
            },
        };
        if line != said {
            output::err(&line);
            said = line;
        }
        if tokio::time::Instant::now() >= deadline {
            output::err(&format!(
                "capacity: still short after {}m; bkops stopped following it (`bkops why --stack {stack}` says why)",
                FOLLOW_SECS / 60
            ));
            return;
        }
        tokio::time::sleep(POLL).await;
    }
}
