//! Hostile content in the files a scan reads: each case asserts what the
//! user gets (a check left unknown with the file named, a note, a skipped
//! file counted in the summary), never only "it did not crash".

mod support;

use readiness::report::{Outcome, Report};
use support::{find, outcome, Repo};

/// A workflow that gates on an eval, for cases that add hostile files
/// beside it.
const GATE: &str = "on: [pull_request]\njobs:\n  eval:\n    runs-on: ubuntu-latest\n    steps:\n      - run: python -m churn.evaluate --min-auc 0.8\n";

/// The reason a check is unknown, or an empty string.
fn reason(report: &Report, check: &str) -> String {
    find(report, check).reason.clone().unwrap_or_default()
}

/// Every scan note and problem, joined.
fn notes(report: &Report) -> String {
    let json = serde_json::to_value(report).unwrap();
    json["scan"].to_string()
}

#[test]
fn an_alias_bomb_in_a_workflow_leaves_its_checks_unknown_naming_the_file() {
    let bomb = "a: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]\ne: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]\nf: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e]\non: [pull_request]\njobs:\n  eval:\n    steps:\n      - run: python -m churn.evaluate\n        with: [*f, *f, *f, *f, *f, *f, *f, *f, *f]\n";
    let repo = Repo::new(&[(".github/workflows/eval.yml", bomb)]);
    let report = repo.score();
    assert_eq!(outcome(&report, "EVL-01"), Outcome::Unknown);
    assert!(
        reason(&report, "EVL-01").contains(".github/workflows/eval.yml"),
        "{}",
        reason(&report, "EVL-01")
    );
}

#[test]
fn ten_thousand_levels_of_nesting_are_a_parse_failure_not_a_crash() {
    let deep = format!(
        "on: [pull_request]\njobs:\n  eval:\n    steps:\n      - run: {}x{}\n",
        "[".repeat(10_000),
        "]".repeat(10_000)
    );
    let repo = Repo::new(&[(".github/workflows/eval.yml", &deep)]);
    let report = repo.score();
    assert_eq!(outcome(&report, "EVL-01"), Outcome::Unknown);
    assert!(reason(&report, "EVL-01").contains("eval.yml"));
    // The same depth in a file that decides nothing is a note, not unknown.
    let repo = Repo::new(&[
        (".github/workflows/eval.yml", GATE),
        ("docs/examples/deep.yaml", &deep),
    ]);
    let report = repo.score();
    assert_eq!(outcome(&report, "EVL-01"), Outcome::Met);
}

#[test]
fn a_mapping_of_a_hundred_thousand_keys_is_read() {
    let mut workflow = String::from("on: [pull_request]\nenv:\n");
    for i in 0..100_000 {
        workflow.push_str(&format!("  KEY_{i}: v\n"));
    }
    workflow.push_str("jobs:\n  eval:\n    steps:\n      - run: python -m churn.evaluate\n");
    let repo = Repo::new(&[(".github/workflows/eval.yml", &workflow)]);
    let report = repo.score();
    assert_eq!(outcome(&report, "EVL-01"), Outcome::Met);
    assert!(support::evidence(&report, "EVL-01")
        .iter()
        .any(|e| e.starts_with(".github/workflows/eval.yml:100006")));
}

#[cfg(unix)]
#[test]
fn a_sparse_file_of_sixteen_gibibytes_is_skipped_without_reading_it() {
    let repo = Repo::new(&[(".github/workflows/eval.yml", GATE)]);
    let file = std::fs::File::create(repo.path().join("train.py")).unwrap();
    file.set_len(16 << 30).unwrap();
    let report = repo.score();
    assert_eq!(report.scan.stats.skipped_too_large, 1);
    assert_eq!(outcome(&report, "EVL-01"), Outcome::Met);
}

