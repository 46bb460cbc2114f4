//! `readiness` scores how ready an ML project is to ship a model to
//! production, from evidence found in its repository.
//!
//! One pass from input to output: load and validate rubrics
//! ([`rubric`]) → scan the repository once into an evidence index
//! ([`scan()`]) → evaluate checks and score the ladder ([`eval`]) → render
//! ([`render`]). The library never prints; the binary is a thin shell.

pub mod answers;
pub mod config;
pub mod diag;
pub mod diff;
pub mod eval;
pub mod fleet;
pub mod fsutil;
pub mod ladder;
pub mod memory;
pub mod next_steps;
pub mod node;
pub mod node_codec;
pub mod projects;
pub mod questionnaire;
pub mod render;
pub mod report;
pub mod rubric;
pub mod scan;
pub mod stored;
pub mod text;
pub mod trend;
pub mod yaml_fast;

use std::path::{Path, PathBuf};

/// The built-in areas, in the order reports list them.
pub const BUILTIN_AREAS: &[&str] = &[
    "versioning",
    "evals",
    "monitoring",
    "ownership",
    "rollback",
    "data-layer",
];

/// Everything that can stop a run; all map to exit code 2.
#[derive(Debug)]
pub enum Error {
    /// One or more rubric files are malformed (every problem listed).
    Rubric(diag::Diagnostics),
    /// The answers file is malformed (every problem listed).
    Answers(Vec<diag::Diagnostic>),
    /// The config file is malformed (every problem listed).
    Config(Vec<diag::Diagnostic>),
    /// A file or directory could not be read.
    Io(String),
}

impl std::fmt::Display for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        match self {
            Error::Rubric(d) => write!(f, "{d}"),
            Error::Answers(list) | Error::Config(list) => {
                let n = list.len();
                let what = if matches!(self, Error::Config(_)) {
                    "the config file"
                } else {
                    "the answers file"
                };
                write!(
                    f,
                    "{n} problem{} found in {what}:",
                    if n == 1 { "" } else { "s" }
                )?;
                for d in list {
                    write!(f, "\n  {d}")?;
                }
                Ok(())
            }
            Error::Io(e) => f.write_str(e),
        }
    }
}

impl std::error::Error for Error {}

/// Loads the built-in rubrics plus every rubric in `extra_dirs` (named by
/// the user).
pub fn load_catalog(extra_dirs: &[PathBuf]) -> Result<rubric::Catalog, Error> {
    load_catalog_from(&[], None, extra_dirs)
}

/// Loads the built-in rubrics, the rubric directories a repository's
/// `readiness.toml` names (which must lie inside `root`), then the ones the
/// user named.
pub fn load_catalog_from(
    repo_dirs: &[PathBuf],
    root: Option<&Path>,
    user_dirs: &[PathBuf],
) -> Result<rubric::Catalog, Error> {
    let mut user = Vec::new();
    let chosen = |repo: bool| match (repo, root) {
        (true, Some(root)) => fsutil::Chosen::ByRepository { root },
        _ => fsutil::Chosen::ByUser,
    };
    let dirs = repo_dirs
        .iter()
        .map(|d| (d, true))
        .chain(user_dirs.iter().map(|d| (d, false)));
    for (dir, repo) in dirs {
        let sources = rubric::read_rubric_dir(dir, chosen(repo))
            .map_err(|e| Error::Io(format!("{}: cannot read rubrics: {e}", dir.display())))?;
        if sources.is_empty() {
            return Err(Error::Io(format!(
                "{}: no rubric files (*.yaml, *.yml) found",
                dir.display()
            )));
        }
        user.extend(sources);
    }
    rubric::load_catalog(&rubric::builtin::sources(), &user).map_err(Error::Rubric)
}

/// Scans `root` and scores it against `catalog`, using questionnaire
/// answers when given. A repository of several projects is scored per
/// project (see [`projects`]; the policy's config may declare them).
pub fn score(
    root: &Path,
    catalog: &rubric::Catalog,
    options: &scan::ScanOptions,
    answers: Option<&eval::AnswerInput>,
    policy: Option<&eval::GateInput>,
) -> Result<report::Report, Error> {
    score_project(root, catalog, options, answers, policy, None)
}

