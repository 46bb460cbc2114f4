//! A hostile pull request controls every file, link and special file of the
//! repository. The files readiness reads for itself (answers, config, the
//! rubric directories a config names) must then give a clear error naming
//! the file: never an out-of-memory kill, a hang, or a read outside the
//! repository.
#![cfg(unix)]

mod support;

use std::os::unix::fs::symlink;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};
use support::{bin, Repo};

/// Runs `cmd`, killing it (and failing the test) if it has not finished
/// within 30 seconds: a hang must fail, not stall the suite.
fn run_bounded(mut cmd: Command) -> Output {
    let mut child = cmd
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let start = Instant::now();
    loop {
        if child.try_wait().unwrap().is_some() {
            return child.wait_with_output().unwrap();
        }
        if start.elapsed() > Duration::from_secs(30) {
            let _ = child.kill();
            panic!("readiness did not finish within 30 s");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn score(repo: &Repo) -> Output {
    let mut cmd = bin();
    cmd.arg("score").arg(repo.path()).args(["--format", "json"]);
    run_bounded(cmd)
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn repo() -> Repo {
    Repo::new(&[("src/train.py", "model.fit(X, y)\n")])
}

#[test]
fn an_answers_file_linked_to_an_endless_device_is_refused_not_read() {
    let repo = repo();
    std::fs::create_dir_all(repo.path().join(".readiness")).unwrap();
    symlink("/dev/zero", repo.path().join(".readiness/answers.yaml")).unwrap();
    let out = score(&repo);
    assert!(!out.status.success());
    let err = stderr(&out);
    assert!(
        err.contains(".readiness/answers.yaml") && err.contains("symbolic link"),
        "{err}"
    );
}

#[test]
fn a_fifo_in_place_of_the_answers_file_or_the_config_does_not_hang() {
    for name in [".readiness/answers.yaml", "readiness.toml"] {
        let repo = repo();
        let path = repo.path().join(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        assert!(Command::new("mkfifo")
            .arg(&path)
            .status()
            .unwrap()
            .success());
        let out = score(&repo);
        assert!(!out.status.success(), "{name}");
        let err = stderr(&out);
        assert!(
            err.contains(name) && err.contains("not a regular file"),
            "{name}: {err}"
        );
    }
}

#[test]
fn a_config_linked_outside_the_repository_is_not_read() {
    let outside = tempfile::tempdir().unwrap();
    let secret = outside.path().join("secret.toml");
    std::fs::write(&secret, "aws_secret_access_key = \"AKIA-not-for-you\"\n").unwrap();
    let repo = repo();
    symlink(&secret, repo.path().join("readiness.toml")).unwrap();
    let out = score(&repo);
    assert!(!out.status.success());
    let err = stderr(&out);
    assert!(
        err.contains("readiness.toml") && err.contains("symbolic link"),
        "{err}"
    );
    assert!(!err.contains("AKIA"), "{err}");
}

#[test]
fn rubric_directories_a_config_names_stay_inside_the_repository() {
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(
        outside.path().join("leak.yaml"),
        "aws_secret_access_key: AKIA-not-for-you\n",
    )
    .unwrap();
    let repo = repo();
    let relative = format!(
        "{}/{}",
        "../".repeat(repo.path().components().count()),
        outside.path().display()
    );
    for dir in [outside.path().display().to_string(), relative] {
        repo.write(
            "readiness.toml",
            format!("rubrics = [{dir:?}]\n").as_bytes(),
        );
        let out = score(&repo);
        assert!(!out.status.success(), "{dir}");
        let err = stderr(&out);
        assert!(err.contains("outside the repository"), "{dir}: {err}");
        assert!(!err.contains("AKIA"), "{err}");
    }
    // Named on the command line, the same directory is the user's choice.
    repo.write("readiness.toml", b"");
    let mut cmd = bin();
    cmd.arg("score")
        .arg(repo.path())
        .arg("--rubrics")
        .arg(outside.path());
    let out = run_bounded(cmd);
    assert!(!stderr(&out).contains("outside the repository"));
}

#[test]
fn an_answers_directory_linked_outside_the_repository_is_not_read() {
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(outside.path().join("answers.yaml"), "answers: []\n").unwrap();
    let repo = repo();
    symlink(outside.path(), repo.path().join(".readiness")).unwrap();
    let out = score(&repo);
    assert!(!out.status.success());
    assert!(
        stderr(&out).contains("outside the repository"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn file_names_and_matched_lines_cannot_forge_lines_or_drive_the_terminal() {
    let repo = Repo::new(&[
        ("src/train.py", "model.fit(X, y)\n"),
        (
            "src/x\nFAKE: all checks met\n.py",
            "mlflow.register_model(uri, 'm')  \u{1b}]0;owned\u{7}\u{1b}[2J\u{1b}]52;c;ZXZpbA==\u{7}\n",
        ),
        (
            ".readiness/answers.yaml",
            "version: 1\nanswers:\n  - check: OWN-01\n    answer: manual\n    note: \"fine\\nFAKE: owner on call\\e[2J\"\n    by: \"mallory\\e]0;x\\a\"\n    date: 2026-11-20\n    rubric_version: \"2.0.0\"\n",
        ),
    ]);
    for format in ["table", "markdown", "junit"] {
        let mut cmd = bin();
        cmd.arg("score").arg(repo.path()).args(["--format", format]);
        let out = run_bounded(cmd);
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(text.contains("VER-01"), "{format}: {text}");
        assert!(
            !text.contains('\u{1b}') && !text.contains('\u{7}'),
            "{format}: {text}"
        );
        assert!(
            !text.lines().any(|l| l.trim_start().starts_with("FAKE")),
            "{format}: {text}"
        );
        if format != "junit" {
            // The evidence is still shown, escaped.
            assert!(
                text.contains("x\\u{a}FAKE: all checks met\\u{a}.py"),
                "{format}: {text}"
            );
        }
    }
}

/// `git` with a fixed identity and no user or system config.
fn git(repo: &Repo, args: &[&str]) {
    let status = Command::new("git")
        .args(args)
        .current_dir(repo.path())
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("HOME", repo.path())
        .env("GIT_AUTHOR_NAME", "t")
        .env("GIT_AUTHOR_EMAIL", "t@example.com")
        .env("GIT_COMMITTER_NAME", "t")
        .env("GIT_COMMITTER_EMAIL", "t@example.com")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .unwrap();
    assert!(status.success(), "git {args:?}");
}

#[test]
fn a_gitignore_line_cannot_hide_a_committed_file() {
    let repo = Repo::new(&[
        ("app/store.py", "from pinecone import Pinecone\nindex = Pinecone().Index(\"docs\")\nindex.upsert(vectors)\n"),
        ("requirements.txt", "pinecone\n"),
    ]);
    git(&repo, &["init", "-q"]);
    git(&repo, &["add", "-A"]);
    git(&repo, &["commit", "-qm", "init"]);
    let applicable = |repo: &Repo| {
        let report = repo.score();
        let area = report.areas.iter().find(|a| a.id == "data-layer").unwrap();
        (area.applicable, report.scan.stats.tracked_but_ignored)
    };
    assert_eq!(applicable(&repo), (true, 0));
    // The pull request adds one .gitignore line, and a local exclude and
    // an ignore file above the root try the same.
    repo.write(".gitignore", b"app/\n");
    repo.write(".git/info/exclude", b"requirements.txt\n");
    assert_eq!(applicable(&repo), (true, 1));
    // Untracked files still follow the repository's .gitignore.
    repo.write("app/scratch.py", b"from pinecone import Pinecone\n");
    let report = repo.score();
    assert!(report
        .areas
        .iter()
        .flat_map(|a| a.checks.iter())
        .flat_map(|c| c.evidence.iter())
        .all(|e| &*e.path != "app/scratch.py"));
}

#[test]
fn a_config_that_is_not_utf8_is_an_error_with_its_position() {
    let repo = repo();
    repo.write("readiness.toml", b"min_level = 1\nexclude = [\"\xff\"]\n");
    let out = score(&repo);
    assert!(!out.status.success());
    let err = stderr(&out);
    assert!(
        err.contains("readiness.toml:2:13: not valid UTF-8"),
        "{err}"
    );
}
