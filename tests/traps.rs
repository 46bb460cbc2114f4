//! Evidence that does not lie: for each trap the issue names, a fixture the
//! scanner must credit and a near-miss it must not.

mod support;
use readiness::report::Outcome;
use support::{area_level, evidence, find, outcome, Repo};

const REGISTER: &str = "import mlflow\nmlflow.register_model('runs:/1/model', 'churn')\n";

#[test]
fn registry_call_in_code_is_evidence_with_path_and_line() {
    let repo = Repo::new(&[("src/train.py", REGISTER)]);
    let report = repo.score();
    assert_eq!(outcome(&report, "VER-01"), Outcome::Met);
    assert_eq!(evidence(&report, "VER-01"), vec!["src/train.py:2"]);
    let ev = &find(&report, "VER-01").evidence[0];
    assert_eq!(
        &*ev.snippet,
        "mlflow.register_model('runs:/1/model', 'churn')"
    );
}

#[test]
fn ignored_vendored_and_installed_code_is_never_scanned() {
    let repo = Repo::new(&[
        (".gitignore", "build/\n"),
        ("build/train.py", REGISTER),
        ("node_modules/pkg/train.py", REGISTER),
        (".venv/lib/python3.11/site-packages/mlflow/x.py", REGISTER),
        ("env/lib/site-packages/y.py", REGISTER),
        ("vendor/lib/train.py", REGISTER),
        ("third_party/lib/train.py", REGISTER),
        (".git/hooks/train.py", REGISTER),
        // Real training code, so the registry check applies.
        ("src/train.py", "model.fit(X, y)\n"),
    ]);
    let report = repo.score();
    assert_eq!(outcome(&report, "VER-01"), Outcome::Unmet);
}

#[test]
fn dot_github_is_scanned() {
    let repo = Repo::new(&[(
        ".github/workflows/ci.yml",
        "on: pull_request\njobs:\n  e:\n    steps:\n      - run: python evaluate.py\n",
    )]);
    let report = repo.score();
    assert_eq!(outcome(&report, "EVL-01"), Outcome::Met);
    assert_eq!(
        evidence(&report, "EVL-03"),
        vec![".github/workflows/ci.yml:5"]
    );
}

#[test]
fn prose_never_counts_on_its_own() {
    let repo = Repo::new(&[
        ("README.md", "TODO: add monitoring\n\n```python\nfrom evidently import Report\nmlflow.register_model(x)\n```\n"),
        ("docs/notes.txt", "from evidently import Report\n"),
        ("docs/design.rst", "import whylogs\n"),
        ("src/train.py", "model.fit(X, y)\n"),
    ]);
    let report = repo.score();
    assert_eq!(outcome(&report, "MON-02"), Outcome::Unmet);
    assert_eq!(outcome(&report, "VER-01"), Outcome::Unmet);
}

#[test]
fn commented_out_code_does_not_count() {
    let repo = Repo::new(&[
        ("monitor.py", "# from evidently import Report\n\"\"\"\nimport whylogs\n\"\"\"\nx = 1  # import nannyml\n"),
        ("migrations/001.sql", "-- CREATE EXTENSION vector;\n/* CREATE EXTENSION IF NOT EXISTS vector; */\n"),
        (".github/workflows/ci.yml", "on: push\njobs:\n  e:\n    steps:\n      # - run: python evaluate.py\n      - run: make test\n"),
    ]);
    let report = repo.score();
    assert_eq!(outcome(&report, "MON-02"), Outcome::Unmet);
    assert_eq!(outcome(&report, "EVL-03"), Outcome::Unmet);
    // With the comment gone, the same lines are evidence.
    let live = Repo::new(&[("monitor.py", "from evidently import Report\n")]);
    assert_eq!(outcome(&live.score(), "MON-02"), Outcome::Met);
}

