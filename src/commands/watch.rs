//! `bkops watch`: every stack's snapshot evaluated each interval, each incident said once when
//! it opens and once when it resolves, to stdout, webhooks and a command. `--once` prints the
//! incidents open now and exits 1 when there are any. SIGTERM and SIGINT end it with exit 0;
//! SIGHUP reads the config file again.

mod deliver;
mod render;

use super::Format;
use super::error::AppError;
use crate::analysis::watch::Tracker;
use crate::backend::Backends;
use crate::backend::webhook::Webhook;
use crate::domain::Timestamp;
use crate::domain::incident::Incident;
use crate::output;
use crate::snapshot::incidents::{self, Rules};
use crate::stop::Stop;

#[derive(Debug, Clone, clap::Args)]
pub struct WatchArgs {
    /// How often every stack is evaluated (at least 5s).
    #[arg(long, default_value = "60s", value_name = "DURATION")]
    pub interval: String,
    /// Evaluate once, print the incidents open now, and exit: 0 when there are none, 1 when
    /// there are.
    #[arg(long)]
    pub once: bool,
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
    /// POST each event here too (repeatable): https, or http to a loopback address.
    #[arg(long = "webhook", value_name = "URL")]
    pub webhooks: Vec<String>,
    /// Run this command (with `sh -c`) for each event, the event's JSON on its standard input.
    #[arg(long, value_name = "CMD")]
    pub exec: Option<String>,
}

/// The stack a whole read that failed is filed under.
const ALL: &str = "*";

/// Where events go, made from the flags and `[watch]` (again on SIGHUP).
struct Sinks {
    rules: Rules,
    hooks: Vec<deliver::Hook>,
    exec: Option<deliver::Exec>,
}

fn sinks(args: &WatchArgs, file: &super::watch_settings::WatchFile) -> Result<Sinks, AppError> {
    let mut hooks = Vec::new();
    for url in args.webhooks.iter().chain(&file.webhooks) {
        let hook = Webhook::new(url).map_err(|m| AppError::Usage(format!("--webhook: {m}")))?;
        hooks.push(deliver::Hook::start(hook));
    }
    let exec = args.exec.clone().or_else(|| file.exec.clone()).map(deliver::Exec::start);
    Ok(Sinks { rules: file.rules(), hooks, exec })
}

fn interval_secs(text: &str, now: Timestamp) -> Result<u64, AppError> {
    let from =
        crate::domain::parse_when(text, now).map_err(|m| AppError::Usage(format!("--interval: {m}")))?;
    let secs = now.secs_since(from);
    if secs < 5 {
        return Err(AppError::Usage(format!("--interval {text}: at least 5s")));
    }
    Ok(secs as u64)
}

/// What is watched: one backend, or each context of `[[contexts]]` (its stacks then named
/// `CONTEXT/STACK` in the incidents).
pub struct Target {
    pub context: Option<String>,
    pub backends: Backends,
}

fn named(context: Option<&str>, stack: &str) -> String {
    context.map_or_else(|| stack.to_string(), |c| format!("{c}/{stack}"))
}

/// Every incident now, and the stacks (or contexts) that could not be read, whose incidents
/// stand as they were. A stack asked for by name and found in no context read is an incident
/// too: deleted, or renamed.
async fn evaluate(
    targets: &[Target],
    only: &[String],
    rules: &Rules,
    now: Timestamp,
) -> (Vec<Incident>, Vec<Unread>, Vec<String>) {
    // Boots are read only for the slow-boots rule: a read of boot lines per stack.
    let boots = match rules.slow_boot_secs {
        Some(_) => crate::snapshot::Boots::Read,
        None => crate::snapshot::Boots::Skip,
    };
    let reads =
        targets.iter().map(|t| async move { (t, crate::snapshot::collect(&t.backends, only, boots).await) });
    let (mut found, mut unread, mut names) = (Vec::new(), Vec::new(), Vec::new());
    for (t, read) in futures::future::join_all(reads).await {
        let context = t.context.as_deref();
        match read {
            Ok(report) => {
                names.extend(report.stacks.iter().map(|s| s.stack.name.clone()));
                found.extend(report.stacks.iter().flat_map(|s| incidents::of(s, rules, now)).map(|mut i| {
                    i.key.stack = named(context, &i.key.stack);
                    i
                }))
            }
            // Nothing of it could be read: that is the incident, and every other stands.
            Err(e) => {
                let text = format!("cannot read the stacks of {}: {e}", t.backends.label);
                found.push(Incident::new(&named(context, ALL), "unreadable", "", text));
                unread.push(context.map_or(Unread::All, |c| Unread::Context(c.to_string())));
            }
        }
    }
    let missing = match unread.is_empty() {
        true => only.iter().filter(|n| !names.contains(n)).cloned().collect(),
        false => Vec::new(),
    };
    (found, unread, missing)
}

fn missing(name: &str) -> Incident {
    Incident::new(name, "unreadable", "", format!("no stack named '{name}' (deleted, renamed, or misspelt)"))
}

