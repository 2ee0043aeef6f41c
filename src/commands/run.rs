//! What each command does, from parsed arguments to exit: the backend, the theme, and either
//! the dashboard or a snapshot.

use std::io::IsTerminal;

use super::config;
use super::contexts::Context;
use super::error::AppError;
use super::{Cli, Cmd, Format, status};
use crate::app::AppState;
use crate::backend::Backends;
use crate::backend::buildkite::BuildkiteSettings;
use crate::backend::live::{AwsOptions, LiveBackend};
use crate::backend::sim::SimBackend;
use crate::clock::Clock;
use crate::commands;
use crate::runtime::{self, Dashboard, Reconnect, terminal::TerminalGuard};
use crate::{paths, theme};

fn aws_options(cli: &Cli, config: &config::Config) -> AwsOptions {
    AwsOptions {
        profile: cli.profile.clone(),
        region: cli.region.clone(),
        endpoint_url: cli.endpoint_url.clone(),
        read_only: cli.read_only,
        timeouts: config.timeouts(),
        discovery_file: paths::cache_dir().map(|d| d.join("discovery.json")),
        updates: config.updates(cli.endpoint_url.is_some()),
    }
}

/// The configured contexts, checked: the first mistake is named (exit 2).
fn contexts(config: &config::Config) -> Result<Vec<Context>, AppError> {
    super::contexts::resolve(&config.contexts, &crate::backend::live::profiles::names())
        .map_err(AppError::Usage)
}

/// The AWS backend of one context: the command line's options with its profile and region.
async fn context_backends(
    cli: &Cli,
    config: &config::Config,
    context: &Context,
) -> Result<Backends, AppError> {
    let mut options = aws_options(cli, config);
    options.profile = context.profile.clone();
    options.region = Some(context.region.clone());
    Ok(LiveBackend::connect(&options, buildkite(config)?).await.backends())
}

/// `bkops status --all-contexts`: every context read at once, printed whole; exit 1 naming
/// the contexts that could not be read.
async fn status_of_all(cli: &Cli, config: &config::Config, format: Format) -> Result<(), AppError> {
    let all = contexts(config)?;
    if all.is_empty() {
        return Err(AppError::Usage(
            "--all-contexts: no [[contexts]] in config.toml (a profile and a region each; see the README)"
                .into(),
        ));
    }
    let mut each = Vec::new();
    for c in all {
        let b = context_backends(cli, config, &c).await?;
        each.push((c, b));
    }
    let report = status::collect_all(each, &cli.stack, Clock::System.now()).await;
    let _ = match format {
        Format::Json => crate::output::out_json(status::to_json(&report).trim_end()),
        Format::Text => crate::output::out(status::contexts_to_text(&report).trim_end()),
    };
    let failed: Vec<&str> =
        report.contexts.iter().filter(|c| c.error.is_some()).map(|c| c.context.name.as_str()).collect();
    if !failed.is_empty() {
        return Err(AppError::Partial(format!(
            "{} of {} could not be read: {}",
            failed.len(),
            crate::domain::text::count(report.contexts.len() as u32, "context", "contexts"),
            failed.join(", ")
        )));
    }
    let found =
        |name: &String| report.contexts.iter().any(|c| c.stacks.iter().any(|s| &s.stack.name == name));
    if let Some(name) = cli.stack.iter().find(|n| !found(n)) {
        return Err(AppError::Usage(format!("no stack named '{name}' in any context")));
    }
    Ok(())
}

/// The environment's Buildkite tokens and endpoints with the config file's trust lists; an
/// endpoint no token may go to stops bkops before anything is sent.
fn buildkite(config: &config::Config) -> Result<BuildkiteSettings, AppError> {
    let b = &config.buildkite;
    BuildkiteSettings::from_env(&b.trusted_endpoints, &b.trusted_token_parameters).map_err(AppError::Usage)
}

async fn backends(cli: &Cli, config: &config::Config) -> Result<Backends, AppError> {
    if cli.demo {
        let clock = Clock::real(Clock::System.now(), cli.demo_speed);
        let sim = SimBackend::demo(cli.demo_seed, clock);
        let sim = if cli.read_only { sim.read_only() } else { sim };
        return Ok(sim.backends(cli.demo_speed));
    }
    if let Some(p) = &cli.profile {
        crate::backend::live::profiles::check(p, &crate::backend::live::profiles::names())
            .map_err(AppError::Usage)?;
    }
    Ok(LiveBackend::connect(&aws_options(cli, config), buildkite(config)?).await.backends())
}