#[test]
fn ci_steps_that_cannot_fail_the_build_are_not_gates() {
    let soft = [
        "on: pull_request\njobs:\n  e:\n    steps:\n      - run: python evaluate.py\n        continue-on-error: true\n",
        "on: pull_request\njobs:\n  e:\n    continue-on-error: true\n    steps:\n      - run: python evaluate.py\n",
        "on: pull_request\njobs:\n  e:\n    steps:\n      - run: python evaluate.py || true\n",
        "on: pull_request\njobs:\n  e:\n    steps:\n      - run: |\n          python evaluate.py\n          exit 0\n        if: false\n",
        "on: workflow_dispatch\njobs:\n  e:\n    steps:\n      - run: python evaluate.py\n",
    ];
    for workflow in soft {
        let repo = Repo::new(&[(".github/workflows/eval.yml", workflow)]);
        assert_eq!(
            outcome(&repo.score(), "EVL-03"),
            Outcome::Unmet,
            "{workflow}"
        );
    }
    let gitlab = Repo::new(&[(
        ".gitlab-ci.yml",
        "eval:\n  script:\n    - python evaluate.py\n  allow_failure: true\n",
    )]);
    assert_eq!(outcome(&gitlab.score(), "EVL-03"), Outcome::Unmet);
    let gate = Repo::new(&[(
        ".gitlab-ci.yml",
        "stages: [test]\neval:\n  stage: test\n  script:\n    - python evaluate.py --min-f1 0.8\n",
    )]);
    assert_eq!(evidence(&gate.score(), "EVL-03"), vec![".gitlab-ci.yml:5"]);
}

#[test]
fn a_declared_package_is_weaker_than_code_that_uses_it() {
    // `evidently` declared but never imported: the monitoring check needs use.
    let declared = Repo::new(&[("requirements.txt", "evidently==0.4.30\n")]);
    assert_eq!(outcome(&declared.score(), "MON-02"), Outcome::Unmet);
    // A declared vector client is enough to make the data-layer area apply.
    let vectors = Repo::new(&[("requirements.txt", "qdrant_client==1.9\n")]);
    let report = vectors.score();
    let area = report.areas.iter().find(|a| a.id == "data-layer").unwrap();
    assert!(area.applicable);
}

#[test]
fn binary_huge_and_invalid_utf8_files_do_not_crash() {
    let repo = Repo::new(&[]);
    let mut binary = b"import mlflow\nmlflow.register_model(x)\n".to_vec();
    binary.extend_from_slice(&[0, 159, 146, 150, 0]);
    repo.write("model.py", &binary);
    let mut big = Vec::new();
    while big.len() < 3 * 1024 * 1024 {
        big.extend_from_slice(b"mlflow.register_model(x)\n");
    }
    repo.write("huge.py", &big);
    repo.write("latin1.py", b"# caf\xe9\nfrom evidently import Report\n");
    repo.write("train.py", b"model.fit(X, y)\n");
    let report = repo.score();
    assert_eq!(outcome(&report, "VER-01"), Outcome::Unmet);
    assert_eq!(outcome(&report, "MON-02"), Outcome::Met);
    assert_eq!(report.scan.stats.skipped_binary, 1);
    assert_eq!(report.scan.stats.skipped_too_large, 1);
    assert_eq!(report.scan.stats.read_lossily, 1);
}

#[cfg(unix)]
#[test]
fn symlink_loops_are_not_followed() {
    let repo = Repo::new(&[("src/train.py", REGISTER)]);
    std::os::unix::fs::symlink(repo.path(), repo.path().join("src/loop")).unwrap();
    let report = repo.score();
    assert_eq!(outcome(&report, "VER-01"), Outcome::Met);
    assert_eq!(report.scan.stats.skipped_symlinks, 1);
}

#[cfg(unix)]
#[test]
fn named_pipes_are_never_opened() {
    let repo = Repo::new(&[("src/train.py", REGISTER)]);
    let fifo = repo.path().join("src/serve.py");
    let status = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap();
    assert!(status.success());
    // Would block forever if the scanner opened it.
    let report = repo.score();
    assert_eq!(outcome(&report, "VER-01"), Outcome::Met);
    assert_eq!(report.scan.stats.skipped_special, 1);
}

#[test]
fn unparseable_config_makes_a_check_unknown_not_unmet() {
    // An unclosed flow sequence: the whole workflow fails to parse.
    let repo = Repo::new(&[(
        ".github/workflows/eval.yml",
        "on: [pull_request\njobs:\n  eval:\n    steps:\n      - run: python evaluate.py\n",
    )]);
    let report = repo.score();
    let check = find(&report, "EVL-03");
    assert_eq!(check.outcome, Outcome::Unknown);
    assert!(
        check
            .reason
            .as_deref()
            .unwrap()
            .contains(".github/workflows/eval.yml:"),
        "{:?}",
        check.reason
    );
    let evals = report.areas.iter().find(|a| a.id == "evals").unwrap();
    let unknown: Vec<&str> = evals
        .checks
        .iter()
        .filter(|c| c.outcome == Outcome::Unknown)
        .map(|c| c.id.as_str())
        .collect();
    // Every check that must parse the workflow is unknown, and only those:
    // a check whose value tokens (`dvc metrics diff`, a fairness library)
    // the text lacks could not have matched, so it stays unmet.
    assert_eq!(
        unknown,
        vec!["EVL-01", "EVL-03", "EVL-09", "EVL-13", "EVL-06"]
    );
    assert_eq!(evals.checks_unknown, 5);
    // Whether CI runs on changes needs the workflow's triggers and steps:
    // a file that cannot be parsed cannot say.
    assert_eq!(outcome(&report, "EVL-01"), Outcome::Unknown);
}

