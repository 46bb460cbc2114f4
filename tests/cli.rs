//! The binary end to end: snapshots of the table and JSON on the bundled
//! examples, and every exit code and error path of the CLI contract.

mod support;
use std::path::Path;
use std::process::Output;
use support::bin;

fn readiness(args: &[&str]) -> Output {
    bin()
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env_remove("NO_COLOR")
        .output()
        .unwrap()
}

fn stdout(out: &Output) -> String {
    String::from_utf8(out.stdout.clone()).unwrap()
}

fn stderr(out: &Output) -> String {
    String::from_utf8(out.stderr.clone()).unwrap()
}

fn table(example: &str) -> String {
    let out = readiness(&["score", &format!("examples/{example}")]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = stdout(&out);
    for line in text.lines() {
        assert!(
            line.chars().count() <= 80,
            "line wider than 80 columns: {line:?}"
        );
    }
    assert!(
        !text.contains('\x1b'),
        "no colour when stdout is not a terminal"
    );
    text
}

#[test]
fn table_level_0() {
    insta::assert_snapshot!(table("level-0-notebook"));
}

#[test]
fn table_level_1() {
    insta::assert_snapshot!(table("level-1-training"));
}

#[test]
fn table_level_2() {
    insta::assert_snapshot!(table("level-2-deployment"));
}

#[test]
fn table_level_3() {
    insta::assert_snapshot!(table("level-3-full"));
}

#[test]
fn table_rag_pgvector() {
    insta::assert_snapshot!(table("rag-pgvector"));
}

#[test]
fn json_report_level_2() {
    let out = readiness(&["score", "examples/level-2-deployment", "--format", "json"]);
    assert_eq!(out.status.code(), Some(0));
    let text = stdout(&out);
    let value: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(value["schema_version"], 1);
    assert_eq!(value["overall"]["level"], 2);
    assert_eq!(value["rubrics"].as_array().unwrap().len(), 6);
    insta::assert_snapshot!(text);
}

#[test]
fn json_report_rag_pgvector() {
    let out = readiness(&["score", "examples/rag-pgvector", "--format", "json"]);
    assert_eq!(out.status.code(), Some(0));
    insta::assert_snapshot!(stdout(&out));
}

#[test]
fn min_level_gate_sets_the_exit_code() {
    let pass = readiness(&[
        "score",
        "examples/level-2-deployment",
        "--min-level",
        "2",
        "--format",
        "json",
    ]);
    assert_eq!(pass.status.code(), Some(0));
    let fail = readiness(&[
        "score",
        "examples/level-1-training",
        "--min-level",
        "2",
        "--format",
        "json",
    ]);
    assert_eq!(fail.status.code(), Some(1));
    // The report is still printed in full when the gate fails.
    let value: serde_json::Value = serde_json::from_slice(&fail.stdout).unwrap();
    assert_eq!(value["overall"]["level"], 1);
}

#[test]
fn usage_errors_exit_2() {
    for args in [
        vec!["score", "--min-level", "4"],
        vec!["score", "--format", "xml"],
        vec!["score", "--no-such-flag"],
        vec!["frobnicate"],
    ] {
        let out = readiness(&args);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", stderr(&out));
        assert!(out.stdout.is_empty());
    }
}

#[test]
fn missing_or_non_directory_path_exits_2() {
    let out = readiness(&["score", "no/such/dir"]);
    assert_eq!(out.status.code(), Some(2));
    insta::assert_snapshot!(stderr(&out).replace(env!("CARGO_MANIFEST_DIR"), "[ROOT]"), @"readiness: error: no/such/dir: No such file or directory (os error 2)
");
    let out = readiness(&["score", "Cargo.toml"]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        stderr(&out),
        "readiness: error: Cargo.toml: not a directory\n"
    );
}

fn rubric_dir(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (name, text) in files {
        std::fs::write(dir.path().join(name), text).unwrap();
    }
    dir
}

#[test]
fn malformed_rubrics_list_every_problem_with_file_line_column() {
    let dir = rubric_dir(&[(
        "broken.yaml",
        r#"area: custom
title: Custom
version: "1"
checks:
  - id: CUS-01
    title: One
    level: 5
    why: w
    fix: f
    evidence: { content: { files: "**/*.py", pattern: "(" } }
  - id: CUS-01
    title: Two
    level: 1
    wieght: 2
    why: w
    fix: f
    evidence: { file: "x" }
"#,
    )]);
    let path = dir.path().to_str().unwrap();
    let out = readiness(&["score", "examples/level-0-notebook", "--rubrics", path]);
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
    let text = stderr(&out).replace(path, "[DIR]");
    insta::assert_snapshot!(text);
}

#[test]
fn invalid_yaml_and_duplicate_ids_across_files() {
    let dir = rubric_dir(&[
        ("a.yaml", "area: a\ntitle: A\nversion: \"1\"\nchecks:\n  - { id: VER-01, title: t, level: 1, why: w, fix: f, evidence: { file: x } }\n"),
        ("b.yaml", "area: b\ntitle: [unclosed\n"),
    ]);
    let path = dir.path().to_str().unwrap();
    let out = readiness(&["score", ".", "--rubrics", path]);
    assert_eq!(out.status.code(), Some(2));
    let text = stderr(&out).replace(path, "[DIR]");
    assert!(text.contains("[DIR]/a.yaml:5:11: duplicate check id `VER-01` (also defined in rubrics/versioning.yaml:"), "{text}");
    assert!(text.contains("[DIR]/b.yaml:"), "{text}");
    assert!(text.contains("invalid YAML"), "{text}");
}

#[test]
fn empty_or_missing_rubric_dir_exits_2() {
    let dir = rubric_dir(&[]);
    let out = readiness(&["score", ".", "--rubrics", dir.path().to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("no rubric files"), "{}", stderr(&out));
    let out = readiness(&["score", ".", "--rubrics", "no/such/rubrics"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("no/such/rubrics: cannot read rubrics"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn custom_rubric_adds_an_area_and_can_replace_a_builtin_one() {
    let dir = rubric_dir(&[
        ("security.yaml", "area: security\ntitle: Model security\nversion: \"0.1.0\"\nchecks:\n  - id: SEC-01\n    title: Dependencies are scanned\n    level: 1\n    why: w\n    fix: f\n    evidence: { file: \".github/dependabot.yml\" }\n"),
        ("monitoring.yaml", "area: monitoring\ntitle: House monitoring\nversion: \"9.0.0\"\nchecks:\n  - id: HOUSE-01\n    title: Serving exports metrics\n    level: 1\n    why: w\n    fix: f\n    evidence: { content: { files: \"**/*.py\", pattern: 'prometheus_client' } }\n"),
    ]);
    let path = dir.path().to_str().unwrap();
    let out = readiness(&[
        "score",
        "examples/level-1-training",
        "--rubrics",
        path,
        "--format",
        "json",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let value: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let areas: Vec<&str> = value["areas"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["id"].as_str().unwrap())
        .collect();
    assert_eq!(
        areas,
        [
            "versioning",
            "evals",
            "monitoring",
            "ownership",
            "rollback",
            "data-layer",
            "security"
        ]
    );
    let monitoring = &value["areas"][2];
    assert_eq!(monitoring["title"], "House monitoring");
    assert_eq!(monitoring["checks"][0]["id"], "HOUSE-01");
    assert_eq!(monitoring["checks"][0]["outcome"], "met");
    let rubric = value["rubrics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["area"] == "monitoring")
        .unwrap();
    assert_eq!(rubric["version"], "9.0.0");
    assert!(rubric["source"]
        .as_str()
        .unwrap()
        .ends_with("monitoring.yaml"));
    // The security area fails its only level-1 check. A custom area is gated
    // per area (`area_min_level`); it does not move the overall ladder.
    let security = value["areas"].as_array().unwrap().last().unwrap();
    assert_eq!(security["level"], 0);
    assert_eq!(value["overall"]["level"], 1);
}

#[test]
fn colour_only_when_asked_and_an_explicit_flag_beats_no_color() {
    let out = readiness(&["score", "examples/level-1-training", "--color", "always"]);
    assert!(stdout(&out).contains('\x1b'));
    let with_no_color = |choice: &str| {
        let out = bin()
            .args(["score", "examples/level-1-training", "--color", choice])
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .env("NO_COLOR", "1")
            .output()
            .unwrap();
        String::from_utf8(out.stdout).unwrap().contains('\x1b')
    };
    // no-color.org: a per-invocation flag overrides NO_COLOR.
    assert!(with_no_color("always"));
    assert!(!with_no_color("never"));
    assert!(!with_no_color("auto"));
}

#[test]
fn path_defaults_to_the_current_directory() {
    let example = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/level-1-training");
    let out = bin()
        .args(["score", "--format", "json"])
        .current_dir(example)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let value: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(value["overall"]["level"], 1);
}

#[test]
fn table_shows_checks_that_could_not_be_evaluated() {
    let repo = tempfile::tempdir().unwrap();
    let workflows = repo.path().join(".github/workflows");
    std::fs::create_dir_all(&workflows).unwrap();
    std::fs::write(
        workflows.join("eval.yml"),
        "on: [pull_request\njobs:\n  eval:\n    steps:\n      - run: python evaluate.py\n",
    )
    .unwrap();
    let out = bin()
        .args(["score", "--min-level", "1"])
        .current_dir(repo.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let text = stdout(&out);
    let unknown = text
        .split("Could not be evaluated\n")
        .nth(1)
        .and_then(|rest| rest.split("\n\n").next())
        .unwrap();
    insta::assert_snapshot!(unknown);
    let evals_row = text
        .lines()
        .find(|l| l.starts_with("│ evals      ┆ Evals in CI"))
        .unwrap();
    // Met/applicable, then how many could not be evaluated.
    assert!(evals_row.contains(" (5?) │"), "{evals_row}");
}

#[test]
fn the_table_never_cuts_an_evidence_location() {
    let deep = "deploy_code_not_models/sagemaker/pipelines/build/lib/pipelines/abalone/register_the_model.py";
    let repo = support::Repo::new(&[(
        deep,
        "import mlflow\n\n\nmlflow.register_model('runs:/1/model', 'abalone-regressor-with-a-long-name')\n",
    )]);
    let out = bin()
        .args(["score", "--evidence", "5"])
        .arg(repo.path())
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    // The evidence line: the middle directories give way, the file and
    // line stay, and the line fits 80 columns.
    let line = text
        .lines()
        .find(|l| l.starts_with("    deploy_code_not_models/…/"))
        .unwrap_or_else(|| panic!("{text}"));
    assert!(line.contains("/register_the_model.py:4"), "{line}");
    assert!(line.chars().count() <= 80, "{line}");
}

#[test]
fn completions_and_the_man_page_come_from_the_parser() {
    let subcommands = ["score", "ask", "init", "diff", "explain", "rubrics"];
    for shell in ["bash", "zsh", "fish", "elvish", "powershell"] {
        let out = readiness(&["completions", shell]);
        assert_eq!(out.status.code(), Some(0), "{shell}");
        let script = stdout(&out);
        for sub in subcommands {
            assert!(script.contains(sub), "{shell} lacks {sub}");
        }
        assert!(script.contains("min-level"), "{shell}");
    }
    // The bash script is valid bash.
    let script = stdout(&readiness(&["completions", "bash"]));
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("readiness.bash");
    std::fs::write(&file, script).unwrap();
    if let Ok(status) = std::process::Command::new("bash")
        .arg("-n")
        .arg(&file)
        .status()
    {
        assert!(status.success());
    }
    let page = stdout(&readiness(&["man"]));
    assert!(page.contains(".TH readiness 1"), "{page}");
    for sub in subcommands {
        assert!(page.contains(sub), "man page lacks {sub}");
    }
    assert_eq!(readiness(&["completions", "tcsh"]).status.code(), Some(2));
}
