//! Comparing two reports: what regressed (an area level dropped, a met check
//! is no longer met), what improved, and which rubrics changed, so a change
//! of methodology is shown as such and not as a regression.
//!
//! Reports are compared by area and check id, never by line, so moving code
//! around changes nothing. Old reports are read leniently (fields added by
//! later versions are ignored); only `schema_version` 1 is understood.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

#[derive(Debug, Deserialize)]
struct Saved {
    schema_version: u32,
    rubrics: Vec<SavedRubric>,
    overall: SavedOverall,
    areas: Vec<SavedArea>,
    /// A repository of several projects: compared project by project.
    #[serde(default)]
    projects: Vec<SavedProject>,
}

#[derive(Debug, Deserialize)]
struct SavedProject {
    name: String,
    level: u8,
    #[serde(default)]
    areas: Vec<SavedProjectArea>,
}

#[derive(Debug, Deserialize)]
struct SavedProjectArea {
    id: String,
    level: Option<u8>,
}

#[derive(Debug, Deserialize)]
struct SavedRubric {
    area: String,
    version: String,
    digest: String,
}

#[derive(Debug, Deserialize)]
struct SavedOverall {
    level: u8,
}

#[derive(Debug, Deserialize)]
struct SavedArea {
    id: String,
    level: Option<u8>,
    checks: Vec<SavedCheck>,
}

#[derive(Debug, Deserialize)]
struct SavedCheck {
    id: String,
    outcome: String,
}

/// The result of comparing a baseline report with a newer one.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Comparison {
    /// What got worse under unchanged rubrics: these fail the gate.
    pub regressions: Vec<String>,
    /// The same regressions by name, for formats that mark what holds the
    /// gate back (JUnit): checks met before and not now, and areas with
    /// the level they had. Not part of the JSON report (its lines say it).
    #[serde(skip)]
    pub lost_checks: Vec<String>,
    #[serde(skip)]
    pub dropped_areas: Vec<(String, u8)>,
    pub improvements: Vec<String>,
    /// Rubrics whose content changed, with the differences they explain.
    pub rubric_changes: Vec<String>,
}

impl Comparison {
    pub fn regressed(&self) -> bool {
        !self.regressions.is_empty()
    }
}

fn parse(text: &str, what: &str) -> Result<Saved, String> {
    let saved: Saved = serde_json::from_str(text).map_err(|e| {
        format!(
            "{what}: not a readiness JSON report ({e} at line {}, column {})",
            e.line(),
            e.column()
        )
    })?;
    if saved.schema_version != 1 {
        return Err(format!(
            "{what}: schema_version {} is not supported; this readiness reads 1",
            saved.schema_version
        ));
    }
    Ok(saved)
}

fn met(outcome: &str) -> bool {
    outcome == "met"
}

