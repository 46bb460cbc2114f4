//! Helpers shared by the integration tests: fixture repositories written
//! into temporary directories, and lookups into reports.
#![allow(dead_code)]

use readiness::report::{Outcome, Report};
use readiness::scan::ScanOptions;
use std::path::{Path, PathBuf};
use std::process::Command;

/// The date every test runs on: waivers, answer ages and dates in output
/// depend on "today", so no test reads the wall clock.
pub const TODAY: &str = "2026-11-22";

/// The `readiness` binary with "today" pinned to [`TODAY`].
pub fn bin() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_readiness"));
    cmd.env("READINESS_TODAY", TODAY);
    cmd
}

pub struct Repo {
    pub dir: tempfile::TempDir,
}

impl Repo {
    pub fn new(files: &[(&str, &str)]) -> Repo {
        let repo = Repo {
            dir: tempfile::tempdir().unwrap(),
        };
        for (path, text) in files {
            repo.write(path, text.as_bytes());
        }
        repo
    }

    pub fn write(&self, path: &str, bytes: &[u8]) {
        let full = self.dir.path().join(path);
        std::fs::create_dir_all(full.parent().unwrap()).unwrap();
        std::fs::write(full, bytes).unwrap();
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    pub fn score(&self) -> Report {
        score(self.path())
    }
}

pub fn score(path: &Path) -> Report {
    let catalog = readiness::load_catalog(&[]).unwrap();
    readiness::score(path, &catalog, &ScanOptions::default(), None, None).unwrap()
}

/// The bundled examples written to score one level each (plus the RAG app).
pub const LEVEL_EXAMPLES: &[&str] = &[
    "level-0-notebook",
    "level-1-training",
    "level-2-deployment",
    "level-3-full",
    "rag-pgvector",
];

/// The realistic samples analysed in `docs/samples.md`.
pub const SAMPLES: &[&str] = &[
    "cookiecutter-churn",
    "llm-docs-assistant",
    "sagemaker-abalone-mlops",
    "kserve-fraud-detection",
    "feast-driver-ranking",
];

/// Every directory under `examples/`.
pub fn all_examples() -> impl Iterator<Item = &'static str> {
    LEVEL_EXAMPLES.iter().chain(SAMPLES).copied()
}

pub fn example(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("examples")
        .join(name)
}

pub fn outcome(report: &Report, check: &str) -> Outcome {
    find(report, check).outcome
}

pub fn find<'a>(report: &'a Report, check: &str) -> &'a readiness::report::CheckResult {
    report
        .areas
        .iter()
        .flat_map(|a| a.checks.iter())
        .find(|c| c.id == check)
        .unwrap_or_else(|| panic!("no check {check}"))
}

pub fn evidence(report: &Report, check: &str) -> Vec<String> {
    find(report, check)
        .evidence
        .iter()
        .map(|e| format!("{}:{}", e.path, e.line))
        .collect()
}

pub fn area_level(report: &Report, area: &str) -> Option<u8> {
    report.areas.iter().find(|a| a.id == area).unwrap().level
}

/// A temporary copy of a bundled example, to modify freely.
pub fn copy_example(name: &str) -> Repo {
    let repo = Repo::new(&[]);
    copy_dir(&example(name), repo.path());
    repo
}

/// A fixture monorepo under `tests/fixtures/monorepos/`.
pub fn monorepo(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/monorepos")
        .join(name)
}

/// A temporary copy of a fixture monorepo, to add a `readiness.toml` to.
pub fn copy_monorepo(name: &str) -> Repo {
    let repo = Repo::new(&[]);
    copy_dir(&monorepo(name), repo.path());
    repo
}

fn copy_dir(from: &Path, to: &Path) {
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            std::fs::create_dir_all(&target).unwrap();
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

/// One check of a JSON report, by id.
pub fn json_check<'a>(report: &'a serde_json::Value, id: &str) -> &'a serde_json::Value {
    report["areas"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|a| a["checks"].as_array().unwrap())
        .find(|c| c["id"] == id)
        .unwrap_or_else(|| panic!("no check {id}"))
}

/// How many checks the built-in catalogue has.
pub fn total_checks() -> usize {
    let catalog = readiness::load_catalog(&[]).unwrap();
    catalog.rubrics.iter().map(|r| r.checks.len()).sum()
}

/// An area's level in a JSON report (None when not applicable).
pub fn area_level_json(report: &serde_json::Value, area: &str) -> Option<u64> {
    report["areas"]
        .as_array()?
        .iter()
        .find(|a| a["id"] == area)?["level"]
        .as_u64()
}

/// The ids of the checks that could not be evaluated.
pub fn unknown_checks(report: &Report) -> Vec<&str> {
    report
        .checks()
        .filter(|c| c.outcome == Outcome::Unknown)
        .map(|c| c.id.as_str())
        .collect()
}
