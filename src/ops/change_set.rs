//! An update's preview as `bkops update` and the dashboard's `U` both make it: the change set
//! made, read until CloudFormation has made it, and deleted when it changes nothing, fails, or
//! the wait is cut short. Each caller makes the calls its own way (said on stderr and
//! abandonable, or quietly), audited either way.

use std::future::Future;

use crate::domain::BackendError;
use crate::ops::port::stack_update::ChangeSetView;
use crate::ops::port::{Call, Operations};

/// What the preview came to.
#[derive(Debug)]
pub enum Preview {
    /// It would change nothing: CloudFormation said so, and no change set is left.
    NoChange,
    /// Made: what it would change.
    Ready(ChangeSetView),
}

/// Why there is no preview.
#[derive(Debug)]
pub enum Why<E> {
    /// A call failed (the caller's error): making the change set, or deleting one that
    /// changes nothing.
    Call(E),
    /// The change set could not be read while it was made.
    Read(BackendError),
    /// CloudFormation failed it: its reason.
    Failed(String),
    /// The caller cut the wait short (a signal).
    Cut(E),
}

/// No preview: why, and, when the change set made for it could not be deleted, that call's
/// failure (the change set is then left, and should be named).
#[derive(Debug)]
pub struct Failure<E> {
    pub why: Why<E>,
    pub left: Option<E>,
}

