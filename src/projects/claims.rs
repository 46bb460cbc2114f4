//! Who may count a hit in a repository of several projects: the project
//! whose folder holds it, nobody (other ML work), every project, or the
//! projects a shared file says it covers:
//! - a CI definition outside the projects covers the projects whose folder
//!   it names (a `paths` filter, a `working-directory`, a `cd`); one that
//!   names no project folder covers them all;
//! - a CODEOWNERS line covers the projects its pattern matches.

use super::{under, Layout};
use std::collections::{HashMap, HashSet};

/// Who may count a hit, decided once for every project.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Claim {
    /// Inside project `.0`, whose folder is `.1` bytes long.
    Own(usize, usize),
    /// Inside other ML work: nobody's to count.
    Nobody,
    /// Shared with every project.
    All,
    /// Shared with these projects only (sorted).
    Some(Vec<usize>),
}

/// The folders of a layout, for finding the deepest one above a path
/// without scanning them all.
pub struct Folders {
    projects: HashMap<String, usize>,
    others: HashSet<String>,
}

impl Folders {
    pub fn new(layout: &Layout) -> Folders {
        let mut projects = HashMap::new();
        for (i, p) in layout.projects.iter().enumerate() {
            for f in &p.folders {
                projects.entry(f.clone()).or_insert(i);
            }
        }
        Folders {
            projects,
            others: layout.other_work.iter().cloned().collect(),
        }
    }

    /// The deepest project or other-work folder holding `path`: `Own` or
    /// `Nobody`, or `None` for a path outside them all.
    pub fn owner(&self, path: &str) -> Option<Claim> {
        let ancestors = std::iter::once(path.len())
            .chain(path.match_indices('/').map(|(i, _)| i).rev())
            .map(|end| &path[..end])
            .chain(std::iter::once(""));
        for folder in ancestors {
            if let Some(&project) = self.projects.get(folder) {
                return Some(Claim::Own(project, folder.len()));
            }
            if !folder.is_empty() && self.others.contains(folder) {
                return Some(Claim::Nobody);
            }
        }
        None
    }
}

/// Who may count a hit outside every project and other work (`snippet` is
/// its quote), given what the shared CI definitions cover (see
/// [`ci_coverage`]).
pub fn shared_claim(
    path: &str,
    snippet: &str,
    layout: &Layout,
    ci: &HashMap<String, Claim>,
) -> Claim {
    if is_ci_definition(path) {
        ci.get(path).cloned().unwrap_or(Claim::All)
    } else if is_codeowners(path) {
        Claim::Some(
            (0..layout.projects.len())
                .filter(|&i| codeowners_line_covers(snippet, &layout.projects[i].folders))
                .collect(),
        )
    } else {
        Claim::All
    }
}

/// The projects each shared CI definition among `paths` covers (those with
/// evidence outside every project): those whose folders it names, or all
/// when it names none of the layout's folders (then it is left out).
pub fn ci_coverage<'p>(
    paths: impl Iterator<Item = &'p str>,
    layout: &Layout,
    read: &dyn Fn(&str) -> Option<String>,
) -> HashMap<String, Claim> {
    let mut files: Vec<&str> = paths.filter(|p| is_ci_definition(p)).collect();
    files.sort_unstable();
    files.dedup();
    // Each folder of the layout, with its project (none for other work).
    let mut named: HashMap<&str, Vec<Option<usize>>> = HashMap::new();
    for (i, p) in layout.projects.iter().enumerate() {
        for f in p.folders.iter().filter(|f| !f.is_empty()) {
            named.entry(f.as_str()).or_default().push(Some(i));
        }
    }
    for f in layout.other_work.iter().filter(|f| !f.is_empty()) {
        named.entry(f.as_str()).or_default().push(None);
    }
    let mut out = HashMap::new();
    for file in files {
        let Some(text) = read(file) else {
            out.insert(file.to_owned(), Claim::Some(Vec::new()));
            continue;
        };
        let mentioned: Vec<Option<usize>> = folders_named(&text, &|f| named.contains_key(f))
            .into_iter()
            .flat_map(|f| named[f].iter().copied())
            .collect();
        if mentioned.is_empty() {
            continue;
        }
        let mut covered: Vec<usize> = mentioned.into_iter().flatten().collect();
        covered.sort_unstable();
        covered.dedup();
        out.insert(file.to_owned(), Claim::Some(covered));
    }
    out
}

/// CI definitions: the files whose scope a monorepo sets with path filters
/// or working directories.
pub fn is_ci_definition(path: &str) -> bool {
    let lower = path.to_ascii_lowercase();
    let name = lower.rsplit('/').next().unwrap_or(&lower);
    let yaml = name.ends_with(".yml") || name.ends_with(".yaml");
    lower.starts_with(".github/workflows/")
        || lower.starts_with(".circleci/")
        || lower.starts_with(".buildkite/")
        || lower.starts_with(".azure-pipelines/")
        || lower.starts_with(".azuredevops/")
        || name.ends_with(".gitlab-ci.yml")
        || name == ".gitlab-ci.yml"
        || name == "bitbucket-pipelines.yml"
        || name == ".travis.yml"
        || name == ".drone.yml"
        || name.starts_with("jenkinsfile")
        || (yaml && (name.starts_with("azure-pipelines") || name.starts_with("cloudbuild")))
}

