//! Every output format on the bundled examples: the JSON report against the
//! committed schema, SARIF against the official SARIF 2.1.0 schema and
//! GitHub code scanning's rules, Markdown and JUnit snapshots.

mod support;
use std::path::Path;
use support::{all_examples, bin, example, total_checks, Repo, LEVEL_EXAMPLES};

fn render(dir: &Path, format: &str) -> String {
    let out = bin()
        .args(["score", "--format", format])
        .arg(dir)
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

fn schema(path: &str) -> jsonschema::Validator {
    let text = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(path)).unwrap();
    let mut schema: serde_json::Value = serde_json::from_str(&text).unwrap();
    // The official SARIF 2.1.0 schema's `language` patterns (on `run` and
    // `toolComponent`) have a stray `]` that is not valid ECMA-262, so the
    // validator refuses the schema. Substitute their evident intent (an RFC
    // 5646 `xx` or `xx-XX` tag); our SARIF never sets `language`, so this
    // cannot affect what is checked.
    let mut fixed = 0;
    for pointer in [
        "/definitions/run/properties/language/pattern",
        "/definitions/toolComponent/properties/language/pattern",
    ] {
        if let Some(p) = schema.pointer_mut(pointer) {
            if p == "^[a-zA-Z]{2}|^[a-zA-Z]{2}-[a-zA-Z]{2}]?$" {
                *p = serde_json::json!("^[a-zA-Z]{2}(-[a-zA-Z]{2})?$");
                fixed += 1;
            }
        }
    }
    assert!(
        fixed == 0 || path.contains("sarif"),
        "only the SARIF schema is adjusted"
    );
    jsonschema::validator_for(&schema).unwrap()
}

fn assert_valid(validator: &jsonschema::Validator, instance: &serde_json::Value, what: &str) {
    let errors: Vec<String> = validator
        .iter_errors(instance)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .take(10)
        .collect();
    assert!(
        errors.is_empty(),
        "{what} does not validate:\n{}",
        errors.join("\n")
    );
}

#[test]
fn json_reports_validate_against_the_committed_schema() {
    let validator = schema("schema/report-v1.schema.json");
    for name in all_examples() {
        let report: serde_json::Value =
            serde_json::from_str(&render(&example(name), "json")).unwrap();
        assert_valid(&validator, &report, name);
    }
    // With answers, contradictions, stale answers and an unknown check.
    let repo = Repo::new(&[(
        "src/train.py",
        "import mlflow\nmlflow.register_model('r', 'm')\n",
    )]);
    repo.write(
        ".readiness/answers.yaml",
        b"version: 1\nanswers:\n  - {check: VER-01, answer: no, by: a, date: 2025-01-01, rubric_version: \"1\"}\n  - {check: EVL-03, answer: manual, note: n, by: a, date: 2026-11-01, rubric_version: \"1\"}\n  - {check: VER-05, answer: not_applicable, reason: r, by: a, date: 2026-11-01, rubric_version: \"1\"}\n  - {check: OLD-1, answer: automated, by: a, date: 2026-11-01, rubric_version: \"1\"}\n",
    );
    repo.write(
        ".github/workflows/broken.yml",
        b"on: [push\njobs:\n  a:\n    steps:\n      - run: x\n",
    );
    let report: serde_json::Value = serde_json::from_str(&render(repo.path(), "json")).unwrap();
    assert!(
        report["answers"]["contradictions"]
            .as_array()
            .unwrap()
            .len()
            == 1
    );
    assert_valid(&validator, &report, "report with answers and unknowns");
    // With provenance (`fleet` groups and orders by it).
    let out = bin()
        .args(["score", "--format", "json", "--repository", "org/x"])
        .args(["--commit", "abc", "--commit-date", "2026-11-30"])
        .arg(repo.path())
        .output()
        .unwrap();
    let with: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(with["provenance"]["commit_date"], "2026-11-30");
    assert_valid(&validator, &with, "report with provenance");
    // A repository of projects, whole (with a gate per project) and one
    // project of it.
    let platform = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/monorepos/platform");
    for args in [
        &["--min-level", "1"][..],
        &["--project", "projects/fraud"][..],
    ] {
        let out = bin()
            .args(["score", "--format", "json"])
            .args(args)
            .arg(&platform)
            .output()
            .unwrap();
        let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        assert!(json["project"]["name"].is_string(), "{args:?}");
        assert_valid(&validator, &json, &format!("projects {args:?}"));
    }
    // The schema is strict: an undocumented field fails validation.
    let mut extra = report.clone();
    extra["overall"]["surprise"] = serde_json::json!(1);
    assert!(!validator.is_valid(&extra));
}

