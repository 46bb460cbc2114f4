//! The release gate end to end: readiness.toml thresholds, excludes,
//! disabled checks, waivers that expire, `init`, and the exit-code contract
//! (0 met, 1 gate failed, 2 usage or config error).

mod support;
use std::path::Path;
use std::process::Output;
use support::{bin, copy_example, example, json_check, Repo};

fn run(dir: &Path, args: &[&str]) -> Output {
    bin()
        .args(args)
        .arg(dir)
        .env("NO_COLOR", "1")
        .output()
        .unwrap()
}

fn json(dir: &Path, args: &[&str]) -> (i32, serde_json::Value) {
    let mut all = vec!["score", "--format", "json"];
    all.extend_from_slice(args);
    let out = run(dir, &all);
    let code = out.status.code().unwrap();
    assert_ne!(code, 2, "{}", String::from_utf8_lossy(&out.stderr));
    (code, serde_json::from_slice(&out.stdout).unwrap())
}

/// A copy of the level-1 example with a config file.
fn level1_with(config: &str) -> Repo {
    let repo = copy_example("level-1-training");
    repo.write("readiness.toml", config.as_bytes());
    repo
}

#[test]
fn overall_and_per_area_thresholds() {
    let repo = level1_with("min_level = 1\n[area_min_level]\nmonitoring = 2\n");
    let (code, report) = json(repo.path(), &[]);
    assert_eq!(code, 1);
    assert_eq!(report["gate"]["passed"], false);
    assert_eq!(
        report["gate"]["failures"],
        serde_json::json!(["area `monitoring` is at level 1, below its required level 2"])
    );
    // The CLI threshold overrides the config's; the area threshold still holds.
    let (code, report) = json(repo.path(), &["--min-level", "2"]);
    assert_eq!(code, 1);
    assert_eq!(report["gate"]["failures"].as_array().unwrap().len(), 2);
    let passing = level1_with("min_level = 1\n");
    assert_eq!(json(passing.path(), &[]).0, 0);
}

#[test]
fn waivers_count_as_met_until_they_expire() {
    let config = r#"min_level = 1
[area_min_level]
monitoring = 2
rollback = 2

[[waiver]]
check = "RBK-03"
reason = "canary lands with the Q1 platform migration"
owner = "ml-platform@acme.example"
expires = 2027-03-31

[[waiver]]
check = "RBK-04"
reason = "analysis templates follow the canary"
owner = "ml-platform@acme.example"
expires = 2026-11-30

[[waiver]]
check = "RBK-05"
reason = "rollback runbook in progress"
owner = "sre@acme.example"
expires = 2026-11-01

[[waiver]]
check = "RBK-01"
reason = "left over"
owner = "sre@acme.example"
expires = 2027-01-01
"#;
    let repo = level1_with(config);
    let (code, report) = json(repo.path(), &[]);
    assert_eq!(code, 1, "an expired waiver fails the gate");
    let rbk03 = json_check(&report, "RBK-03");
    assert_eq!(
        (rbk03["outcome"].as_str(), rbk03["source"].as_str()),
        (Some("met"), Some("waived"))
    );
    assert_eq!(rbk03["waiver"]["status"], "active");
    assert_eq!(
        json_check(&report, "RBK-04")["waiver"]["status"],
        "expiring"
    );
    let rbk05 = json_check(&report, "RBK-05");
    assert_eq!(
        (
            rbk05["outcome"].as_str(),
            rbk05["waiver"]["status"].as_str()
        ),
        (Some("unmet"), Some("expired"))
    );
    assert_eq!(json_check(&report, "RBK-01")["waiver"]["status"], "unused");
    // Waived checks count as met in the area's rungs too: the canary (rung 2)
    // and the analysis (rung 3) are waived, so rollback passes its gate.
    assert_eq!(support::area_level_json(&report, "rollback"), Some(3));
    assert_eq!(
        report["gate"]["failures"],
        serde_json::json!([
            "area `monitoring` is at level 1, below its required level 2",
            "the waiver for `RBK-05` (owner sre@acme.example) expired on 2026-11-01; the check counts again"
        ])
    );
    assert_eq!(
        report["gate"]["warnings"],
        serde_json::json!([
            "the waiver for `RBK-01` is not needed: the check is met or does not apply",
            "the waiver for `RBK-04` (owner ml-platform@acme.example) expires on 2026-11-30 (8 days left)"
        ])
    );
    // The table shows the gate and the waiver.
    let table = String::from_utf8(run(repo.path(), &["score"]).stdout).unwrap();
    assert!(
        table.contains("Gate FAILED (overall >= 1, monitoring >= 2, rollback >= 2)\n"),
        "{table}"
    );
    assert!(
        table.contains(
            "    waived until 2027-03-31 by ml-platform@acme.example: canary lands with the\n      Q1 platform migration\n"
        ),
        "{table}"
    );
    // JUnit shows waived checks as skipped.
    let junit =
        String::from_utf8(run(repo.path(), &["score", "--format", "junit"]).stdout).unwrap();
    assert!(junit.contains("<skipped message=\"waived until 2027-03-31 by ml-platform@acme.example: canary lands with the Q1 platform migration\"/>"));
}

