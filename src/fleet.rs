//! `readiness fleet`: folds the JSON reports that many repositories' CI
//! produced into one organisation view: each repository's levels (and each
//! project's, for a repository of several), the
//! distribution of levels per area, the checks that most often stand
//! between a repository and its next level, and which reports are stale or
//! were made with older rubrics. The view is one value ([`Fleet`]) that
//! every format renders.
//!
//! Reports are read as [`crate::stored`] reads them.

use crate::answers::Date;
pub use crate::stored::Input;
use crate::stored::{parse, version_key, Saved};
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};

#[derive(Debug, Clone)]
pub struct Options {
    /// Reports whose commit date is older than this many days are stale.
    pub stale_after_days: i64,
    pub today: Date,
}

/// The organisation view.
#[derive(Debug, Clone, Serialize)]
pub struct Fleet {
    pub schema_version: u32,
    /// Reports read (a repository may have several; the newest counts).
    pub reports: usize,
    pub repositories: Vec<Repository>,
    /// Per area, how many repositories are at each level.
    pub areas: Vec<AreaDistribution>,
    /// How many repositories are at each overall level (index = level).
    pub overall: [usize; 4],
    /// The checks that most often stand between a repository and its next
    /// level, most frequent first.
    pub blocking: Vec<Blocking>,
    /// Files skipped and why.
    pub notes: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Repository {
    /// From the report's provenance, else the report's file name.
    pub repository: String,
    pub report: String,
    pub level: u8,
    pub score: u8,
    /// Area id -> level (`None`: not applicable).
    pub areas: BTreeMap<String, Option<u8>>,
    pub tool_version: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub commit: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub commit_date: Option<String>,
    /// The commit is older than the stale limit, or the report has no date.
    pub stale: bool,
    /// Areas scored with an older rubric version than another report used.
    pub older_rubrics: Vec<String>,
    /// Each project of a repository that holds several (its levels above
    /// are the rolled-up project's).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub projects: Vec<ProjectRow>,
}

/// One project of a repository.
#[derive(Debug, Clone, Serialize)]
pub struct ProjectRow {
    pub name: String,
    pub level: u8,
    pub score: u8,
    /// Area id -> level (`None`: not applicable).
    pub areas: BTreeMap<String, Option<u8>>,
}

#[derive(Debug, Clone, Serialize)]
pub struct AreaDistribution {
    pub area: String,
    /// Repositories at level 0, 1, 2 and 3.
    pub levels: [usize; 4],
    pub not_applicable: usize,
}

#[derive(Debug, Clone, Serialize)]
pub struct Blocking {
    pub check: String,
    pub title: String,
    pub repositories: usize,
}

/// How many blocking checks the view lists.
const TOP_BLOCKING: usize = 10;

struct Parsed {
    name: String,
    saved: Saved,
}

/// Folds the reports into one view, one at a time (only what the view
/// needs of each is kept, so memory does not grow with report size).
/// Several reports of one repository: the one with the latest commit date
/// counts (then the last given).
pub fn fold(
    inputs: impl IntoIterator<Item = Result<Input, String>>,
    options: &Options,
    mut notes: Vec<String>,
) -> Fleet {
    let mut by_repo: BTreeMap<String, Parsed> = BTreeMap::new();
    let mut reports = 0;
    for input in inputs {
        let parsed = match input.and_then(|input| {
            parse(&input).map(|saved| Parsed {
                name: input.name.clone(),
                saved,
            })
        }) {
            Ok(p) => p,
            Err(note) => {
                notes.push(note);
                continue;
            }
        };
        reports += 1;
        let repo = parsed
            .saved
            .provenance
            .as_ref()
            .and_then(|p| p.repository.clone())
            .unwrap_or_else(|| parsed.name.clone());
        let date = |p: &Parsed| {
            p.saved
                .provenance
                .as_ref()
                .and_then(|p| p.commit_date.clone())
        };
        match by_repo.get(&repo) {
            Some(existing) if date(existing) > date(&parsed) => {}
            _ => {
                by_repo.insert(repo, parsed);
            }
        }
    }
    // The newest version of each area's rubric among the reports.
    let mut newest: BTreeMap<&str, &str> = BTreeMap::new();
    for p in by_repo.values() {
        for r in &p.saved.rubrics {
            let slot = newest.entry(r.area.as_str()).or_insert(r.version.as_str());
            if version_key(&r.version) > version_key(slot) {
                *slot = r.version.as_str();
            }
        }
    }
    let mut areas: BTreeMap<String, AreaDistribution> = BTreeMap::new();
    let mut area_order: Vec<String> = Vec::new();
    let mut overall = [0usize; 4];
    let mut blocking: BTreeMap<&str, (usize, &str)> = BTreeMap::new();
    let mut repositories = Vec::new();
    for (repo, p) in &by_repo {
        let s = &p.saved;
        overall[usize::from(s.overall.level.min(3))] += 1;
        for a in &s.areas {
            if !area_order.contains(&a.id) {
                area_order.push(a.id.clone());
            }
            let d = areas
                .entry(a.id.clone())
                .or_insert_with(|| AreaDistribution {
                    area: a.id.clone(),
                    levels: [0; 4],
                    not_applicable: 0,
                });
            match a.level {
                Some(l) => d.levels[usize::from(l.min(3))] += 1,
                None => d.not_applicable += 1,
            }
        }
        // Each check counts once per repository.
        let mut seen = BTreeSet::new();
        for step in &s.next_steps {
            if seen.insert(step.check.as_str()) {
                let entry = blocking
                    .entry(step.check.as_str())
                    .or_insert((0, step.title.as_str()));
                entry.0 += 1;
            }
        }
        let provenance = s.provenance.clone().unwrap_or_default();
        let stale = match provenance.commit_date.as_deref().and_then(Date::parse) {
            Some(d) => options.today.days() - d.days() > options.stale_after_days,
            None => true,
        };
        let older_rubrics = s
            .rubrics
            .iter()
            .filter(|r| newest.get(r.area.as_str()).is_some_and(|n| *n != r.version))
            .map(|r| format!("{} {}", r.area, r.version))
            .collect();
        repositories.push(Repository {
            repository: repo.clone(),
            report: p.name.clone(),
            level: s.overall.level,
            score: s.overall.score,
            areas: s.areas.iter().map(|a| (a.id.clone(), a.level)).collect(),
            tool_version: s.tool.version.clone(),
            commit: provenance.commit,
            commit_date: provenance.commit_date,
            stale,
            older_rubrics,
            projects: s
                .projects
                .iter()
                .map(|p| ProjectRow {
                    name: p.name.clone(),
                    level: p.level,
                    score: p.score,
                    areas: p.areas.iter().map(|a| (a.id.clone(), a.level)).collect(),
                })
                .collect(),
        });
    }
    let mut blocking: Vec<Blocking> = blocking
        .into_iter()
        .map(|(check, (repositories, title))| Blocking {
            check: check.to_owned(),
            title: title.to_owned(),
            repositories,
        })
        .collect();
    blocking.sort_by(|a, b| {
        b.repositories
            .cmp(&a.repositories)
            .then_with(|| a.check.cmp(&b.check))
    });
    blocking.truncate(TOP_BLOCKING);
    notes.sort();
    Fleet {
        schema_version: 1,
        reports,
        repositories,
        areas: area_order.iter().filter_map(|a| areas.remove(a)).collect(),
        overall,
        blocking,
        notes,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn report(repo: &str, date: &str, level: u8, evals: Option<u8>, rubric: &str) -> Input {
        let evals = evals.map_or("null".to_owned(), |l| l.to_string());
        Input {
            name: format!("{repo}.json"),
            text: format!(
                r#"{{"schema_version":1,"tool":{{"name":"readiness","version":"0.1.0"}},
                "rubrics":[{{"area":"evals","version":"{rubric}","digest":"x","source":"builtin"}}],
                "overall":{{"level":{level},"name":"x","score":40}},
                "areas":[{{"id":"versioning","level":1}},{{"id":"evals","level":{evals}}}],
                "next_steps":[{{"check":"EVL-03","title":"CI gates on evals"}},{{"check":"EVL-03","title":"CI gates on evals"}}],
                "provenance":{{"repository":"{repo}","commit_date":"{date}"}},
                "future_field":true}}"#
            ),
        }
    }

