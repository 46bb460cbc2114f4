//! Projects found from a repository's layout, when none are declared.
//!
//! A folder is a *collection* when at least [`MIN_DETECTED`] of its direct
//! sub-folders each hold
//! - ML work of their own: evidence under the sub-folder makes some area's
//!   or check's `applies_when` rule hold (training code, an ML lifecycle
//!   tool, an LLM or embedding library: the rubrics' own test of whether
//!   they apply), and
//! - a marker somewhere inside (a dependency manifest, a pipeline or
//!   deployment definition, a project template: [`super::is_marker`]).
//!
//! The collection is the root, or else top-level folders (`examples/`,
//! `projects/`). Then every sibling with evidence is somebody's: one with a
//! marker is a project (its ML work may be of a kind no rule names), one
//! without is *other work*, whose evidence no project counts. Tests, docs
//! and hidden folders (`.github`) are never projects: what they hold is
//! shared. A project folder with no marker of its own whose sub-folders
//! form a collection (a course's labs grouped by edition) gives way to
//! them.
//!
//! Beside a collection below the root, the top-level folders that hold ML
//! work of their own are the repository's own project, [`ROOT_PROJECT`].
//!
//! A repository whose root defines one system (a deployment or pipeline
//! for all of it, composed services, a template at the root:
//! [`super::is_system_definition`]) is never a collection.
//!
//! Two or three cooperating parts (model build and model deploy, pipelines
//! and components, training and serving) are not a collection below the
//! threshold; a team that wants them scored apart declares them.

use super::{Layout, Origin, Project};
use crate::rubric::model::{Catalog, Class, ProbeId, Rule};
use crate::scan::EvidenceIndex;
use std::collections::{BTreeMap, HashSet};

/// Sibling projects a folder needs before it is taken for a collection.
pub const MIN_DETECTED: usize = 3;

/// The name of the project a repository keeps beside a collection of
/// others (`examples/` next to its own `training/`).
pub const ROOT_PROJECT: &str = "(repository root)";

#[derive(Default)]
struct Folder {
    /// Probes an `applies_when` rule reads with a hit somewhere below the
    /// folder, in order, once each (a sorted list of the few that matter: a
    /// large tree has tens of thousands of folders).
    probes: Vec<ProbeId>,
    /// Any probe has a hit below the folder.
    evidence: bool,
    marker: bool,
}

/// The folders that hold hits or markers, by name.
type Folders = BTreeMap<String, Folder>;

/// The projects the layout shows; empty when the repository is one system.
pub fn detect(catalog: &Catalog, index: &EvidenceIndex) -> Result<Layout, String> {
    let rules = applicability_rules(catalog);
    let folders = folders(index, &rules)?;
    let works = |f: &Folder| rules.iter().any(|r| shows(r, &f.probes));
    let qualifies = |name: &str, f: &Folder| f.marker && works(f) && !set_aside(name);
    let children = |parent: &str| children_of(&folders, parent);
    let count = |parent: &str| children(parent).filter(|(n, f)| qualifies(n, f)).count();
    let mut collections = Vec::new();
    if index.markers.iter().any(|m| super::is_system_definition(m)) {
        return Ok(Layout::default());
    }
    if count("") >= MIN_DETECTED {
        collections.push(String::new());
    } else {
        collections.extend(
            children("")
                .filter(|(name, _)| !set_aside(name) && count(name) >= MIN_DETECTED)
                .map(|(name, _)| name.to_string()),
        );
    }
    // Inside a collection every sibling is somebody's: one with a marker is
    // a project too (its ML work may be of a kind no rule names), one
    // without is other work. Only tests, docs and hidden folders are shared.
    let mut layout = Layout::default();
    let marker_dirs: HashSet<&str> = index
        .markers
        .iter()
        .filter_map(|m| m.rsplit_once('/').map(|(dir, _)| dir))
        .collect();
    let marked_at = |folder: &str| marker_dirs.contains(folder);
    let collections_found = collections.clone();
    while let Some(collection) = collections.pop() {
        for (name, folder) in children(&collection) {
            if set_aside(name) || !folder.evidence {
                continue;
            }
            if !folder.marker {
                layout.other_work.push(name.to_string());
            } else if !marked_at(name) && count(name) >= MIN_DETECTED {
                // A collection inside the collection (a course's labs
                // grouped by edition): its own sub-folders are the projects.
                collections.push(name.to_string());
            } else {
                layout.projects.push(Project {
                    name: name.to_string(),
                    folders: vec![name.to_string()],
                    origin: Origin::Detected,
                });
            }
        }
    }
    layout.projects.sort_by(|a, b| a.name.cmp(&b.name));
    // Beside a collection below the root (`examples/`), the top-level
    // folders with ML work of their own make one more project: the
    // repository's own, named after the root.
    if !collections_found.iter().any(String::is_empty) {
        let own = other_work_in(&folders, &rules, &layout.projects)
            .into_iter()
            .filter(|f| !f.contains('/') && !collections_found.contains(f))
            .collect::<Vec<_>>();
        if !own.is_empty() {
            layout.projects.push(Project {
                name: ROOT_PROJECT.to_owned(),
                folders: own,
                origin: Origin::Detected,
            });
        }
    }
    layout.other_work.sort();
    layout.other_work.dedup();
    Ok(layout)
}

