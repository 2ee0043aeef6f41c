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
    exec: Option<String>,
}

fn sinks(args: &WatchArgs, file: &super::watch_settings::WatchFile) -> Result<Sinks, AppError> {
    let mut hooks = Vec::new();
    for url in args.webhooks.iter().chain(&file.webhooks) {
        let hook = Webhook::new(url).map_err(|m| AppError::Usage(format!("--webhook: {m}")))?;
        hooks.push(deliver::Hook::start(hook));
    }
    Ok(Sinks { rules: file.rules(), hooks, exec: args.exec.clone().or_else(|| file.exec.clone()) })
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

/// Every incident now, and the stacks that could not be read (whose incidents stand).
async fn evaluate(
    backends: &Backends,
    only: Option<&str>,
    rules: &Rules,
    now: Timestamp,
) -> (Vec<Incident>, Vec<String>) {
    match crate::snapshot::collect(backends, only, crate::snapshot::Boots::Skip).await {
        Ok(report) => {
            let found = report.stacks.iter().flat_map(|s| incidents::of(s, rules, now)).collect();
            (found, Vec::new())
        }
        // Nothing could be read: that is the incident, and every other stands as it was.
        Err(e) => {
            let text = format!("cannot read the stacks of {}: {e}", backends.label);
            (vec![Incident::new(ALL, "unreadable", "", text)], vec![String::new()])
        }
    }
}

pub async fn run(
    args: &WatchArgs,
    backends: &Backends,
    stack: Option<&str>,
    file: &super::watch_settings::WatchFile,
    reload: &dyn Fn() -> Result<super::watch_settings::WatchFile, String>,
) -> Result<(), AppError> {
    let interval = interval_secs(&args.interval, backends.clock.now())?;
    let mut sinks = sinks(args, file)?;
    let mut tracker = Tracker::default();
    let mut stop = crate::stop::listen();
    loop {
        let now = backends.clock.now();
        let read = tokio::select! {
            s = stop.next() => match handle(s, args, reload, &mut sinks) { Some(r) => return r, None => continue },
            read = evaluate(backends, stack, &sinks.rules, now) => read,
        };
        let (mut seen, mut unread) = read;
        if unread.iter().any(String::is_empty) {
            unread = tracker.stacks();
        }
        if args.once {
            // One evaluation: a threshold cannot be waited for.
            seen.iter_mut().for_each(|i| i.hold_secs = 0);
            tracker.observe(now, seen, &unread);
            return once(&tracker, args.format);
        }
        for e in tracker.observe(now, seen, &unread) {
            let _ = match args.format {
                Format::Json => output::out_json(&render::json(&e).to_string()),
                Format::Text => output::out(&render::text(&e)),
            };
            sinks.hooks.iter().for_each(|h| h.send(render::webhook(&e)));
            if let Some(cmd) = &sinks.exec {
                deliver::exec(cmd, &render::json(&e));
            }
        }
        tokio::select! {
            s = stop.next() => if let Some(r) = handle(s, args, reload, &mut sinks) { return r },
            _ = tokio::time::sleep(std::time::Duration::from_secs(interval)) => {}
        }
    }
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
