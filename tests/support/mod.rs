//! Helpers shared by the integration tests: fixture repositories written
//! into temporary directories, and lookups into reports.
#![allow(dead_code)]

use readiness::report::{Outcome, Report};
use readiness::scan::ScanOptions;
use std::path::{Path, PathBuf};

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