/// Folders one or two levels down, outside every project, that hold ML
/// work of their own (a sample no project includes, another team's model):
/// what they hold counts for no project. Folders that hold a project are
/// looked into, not claimed; folders without ML work (shared helpers, CI,
/// runbooks) stay shared.
pub fn other_work(
    catalog: &Catalog,
    index: &EvidenceIndex,
    projects: &[Project],
) -> Result<Vec<String>, String> {
    let rules = applicability_rules(catalog);
    Ok(other_work_in(&folders(index, &rules)?, &rules, projects))
}

/// [`other_work`] over the folders and rules already gathered.
fn other_work_in(folders: &Folders, rules: &[&Rule], projects: &[Project]) -> Vec<String> {
    // A folder overlaps a project when it is one of its folders, lies
    // below one, or holds one.
    let project_folders: HashSet<&str> = projects
        .iter()
        .flat_map(|p| &p.folders)
        .map(String::as_str)
        .collect();
    let holding: HashSet<&str> = project_folders
        .iter()
        .flat_map(|f| f.match_indices('/').map(move |(i, _)| &f[..i]))
        .collect();
    let overlaps = |name: &str| {
        project_folders.contains("")
            || holding.contains(name)
            || std::iter::once(name.len())
                .chain(name.match_indices('/').map(|(i, _)| i))
                .any(|end| project_folders.contains(&name[..end]))
    };
    let mut out = Vec::new();
    for (name, folder) in folders {
        let parent_free = match name.rsplit_once('/') {
            None => true,
            // A second-level folder is looked at only inside a folder that
            // holds a project.
            Some((parent, _)) => overlaps(parent) && !set_aside(parent),
        };
        if parent_free
            && !set_aside(name)
            && !overlaps(name)
            && rules.iter().any(|r| shows(r, &folder.probes))
        {
            out.push(name.to_string());
        }
    }
    out
}

/// Every folder one or two levels down that holds a hit or a marker, with
/// what is below it that `rules` read. Hits come in any order.
fn folders(index: &EvidenceIndex, rules: &[&Rule]) -> Result<Folders, String> {
    let mut read = vec![false; index.hits.len()];
    let mut used = Vec::new();
    for rule in rules {
        rule.probes(&mut used);
    }
    for id in used {
        read[id] = true;
    }
    let mut out = Folders::new();
    let mut last_path = arcstr::ArcStr::new();
    let mut seen_file = false;
    let mut done: Vec<ProbeId> = Vec::new();
    index.for_each_hit(|probes, hit| {
        // A file's hits mostly come together: its folders are looked up
        // once, and again only for a probe it adds.
        if hit.path != last_path {
            last_path = hit.path.clone();
            seen_file = false;
            done.clear();
        }
        let fresh: Vec<ProbeId> = probes
            .iter()
            .copied()
            .filter(|&p| read[p] && !done.contains(&p))
            .collect();
        if seen_file && fresh.is_empty() {
            return;
        }
        seen_file = true;
        done.extend(&fresh);
        for name in prefixes(&hit.path) {
            let folder = match out.get_mut(name) {
                Some(folder) => folder,
                None => out.entry(name.to_owned()).or_default(),
            };
            folder.evidence = true;
            for &probe in &fresh {
                if let Err(at) = folder.probes.binary_search(&probe) {
                    folder.probes.insert(at, probe);
                }
            }
        }
    })?;
    for marker in &index.markers {
        for name in prefixes(marker) {
            match out.get_mut(name) {
                Some(folder) => folder.marker = true,
                None => {
                    out.insert(
                        name.to_owned(),
                        Folder {
                            marker: true,
                            ..Folder::default()
                        },
                    );
                }
            }
        }
    }
    Ok(out)
}

/// The folders of `folders` directly below `parent` (a range of the sorted
/// map: `parent/` up to `parent0`, `0` being the character after `/`).
fn children_of<'m>(
    folders: &'m Folders,
    parent: &str,
) -> Box<dyn Iterator<Item = (&'m str, &'m Folder)> + 'm> {
    if parent.is_empty() {
        return Box::new(
            folders
                .iter()
                .filter(|(name, _)| !name.contains('/'))
                .map(|(name, folder)| (name.as_str(), folder)),
        );
    }
    let (from, to) = (format!("{parent}/"), format!("{parent}0"));
    let parent = parent.to_owned();
    Box::new(
        folders
            .range::<str, _>((
                std::ops::Bound::Included(from.as_str()),
                std::ops::Bound::Excluded(to.as_str()),
            ))
            .filter(move |(name, _)| is_child(name, &parent))
            .map(|(name, folder)| (name.as_str(), folder)),
    )
}

