//! The CI integration files are real: the GitHub Action's scoring script runs
//! here with a simulated runner environment, and the pre-commit hook and the
//! documented workflow use flags the CLI has.

#[path = "support/gh_expr.rs"]
mod gh_expr;
mod support;
use readiness::node::{parse_yaml, Node, Value};
use std::path::Path;
use std::process::Command;
use support::bin;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn yaml(path: &str) -> Node {
    parse_yaml(&std::fs::read_to_string(root().join(path)).unwrap()).unwrap()
}

fn step<'a>(action: &'a Node, id: &str) -> &'a Node {
    let Value::Seq(steps) = &action.get_path("runs.steps").unwrap().value else {
        panic!("runs.steps is a list")
    };
    steps
        .iter()
        .find(|s| s.get("id").and_then(Node::as_str) == Some(id))
        .unwrap()
}

/// The shell script of the action's step `id`.
fn run_of(action: &Node, id: &str) -> String {
    step(action, id)
        .get("run")
        .and_then(Node::as_str)
        .unwrap()
        .to_owned()
}

fn run_action_score(min_level: &str) -> (String, String, String, tempfile::TempDir) {
    let action = yaml("action.yml");
    assert_eq!(
        action.get_path("runs.using").unwrap().as_str(),
        Some("composite")
    );
    let script = run_of(&action, "score");
    let temp = tempfile::tempdir().unwrap();
    let summary = temp.path().join("summary.md");
    let output = temp.path().join("output.txt");
    let status = Command::new("bash")
        .args(["-e", "-c", &script])
        .current_dir(root())
        .env("READINESS_BIN", env!("CARGO_BIN_EXE_readiness"))
        .env("RUNNER_TEMP", temp.path())
        .env("GITHUB_STEP_SUMMARY", &summary)
        .env("GITHUB_OUTPUT", &output)
        .env("GITHUB_REPOSITORY", "acme/churn")
        .env("GITHUB_SHA", "0123abc")
        .env("INPUT_PATH", "examples/level-1-training")
        .env("INPUT_MIN_LEVEL", min_level)
        .env("INPUT_CONFIG", "")
        .env("INPUT_BASELINE", "")
        .env("INPUT_EVIDENCE_ONLY", "false")
        .status()
        .unwrap();
    assert!(
        status.success(),
        "the score step itself never fails; the gate step does"
    );
    (
        std::fs::read_to_string(&output).unwrap(),
        std::fs::read_to_string(&summary).unwrap(),
        temp.path().join("readiness-report").display().to_string(),
        temp,
    )
}

#[test]
fn action_scores_writes_outputs_and_defers_the_gate() {
    let (outputs, summary, dir, _temp) = run_action_score("2");
    assert!(outputs.contains("level=1\n"), "{outputs}");
    assert!(outputs.contains("exit-code=1\n"), "{outputs}");
    assert!(
        outputs.contains(&format!("sarif={dir}/readiness.sarif\n")),
        "{outputs}"
    );
    assert!(
        summary.starts_with("## readiness: Level 1 of 3"),
        "{summary}"
    );
    assert!(
        summary.contains("(https://github.com/acme/churn/blob/0123abc/src/churn/train.py#L15)"),
        "{summary}"
    );
    for file in [
        "readiness.json",
        "readiness.sarif",
        "readiness.junit.xml",
        "readiness.md",
    ] {
        assert!(Path::new(&dir).join(file).is_file(), "{file}");
    }
    let (outputs, _, _, _temp) = run_action_score("1");
    assert!(outputs.contains("exit-code=0\n"), "{outputs}");
    // The gate step exits with the recorded code.
    let action = yaml("action.yml");
    let Value::Seq(steps) = &action.get_path("runs.steps").unwrap().value else {
        unreachable!()
    };
    let last = steps.last().unwrap().get("run").unwrap().as_str().unwrap();
    assert_eq!(last.trim(), "exit \"${{ steps.score.outputs.exit-code }}\"");
}

