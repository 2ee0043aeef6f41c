//! The confirmation dialog for operator actions: it names the account, region, stack and
//! instances, shows the calls the plan makes, defaults to Cancel, and for terminate asks for the
//! instance ID (or the count) to be typed. The plan is worked out again on every change.

use crate::domain::Timestamp;
use crate::ops::ScalingTarget;
use crate::ops::plan::{self, Agents, Plan, PlanError, TerminateMode};
use crate::ops::{CallContext, Identity};

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ActionKind {
    Pause,
    Resume,
    Terminate {
        instances: Vec<String>,
    },
    /// An update from a change set already made (deleted again if the dialog is cancelled).
    Update(Box<UpdatePreview>),
}

/// What the dialog of an update shows and plans from: the change set, and what it changes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UpdatePreview {
    pub change_set: String,
    pub source: crate::ops::port::UpdateSource,
    pub params: crate::ops::update::ParamPlan,
    pub view: crate::ops::port::ChangeSetView,
}

impl UpdatePreview {
    /// The preview's lines, with what the drain (or its absence) means for running jobs.
    pub fn lines(&self, drain: bool) -> Vec<String> {
        let mut text = crate::ops::update::parameters_text(&self.source, &self.params);
        text.push_str(&crate::ops::update::changes_text(&self.view, &self.source, drain));
        text.lines().map(str::to_string).collect()
    }

    /// The plan that deletes the change set, when the update is not made.
    pub fn discard(&self) -> Plan {
        Plan {
            title: format!(
                "Delete the change set {} of {} (the update was cancelled)",
                self.change_set, self.source.stack
            ),
            calls: vec![crate::ops::Call::DeleteChangeSet {
                stack: self.source.stack.clone(),
                name: self.change_set.clone(),
            }],
            warnings: Vec::new(),
        }
    }
}

/// What was read before the dialog could open (by the runtime).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Prepared {
    pub kind: ActionKind,
    pub target: ScalingTarget,
    pub identity: Identity,
    /// Terminate: the instances' agents, or why they cannot be drained.
    pub agents: Agents,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Confirm {
    pub kind: ActionKind,
    pub agents: Agents,
    pub target: ScalingTarget,
    pub identity: Identity,
    pub backend: String,
    /// Pause: also empty the group.
    pub drain: bool,
    /// Terminate: replace the instances or shrink the group.
    pub mode: TerminateMode,
    /// Terminate: what the operator typed.
    pub typed: String,
    /// Whether the action button, not Cancel, has the focus.
    pub on_go: bool,
    /// bkops runs read-only: the dialog says, before anything is typed, that the action will
    /// be refused (and the code that calls AWS refuses it whatever the dialog says).
    pub read_only: bool,
    /// Rows of the notes scrolled past, when they do not all fit.
    pub scroll: u16,
    /// Rows of the notes that have been on screen, counted from the top: the action can be
    /// chosen only once every row has been.
    pub seen: u16,
    pub plan: Result<Plan, PlanError>,
    at: Timestamp,
}

impl Confirm {
    /// Opens on Cancel. Terminate replaces by default when jobs are waiting (the fleet is
    /// needed), and otherwise too: shrinking is a choice to make on purpose.
    pub fn new(p: Prepared, backend: String, now: Timestamp) -> Self {
        let mut c = Confirm {
            kind: p.kind,
            agents: p.agents,
            target: p.target,
            identity: p.identity,
            backend,
            drain: false,
            mode: TerminateMode::Replace,
            typed: String::new(),
            on_go: false,
            read_only: false,
            scroll: 0,
            seen: 0,
            plan: Err(PlanError::NoInstances),
            at: now,
        };
        c.replan();
        c
    }

    fn replan(&mut self) {
        self.plan = match &self.kind {
            ActionKind::Pause => plan::pause(&self.target, self.drain, &self.identity.arn, self.at),
            ActionKind::Resume => plan::resume(&self.target),
            ActionKind::Terminate { instances } => {
                plan::terminate(&self.target, instances, self.mode, &self.agents)
            }
            ActionKind::Update(u) => crate::ops::update::update(
                &self.target,
                &u.change_set,
                self.drain,
                &self.identity.arn,
                self.at,
            ),
        };
    }

