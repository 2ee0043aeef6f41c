//! `:` commands, parsed from what the operator typed.

use super::panes::{InstanceColumn, Pane};

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Command {
    Stack(String),
    Pane(Pane),
    Filter(String),
    Sort {
        column: InstanceColumn,
        descending: Option<bool>,
    },
    /// Problem rows first, then by age (the default order).
    SortProblems,
    Theme(String),
    Profile(String),
    Region(String),
    /// Show the stacks of the named `[[contexts]]` entry.
    Context(String),
    Logs(String),
    Shell(String),
    Refresh,
    Help,
    Errors,
    Why,
    /// The incident timeline of the last so many seconds.
    Timeline(i64),
    /// Every stack of every context.
    Fleet,
    /// The stack's configuration against known pitfalls.
    Doctor,
    /// The stack's CloudFormation events.
    Events,
    Quit,
}

/// Name, arguments and description of every command, for help and completion.
pub const COMMANDS: &[(&str, &str, &str)] = &[
    ("stack", "NAME", "Show another stack"),
    ("stacks", "", "Go to the stacks"),
    ("queue", "", "Go to the queue"),
    ("instances", "", "Go to the instances (also :asg)"),
    ("activity", "", "Go to the scaling activity"),
    ("filter", "TEXT", "Filter the focused list"),
    (
        "sort",
        "COLUMN [asc|desc]",
        "Sort the instances (id, lifecycle, health, type, az, age, agent, disk; problems: problem rows first)",
    ),
    ("theme", "NAME|PATH", "Switch theme (dark, light, high-contrast, monochrome, or a file)"),
    ("logs", "INSTANCE", "Tail an instance's logs (an instance ID or agent name)"),
    ("shell", "INSTANCE", "Open a shell on an instance through SSM (also :ssm)"),
    ("profile", "NAME", "Switch AWS profile (Tab completes from ~/.aws)"),
    ("region", "NAME", "Switch AWS region"),
    (
        "context",
        "[NAME]",
        "Switch to a context of [[contexts]]; without a name, list them in the fleet (also :ctx)",
    ),
    ("refresh", "", "Refresh everything now"),
    ("help", "", "Show the key bindings"),
    ("errors", "", "Show every error in full"),
    ("why", "", "Why jobs wait: every reason, with its evidence"),
    ("timeline", "[SINCE]", "What happened to the stack, newest first (default 2h; e.g. :timeline 6h)"),
    ("fleet", "", "Every stack in every context of [[contexts]], a line each (also 0)"),
    ("doctor", "", "The stack's configuration against known pitfalls (also C)"),
    ("events", "", "The stack's CloudFormation events, followed while it changes (also H)"),
    ("quit", "", "Quit (also :q)"),
];

/// How far back the timeline looks unless told.
/// What `:profile` and `:region` say in the demo, from the prompt or the runtime alike.
pub const NO_SWITCH_IN_DEMO: &str = "the demo has no AWS profile or region to switch to";

pub const TIMELINE_SECS: i64 = 2 * 3600;

pub fn parse(text: &str) -> Result<Command, String> {
    let text = text.trim().trim_start_matches(':');
    let (name, arg) = match text.split_once(char::is_whitespace) {
        Some((n, a)) => (n, a.trim()),
        None => (text, ""),
    };
    let need =
        |what: &str| if arg.is_empty() { Err(format!(":{name} needs {what}")) } else { Ok(arg.to_string()) };
    match name {
        "stack" if arg.is_empty() => Ok(Command::Pane(Pane::Stacks)),
        "stack" => Ok(Command::Stack(arg.to_string())),
        "stacks" => Ok(Command::Pane(Pane::Stacks)),
        "queue" => Ok(Command::Pane(Pane::Queue)),
        "instances" | "asg" | "instance" => Ok(Command::Pane(Pane::Instances)),
        "activity" | "activities" => Ok(Command::Pane(Pane::Activity)),
        "filter" => Ok(Command::Filter(arg.to_string())),
        "sort" => {
            let mut words =
                need("a column")?.split_whitespace().map(str::to_string).collect::<Vec<_>>().into_iter();
            let col = words.next().unwrap_or_default();
            if col == "problems" {
                return Ok(Command::SortProblems);
            }
            let column = InstanceColumn::parse(&col).ok_or_else(|| format!("no column named '{col}'"))?;
            let descending = match words.next().as_deref() {
                None => None,
                Some("asc") => Some(false),
                Some("desc") => Some(true),
                Some(other) => return Err(format!("sort order is asc or desc, not '{other}'")),
            };
            Ok(Command::Sort { column, descending })
        }
        "theme" => need("a theme name or path").map(Command::Theme),
        "profile" => need("a profile name").map(Command::Profile),
        "logs" | "log" => need("an instance ID").map(Command::Logs),
        "shell" | "ssm" => need("an instance ID").map(Command::Shell),
        "region" => need("a region such as us-east-1").map(Command::Region),
        // k9s' habit: `:ctx` alone lists the contexts, `:ctx NAME` switches.
        "context" | "ctx" if arg.is_empty() => Ok(Command::Fleet),
        "context" | "ctx" => Ok(Command::Context(arg.to_string())),
        "refresh" => Ok(Command::Refresh),
        "help" | "h" => Ok(Command::Help),
        "errors" | "error" => Ok(Command::Errors),
        "timeline" if arg.is_empty() => Ok(Command::Timeline(TIMELINE_SECS)),
        "timeline" => match crate::domain::parse_when(arg, crate::domain::Timestamp(0)) {
            Ok(t) if t.millis() < 0 => Ok(Command::Timeline(-t.secs())),
            _ => Err(format!(":timeline takes how far back, such as 30m, 6h or 1d; not '{arg}'")),
        },
        "why" => Ok(Command::Why),
        "fleet" => Ok(Command::Fleet),
        "doctor" => Ok(Command::Doctor),
        "events" => Ok(Command::Events),
        "quit" | "q" | "q!" => Ok(Command::Quit),
        "" => Err("type a command, e.g. :stack NAME (Tab completes)".into()),
        other => Err(format!("unknown command ':{other}' (Tab completes, :help lists keys)")),
    }
}

