//! The audit log read back: what operators did to one stack with bkops, for the incident
//! timeline and for naming who terminated an instance.

use std::path::Path;

use serde_json::Value;

use crate::analysis::timeline::Operated;
use crate::domain::Timestamp;

/// The lines about `stack` on `backend` (`aws PROFILE REGION`, or `demo`) since `since`,
/// oldest first. A missing log is empty; a line that is not the audit log's shape is
/// skipped (the log is append-only, but a crash can leave half a line).
pub fn operated(path: &Path, backend: &str, stack: &str, since: Timestamp) -> std::io::Result<Vec<Operated>> {
    // Its newest lines are the ones a timeline shows: of a long log, the last 64 MiB (the cut
    // line at their start is skipped as a half line is).
    let text = match crate::paths::read_regular(path, 64 << 20, true) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(e),
    };
    Ok(text
        .lines()
        .filter_map(|l| serde_json::from_str::<Value>(l).ok())
        .filter_map(|v| {
            // The log is the operator's, but a file anyone could have written to: what it
            // says is cleaned here, where it enters, and an instance ID must be one.
            let s = |v: &Value| v.as_str().map(|t| crate::domain::text::sanitize(t).into_owned());
            if v["backend"].as_str()? != backend || v["stack"].as_str()? != stack {
                return None;
            }
            let at = crate::domain::tags::time(v["time"].as_str()?)?;
            let request = &v["request"];
            (at >= since).then(|| Operated {
                at,
                who: s(&v["identity"]["arn"]).unwrap_or_else(|| "someone".into()),
                action: s(&v["action"]).unwrap_or_default(),
                instance: s(&request["instance"])
                    .or_else(|| s(&request["target"]))
                    .filter(|i| crate::domain::instance_id(i).is_ok_and(|ok| ok == *i)),
                result: s(&v["result"]).unwrap_or_default(),
            })
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ops::CallContext as Context;
    use crate::ops::audit::{record, record_action};
    use crate::ops::{Call, Identity};

    #[test]
    fn forged_lines_are_cleaned_and_a_forged_instance_id_is_none() {
        let dir = std::env::temp_dir().join(format!("bkops-audit-forged-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("dir");
        let path = dir.join("audit.jsonl");
        let line = |instance: &str| {
            format!(
                r#"{{"time":"2026-11-18T11:07:38Z","backend":"demo","stack":"ci-linux","identity":{{"arn":"arn:\u001b]0;owned\u0007x"}},"action":"ssm:StartSession\u001b[2J","request":{{"instance":"{instance}"}},"result":"ok\u009b31m"}}"#
            )
        };
        let text = [line("i-0123456789abcdef0"), line("i-0123456789abcdef0; rm -rf ~"), line("../../etc")]
            .join("\n");
        std::fs::write(&path, text).expect("write");
        let read = operated(&path, "demo", "ci-linux", Timestamp(0)).expect("read");
        assert_eq!(read.len(), 3);
        for o in &read {
            for field in [&o.who, &o.action, &o.result] {
                assert!(!field.chars().any(|c| c.is_control()), "cleaned at entry: {field:?}");
            }
        }
        let ids: Vec<Option<&str>> = read.iter().map(|o| o.instance.as_deref()).collect();
        assert_eq!(
            ids,
            [Some("i-0123456789abcdef0"), None, None],
            "only a well-formed instance ID opens anything"
        );
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn what_was_written_is_read_back_for_its_stack_and_backend_only() {
        let dir = std::env::temp_dir().join(format!("bkops-audit-read-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let path = dir.join("audit.jsonl");
        let ctx = |stack: &str, backend: &str| Context {
            identity: Identity { arn: "arn:aws:sts::1:assumed-role/oncall/ana".into(), account: "1".into() },
            backend: backend.into(),
            stack: stack.into(),
        };
        let at = Timestamp::from_secs(1_795_000_000);
        let terminate =
            Call::Terminate { group: "g".into(), instance: "i-0123456789abcdef0".into(), decrement: false };
        record(Some(&path), &ctx("ci-linux", "demo"), &terminate, at, &Ok(())).expect("write");
        record(Some(&path), &ctx("ci-other", "demo"), &terminate, at, &Ok(())).expect("write");
        record(Some(&path), &ctx("ci-linux", "aws default us-east-1"), &terminate, at, &Ok(()))
            .expect("write");
        let session = serde_json::json!({"target": "i-0fedcba9876543210", "document": "d"});
        record_action(
            Some(&path),
            &ctx("ci-linux", "demo"),
            "ssm:StartSession",
            &session,
            at.plus_secs(5),
            &Err("denied".into()),
        )
        .expect("write");
        std::fs::OpenOptions::new()
            .append(true)
            .open(&path)
            .and_then(|mut f| std::io::Write::write_all(&mut f, b"{\"time\": \"2026-11-"))
            .expect("half a line");

        let read = operated(&path, "demo", "ci-linux", at).expect("read");
        assert_eq!(read.len(), 2, "{read:?}");
        assert_eq!(read[0].action, "autoscaling:TerminateInstanceInAutoScalingGroup");
        assert_eq!(read[0].instance.as_deref(), Some("i-0123456789abcdef0"));
        assert_eq!(read[0].who, "arn:aws:sts::1:assumed-role/oncall/ana");
        assert_eq!(read[0].result, "ok");
        assert_eq!(read[1].instance.as_deref(), Some("i-0fedcba9876543210"));
        assert_eq!(read[1].result, "error: denied");
        assert!(operated(&path, "demo", "ci-linux", at.plus_secs(1)).expect("read").len() == 1);
        assert!(operated(&dir.join("none"), "demo", "ci-linux", at).expect("missing").is_empty());
        let _ = std::fs::remove_dir_all(&dir);
    }
}