fn sarif(name: &str) -> serde_json::Value {
    serde_json::from_str(&render(&example(name), "sarif")).unwrap()
}

#[test]
fn sarif_validates_against_the_official_schema() {
    let validator = schema("tests/schemas/sarif-2.1.0.json");
    for name in all_examples() {
        let text = render(&example(name), "sarif");
        let value: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_valid(&validator, &value, name);
        // The serde-sarif types are generated from the same schema.
        let parsed: serde_sarif::sarif::Sarif = serde_json::from_str(&text).unwrap();
        assert_eq!(parsed.runs.len(), 1);
    }
}

#[test]
fn sarif_meets_github_code_scanning_rules() {
    let value = sarif("level-1-training");
    let run = &value["runs"][0];
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    assert_eq!(rules.len(), total_checks(), "one rule per check");
    for rule in rules {
        for key in [
            "id",
            "name",
            "shortDescription",
            "fullDescription",
            "help",
            "helpUri",
        ] {
            assert!(!rule[key].is_null(), "rule {} lacks {key}", rule["id"]);
        }
    }
    let results = run["results"].as_array().unwrap();
    let report: serde_json::Value =
        serde_json::from_str(&render(&example("level-1-training"), "json")).unwrap();
    let unmet = report["areas"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|a| a["checks"].as_array().unwrap())
        .filter(|c| c["outcome"] == "unmet")
        .count();
    assert_eq!(results.len(), unmet, "one result per unmet check");
    for result in results {
        let location = &result["locations"][0]["physicalLocation"];
        let uri = location["artifactLocation"]["uri"].as_str().unwrap();
        assert!(
            !uri.starts_with('/') && !uri.contains("://"),
            "relative uri: {uri}"
        );
        // A check with evidence points at it; one without is about the
        // repository as a whole, never at a README that may not exist.
        let check = report["areas"]
            .as_array()
            .unwrap()
            .iter()
            .flat_map(|a| a["checks"].as_array().unwrap())
            .find(|c| c["id"] == result["ruleId"])
            .unwrap();
        if check["evidence"].as_array().unwrap().is_empty() {
            assert_eq!(uri, readiness::render::sarif::REPOSITORY_LEVEL);
        } else {
            assert!(
                example("level-1-training").join(uri).is_file(),
                "{uri} exists in the repository"
            );
        }
        assert!(location["region"]["startLine"].as_u64().unwrap() >= 1);
        assert!(
            result["partialFingerprints"]["readinessCheck/v1"]
                .as_str()
                .unwrap()
                .len()
                == 32
        );
        let rule = &rules[result["ruleIndex"].as_u64().unwrap() as usize];
        assert_eq!(rule["id"], result["ruleId"]);
    }
    let levels: Vec<(&str, &str)> = results
        .iter()
        .map(|r| (r["ruleId"].as_str().unwrap(), r["level"].as_str().unwrap()))
        .filter(|(id, _)| ["EVL-03", "VER-14"].contains(id))
        .collect();
    assert_eq!(levels, vec![("VER-14", "note"), ("EVL-03", "warning")]);
}

#[test]
fn sarif_fingerprints_survive_line_moves() {
    let repo = Repo::new(&[
        ("README.md", "# Project\n"),
        ("src/train.py", "import mlflow\n"),
    ]);
    let fingerprints = |repo: &Repo| -> Vec<(String, String)> {
        let value: serde_json::Value = serde_json::from_str(&render(repo.path(), "sarif")).unwrap();
        value["runs"][0]["results"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| {
                (
                    r["ruleId"].as_str().unwrap().to_owned(),
                    r["partialFingerprints"]["readinessCheck/v1"]
                        .as_str()
                        .unwrap()
                        .to_owned(),
                )
            })
            .collect()
    };
    let before = fingerprints(&repo);
    repo.write(
        "README.md",
        b"# Project\n\nMore text above everything else.\n\n\n",
    );
    repo.write("src/train.py", b"\n\n\nimport mlflow\n");
    assert_eq!(fingerprints(&repo), before);
    assert!(!before.is_empty());
}

