//! One report for a repository of several projects: the chosen project's
//! overall level, score and next steps (the rule says which project,
//! [`RollupRule`]), each area's row from the project the same rule picks
//! for that area, every project's levels beside them, and one release gate
//! that holds only when each project's does.

use super::{Project, RollupRule};
use crate::report::{
    AreaResult, Gate, ProjectArea, ProjectRef, ProjectSummary, Report, Rollup, StepRole,
    WaiverStatus,
};

/// The reference a report carries for `project`.
pub fn reference(project: &Project) -> ProjectRef {
    ProjectRef {
        name: project.name.clone(),
        folders: project.folders.clone(),
        origin: project.origin,
    }
}

/// A project's line in the per-project table.
pub fn summary(project: &Project, report: &Report) -> ProjectSummary {
    ProjectSummary {
        project: reference(project),
        level: report.overall.level,
        score: report.overall.score,
        areas: report
            .areas
            .iter()
            .map(|a| ProjectArea {
                id: a.id.clone(),
                level: a.level,
            })
            .collect(),
        next: report.overall.next.clone(),
        blocking: report
            .next_steps
            .iter()
            .filter(|s| s.role == StepRole::Overall)
            .map(|s| s.check.clone())
            .collect(),
        gate_passed: report.gate.as_ref().map(|g| g.passed),
    }
}

/// Folds the projects' reports (in project order, at least one) into the
/// repository's report.
pub fn combine(reports: Vec<(Project, Report)>, rule: RollupRule) -> Report {
    let key = |r: &Report| (r.overall.level, r.overall.score);
    let chosen = match rule {
        // The first of the best, the first of the worst: ties go to the
        // project listed first.
        RollupRule::MostMature => reports
            .iter()
            .enumerate()
            .rev()
            .max_by_key(|(_, (_, r))| key(r))
            .map(|(i, _)| i),
        RollupRule::Weakest => reports
            .iter()
            .enumerate()
            .min_by_key(|(_, (_, r))| key(r))
            .map(|(i, _)| i),
    }
    .expect("at least one project");
    let mut distribution = [0usize; 4];
    for (_, r) in &reports {
        distribution[usize::from(r.overall.level.min(3))] += 1;
    }
    let summaries: Vec<ProjectSummary> = reports.iter().map(|(p, r)| summary(p, r)).collect();
    let gate = combined_gate(&reports);
    let areas = area_rows(&reports, chosen, rule);
    let (project, mut report) = reports.into_iter().nth(chosen).expect("chosen");
    report.areas = areas;
    report.rollup = Some(Rollup {
        rule,
        project: project.name.clone(),
        distribution,
    });
    report.project = Some(reference(&project));
    report.projects = summaries;
    report.gate = gate;
    report
}

/// Each area's row: the area as the project the rule picks for it shows
/// it (the best, or the weakest, level any project reaches in the area;
/// among projects where it applies), named. One project's area result,
/// never a pool of several.
fn area_rows(reports: &[(Project, Report)], chosen: usize, rule: RollupRule) -> Vec<AreaResult> {
    let (_, base) = &reports[chosen];
    (0..base.areas.len())
        .map(|i| {
            let candidates = reports.iter().enumerate().filter_map(|(at, (p, r))| {
                let area = r.areas.get(i)?;
                Some((at, p, area, area.level?))
            });
            // By level alone: ties go to the chosen project, then to the one
            // listed first (a level-0 row stays the chosen project's).
            let tie = |at: usize| (at != chosen, at);
            let picked =
                match rule {
                    RollupRule::MostMature => candidates
                        .max_by(|a, b| a.3.cmp(&b.3).then_with(|| tie(b.0).cmp(&tie(a.0)))),
                    RollupRule::Weakest => candidates
                        .min_by(|a, b| a.3.cmp(&b.3).then_with(|| tie(a.0).cmp(&tie(b.0)))),
                };
            let (project, area) = match picked {
                Some((_, p, area, _)) => (p, area),
                None => (&reports[chosen].0, &base.areas[i]),
            };
            AreaResult {
                project: Some(project.name.clone()),
                ..area.clone()
            }
        })
        .collect()
}

/// One gate over every project's: it passes when each passes, and each
/// failure names its project.
fn combined_gate(reports: &[(Project, Report)]) -> Option<Gate> {
    let gates: Vec<(&Project, &Gate)> = reports
        .iter()
        .filter_map(|(p, r)| r.gate.as_ref().map(|g| (p, g)))
        .collect();
    let (_, first) = gates.first()?;
    let mut failures = Vec::new();
    let mut warnings = Vec::new();
    let mut waivers: Vec<WaiverStatus> = Vec::new();
    for (project, gate) in &gates {
        failures.extend(
            gate.failures
                .iter()
                .map(|f| format!("project {}: {f}", project.name)),
        );
        warnings.extend(gate.warnings.iter().cloned());
        for w in &gate.waivers {
            if !waivers.iter().any(|have| have.check == w.check) {
                waivers.push(w.clone());
            }
        }
    }
    warnings.sort();
    warnings.dedup();
    Some(Gate {
        config: first.config.clone(),
        min_level: first.min_level,
        area_min_levels: first.area_min_levels.clone(),
        passed: gates.iter().all(|(_, g)| g.passed),
        failures,
        warnings,
        waivers,
    })
}
