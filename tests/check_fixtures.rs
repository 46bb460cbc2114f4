//! Every built-in check has fixtures: small repositories it must credit
//! (`pass`) and near-misses it must not (`trap`). They live in
//! `tests/fixtures/checks/<area>.yaml`:
//!
//! ```yaml
//! EVL-03:
//!   pass:
//!     - name: a GitHub step that gates
//!       files:
//!         .github/workflows/ci.yml: |
//!           ...
//!   trap:
//!     - name: the same step with continue-on-error
//!       files: { ... }
//!     - name: a repository the check does not apply to
//!       expect: not_applicable
//!       files: { ... }
//! ```
//!
//! `expect` pins the exact outcome (`met`, `unmet`, `not_applicable`,
//! `unknown`) where "not met" is not precise enough.

use readiness::node::{parse_yaml, Node, Value};
use readiness::report::Outcome;
use std::path::Path;

struct Fixture {
    check: String,
    kind: &'static str,
    name: String,
    expect: Option<String>,
    files: Vec<(String, String)>,
}

fn load() -> Vec<Fixture> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/checks");
    let mut paths: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    paths.sort();
    let mut fixtures = Vec::new();
    for path in paths {
        let text = std::fs::read_to_string(&path).unwrap();
        let doc = parse_yaml(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let Value::Map(checks) = &doc.value else {
            panic!("{}: a map of check ids", path.display())
        };
        for check in checks {
            for kind in ["pass", "trap"] {
                let Some(Node {
                    value: Value::Seq(cases),
                    ..
                }) = check.node.get(kind)
                else {
                    continue;
                };
                for case in cases {
                    let name = case
                        .get("name")
                        .and_then(Node::as_str)
                        .unwrap_or("unnamed")
                        .to_owned();
                    let Some(Node {
                        value: Value::Map(files),
                        ..
                    }) = case.get("files")
                    else {
                        panic!(
                            "{}: {} {kind} `{name}` has no files",
                            path.display(),
                            check.key
                        )
                    };
                    fixtures.push(Fixture {
                        check: check.key.clone(),
                        kind,
                        name,
                        expect: case.get("expect").and_then(Node::as_str).map(str::to_owned),
                        files: files
                            .iter()
                            .map(|f| (f.key.clone(), f.node.as_str().unwrap_or("").to_owned()))
                            .collect(),
                    });
                }
            }
        }
    }
    fixtures
}

#[test]
fn every_check_has_a_positive_and_a_trap_fixture() {
    let catalog = readiness::load_catalog(&[]).unwrap();
    let fixtures = load();
    let mut missing = Vec::new();
    for rubric in &catalog.rubrics {
        for check in &rubric.checks {
            for kind in ["pass", "trap"] {
                if !fixtures
                    .iter()
                    .any(|f| f.check == check.id && f.kind == kind)
                {
                    missing.push(format!("{} has no {kind} fixture", check.id));
                }
            }
        }
    }
    for f in &fixtures {
        assert!(
            catalog.check(&f.check).is_some(),
            "fixture for unknown check {}",
            f.check
        );
    }
    assert!(missing.is_empty(), "{}", missing.join("\n"));
}

#[test]
fn fixtures_are_credited_and_traps_are_not() {
    let catalog = readiness::load_catalog(&[]).unwrap();
    let mut failures = Vec::new();
    for f in load() {
        let dir = tempfile::tempdir().unwrap();
        for (path, text) in &f.files {
            let full = dir.path().join(path);
            std::fs::create_dir_all(full.parent().unwrap()).unwrap();
            std::fs::write(full, text).unwrap();
        }
        let report =
            readiness::score(dir.path(), &catalog, &Default::default(), None, None).unwrap();
        let result = report
            .areas
            .iter()
            .flat_map(|a| a.checks.iter())
            .find(|c| c.id == f.check)
            .unwrap();
        let outcome = serde_json::to_value(result.outcome).unwrap();
        let ok = match (f.kind, &f.expect) {
            (_, Some(expect)) => outcome.as_str() == Some(expect.as_str()),
            ("pass", None) => result.outcome == Outcome::Met,
            (_, None) => result.outcome != Outcome::Met,
        };
        if !ok {
            failures.push(format!(
                "{} {} `{}`: outcome {:?}, evidence {:?}, reason {:?}",
                f.check, f.kind, f.name, result.outcome, result.evidence, result.reason
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} fixture(s) failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
