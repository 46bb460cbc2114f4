//! Every bundled example scores exactly the levels its README promises; the
//! READMEs say which definition in `ladder.md` moved a level in 0.2.

mod support;
use support::{all_examples, area_level, example, score};

fn assert_levels(name: &str, overall: u8, areas: [Option<u8>; 6]) {
    let report = score(&example(name));
    let got: Vec<Option<u8>> = readiness::BUILTIN_AREAS
        .iter()
        .map(|a| area_level(&report, a))
        .collect();
    assert_eq!(got, areas.to_vec(), "{name}: per-area levels");
    assert_eq!(report.overall.level, overall, "{name}: overall level");
}

#[test]
fn level_0_notebook_project() {
    assert_levels(
        "level-0-notebook",
        0,
        [Some(0), Some(0), Some(0), Some(0), Some(0), None],
    );
}

#[test]
fn level_1_scripted_training_with_registry() {
    assert_levels(
        "level-1-training",
        1,
        [Some(3), Some(1), Some(1), Some(1), Some(0), None],
    );
}

#[test]
fn level_2_automated_deployment() {
    assert_levels(
        "level-2-deployment",
        2,
        [Some(3), Some(2), Some(2), Some(3), Some(3), None],
    );
}

#[test]
fn level_3_fully_automated() {
    assert_levels(
        "level-3-full",
        3,
        [Some(3), Some(3), Some(3), Some(3), Some(3), Some(2)],
    );
}

#[test]
fn rag_app_on_pgvector() {
    assert_levels(
        "rag-pgvector",
        2,
        [Some(2), Some(2), Some(1), Some(1), Some(1), Some(2)],
    );
}

// Samples that mirror common public project layouts, written as a team would
// write them rather than to hit a level. `docs/samples.md` records the levels
// expected before the tool was run on them, and why they differ.

#[test]
fn sample_cookiecutter_data_science_project() {
    assert_levels(
        "cookiecutter-churn",
        0,
        [Some(0), Some(1), Some(0), Some(0), Some(0), None],
    );
}

#[test]
fn sample_llm_docs_assistant_on_weaviate() {
    assert_levels(
        "llm-docs-assistant",
        0,
        [Some(0), Some(1), Some(1), Some(1), Some(0), Some(1)],
    );
}

#[test]
fn sample_sagemaker_projects_template() {
    assert_levels(
        "sagemaker-abalone-mlops",
        2,
        [Some(2), Some(2), Some(2), Some(0), Some(3), None],
    );
}

#[test]
fn sample_kserve_served_model() {
    assert_levels(
        "kserve-fraud-detection",
        2,
        [Some(3), Some(2), Some(1), Some(2), Some(2), None],
    );
}

#[test]
fn sample_feast_feature_store_project() {
    assert_levels(
        "feast-driver-ranking",
        2,
        [Some(1), Some(2), Some(0), Some(1), Some(1), Some(2)],
    );
}

#[test]
fn every_example_directory_is_tested() {
    let mut found: Vec<String> = std::fs::read_dir(example(""))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    found.sort();
    let mut listed: Vec<&str> = all_examples().collect();
    listed.sort();
    assert_eq!(found, listed);
}

#[test]
fn every_example_readme_states_the_level_the_tool_gives() {
    for name in all_examples() {
        let readme = std::fs::read_to_string(example(name).join("README.md")).unwrap();
        let report = score(&example(name));
        let promise = format!("overall level **{}", report.overall.level);
        assert!(
            readme.contains(&promise),
            "{name}/README.md should say `{promise}`"
        );
    }
}

#[test]
fn scoring_is_deterministic() {
    let a = readiness::render::json::render(&score(&example("level-2-deployment")));
    let b = readiness::render::json::render(&score(&example("level-2-deployment")));
    assert_eq!(a, b);
    assert!(
        !a.contains(env!("CARGO_MANIFEST_DIR")),
        "no absolute paths in output"
    );
}