#[test]
fn pre_commit_hook_definition() {
    let hooks = yaml(".pre-commit-hooks.yaml");
    let Value::Seq(list) = &hooks.value else {
        panic!("a list of hooks")
    };
    let hook = &list[0];
    assert_eq!(hook.get("id").unwrap().as_str(), Some("readiness"));
    assert_eq!(hook.get("language").unwrap().as_str(), Some("rust"));
    // It runs where a user who adds it expects: at the default stage, so
    // on every commit and with `pre-commit run` and `try-repo`.
    assert!(hook.get("stages").is_none(), "no stage restriction");
    let entry = hook.get("entry").unwrap().as_str().unwrap();
    let args: Vec<&str> = entry.split_whitespace().skip(1).collect();
    let hook_in = |repo: &Path, extra: &[&str]| {
        bin()
            .args(&args)
            .args(extra)
            .arg(".")
            .current_dir(repo)
            .output()
            .unwrap()
    };
    // A repository without a gate fails, saying how to add one.
    let out = hook_in(&root().join("examples/level-3-full"), &[]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("no release gate to check"), "{err}");
    assert!(err.contains("readiness init"), "{err}");
    // With a gate (`args: [--min-level, "3"]`, or readiness.toml) it gates.
    let out = hook_in(&root().join("examples/level-3-full"), &["--min-level", "3"]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = hook_in(
        &root().join("examples/level-1-training"),
        &["--min-level", "2"],
    );
    assert_eq!(out.status.code(), Some(1));
    let repo = support::copy_example("level-1-training");
    repo.write("readiness.toml", b"min_level = 1\n");
    assert_eq!(hook_in(repo.path(), &[]).status.code(), Some(0));
    repo.write("readiness.toml", b"[area_min_level]\nevals = 1\n");
    assert_eq!(hook_in(repo.path(), &[]).status.code(), Some(0));
    // A config with no threshold (excludes only) checks no level.
    repo.write("readiness.toml", b"exclude = [\"notebooks/**\"]\n");
    assert_eq!(hook_in(repo.path(), &[]).status.code(), Some(2));
}

#[test]
fn documented_workflow_parses_and_uses_the_action() {
    let text = std::fs::read_to_string(root().join("docs/ci.md")).unwrap();
    let workflow = text
        .split("```yaml\n")
        .nth(1)
        .and_then(|rest| rest.split("```").next())
        .unwrap();
    let doc = parse_yaml(workflow).unwrap();
    let steps = doc.get_path("jobs.readiness.steps").unwrap();
    let Value::Seq(steps) = &steps.value else {
        panic!()
    };
    assert!(steps.iter().any(|s| s
        .get("uses")
        .and_then(Node::as_str)
        .is_some_and(|u| u.contains("readiness"))));
    assert!(doc.get_path("permissions.security-events").is_some());
}

#[test]
fn action_step_conditions_hold_as_the_runner_reads_them() {
    let action = yaml("action.yml");
    let mut values = std::collections::HashMap::new();
    let Value::Map(inputs) = &action.get("inputs").unwrap().value else {
        panic!("inputs is a map")
    };
    for input in inputs {
        let default = input
            .node
            .get("default")
            .and_then(Node::as_str)
            .unwrap_or("");
        values.insert(format!("inputs.{}", input.key), default.to_owned());
    }
    // The score step's outputs, from a real run of its script.
    let (outputs, _, _, _temp) = run_action_score("2");
    for line in outputs.lines() {
        let (key, value) = line.split_once('=').unwrap();
        values.insert(format!("steps.score.outputs.{key}"), value.to_owned());
    }
    let mut context = gh_expr::Context {
        values,
        failed: false,
    };
    let Value::Seq(steps) = &action.get_path("runs.steps").unwrap().value else {
        unreachable!()
    };
    let upload = steps
        .iter()
        .find(|s| {
            s.get("uses")
                .and_then(Node::as_str)
                .is_some_and(|u| u.contains("upload-sarif"))
        })
        .unwrap();
    let condition = upload.get("if").and_then(Node::as_str);
    // Every condition evaluates from inputs and outputs alone (no hashFiles).
    for step in steps {
        gh_expr::runs(step.get("if").and_then(Node::as_str), &context);
    }
    // The gate failed (exit code 1) and the SARIF file was written: upload.
    assert!(gh_expr::runs(condition, &context));
    // Even after an earlier step failed.
    context.failed = true;
    assert!(gh_expr::runs(condition, &context));
    context.failed = false;
    // Not when the user switched it off, or when no SARIF was written.
    context
        .values
        .insert("inputs.upload-sarif".into(), "false".into());
    assert!(!gh_expr::runs(condition, &context));
    context
        .values
        .insert("inputs.upload-sarif".into(), "true".into());
    context.values.remove("steps.score.outputs.sarif-written");
    assert!(!gh_expr::runs(condition, &context));
}

#[test]
fn the_condition_evaluator_refuses_runner_functions() {
    let context = gh_expr::Context {
        values: Default::default(),
        failed: false,
    };
    assert!(gh_expr::runs(
        Some("${{ always() && 'a' == 'A' }}"),
        &context
    ));
    assert!(!gh_expr::runs(Some("inputs.missing == 'true'"), &context));
    assert!(gh_expr::runs(Some("!(inputs.missing) || false"), &context));
    let hash = std::panic::catch_unwind(|| {
        gh_expr::runs(
            Some("${{ always() && hashFiles(format('{0}/x', runner.temp)) != '' }}"),
            &context,
        )
    });
    assert!(hash.is_err(), "hashFiles must not be accepted");
}

/// Runs the action's install step with a fake release server (a folder
/// behind `file://`) and a `cargo` stub that records what it was asked.
fn run_install(tag: &str, arch: &str, releases: &Path) -> (bool, String, tempfile::TempDir) {
    let script = run_of(&yaml("action.yml"), "install");
    let temp = tempfile::tempdir().unwrap();
    let stubs = temp.path().join("stubs");
    std::fs::create_dir_all(&stubs).unwrap();
    let log = temp.path().join("cargo.log");
    let cargo = stubs.join("cargo");
    std::fs::write(
        &cargo,
        format!("#!/bin/sh\necho \"$@\" >> '{}'\n", log.display()),
    )
    .unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&cargo, std::fs::Permissions::from_mode(0o755)).unwrap();
    let path = format!(
        "{}:{}",
        stubs.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let out = Command::new("bash")
        .args(["-c", &script])
        .env("PATH", path)
        .env("RUNNER_TEMP", temp.path())
        .env("RUNNER_OS", "Linux")
        .env("RUNNER_ARCH", arch)
        .env("GITHUB_ACTION_REF", tag)
        .env("GITHUB_ACTION_PATH", root())
        .env(
            "READINESS_RELEASE_URL",
            format!("file://{}", releases.display()),
        )
        .output()
        .unwrap();
    let cargo_args = std::fs::read_to_string(&log).unwrap_or_default();
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (
        out.status.success(),
        format!("{text}\ncargo: {cargo_args}"),
        temp,
    )
}

#[test]
fn action_installs_the_release_binary_for_its_tag_and_checks_it() {
    // A release v9.9.9 with a Linux x86_64 binary and its SHA-256.
    let releases = tempfile::tempdir().unwrap();
    let dir = releases.path().join("v9.9.9");
    std::fs::create_dir_all(&dir).unwrap();
    let staging = releases.path().join("staging");
    std::fs::create_dir_all(&staging).unwrap();
    std::fs::write(staging.join("readiness"), "#!/bin/sh\necho release build\n").unwrap();
    let archive = "readiness-v9.9.9-x86_64-unknown-linux-musl.tar.gz";
    let ok = |cmd: &mut Command| assert!(cmd.status().unwrap().success());
    ok(Command::new("tar")
        .args(["-czf"])
        .arg(dir.join(archive))
        .arg("-C")
        .arg(&staging)
        .arg("readiness"));
    let sum = Command::new("sha256sum")
        .arg(archive)
        .current_dir(&dir)
        .output()
        .unwrap();
    std::fs::write(dir.join(format!("{archive}.sha256")), &sum.stdout).unwrap();

    // The tag's binary, verified, and no build.
    let (success, log, temp) = run_install("v9.9.9", "X64", releases.path());
    assert!(success, "{log}");
    assert!(log.contains("release binary, SHA-256"), "{log}");
    assert!(log.ends_with("cargo: "), "no build: {log}");
    assert!(temp.path().join("readiness/bin/readiness").is_file());

    // No binary for this runner, or a branch or moving tag: build the
    // action's own checkout, locked.
    for (tag, arch) in [("v9.9.9", "ARM64"), ("main", "X64"), ("v9", "X64")] {
        let (success, log, _temp) = run_install(tag, arch, releases.path());
        assert!(success, "{tag} {arch}: {log}");
        assert!(
            log.contains("cargo: install --locked"),
            "{tag} {arch}: {log}"
        );
    }

    // A download that does not match its checksum fails; nothing is built
    // or installed in its place.
    std::fs::write(
        dir.join(format!("{archive}.sha256")),
        format!("{}  {archive}\n", "0".repeat(64)),
    )
    .unwrap();
    let (success, log, temp) = run_install("v9.9.9", "X64", releases.path());
    assert!(!success, "{log}");
    assert!(
        log.contains("does not match its published SHA-256"),
        "{log}"
    );
    assert!(log.ends_with("cargo: "), "{log}");
    assert!(!temp.path().join("readiness/bin/readiness").exists());
}

#[test]
fn release_workflow_publishes_what_the_action_downloads() {
    let workflow = yaml(".github/workflows/release.yml");
    let tags = workflow.get_path("on.push.tags").unwrap();
    let Value::Seq(tags) = &tags.value else {
        panic!("tag patterns")
    };
    assert!(tags
        .iter()
        .any(|t| t.as_str().is_some_and(|p| p.starts_with('v'))));
    let Value::Seq(matrix) = &workflow
        .get_path("jobs.binaries.strategy.matrix.include")
        .unwrap()
        .value
    else {
        panic!("a target matrix")
    };
    let targets: Vec<&str> = matrix
        .iter()
        .filter_map(|m| m.get("target").and_then(Node::as_str))
        .collect();
    // Every target the action maps a runner to is built.
    let install = run_of(&yaml("action.yml"), "install");
    for target in [
        "x86_64-unknown-linux-musl",
        "aarch64-unknown-linux-musl",
        "x86_64-apple-darwin",
        "aarch64-apple-darwin",
        "x86_64-pc-windows-msvc",
    ] {
        assert!(targets.contains(&target), "{target} is built");
        assert!(install.contains(target), "{target} is downloaded");
    }
    // The archive and checksum names the action asks for.
    let text = std::fs::read_to_string(root().join(".github/workflows/release.yml")).unwrap();
    assert!(text.contains("archive=\"readiness-$TAG-$TARGET.tar.gz\""));
    assert!(text.contains("> \"$archive.sha256\""));
    assert!(install.contains("archive=\"readiness-$tag-$target.tar.gz\""));
    assert!(text.contains("--profile dist"));
}