#[test]
fn excludes_and_disabled_checks() {
    let repo = Repo::new(&[
        ("sandbox/train.py", "import mlflow\nmlflow.register_model('r', 'm')\n"),
        ("src/train.py", "model.fit(X, y)\n"),
        ("src/monitor.py", "from evidently import Report\n"),
        ("readiness.toml", "exclude = [\"sandbox/**\"]\ndisable_checks = [\"MON-02\"]\ndisable_areas = [\"ownership\"]\n"),
    ]);
    let (code, report) = json(repo.path(), &[]);
    assert_eq!(
        code, 0,
        "a config without thresholds gates nothing but expired waivers"
    );
    assert_eq!(
        json_check(&report, "VER-01")["outcome"],
        "unmet",
        "sandbox/ is excluded"
    );
    let mon02 = json_check(&report, "MON-02");
    assert_eq!(
        (mon02["outcome"].as_str(), mon02["reason"].as_str()),
        (Some("not_applicable"), Some("disabled in readiness.toml"))
    );
    let ownership = report["areas"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["id"] == "ownership")
        .unwrap();
    assert_eq!(ownership["applicable"], false);
    assert_eq!(
        ownership["not_applicable_reason"],
        "disabled in readiness.toml"
    );
}

#[test]
fn config_errors_exit_2_with_positions() {
    for (config, message) in [
        ("min_level = 7\n", "readiness.toml:1:13: `min_level` must be a level from 0 to 3"),
        ("[[waiver]]\ncheck = \"RBK-03\"\nreason = \"r\"\nowner = \"o\"\nexpires = \"31/03/2027\"\n", "readiness.toml:5:11: `expires` = `31/03/2027` is not a date (YYYY-MM-DD); the waiver is rejected"),
        ("[[waiver]]\ncheck = \"NOPE-1\"\nreason = \"r\"\nowner = \"o\"\nexpires = 2027-01-01\n", "readiness.toml:2:9: waiver for unknown check `NOPE-1`"),
        ("disable_areas = [\"securty\"]\n", "readiness.toml:1:18: `disable_areas` names unknown area `securty`"),
        ("[area_min_level]\nmonitorng = 2\n", "`area_min_level` names unknown area `monitorng`; did you mean `monitoring`?"),
        ("disable_checks = [\"evl3\"]\n", "`disable_checks` names unknown check `evl3`; did you mean `EVL-03`?"),
        ("min_level = [\n", "readiness.toml:1:"),
    ] {
        let repo = level1_with(config);
        let out = run(repo.path(), &["score"]);
        assert_eq!(out.status.code(), Some(2), "{config}");
        let err = String::from_utf8(out.stderr).unwrap();
        assert!(err.starts_with("readiness: error: 1 problem found in the config file:\n"), "{err}");
        assert!(err.contains(message), "{config}\n{err}");
        assert!(out.stdout.is_empty());
    }
    let missing = run(
        &example("level-1-training"),
        &["score", "--config", "no/such.toml"],
    );
    assert_eq!(missing.status.code(), Some(2));
}

#[test]
fn init_writes_a_starter_config_once() {
    let repo = Repo::new(&[]);
    let out = run(repo.path(), &["init"]);
    assert_eq!(out.status.code(), Some(0));
    let written = std::fs::read_to_string(repo.path().join("readiness.toml")).unwrap();
    assert_eq!(written, readiness::config::STARTER);
    let again = run(repo.path(), &["init"]);
    assert_eq!(again.status.code(), Some(2));
    assert!(String::from_utf8(again.stderr)
        .unwrap()
        .contains("already exists; pass --force"));
    assert_eq!(
        run(repo.path(), &["init", "--force"]).status.code(),
        Some(0)
    );
    // The starter config is a working gate: min_level 1 on an empty repo fails.
    assert_eq!(run(repo.path(), &["score"]).status.code(), Some(1));
}

