//! The `readiness` binary: parses arguments, calls the library, prints, and
//! turns the result into an exit code (0 gate met, 1 below the gate, 2 error).

mod ask_cmd;
mod ask_terminal;
mod fleet_cmd;
mod rubrics_cmd;

use clap::{Parser, Subcommand, ValueEnum};
use readiness::config::Config;
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
    Ask(ask_cmd::AskArgs),
    /// Write a commented starter readiness.toml.
    Init(InitArgs),
    /// Compare two JSON reports: regressions, improvements, rubric changes.
    /// Exits 1 when something regressed.
    Diff(DiffArgs),
    /// Show a check: level, why, fix and exactly what it looks for.
    Explain(rubrics_cmd::ExplainArgs),
    /// Fold many repositories' JSON reports into one organisation view:
    /// levels per repository, levels per area, the most common next steps,
    /// stale reports and older rubrics.
    Fleet(fleet_cmd::FleetArgs),
    /// One repository's stored reports in commit order: each area's level
    /// and score over time, rubric changes and regressions.
    Trend(fleet_cmd::TrendArgs),
    /// List or validate rubrics.
    #[command(subcommand)]
    Rubrics(rubrics_cmd::RubricsCommand),
    /// Print a shell completion script, e.g. `readiness completions bash >
    /// ~/.local/share/bash-completion/completions/readiness`.
    Completions(CompletionsArgs),
    /// Print the man page (roff), e.g. `readiness man > readiness.1`.
    Man,
}

#[derive(Parser)]
struct CompletionsArgs {
    /// The shell to complete for.
    #[arg(value_enum)]
    shell: clap_complete::Shell,
}

#[derive(Parser)]
struct DiffArgs {
    /// The earlier report (`readiness score --format json`).
    old: PathBuf,
    /// The later report.
    new: PathBuf,
}

