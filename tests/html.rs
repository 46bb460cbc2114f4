//! The HTML report: one self-contained page that escapes everything from
//! the repository, and that headless Chromium renders with no console
//! error, no network request and no blank page.
//!
//! Chromium (Debian's `chromium`) is optional locally; `.ci/run` installs
//! it and sets `READINESS_REQUIRE_CHROMIUM` so CI fails rather than skips.

mod support;
use std::path::Path;
use std::process::Command;
use support::{bin, Repo};

fn html(dir: &Path) -> String {
    let out = bin()
        .args(["score", "--format", "html"])
        .arg(dir)
        .output()
        .unwrap();
    assert!(matches!(out.status.code(), Some(0 | 1)));
    String::from_utf8(out.stdout).unwrap()
}

fn examples() -> Vec<std::path::PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples");
    let mut all: Vec<_> = std::fs::read_dir(root)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir())
        .collect();
    all.sort();
    all
}

/// A repository whose file names and contents try to inject markup.
fn hostile() -> Repo {
    Repo::new(&[
        (
            "src/<img src=x onerror=alert(1)>.py",
            "import mlflow\nmlflow.register_model('runs:/1/m', '<script>alert(2)</script>')\n",
        ),
        ("CODEOWNERS", "* @team\"><script>alert(3)</script>\n"),
    ])
}

#[test]
fn the_page_is_self_contained_and_escapes_the_repository() {
    let page = html(hostile().path());
    assert!(page.starts_with("<!DOCTYPE html>"));
    assert!(page.contains("Content-Security-Policy"));
    assert!(
        !page.contains("<script"),
        "markup from the repository was not escaped"
    );
    assert!(
        !page.contains("<img"),
        "markup from the repository was not escaped"
    );
    assert!(
        page.contains("&lt;img src=x onerror=alert(1)&gt;"),
        "the file is still cited"
    );
    // No load from anywhere: no src= or stylesheet links at all.
    assert!(!page.contains(" src=\""), "{page}");
    assert!(!page.contains("<link"), "{page}");
    for dir in examples() {
        let page = html(&dir);
        assert!(page.contains("<h1>Readiness: Level"), "{}", dir.display());
        assert!(
            page.contains("role=\"img\""),
            "the chart has a text alternative"
        );
    }
}

/// `fleet` and `trend` pages over reports of two examples, one repository
/// named to inject markup.
fn many_report_pages() -> Vec<String> {
    let dir = tempfile::tempdir().unwrap();
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples");
    for (file, example, repo, date) in [
        (
            "a.json",
            "level-0-notebook",
            "org/<b>churn</b>",
            "2026-01-01",
        ),
        (
            "b.json",
            "level-1-training",
            "org/<b>churn</b>",
            "2026-02-01",
        ),
        ("c.json", "rag-pgvector", "org/docs", "2026-02-03"),
    ] {
        let out = bin()
            .args(["score", "--format", "json", "--repository", repo])
            .args(["--commit-date", date])
            .arg(root.join(example))
            .output()
            .unwrap();
        std::fs::write(dir.path().join(file), out.stdout).unwrap();
    }
    ["fleet", "trend"]
        .into_iter()
        .map(|command| {
            let out = bin()
                .args([command, "--format", "html"])
                .arg(dir.path())
                .output()
                .unwrap();
            assert_eq!(out.status.code(), Some(0), "{command}");
            String::from_utf8(out.stdout).unwrap()
        })
        .collect()
}

#[test]
fn fleet_and_trend_pages_escape_what_other_repositories_wrote() {
    for page in many_report_pages() {
        assert!(page.starts_with("<!DOCTYPE html>"));
        assert!(page.contains("org/&lt;b&gt;churn&lt;/b&gt;"), "{page}");
        assert!(!page.contains("<b>"), "{page}");
    }
}

fn chromium() -> Option<&'static str> {
    ["chromium", "chromium-browser", "google-chrome"]
        .into_iter()
        .find(|b| {
            Command::new(b)
                .arg("--version")
                .output()
                .is_ok_and(|o| o.status.success())
        })
}

#[test]
fn chromium_renders_every_page_without_errors_or_network() {
    let Some(browser) = chromium() else {
        assert!(
            std::env::var_os("READINESS_REQUIRE_CHROMIUM").is_none(),
            "Chromium is required here but missing"
        );
        use std::io::Write;
        let _ = writeln!(std::io::stderr(), "skipped: chromium is not installed");
        return;
    };
    let work = tempfile::tempdir().unwrap();
    let hostile = hostile();
    let mut dirs = examples();
    dirs.push(hostile.path().to_path_buf());
    // A repository of several projects: the per-project table.
    dirs.push(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/monorepos/platform"));
    let mut pages: Vec<(String, String)> = dirs
        .iter()
        .map(|d| (d.display().to_string(), html(d)))
        .collect();
    for (name, page) in ["fleet", "trend"].iter().zip(many_report_pages()) {
        pages.push(((*name).to_owned(), page));
    }
    for (i, (name, text)) in pages.iter().enumerate() {
        let page = work.path().join(format!("page-{i}.html"));
        std::fs::write(&page, text).unwrap();
        let shot = work.path().join(format!("page-{i}.png"));
        let out = Command::new(browser)
            .args([
                "--headless=new",
                "--no-sandbox",
                "--disable-gpu",
                "--no-first-run",
                "--enable-logging=stderr",
                "--v=0",
                "--window-size=1200,1600",
            ])
            .arg(format!(
                "--user-data-dir={}",
                work.path().join("profile").display()
            ))
            .arg(format!("--screenshot={}", shot.display()))
            .arg(format!("file://{}", page.display()))
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let log = String::from_utf8_lossy(&out.stderr);
        // Page console messages (a script error, a refused load under the
        // Content-Security-Policy) are logged as CONSOLE lines.
        let console: Vec<&str> = log
            .lines()
            .filter(|l| l.contains(":CONSOLE") || l.contains("Refused to"))
            .collect();
        assert!(console.is_empty(), "{name}: {console:?}");
        // Not blank: a page of text, tables and a chart is a large PNG.
        let size = std::fs::metadata(&shot).unwrap().len();
        assert!(size > 20_000, "{name}: screenshot of {size} bytes");
    }
}
