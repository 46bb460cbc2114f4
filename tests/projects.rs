//! Repositories of several ML projects (`ladder.md`: "capabilities from
//! different projects do not add up"), over the fixture monorepos in
//! `tests/fixtures/monorepos/`: a course of independent weeks, a repository
//! of project templates, a platform monorepo with shared CI, CODEOWNERS and
//! runbook, and a repository that is one project.

mod support;

use readiness::projects::{Origin, RollupRule};
use readiness::report::{Outcome, Report};
use readiness::scan::ScanOptions;
use std::path::Path;
use support::*;

/// The report for `path` with its `readiness.toml` (when any), for one
/// project when `only` names it.
fn scored(path: &Path, only: Option<&str>) -> Report {
    let catalog = readiness::load_catalog(&[]).unwrap();
    let config_file = path.join(readiness::config::FILE_NAME);
    let config = config_file.is_file().then(|| {
        readiness::config::Config::load(
            &config_file,
            "readiness.toml",
            readiness::fsutil::Chosen::ByUser,
        )
        .expect("config parses")
    });
    let policy = readiness::eval::GateInput {
        config: config.as_ref(),
        min_level: None,
        today: readiness::answers::Date::parse(TODAY).unwrap(),
    };
    readiness::score_project(
        path,
        &catalog,
        &ScanOptions::default(),
        None,
        Some(&policy),
        only,
    )
    .unwrap()
}

fn names(report: &Report) -> Vec<&str> {
    report
        .projects
        .iter()
        .map(|p| p.project.name.as_str())
        .collect()
}

/// Every file a met check of `report` cites.
fn cited(report: &Report) -> Vec<String> {
    let mut out: Vec<String> = report
        .checks()
        .filter(|c| c.outcome == Outcome::Met)
        .flat_map(|c| c.evidence.iter().map(|e| e.path.to_string()))
        .collect();
    out.sort();
    out.dedup();
    out
}

fn project_level(report: &Report, name: &str) -> u8 {
    report
        .projects
        .iter()
        .find(|p| p.project.name == name)
        .unwrap_or_else(|| panic!("no project {name}"))
        .level
}

#[test]
fn a_course_is_scored_week_by_week_and_the_best_week_is_named() {
    let report = scored(&monorepo("course"), None);
    assert_eq!(
        names(&report),
        ["week_1_basics", "week_2_tracking", "week_3_ci"]
    );
    assert!(report
        .projects
        .iter()
        .all(|p| p.project.origin == Origin::Detected));
    let rollup = report.rollup.as_ref().expect("a rollup");
    assert_eq!(rollup.rule, RollupRule::MostMature);
    assert_eq!(rollup.project, "week_3_ci");
    assert_eq!(rollup.distribution.iter().sum::<usize>(), 3);
    assert_eq!(report.project.as_ref().unwrap().name, "week_3_ci");
    assert_eq!(report.overall.level, project_level(&report, "week_3_ci"));
    // Week 1 saves a pickle: nothing of week 2's registry or week 3's gate.
    assert_eq!(project_level(&report, "week_1_basics"), 0);
}

#[test]
fn evidence_from_one_project_never_counts_for_another() {
    for fixture in ["course", "templates", "platform"] {
        let all = scored(&monorepo(fixture), None);
        for project in &all.projects {
            let name = &project.project.name;
            let alone = scored(&monorepo(fixture), Some(name));
            assert_eq!(alone.project.as_ref().unwrap().name, *name);
            assert!(alone.projects.is_empty() && alone.rollup.is_none());
            assert_eq!(alone.overall.level, project.level, "{fixture} {name}");
            for path in cited(&alone) {
                let elsewhere = all.projects.iter().any(|other| {
                    other.project.name != *name
                        && other
                            .project
                            .folders
                            .iter()
                            .any(|f| path.starts_with(&format!("{f}/")))
                });
                assert!(!elsewhere, "{fixture}: {name} cites {path}");
            }
        }
    }
}