/// Compares `old` with `new` (both JSON reports).
pub fn compare(
    old_text: &str,
    old_name: &str,
    new_text: &str,
    new_name: &str,
) -> Result<Comparison, String> {
    let old = parse(old_text, old_name)?;
    let new = parse(new_text, new_name)?;
    let mut c = Comparison::default();
    let old_rubrics: BTreeMap<&str, &SavedRubric> =
        old.rubrics.iter().map(|r| (r.area.as_str(), r)).collect();
    let new_rubrics: BTreeMap<&str, &SavedRubric> =
        new.rubrics.iter().map(|r| (r.area.as_str(), r)).collect();
    let changed = |area: &str| match (old_rubrics.get(area), new_rubrics.get(area)) {
        (Some(a), Some(b)) => a.digest != b.digest,
        _ => true,
    };
    for (area, rubric) in &new_rubrics {
        match old_rubrics.get(area) {
            None => c
                .rubric_changes
                .push(format!("area `{area}` is new (rubric {})", rubric.version)),
            Some(old) if old.digest != rubric.digest => c.rubric_changes.push(format!(
                "rubric `{area}` changed: {} -> {}{}",
                old.version,
                rubric.version,
                if old.version == rubric.version {
                    " (same version, different content)"
                } else {
                    ""
                }
            )),
            _ => {}
        }
    }
    for area in old_rubrics.keys().filter(|a| !new_rubrics.contains_key(*a)) {
        c.rubric_changes
            .push(format!("area `{area}` is no longer scored"));
    }
    if !old.projects.is_empty() && !new.projects.is_empty() {
        // The report's own rows come from whichever project leads each
        // area, which may change between the two: compare project by
        // project instead.
        compare_projects(&old.projects, &new.projects, &changed, &mut c);
        return Ok(c);
    }
    let new_areas: BTreeMap<&str, &SavedArea> =
        new.areas.iter().map(|a| (a.id.as_str(), a)).collect();
    for old_area in &old.areas {
        let Some(new_area) = new_areas.get(old_area.id.as_str()) else {
            continue;
        };
        let methodology = changed(&old_area.id);
        let sink = |c: &mut Comparison, worse: bool, line: String| {
            if methodology {
                c.rubric_changes.push(format!("{line} (rubric changed)"));
            } else if worse {
                c.regressions.push(line);
            } else {
                c.improvements.push(line);
            }
        };
        match (old_area.level, new_area.level) {
            (Some(a), Some(b)) if b < a => {
                if !methodology {
                    c.dropped_areas.push((old_area.id.clone(), a));
                }
                sink(
                    &mut c,
                    true,
                    format!("area `{}` dropped from level {a} to {b}", old_area.id),
                )
            }
            (Some(a), Some(b)) if b > a => sink(
                &mut c,
                false,
                format!("area `{}` rose from level {a} to {b}", old_area.id),
            ),
            _ => {}
        }
        let new_checks: BTreeMap<&str, &SavedCheck> =
            new_area.checks.iter().map(|k| (k.id.as_str(), k)).collect();
        for old_check in &old_area.checks {
            match new_checks.get(old_check.id.as_str()) {
                Some(new_check) if met(&old_check.outcome) && !met(&new_check.outcome) => {
                    if !methodology {
                        c.lost_checks.push(old_check.id.clone());
                    }
                    sink(
                        &mut c,
                        true,
                        format!(
                            "{} was met, now {}",
                            old_check.id,
                            new_check.outcome.replace('_', " ")
                        ),
                    )
                }
                Some(new_check) if !met(&old_check.outcome) && met(&new_check.outcome) => sink(
                    &mut c,
                    false,
                    format!(
                        "{} is now met (was {})",
                        old_check.id,
                        old_check.outcome.replace('_', " ")
                    ),
                ),
                None if !methodology => c
                    .rubric_changes
                    .push(format!("{} no longer exists", old_check.id)),
                _ => {}
            }
        }
    }
    if new.overall.level < old.overall.level {
        c.regressions.insert(
            0,
            format!(
                "overall level dropped from {} to {}",
                old.overall.level, new.overall.level
            ),
        );
    } else if new.overall.level > old.overall.level {
        c.improvements.insert(
            0,
            format!(
                "overall level rose from {} to {}",
                old.overall.level, new.overall.level
            ),
        );
    }
    Ok(c)
}

