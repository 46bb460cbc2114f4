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
use crate::rubric::model::{Class, ProbeId};
use crate::scan::{Evidence, EvidenceIndex};
use std::collections::{BTreeMap, HashMap};

/// Who may count a hit, decided once for every project.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Claim {
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
struct Folders<'a> {
    projects: HashMap<&'a str, usize>,
    others: HashMap<&'a str, ()>,
}

impl<'a> Folders<'a> {
    fn new(layout: &'a Layout) -> Folders<'a> {
        let mut projects = HashMap::new();
        for (i, p) in layout.projects.iter().enumerate() {
            for f in &p.folders {
                projects.entry(f.as_str()).or_insert(i);
            }
        }
        Folders {
            projects,
            others: layout.other_work.iter().map(|f| (f.as_str(), ())).collect(),
        }
    }

    /// The deepest project or other-work folder holding `path`.
    fn owner(&self, path: &str) -> Option<Claim> {
        let ancestors = std::iter::once(path.len())
            .chain(path.match_indices('/').map(|(i, _)| i).rev())
            .map(|end| &path[..end])
            .chain(std::iter::once(""));
        for folder in ancestors {
            if let Some(&project) = self.projects.get(folder) {
                return Some(Claim::Own(project, folder.len()));
            }
            if !folder.is_empty() && self.others.contains_key(folder) {
                return Some(Claim::Nobody);
            }
        }
        None
    }
}

/// The repository's evidence split among its projects: each project's own
/// hits, and the shared ones with the projects they cover.
pub struct Partition {
    /// How many probes the catalog has.
    probes: usize,
    own: Vec<Vec<(ProbeId, Evidence)>>,
    shared: Vec<(ProbeId, Evidence)>,
    /// The shared hits every project counts (indices into `shared`).
    for_all: Vec<usize>,
    /// Of those, the first of each kind per probe (see [`Detail::Outcomes`]).
    for_all_kinds: Vec<usize>,
    /// Per project, the shared hits that cover it but not every project.
    for_some: Vec<Vec<usize>>,
    own_unknown: Vec<Vec<(ProbeId, String)>>,
    shared_unknown: Vec<(ProbeId, String)>,
    own_markers: Vec<Vec<String>>,
}

/// How much of its evidence a project's index holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Detail {
    /// Every hit and every reason: what a report shows.
    Full,
    /// Per probe, the first hit of each kind (class and strength, all a
    /// check's acceptance looks at) and the first reason a file could not
    /// be read: enough to settle every outcome, hence every level, score
    /// and gate, at a cost that does not grow with the shared evidence.
    Outcomes,
}

/// Whether `hit` adds a kind of hit `kept` does not have yet.
fn new_kind(kept: &[Evidence], hit: &Evidence) -> bool {
    !kept
        .iter()
        .any(|k| k.class == hit.class && k.strength == hit.strength)
}