#[test]
fn kserve_canary_needs_a_real_split() {
    let isvc = |pct: &str| {
        format!("apiVersion: serving.kserve.io/v1beta1\nkind: InferenceService\nmetadata:\n  name: m\nspec:\n  predictor:\n    canaryTrafficPercent: {pct}\n")
    };
    let canary = Repo::new(&[("deploy/isvc.yaml", &isvc("10"))]);
    assert_eq!(
        evidence(&canary.score(), "RBK-03"),
        vec!["deploy/isvc.yaml:7"]
    );
    let full = Repo::new(&[("deploy/isvc.yaml", &isvc("100"))]);
    assert_eq!(outcome(&full.score(), "RBK-03"), Outcome::Unmet);
}

#[test]
fn multi_document_yaml_and_helm_templates_are_read() {
    let repo = Repo::new(&[(
        "chart/templates/rollout.yaml",
        "{{- if .Values.rollout }}\napiVersion: v1\nkind: Service\nmetadata:\n  name: {{ .Release.Name }}\n---\napiVersion: argoproj.io/v1alpha1\nkind: Rollout\nspec:\n  strategy:\n    canary:\n      steps:\n        - setWeight: 20\n        - analysis:\n            templates:\n              - templateName: {{ .Values.analysis }}\n{{- end }}\n",
    )]);
    let report = repo.score();
    assert_eq!(
        evidence(&report, "RBK-03"),
        vec!["chart/templates/rollout.yaml:11"]
    );
    assert_eq!(outcome(&report, "RBK-04"), Outcome::Met);
}

#[test]
fn data_layer_unity_scores_pgvector_high_and_ad_hoc_vector_stores_low() {
    let pgvector = Repo::new(&[
        ("migrations/001.sql", "CREATE EXTENSION IF NOT EXISTS \"vector\";\nCREATE TABLE d (id int, embedding vector(384), embedding_model text);\nCREATE INDEX ON d USING hnsw (embedding vector_cosine_ops);\n"),
        ("app/embed.py", "from sentence_transformers import SentenceTransformer\nm = SentenceTransformer('all-MiniLM-L6-v2')\n"),
        ("app/search.py", "rows = conn.execute('SELECT id FROM d ORDER BY embedding <=> %s LIMIT 5', (q,))\n"),
    ]);
    let unified = pgvector.score();
    assert_eq!(area_level(&unified, "data-layer"), Some(2));

    let split = Repo::new(&[
        ("requirements.txt", "pinecone-client\nopenai\n"),
        ("scripts/load_vectors.py", "from pinecone import Pinecone\nfrom openai import OpenAI\npc = Pinecone(api_key='x')\nv = OpenAI().embeddings.create(model='m', input='t')\npc.Index('docs').upsert(vectors=[('1', v)])\nhits = pc.Index('docs').query(vector=v, top_k=5)\n"),
    ]);
    let split = split.score();
    // ladder.md: a standalone vector store filled by an ad-hoc script is 0.
    assert_eq!(area_level(&split, "data-layer"), Some(0));
    assert_eq!(outcome(&split, "DLU-03"), Outcome::Unmet);
    let unified_score = unified
        .areas
        .iter()
        .find(|a| a.id == "data-layer")
        .unwrap()
        .score;
    let split_score = split
        .areas
        .iter()
        .find(|a| a.id == "data-layer")
        .unwrap()
        .score;
    assert!(
        split_score < unified_score,
        "{split_score:?} < {unified_score:?}"
    );
}