/// How the dashboard builds the AWS backend again for another profile or region: the options
/// it was started with, each switch changing one of them.
fn reconnect(mut options: AwsOptions, buildkite: BuildkiteSettings) -> Reconnect {
    Box::new(move |profile, region| {
        if profile.is_some() {
            options.profile = profile;
        }
        if region.is_some() {
            options.region = region;
        }
        let (options, buildkite) = (options.clone(), buildkite.clone());
        Box::pin(async move { LiveBackend::connect(&options, buildkite).await.backends() })
    })
}

/// Prints generated text; a closed pipe ends it quietly.
fn generated(bytes: Vec<u8>) -> Result<(), AppError> {
    let _ = crate::output::out_generated(&bytes);
    Ok(())
}

pub async fn run(mut cli: Cli) -> Result<(), AppError> {
    // Generated from the command line's own definition: no config, no backend.
    match cli.command {
        Some(Cmd::Completions { shell }) => return generated(commands::completions(shell)),
        Some(Cmd::Man { ref command, dir: None }) => return generated(commands::man_page(command)?),
        Some(Cmd::Man { dir: Some(ref dir), .. }) => {
            let written = commands::man_pages_to(dir)?;
            let list: String = written.iter().map(|p| format!("{}\n", p.display())).collect();
            return generated(list.into_bytes());
        }
        _ => {}
    }
    let config = config::load(cli.config.as_deref())?;
    cli.read_only |= config.read_only;
    check_themes(&cli, &config)?;
    // clap does not always see a global flag's conflict across the subcommand: said here too.
    if cli.demo && (cli.all_contexts || cli.context.is_some()) {
        return Err(AppError::Usage(
            "--context and --all-contexts choose AWS accounts and regions; the demo has one of its own"
                .into(),
        ));
    }
    if let Some(name) = cli.context.clone() {
        let all = contexts(&config)?;
        let context = super::contexts::pick(&all, &name).map_err(AppError::Usage)?;
        cli.profile = context.profile.clone();
        cli.region = Some(context.region.clone());
    }
    let dashboard_contexts = dashboard_contexts(&mut cli, &config)?;
    if cli.all_contexts && !matches!(cli.command, Some(Cmd::Status { .. } | Cmd::Watch(_))) {
        return Err(AppError::Usage(
            "--all-contexts: `bkops status` and `bkops watch` read every context at once; for one, --context NAME"
                .into(),
        ));
    }
    if cli.stack.len() > 1 && !matches!(cli.command, Some(Cmd::Status { .. } | Cmd::Watch(_))) {
        return Err(AppError::Usage(format!(
            "--stack is given {} times: only `bkops status` and `bkops watch` take several",
            cli.stack.len()
        )));
    }
    match cli.command {
        None => dashboard(&cli, &config, dashboard_contexts).await,
        Some(ref command) => command_run(command, &cli, &config).await,
    }
}

/// A theme that cannot be loaded is a mistake in the command whatever the command: said the
/// same way (exit 2) by `status` as by the dashboard. A rule's theme is checked now, not when
/// the dashboard first switches to it.
fn check_themes(cli: &Cli, config: &config::Config) -> Result<(), AppError> {
    if let Some(name) = &cli.theme {
        theme::load(name, paths::themes_dir().as_deref())?;
    }
    for rule in &config.theme_rules {
        theme::load(&rule.theme, paths::themes_dir().as_deref())
            .map_err(|e| AppError::Usage(format!("config: [[theme_rules]]: {e}")))?;
    }
    Ok(())
}

/// The dashboard with contexts and none chosen starts in the first one, on the fleet view:
/// every context, and the one shown.
type DashboardContexts = Option<(Vec<Context>, Option<usize>)>;

fn dashboard_contexts(cli: &mut Cli, config: &config::Config) -> Result<DashboardContexts, AppError> {
    if cli.command.is_some() || cli.demo || config.contexts.is_empty() {
        return Ok(None);
    }
    let all = contexts(config)?;
    let current = match &cli.context {
        Some(name) => all.iter().position(|c| &c.name == name),
        None => {
            if let Some(first) = all.first() {
                cli.profile = first.profile.clone();
                cli.region = Some(first.region.clone());
            }
            Some(0)
        }
    };
    Ok(Some((all, current)))
}