fn is_codeowners(path: &str) -> bool {
    path.rsplit('/').next() == Some("CODEOWNERS")
}

/// The folders `text` names as paths (`known` says which strings are
/// folders): every run of path characters, split at `/`, is tried from
/// each part to each later part, so `./projects/fraud/**`,
/// `$ROOT/projects/fraud` and `cd projects/fraud` all name `projects/fraud`,
/// and `week_10` or `my.fraud` do not name `week_1` or `fraud`. Linear in
/// the text, whatever the number of folders.
fn folders_named<'t>(text: &'t str, known: &dyn Fn(&str) -> bool) -> Vec<&'t str> {
    let path_char = |c: char| c.is_alphanumeric() || matches!(c, '_' | '-' | '.' | '/');
    let mut out = Vec::new();
    for token in text.split(|c: char| !path_char(c)) {
        // Where each part starts and ends inside the token.
        let mut parts: Vec<(usize, usize)> = Vec::new();
        let mut start = 0;
        for (at, _) in token
            .match_indices('/')
            .chain(std::iter::once((token.len(), "")))
        {
            if at > start {
                parts.push((start, at));
            }
            start = at + 1;
        }
        // A folder is at most a few parts deep; long runs are not paths.
        const DEEPEST: usize = 8;
        for i in 0..parts.len() {
            for j in i..parts.len().min(i + DEEPEST) {
                let candidate = &token[parts[i].0..parts[j].1];
                if candidate != "." && known(candidate) {
                    out.push(candidate);
                }
            }
        }
    }
    out.sort_unstable();
    out.dedup();
    out
}

/// Whether a CODEOWNERS line's pattern covers one of `folders`: a catch-all
/// (`*`), a folder that is or holds the project, a folder inside it, or a
/// glob matching it.
fn codeowners_line_covers(line: &str, folders: &[String]) -> bool {
    let Some(pattern) = line.split_whitespace().next() else {
        return false;
    };
    let anchored = pattern.starts_with('/');
    let trimmed = pattern
        .trim_start_matches('/')
        .trim_end_matches("/**")
        .trim_end_matches("/*")
        .trim_end_matches('/');
    if trimmed.is_empty() || trimmed == "*" || trimmed == "**" {
        return true;
    }
    let glob_like = trimmed.contains(['*', '?', '[']);
    folders.iter().any(|folder| {
        if folder.is_empty() {
            return true;
        }
        if !glob_like {
            return under(folder, trimmed)
                || under(trimmed, folder)
                || (!anchored
                    && !trimmed.contains('/')
                    && folder.split('/').any(|p| p == trimmed));
        }
        let glob = if anchored || trimmed.contains('/') {
            trimmed.to_owned()
        } else {
            format!("**/{trimmed}")
        };
        crate::scan::glob::compile(&glob)
            .map(|g| g.compile_matcher())
            .is_ok_and(|m| m.is_match(folder.as_str()) || m.is_match(format!("{folder}/x")))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_folder_is_named_as_a_path_not_as_part_of_a_longer_name() {
        fn named(text: &str) -> Vec<&str> {
            folders_named(text, &|f: &str| {
                ["week_1", "projects/fraud", "fraud"].contains(&f)
            })
        }
        assert_eq!(
            named("paths: ['week_1/**']\n  working-directory: ./projects/fraud\n"),
            ["fraud", "projects/fraud", "week_1"]
        );
        assert_eq!(
            named("run: cd $ROOT/projects/fraud && make"),
            ["fraud", "projects/fraud"]
        );
        assert!(named("cd week_10 && make").is_empty());
        assert!(named("run: make fraud-detection").is_empty());
        assert!(named("file: my.fraud").is_empty());
    }

    #[test]
    fn codeowners_lines_cover_the_folders_their_patterns_match() {
        let fraud = ["projects/fraud".to_owned()];
        for line in [
            "* @org/ml",
            "/projects/fraud/ @fraud-team",
            "projects/fraud/** @fraud-team",
            "/projects/ @platform",
            "/projects/fraud/models/ @fraud-ml",
            "/projects/*/ @platform",
        ] {
            assert!(codeowners_line_covers(line, &fraud), "{line}");
        }
        for line in ["/projects/churn/ @churn", "/projects/fraudulent/ @x", ""] {
            assert!(!codeowners_line_covers(line, &fraud), "{line}");
        }
    }

    #[test]
    fn ci_definitions_are_recognised_wherever_the_ci_keeps_them() {
        for p in [
            ".github/workflows/ci.yml",
            ".gitlab-ci.yml",
            "ci/templates.gitlab-ci.yml",
            "azure-pipelines.yml",
            "cloudbuild.yaml",
            "Jenkinsfile",
        ] {
            assert!(is_ci_definition(p), "{p}");
        }
        for p in ["src/ci.py", "deploy/k8s.yaml", "docs/cloudbuild.md"] {
            assert!(!is_ci_definition(p), "{p}");
        }
    }
}
