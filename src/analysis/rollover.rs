//! A rollover under way: instances of the group still on an older launch template version
//! than the group's (an update changed it, and they leave only when replaced), how many are
//! on the group's, and what their agents are doing, so that "is the update done?" has an
//! answer beyond the stack's status.

use crate::domain::Fleet;
use crate::domain::text::count;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rollover {
    /// The group's launch template version.
    pub version: String,
    /// The instances on another version, with their agents' state in a word.
    pub old: Vec<(String, String)>,
    /// Instances on the group's version.
    pub current: usize,
}

/// `None` when every instance whose version is known runs the group's.
pub fn rollover(f: &Fleet) -> Option<Rollover> {
    let version = f.launch_template_version.clone()?;
    let known = f.instances.iter().filter(|i| i.launch_template_version.is_some());
    let (mut old, mut current) = (Vec::new(), 0);
    for i in known {
        if i.launch_template_version.as_deref() == Some(version.as_str()) {
            current += 1;
        } else {
            old.push((i.id.clone(), i.agents.label()));
        }
    }
    (!old.is_empty()).then_some(Rollover { version, old, current })
}

impl Rollover {
    /// `rollover: 3 of 10 on an older launch template (the group's is v5): 2 idle, 1 busy`.
    pub fn text(&self) -> String {
        let mut states: Vec<(String, usize)> = Vec::new();
        for (_, state) in &self.old {
            match states.iter_mut().find(|(s, _)| s == state) {
                Some((_, n)) => *n += 1,
                None => states.push((state.clone(), 1)),
            }
        }
        states.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        // An agent not read (no Buildkite token) is said so, not as `?`.
        let agents: Vec<String> = match &states[..] {
            [(s, _)] if s == "?" => vec!["agents not read".into()],
            _ => states
                .iter()
                .map(|(s, n)| if s == "?" { format!("{n} not read") } else { format!("{n} {s}") })
                .collect(),
        };
        format!(
            "rollover: {} of {} on an older launch template (the group's is v{}): {}",
            self.old.len(),
            count((self.old.len() + self.current) as u32, "instance", "instances"),
            self.version,
            agents.join(", ")
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{AgentState, Instance};

    fn on(id: &str, version: Option<&str>, agent: AgentState) -> Instance {
        let mut i = Instance::example(id);
        i.launch_template_version = version.map(Into::into);
        i.agents.state = agent;
        i.agents.total = u32::from(agent != AgentState::None);
        i.agents.busy = u32::from(agent == AgentState::Busy);
        i
    }

    #[test]
    fn instances_on_an_older_version_are_a_rollover_with_their_agents_and_none_is_no_rollover() {
        let mut f = Fleet::example(vec![
            on("i-0aaaaaaaaaaaaaaa1", Some("4"), AgentState::Busy),
            on("i-0aaaaaaaaaaaaaaa2", Some("4"), AgentState::Idle),
            on("i-0aaaaaaaaaaaaaaa3", Some("4"), AgentState::Idle),
            on("i-0aaaaaaaaaaaaaaa4", Some("5"), AgentState::Busy),
            on("i-0aaaaaaaaaaaaaaa5", None, AgentState::None),
        ]);
        f.launch_template_version = Some("5".into());
        let r = rollover(&f).expect("a rollover");
        assert_eq!((r.old.len(), r.current), (3, 1));
        assert_eq!(
            r.text(),
            "rollover: 3 of 4 instances on an older launch template (the group's is v5): 2 idle, 1 busy"
        );
        f.launch_template_version = Some("4".into());
        f.instances.retain(|i| i.launch_template_version.as_deref() != Some("5"));
        assert_eq!(rollover(&f), None, "all on the group's version");
    }
}
