//! `readiness explain` and `readiness rubrics list|validate`: what the
//! checks are, and whether a team's own rubric files load.

use crate::read_named;
use clap::{Parser, Subcommand};
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Parser)]
pub(crate) struct ExplainArgs {
    /// The check id, e.g. EVL-03.
    check: String,
    /// Directory of extra rubric YAML files. Repeatable.
    #[arg(long = "rubrics", value_name = "DIR")]
    rubrics: Vec<PathBuf>,
}

#[derive(Subcommand)]
pub(crate) enum RubricsCommand {
    /// List the checks of every rubric in use.
    List {
        /// Only this area.
        #[arg(long)]
        area: Option<String>,
        /// Only checks at this level.
        #[arg(long, value_parser = clap::value_parser!(u8).range(1..=3))]
        level: Option<u8>,
        /// Directory of extra rubric YAML files. Repeatable.
        #[arg(long = "rubrics", value_name = "DIR")]
        rubrics: Vec<PathBuf>,
    },
    /// Validate rubric files (as `--rubrics` would load them, next to the
    /// built-ins); every problem is listed with file, line and column.
    Validate {
        /// Rubric YAML files.
        #[arg(required = true)]
        files: Vec<PathBuf>,
    },
}

pub(crate) fn run_explain(args: &ExplainArgs) -> Result<ExitCode, readiness::Error> {
    let catalog = readiness::load_catalog(&args.rubrics)?;
    let text = readiness::rubric::doc::explain(&catalog, &args.check).ok_or_else(|| {
        let ids: Vec<&str> = catalog
            .rubrics
            .iter()
            .flat_map(|r| r.checks.iter().map(|c| c.id.as_str()))
            .collect();
        let hint = readiness::config::did_you_mean(&args.check, &ids);
        readiness::Error::Io(format!(
            "no check `{}`{hint} (`readiness rubrics list` shows them all)",
            args.check
        ))
    })?;
    let _ = std::io::stdout().write_all(text.as_bytes());
    Ok(ExitCode::SUCCESS)
}

pub(crate) fn run_rubrics(command: &RubricsCommand) -> Result<ExitCode, readiness::Error> {
    match command {
        RubricsCommand::List {
            area,
            level,
            rubrics,
        } => {
            let catalog = readiness::load_catalog(rubrics)?;
            if let Some(a) = area {
                if !catalog.rubrics.iter().any(|r| &r.area == a) {
                    return Err(readiness::Error::Io(format!("no area `{a}`")));
                }
            }
            let mut table = comfy_table::Table::new();
            table
                .load_preset(comfy_table::presets::UTF8_FULL_CONDENSED)
                .set_content_arrangement(comfy_table::ContentArrangement::Dynamic)
                .set_width(80)
                .force_no_tty()
                .set_header(vec!["Check", "Area", "Level", "Weight", "Title"]);
            for rubric in catalog
                .rubrics
                .iter()
                .filter(|r| area.as_ref().is_none_or(|a| &r.area == a))
            {
                let mut checks: Vec<_> = rubric
                    .checks
                    .iter()
                    .filter(|c| level.is_none_or(|l| c.level == l))
                    .collect();
                checks.sort_by(|a, b| a.level.cmp(&b.level).then_with(|| a.id.cmp(&b.id)));
                for c in checks {
                    table.add_row(vec![
                        c.id.clone(),
                        rubric.area.clone(),
                        c.level.to_string(),
                        c.weight.to_string(),
                        c.title.to_string(),
                    ]);
                }
            }
            let _ = writeln!(std::io::stdout(), "{table}");
            Ok(ExitCode::SUCCESS)
        }
        RubricsCommand::Validate { files } => {
            let mut sources = Vec::new();
            for path in files {
                let name = path.display().to_string();
                let text = read_named(path, readiness::fsutil::MAX_OWN_FILE)?;
                sources.push(readiness::rubric::RubricSource {
                    origin: name.clone(),
                    name,
                    text,
                    trusted: false,
                    parsed: None,
                });
            }
            let catalog =
                readiness::rubric::load_catalog(&readiness::rubric::builtin::sources(), &sources)
                    .map_err(readiness::Error::Rubric)?;
            let checks: usize = catalog
                .rubrics
                .iter()
                .filter(|r| files.iter().any(|f| f.display().to_string() == r.source))
                .map(|r| r.checks.len())
                .sum();
            let _ = writeln!(
                std::io::stdout(),
                "ok: {} rubric file{} valid, {checks} checks",
                files.len(),
                if files.len() == 1 { "" } else { "s" }
            );
            Ok(ExitCode::SUCCESS)
        }
    }
}