#[test]
fn markdown_summaries() {
    for name in LEVEL_EXAMPLES {
        let text = render(&example(name), "markdown");
        insta::assert_snapshot!(format!("markdown_{name}"), text);
    }
}

#[test]
fn junit_report() {
    let text = render(&example("level-1-training"), "junit");
    assert!(text.starts_with(&format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"readiness\" tests=\"{}\"",
        total_checks()
    )));
    insta::assert_snapshot!(text);
}

#[test]
fn sarif_results_snapshot() {
    let value = sarif("level-2-deployment");
    insta::assert_json_snapshot!(value["runs"][0]["results"]);
}

#[test]
fn several_formats_in_one_run() {
    let dir = tempfile::tempdir().unwrap();
    let json = dir.path().join("out/report.json");
    let sarif = dir.path().join("out/report.sarif");
    let out = bin()
        .args(["score", "--format", "json", "--output"])
        .arg(&json)
        .args(["--format", "sarif", "--output"])
        .arg(&sarif)
        .args(["--format", "markdown"])
        .arg(example("level-1-training"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert!(String::from_utf8(out.stdout)
        .unwrap()
        .starts_with("## readiness: Level 1 of 3"));
    assert_eq!(
        std::fs::read_to_string(&json).unwrap(),
        render(&example("level-1-training"), "json")
    );
    assert_eq!(
        std::fs::read_to_string(&sarif).unwrap(),
        render(&example("level-1-training"), "sarif")
    );
    for (args, message) in [
        (
            vec!["--format", "json", "--format", "sarif"],
            "only one --format can go to standard output",
        ),
        (
            vec!["--output", "x.json"],
            "must follow the --format it writes",
        ),
        (
            vec!["--format", "json", "--output", "a", "--output", "b"],
            "has two --output files",
        ),
    ] {
        let out = bin()
            .arg("score")
            .args(&args)
            .arg(example("level-1-training"))
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(
            String::from_utf8(out.stderr).unwrap().contains(message),
            "{args:?}"
        );
    }
}

#[test]
fn sarif_reports_what_it_could_not_judge_as_notifications() {
    // A production workflow that does not parse: the checks reading it are
    // unknown, and a SARIF consumer must see that, not silence.
    let repo = Repo::new(&[
        ("src/train.py", "model.fit(X, y)\n"),
        (".github/workflows/ci.yml", "on: [push\njobs: {\n"),
    ]);
    let value: serde_json::Value = serde_json::from_str(&render(repo.path(), "sarif")).unwrap();
    assert_valid(
        &schema("tests/schemas/sarif-2.1.0.json"),
        &value,
        "broken workflow",
    );
    let run = &value["runs"][0];
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    let notes = run["invocations"][0]["toolExecutionNotifications"]
        .as_array()
        .unwrap();
    let unknown: Vec<&serde_json::Value> = notes
        .iter()
        .filter(|n| n["associatedRule"].is_object())
        .collect();
    assert!(!unknown.is_empty(), "{notes:?}");
    for note in unknown {
        let rule = &rules[note["associatedRule"]["index"].as_u64().unwrap() as usize];
        assert_eq!(rule["id"], note["associatedRule"]["id"]);
        let text = note["message"]["text"].as_str().unwrap();
        assert!(text.contains("could not be evaluated"), "{text}");
        assert!(text.contains(".github/workflows/ci.yml"), "{text}");
        assert_eq!(note["level"], "warning");
    }
    // Each rule's help is its own section of the checks page.
    assert!(rules.iter().all(|r| r["helpUri"]
        .as_str()
        .unwrap()
        .contains(&format!("#{}--", r["id"].as_str().unwrap().to_lowercase()))));
}

#[test]
fn markdown_links_survive_paths_with_spaces_and_parentheses() {
    let repo = Repo::new(&[(
        "ml (v2)/train model.py",
        "import mlflow\nmlflow.register_model('runs:/1/m', 'churn')\n",
    )]);
    let text = render(repo.path(), "markdown");
    assert!(
        text.contains("[`ml (v2)/train model.py:2`](ml%20%28v2%29/train%20model.py#L2)"),
        "{text}"
    );
}