impl Partition {
    /// Splits `index` among the projects of `layout`, taking its hits and
    /// markers over (the rest stays for [`Self::scoped`]). Shared CI definitions
    /// that hold evidence are read through `read` (which returns `None` for
    /// a file it cannot read: such a file covers no project, so nothing is
    /// credited that was not seen).
    pub fn new(
        index: &mut EvidenceIndex,
        layout: &Layout,
        read: &dyn Fn(&str) -> Option<String>,
    ) -> Partition {
        let folders = Folders::new(layout);
        let n = layout.projects.len();
        let ci: HashMap<String, Claim> = ci_coverage(index, layout, &folders, read)
            .into_iter()
            .map(|(file, claim)| (file.to_owned(), claim))
            .collect();
        let probes = index.hits.len();
        let mut partition = Partition {
            probes,
            own: vec![Vec::new(); n],
            shared: Vec::new(),
            for_all: Vec::new(),
            for_all_kinds: Vec::new(),
            for_some: vec![Vec::new(); n],
            own_unknown: vec![Vec::new(); n],
            shared_unknown: Vec::new(),
            own_markers: vec![Vec::new(); n],
        };
        // The hits and markers move here: the index keeps its counts and
        // notes, and a monorepo's evidence is held once.
        for (probe, hits) in std::mem::take(&mut index.hits).into_iter().enumerate() {
            for hit in hits {
                match folders.owner(&hit.path) {
                    Some(Claim::Own(project, len)) => {
                        partition.own[project].push((probe, reclassed(hit, len)))
                    }
                    Some(_) => {}
                    None => {
                        let claim = if is_ci_definition(&hit.path) {
                            ci.get(&*hit.path).cloned().unwrap_or(Claim::All)
                        } else if is_codeowners(&hit.path) {
                            Claim::Some(
                                (0..n)
                                    .filter(|&i| {
                                        codeowners_line_covers(
                                            &hit.snippet,
                                            &layout.projects[i].folders,
                                        )
                                    })
                                    .collect(),
                            )
                        } else {
                            Claim::All
                        };
                        let k = partition.shared.len();
                        partition.shared.push((probe, hit));
                        match claim {
                            Claim::All => partition.for_all.push(k),
                            Claim::Some(list) => {
                                for project in list {
                                    partition.for_some[project].push(k);
                                }
                            }
                            Claim::Own(..) | Claim::Nobody => {}
                        }
                    }
                }
            }
        }
        for (probe, reasons) in index.unknown.iter().enumerate() {
            for reason in reasons {
                let path = reason.split(": ").next().unwrap_or(reason);
                match folders.owner(path) {
                    Some(Claim::Own(project, _)) => {
                        partition.own_unknown[project].push((probe, reason.clone()))
                    }
                    Some(_) => {}
                    None => partition.shared_unknown.push((probe, reason.clone())),
                }
            }
        }
        for marker in std::mem::take(&mut index.markers) {
            if let Some(Claim::Own(project, _)) = folders.owner(&marker) {
                partition.own_markers[project].push(marker);
            }
        }
        let mut kinds: Vec<Vec<Evidence>> = vec![Vec::new(); probes];
        for &k in &partition.for_all {
            let (probe, hit) = &partition.shared[k];
            if new_kind(&kinds[*probe], hit) {
                kinds[*probe].push(hit.clone());
                partition.for_all_kinds.push(k);
            }
        }
        partition
    }

    /// The evidence index as project `project` sees it, in full or with
    /// only what settles outcomes.
    pub fn scoped(&self, index: &EvidenceIndex, project: usize, detail: Detail) -> EvidenceIndex {
        let probes = self.probes;
        let mut hits: Vec<Vec<Evidence>> = vec![Vec::new(); probes];
        let mut touched = Vec::new();
        let all = match detail {
            Detail::Full => &self.for_all,
            Detail::Outcomes => &self.for_all_kinds,
        };
        let own = self.own[project].iter().map(|(p, e)| (*p, e));
        let shared = all
            .iter()
            .chain(&self.for_some[project])
            .map(|&k| (self.shared[k].0, &self.shared[k].1));
        for (probe, hit) in own.chain(shared) {
            if detail == Detail::Full || new_kind(&hits[probe], hit) {
                hits[probe].push(hit.clone());
                touched.push(probe);
            }
        }
        touched.sort_unstable();
        touched.dedup();
        for probe in touched {
            hits[probe].sort();
        }
        let mut unknown: Vec<Vec<String>> = vec![Vec::new(); probes];
        for (probe, reason) in self.own_unknown[project].iter().chain(&self.shared_unknown) {
            if detail == Detail::Full || unknown[*probe].is_empty() {
                unknown[*probe].push(reason.clone());
            }
        }
        for list in &mut unknown {
            list.sort();
        }
        let full = detail == Detail::Full;
        EvidenceIndex {
            hits,
            unknown,
            stats: if full {
                index.stats.clone()
            } else {
                Default::default()
            },
            problems: if full {
                index.problems.clone()
            } else {
                Vec::new()
            },
            notes: if full {
                index.notes.clone()
            } else {
                Vec::new()
            },
            readme: if full { index.readme.clone() } else { None },
            markers: self.own_markers[project].clone(),
        }
    }
}

