//! Runs a command and reports its wall time, CPU time and peak resident
//! set size, for `bench/run.py`.
//!
//! Usage: `rss COMMAND [ARGS...]`; the command inherits stdin, stdout and
//! stderr, and its exit code is passed on. The last line on stderr is
//! `rss: WALL_SECONDS CPU_SECONDS PEAK_RSS_KIB`.
//!
//! The kernel counts, in a child's peak RSS, the memory of the process it
//! was forked from until it runs its program. Forked from the Python
//! benchmark (13 MiB at least, more after building a tree), every tool
//! would report that floor; forked from this small process it is about
//! 2 MiB.

use std::io::Write;
use std::process::Command;
use std::time::Instant;

/// Writes one line to stderr (a closed stderr is not this tool's error).
fn say(line: std::fmt::Arguments) {
    let _ = writeln!(std::io::stderr(), "{line}");
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some((program, rest)) = args.split_first() else {
        say(format_args!("usage: rss COMMAND [ARGS...]"));
        std::process::exit(2);
    };
    let start = Instant::now();
    let child = match Command::new(program).args(rest).spawn() {
        Ok(child) => child,
        Err(e) => {
            say(format_args!("rss: cannot run {program}: {e}"));
            std::process::exit(2);
        }
    };
    let mut status = 0;
    // SAFETY: rusage is plain data the kernel fills in; the pid is our child's.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    let pid = child.id() as libc::pid_t;
    let waited = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
    let wall = start.elapsed().as_secs_f64();
    if waited != pid {
        say(format_args!(
            "rss: wait4 failed: {}",
            std::io::Error::last_os_error()
        ));
        std::process::exit(2);
    }
    let seconds = |t: libc::timeval| t.tv_sec as f64 + t.tv_usec as f64 / 1e6;
    let cpu = seconds(usage.ru_utime) + seconds(usage.ru_stime);
    say(format_args!("rss: {wall:.6} {cpu:.6} {}", usage.ru_maxrss));
    let code = if libc::WIFEXITED(status) {
        libc::WEXITSTATUS(status)
    } else {
        128 + libc::WTERMSIG(status)
    };
    std::process::exit(code);
}
