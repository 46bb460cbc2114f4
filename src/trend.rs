//! `readiness trend`: one repository's stored reports in commit order, with
//! each area's level and score over time, the points where a rubric change
//! (not the project) moved a score, and regressions under unchanged rubrics.
//! The history is one value ([`Trend`]) that every format renders.

use crate::stored::{Input, Saved};
use serde::Serialize;
use std::collections::BTreeMap;

/// The history of each repository found among the reports.
#[derive(Debug, Clone, Serialize)]
pub struct Trend {
    pub schema_version: u32,
    pub repositories: Vec<History>,
    /// Files skipped and why.
    pub notes: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct History {
    pub repository: String,
    /// Oldest first.
    pub points: Vec<Point>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Point {
    pub report: String,
    pub commit_date: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub commit: Option<String>,
    pub tool_version: String,
    pub level: u8,
    pub score: u8,
    pub areas: Vec<AreaPoint>,
    /// Areas whose rubric differs from the previous point's (`area old ->
    /// new`): a move there may be the rubric's, not the project's.
    pub rubric_changes: Vec<String>,
    /// What got worse since the previous point under the same rubric.
    pub regressions: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct AreaPoint {
    pub area: String,
    pub level: Option<u8>,
    pub score: Option<u8>,
}

struct Parsed {
    name: String,
    saved: Saved,
    date: String,
}

/// A report with the commit date that orders it.
fn parse(input: &Input) -> Result<Parsed, String> {
    let saved = crate::stored::parse(input)?;
    let date = saved
        .provenance
        .as_ref()
        .and_then(|p| p.commit_date.clone())
        .ok_or_else(|| {
            format!(
                "{}: skipped, no commit date to order it by (score with --commit-date)",
                input.name
            )
        })?;
    Ok(Parsed {
        name: input.name.clone(),
        saved,
        date,
    })
}

/// What got worse from `before` to `after` in areas whose rubric did not
/// change, and which rubrics changed.
fn compare(before: &Saved, after: &Saved) -> (Vec<String>, Vec<String>) {
    let rubric = |s: &Saved| -> BTreeMap<String, (String, String)> {
        s.rubrics
            .iter()
            .map(|r| (r.area.clone(), (r.version.clone(), r.digest.clone())))
            .collect()
    };
    let (old, new) = (rubric(before), rubric(after));
    let mut changes = Vec::new();
    for (area, (version, digest)) in &new {
        match old.get(area) {
            Some((v, d)) if d != digest => changes.push(if v == version {
                format!("{area} {v} (edited)")
            } else {
                format!("{area} {v} -> {version}")
            }),
            _ => {}
        }
    }
    let changed = |area: &str| old.get(area).map(|o| &o.1) != new.get(area).map(|n| &n.1);
    let mut regressions = Vec::new();
    let all_same = before.rubrics.iter().all(|r| !changed(&r.area));
    if all_same && after.overall.level < before.overall.level {
        regressions.push(format!(
            "overall level {} -> {}",
            before.overall.level, after.overall.level
        ));
    }
    for a in &after.areas {
        let Some(b) = before.areas.iter().find(|b| b.id == a.id) else {
            continue;
        };
        if changed(&a.id) {
            continue;
        }
        if let (Some(lb), Some(la)) = (b.level, a.level) {
            if la < lb {
                regressions.push(format!("{} level {lb} -> {la}", a.id));
            }
        }
    }
    (regressions, changes)
}

/// Orders each repository's reports by commit date (then tool version,
/// then name) and marks what changed between consecutive ones.
pub fn fold(
    inputs: impl IntoIterator<Item = Result<Input, String>>,
    mut notes: Vec<String>,
) -> Trend {
    let mut by_repo: BTreeMap<String, Vec<Parsed>> = BTreeMap::new();
    for input in inputs {
        match input.and_then(|i| parse(&i)) {
            Ok(p) => {
                let repo = p
                    .saved
                    .provenance
                    .as_ref()
                    .and_then(|p| p.repository.clone())
                    .unwrap_or_else(|| "(unnamed)".to_owned());
                by_repo.entry(repo).or_default().push(p);
            }
            Err(note) => notes.push(note),
        }
    }
    let mut repositories = Vec::new();
    for (repository, mut reports) in by_repo {
        reports.sort_by(|a, b| {
            a.date
                .cmp(&b.date)
                .then_with(|| {
                    crate::stored::version_key(&a.saved.tool.version)
                        .cmp(&crate::stored::version_key(&b.saved.tool.version))
                })
                .then_with(|| a.name.cmp(&b.name))
        });
        let mut points: Vec<Point> = Vec::new();
        for (i, p) in reports.iter().enumerate() {
            let (regressions, rubric_changes) = match i.checked_sub(1) {
                Some(prev) => compare(&reports[prev].saved, &p.saved),
                None => (Vec::new(), Vec::new()),
            };
            let s = &p.saved;
            points.push(Point {
                report: p.name.clone(),
                commit_date: p.date.clone(),
                commit: s.provenance.as_ref().and_then(|v| v.commit.clone()),
                tool_version: s.tool.version.clone(),
                level: s.overall.level,
                score: s.overall.score,
                areas: s
                    .areas
                    .iter()
                    .map(|a| AreaPoint {
                        area: a.id.clone(),
                        level: a.level,
                        score: a.score,
                    })
                    .collect(),
                rubric_changes,
                regressions,
            });
        }
        repositories.push(History { repository, points });
    }
    notes.sort();
    Trend {
        schema_version: 1,
        repositories,
        notes,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn report(
        date: &str,
        level: u8,
        evals: u8,
        evals_digest: &str,
        version: &str,
    ) -> Result<Input, String> {
        Ok(Input {
            name: format!("{date}.json"),
            text: format!(
                r#"{{"schema_version":1,"tool":{{"version":"0.1.0"}},
                "rubrics":[{{"area":"evals","version":"{version}","digest":"{evals_digest}"}},{{"area":"versioning","version":"2.0.0","digest":"v"}}],
                "overall":{{"level":{level},"score":50}},
                "areas":[{{"id":"versioning","level":2,"score":60}},{{"id":"evals","level":{evals},"score":40}}],
                "provenance":{{"repository":"org/a","commit_date":"{date}"}}}}"#
            ),
        })
    }

    #[test]
    fn history_is_in_commit_order_with_rubric_changes_and_regressions_apart() {
        let inputs = vec![
            report("2026-03-01", 2, 2, "d2", "2.1.0"),
            report("2026-01-01", 1, 1, "d1", "2.0.0"),
            report("2026-02-01", 2, 2, "d1", "2.0.0"),
            report("2026-04-01", 1, 1, "d2", "2.1.0"),
            Ok(Input {
                name: "undated.json".into(),
                text: r#"{"schema_version":1,"tool":{"version":"0.1.0"},"rubrics":[],"overall":{"level":0,"score":0},"areas":[]}"#.into(),
            }),
        ];
        let trend = fold(inputs, Vec::new());
        let history = &trend.repositories[0];
        let dates: Vec<&str> = history
            .points
            .iter()
            .map(|p| p.commit_date.as_str())
            .collect();
        assert_eq!(
            dates,
            ["2026-01-01", "2026-02-01", "2026-03-01", "2026-04-01"]
        );
        assert!(history.points[1].regressions.is_empty());
        // March: the evals rubric changed; nothing dropped anyway.
        assert_eq!(history.points[2].rubric_changes, ["evals 2.0.0 -> 2.1.0"]);
        // April: same rubric as March, evals dropped: a regression.
        assert_eq!(
            history.points[3].regressions,
            ["overall level 2 -> 1", "evals level 2 -> 1"]
        );
        assert_eq!(trend.notes.len(), 1);
        assert!(
            trend.notes[0].contains("no commit date"),
            "{:?}",
            trend.notes
        );
    }

    #[test]
    fn a_drop_under_a_changed_rubric_is_not_a_regression() {
        let inputs = vec![
            report("2026-01-01", 2, 2, "d1", "2.0.0"),
            report("2026-02-01", 1, 1, "d2", "2.1.0"),
        ];
        let trend = fold(inputs, Vec::new());
        let later = &trend.repositories[0].points[1];
        assert!(later.regressions.is_empty(), "{:?}", later.regressions);
        assert_eq!(later.rubric_changes, ["evals 2.0.0 -> 2.1.0"]);
    }
}