    fn options() -> Options {
        Options {
            stale_after_days: 30,
            today: Date::parse("2026-11-30").unwrap(),
        }
    }

    #[test]
    fn reports_fold_into_levels_distributions_and_blockers() {
        let inputs = vec![
            report("org/a", "2026-11-20", 1, Some(1), "2.1.0"),
            report("org/b", "2026-09-01", 2, Some(2), "2.0.0"),
            report("org/c", "2026-11-29", 0, None, "2.1.0"),
            // An older report of org/a: the newer one counts.
            report("org/a", "2026-10-01", 0, Some(0), "2.0.0"),
            Input {
                name: "junk.json".into(),
                text: "{\"schema_version\": 1,".into(),
            },
            Input {
                name: "v9.json".into(),
                text: "{\"schema_version\": 9}".into(),
            },
        ];
        let fleet = fold(inputs.into_iter().map(Ok), &options(), Vec::new());
        assert_eq!(fleet.reports, 4);
        let names: Vec<&str> = fleet
            .repositories
            .iter()
            .map(|r| r.repository.as_str())
            .collect();
        assert_eq!(names, ["org/a", "org/b", "org/c"]);
        assert_eq!(fleet.repositories[0].level, 1, "the newest report counts");
        assert_eq!(fleet.overall, [1, 1, 1, 0]);
        let evals = fleet.areas.iter().find(|a| a.area == "evals").unwrap();
        assert_eq!((evals.levels, evals.not_applicable), ([0, 1, 1, 0], 1));
        assert_eq!(fleet.blocking[0].check, "EVL-03");
        assert_eq!(fleet.blocking[0].repositories, 3, "once per repository");
        let stale: Vec<bool> = fleet.repositories.iter().map(|r| r.stale).collect();
        assert_eq!(stale, [false, true, false]);
        assert_eq!(fleet.repositories[1].older_rubrics, ["evals 2.0.0"]);
        assert!(fleet.repositories[0].older_rubrics.is_empty());
        assert_eq!(fleet.notes.len(), 2);
        assert!(
            fleet.notes[0].starts_with("junk.json:1:"),
            "{:?}",
            fleet.notes
        );
        assert!(
            fleet.notes[1].contains("schema_version 9"),
            "{:?}",
            fleet.notes
        );
    }

    #[test]
    fn versions_compare_as_numbers() {
        assert!(version_key("2.10.0") > version_key("2.9.1"));
        assert!(version_key("2.1.0") > version_key("2.0.0"));
    }
}