/// What Tab makes of a command line: the text, as far as the candidates agree, and the
/// candidates themselves when more than one is left (to show them, as a shell does).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Completion {
    pub text: String,
    pub choices: Vec<String>,
}

/// Completes a command name, or its argument from `candidates(command)`; `None` when nothing
/// matches.
pub fn complete<'a>(text: &str, candidates: impl Fn(&str) -> Vec<&'a str>) -> Option<Completion> {
    let (lead, prefix, all) = match text.split_once(' ') {
        Some((command, prefix)) => (format!("{command} "), prefix.trim(), candidates(command)),
        None => (String::new(), text, COMMANDS.iter().map(|(n, _, _)| *n).collect()),
    };
    let hits: Vec<&str> = all.into_iter().filter(|s| s.starts_with(prefix)).collect();
    match hits.as_slice() {
        [] => None,
        // A command name is followed by its argument.
        [one] if lead.is_empty() => Some(Completion { text: format!("{one} "), choices: Vec::new() }),
        [one] => Some(Completion { text: format!("{lead}{one}"), choices: Vec::new() }),
        many => {
            let common = many.iter().skip(1).fold(many[0], |acc, s| {
                let n = acc.char_indices().zip(s.chars()).take_while(|((_, a), b)| a == b).count();
                &acc[..acc.char_indices().nth(n).map_or(acc.len(), |(i, _)| i)]
            });
            Some(Completion {
                text: format!("{lead}{common}"),
                choices: many.iter().map(|s| s.to_string()).collect(),
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn commands_parse() {
        assert_eq!(parse("stack ci-linux"), Ok(Command::Stack("ci-linux".into())));
        assert_eq!(parse(":q"), Ok(Command::Quit));
        assert_eq!(parse("asg"), Ok(Command::Pane(Pane::Instances)));
        assert_eq!(
            parse("sort disk desc"),
            Ok(Command::Sort { column: InstanceColumn::Disk, descending: Some(true) })
        );
        assert_eq!(
            parse("sort state"),
            Ok(Command::Sort { column: InstanceColumn::Lifecycle, descending: None })
        );
    }

    #[test]
    fn bad_commands_say_what_is_wrong() {
        assert_eq!(
            parse("frobnicate"),
            Err("unknown command ':frobnicate' (Tab completes, :help lists keys)".into())
        );
        assert_eq!(parse("sort colour"), Err("no column named 'colour'".into()));
        assert_eq!(parse("theme"), Err(":theme needs a theme name or path".into()));
        assert_eq!(parse("sort age sideways"), Err("sort order is asc or desc, not 'sideways'".into()));
    }

    #[test]
    fn completion_completes_one_candidate_and_lists_several() {
        let stacks = |c: &str| if c == "stack" { vec!["ci-linux", "ci-windows"] } else { vec![] };
        let done = |text: &str| Some(Completion { text: text.into(), choices: Vec::new() });
        let many = |text: &str, choices: &[&str]| {
            Some(Completion { text: text.into(), choices: choices.iter().map(|c| c.to_string()).collect() })
        };
        assert_eq!(complete("st", stacks), many("stack", &["stack", "stacks"]));
        assert_eq!(complete("th", stacks), done("theme "));
        assert_eq!(complete("stack ci-w", stacks), done("stack ci-windows"));
        assert_eq!(complete("stack c", stacks), many("stack ci-", &["ci-linux", "ci-windows"]));
        assert_eq!(complete("region eu-", stacks), None);
        assert_eq!(complete("zzz", stacks), None);
    }
}