#[test]
fn a_workflow_counts_for_the_projects_it_names_and_a_runbook_for_all() {
    let course = monorepo("course");
    let week3 = scored(&course, Some("week_3_ci"));
    assert!(cited(&week3).contains(&".github/workflows/week3.yml".to_owned()));
    let week2 = scored(&course, Some("week_2_tracking"));
    assert!(!cited(&week2).iter().any(|p| p.starts_with(".github/")));

    let platform = monorepo("platform");
    let fraud = scored(&platform, Some("projects/fraud"));
    let churn = scored(&platform, Some("projects/churn"));
    let recsys = scored(&platform, Some("projects/recsys"));
    // The fraud workflow filters on the fraud folder: its eval gate is the
    // fraud model's only.
    assert!(cited(&fraud).contains(&".github/workflows/fraud.yml".to_owned()));
    assert!(!cited(&churn).iter().any(|p| p.starts_with(".github/")));
    assert!(area_level(&fraud, "evals") > area_level(&churn, "evals"));
    // CODEOWNERS names fraud and churn, not recsys.
    assert_eq!(outcome(&fraud, "OWN-01"), Outcome::Met);
    assert_eq!(outcome(&churn, "OWN-01"), Outcome::Met);
    assert_ne!(outcome(&recsys, "OWN-01"), Outcome::Met);
    assert_eq!(evidence(&churn, "OWN-01"), ["CODEOWNERS:2"]);
    // The root runbook covers every model.
    for report in [&fraud, &churn, &recsys] {
        assert_eq!(outcome(report, "OWN-04"), Outcome::Met);
    }
}

#[test]
fn a_template_repository_is_judged_template_by_template() {
    let report = scored(&monorepo("templates"), None);
    assert_eq!(names(&report), ["batch-scoring", "classic-ml", "llm-rag"]);
    let applies = |name: &str| {
        let alone = scored(&monorepo("templates"), Some(name));
        area_level(&alone, "data-layer").is_some()
    };
    // Only the RAG template keeps embeddings: the data layer applies to it
    // alone, as it would to the project it generates.
    assert!(applies("llm-rag"));
    assert!(!applies("classic-ml"));
    assert!(!applies("batch-scoring"));
    // The generated project's code is production code to that project.
    assert!(project_level(&report, "classic-ml") >= 1);
}

#[test]
fn a_repository_of_one_project_looks_as_it_always_has() {
    let single = monorepo("single");
    let report = scored(&single, None);
    assert!(report.projects.is_empty() && report.project.is_none());
    let json = readiness::render::json::render(&report);
    for key in ["\"projects\"", "\"project\"", "\"rollup\""] {
        assert!(!json.contains(key), "{key} in {json}");
    }
    // The same bytes as with detection switched off.
    let (on, off) = (copy_monorepo("single"), copy_monorepo("single"));
    on.write("readiness.toml", b"detect_projects = true\n");
    off.write("readiness.toml", b"detect_projects = false\n");
    assert_eq!(
        readiness::render::json::render(&scored(on.path(), None)),
        readiness::render::json::render(&scored(off.path(), None))
    );
    let err = readiness::score_project(
        &single,
        &readiness::load_catalog(&[]).unwrap(),
        &ScanOptions::default(),
        None,
        None,
        Some("anything"),
    )
    .unwrap_err();
    assert!(err.to_string().contains("holds no projects"), "{err}");
}

#[test]
fn declared_projects_replace_detection_and_undeclared_models_count_for_none() {
    let repo = copy_monorepo("platform");
    repo.write(
        "readiness.toml",
        b"[[project]]\nname = \"fraud\"\npaths = [\"projects/fraud\", \"libs/features\"]\n\n[[project]]\npath = \"projects/churn\"\n",
    );
    let report = scored(repo.path(), None);
    assert_eq!(names(&report), ["fraud", "projects/churn"]);
    assert!(report
        .projects
        .iter()
        .all(|p| p.project.origin == Origin::Declared));
    // recsys trains a model of its own: no declared project inherits it.
    for name in ["fraud", "projects/churn"] {
        let alone = scored(repo.path(), Some(name));
        assert!(
            !cited(&alone)
                .iter()
                .any(|p| p.starts_with("projects/recsys")),
            "{name}"
        );
    }
    // A glob names one project per folder.
    repo.write("readiness.toml", b"[[project]]\npath = \"projects/*\"\n");
    assert_eq!(
        names(&scored(repo.path(), None)),
        ["projects/churn", "projects/fraud", "projects/recsys"]
    );
}

