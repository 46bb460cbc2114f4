//! The `readiness` binary: parses arguments, calls the library, prints, and
//! turns the result into an exit code (0 gate met, 1 below the gate, 2 error).

use clap::{Parser, Subcommand, ValueEnum};
use readiness::render::table::TableOptions;
use readiness::scan::ScanOptions;
use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Parser)]
#[command(
    name = "readiness",
    version,
    about = "How ready is this ML project to ship a model to production? A scorecard with evidence."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Scan a repository and print its readiness scorecard.
    Score(ScoreArgs),
}

#[derive(Parser)]
struct ScoreArgs {
    /// Repository to scan.
    #[arg(default_value = ".")]
    path: PathBuf,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    format: Format,
    /// Exit with 1 when the overall level is below N (a release gate).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u8).range(0..=3))]
    min_level: Option<u8>,
    /// Directory of extra rubric YAML files; a rubric whose `area` matches a
    /// built-in one replaces it. Repeatable.
    #[arg(long = "rubrics", value_name = "DIR")]
    rubrics: Vec<PathBuf>,
    /// When to use colour in the table (never when NO_COLOR is set).
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    color: ColorChoice,
    /// Skip files larger than this many bytes.
    #[arg(long, value_name = "BYTES", default_value_t = ScanOptions::default().max_file_size)]
    max_file_size: u64,
    /// Evidence lines shown per met check in the table.
    #[arg(long, value_name = "N", default_value_t = 2)]
    evidence: usize,
}

#[derive(Clone, Copy, ValueEnum)]
enum Format {
    Table,
    Json,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum ColorChoice {
    Auto,
    Always,
    Never,
}

fn use_color(choice: ColorChoice) -> bool {
    let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
    match choice {
        _ if no_color => false,
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => std::io::stdout().is_terminal(),
    }
}

fn run_score(args: &ScoreArgs) -> Result<ExitCode, readiness::Error> {
    let catalog = readiness::load_catalog(&args.rubrics)?;
    let options = ScanOptions {
        max_file_size: args.max_file_size,
        ..ScanOptions::default()
    };
    let report = readiness::score(&args.path, &catalog, &options)?;
    let text = match args.format {
        Format::Json => readiness::render::json::render(&report),
        Format::Table => readiness::render::table::render(
            &report,
            &TableOptions {
                color: use_color(args.color),
                evidence_per_check: args.evidence,
            },
        ),
    };
    let mut stdout = std::io::stdout().lock();
    if let Err(e) = stdout
        .write_all(text.as_bytes())
        .and_then(|()| stdout.flush())
    {
        if e.kind() != std::io::ErrorKind::BrokenPipe {
            return Err(readiness::Error::Io(format!("cannot write output: {e}")));
        }
    }
    let gate_failed = args.min_level.is_some_and(|min| report.overall.level < min);
    Ok(if gate_failed {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match &cli.command {
        Command::Score(args) => run_score(args),
    };
    match result {
        Ok(code) => code,
        Err(err) => {
            let _ = writeln!(std::io::stderr(), "readiness: error: {err}");
            ExitCode::from(2)
        }
    }
}
