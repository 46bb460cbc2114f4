//! One report for a repository of several projects: the chosen project's
//! overall level, score and next steps (the rule says which project,
//! [`RollupRule`]), each area's row from the project the same rule picks
//! for that area, every project's levels beside them, and one release gate
//! that holds only when each project's does.

use super::{Project, RollupRule};
use crate::report::{
    AreaResult, Gate, ProjectArea, ProjectRef, ProjectSummary, Report, Rollup, StepRole,
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

/// Scores every project (`score(i)` is project `i`'s report) on `workers`
/// threads, a few projects each at a time, and folds the reports in
/// project order: a monorepo of thousands of projects never holds all
/// their reports at once. `projects` holds at least two.
pub fn fold_all(
    projects: &[Project],
    score: &(dyn Fn(usize) -> Report + Sync),
    workers: usize,
    rule: RollupRule,
) -> Report {
    let workers = workers.max(1);
    let order: Vec<usize> = (0..projects.len()).collect();
    let mut fold = Fold::new(rule);
    for batch in order.chunks(PROJECTS_PER_WORKER * workers) {
        let share = batch.len().div_ceil(workers);
        let reports: Vec<Report> = std::thread::scope(|s| {
            let handles: Vec<_> = batch
                .chunks(share)
                .map(|part| s.spawn(move || part.iter().map(|&i| score(i)).collect::<Vec<_>>()))
                .collect();
            handles
                .into_iter()
                .flat_map(|h| h.join().unwrap_or_else(|e| std::panic::resume_unwind(e)))
                .collect()
        });
        for (&i, report) in batch.iter().zip(reports) {
            fold.add(&projects[i], report);
        }
    }
    fold.finish().expect("two or more projects")
}

/// Projects each worker scores before their reports are folded.
const PROJECTS_PER_WORKER: usize = 16;

/// Folds the projects' reports, one at a time (so a monorepo of thousands
/// of projects holds one full report at a time, not all of them), into the
/// repository's report.
pub struct Fold {
    rule: RollupRule,
    /// The project the figures are for so far, with its report.
    chosen: Option<(Project, Report)>,
    /// Per area, the first project at the level the rule prefers.
    areas: Vec<Option<(String, AreaResult)>>,
    summaries: Vec<ProjectSummary>,
    distribution: [usize; 4],
    gate: Option<Gate>,
}

impl Fold {
    pub fn new(rule: RollupRule) -> Fold {
        Fold {
            rule,
            chosen: None,
            areas: Vec::new(),
            summaries: Vec::new(),
            distribution: [0; 4],
            gate: None,
        }
    }

    /// Adds the next project's report (projects in their listed order).
    pub fn add(&mut self, project: &Project, report: Report) {
        self.summaries.push(summary(project, &report));
        self.distribution[usize::from(report.overall.level.min(3))] += 1;
        if let Some(gate) = &report.gate {
            fold_gate(&mut self.gate, project, gate);
        }
        let prefer = |new: Option<u8>, old: Option<u8>| match (new, old) {
            (Some(_), None) => true,
            (Some(n), Some(o)) => match self.rule {
                RollupRule::MostMature => n > o,
                RollupRule::Weakest => n < o,
            },
            _ => false,
        };
        self.areas.resize(report.areas.len(), None);
        for (slot, area) in self.areas.iter_mut().zip(&report.areas) {
            let held = slot.as_ref().and_then(|(_, a)| a.level);
            if prefer(area.level, held) {
                *slot = Some((project.name.clone(), area.clone()));
            }
        }
        let key = |r: &Report| (r.overall.level, r.overall.score);
        let replace = match &self.chosen {
            None => true,
            Some((_, held)) => match self.rule {
                RollupRule::MostMature => key(&report) > key(held),
                RollupRule::Weakest => key(&report) < key(held),
            },
        };
        if replace {
            self.chosen = Some((project.clone(), report));
        }
    }

    /// The repository's report; `None` when no project was added.
    pub fn finish(self) -> Option<Report> {
        let (project, mut report) = self.chosen?;
        // Each area row: the chosen project's own when it is at the level
        // the rule prefers (a tie goes to it), else the first project that is.
        let areas = report
            .areas
            .iter()
            .zip(self.areas)
            .map(|(own, best)| match best {
                Some((name, area)) if area.level != own.level => AreaResult {
                    project: Some(name),
                    ..area
                },
                _ => AreaResult {
                    project: Some(project.name.clone()),
                    ..own.clone()
                },
            })
            .collect();
        report.areas = areas;
        report.rollup = Some(Rollup {
            rule: self.rule,
            project: project.name.clone(),
            distribution: self.distribution,
        });
        report.project = Some(reference(&project));
        report.projects = self.summaries;
        report.gate = self.gate;
        Some(report)
    }
}

/// Adds one project's gate to the repository's: it passes when each
/// passes, and each failure names its project.
fn fold_gate(into: &mut Option<Gate>, project: &Project, gate: &Gate) {
    let combined = into.get_or_insert_with(|| Gate {
        config: gate.config.clone(),
        min_level: gate.min_level,
        area_min_levels: gate.area_min_levels.clone(),
        passed: true,
        failures: Vec::new(),
        warnings: Vec::new(),
        waivers: Vec::new(),
    });
    combined.passed &= gate.passed;
    combined.failures.extend(
        gate.failures
            .iter()
            .map(|f| format!("project {}: {f}", project.name)),
    );
    for w in &gate.warnings {
        if !combined.warnings.contains(w) {
            combined.warnings.push(w.clone());
        }
    }
    combined.warnings.sort();
    for w in &gate.waivers {
        if !combined.waivers.iter().any(|have| have.check == w.check) {
            combined.waivers.push(w.clone());
        }
    }
}