#[test]
fn the_gate_holds_per_project_and_names_the_one_that_fails() {
    let repo = copy_monorepo("platform");
    repo.write("readiness.toml", b"min_level = 1\n");
    let report = scored(repo.path(), None);
    let gate = report.gate.as_ref().expect("a gate");
    assert!(!gate.passed);
    assert_eq!(
        gate.failures,
        ["project projects/recsys: overall level 0 is below the required level 1"]
    );
    let per_project: Vec<Option<bool>> = report.projects.iter().map(|p| p.gate_passed).collect();
    assert_eq!(per_project, [Some(true), Some(true), Some(false)]);
    // One project's gate alone.
    let fraud = scored(repo.path(), Some("projects/fraud"));
    assert!(fraud.gate.as_ref().unwrap().passed);
}

#[test]
fn the_weakest_rollup_reports_the_project_furthest_behind() {
    let repo = copy_monorepo("platform");
    repo.write("readiness.toml", b"rollup = \"weakest\"\n");
    let report = scored(repo.path(), None);
    let rollup = report.rollup.as_ref().unwrap();
    assert_eq!(rollup.rule, RollupRule::Weakest);
    assert_eq!(rollup.project, "projects/recsys");
    assert_eq!(report.overall.level, 0);
    // Each area row is the weakest project's level in it.
    for area in &report.areas {
        let lowest = report
            .projects
            .iter()
            .filter_map(|p| p.areas.iter().find(|a| a.id == area.id).unwrap().level)
            .min();
        assert_eq!(area.level, lowest, "{}", area.id);
    }
}

#[test]
fn the_cli_scores_one_project_and_lists_them_all() {
    let out = bin()
        .args(["score", "--format", "json", "--project", "projects/churn"])
        .arg(monorepo("platform"))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["project"]["name"], "projects/churn");
    assert_eq!(json["project"]["origin"], "detected");
    assert!(json.get("projects").is_none());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("for project projects/churn"), "{stderr}");

    let out = bin()
        .args(["score", "--project", "projects/chrun"])
        .arg(monorepo("platform"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("did you mean `projects/churn`"), "{stderr}");
    assert!(stderr.contains("projects/recsys"), "{stderr}");
}

#[test]
fn project_settings_are_checked_with_their_position() {
    for (text, expected) in [
        (
            "rollup = \"best\"\n",
            "readiness.toml:1:10: `rollup` must be",
        ),
        (
            "detect_projects = \"no\"\n",
            "readiness.toml:1:19: `detect_projects` must be",
        ),
        (
            "[[project]]\npath = \"../other\"\n",
            "readiness.toml:2:8: project path `../other` must be a folder inside the repository",
        ),
    ] {
        let repo = copy_monorepo("single");
        repo.write("readiness.toml", text.as_bytes());
        let out = bin().arg("score").arg(repo.path()).output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{text}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.contains(expected), "{text}: {stderr}");
    }
}

#[test]
fn project_names_are_escaped_in_every_human_format() {
    let repo = copy_monorepo("course");
    let hostile = "<img src=x onerror=alert(1)>";
    std::fs::rename(repo.path().join("week_1_basics"), repo.path().join(hostile)).unwrap();
    let render = |format: &str| {
        let out = bin()
            .args(["score", "--format", format])
            .arg(repo.path())
            .output()
            .unwrap();
        String::from_utf8(out.stdout).unwrap()
    };
    let html = render("html");
    assert!(
        html.contains("&lt;img src=x onerror=alert(1)&gt;"),
        "{html}"
    );
    assert!(!html.contains("<img"), "{html}");
    let markdown = render("markdown");
    assert!(markdown.contains(&format!("`{hostile}`")), "{markdown}");
    let table = render("table");
    assert!(table.contains(hostile), "{table}");
}