fn run_diff(args: &DiffArgs) -> Result<ExitCode, readiness::Error> {
    let read = |p: &PathBuf| read_named(p, readiness::fsutil::MAX_REPORT);
    let comparison = readiness::diff::compare(
        &read(&args.old)?,
        &args.old.display().to_string(),
        &read(&args.new)?,
        &args.new.display().to_string(),
    )
    .map_err(readiness::Error::Io)?;
    let _ = std::io::stdout().write_all(readiness::diff::render(&comparison).as_bytes());
    Ok(if comparison.regressed() {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

#[derive(Parser)]
struct InitArgs {
    /// Repository to write readiness.toml into.
    #[arg(default_value = ".")]
    path: PathBuf,
    /// Replace an existing readiness.toml.
    #[arg(long)]
    force: bool,
}

fn run_init(args: &InitArgs) -> Result<ExitCode, readiness::Error> {
    readiness::check_root(&args.path)?;
    let path = args.path.join(readiness::config::FILE_NAME);
    if path.exists() && !args.force {
        return Err(readiness::Error::Io(format!(
            "{}: already exists; pass --force to replace it",
            path.display()
        )));
    }
    readiness::fsutil::write_atomic(&path, readiness::config::STARTER.as_bytes())
        .map_err(|e| readiness::Error::Io(format!("{}: cannot write: {e}", path.display())))?;
    let _ = writeln!(std::io::stdout(), "wrote {}", path.display());
    Ok(ExitCode::SUCCESS)
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
struct ScoreArgs {
    /// Repository to scan.
    #[arg(default_value = ".")]
    path: PathBuf,
    /// Output format; repeat with --output to write several in one run,
    /// e.g. `--format json --output r.json --format sarif --output r.sarif`.
    #[arg(long, value_enum, action = clap::ArgAction::Append)]
    format: Vec<Format>,
    /// Write the preceding --format to FILE (atomically) instead of stdout.
    #[arg(long, value_name = "FILE", action = clap::ArgAction::Append)]
    output: Vec<PathBuf>,
    /// Prefix for evidence links in Markdown, e.g.
    /// https://github.com/ORG/REPO/blob/SHA/ (default: relative links).
    #[arg(long, value_name = "URL", default_value = "")]
    link_base: String,
    /// Config file [default: PATH/readiness.toml when it exists].
    #[arg(long, value_name = "FILE")]
    config: Option<PathBuf>,
    /// A previous JSON report: exit 1 when an area level dropped or a met
    /// check is no longer met (a changed rubric is reported, not failed).
    #[arg(long, value_name = "FILE")]
    baseline: Option<PathBuf>,
    /// Record the repository's name in the report (e.g. `org/name`), for
    /// `readiness fleet`.
    #[arg(long, value_name = "NAME")]
    repository: Option<String>,
    /// Record the commit scored in the report.
    #[arg(long, value_name = "SHA")]
    commit: Option<String>,
    /// Record the commit's date (YYYY-MM-DD) in the report: `fleet` flags
    /// reports older than its --stale-after.
    #[arg(long, value_name = "DATE", value_parser = parse_date)]
    commit_date: Option<readiness::answers::Date>,
    /// Score only the project NAME of a repository that holds several (the
    /// names are listed in the full report); its gate is the only one.
    #[arg(long, value_name = "NAME")]
    project: Option<String>,
    /// Exit with 1 when the overall level is below N (a release gate);
    /// overrides `min_level` in the config.
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
    /// Exit 2 when no level threshold applies (no `min_level` or
    /// `[area_min_level]` in readiness.toml, no `--min-level`): a hook or
    /// CI job meant to gate fails loudly instead of passing without
    /// checking anything.
    #[arg(long)]
    require_gate: bool,
    /// Print nothing on stderr on success or gate failure: no one-line
    /// verdict (it is printed when the table does not go to stdout).
    #[arg(long, short)]
    quiet: bool,
}

#[derive(Clone, Copy, PartialEq, Eq, Debug, ValueEnum)]
enum Format {
    Table,
    Json,
    Sarif,
    Markdown,
    Junit,
    /// One self-contained page (inline CSS and SVG, no network loads).
    Html,
}

/// Where each requested format goes: `None` is stdout.
type Targets = Vec<(Format, Option<PathBuf>)>;

/// Pairs every `--output` with the `--format` right before it on the command
/// line. At most one format may go to stdout.
fn output_targets(matches: &clap::ArgMatches, args: &ScoreArgs) -> Result<Targets, String> {
    let format_at: Vec<usize> = matches
        .indices_of("format")
        .map(Iterator::collect)
        .unwrap_or_default();
    let output_at: Vec<usize> = matches
        .indices_of("output")
        .map(Iterator::collect)
        .unwrap_or_default();
    let mut targets: Targets = if args.format.is_empty() {
        vec![(Format::Table, None)]
    } else {
        args.format.iter().map(|f| (*f, None)).collect()
    };
    for (path, at) in args.output.iter().zip(output_at) {
        let Some(i) = format_at.iter().rposition(|&f| f < at) else {
            return Err(format!(
                "--output {} must follow the --format it writes",
                path.display()
            ));
        };
        if targets[i].1.is_some() {
            return Err(
                format!("--format {:?} has two --output files", targets[i].0).to_lowercase(),
            );
        }
        targets[i].1 = Some(path.clone());
    }
    if targets.iter().filter(|(_, out)| out.is_none()).count() > 1 {
        return Err(
            "only one --format can go to standard output; give the others --output FILE".to_owned(),
        );
    }
    Ok(targets)
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum ColorChoice {
    Auto,
    Always,
    Never,
}

/// `--color always` and `never` are explicit requests and win; `auto`
/// colours a terminal unless `NO_COLOR` is set and not empty (no-color.org:
/// a per-invocation flag overrides the variable).
fn use_color(choice: ColorChoice) -> bool {
    let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
    match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => !no_color && std::io::stdout().is_terminal(),
    }
}

/// Reads a UTF-8 file the user named on the command line, bounded.
fn read_named(path: &Path, cap: u64) -> Result<String, readiness::Error> {
    let name = path.display();
    let bytes = readiness::fsutil::read_bounded(path, cap, readiness::fsutil::Chosen::ByUser)
        .map_err(|e| readiness::Error::Io(format!("{name}: cannot read: {e}")))?;
    String::from_utf8(bytes).map_err(|e| {
        let pos = readiness::node::invalid_utf8_pos(&e);
        readiness::Error::Io(format!(
            "{name}:{}:{}: not valid UTF-8",
            pos.line, pos.column
        ))
    })
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

/// Reads `--config FILE`, or `PATH/readiness.toml` when it exists.
fn load_config(
    root: &Path,
    explicit: Option<&PathBuf>,
) -> Result<Option<Config>, readiness::Error> {
    let (path, shown) = match explicit {
        Some(path) => (path.clone(), path.display().to_string()),
        None => {
            let path = root.join(readiness::config::FILE_NAME);
            // Present in any form (a link or a FIFO is refused when read).
            if std::fs::symlink_metadata(&path).is_err() {
                return Ok(None);
            }
            (path, readiness::config::FILE_NAME.to_owned())
        }
    };
    Config::load(&path, &shown, chosen_by(root, explicit.is_some()))
        .map(Some)
        .map_err(readiness::Error::Config)
}

/// Who chose a file: the user on the command line, or the repository.
fn chosen_by(root: &Path, explicit: bool) -> readiness::fsutil::Chosen<'_> {
    if explicit {
        readiness::fsutil::Chosen::ByUser
    } else {
        readiness::fsutil::Chosen::ByRepository { root }
    }
}

/// The catalogue: built-ins, the config's rubric directories, then --rubrics.
/// The directories of the repository's own `readiness.toml` (`root` given)
/// must lie inside it; those of `--config FILE` are the user's choice.
fn catalog_for(
    config: Option<&Config>,
    cli_dirs: &[PathBuf],
    root: Option<&Path>,
) -> Result<readiness::rubric::Catalog, readiness::Error> {
    let config_dirs: Vec<PathBuf> = config.map(|c| c.rubrics.clone()).unwrap_or_default();
    let catalog = readiness::load_catalog_from(&config_dirs, root, cli_dirs)?;
    if let Some(config) = config {
        config
            .validate(&catalog)
            .map_err(readiness::Error::Config)?;
    }
    Ok(catalog)
}

fn run_score(args: &ScoreArgs, targets: &Targets) -> Result<ExitCode, readiness::Error> {
    readiness::check_root(&args.path)?;
    let config = load_config(&args.path, args.config.as_ref())?;
    // A threshold is what makes a gate: a readiness.toml with excludes or
    // waivers alone checks no level.
    let has_threshold = args.min_level.is_some()
        || config
            .as_ref()
            .is_some_and(|c| c.min_level.is_some() || !c.area_min_levels.is_empty());
    if args.require_gate && !has_threshold {
        return Err(readiness::Error::Io(format!(
            "{}: no release gate to check: set `min_level` or `[area_min_level]` in readiness.toml (`readiness init` writes one) or pass --min-level",
            args.path.display()
        )));
    }
    let repo_root = args.config.is_none().then_some(args.path.as_path());
    let catalog = catalog_for(config.as_ref(), &args.rubrics, repo_root)?;
    let options = ScanOptions {
        max_file_size: args.max_file_size,
        exclude: config
            .as_ref()
            .map(|c| c.exclude.clone())
            .unwrap_or_default(),
        ..ScanOptions::default()
    };
    let (file, shown) = answers_location(&args.path, args.answer.answers.as_ref());
    if args.answer.answers.is_some() && !file.is_file() {
        return Err(readiness::Error::Io(format!(
            "{shown}: answers file not found"
        )));
    }
    let chosen = chosen_by(&args.path, args.answer.answers.is_some());
    let answers =
        readiness::answers::load(&file, &shown, chosen).map_err(readiness::Error::Answers)?;
    let today = readiness::answers::Date::today().map_err(readiness::Error::Io)?;
    let input = file.is_file().then(|| readiness::eval::AnswerInput {
        answers: &answers,
        file: shown.clone(),
        today,
        max_age_days: args.answer.max_answer_age,
        ignore: args.evidence_only,
    });
    let policy = readiness::eval::GateInput {
        config: config.as_ref(),
        min_level: args.min_level,
        today,
    };
    let mut report = readiness::score_project(
        &args.path,
        &catalog,
        &options,
        input.as_ref(),
        Some(&policy),
        args.project.as_deref(),
    )?;
    if args.repository.is_some() || args.commit.is_some() || args.commit_date.is_some() {
        report.provenance = Some(readiness::report::Provenance {
            repository: args.repository.clone(),
            commit: args.commit.clone(),
            commit_date: args.commit_date.map(|d| d.to_string()),
        });
    }
    if let Some(path) = &args.baseline {
        let text = read_named(path, readiness::fsutil::MAX_REPORT)?;
        readiness::apply_baseline(&mut report, &text, &path.display().to_string())?;
    }
    for (format, output) in targets {
        // JSON is streamed: a monorepo's report lists every project, and
        // its text is never held whole. The other formats are rendered
        // first, then written.
        let text = match format {
            Format::Json => None,
            Format::Sarif => Some(readiness::render::sarif::render(&report)),
            Format::Junit => Some(readiness::render::junit::render(&report)),
            Format::Html => Some(readiness::render::html::render(
                &report,
                &readiness::render::html::HtmlOptions {
                    link_base: args.link_base.clone(),
                },
            )),
            Format::Markdown => Some(readiness::render::markdown::render(
                &report,
                &readiness::render::markdown::MarkdownOptions {
                    link_base: args.link_base.clone(),
                },
            )),
            Format::Table => Some(readiness::render::table::render(
                &report,
                &TableOptions {
                    color: output.is_none() && use_color(args.color),
                    evidence_per_check: args.evidence,
                    width: output.is_none().then(terminal_width).flatten(),
                },
            )),
        };
        let emit = |out: &mut dyn Write| match &text {
            Some(text) => out.write_all(text.as_bytes()),
            None => readiness::render::json::write(&report, out),
        };
        match output {
            Some(path) => readiness::fsutil::write_atomic_with(path, emit).map_err(|e| {
                readiness::Error::Io(format!("{}: cannot write: {e}", path.display()))
            })?,
            None => {
                let mut stdout = std::io::BufWriter::new(std::io::stdout().lock());
                if let Err(e) = emit(&mut stdout).and_then(|()| stdout.flush()) {
                    if e.kind() != std::io::ErrorKind::BrokenPipe {
                        return Err(readiness::Error::Io(format!("cannot write output: {e}")));
                    }
                }
            }
        }
    }
    // The table ends with the verdict; any other run says it on stderr, so
    // that one whose formats all went to files does not end in silence.
    let table_shown = targets
        .iter()
        .any(|(format, output)| *format == Format::Table && output.is_none());
    if !args.quiet && !table_shown {
        let _ = std::io::stderr().write_all(readiness::render::verdict::render(&report).as_bytes());
    }
    let gate_failed = report.gate.as_ref().is_some_and(|g| !g.passed);
    Ok(if gate_failed {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// Writes generated text to stdout (a closed pipe is not an error).
fn print_bytes(bytes: &[u8]) -> Result<ExitCode, readiness::Error> {
    let mut stdout = std::io::stdout().lock();
    match stdout.write_all(bytes).and_then(|()| stdout.flush()) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
            Err(readiness::Error::Io(format!("cannot write output: {e}")))
        }
        _ => Ok(ExitCode::SUCCESS),
    }
}

/// The width of the terminal stdout is, when it is one (a pipe or a file
/// gets the fixed 80 columns, so saved output is the same everywhere).
fn terminal_width() -> Option<usize> {
    use std::io::IsTerminal;
    if !std::io::stdout().is_terminal() {
        return None;
    }
    crossterm::terminal::size()
        .ok()
        .map(|(columns, _)| usize::from(columns))
        .filter(|&c| c > 0)
}

fn parse_date(s: &str) -> Result<readiness::answers::Date, String> {
    readiness::answers::Date::parse(s).ok_or_else(|| format!("`{s}` is not a date (YYYY-MM-DD)"))
}

/// glibc's allocator gives threads arenas of their own, up to eight per
/// core, and keeps in each the memory freed there: the walk's queue and
/// buffers, freed in its threads' arenas, are not reused when the main
/// thread and the scoring threads later allocate in arenas of their own.
/// One arena per walker thread (one per core) and one for the main thread
/// are all the scan uses at once; fewer would make walker threads wait on
/// each other's lock (6 % slower at 100k files with two arenas on two
/// cores). A limit the user set (`MALLOC_ARENA_MAX`, `GLIBC_TUNABLES`)
/// is kept.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
fn cap_malloc_arenas() {
    if std::env::var_os("MALLOC_ARENA_MAX").is_some()
        || std::env::var("GLIBC_TUNABLES").is_ok_and(|t| t.contains("arena_max"))
    {
        return;
    }
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let arenas = libc::c_int::try_from(cores + 1).unwrap_or(libc::c_int::MAX);
    // SAFETY: mallopt only sets a parameter of the allocator; it is called
    // first thing, before any other thread exists.
    unsafe {
        libc::mallopt(libc::M_ARENA_MAX, arenas);
    }
}

#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
fn cap_malloc_arenas() {}

fn main() -> ExitCode {
    use clap::{CommandFactory, FromArgMatches};
    cap_malloc_arenas();
    let matches = Cli::command().get_matches();
    let cli = Cli::from_arg_matches(&matches).unwrap_or_else(|e| e.exit());
    let result = match &cli.command {
        Command::Score(args) => {
            let sub = matches.subcommand_matches("score").unwrap_or(&matches);
            let targets = output_targets(sub, args).unwrap_or_else(|message| {
                Cli::command()
                    .error(clap::error::ErrorKind::ArgumentConflict, message)
                    .exit()
            });
            run_score(args, &targets)
        }
        Command::Ask(args) => ask_cmd::run_ask(args),
        Command::Init(args) => run_init(args),
        Command::Diff(args) => run_diff(args),
        Command::Explain(args) => rubrics_cmd::run_explain(args),
        Command::Fleet(args) => fleet_cmd::run(args),
        Command::Trend(args) => fleet_cmd::run_trend(args),
        Command::Rubrics(command) => rubrics_cmd::run_rubrics(command),
        Command::Completions(args) => {
            let mut script = Vec::new();
            clap_complete::generate(args.shell, &mut Cli::command(), "readiness", &mut script);
            print_bytes(&script)
        }
        Command::Man => {
            let mut page = Vec::new();
            clap_mangen::Man::new(Cli::command())
                .render(&mut page)
                .map_err(|e| readiness::Error::Io(format!("cannot render the man page: {e}")))
                .and_then(|()| print_bytes(&page))
        }
    };
    match result {
        Ok(code) => code,
        Err(err) => {
            let _ = writeln!(std::io::stderr(), "readiness: error: {err}");
            ExitCode::from(2)
        }
    }
}
