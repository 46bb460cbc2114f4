//! The `readiness` binary: parses arguments, calls the library, prints, and
//! turns the result into an exit code (0 gate met, 1 below the gate, 2 error).

use clap::{Parser, Subcommand, ValueEnum};
use readiness::render::table::TableOptions;
use readiness::scan::ScanOptions;
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
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
    /// Scan, then ask in the terminal what the scan could not settle; each
    /// answer is saved to the answers file at once.
    Ask(AskArgs),
}

#[derive(Parser)]
struct AnswerArgs {
    /// Answers file [default: PATH/.readiness/answers.yaml].
    #[arg(long, value_name = "FILE")]
    answers: Option<PathBuf>,
    /// Answers older than this many days are stale: reported by `score`,
    /// asked again by `ask`.
    #[arg(long, value_name = "DAYS", default_value_t = readiness::answers::DEFAULT_MAX_AGE_DAYS)]
    max_answer_age: i64,
}

#[derive(Parser)]
struct AskArgs {
    /// Repository to scan and answer for.
    #[arg(default_value = ".")]
    path: PathBuf,
    #[command(flatten)]
    answer: AnswerArgs,
    /// Also go over checks whose evidence the scan detected.
    #[arg(long)]
    review: bool,
    /// Ask exactly this check, even if answered or detected. Repeatable.
    #[arg(long = "check", value_name = "ID")]
    checks: Vec<String>,
    /// Name recorded with each answer [default: `git config user.name`].
    #[arg(long, value_name = "NAME")]
    by: Option<String>,
    /// Directory of extra rubric YAML files. Repeatable.
    #[arg(long = "rubrics", value_name = "DIR")]
    rubrics: Vec<PathBuf>,
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
    #[command(flatten)]
    answer: AnswerArgs,
    /// Ignore questionnaire answers: score on detected evidence only.
    #[arg(long)]
    evidence_only: bool,
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

/// The answers file to use and how to show it: relative to the repository
/// when inside it, as given otherwise.
fn answers_location(root: &Path, explicit: Option<&PathBuf>) -> (PathBuf, String) {
    match explicit {
        Some(path) => (path.clone(), path.display().to_string()),
        None => (
            root.join(readiness::answers::DEFAULT_PATH),
            readiness::answers::DEFAULT_PATH.to_owned(),
        ),
    }
}

fn run_score(args: &ScoreArgs) -> Result<ExitCode, readiness::Error> {
    readiness::check_root(&args.path)?;
    let catalog = readiness::load_catalog(&args.rubrics)?;
    let options = ScanOptions {
        max_file_size: args.max_file_size,
        ..ScanOptions::default()
    };
    let (file, shown) = answers_location(&args.path, args.answer.answers.as_ref());
    if args.answer.answers.is_some() && !file.is_file() {
        return Err(readiness::Error::Io(format!(
            "{shown}: answers file not found"
        )));
    }
    let answers = readiness::answers::load(&file, &shown).map_err(readiness::Error::Answers)?;
    let today = readiness::answers::Date::today().map_err(readiness::Error::Io)?;
    let input = file.is_file().then(|| readiness::eval::AnswerInput {
        answers: &answers,
        file: shown.clone(),
        today,
        max_age_days: args.answer.max_answer_age,
        ignore: args.evidence_only,
    });
    let report = readiness::score(&args.path, &catalog, &options, input.as_ref())?;
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

/// `git config user.name` in the repository, else `$USER`.
fn who(root: &Path) -> String {
    std::process::Command::new("git")
        .args(["config", "user.name"])
        .current_dir(root)
        .output()
        .ok()
        .filter(|o| o.status.success())
        .and_then(|o| String::from_utf8(o.stdout).ok())
        .map(|s| s.trim().to_owned())
        .filter(|s| !s.is_empty())
        .or_else(|| std::env::var("USER").ok().filter(|u| !u.is_empty()))
        .unwrap_or_else(|| "unknown".to_owned())
}

fn run_ask(args: &AskArgs) -> Result<ExitCode, readiness::Error> {
    if !std::io::stdin().is_terminal() {
        return Err(readiness::Error::Io(
            "`readiness ask` asks questions in a terminal, and stdin is not one (is this CI?). \
             Run it locally and commit .readiness/answers.yaml; `readiness score` reads it \
             (or point it elsewhere with --answers FILE)."
                .to_owned(),
        ));
    }
    readiness::check_root(&args.path)?;
    let catalog = readiness::load_catalog(&args.rubrics)?;
    for id in &args.checks {
        if catalog.check(id).is_none() {
            return Err(readiness::Error::Io(format!("--check {id}: no such check")));
        }
    }
    let (file, shown) = answers_location(&args.path, args.answer.answers.as_ref());
    let mut answers = readiness::answers::load(&file, &shown).map_err(readiness::Error::Answers)?;
    let today = readiness::answers::Date::today().map_err(readiness::Error::Io)?;
    let index = readiness::scan(&args.path, &catalog, &ScanOptions::default())?;
    let scan = readiness::eval::build_report(&catalog, &index, None);
    let options = readiness::questionnaire::AskOptions {
        review_detected: args.review,
        only: args.checks.clone(),
        max_age_days: args.answer.max_answer_age,
        today,
        by: args.by.clone().unwrap_or_else(|| who(&args.path)),
        file: shown.clone(),
    };
    let items = readiness::questionnaire::plan(&catalog, &scan, &answers, &options);
    let stdin = std::io::stdin();
    let mut input = stdin.lock();
    let mut out = std::io::stdout().lock();
    readiness::questionnaire::run(&items, &mut answers, &options, &mut input, &mut out, |a| {
        readiness::answers::save(&file, a)
    })
    .map_err(|e| readiness::Error::Io(format!("{shown}: {e}")))?;
    Ok(ExitCode::SUCCESS)
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match &cli.command {
        Command::Score(args) => run_score(args),
        Command::Ask(args) => run_ask(args),
    };
    match result {
        Ok(code) => code,
        Err(err) => {
            let _ = writeln!(std::io::stderr(), "readiness: error: {err}");
            ExitCode::from(2)
        }
    }
}