#[test]
fn gate_reports_validate_against_the_schema() {
    let repo = level1_with("min_level = 2\n[[waiver]]\ncheck = \"RBK-03\"\nreason = \"r\"\nowner = \"o\"\nexpires = 2027-01-01\n");
    let (_, report) = json(repo.path(), &[]);
    let schema: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(
            Path::new(env!("CARGO_MANIFEST_DIR")).join("schema/report-v1.schema.json"),
        )
        .unwrap(),
    )
    .unwrap();
    let validator = jsonschema::validator_for(&schema).unwrap();
    let errors: Vec<String> = validator
        .iter_errors(&report)
        .map(|e| e.to_string())
        .collect();
    assert!(errors.is_empty(), "{errors:?}");
}

#[test]
fn baseline_fails_on_regressions_and_survives_line_moves() {
    let dir = tempfile::tempdir().unwrap();
    let baseline = dir.path().join("baseline.json");
    let repo = level1_with("");
    std::fs::remove_file(repo.path().join("readiness.toml")).unwrap();
    let out = run(
        repo.path(),
        &[
            "score",
            "--format",
            "json",
            "--output",
            baseline.to_str().unwrap(),
        ],
    );
    assert_eq!(out.status.code(), Some(0));
    let base = baseline.to_str().unwrap();

    // Moving code around is not a change.
    let train = repo.path().join("src/churn/train.py");
    let moved = format!(
        "\n\n# moved down\n{}",
        std::fs::read_to_string(&train).unwrap()
    );
    std::fs::write(&train, moved).unwrap();
    let (code, report) = json(repo.path(), &["--baseline", base]);
    assert_eq!(code, 0);
    assert_eq!(report["baseline"]["regressions"], serde_json::json!([]));

    // Losing the model card and CODEOWNERS drops ownership to level 0: a
    // regression (ownership is gated per area; the overall level stays).
    std::fs::remove_file(repo.path().join("MODEL_CARD.md")).unwrap();
    std::fs::remove_file(repo.path().join("CODEOWNERS")).unwrap();
    let (code, report) = json(repo.path(), &["--baseline", base]);
    assert_eq!(code, 1);
    assert_eq!(
        report["baseline"]["regressions"],
        serde_json::json!([
            "area `ownership` dropped from level 1 to 0",
            "OWN-01 was met, now unmet",
            "OWN-02 was met, now unmet",
            "OWN-09 was met, now unmet"
        ])
    );
    assert!(report["gate"]["failures"][0]
        .as_str()
        .unwrap()
        .starts_with("regression since "));
    // JUnit fails what regressed (no level threshold is set here): the
    // checks lost since the baseline, and nothing else.
    let xml = String::from_utf8(
        run(
            repo.path(),
            &["score", "--format", "junit", "--baseline", base],
        )
        .stdout,
    )
    .unwrap();
    let failed: Vec<String> = junit_cases(&xml)
        .into_iter()
        .filter(|(_, body)| body.contains("<failure"))
        .map(|(name, _)| name.split(' ').next().unwrap().to_owned())
        .collect();
    for lost in ["OWN-01", "OWN-02", "OWN-09"] {
        assert!(failed.iter().any(|f| f == lost), "{lost}: {failed:?}");
    }
    assert!(failed.iter().all(|f| f.starts_with("OWN-")), "{failed:?}");

    // `diff` prints the same comparison.
    let newer = dir.path().join("new.json");
    std::fs::write(&newer, serde_json::to_string(&report).unwrap()).unwrap();
    let out = bin()
        .args(["diff", base, newer.to_str().unwrap()])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        String::from_utf8(out.stdout).unwrap(),
        "Regressions:\n  area `ownership` dropped from level 1 to 0\n  OWN-01 was met, now unmet\n  OWN-02 was met, now unmet\n  OWN-09 was met, now unmet\n"
    );
    let same = bin().args(["diff", base, base]).output().unwrap();
    assert_eq!(same.status.code(), Some(0));
    assert_eq!(String::from_utf8(same.stdout).unwrap(), "No changes.\n");
}

