//! What `readiness score` asks of the kernel on a repository, traced with
//! strace: no network connection, no program started, no file opened for
//! writing, and nothing read outside the repository except the system
//! files every process loads (docs/security.md).
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

/// The traced calls of one run of `readiness score` on `repo`.
fn trace(repo: &Path) -> Vec<String> {
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

#[test]
fn a_scan_opens_nothing_outside_the_repository_and_runs_nothing() {
    if !strace_available() {
        assert!(
            std::env::var_os("READINESS_REQUIRE_STRACE").is_none(),
            "strace is required here but missing"
        );
        use std::io::Write;
        let _ = writeln!(std::io::stderr(), "skipped: strace is not installed");
        return;
    }
    let repo = copy_example("level-2-deployment");
    let root = repo.path().canonicalize().unwrap();
    let root = root.to_str().unwrap();
    let calls = trace(repo.path());
    assert!(!calls.is_empty());
    let mut problems = Vec::new();
    let mut execs = 0;
    for call in &calls {
        let name = call.split_whitespace().nth(1).unwrap_or("");
        if name.starts_with("connect(") {
            problems.push(format!("network: {call}"));
        } else if name.starts_with("execve") {
            execs += 1;
        } else if let Some(path) = opened_path(call) {
            let writes = ["O_WRONLY", "O_RDWR", "O_CREAT", "O_TRUNC"]
                .iter()
                .any(|flag| call.contains(flag));
            if writes {
                problems.push(format!("opened for writing: {call}"));
            }
            let inside =
                path.starts_with(root) || repo.path().to_str().is_some_and(|r| path.starts_with(r));
            let system = SYSTEM_READS.iter().any(|prefix| path.starts_with(prefix));
            if !inside && !system {
                problems.push(format!("read outside the repository: {call}"));
            }
        }
    }
    assert_eq!(
        execs,
        1,
        "only readiness itself is executed:\n{}",
        calls.join("\n")
    );
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    // The trace did see the scan read the repository.
    assert!(calls.iter().any(|c| c.contains(".github/workflows")));
}
