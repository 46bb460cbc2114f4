//! A whole scan of a repository whose files hold the input, under the names
//! rules read most (workflow, manifest, Python, Kubernetes YAML, notebook).
#![no_main]
use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock;

const NAMES: &[&str] = &[
    ".github/workflows/ci.yml",
    "requirements.txt",
    "src/train.py",
    "deploy/k8s.yaml",
    "notebooks/a.ipynb",
    "resources/job.yml",
];

/// The built-in catalog and its compiled plan, shared by every execution so
/// that each one costs a scan, not a plan build.
/// The repository is made once too; each execution rewrites its files.
struct Prepared {
    catalog: &'static readiness::rubric::Catalog,
    scanner: readiness::scan::Scanner<'static>,
    repo: tempfile::TempDir,
}

fn prepared() -> &'static Prepared {
    static PREPARED: OnceLock<Prepared> = OnceLock::new();
    PREPARED.get_or_init(|| {
        let catalog: &'static _ =
            Box::leak(Box::new(readiness::load_catalog(&[]).expect("built-ins load")));
        let options: &'static _ = Box::leak(Box::new(readiness::scan::ScanOptions {
            threads: 1,
            ..readiness::scan::ScanOptions::default()
        }));
        let scanner = readiness::scan::Scanner::new(catalog, options).expect("plan compiles");
        // In memory where the machine has it: every execution rewrites
        // the files, and a disk's truncates cost more than the scan.
        let shm = std::path::Path::new("/dev/shm");
        let repo = if shm.is_dir() {
            tempfile::tempdir_in(shm)
        } else {
            tempfile::tempdir()
        }
        .expect("temp dir");
        for name in NAMES {
            let path = repo.path().join(name);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        }
        Prepared {
            catalog,
            scanner,
            repo,
        }
    })
}

fuzz_target!(|data: &[u8]| {
    let prepared = prepared();
    for name in NAMES {
        std::fs::write(prepared.repo.path().join(name), data).unwrap();
    }
    if let Ok(index) = prepared.scanner.scan(prepared.repo.path()) {
        // Only what the files put in a report needs escaping: a report
        // without findings shows the rubrics' own text, the same every
        // time, which the render tests cover.
        let found = index.hits.iter().any(|h| !h.is_empty())
            || index.unknown.iter().any(|u| !u.is_empty())
            || !index.notes.is_empty()
            || !index.problems.is_empty();
        if !found {
            return;
        }
        let report = readiness::eval::build_report(prepared.catalog, &index, None, None);
        // The formats whose escaping is the tool's own (JSON's is serde_json's).
        let _ = readiness::render::markdown::render(&report, &Default::default());
        let table = readiness::render::table::TableOptions {
            color: false,
            evidence_per_check: 3,
            width: None,
        };
        let _ = readiness::render::table::render(&report, &table);
    }
});
