//! Memory that does not grow with hits must not change a report: a
//! repository scored as one system keeps per probe only the hits a report
//! shows (and counts the rest), the scan's hits spill to a temporary file
//! past a budget, and a monorepo's projects read their own hits back a run
//! at a time. Each report here is compared, byte for byte, with the one
//! built from every hit held in memory.

mod support;

use readiness::scan::ScanOptions;
use std::path::Path;
use support::*;

fn json(report: &readiness::report::Report) -> String {
    readiness::render::json::render(report)
}

/// The report built from every hit, held in memory: what the tool did
/// before hits were bounded.
fn from_every_hit(path: &Path) -> String {
    let catalog = readiness::load_catalog(&[]).unwrap();
    let index = readiness::scan::scan(path, &catalog, &ScanOptions::default()).unwrap();
    assert!(index.tallies.is_none() && index.pending.is_empty());
    json(&readiness::eval::build_report(&catalog, &index, None, None))
}

fn scored(path: &Path, hit_budget: usize) -> String {
    let catalog = readiness::load_catalog(&[]).unwrap();
    let options = ScanOptions {
        hit_budget,
        ..ScanOptions::default()
    };
    json(&readiness::score(path, &catalog, &options, None, None).unwrap())
}

/// One system (a root Dockerfile) whose probes have hits in far more files
/// than a check shows, in every class, of several strengths, with lines
/// that two probes quote alike.
fn hit_dense_repo() -> Repo {
    let repo = Repo::new(&[
        ("Dockerfile", "FROM python:3.11\nCOPY . /app\n"),
        ("requirements.txt", "mlflow==2.9\ntorch\nsentence-transformers\n"),
        (
            ".github/workflows/train.yml",
            "on: [push]\njobs:\n  train:\n    runs-on: ubuntu-latest\n    steps:\n      - run: python src/train.py\n      - run: pytest tests/\n",
        ),
    ]);
    let module = |i: usize| {
        format!(
            "import mlflow\nimport torch\nfrom sentence_transformers import SentenceTransformer\n\n\
             def train_{i}(model, data):\n    mlflow.log_metric(\"accuracy\", {i})\n    \
             mlflow.register_model(\"runs:/x/model\", \"churn\")\n    torch.save(model, \"m{i}.pt\")\n"
        )
    };
    for i in 0..37 {
        repo.write(
            &format!("src/pkg{}/train_{i}.py", i % 4),
            module(i).as_bytes(),
        );
        repo.write(&format!("tests/test_train_{i}.py"), module(i).as_bytes());
        repo.write(&format!("examples/demo_{i}.py"), module(i).as_bytes());
        repo.write(&format!("notebooks/explore_{i}.py"), module(i).as_bytes());
    }
    repo.write("src/train.py", module(99).as_bytes());
    repo
}

#[test]
fn a_report_from_the_hits_it_shows_is_the_report_from_all_of_them() {
    let repo = hit_dense_repo();
    let expected = from_every_hit(repo.path());
    let report: serde_json::Value = serde_json::from_str(&expected).unwrap();
    let totals: Vec<u64> = report["areas"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|a| a["checks"].as_array().unwrap())
        .filter_map(|c| c["evidence_total"].as_u64())
        .collect();
    assert!(
        totals.iter().any(|&t| t > 40),
        "the fixture must hold more hits than a check shows: {totals:?}"
    );
    assert_eq!(scored(repo.path(), 0), expected, "kept in memory");
    assert_eq!(scored(repo.path(), 1), expected, "every file spilled");
}

#[test]
fn spilling_the_hits_changes_no_report_of_an_example_or_a_monorepo() {
    let monorepos = ["course", "platform", "single", "templates"].map(monorepo);
    let examples = all_examples().map(example);
    for path in examples.chain(monorepos) {
        let in_memory = scored(&path, 0);
        assert_eq!(scored(&path, 1), in_memory, "{}", path.display());
        if !path.ends_with("course") && !path.ends_with("templates") {
            continue;
        }
        // A monorepo's projects read their own hits back from the store.
        assert_ne!(
            serde_json::from_str::<serde_json::Value>(&in_memory).unwrap()["projects"],
            serde_json::Value::Null
        );
    }
}

#[test]
fn one_systems_reports_match_those_from_every_hit() {
    for path in all_examples().map(example) {
        let expected = from_every_hit(&path);
        let projects = serde_json::from_str::<serde_json::Value>(&expected).unwrap();
        assert_eq!(projects["projects"], serde_json::Value::Null);
        assert_eq!(scored(&path, 1), expected, "{}", path.display());
    }
}