/// A command that prints and exits. Those that read and print have an overall deadline;
/// those that change a stack (a write cut off half-way is worse than a slow one), follow logs
/// or open a shell do not.
async fn command_run(command: &Cmd, cli: &Cli, config: &config::Config) -> Result<(), AppError> {
    let deadline = config.aws.command_timeout.unwrap_or(config::COMMAND_TIMEOUT_SECS);
    let stack = cli.stack();
    match *command {
        // The backend is made within the deadline too: a stalled sign-in is bounded as well.
        Cmd::Status { format } if cli.all_contexts => {
            return crate::deadline::scope(deadline, status_of_all(cli, config, format)).await;
        }
        Cmd::Status { format } => {
            return crate::deadline::scope(deadline, status_of_one(cli, config, format)).await;
        }
        Cmd::Watch(ref args) if cli.all_contexts => {
            let mut targets = Vec::new();
            for c in contexts(config)? {
                let backends = context_backends(cli, config, &c).await?;
                targets.push(commands::watch::Target { context: Some(c.name.clone()), backends });
            }
            if targets.is_empty() {
                return Err(AppError::Usage("--all-contexts: no [[contexts]] in config.toml".into()));
            }
            return commands::watch::run(
                args,
                &targets,
                &cli.stack,
                &config.watch,
                &watch_reload(cli),
                deadline,
            )
            .await;
        }
        // Printed before anything else was read (in `run`).
        Cmd::Completions { .. } | Cmd::Man { .. } => return Ok(()),
        _ => {}
    }
    let backends = backends(cli, config).await?;
    match command {
        Cmd::Logs(args) => {
            // Local time with its offset, as the dashboard shows it, unless asked for UTC.
            let zone = (!utc_asked(cli, config)).then(jiff::tz::TimeZone::system);
            commands::logs::run(args.clone(), &backends, zone).await
        }
        Cmd::Scaling { action } => commands::operate::scaling(action.clone(), &backends, stack).await,
        Cmd::Ssm(args) => commands::ssm::run(args.clone(), &backends, &config.ssm).await,
        Cmd::Why { format } => {
            crate::deadline::scope(deadline, commands::why::run(&backends, stack, *format)).await
        }
        Cmd::Doctor { format } => {
            crate::deadline::scope(deadline, commands::doctor::run(&backends, stack, *format)).await
        }
        Cmd::Boot(args) => {
            crate::deadline::scope(deadline, commands::boot::run(&backends, stack, args)).await
        }
        Cmd::Events(args) if args.follow => commands::events::run(&backends, stack, args).await,
        Cmd::Events(args) => {
            crate::deadline::scope(deadline, commands::events::run(&backends, stack, args)).await
        }
        Cmd::Timeline(args) => {
            crate::deadline::scope(deadline, commands::timeline::run(&backends, stack, args)).await
        }
        Cmd::Terminate(args) => commands::operate::terminate(args.clone(), &backends, stack).await,
        Cmd::Watch(args) => {
            let targets = vec![commands::watch::Target { context: None, backends }];
            commands::watch::run(args, &targets, &cli.stack, &config.watch, &watch_reload(cli), deadline)
                .await
        }
        Cmd::Update(args) => {
            let settings = commands::update::Settings {
                latest_url: config.updates(cli.endpoint_url.is_some()).url,
                read_only: cli.read_only,
            };
            commands::update::run(args, &backends, stack, &settings).await
        }
        Cmd::Status { .. } | Cmd::Completions { .. } | Cmd::Man { .. } => Ok(()),
    }
}

/// `[watch]` read again from the config file (SIGHUP).
fn watch_reload(cli: &Cli) -> impl Fn() -> Result<super::watch_settings::WatchFile, String> + use<> {
    let explicit = cli.config.clone();
    move || config::load(explicit.as_deref()).map(|c| c.watch).map_err(|e| e.to_string())
}

async fn status_of_one(cli: &Cli, config: &config::Config, format: Format) -> Result<(), AppError> {
    let backends = backends(cli, config).await?;
    let report = status::collect(&backends, &cli.stack).await?;
    // A closed pipe (`| head`) ends the command quietly.
    let _ = match format {
        Format::Json => crate::output::out_json(status::to_json(&report).trim_end()),
        Format::Text => crate::output::out(status::to_text(&report).trim_end()),
    };
    Ok(())
}

