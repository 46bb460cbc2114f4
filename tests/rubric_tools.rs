//! Tools for rubric authors: the rubric JSON Schema, `explain`,
//! `rubrics list` and `rubrics validate`.

mod support;
use std::path::Path;
use std::process::Output;
use support::{bin, total_checks};

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn readiness(args: &[&str]) -> Output {
    bin().args(args).current_dir(root()).output().unwrap()
}

fn stdout(out: &Output) -> String {
    String::from_utf8(out.stdout.clone()).unwrap()
}

#[test]
fn builtin_rubrics_validate_against_the_rubric_schema() {
    let schema: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(root().join("schema/rubric-v1.schema.json")).unwrap(),
    )
    .unwrap();
    let validator = jsonschema::validator_for(&schema).unwrap();
    for (file, text) in readiness::rubric::builtin::BUILTIN_RUBRICS {
        let doc = readiness::node::parse_yaml(text).unwrap().to_json();
        let errors: Vec<String> = validator
            .iter_errors(&doc)
            .map(|e| format!("{e} at {}", e.instance_path()))
            .collect();
        assert!(errors.is_empty(), "{file}: {errors:?}");
    }
    // The schema catches what editors should flag: a bad level, an unknown key.
    let bad = readiness::node::parse_yaml(
        "area: x\ntitle: X\nversion: \"1\"\nchecks:\n  - {id: A, title: t, level: 4, why: w, fix: f, evidence: {file: a}, colour: red}\n",
    )
    .unwrap()
    .to_json();
    assert!(!validator.is_valid(&bad));
}

#[test]
fn explain_shows_what_a_check_looks_for() {
    let out = readiness(&["explain", "RBK-03"]);
    assert_eq!(out.status.code(), Some(0));
    insta::assert_snapshot!(stdout(&out));
    // Applicability: the rule, then what the report says when it does not hold.
    let seed = stdout(&readiness(&["explain", "VER-10"]));
    assert!(
        seed.contains("\nThe check applies when:\n- a code line in `**/*.{py,ipynb}`"),
        "{seed}"
    );
    assert!(seed.contains("\nOtherwise it is not applicable: No training code was found, so there is no training run to seed.\n"), "{seed}");
    let store = stdout(&readiness(&["explain", "DLU-03"]));
    assert!(
        store.contains("\nOtherwise it is not applicable: No embeddings, vector columns"),
        "{store}"
    );
    let missing = readiness(&["explain", "NOPE-9"]);
    assert_eq!(missing.status.code(), Some(2));
    assert!(String::from_utf8(missing.stderr)
        .unwrap()
        .contains("no check `NOPE-9`"));
}

#[test]
fn rubrics_list_filters_by_area_and_level() {
    let out = readiness(&["rubrics", "list", "--area", "monitoring", "--level", "2"]);
    assert_eq!(out.status.code(), Some(0));
    insta::assert_snapshot!(stdout(&out));
    let all = stdout(&readiness(&["rubrics", "list"]));
    let rows = all
        .lines()
        .filter(|l| {
            l.strip_prefix("│ ").is_some_and(|r| {
                r.starts_with(|c: char| c.is_ascii_uppercase()) && !r.starts_with("Check")
            })
        })
        .count();
    assert_eq!(rows, total_checks(), "one row per check");
    assert_eq!(
        readiness(&["rubrics", "list", "--area", "nope"])
            .status
            .code(),
        Some(2)
    );
}

#[test]
fn rubrics_validate_for_custom_rubric_authors() {
    let dir = tempfile::tempdir().unwrap();
    let good = dir.path().join("security.yaml");
    std::fs::write(
        &good,
        "area: security\ntitle: Model security\nversion: \"0.1\"\nchecks:\n  - {id: SEC-01, title: t, level: 1, why: w, fix: f, evidence: {file: SECURITY.md}}\n",
    )
    .unwrap();
    let out = readiness(&["rubrics", "validate", good.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(stdout(&out), "ok: 1 rubric file valid, 1 checks\n");
    // The built-in files validate as user rubrics too (they replace themselves).
    let builtins: Vec<String> = [
        "versioning",
        "evals",
        "monitoring",
        "ownership",
        "rollback",
        "data-layer",
    ]
    .iter()
    .map(|a| format!("rubrics/{a}.yaml"))
    .collect();
    let mut args = vec!["rubrics", "validate"];
    args.extend(builtins.iter().map(String::as_str));
    let out = readiness(&args);
    assert_eq!(
        stdout(&out),
        format!("ok: 6 rubric files valid, {} checks\n", total_checks())
    );
    let bad = dir.path().join("bad.yaml");
    std::fs::write(&bad, "area: bad\ntitle: B\nversion: \"1\"\nchecks:\n  - {id: VER-01, title: t, level: 1, why: w, fix: f, evidence: {key: {files: x}}}\n").unwrap();
    let out = readiness(&["rubrics", "validate", bad.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8(out.stderr)
        .unwrap()
        .replace(dir.path().to_str().unwrap(), "[DIR]");
    insta::assert_snapshot!(err);
}