/// Makes `create` (a `CreateChangeSet` of `stack` named `name`) through `call`, waits until
/// CloudFormation has made it (or `cut` ends the wait), and deletes it through `call` unless it
/// is ready.
pub async fn preview<E, C, F>(
    op: &dyn Operations,
    stack: &str,
    name: &str,
    create: Call,
    call: C,
    cut: impl Future<Output = E>,
) -> Result<Preview, Failure<E>>
where
    E: std::fmt::Display,
    C: Fn(Call) -> F,
    F: Future<Output = Result<(), E>>,
{
    if let Err(e) = call(create).await {
        // Some endpoints refuse a change set that changes nothing rather than failing it.
        return match super::update::says_no_change(&e.to_string()) {
            true => Ok(Preview::NoChange),
            false => Err(Failure { why: Why::Call(e), left: None }),
        };
    }
    let made = tokio::select! {
        e = cut => Err(Why::Cut(e)),
        v = crate::ops::wait::change_set(op, stack, name) => v.map_err(Why::Read),
    };
    let why = match made {
        Ok(v) if v.status == "CREATE_COMPLETE" => return Ok(Preview::Ready(v)),
        Ok(v) if super::update::is_no_change(&v) => None,
        Ok(v) => Some(Why::Failed(v.reason.unwrap_or(v.status))),
        Err(why) => Some(why),
    };
    let deleted = call(Call::DeleteChangeSet { stack: stack.into(), name: name.into() }).await;
    match (why, deleted) {
        (None, Ok(())) => Ok(Preview::NoChange),
        (None, Err(e)) => Err(Failure { why: Why::Call(e), left: None }),
        (Some(why), deleted) => Err(Failure { why, left: deleted.err() }),
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Mutex;

    use async_trait::async_trait;

    use super::*;
    use crate::ops::port::{Identity, ScalingTarget};

    /// A change set that reads as `status` (with `reason`), pending `pending` reads first.
    struct Made {
        status: &'static str,
        reason: Option<&'static str>,
        pending: Mutex<u32>,
    }

    #[async_trait]
    impl Operations for Made {
        async fn scaling_target(&self, _: &str) -> Result<ScalingTarget, BackendError> {
            Ok(ScalingTarget::default())
        }
        async fn identity(&self) -> Result<Identity, BackendError> {
            Ok(Identity { arn: "arn".into(), account: "1".into() })
        }
        async fn execute(&self, _: &Call) -> Result<(), BackendError> {
            Ok(())
        }
        async fn change_set(&self, _: &str, _: &str) -> Result<ChangeSetView, BackendError> {
            let mut left = self.pending.lock().expect("lock");
            let status = if *left > 0 { "CREATE_IN_PROGRESS" } else { self.status };
            *left = left.saturating_sub(1);
            Ok(ChangeSetView {
                status: status.into(),
                reason: self.reason.map(String::from),
                changes: Vec::new(),
            })
        }
    }

    fn made(status: &'static str, reason: Option<&'static str>) -> Made {
        Made { status, reason, pending: Mutex::new(2) }
    }

    fn create() -> Call {
        Call::CreateChangeSet {
            stack: "ci".into(),
            name: "bkops-1".into(),
            template_url: None,
            parameters: Vec::new(),
        }
    }

    /// The preview with calls that succeed unless `refuse` names them; the calls made, by kind.
    async fn run(
        op: &Made,
        refuse: &'static [&'static str],
        cut: impl Future<Output = String>,
    ) -> (Result<Preview, Failure<String>>, Vec<&'static str>) {
        let made: Mutex<Vec<&'static str>> = Mutex::default();
        let call = |c: Call| {
            let kind = c.action().trim_start_matches("cloudformation:");
            made.lock().expect("lock").push(kind);
            async move {
                match refuse.iter().find(|r| **r == kind) {
                    Some(_) if kind == "CreateChangeSet" && refuse.contains(&"no-updates") => {
                        Err("ValidationError: No updates are to be performed.".to_string())
                    }
                    Some(_) => Err(format!("{kind}: AccessDenied")),
                    None => Ok(()),
                }
            }
        };
        let out = preview(op, "ci", "bkops-1", create(), call, cut).await;
        (out, made.into_inner().expect("lock"))
    }

    fn never() -> std::future::Pending<String> {
        std::future::pending()
    }

    #[tokio::test(start_paused = true)]
    async fn a_change_set_made_is_ready_and_left_for_the_question() {
        let (out, calls) = run(&made("CREATE_COMPLETE", None), &[], never()).await;
        assert!(matches!(out, Ok(Preview::Ready(ref v)) if v.status == "CREATE_COMPLETE"), "{out:?}");
        assert_eq!(calls, ["CreateChangeSet"], "not deleted");
    }

    #[tokio::test(start_paused = true)]
    async fn no_changes_either_way_is_no_change_and_leaves_nothing() {
        let nothing = made("FAILED", Some("The submitted information didn't contain changes."));
        let (out, calls) = run(&nothing, &[], never()).await;
        assert!(matches!(out, Ok(Preview::NoChange)), "{out:?}");
        assert_eq!(calls, ["CreateChangeSet", "DeleteChangeSet"]);
        // Refused outright by CreateChangeSet: nothing was made, nothing to delete.
        let (out, calls) =
            run(&made("CREATE_COMPLETE", None), &["CreateChangeSet", "no-updates"], never()).await;
        assert!(matches!(out, Ok(Preview::NoChange)), "{out:?}");
        assert_eq!(calls, ["CreateChangeSet"]);
    }

    #[tokio::test(start_paused = true)]
    async fn a_failed_change_set_is_deleted_and_its_reason_given_and_one_left_is_said() {
        let failed = made("FAILED", Some("Parameter ImageId is invalid"));
        let (out, calls) = run(&failed, &[], never()).await;
        match out {
            Err(Failure { why: Why::Failed(why), left: None }) => {
                assert_eq!(why, "Parameter ImageId is invalid")
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(calls, ["CreateChangeSet", "DeleteChangeSet"]);
        let (out, _) = run(&made("FAILED", Some("bad")), &["DeleteChangeSet"], never()).await;
        assert!(
            matches!(out, Err(Failure { why: Why::Failed(_), left: Some(ref d) }) if d.contains("AccessDenied")),
            "{out:?}"
        );
    }

    #[tokio::test(start_paused = true)]
    async fn a_cut_wait_deletes_the_change_set_and_a_refused_create_is_the_callers_error() {
        let slow = Made { status: "CREATE_COMPLETE", reason: None, pending: Mutex::new(1000) };
        let cut = async {
            tokio::time::sleep(std::time::Duration::from_secs(5)).await;
            "SIGINT".to_string()
        };
        let (out, calls) = run(&slow, &[], cut).await;
        assert!(matches!(out, Err(Failure { why: Why::Cut(ref s), left: None }) if s == "SIGINT"), "{out:?}");
        assert_eq!(calls, ["CreateChangeSet", "DeleteChangeSet"]);
        let (out, calls) = run(&made("CREATE_COMPLETE", None), &["CreateChangeSet"], never()).await;
        assert!(
            matches!(out, Err(Failure { why: Why::Call(ref e), left: None }) if e.contains("AccessDenied"))
        );
        assert_eq!(calls, ["CreateChangeSet"], "nothing made, nothing to delete");
    }
}