/// The dashboard: its backend, the terminal, the first state, and how it ended.
async fn dashboard(cli: &Cli, config: &config::Config, contexts: DashboardContexts) -> Result<(), AppError> {
    let themes_dir = paths::themes_dir();
    let theme_name = cli.theme.clone().or(config.theme.clone()).unwrap_or_else(|| "dark".into());
    let theme = theme::load_for_terminal(&theme_name, themes_dir.as_deref())?;
    let mut backends = backends(cli, config).await?;
    // `--stack` is chosen when the stack list arrives (an unknown name is said then): a slow
    // or stalled listing never keeps the dashboard from drawing.
    let mut overview = crate::app::overview::Overview::new(Vec::new(), None);
    if let Some((all, current)) = contexts {
        overview = crate::app::overview::Overview::new(all.iter().map(|c| c.name.clone()).collect(), current);
        let connector =
            crate::backend::live::Connector::aws(all, aws_options(cli, config), buildkite(config)?);
        let connector: std::sync::Arc<dyn crate::backend::ContextSource> = std::sync::Arc::new(connector);
        // The context shown is read by the same backend as its fleet lines: one set of
        // caches, not two.
        if let Some(n) = current
            && let Ok(b) = connector.backends(n).await
        {
            backends = b;
        }
        backends.contexts = Some(connector);
    }
    if !std::io::stdout().is_terminal() || !std::io::stdin().is_terminal() {
        return Err(AppError::Usage(
            "the dashboard needs a terminal; for a snapshot a script can read, run `bkops status`".into(),
        ));
    }
    let mut guard = TerminalGuard::enter().map_err(|e| AppError::Terminal(e.to_string()))?;
    let size = guard.terminal.size().map_err(|e| AppError::Terminal(e.to_string()))?;
    let mut state =
        AppState::new(backends.label.to_string(), backends.clock.now(), (size.width, size.height));
    state.wanted_stack = cli.stack().map(str::to_string);
    // With more than one context, the first screen is all of them (unless a stack or a
    // context was asked for).
    if overview.names.len() > 1 && cli.stack.is_empty() && cli.context.is_none() {
        state.overlay = Some(crate::app::Overlay::Overview);
    }
    state.overview = overview;
    settle_settings(&mut state, cli, config, &theme.name, &theme_name);
    let reconnect =
        if cli.demo { None } else { Some(reconnect(aws_options(cli, config), buildkite(config)?)) };
    if reconnect.is_some() {
        state.settings.aws = true;
        state.settings.profiles = crate::backend::live::profiles::names();
    }
    let ssm = crate::ssm::session::ClientSettings {
        choice: config.ssm.client.unwrap_or(crate::ssm::session::ClientChoice::Auto),
        plugin: config.ssm.plugin.clone(),
    };
    let watch = config.watch.rules();
    let dashboard = Dashboard { backends, theme, themes_dir, reconnect, ssm, watch };
    let result = runtime::run(dashboard, state, &mut guard.terminal).await;
    // The terminal is the login shell's again before anything is said.
    drop(guard);
    let ending = result.map_err(|e| AppError::Terminal(e.to_string()))?;
    match (ending.left, ending.stopped_by) {
        (Some(text), stop) => {
            Err(AppError::Abandoned { text, code: stop.map_or(1, crate::stop::Stop::exit_code) })
        }
        // Ended by a signal: its status, as a shell expects (128 + its number).
        (None, Some(stop)) => Err(AppError::Stopped(stop)),
        (None, None) => Ok(()),
    }
}

/// The dashboard's settings from the command line and the config file.
fn settle_settings(state: &mut AppState, cli: &Cli, config: &config::Config, theme: &str, asked: &str) {
    let s = &mut state.settings;
    s.refresh = config.refresh();
    if let Some(n) = config.logs.buffer {
        s.log_capacity = n.max(1);
    }
    s.log_live = config.logs.live;
    s.theme = theme.to_string();
    s.base_theme = asked.to_string();
    s.theme_asked = asked.to_string();
    s.theme_rules = config.theme_rules.clone();
    s.read_only = cli.read_only;
    s.keymap = std::sync::Arc::new(config.keymap.clone());
    s.hints = config.hints.unwrap_or(true);
    s.incidents = config.watch.dashboard.unwrap_or(true);
    s.bell = config.watch.bell;
    // Local time unless asked for UTC; the zone is named on the status bar.
    s.zone = if utc_asked(cli, config) { jiff::tz::TimeZone::UTC } else { jiff::tz::TimeZone::system() };
}

/// `--utc`, or `time = "utc"` in the config file.
fn utc_asked(cli: &Cli, config: &config::Config) -> bool {
    cli.utc || config.time == config::TimeSetting::Utc
}