/// Each project found in both reports: its overall level and each area's
/// level (a drop under a changed rubric is a rubric change, not a
/// regression). A project in one report only is neither.
fn compare_projects(
    old: &[SavedProject],
    new: &[SavedProject],
    rubric_changed: &dyn Fn(&str) -> bool,
    c: &mut Comparison,
) {
    let new: BTreeMap<&str, &SavedProject> = new.iter().map(|p| (p.name.as_str(), p)).collect();
    for before in old {
        let Some(after) = new.get(before.name.as_str()) else {
            continue;
        };
        let name = &before.name;
        if after.level < before.level {
            c.regressions.push(format!(
                "project {name}: overall level dropped from {} to {}",
                before.level, after.level
            ));
        } else if after.level > before.level {
            c.improvements.push(format!(
                "project {name}: overall level rose from {} to {}",
                before.level, after.level
            ));
        }
        let levels: BTreeMap<&str, Option<u8>> = after
            .areas
            .iter()
            .map(|a| (a.id.as_str(), a.level))
            .collect();
        for area in &before.areas {
            let (Some(a), Some(Some(b))) = (area.level, levels.get(area.id.as_str())) else {
                continue;
            };
            let (worse, line) = match b.cmp(&a) {
                std::cmp::Ordering::Less => (
                    true,
                    format!(
                        "project {name}: area `{}` dropped from level {a} to {b}",
                        area.id
                    ),
                ),
                std::cmp::Ordering::Greater => (
                    false,
                    format!(
                        "project {name}: area `{}` rose from level {a} to {b}",
                        area.id
                    ),
                ),
                std::cmp::Ordering::Equal => continue,
            };
            if rubric_changed(&area.id) {
                c.rubric_changes.push(format!("{line} (rubric changed)"));
            } else if worse {
                c.regressions.push(line);
            } else {
                c.improvements.push(line);
            }
        }
    }
}

/// The comparison as text, for `readiness diff` and the table.
pub fn render(c: &Comparison) -> String {
    let mut out = String::new();
    let mut section = |title: &str, lines: &[String]| {
        if !lines.is_empty() {
            out.push_str(title);
            out.push('\n');
            for l in lines {
                out.push_str("  ");
                out.push_str(l);
                out.push('\n');
            }
        }
    };
    section("Regressions:", &c.regressions);
    section("Improvements:", &c.improvements);
    section(
        "Rubric changes (not counted as regressions):",
        &c.rubric_changes,
    );
    if out.is_empty() {
        out.push_str("No changes.\n");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn report(digest: &str, level: u8, checks: &[(&str, &str)]) -> String {
        let checks: Vec<_> = checks
            .iter()
            .map(|(id, o)| serde_json::json!({"id": id, "outcome": o, "future_field": 1}))
            .collect();
        serde_json::json!({
            "schema_version": 1,
            "rubrics": [{"area": "evals", "version": "1.0.0", "digest": digest, "source": "builtin"}],
            "overall": {"level": level},
            "areas": [{"id": "evals", "level": level, "checks": checks}],
        })
        .to_string()
    }

    #[test]
    fn a_met_check_that_is_lost_is_a_regression() {
        let old = report(
            "sha256:a",
            2,
            &[("EVL-01", "met"), ("EVL-03", "met"), ("EVL-04", "unmet")],
        );
        let new = report(
            "sha256:a",
            1,
            &[("EVL-01", "met"), ("EVL-03", "unmet"), ("EVL-04", "met")],
        );
        let c = compare(&old, "old", &new, "new").unwrap();
        assert_eq!(
            c.regressions,
            vec![
                "overall level dropped from 2 to 1",
                "area `evals` dropped from level 2 to 1",
                "EVL-03 was met, now unmet"
            ]
        );
        assert_eq!(c.improvements, vec!["EVL-04 is now met (was unmet)"]);
        assert!(c.regressed());
    }

    #[test]
    fn a_changed_rubric_is_a_change_of_method_not_a_regression() {
        let old = report("sha256:a", 1, &[("EVL-03", "met")]);
        let new = report("sha256:b", 1, &[("EVL-03", "unmet")]);
        let c = compare(&old, "old", &new, "new").unwrap();
        assert!(!c.regressed());
        assert_eq!(
            c.rubric_changes,
            vec![
                "rubric `evals` changed: 1.0.0 -> 1.0.0 (same version, different content)",
                "EVL-03 was met, now unmet (rubric changed)"
            ]
        );
    }

    #[test]
    fn unreadable_baselines_are_clear_errors() {
        assert!(compare("{", "old.json", "{}", "new")
            .unwrap_err()
            .starts_with("old.json: not a readiness JSON report"));
        let v2 = report("sha256:a", 1, &[]).replace("\"schema_version\":1", "\"schema_version\":2");
        assert!(compare(&v2, "old.json", &v2, "new")
            .unwrap_err()
            .contains("schema_version 2 is not supported"));
    }
}