#[test]
fn a_baseline_is_compared_project_by_project() {
    let repo = copy_monorepo("platform");
    let baseline = repo.path().join("baseline.json");
    let out = bin()
        .args(["score", "--format", "json", "--output"])
        .arg(&baseline)
        .arg(repo.path())
        .output()
        .unwrap();
    assert!(out.status.success());
    // The fraud model loses its CI eval gate; churn and recsys do not change.
    std::fs::remove_file(repo.path().join(".github/workflows/fraud.yml")).unwrap();
    let out = bin()
        .args(["score", "--format", "json", "--baseline"])
        .arg(&baseline)
        .arg(repo.path())
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let regressions: Vec<&str> = json["baseline"]["regressions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r.as_str().unwrap())
        .collect();
    assert_eq!(
        regressions,
        ["project projects/fraud: area `evals` dropped from level 2 to 1"]
    );
}

#[test]
fn a_root_that_defines_one_system_keeps_its_folders_together() {
    // The same three folders, tied together at the root by a Compose file
    // or one Go module, are one system's components, not three projects.
    for (file, text) in [
        (
            "docker-compose.yml",
            "services:\n  api:\n    build: week_3_ci\n",
        ),
        ("go.mod", "module example.com/platform\n\ngo 1.22\n"),
    ] {
        let repo = copy_monorepo("course");
        repo.write(file, text.as_bytes());
        let report = scored(repo.path(), None);
        assert!(report.projects.is_empty(), "{file}");
        assert!(report.project.is_none(), "{file}");
    }
}

#[test]
fn junit_fails_the_project_whose_gate_failed_and_no_check_of_another() {
    let out = bin()
        .args(["score", "--format", "junit", "--min-level", "1", "-q"])
        .arg(monorepo("platform"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let xml = String::from_utf8(out.stdout).unwrap();
    assert!(
        xml.contains("<testsuites name=\"readiness\" tests=\"90\" failures=\"1\""),
        "{xml}"
    );
    let recsys = xml
        .split("<testcase ")
        .find(|case| case.contains("name=\"projects/recsys"))
        .expect("a test case per project");
    assert!(
        recsys.contains(
            "<failure type=\"gate\" message=\"overall level 0 is below the required level 1\""
        ),
        "{recsys}"
    );
    assert_eq!(xml.matches("<failure").count(), 1, "{xml}");
}

#[test]
fn a_declared_glob_that_matches_nothing_names_the_config_file() {
    let repo = copy_monorepo("platform");
    repo.write("ci/readiness.toml", b"[[project]]\npath = \"services/*\"\n");
    let out = bin()
        .args(["score", "--config"])
        .arg(repo.path().join("ci/readiness.toml"))
        .arg(repo.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("readiness.toml: project path `services/*` matches no folder"),
        "{stderr}"
    );
    assert!(stderr.contains("ci/readiness.toml"), "{stderr}");
}

/// The per-project table is computed from the evidence that settles each
/// outcome, not from each project's full report; every line must agree with
/// the project's own report, gate included, and so must every area row.
#[test]
fn each_project_line_agrees_with_the_projects_own_report() {
    for fixture in ["course", "templates", "platform"] {
        let repo = copy_monorepo(fixture);
        repo.write(
            "readiness.toml",
            b"min_level = 1\n\n[area_min_level]\nversioning = 1\n\n\
              [[waiver]]\ncheck = \"ROL-01\"\nreason = \"pilot\"\nowner = \"ml-platform\"\nexpires = \"2099-01-01\"\n",
        );
        let report = scored(repo.path(), None);
        assert!(report.projects.len() >= 3, "{fixture}");
        for line in &report.projects {
            let name = line.project.name.as_str();
            let own = scored(repo.path(), Some(name));
            let levels: Vec<Option<u8>> = own.areas.iter().map(|a| a.level).collect();
            let shown: Vec<Option<u8>> = line.areas.iter().map(|a| a.level).collect();
            assert_eq!(shown, levels, "{fixture} {name}");
            assert_eq!(line.level, own.overall.level, "{fixture} {name}");
            assert_eq!(line.score, own.overall.score, "{fixture} {name}");
            assert_eq!(
                line.next.as_deref(),
                own.overall.next.as_deref(),
                "{fixture} {name}"
            );
            assert_eq!(line.gate_passed, own.gate.as_ref().map(|g| g.passed));
            let blocking: Vec<&str> = own
                .next_steps
                .iter()
                .filter(|s| s.role == readiness::report::StepRole::Overall)
                .map(|s| s.check.as_str())
                .collect();
            assert_eq!(*line.blocking, blocking, "{fixture} {name}");
        }
        // Each area row is the named project's own row, evidence and all.
        for area in &report.areas {
            let from = area.project.as_deref().expect("a project");
            let own = scored(repo.path(), Some(from));
            let row = own.areas.iter().find(|a| a.id == area.id).unwrap();
            let ids = |a: &readiness::report::AreaResult| {
                a.checks
                    .iter()
                    .map(|c| (c.id.clone(), c.outcome, c.evidence.len(), c.evidence_total))
                    .collect::<Vec<_>>()
            };
            assert_eq!(area.level, row.level, "{fixture} {}", area.id);
            assert_eq!(ids(area), ids(row), "{fixture} {}", area.id);
        }
    }
}

/// A repository of alike services, as a platform monorepo holds: each is
/// scored from the kinds of evidence it has, so most settle alike.
fn alike_services() -> Repo {
    let repo = Repo::new(&[(
        ".github/workflows/train.yml",
        "on: [push]\njobs:\n  train:\n    runs-on: ubuntu-latest\n    steps:\n      - run: python services/a/train.py\n",
    )]);
    for (i, name) in ["a", "b", "c", "d", "e", "f"].iter().enumerate() {
        let padding = "\n".repeat(i);
        repo.write(
            &format!("services/{name}/pyproject.toml"),
            format!("[project]\nname = \"{name}\"\ndependencies = [\"mlflow\"]\n").as_bytes(),
        );
        repo.write(
            &format!("services/{name}/train_{name}.py"),
            format!("{padding}import mlflow\nmlflow.log_metric(\"auc\", 0.9)\n").as_bytes(),
        );
    }
    // Two differ: one also registers its model, one logs from a test.
    repo.write(
        "services/e/register.py",
        b"import mlflow\nmlflow.register_model(\"runs:/x/model\", \"e\")\n",
    );
    repo.write(
        "services/f/tests/test_train.py",
        b"import mlflow\n\ndef test_auc():\n    mlflow.log_metric(\"auc\", 0.9)\n",
    );
    repo
}

#[test]
fn projects_whose_evidence_settles_alike_are_scored_once_for_all() {
    use readiness::projects::rollup::Settled;
    use readiness::projects::{Detail, Partition};
    use std::collections::HashMap;
    let catalog = readiness::load_catalog(&[]).unwrap();
    let alike = alike_services();
    let mut reused = 0;
    let fixtures = ["course", "templates", "platform"].map(monorepo);
    for path in fixtures.iter().map(|p| p.as_path()).chain([alike.path()]) {
        let mut index =
            readiness::scan::scan_pending(path, &catalog, &ScanOptions::default()).unwrap();
        let layout = readiness::projects::layout(&catalog, &index, &Default::default()).unwrap();
        assert!(layout.projects.len() >= 2, "{}", path.display());
        let read = |file: &str| std::fs::read_to_string(path.join(file)).ok();
        let partition = Partition::new(&mut index, &layout, &read).unwrap();
        let mut by_key = HashMap::new();
        for i in 0..layout.projects.len() {
            let settle = |detail| {
                let scoped = partition.scoped(&index, i, detail);
                Settled::of(readiness::eval::build_report(&catalog, &scoped, None, None))
            };
            let own = settle(Detail::Outcomes);
            assert_eq!(own, settle(Detail::Full), "{}: project {i}", path.display());
            match by_key.entry(partition.outcome_key(&index, i).expect("a key")) {
                std::collections::hash_map::Entry::Occupied(held) => {
                    assert_eq!(*held.get(), own, "{}: project {i}", path.display());
                    reused += 1;
                }
                std::collections::hash_map::Entry::Vacant(slot) => {
                    slot.insert(own);
                }
            }
        }
        if path == alike.path() {
            // Four alike services share a key; the two that differ do not.
            assert_eq!((layout.projects.len(), by_key.len()), (6, 3));
        }
    }
    assert!(reused >= 3, "the alike services must share keys");
}