#[test]
fn no_embeddings_means_not_applicable_never_zero() {
    // Postgres used for app data, and a `features.py`, are not vector stores.
    let repo = Repo::new(&[
        ("requirements.txt", "psycopg2-binary\nsqlalchemy\n"),
        (
            "migrations/001.sql",
            "CREATE TABLE users (id serial primary key, email text);\n",
        ),
        ("app/features.py", "def tenure(df):\n    return df.months\n"),
    ]);
    let report = repo.score();
    let area = report.areas.iter().find(|a| a.id == "data-layer").unwrap();
    assert!(!area.applicable);
    assert_eq!(area.level, None);
    assert_eq!(area.score, None);
    assert!(area
        .checks
        .iter()
        .all(|c| c.outcome == Outcome::NotApplicable));
    assert_eq!(outcome(&report, "VER-08"), Outcome::Unmet);
}

#[test]
fn community_health_files_are_not_ownership() {
    let repo = Repo::new(&[
        ("CONTRIBUTING.md", "Ask @alice for review.\n"),
        ("CODE_OF_CONDUCT.md", "Contact @bob\n"),
        (".github/SECURITY.md", "Report to security@example.com\n"),
    ]);
    assert_eq!(outcome(&repo.score(), "OWN-01"), Outcome::Unmet);
    let owners = Repo::new(&[(".github/CODEOWNERS", "# owners\n* @acme/ml\n")]);
    assert_eq!(
        evidence(&owners.score(), "OWN-01"),
        vec![".github/CODEOWNERS:2"]
    );
}

#[test]
fn notebooks_are_not_a_training_pipeline() {
    let repo = Repo::new(&[(
        "train.ipynb",
        "{\n \"cells\": [\n  {\n   \"cell_type\": \"code\",\n   \"source\": [\n    \"from kfp import dsl\\n\",\n    \"mlflow.register_model(x)\"\n   ]\n  }\n ]\n}\n",
    )]);
    let report = repo.score();
    assert_eq!(outcome(&report, "VER-01"), Outcome::Unmet);
    assert_eq!(outcome(&report, "VER-04"), Outcome::Unmet);
}

#[test]
fn evidence_only_in_examples_docs_or_notebooks_does_not_meet_level_2() {
    let drift = "from evidently import Report\n";
    let docs_only = Repo::new(&[("docs/monitoring/drift_example.py", drift)]);
    let report = docs_only.score();
    let check = find(&report, "MON-02");
    assert_eq!(check.outcome, Outcome::Unmet);
    assert!(
        check
            .reason
            .as_deref()
            .unwrap()
            .contains("examples, docs or notebooks"),
        "{:?}",
        check.reason
    );
    assert_eq!(
        &*check.unconfirmed[0].path,
        "docs/monitoring/drift_example.py"
    );
    let prod = Repo::new(&[("src/monitoring/drift.py", drift)]);
    assert_eq!(outcome(&prod.score(), "MON-02"), Outcome::Met);
}

#[test]
fn a_declared_dependency_alone_does_not_meet_level_3() {
    // VER-07 accepts OpenLineage as a dependency, but a declaration is weak.
    let declared = Repo::new(&[("requirements.txt", "openlineage-python==1.9\n")]);
    let report = declared.score();
    let check = find(&report, "VER-07");
    assert_eq!(check.outcome, Outcome::Unmet);
    assert!(check
        .reason
        .as_deref()
        .unwrap()
        .starts_with("found only weak evidence"));
    let used = Repo::new(&[(
        "pipeline/lineage.py",
        "from openlineage.client import OpenLineageClient\n",
    )]);
    assert_eq!(outcome(&used.score(), "VER-07"), Outcome::Met);
}

#[test]
fn evidence_carries_its_location_class_and_strength() {
    let repo = Repo::new(&[
        ("src/train.py", REGISTER),
        ("tests/test_train.py", REGISTER),
        ("examples/quickstart/train.py", REGISTER),
    ]);
    let report = repo.score();
    let classes: Vec<(String, &str)> = find(&report, "VER-01")
        .evidence
        .iter()
        .map(|e| (e.path.to_string(), e.class.as_str()))
        .collect();
    assert_eq!(
        classes,
        vec![
            ("examples/quickstart/train.py".to_owned(), "example"),
            ("src/train.py".to_owned(), "prod"),
            ("tests/test_train.py".to_owned(), "test"),
        ]
    );
}