    /// What must be typed before terminate can go ahead.
    pub fn expected(&self) -> Option<String> {
        match &self.kind {
            ActionKind::Terminate { instances } if instances.len() == 1 => Some(instances[0].clone()),
            ActionKind::Terminate { instances } => Some(instances.len().to_string()),
            ActionKind::Update(_) => Some(self.target.stack.clone()),
            _ => None,
        }
    }

    /// Whether the action button can be pressed.
    pub fn can_go(&self) -> bool {
        !self.read_only
            && self.plan.as_ref().is_ok_and(|p| !p.calls.is_empty())
            && self.expected().is_none_or(|e| self.typed.trim() == e)
    }

    pub fn verb(&self) -> &'static str {
        match self.kind {
            ActionKind::Pause => "Pause",
            ActionKind::Resume => "Resume",
            ActionKind::Terminate { .. } => "Terminate",
            ActionKind::Update(_) => "Update",
        }
    }

    /// Tab: the dialog's one option.
    pub fn toggle_option(&mut self) {
        match self.kind {
            ActionKind::Pause | ActionKind::Update(_) => self.drain = !self.drain,
            ActionKind::Terminate { .. } => {
                self.mode = match self.mode {
                    TerminateMode::Replace => TerminateMode::Shrink,
                    TerminateMode::Shrink => TerminateMode::Replace,
                }
            }
            ActionKind::Resume => {}
        }
        self.replan();
        self.on_go &= self.can_go();
    }

    pub fn focus(&mut self, go: bool) {
        self.on_go = go && self.can_go();
    }

    pub fn type_char(&mut self, c: char) {
        if self.expected().is_some() && !c.is_control() && self.typed.len() < 40 {
            self.typed.push(c);
        }
    }

    pub fn backspace(&mut self) {
        self.typed.pop();
        self.on_go &= self.can_go();
    }

    /// What leaving the dialog without the action must still do: delete an update's change set.
    pub fn discard(&self) -> Option<(Plan, CallContext)> {
        let ActionKind::Update(u) = &self.kind else { return None };
        let ctx = CallContext {
            identity: self.identity.clone(),
            backend: self.backend.clone(),
            stack: self.target.stack.clone(),
        };
        Some((u.discard(), ctx))
    }

    /// The plan and its audit context, if Enter goes ahead now.
    pub fn accept(&self) -> Option<(Plan, CallContext)> {
        if !self.on_go || !self.can_go() {
            return None;
        }
        let plan = self.plan.clone().ok()?;
        let ctx = CallContext {
            identity: self.identity.clone(),
            backend: self.backend.clone(),
            stack: self.target.stack.clone(),
        };
        Some((plan, ctx))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn target() -> ScalingTarget {
        ScalingTarget {
            stack: "ci-linux".into(),
            group: "ci-linux-AgentAutoScaleGroup-1".into(),
            rule: Some("ci-linux-Autoscaling-1-AutoscalingFunctionTimer-1".into()),
            rule_enabled: Some(true),
            min: 0,
            max: 10,
            desired: 4,
            instances: vec!["i-0aaaaaaaaaaaaaaa1".into(), "i-0bbbbbbbbbbbbbbb2".into()],
            ..ScalingTarget::default()
        }
    }

    fn open(kind: ActionKind) -> Confirm {
        let identity = Identity { arn: "arn:aws:sts::1:assumed-role/ops/ana".into(), account: "1".into() };
        Confirm::new(
            Prepared { kind, target: target(), identity, agents: Agents::NotAsked },
            "aws ops us-east-1".into(),
            Timestamp(0),
        )
    }

    #[test]
    fn it_opens_on_cancel_and_enter_there_does_nothing() {
        let c = open(ActionKind::Pause);
        assert!(!c.on_go);
        assert!(c.accept().is_none());
    }

    #[test]
    fn drain_is_one_toggle_and_changes_the_plan() {
        let mut c = open(ActionKind::Pause);
        assert_eq!(c.plan.as_ref().map(|p| p.calls.len()), Ok(2));
        c.toggle_option();
        assert_eq!(c.plan.as_ref().map(|p| p.calls.len()), Ok(3), "the drain call added");
        c.focus(true);
        let (plan, ctx) = c.accept().expect("goes");
        assert!(plan.title.contains("drain"));
        assert_eq!(ctx.stack, "ci-linux");
    }

    #[test]
    fn terminate_needs_the_instance_id_typed() {
        let mut c = open(ActionKind::Terminate { instances: vec!["i-0aaaaaaaaaaaaaaa1".into()] });
        c.focus(true);
        assert!(!c.on_go, "not before the ID is typed");
        "i-0aaaaaaaaaaaaaaa".chars().for_each(|ch| c.type_char(ch));
        c.focus(true);
        assert!(c.accept().is_none(), "one character short");
        c.type_char('1');
        c.focus(true);
        let (plan, _) = c.accept().expect("goes");
        assert!(matches!(plan.calls.as_slice(), [crate::ops::Call::Terminate { decrement: false, .. }]));
        c.backspace();
        assert!(!c.on_go && c.accept().is_none(), "taking a character back disarms it");
    }

    #[test]
    fn several_instances_need_their_count() {
        let ids = vec!["i-0aaaaaaaaaaaaaaa1".to_string(), "i-0bbbbbbbbbbbbbbb2".to_string()];
        let mut c = open(ActionKind::Terminate { instances: ids });
        c.toggle_option();
        assert_eq!(c.mode, TerminateMode::Shrink);
        c.type_char('2');
        c.focus(true);
        let (plan, _) = c.accept().expect("goes");
        assert_eq!(plan.calls.len(), 2);
    }

    #[test]
    fn several_instances_cannot_go_before_their_count_is_typed() {
        let ids = vec!["i-0aaaaaaaaaaaaaaa1".to_string(), "i-0bbbbbbbbbbbbbbb2".to_string()];
        let mut c = open(ActionKind::Terminate { instances: ids });
        assert_eq!(c.expected().as_deref(), Some("2"));
        c.focus(true);
        assert!(!c.on_go && c.accept().is_none(), "nothing typed");
        c.type_char('1');
        c.focus(true);
        assert!(!c.on_go && c.accept().is_none(), "the wrong count");
    }

    #[test]
    fn the_button_names_the_action() {
        let one = ActionKind::Terminate { instances: vec!["i-0aaaaaaaaaaaaaaa1".into()] };
        let verbs: Vec<&str> =
            [ActionKind::Pause, ActionKind::Resume, one].into_iter().map(|k| open(k).verb()).collect();
        assert_eq!(verbs, ["Pause", "Resume", "Terminate"]);
    }

    #[test]
    fn the_option_never_moves_the_focus_onto_the_action() {
        let mut c = open(ActionKind::Pause);
        assert!(c.can_go() && !c.on_go);
        c.toggle_option();
        assert!(!c.on_go, "Tab on Cancel leaves Cancel focused");
        c.focus(true);
        c.toggle_option();
        assert!(c.on_go, "and on the action, which can still go, leaves it there");
    }

    #[test]
    fn only_a_terminate_takes_typing_and_only_printable_characters_up_to_forty() {
        let mut pause = open(ActionKind::Pause);
        pause.type_char('y');
        assert_eq!(pause.typed, "", "nothing to type for a pause");
        let mut c = open(ActionKind::Terminate { instances: vec!["i-0aaaaaaaaaaaaaaa1".into()] });
        c.type_char('\u{1b}');
        c.type_char('\n');
        assert_eq!(c.typed, "", "control characters are not typed");
        (0..50).for_each(|_| c.type_char('x'));
        assert_eq!(c.typed.len(), 40, "at most forty characters");
    }
}
