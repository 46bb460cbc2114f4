//! `readiness fleet` over reports the binary itself wrote: one row per
//! repository (its newest report), levels per area, the most common next
//! steps, stale reports, older rubrics, and notes for files it skipped.

mod support;
use std::path::Path;
use support::bin;

/// Scores an example into `dir/<file>` with the given provenance.
fn report(dir: &Path, file: &str, example: &str, repository: &str, date: &str) {
    let out = bin()
        .args(["score", "--format", "json", "--repository", repository])
        .args(["--commit", "abc123", "--commit-date", date])
        .arg(
            Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("examples")
                .join(example),
        )
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    std::fs::create_dir_all(dir.join(file).parent().unwrap()).unwrap();
    std::fs::write(dir.join(file), out.stdout).unwrap();
}

fn fleet_dir() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    report(
        d,
        "churn/readiness.json",
        "level-1-training",
        "org/churn",
        "2026-11-20",
    );
    // An older report of the same repository: the newer one counts.
    report(
        d,
        "churn/old.json",
        "level-0-notebook",
        "org/churn",
        "2026-10-01",
    );
    report(
        d,
        "docs-bot/readiness.json",
        "rag-pgvector",
        "org/docs-bot",
        "2026-11-21",
    );
    report(
        d,
        "legacy/readiness.json",
        "level-0-notebook",
        "org/legacy",
        "2026-08-01",
    );
    report(
        d,
        "platform/readiness.json",
        "level-3-full",
        "org/platform",
        "2026-11-22",
    );
    std::fs::write(d.join("platform/coverage.json"), "{\"totals\": 1}").unwrap();
    dir
}

#[test]
fn the_table_shows_every_repository_and_what_holds_the_fleet_back() {
    let dir = fleet_dir();
    let out = bin().arg("fleet").arg(dir.path()).output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8(out.stdout).unwrap();
    let text = text.replace(&dir.path().display().to_string(), "DIR");
    insta::assert_snapshot!(text);
}

#[test]
fn json_counts_levels_per_area_and_flags_stale_reports() {
    let dir = fleet_dir();
    let out = bin()
        .args(["fleet", "--format", "json", "--stale-after", "60"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let fleet: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(fleet["reports"], 5);
    let repos = fleet["repositories"].as_array().unwrap();
    let names: Vec<&str> = repos
        .iter()
        .map(|r| r["repository"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        ["org/churn", "org/docs-bot", "org/legacy", "org/platform"]
    );
    let levels: Vec<u64> = repos.iter().map(|r| r["level"].as_u64().unwrap()).collect();
    assert_eq!(levels, [1, 2, 0, 3]);
    assert_eq!(
        repos[0]["commit_date"], "2026-11-20",
        "the newest report counts"
    );
    let stale: Vec<bool> = repos
        .iter()
        .map(|r| r["stale"].as_bool().unwrap())
        .collect();
    assert_eq!(stale, [false, false, true, false]);
    assert_eq!(fleet["overall"], serde_json::json!([1, 1, 1, 1]));
    let data_layer = fleet["areas"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["area"] == "data-layer")
        .unwrap();
    assert_eq!(data_layer["not_applicable"], 2);
    assert!(!fleet["blocking"].as_array().unwrap().is_empty());
    let notes = fleet["notes"].as_array().unwrap();
    assert_eq!(notes.len(), 1, "{notes:?}");
    assert!(
        notes[0].as_str().unwrap().contains("coverage.json"),
        "{notes:?}"
    );
}

#[test]
fn markdown_is_a_table_per_section_and_nothing_read_is_an_error() {
    let dir = fleet_dir();
    let out = bin()
        .args(["fleet", "--format", "markdown"])
        .arg(dir.path())
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.starts_with("## readiness fleet: 4 repositories"),
        "{text}"
    );
    assert!(text.contains("| org/churn | 1 |"), "{text}");
    assert!(text.contains("### Levels per area"), "{text}");
    let empty = tempfile::tempdir().unwrap();
    let out = bin().arg("fleet").arg(empty.path()).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no readiness JSON report"));
}

#[test]
fn repository_names_cannot_write_to_the_terminal() {
    let dir = tempfile::tempdir().unwrap();
    report(
        dir.path(),
        "x.json",
        "level-0-notebook",
        "org/x\u{1b}]0;pwned\u{7}\nFAKE",
        "2026-11-22",
    );
    let out = bin().arg("fleet").arg(dir.path()).output().unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(!text.contains('\u{1b}'), "{text:?}");
    assert!(!text.contains("\nFAKE"), "{text:?}");
}

#[test]
fn trend_orders_a_repository_s_reports_and_flags_a_regression() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    // Stored out of order; the commit dates decide.
    report(d, "c.json", "level-0-notebook", "org/churn", "2026-03-01");
    report(d, "a.json", "level-0-notebook", "org/churn", "2026-01-01");
    report(d, "b.json", "level-1-training", "org/churn", "2026-02-01");
    let out = bin()
        .args(["trend", "--format", "json"])
        .arg(d)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let trend: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let points = trend["repositories"][0]["points"].as_array().unwrap();
    let levels: Vec<u64> = points
        .iter()
        .map(|p| p["level"].as_u64().unwrap())
        .collect();
    assert_eq!(levels, [0, 1, 0]);
    let regressions = points[2]["regressions"].as_array().unwrap();
    assert!(
        regressions.iter().any(|r| r == "overall level 1 -> 0"),
        "{regressions:?}"
    );
    assert!(points[1]["regressions"].as_array().unwrap().is_empty());
    let out = bin().arg("trend").arg(d).output().unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    insta::assert_snapshot!(text);
}

#[test]
fn a_repository_of_several_projects_lists_each_project_under_it() {
    let dir = tempfile::tempdir().unwrap();
    let out = bin()
        .args(["score", "--format", "json", "--repository", "org/course"])
        .args(["--commit-date", "2026-11-20"])
        .arg(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/monorepos/course"))
        .output()
        .unwrap();
    std::fs::write(dir.path().join("course.json"), out.stdout).unwrap();
    let out = bin()
        .args(["fleet", "--format", "json"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert!(out.status.success());
    let fleet: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let repo = &fleet["repositories"][0];
    assert_eq!(repo["repository"], "org/course");
    let projects: Vec<&str> = repo["projects"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["name"].as_str().unwrap())
        .collect();
    assert_eq!(projects, ["week_1_basics", "week_2_tracking", "week_3_ci"]);
    assert_eq!(repo["projects"][0]["level"], 0);
    assert_eq!(
        repo["projects"][0]["areas"]["data-layer"],
        serde_json::Value::Null
    );
    // The table shows each project under its repository.
    let out = bin().arg("fleet").arg(dir.path()).output().unwrap();
    let table = String::from_utf8_lossy(&out.stdout);
    assert!(table.contains("org/course › week_3_ci"), "{table}");
}