#[test]
fn a_binary_workflow_is_skipped_and_counted_not_credited() {
    let mut binary = GATE.as_bytes().to_vec();
    binary.extend_from_slice(&[0, 0, 0xff, 0xfe]);
    let repo = Repo::new(&[]);
    repo.write(".github/workflows/eval.yml", &binary);
    let report = repo.score();
    assert_eq!(report.scan.stats.skipped_binary, 1);
    assert_ne!(outcome(&report, "EVL-01"), Outcome::Met);
}

#[test]
fn invalid_utf8_in_a_workflow_is_read_lossily_and_counted() {
    let mut text = GATE.as_bytes().to_vec();
    text.extend_from_slice(b"# caf\xe9\n");
    let repo = Repo::new(&[]);
    repo.write(".github/workflows/eval.yml", &text);
    let report = repo.score();
    assert_eq!(report.scan.stats.read_lossily, 1);
    assert_eq!(outcome(&report, "EVL-01"), Outcome::Met);
}

#[cfg(unix)]
#[test]
fn links_out_of_the_repository_are_never_followed() {
    let outside = tempfile::tempdir().unwrap();
    let registered = "import mlflow\nmlflow.register_model(uri, \"churn\")\n";
    std::fs::write(outside.path().join("register.py"), registered).unwrap();
    std::fs::create_dir(outside.path().join("pipelines")).unwrap();
    std::fs::write(outside.path().join("pipelines/register.py"), registered).unwrap();
    let repo = Repo::new(&[("train.py", "model.fit(X, y)\n")]);
    // A file link, a directory link, and links to devices.
    std::os::unix::fs::symlink(
        outside.path().join("register.py"),
        repo.path().join("register.py"),
    )
    .unwrap();
    std::os::unix::fs::symlink(
        outside.path().join("pipelines"),
        repo.path().join("pipelines"),
    )
    .unwrap();
    std::os::unix::fs::symlink("/dev/zero", repo.path().join("serve.py")).unwrap();
    std::os::unix::fs::symlink("/dev/stdin", repo.path().join("deploy.yaml")).unwrap();
    let report = repo.score();
    assert_eq!(outcome(&report, "VER-01"), Outcome::Unmet);
    assert_eq!(report.scan.stats.skipped_symlinks, 4);
}

#[test]
fn control_characters_in_content_never_reach_evidence() {
    let repo = Repo::new(&[(
        "train.py",
        "import mlflow\nmlflow.register_model(uri, \"x\x1b]0;owned\x07\x1b[2J\u{202e}\")\n",
    )]);
    let report = repo.score();
    assert_eq!(outcome(&report, "VER-01"), Outcome::Met);
    let shown = find(&report, "VER-01")
        .evidence
        .iter()
        .map(|e| e.snippet.as_str())
        .collect::<String>();
    assert!(
        !shown.chars().any(|c| c.is_control() || c == '\u{202e}'),
        "{shown:?}"
    );
    assert!(!notes(&report).contains('\u{1b}'));
}

#[test]
fn a_pattern_with_a_quote_still_matches_a_notebook_line_that_escapes_it() {
    // Notebook lines are matched after JSON unescaping: the raw file spells
    // `"approval"` as `\"approval\"`, so a quoted literal cannot be required
    // of the raw text.
    let repo = Repo::new(&[(
        "review.ipynb",
        concat!(
            "{\n \"cells\": [\n  {\n   \"cell_type\": \"code\",\n   \"source\": [\n",
            "    \"gate = {\\\"approval\\\": True}\\n\"\n",
            "   ]\n  }\n ]\n}\n"
        ),
    )]);
    repo.write(
        "rubrics/extra.yaml",
        br#"schema: 1
area: extra
title: Extra
version: "1"
checks:
  - id: EXT-01
    title: A notebook names the approval step
    level: 1
    why: Because.
    fix: Name it.
    evidence:
      content: { files: "**/*.ipynb", pattern: '"approval"\s*:' }
"#,
    );
    let out = support::bin()
        .args(["score", "--format", "json", "--rubrics"])
        .arg(repo.path().join("rubrics"))
        .arg(repo.path())
        .output()
        .unwrap();
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(support::json_check(&report, "EXT-01")["outcome"], "met");
}
