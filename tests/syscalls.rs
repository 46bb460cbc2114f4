//! What `readiness score` asks of the kernel on a repository, traced with
//! strace: no network connection, no program started, no file opened for
//! writing but the anonymous file hits spill to on a large scan, and
//! nothing read outside the repository except the system files every
//! process loads (docs/security.md).
//!
//! Needs `strace`; `.ci/run` installs it and sets `READINESS_REQUIRE_STRACE`
//! so CI fails rather than skips when it is missing.
#![cfg(target_os = "linux")]

mod support;

use std::path::Path;
use std::process::Command;
use support::copy_example;

/// Where a process may read outside the repository: the dynamic loader,
/// shared libraries, and the kernel's description of the CPUs and cgroup
/// (the thread count), and the allocator's overcommit setting.
const SYSTEM_READS: &[&str] = &[
    "/etc/ld.so.cache",
    "/etc/ld.so.preload",
    "/lib/",
    "/lib64/",
    "/usr/lib/",
    "/usr/lib64/",
    "/proc/self/",
    "/proc/sys/vm/overcommit_memory",
    "/sys/fs/cgroup/",
    "/sys/devices/system/cpu/",
];

fn strace_available() -> bool {
    Command::new("strace")
        .arg("-V")
        .output()
        .is_ok_and(|o| o.status.success())
}

/// The traced calls of one run of `readiness score` on `repo`, with
/// `tmpdir` as the temporary directory.
fn trace(repo: &Path, tmpdir: &Path) -> Vec<String> {
    let log = tempfile::NamedTempFile::new().unwrap();
    let status = Command::new("strace")
        .args([
            "-f",
            "-qq",
            "-e",
            "trace=connect,execve,execveat,open,openat,creat,openat2",
        ])
        .arg("-o")
        .arg(log.path())
        .arg(env!("CARGO_BIN_EXE_readiness"))
        .args(["score", "--format", "json"])
        .arg(repo)
        .env("READINESS_TODAY", support::TODAY)
        .env("TMPDIR", tmpdir)
        // cargo points the loader at its build directories; a user's shell
        // does not.
        .env_remove("LD_LIBRARY_PATH")
        .stdout(std::process::Stdio::null())
        .status()
        .unwrap();
    assert!(status.code().is_some_and(|c| c <= 1), "{status:?}");
    std::fs::read_to_string(log.path())
        .unwrap()
        .lines()
        .map(str::to_owned)
        .collect()
}

/// The path argument of a traced open call.
fn opened_path(call: &str) -> Option<&str> {
    let start = call.find('"')? + 1;
    let end = start + call[start..].find('"')?;
    Some(&call[start..end])
}

fn strace_missing() -> bool {
    if strace_available() {
        return false;
    }
    assert!(
        std::env::var_os("READINESS_REQUIRE_STRACE").is_none(),
        "strace is required here but missing"
    );
    use std::io::Write;
    let _ = writeln!(std::io::stderr(), "skipped: strace is not installed");
    true
}

/// What a traced run did that it must not, and how many anonymous files it
/// made in `tmpdir` (the hit spill: `O_TMPFILE` has no name, so nothing can
/// be planted for it to write through, and it is gone when the process
/// ends).
fn violations(calls: &[String], repo: &Path, tmpdir: &Path) -> (Vec<String>, usize) {
    let root = repo.canonicalize().unwrap();
    let root = root.to_str().unwrap();
    let mut problems = Vec::new();
    let mut execs = 0;
    let mut spills = 0;
    for call in calls {
        let name = call.split_whitespace().nth(1).unwrap_or("");
        if name.starts_with("connect(") {
            problems.push(format!("network: {call}"));
        } else if name.starts_with("execve") {
            execs += 1;
        } else if let Some(path) = opened_path(call) {
            let anonymous = call.contains("O_TMPFILE") && Path::new(path) == tmpdir;
            if anonymous {
                spills += 1;
                continue;
            }
            let writes = ["O_WRONLY", "O_RDWR", "O_CREAT", "O_TRUNC"]
                .iter()
                .any(|flag| call.contains(flag));
            if writes {
                problems.push(format!("opened for writing: {call}"));
            }
            let inside =
                path.starts_with(root) || repo.to_str().is_some_and(|r| path.starts_with(r));
            let system = SYSTEM_READS.iter().any(|prefix| path.starts_with(prefix));
            if !inside && !system {
                problems.push(format!("read outside the repository: {call}"));
            }
        }
    }
    if execs != 1 {
        problems.push(format!(
            "{execs} programs executed, only readiness itself may be"
        ));
    }
    (problems, spills)
}

#[test]
fn a_scan_opens_nothing_outside_the_repository_and_runs_nothing() {
    if strace_missing() {
        return;
    }
    let repo = copy_example("level-2-deployment");
    let tmpdir = tempfile::tempdir().unwrap();
    let calls = trace(repo.path(), tmpdir.path());
    assert!(!calls.is_empty());
    let (problems, spills) = violations(&calls, repo.path(), tmpdir.path());
    assert!(
        problems.is_empty(),
        "{}\n{}",
        problems.join("\n"),
        calls.join("\n")
    );
    assert_eq!(spills, 0, "a small scan keeps its hits in memory");
    // The trace did see the scan read the repository.
    assert!(calls.iter().any(|c| c.contains(".github/workflows")));
}

#[test]
fn a_large_scan_spills_its_hits_only_to_an_anonymous_temporary_file() {
    if strace_missing() {
        return;
    }
    // More than a megabyte of hits: 9,000 modules that register a model,
    // under long names.
    let repo = support::Repo::new(&[("Dockerfile", "FROM python:3.11\n")]);
    let module = "import mlflow\nmlflow.register_model(\"runs:/0123456789abcdef/model\", \"churn-prediction-model-for-the-retention-team\")\n";
    for i in 0..9000 {
        let path = format!(
            "src/package_{}/training_module_with_a_descriptive_name_{i}.py",
            i % 50
        );
        repo.write(&path, module.as_bytes());
    }
    let tmpdir = tempfile::tempdir().unwrap();
    let tmpdir_path = tmpdir.path().canonicalize().unwrap();
    let calls = trace(repo.path(), &tmpdir_path);
    let (problems, spills) = violations(&calls, repo.path(), &tmpdir_path);
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    assert_eq!(spills, 1, "the hits spilled to one anonymous file");
    assert_eq!(
        std::fs::read_dir(&tmpdir_path).unwrap().count(),
        0,
        "nothing is left behind"
    );
}