#[test]
fn a_rubric_change_is_not_a_regression() {
    let dir = tempfile::tempdir().unwrap();
    let baseline = dir.path().join("baseline.json");
    let repo = Repo::new(&[("src/m.py", "from evidently import Report\n")]);
    run(
        repo.path(),
        &[
            "score",
            "--format",
            "json",
            "--output",
            baseline.to_str().unwrap(),
        ],
    );
    // A custom monitoring rubric replaces the built-in one: MON-02 is gone.
    let rubrics = tempfile::tempdir().unwrap();
    std::fs::write(
        rubrics.path().join("monitoring.yaml"),
        "area: monitoring\ntitle: House monitoring\nversion: \"9.0.0\"\nchecks:\n  - { id: HM-1, title: t, level: 1, why: w, fix: f, evidence: { file: nothing } }\n",
    )
    .unwrap();
    let (code, report) = json(
        repo.path(),
        &[
            "--baseline",
            baseline.to_str().unwrap(),
            "--rubrics",
            rubrics.path().to_str().unwrap(),
        ],
    );
    assert_eq!(code, 0, "{report}");
    let changes = report["baseline"]["rubric_changes"].as_array().unwrap();
    let builtin = readiness::load_catalog(&[]).unwrap();
    let version = &builtin
        .rubrics
        .iter()
        .find(|r| r.area == "monitoring")
        .unwrap()
        .version;
    assert!(
        changes[0]
            .as_str()
            .unwrap()
            .starts_with(&format!("rubric `monitoring` changed: {version} -> 9.0.0")),
        "{changes:?}"
    );
}

#[test]
fn exit_code_contract() {
    let level1 = example("level-1-training");
    let code = |args: &[&str]| run(&level1, args).status.code();
    assert_eq!(code(&["score", "--min-level", "1"]), Some(0), "met");
    assert_eq!(code(&["score", "--min-level", "2"]), Some(1), "below level");
    assert_eq!(code(&["score", "--min-level", "9"]), Some(2), "usage");
    assert_eq!(
        code(&["score", "--baseline", "no/such.json"]),
        Some(2),
        "I/O"
    );
    let bad = tempfile::tempdir().unwrap();
    let bad_baseline = bad.path().join("b.json");
    std::fs::write(&bad_baseline, "{\"schema_version\": 1}").unwrap();
    let out = run(
        &level1,
        &["score", "--baseline", bad_baseline.to_str().unwrap()],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8(out.stderr)
        .unwrap()
        .contains("not a readiness JSON report"));
}

/// The test cases of a JUnit report: (name, what the case holds).
fn junit_cases(xml: &str) -> Vec<(String, String)> {
    xml.split("<testcase ")
        .skip(1)
        .map(|case| {
            let name = case
                .split(" name=\"")
                .nth(1)
                .and_then(|rest| rest.split('"').next())
                .unwrap_or("")
                .to_owned();
            let body = case.split("</testsuite>").next().unwrap_or("").to_owned();
            (name, body)
        })
        .collect()
}

fn junit_totals(xml: &str) -> (usize, usize, usize) {
    let line = xml.lines().nth(1).unwrap();
    let attr = |name: &str| -> usize {
        line.split(&format!("{name}=\""))
            .nth(1)
            .and_then(|r| r.split('"').next())
            .unwrap()
            .parse()
            .unwrap()
    };
    (attr("failures"), attr("errors"), attr("skipped"))
}

