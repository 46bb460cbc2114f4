//! `readiness ask`: the questionnaire in a terminal, each answer saved
//! (merged, atomically) as it is given, and who is answering.

use crate::{answers_location, ask_terminal, catalog_for, chosen_by, load_config, AnswerArgs};
use clap::Parser;
use readiness::scan::ScanOptions;
use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Parser)]
pub(crate) struct AskArgs {
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
    /// Only questions about this area (e.g. `evals`). Repeatable.
    #[arg(long = "area", value_name = "AREA")]
    areas: Vec<String>,
    /// Only questions about checks at or below this level.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u8).range(1..=3))]
    level: Option<u8>,
    /// Only what stands between the project and its next level.
    #[arg(long)]
    next: bool,
    /// Type answers as letters instead of choosing from arrow-key menus
    /// (screen readers, terminals the menus cannot drive; the default when
    /// TERM is `dumb`).
    #[arg(long)]
    plain: bool,
    /// Config file [default: PATH/readiness.toml when it exists].
    #[arg(long, value_name = "FILE")]
    config: Option<PathBuf>,
    /// Name recorded with each answer [default: `git config user.name`].
    #[arg(long, value_name = "NAME")]
    by: Option<String>,
    /// Directory of extra rubric YAML files. Repeatable.
    #[arg(long = "rubrics", value_name = "DIR")]
    rubrics: Vec<PathBuf>,
}

/// Who is answering: `git config --global user.name`, else `$USER`. The
/// repository is untrusted: git is found on `PATH` skipping relative
/// entries (so a committed `./git` never runs), it is not run inside the
/// repository and reads only the user's global config (a repository's
/// `[include]` of a FIFO cannot hang it), and it is killed after 5 seconds.
fn who() -> String {
    git_user_name()
        .or_else(|| std::env::var("USER").ok().filter(|u| !u.is_empty()))
        .map(|name| readiness::text::printable(&name).into_owned())
        .unwrap_or_else(|| "unknown".to_owned())
}

fn git_user_name() -> Option<String> {
    let git = std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .filter(|dir| dir.is_absolute())
            .map(|dir| dir.join("git"))
            .find(|candidate| candidate.is_file())
    })?;
    let mut child = std::process::Command::new(git)
        .args(["config", "--global", "user.name"])
        .current_dir(std::env::temp_dir())
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .ok()?;
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(5);
    loop {
        match child.try_wait() {
            Ok(Some(status)) if status.success() => break,
            Ok(Some(_)) | Err(_) => return None,
            Ok(None) if std::time::Instant::now() > deadline => {
                let _ = child.kill();
                let _ = child.wait();
                return None;
            }
            Ok(None) => std::thread::sleep(std::time::Duration::from_millis(10)),
        }
    }
    let mut name = String::new();
    std::io::Read::read_to_string(
        &mut std::io::Read::take(child.stdout.take()?, 4096),
        &mut name,
    )
    .ok()?;
    let name = name.trim().to_owned();
    (!name.is_empty()).then_some(name)
}

pub(crate) fn run_ask(args: &AskArgs) -> Result<ExitCode, readiness::Error> {
    if !std::io::stdin().is_terminal() {
        return Err(readiness::Error::Io(
            "`readiness ask` asks questions in a terminal, and stdin is not one (is this CI?). \
             Run it locally and commit .readiness/answers.yaml; `readiness score` reads it \
             (or point it elsewhere with --answers FILE)."
                .to_owned(),
        ));
    }
    readiness::check_root(&args.path)?;
    let config = load_config(&args.path, args.config.as_ref())?;
    let repo_root = args.config.is_none().then_some(args.path.as_path());
    let catalog = catalog_for(config.as_ref(), &args.rubrics, repo_root)?;
    for id in &args.checks {
        if catalog.check(id).is_none() {
            return Err(readiness::Error::Io(format!("--check {id}: no such check")));
        }
    }
    let (file, shown) = answers_location(&args.path, args.answer.answers.as_ref());
    let chosen = chosen_by(&args.path, args.answer.answers.is_some());
    let mut answers =
        readiness::answers::load(&file, &shown, chosen).map_err(readiness::Error::Answers)?;
    let today = readiness::answers::Date::today().map_err(readiness::Error::Io)?;
    let scan_options = ScanOptions {
        exclude: config
            .as_ref()
            .map(|c| c.exclude.clone())
            .unwrap_or_default(),
        ..ScanOptions::default()
    };
    let index = readiness::scan(&args.path, &catalog, &scan_options)?;
    let scan = readiness::eval::build_report(&catalog, &index, None, None);
    let known: Vec<&str> = catalog.rubrics.iter().map(|r| r.area.as_str()).collect();
    if let Some(unknown) = args.areas.iter().find(|a| !known.contains(&a.as_str())) {
        return Err(readiness::Error::Io(format!(
            "--area `{unknown}` is not an area{} (areas: {})",
            readiness::config::did_you_mean(unknown, &known),
            known.join(", ")
        )));
    }
    let options = readiness::questionnaire::AskOptions {
        review_detected: args.review,
        only: args.checks.clone(),
        areas: args.areas.clone(),
        max_level: args.level,
        next_only: args.next,
        max_age_days: args.answer.max_answer_age,
        today,
        by: args.by.clone().unwrap_or_else(who),
        file: shown.clone(),
    };
    let items = readiness::questionnaire::plan(&catalog, &scan, &answers, &options);
    let plain = args.plain || std::env::var_os("TERM").is_some_and(|t| t == "dumb");
    let mut prompter: Box<dyn readiness::questionnaire::Prompter> = if plain {
        Box::new(readiness::questionnaire::lines::LinePrompter::new(
            std::io::stdin().lock(),
            std::io::stdout().lock(),
        ))
    } else {
        Box::new(ask_terminal::TerminalPrompter::new())
    };
    let repo_owned = args.answer.answers.is_none();
    let root = args.path.clone();
    // What this session changed is what it writes: each save merges it into
    // the file as it is on disk then (see `answers::save_merged`).
    let loaded = answers.clone();
    readiness::questionnaire::run(&items, &mut answers, &options, &mut prompter, |a| {
        // The repository's answers file is written only inside it: not
        // through a `.readiness` directory that links elsewhere.
        if repo_owned {
            readiness::fsutil::ensure_inside(&root, &file)
                .map_err(|e| std::io::Error::new(e.kind(), format!("{shown}: {e}")))?;
        }
        let mine: Vec<readiness::answers::Answer> = a
            .entries
            .iter()
            .filter(|e| loaded.get(&e.check) != Some(*e))
            .cloned()
            .collect();
        readiness::answers::save_merged(&file, &shown, &mine, chosen_by(&root, !repo_owned))
            .map(|_| ())
            .map_err(|e| std::io::Error::new(e.kind(), format!("{shown}: {e}")))
    })
    // Errors of the save name the answers file; the others are the
    // terminal's (a stdin that is not UTF-8, a closed stdout).
    .map_err(|e| readiness::Error::Io(format!("ask: {e}")))?;
    Ok(ExitCode::SUCCESS)
}