/// [`score`], for the one project named `only` when given.
pub fn score_project(
    root: &Path,
    catalog: &rubric::Catalog,
    options: &scan::ScanOptions,
    answers: Option<&eval::AnswerInput>,
    policy: Option<&eval::GateInput>,
    only: Option<&str>,
) -> Result<report::Report, Error> {
    // The hits stay pending until the layout says how much of them the
    // report needs: all of them only when projects share them out.
    let mut index = scan::scan_pending(root, catalog, options).map_err(Error::Io)?;
    let settings = policy
        .and_then(|p| p.config)
        .map(|c| c.projects.clone())
        .unwrap_or_default();
    let config_file = policy
        .and_then(|p| p.config)
        .map_or(config::FILE_NAME, |c| c.file.as_str());
    let layout = projects::layout(catalog, &index, &settings)
        .map_err(|e| Error::Io(format!("{config_file}: {e}")))?;
    memory::release_freed();
    let build = |scoped: &scan::EvidenceIndex| eval::build_report(catalog, scoped, answers, policy);
    let one_system =
        layout.projects.is_empty() || (layout.projects.len() == 1 && settings.declared.is_empty());
    if one_system {
        return match only {
            Some(name) => Err(Error::Io(format!(
                "no project `{name}`: {} holds no projects (declare them with `[[project]]` in {})",
                root.display(),
                config::FILE_NAME
            ))),
            None => {
                index.take_in_reduced().map_err(Error::Io)?;
                Ok(build(&index))
            }
        };
    }
    let read = |path: &str| {
        fsutil::read_bounded(
            &root.join(path),
            options.max_file_size,
            fsutil::Chosen::ByRepository { root },
        )
        .ok()
        .map(|bytes| String::from_utf8_lossy(&bytes).into_owned())
    };
    // The partition keeps the shared hits and reads each project's own
    // back from the index's store when it is scored.
    let partition = projects::Partition::new(&mut index, &layout, &read).map_err(Error::Io)?;
    memory::release_freed();
    let scored = |i: usize| build(&partition.scoped(&index, i, projects::Detail::Full));
    // Projects whose evidence settles the same outcomes are scored once.
    let settled = projects::rollup::SettledByKey::default();
    let outcomes = |i: usize| {
        settled.get_or_settle(partition.outcome_key(&index, i), || {
            projects::rollup::Settled::of(build(&partition.scoped(
                &index,
                i,
                projects::Detail::Outcomes,
            )))
        })
    };
    let single = match only {
        Some(name) => Some(
            layout
                .projects
                .iter()
                .position(|p| p.name == name)
                .ok_or_else(|| {
                    let names: Vec<&str> =
                        layout.projects.iter().map(|p| p.name.as_str()).collect();
                    let hint = config::did_you_mean(name, &names);
                    let then = if hint.is_empty() { "; the" } else { " The" };
                    Error::Io(format!(
                        "no project `{name}`{hint}{then} projects are: {}",
                        names.join(", ")
                    ))
                })?,
        ),
        None => (layout.projects.len() == 1).then_some(0),
    };
    if let Some(i) = single {
        let mut report = scored(i);
        report.project = Some(projects::rollup::reference(&layout.projects[i]));
        return Ok(report);
    }
    let workers = match options.threads {
        0 => std::thread::available_parallelism().map_or(1, |n| n.get()),
        n => n,
    };
    Ok(projects::rollup::fold_all(
        &layout.projects,
        &|batch| partition.prepare(&index, batch),
        &outcomes,
        &scored,
        workers,
        settings.rollup,
    ))
}

/// Compares the report with a baseline report (JSON text) and records the
/// result; regressions fail the gate (creating one if no threshold did).
pub fn apply_baseline(
    report: &mut report::Report,
    baseline: &str,
    name: &str,
) -> Result<(), Error> {
    let current = render::json::render(report);
    let comparison = diff::compare(baseline, name, &current, "this report").map_err(Error::Io)?;
    if comparison.regressed() {
        let gate = report.gate.get_or_insert_with(|| report::Gate {
            config: None,
            min_level: None,
            area_min_levels: Default::default(),
            passed: true,
            failures: Vec::new(),
            warnings: Vec::new(),
            waivers: Vec::new(),
        });
        gate.failures.extend(
            comparison
                .regressions
                .iter()
                .map(|r| format!("regression since {name}: {r}")),
        );
        gate.passed = false;
    }
    report.baseline = Some(report::BaselineSummary {
        file: name.to_owned(),
        comparison,
    });
    Ok(())
}

/// Fails unless `root` is a readable directory, with the message the scan
/// would give; lets callers check before reading files under it.
pub fn check_root(root: &Path) -> Result<(), Error> {
    let meta =
        std::fs::metadata(root).map_err(|e| Error::Io(format!("{}: {e}", root.display())))?;
    if meta.is_dir() {
        Ok(())
    } else {
        Err(Error::Io(format!("{}: not a directory", root.display())))
    }
}

/// The one scan of `root` (used by `score` and by the questionnaire).
pub fn scan(
    root: &Path,
    catalog: &rubric::Catalog,
    options: &scan::ScanOptions,
) -> Result<scan::EvidenceIndex, Error> {
    scan::scan(root, catalog, options).map_err(Error::Io)
}