#[test]
fn junit_fails_only_what_holds_the_gate_back() {
    // Level 1 passes a level-1 gate: no test case fails, and the unmet
    // checks say they do not block it.
    let repo = level1_with("min_level = 1\n");
    let out = run(repo.path(), &["score", "--format", "junit"]);
    assert_eq!(out.status.code(), Some(0));
    let xml = String::from_utf8(out.stdout).unwrap();
    let (failures, errors, _) = junit_totals(&xml);
    assert_eq!((failures, errors), (0, 0), "{xml}");
    assert!(xml.contains("does not block the release gate, which passed"));
    assert!(!xml.contains("<failure"), "{xml}");

    // A level-2 gate fails: the failures are the defining checks of the
    // rungs it reads (evals up to 2, versioning 1, rollback and monitoring
    // up to 1); ownership, the data layer, level-3 checks and supporting
    // checks are skipped with the reason.
    let repo = level1_with("min_level = 2\n");
    let out = run(repo.path(), &["score", "--format", "junit"]);
    assert_eq!(out.status.code(), Some(1));
    let xml = String::from_utf8(out.stdout).unwrap();
    let (failures, _, _) = junit_totals(&xml);
    assert!(failures > 0, "{xml}");
    let (_, report) = json(repo.path(), &[]);
    let cases = junit_cases(&xml);
    let failed: Vec<&str> = cases
        .iter()
        .filter(|(_, body)| body.contains("<failure"))
        .map(|(name, _)| name.as_str())
        .collect();
    assert_eq!(failed.len(), failures);
    for area in report["areas"].as_array().unwrap() {
        let id = area["id"].as_str().unwrap();
        for check in area["checks"].as_array().unwrap() {
            let name = check["id"].as_str().unwrap();
            let level = check["level"].as_u64().unwrap();
            let blocks = check["outcome"] == "unmet"
                && check["defines"] == true
                && match id {
                    "evals" => level <= 2,
                    "versioning" | "rollback" | "monitoring" => level <= 1,
                    _ => false,
                };
            let shown = failed.iter().any(|f| f.starts_with(&format!("{name} (")));
            assert_eq!(shown, blocks, "{name} in {id}: {xml}");
        }
    }
    assert!(xml.contains("above the release gate: it requires no level of `ownership`"));
    assert!(xml.contains("supports rather than defines a level"));
    assert!(xml.contains(
        "above the release gate: a level 3 check, and the gate requires level 2 of `evals`"
    ));

    // An area's own minimum widens what blocks in that area only.
    let repo = level1_with("min_level = 1\n[area_min_level]\nmonitoring = 2\n");
    let xml = String::from_utf8(run(repo.path(), &["score", "--format", "junit"]).stdout).unwrap();
    let cases = junit_cases(&xml);
    let fails = |prefix: &str| {
        cases
            .iter()
            .any(|(name, body)| name.starts_with(prefix) && body.contains("<failure"))
    };
    assert!(fails("MON-"), "{xml}");
    assert!(!fails("EVL-"), "{xml}");

    // Without a gate the report stays a checklist: every unmet check fails.
    let xml = String::from_utf8(
        run(
            &example("level-1-training"),
            &["score", "--format", "junit"],
        )
        .stdout,
    )
    .unwrap();
    assert!(!xml.contains("release gate"));
}

#[test]
fn a_run_that_writes_only_files_still_says_how_it_ended() {
    let repo = level1_with("min_level = 2\n");
    let dir = tempfile::tempdir().unwrap();
    let json_file = dir.path().join("r.json");
    let sarif_file = dir.path().join("r.sarif");
    let files = |extra: &[&str]| {
        let mut cmd = bin();
        cmd.args(["score", "--format", "json", "--output"])
            .arg(&json_file)
            .args(["--format", "sarif", "--output"])
            .arg(&sarif_file)
            .args(extra)
            .arg(repo.path());
        cmd.output().unwrap()
    };
    let out = files(&[]);
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty());
    assert_eq!(
        String::from_utf8(out.stderr).unwrap(),
        "readiness: gate FAILED: overall level 1 is below the required level 2; \
         level 1 of 3 (Automated training), score 30/100\n"
    );
    // --quiet: the exit code alone.
    let out = files(&["--quiet"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        out.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // The table on stdout carries the verdict itself.
    let out = run(repo.path(), &["score"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        out.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // A passed gate, and no gate.
    let repo = level1_with("min_level = 1\n");
    let out = run(repo.path(), &["score", "--format", "json"]);
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(
        String::from_utf8(out.stderr).unwrap(),
        "readiness: gate passed; level 1 of 3 (Automated training), score 30/100\n"
    );
    let out = run(
        &example("level-1-training"),
        &["score", "--format", "markdown"],
    );
    assert!(String::from_utf8(out.stderr)
        .unwrap()
        .starts_with("readiness: level 1 of 3"));
}

#[test]
fn the_verdict_escapes_what_the_config_wrote() {
    let config = "min_level = 1\n\n[[waiver]]\ncheck = \"RBK-05\"\nreason = \"r\"\nowner = \"sre\\u001b]0;owned\\u0007\\nFAKE: gate passed\"\nexpires = 2026-11-01\n";
    let repo = level1_with(config);
    let out = run(repo.path(), &["score", "--format", "json"]);
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(
        err.starts_with("readiness: gate FAILED: the waiver for `RBK-05`"),
        "{err}"
    );
    assert!(!err.contains(['\u{1b}', '\u{7}']), "{err}");
    assert_eq!(err.lines().count(), 1, "{err}");
}