/// The projects each shared CI definition with evidence covers: those whose
/// folders it names, or all when it names none of the layout's folders.
fn ci_coverage<'i>(
    index: &'i EvidenceIndex,
    layout: &Layout,
    folders: &Folders,
    read: &dyn Fn(&str) -> Option<String>,
) -> BTreeMap<&'i str, Claim> {
    let mut files: Vec<&str> = index
        .hits
        .iter()
        .flatten()
        .map(|e| &*e.path)
        .filter(|p| is_ci_definition(p) && folders.owner(p).is_none())
        .collect();
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
    let mut out = BTreeMap::new();
    for file in files {
        let Some(text) = read(file) else {
            out.insert(file, Claim::Some(Vec::new()));
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
        out.insert(file, Claim::Some(covered));
    }
    out
}

/// The hit classed by its path inside the project (whose folder is the
/// first `folder_len` bytes of it), unless the scan changed its class (a
/// notebook a job runs counts as production code).
fn reclassed(mut e: Evidence, folder_len: usize) -> Evidence {
    if folder_len == 0 || e.class != Class::of(&e.path) {
        return e;
    }
    let inside = e.path[folder_len..].trim_start_matches('/');
    if !inside.is_empty() {
        e.class = Class::of(inside);
    }
    e
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

    #[test]
    fn own_evidence_is_classed_inside_the_project() {
        let hit = Evidence::new(
            "examples/churn/train.py",
            3,
            "x".into(),
            crate::rubric::model::Strength::Strong,
        );
        assert_eq!(hit.class, Class::Example);
        assert_eq!(
            reclassed(hit.clone(), "examples/churn".len()).class,
            Class::Prod
        );
        let mut promoted = Evidence::new(
            "examples/churn/run.ipynb",
            1,
            "x".into(),
            crate::rubric::model::Strength::Strong,
        );
        promoted.class = Class::Prod;
        assert_eq!(
            reclassed(promoted.clone(), "examples/churn".len()).class,
            Class::Prod
        );
    }

    #[test]
    fn outcomes_keep_one_shared_hit_of_each_kind_and_every_own_one_in_full() {
        use crate::projects::{Origin, Project};
        use crate::rubric::model::Strength;
        let project = |name: &str| Project {
            name: name.to_owned(),
            folders: vec![name.to_owned()],
            origin: Origin::Detected,
        };
        let layout = Layout {
            projects: vec![project("a"), project("b")],
            other_work: Vec::new(),
        };
        let hit =
            |path: &str, line: u32, strength| Evidence::new(path, line, String::new(), strength);
        let index = EvidenceIndex {
            hits: vec![vec![
                hit("a/train.py", 1, Strength::Weak),
                hit("b/train.py", 1, Strength::Strong),
                hit("docs/one.md", 1, Strength::Weak),
                hit("docs/two.md", 1, Strength::Weak),
                hit("lib/serve.py", 4, Strength::Weak),
                hit("lib/serve.py", 9, Strength::Strong),
            ]],
            unknown: vec![vec!["x.yaml: bad".to_owned(), "y.yaml: bad".to_owned()]],
            ..EvidenceIndex::default()
        };
        let mut index = index;
        let partition = Partition::new(&mut index, &layout, &|_| None);
        let paths = |detail| {
            let scoped = partition.scoped(&index, 0, detail);
            let hits: Vec<(String, u32)> = scoped.hits[0]
                .iter()
                .map(|e| (e.path.to_string(), e.line))
                .collect();
            (hits, scoped.unknown[0].len())
        };
        let (full, unknown) = paths(Detail::Full);
        assert_eq!(full.len(), 5, "{full:?}");
        assert!(!full.iter().any(|(p, _)| p.starts_with("b/")));
        assert_eq!(unknown, 2);
        // Its own weak line stands for the library's weak one; the strong
        // library line is another kind (a check that wants strong evidence
        // must still find it), and one weak doc stands for both.
        let (outcomes, unknown) = paths(Detail::Outcomes);
        let kinds: Vec<(&str, u32)> = outcomes.iter().map(|(p, l)| (p.as_str(), *l)).collect();
        assert_eq!(
            kinds,
            [("a/train.py", 1), ("docs/one.md", 1), ("lib/serve.py", 9)]
        );
        assert_eq!(unknown, 1);
    }
}
