use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = bkops::commands::Cli::parse();
    let log = bkops::logging::init();
    tracing::info!(version = bkops::version::VERSION, log = ?log, "bkops starting");
    // `bkops logs` is one stream of pages printed in order: on one thread it spends nothing on
    // waking another (a tenth of its CPU on two). The rest keep two workers.
    let runtime = if matches!(cli.command, Some(bkops::commands::Cmd::Logs(_))) {
        tokio::runtime::Builder::new_current_thread().enable_all().build()
    } else {
        tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build()
    };
    let runtime = match runtime {
        Ok(rt) => rt,
        Err(e) => {
            bkops::output::err(&format!("bkops: cannot start: {e}"));
            return ExitCode::from(1);
        }
    };
    match runtime.block_on(bkops::commands::run::run(cli)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            tracing::error!("{e}");
            if !e.is_quiet() {
                bkops::output::err(&format!("bkops: {e}"));
            }
            ExitCode::from(e.exit_code())
        }
    }
}