/// The folders one and two levels down that hold `path`.
fn prefixes(path: &str) -> impl Iterator<Item = &str> {
    path.match_indices('/')
        .take(2)
        .map(move |(i, _)| &path[..i])
}

fn is_child(name: &str, parent: &str) -> bool {
    let rest = if parent.is_empty() {
        Some(name)
    } else {
        name.strip_prefix(parent).and_then(|r| r.strip_prefix('/'))
    };
    rest.is_some_and(|r| !r.is_empty() && !r.contains('/'))
}

/// Folders that are never a project: hidden ones (`.github`), tests and
/// documentation.
fn set_aside(folder: &str) -> bool {
    let last = folder.rsplit('/').next().unwrap_or(folder);
    let lower = last.to_ascii_lowercase();
    last.starts_with('.')
        || matches!(lower.as_str(), "docs" | "doc")
        || Class::of(&format!("{lower}/file")) == Class::Test
}

/// Every `applies_when` rule of the catalog: the rubrics' own test of
/// whether a repository does ML work they judge.
fn applicability_rules(catalog: &Catalog) -> Vec<&Rule> {
    catalog
        .rubrics
        .iter()
        .flat_map(|r| {
            r.applies_when
                .iter()
                .chain(r.checks.iter().filter_map(|c| c.applies_when.as_ref()))
        })
        .collect()
}

/// The rule holds on the probes present, and on something present: a rule
/// that holds on nothing (`not: ...`) shows no work.
fn shows(rule: &Rule, present: &[ProbeId]) -> bool {
    let mut used = Vec::new();
    rule.probes(&mut used);
    used.iter().any(|id| present.binary_search(id).is_ok()) && holds(rule, present)
}

fn holds(rule: &Rule, present: &[ProbeId]) -> bool {
    match rule {
        Rule::Any(rules) => rules.iter().any(|r| holds(r, present)),
        Rule::All(rules) => rules.iter().all(|r| holds(r, present)),
        Rule::Not(rule) => !holds(rule, present),
        Rule::Probe(id) => present.binary_search(id).is_ok(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_path_lies_in_the_folders_one_and_two_levels_up() {
        assert_eq!(prefixes("a/b/c/d.py").collect::<Vec<_>>(), ["a", "a/b"]);
        assert_eq!(prefixes("a/d.py").collect::<Vec<_>>(), ["a"]);
        assert_eq!(prefixes("d.py").count(), 0);
    }

    #[test]
    fn folders_keep_the_probes_rules_read_and_whether_anything_is_below() {
        use crate::rubric::model::Strength;
        use crate::scan::Evidence;
        let hit = |path: &str| Evidence::new(path, 1, String::new(), Strength::Strong);
        let index = EvidenceIndex {
            hits: vec![
                vec![hit("a/x/f.py"), hit("b/g.py")],
                vec![hit("a/x/f.py")],
                vec![],
            ],
            markers: vec!["c/requirements.txt".into()],
            ..EvidenceIndex::default()
        };
        let rule = Rule::Any(vec![Rule::Probe(1), Rule::Probe(2)]);
        // The same hits left pending by a scan, in the order files came.
        let mut pending = EvidenceIndex {
            hits: vec![Vec::new(); 3],
            markers: index.markers.clone(),
            ..EvidenceIndex::default()
        };
        pending.pending.push_file(vec![(0, hit("b/g.py"))]);
        pending
            .pending
            .push_file(vec![(1, hit("a/x/f.py")), (0, hit("a/x/f.py"))]);
        for index in [&index, &pending] {
            let folders = folders(index, &[&rule]).expect("reads back");
            let seen = |name: &str| {
                let f = &folders[name];
                (f.probes.clone(), f.evidence, f.marker)
            };
            assert_eq!(seen("a"), (vec![1], true, false));
            assert_eq!(seen("a/x"), (vec![1], true, false));
            // Evidence no rule reads still makes the folder somebody's work.
            assert_eq!(seen("b"), (vec![], true, false));
            assert_eq!(seen("c"), (vec![], false, true));
            assert_eq!(folders.len(), 4);
        }
    }

    #[test]
    fn children_are_one_level_below_their_parent() {
        assert!(is_child("week_1", ""));
        assert!(!is_child("a/b", ""));
        assert!(is_child("examples/a", "examples"));
        assert!(!is_child("examples/a/b", "examples"));
        assert!(!is_child("examples2/a", "examples"));
    }

    #[test]
    fn tests_docs_and_hidden_folders_are_never_projects() {
        for f in ["tests", "examples/test", ".github", "docs"] {
            assert!(set_aside(f), "{f}");
        }
        for f in ["week_1", "examples/churn", "fraud"] {
            assert!(!set_aside(f), "{f}");
        }
    }
}
