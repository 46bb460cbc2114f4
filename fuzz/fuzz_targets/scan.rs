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

fuzz_target!(|data: &[u8]| {
    static CATALOG: OnceLock<readiness::rubric::Catalog> = OnceLock::new();
    let catalog = CATALOG.get_or_init(|| readiness::load_catalog(&[]).expect("built-ins load"));
    let dir = tempfile::tempdir().expect("temp dir");
    for name in NAMES {
        let path = dir.path().join(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, data).unwrap();
    }
    let options = readiness::scan::ScanOptions {
        threads: 1,
        ..readiness::scan::ScanOptions::default()
    };
    let _ = readiness::score(dir.path(), catalog, &options, None, None);
});
