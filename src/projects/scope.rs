//! The evidence one project may count.
//!
//! - **Its own**: every hit inside its folders, classed as if the folder were
//!   the repository root (a project under `examples/` is production code to
//!   itself; a notebook a job runs stays promoted).
//! - **Never another's**: hits inside another project, or in a sibling
//!   folder with ML work of its own ([`super::Layout::other_work`]).
//! - **What the repository provides to it**: the rest (root files, shared
//!   libraries, runbooks), except where the repository says whom it covers:
//!   - a CI definition outside the projects covers the projects whose folder
//!     it names (a `paths` filter, a `working-directory`, a `cd`); one that
//!     names no project folder covers them all;
//!   - a CODEOWNERS line covers the projects its pattern matches.

use super::{under, Layout};
use crate::rubric::model::Class;
use crate::scan::{Evidence, EvidenceIndex};
use std::collections::BTreeMap;

/// Which projects each shared CI definition covers, worked out once.
#[derive(Debug, Default)]
pub struct Coverage {
    /// Per CI file outside every project: the projects it covers (indexes
    /// into [`Layout::projects`]); absent files cover all.
    ci: BTreeMap<String, Vec<usize>>,
}

impl Coverage {
    /// Reads each shared CI definition that holds evidence (through `read`,
    /// which returns `None` for a file it cannot read: such a file covers
    /// no project, so nothing is credited that was not seen).
    pub fn new(
        layout: &Layout,
        index: &EvidenceIndex,
        read: &dyn Fn(&str) -> Option<String>,
    ) -> Coverage {
        let mut files: Vec<&str> = index
            .hits
            .iter()
            .flatten()
            .map(|e| e.path.as_str())
            .filter(|p| is_ci_definition(p) && !layout.is_claimed(p))
            .collect();
        files.sort_unstable();
        files.dedup();
        let folders: Vec<(Option<usize>, &str)> = layout
            .projects
            .iter()
            .enumerate()
            .flat_map(|(i, p)| p.folders.iter().map(move |f| (Some(i), f.as_str())))
            .chain(layout.other_work.iter().map(|f| (None, f.as_str())))
            .filter(|(_, f)| !f.is_empty())
            .collect();
        let mut ci = BTreeMap::new();
        for file in files {
            let Some(text) = read(file) else {
                ci.insert(file.to_owned(), Vec::new());
                continue;
            };
            let named: Vec<Option<usize>> = folders
                .iter()
                .filter(|(_, folder)| names_folder(&text, folder))
                .map(|(i, _)| *i)
                .collect();
            if !named.is_empty() {
                let mut covered: Vec<usize> = named.into_iter().flatten().collect();
                covered.sort_unstable();
                covered.dedup();
                ci.insert(file.to_owned(), covered);
            }
        }
        Coverage { ci }
    }

    fn ci_covers(&self, path: &str, project: usize) -> bool {
        self.ci.get(path).is_none_or(|list| list.contains(&project))
    }
}

/// The evidence index as project `project` of `layout` sees it.
pub fn scope(
    index: &EvidenceIndex,
    layout: &Layout,
    project: usize,
    coverage: &Coverage,
) -> EvidenceIndex {
    let own = &layout.projects[project].folders;
    let own_folder = |path: &str| {
        layout
            .owner_of(path)
            .filter(|(owner, _)| *owner == project)
            .map(|(_, folder)| folder)
    };
    let keep = |e: &Evidence| -> Option<Evidence> {
        if let Some(folder) = own_folder(&e.path) {
            return Some(reclassed(e, folder));
        }
        if layout.is_claimed(&e.path) {
            return None;
        }
        let covered = if is_ci_definition(&e.path) {
            coverage.ci_covers(&e.path, project)
        } else if is_codeowners(&e.path) {
            codeowners_line_covers(&e.snippet, own)
        } else {
            true
        };
        covered.then(|| e.clone())
    };
    let reason_kept = |reason: &String| {
        let path = reason.split(": ").next().unwrap_or(reason);
        own_folder(path).is_some() || !layout.is_claimed(path)
    };
    EvidenceIndex {
        hits: index
            .hits
            .iter()
            .map(|list| list.iter().filter_map(keep).collect())
            .collect(),
        unknown: index
            .unknown
            .iter()
            .map(|list| list.iter().filter(|r| reason_kept(r)).cloned().collect())
            .collect(),
        stats: index.stats.clone(),
        problems: index.problems.clone(),
        notes: index.notes.clone(),
        readme: index.readme.clone(),
        markers: index
            .markers
            .iter()
            .filter(|m| own_folder(m).is_some())
            .cloned()
            .collect(),
    }
}

/// The hit classed by its path inside the project, unless the scan changed
/// its class (a notebook a job runs counts as production code).
fn reclassed(e: &Evidence, folder: &str) -> Evidence {
    let mut out = e.clone();
    if folder.is_empty() || e.class != Class::of(&e.path) {
        return out;
    }
    let inside = e.path[folder.len()..].trim_start_matches('/');
    if !inside.is_empty() {
        out.class = Class::of(inside);
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

/// Whether `text` names `folder` as a path: preceded by nothing that
/// continues a name (so `a/week_1` and `./week_1` count) and followed by
/// nothing that does (`week_1` is not in `week_10`).
fn names_folder(text: &str, folder: &str) -> bool {
    let continues = |c: char| c.is_alphanumeric() || c == '_' || c == '-';
    text.match_indices(folder).any(|(at, _)| {
        let before = text[..at].chars().next_back();
        let after = text[at + folder.len()..].chars().next();
        !before.is_some_and(|c| continues(c) || c == '.') && !after.is_some_and(continues)
    })
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
        let text = "paths: ['week_1/**']\n  working-directory: ./projects/fraud\n";
        assert!(names_folder(text, "week_1"));
        assert!(names_folder(text, "projects/fraud"));
        assert!(!names_folder("cd week_10 && make", "week_1"));
        assert!(!names_folder("run: make fraud-detection", "fraud"));
        assert!(!names_folder("file: my.fraud", "fraud"));
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

    #[test]
    fn own_evidence_is_classed_inside_the_project() {
        let hit = Evidence::new(
            "examples/churn/train.py",
            3,
            "x".into(),
            crate::rubric::model::Strength::Strong,
        );
        assert_eq!(hit.class, Class::Example);
        assert_eq!(reclassed(&hit, "examples/churn").class, Class::Prod);
        let mut promoted = Evidence::new(
            "examples/churn/run.ipynb",
            1,
            "x".into(),
            crate::rubric::model::Strength::Strong,
        );
        promoted.class = Class::Prod;
        assert_eq!(reclassed(&promoted, "examples/churn").class, Class::Prod);
    }
}
