//! `bkops doctor [--stack NAME]`: each stack's configuration against the pitfalls operators
//! keep meeting, with why each finding matters and what to change. Exits 1 when it finds
//! anything, as linters do.

use std::fmt::Write;

use super::Format;
use super::error::AppError;
use crate::analysis::doctor::Severity;
use crate::backend::Backends;
use crate::domain::text::count;
use crate::snapshot::doctor::DoctorReport;

pub async fn run(backends: &Backends, stack: Option<&str>, format: Format) -> Result<(), AppError> {
    if let Some(name) = stack {
        super::check::check_stack(backends, name).await?;
    }
    let report = crate::snapshot::doctor::collect(backends, stack).await?;
    // A closed pipe (`| head`) ends the command quietly.
    let _ = match format {
        Format::Json => crate::output::out_json(super::status::to_json(&report).trim_end()),
        Format::Text => crate::output::out(text(&report).trim_end()),
    };
    let found: usize = report.stacks.iter().map(|s| s.findings.len()).sum();
    if found > 0 {
        let stacks = report.stacks.iter().filter(|s| !s.findings.is_empty()).count();
        return Err(AppError::Partial(format!(
            "{} on {}",
            count(found as u32, "finding", "findings"),
            count(stacks as u32, "stack", "stacks")
        )));
    }
    Ok(())
}

fn text(r: &DoctorReport) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "bkops doctor · {} · {}", r.backend, r.generated_at);
    for s in &r.stacks {
        let _ = writeln!(out);
        match s.findings.len() {
            0 => {
                let _ = writeln!(out, "{}: nothing found", s.stack);
            }
            n => {
                let _ = writeln!(out, "{}: {}", s.stack, count(n as u32, "finding", "findings"));
            }
        }
        for f in &s.findings {
            let mark = if f.severity == Severity::Bad { "✗" } else { "!" };
            let _ = writeln!(out, "  {mark} {}\n      why: {}\n      fix: {}", f.what, f.why, f.fix);
        }
        for u in &s.unread {
            let _ = writeln!(out, "  not read (its checks were not made): {u}");
        }
    }
    out
}