/// What could not be read.
enum Unread {
    All,
    Context(String),
}

pub async fn run(
    args: &WatchArgs,
    targets: &[Target],
    stacks: &[String],
    file: &super::watch_settings::WatchFile,
    reload: &dyn Fn() -> Result<super::watch_settings::WatchFile, String>,
    deadline: u64,
) -> Result<(), AppError> {
    let Some(clock) = targets.first().map(|t| t.backends.clock.clone()) else {
        return Err(AppError::Usage("nothing to watch".into()));
    };
    let interval = interval_secs(&args.interval, clock.now())?;
    let mut sinks = sinks(args, file)?;
    let mut tracker = Tracker::default();
    let mut first = true;
    let mut stop = crate::stop::listen();
    loop {
        let now = clock.now();
        let read = tokio::select! {
            s = stop.next() => match handle(s, args, reload, &mut sinks) {
                Some(r) => return finish(&mut sinks, r).await,
                None => continue,
            },
            // Each evaluation has the commands' deadline: a stalled call is a read that
            // failed (an incident that names it), never a watch that goes quiet.
            read = crate::deadline::scope(deadline, evaluate(targets, stacks, &sinks.rules, now)) => read,
        };
        let (mut seen, failed, gone) = read;
        // A name that is not there at the start is a mistake in the command, not an incident.
        match gone.first() {
            Some(name) if first => {
                let place = match targets {
                    [one] => one.backends.label.to_string(),
                    _ => "any context".to_string(),
                };
                return Err(AppError::Usage(format!("no stack named '{name}' in {place}")));
            }
            _ => seen.extend(gone.iter().map(|n| missing(n))),
        }
        first = false;
        // The stacks whose incidents stand: every one of a context (or of all) not read.
        let unread: Vec<String> = tracker
            .stacks()
            .into_iter()
            .filter(|s| {
                failed.iter().any(|u| match u {
                    Unread::All => true,
                    Unread::Context(c) => s.starts_with(&format!("{c}/")),
                })
            })
            .collect();
        if args.once {
            // One evaluation: a threshold cannot be waited for, and what only lasting makes an
            // incident is not one yet.
            seen.retain(|i| !i.only_over_time);
            seen.iter_mut().for_each(|i| i.hold_secs = 0);
            tracker.observe(now, seen, &unread);
            return once(&tracker, args.format);
        }
        for e in tracker.observe(now, seen, &unread) {
            let printed = match args.format {
                Format::Json => output::out_json(&render::json(&e).to_string()),
                Format::Text => output::out(&render::text(&e)),
            };
            // A closed pipe (`| head`) ends the watch quietly, as it ends `bkops status`.
            if printed.is_err() {
                return Ok(());
            }
            sinks.hooks.iter().for_each(|h| h.send(render::webhook(&e)));
            if let Some(exec) = &sinks.exec {
                exec.send(&render::json(&e));
            }
        }
        tokio::select! {
            s = stop.next() => if let Some(r) = handle(s, args, reload, &mut sinks) {
                return finish(&mut sinks, r).await;
            },
            _ = tokio::time::sleep(std::time::Duration::from_secs(interval)) => {}
        }
    }
}

/// The watch ends: the command is given what it has not been given yet, for a moment.
async fn finish(sinks: &mut Sinks, r: Result<(), AppError>) -> Result<(), AppError> {
    if let Some(exec) = sinks.exec.take() {
        exec.finish().await;
    }
    r
}

/// A signal: SIGTERM and SIGINT end the watch (exit 0); SIGHUP reads `[watch]` again.
fn handle(
    s: Stop,
    args: &WatchArgs,
    reload: &dyn Fn() -> Result<super::watch_settings::WatchFile, String>,
    sinks: &mut Sinks,
) -> Option<Result<(), AppError>> {
    if s != Stop::Hangup {
        return Some(Ok(()));
    }
    match reload().map_err(AppError::Usage).and_then(|f| self::sinks(args, &f)) {
        Ok(new) => {
            *sinks = new;
            output::err("SIGHUP: the config file was read again");
        }
        Err(e) => output::err(&format!("SIGHUP: the config file was not taken ({e}); the last one stands")),
    }
    None
}

fn once(tracker: &Tracker, format: Format) -> Result<(), AppError> {
    let open = tracker.open();
    let _ = match format {
        Format::Json => {
            let list: Vec<serde_json::Value> =
                open.iter().map(|(i, since)| render::incident(i, *since)).collect();
            let doc =
                serde_json::json!({ "schema_version": crate::snapshot::SCHEMA_VERSION, "incidents": list });
            output::out_json(&serde_json::to_string_pretty(&doc).unwrap_or_default())
        }
        Format::Text if open.is_empty() => output::out("no incident open"),
        Format::Text => {
            output::out(&open.iter().map(|(i, _)| render::line(i)).collect::<Vec<_>>().join("\n"))
        }
    };
    match open.len() {
        0 => Ok(()),
        n => Err(AppError::Partial(format!("{n} incident{} open", if n == 1 { "" } else { "s" }))),
    }
}