#[test]
fn files_that_cannot_be_parsed_outside_production_are_notes_not_unknowns() {
    let repo = Repo::new(&[
        // A recorded test cassette, a template and a broken docs sample.
        (
            "tests/cassettes/chat.yaml",
            "interactions:\n- steps:\n  - script: [python evaluate.py\n",
        ),
        (
            "template/.github/workflows/ci.yml.tmpl",
            "on: push\njobs:\n  {{- if .x }}\n  t: {steps: [{run: pytest}]}\n  {{- end }}\n",
        ),
        (
            "docs/k8s/broken.yaml",
            "apiVersion: apps/v1\nkind: Deployment\nspec: [\n",
        ),
        (
            ".github/workflows/ci.yml",
            "on: push\njobs:\n  t:\n    runs-on: x\n    steps:\n      - run: python evaluate.py\n",
        ),
    ]);
    let report = repo.score();
    let unknown = support::unknown_checks(&report);
    assert!(unknown.is_empty(), "{unknown:?}");
    assert_eq!(outcome(&report, "EVL-01"), Outcome::Met);
    let notes = &report.scan.notes;
    assert!(
        notes
            .iter()
            .any(|n| n.contains("tests/cassettes/chat.yaml:")),
        "{notes:?}"
    );
    assert!(
        notes.iter().any(|n| n.contains("docs/k8s/broken.yaml:")),
        "{notes:?}"
    );
}

#[test]
fn yaml_that_real_loaders_accept_is_read() {
    // `!!binary` scalars (recorded HTTP cassettes) and JSON Lines in a .json
    // file parse; a production workflow beside them is still judged.
    let repo = Repo::new(&[
        (
            "deploy/cassette.yaml",
            "kind: Deployment\napiVersion: apps/v1\nbody: !!binary |\n  aGVsbG8=\nspec:\n  template:\n    spec:\n      containers:\n        - name: m\n          image: r/m@sha256:0000000000000000000000000000000000000000000000000000000000000000\n",
        ),
        (
            "infra/events.json",
            "{\"Resources\": {\"A\": {\"Type\": \"x\"}}}\n{\"Resources\": {\"B\": {\"Type\": \"y\"}}}\n",
        ),
    ]);
    let report = repo.score();
    let unknown = support::unknown_checks(&report);
    assert!(unknown.is_empty(), "{unknown:?}");
    assert_eq!(outcome(&report, "RBK-01"), Outcome::Met);
    assert!(report.scan.notes.is_empty(), "{:?}", report.scan.notes);
}

#[test]
fn a_notebook_a_job_runs_is_pipeline_code_and_the_report_says_so() {
    let repo = Repo::new(&[
        (
            "resources/job.yml",
            "resources:\n  jobs:\n    j:\n      tasks:\n        - notebook_task:\n            notebook_path: ../notebooks/Promote\n",
        ),
        (
            "notebooks/Promote.py",
            "if new_auc > prod_auc:\n    client.set_registered_model_alias(n, 'champion', v)\n",
        ),
        (
            "notebooks/Explore.py",
            "if new_auc > prod_auc:\n    client.set_registered_model_alias(n, 'champion', v)\n",
        ),
    ]);
    let report = repo.score();
    assert_eq!(evidence(&report, "EVL-17"), vec!["notebooks/Promote.py:2"]);
    assert!(
        report
            .scan
            .notes
            .contains(&"notebooks/Promote.py: run by a job defined in resources/job.yml; read as pipeline code".to_owned()),
        "{:?}",
        report.scan.notes
    );
}

#[test]
fn a_notebook_no_job_runs_meets_no_level_1_check_but_is_shown_and_asked() {
    let seeded = "{\n \"cells\": [\n  {\n   \"cell_type\": \"code\",\n   \"source\": [\n    \"np.random.seed(0)\\n\",\n    \"model.fit(X, y)\"\n   ]\n  }\n ]\n}\n";
    let repo = Repo::new(&[
        ("train.py", "model.fit(X, y)\n"),
        ("eda.ipynb", seeded),
        ("notebooks/explore.py", "random.seed(7)\n"),
    ]);
    let report = repo.score();
    // Training in a notebook still makes the training checks apply.
    let check = find(&report, "VER-10");
    assert_eq!(check.outcome, Outcome::Unmet);
    let seen: Vec<String> = check
        .unconfirmed
        .iter()
        .map(|e| format!("{}:{} {}", e.path, e.line, e.class.as_str()))
        .collect();
    assert_eq!(
        seen,
        vec!["eda.ipynb:6 notebook", "notebooks/explore.py:1 notebook"]
    );
    assert!(
        check.reason.as_deref().unwrap_or("").contains("notebooks"),
        "{:?}",
        check.reason
    );

    // The same seed in a script counts.
    let script = Repo::new(&[("train.py", "np.random.seed(0)\nmodel.fit(X, y)\n")]);
    assert_eq!(evidence(&script.score(), "VER-10"), vec!["train.py:1"]);
}
