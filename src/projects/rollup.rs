//! One report for a repository of several projects: the chosen project's
//! overall level, score and next steps (the rule says which project,
//! [`RollupRule`]), each area's row from the project the same rule picks
//! for that area, every project's levels beside them, and one release gate
//! that holds only when each project's does.

use super::{OutcomeKey, Project, RollupRule};
use crate::report::{
    AreaResult, Gate, ProjectArea, ProjectRef, ProjectSummary, Report, Rollup, StepRole,
};
use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex};

/// The reference a report carries for `project`.
pub fn reference(project: &Project) -> ProjectRef {
    ProjectRef {
        name: project.name.clone(),
        folders: project.folders.clone(),
        origin: project.origin,
    }
}

/// What a project's outcomes settle for the fold: its levels, score, next
/// step, blocking checks and release gate. The same for every project
/// whose evidence settles the same outcomes (see
/// [`super::Partition::outcome_key`]), whichever project it is.
#[derive(Debug, Clone, PartialEq)]
pub struct Settled {
    level: u8,
    score: u8,
    areas: Arc<[ProjectArea]>,
    next: Option<Arc<str>>,
    blocking: Arc<[String]>,
    gate: Option<Gate>,
}

impl Settled {
    /// Keeps what the fold needs of a project's report (one built from
    /// [`super::Detail::Outcomes`] evidence will do: the levels, score,
    /// next steps and gate are the same as in full).
    pub fn of(report: Report) -> Settled {
        Settled {
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
            next: report.overall.next.as_deref().map(Arc::from),
            blocking: report
                .next_steps
                .iter()
                .filter(|s| s.role == StepRole::Overall)
                .map(|s| s.check.clone())
                .collect(),
            gate: report.gate,
        }
    }
}

/// Settled outcomes by what settles them, shared by the workers: a
/// monorepo of thousands of projects has far fewer distinct keys, and
/// each is scored once. The settled values share their area rows, next
/// step and blocking list, and at most [`SETTLED_KEYS`] keys are held.
#[derive(Default)]
pub struct SettledByKey(Mutex<Memo>);

/// Keys [`SettledByKey`] holds at most (some 100 bytes each, and 4 bytes
/// per probe with hits): past them, a project is scored on its own, so
/// that a monorepo whose projects all differ holds no more.
pub const SETTLED_KEYS: usize = 4096;

#[derive(Default)]
struct Memo {
    settled: HashMap<OutcomeKey, Settled>,
    shared: Shared,
}

impl SettledByKey {
    /// The outcomes settled for `key`, settling them with `settle` the
    /// first time (outside the lock: two workers that settle one key at
    /// once get the same value), or every time without a key.
    pub fn get_or_settle(
        &self,
        key: Option<OutcomeKey>,
        settle: impl FnOnce() -> Settled,
    ) -> Settled {
        let Some(key) = key else {
            return settle();
        };
        let lock = || self.0.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(held) = lock().settled.get(&key) {
            return held.clone();
        }
        let mut settled = settle();
        let mut memo = lock();
        let Memo {
            settled: held,
            shared,
        } = &mut *memo;
        shared.share(&mut settled.areas, &mut settled.blocking, &mut settled.next);
        if held.len() < SETTLED_KEYS {
            held.entry(key).or_insert_with(|| settled.clone());
        }
        settled
    }
}

/// What the fold keeps of one project: its line in the per-project table
/// and its release gate.
pub struct Scored {
    pub summary: ProjectSummary,
    pub gate: Option<Gate>,
}

impl Scored {
    /// Project `project`'s line and gate, from its settled outcomes.
    pub fn of(project: &Project, settled: Settled) -> Scored {
        Scored {
            summary: ProjectSummary {
                project: reference(project),
                level: settled.level,
                score: settled.score,
                areas: settled.areas,
                next: settled.next,
                blocking: settled.blocking,
                gate_passed: settled.gate.as_ref().map(|g| g.passed),
            },
            gate: settled.gate,
        }
    }
}

/// Scores every project on `workers` threads, a few projects each at a
/// time, and folds them in project order: `outcomes(i)` is what project
/// `i`'s outcomes settle, `full(i)` its full report, built only for the
/// projects whose figures or area rows the repository's report shows.
/// `projects` holds at least two. Before each batch is scored, `prepare`
/// is told its projects (a range), so that their evidence can be read in
/// one pass.
pub fn fold_all(
    projects: &[Project],
    prepare: &dyn Fn(std::ops::Range<usize>),
    outcomes: &(dyn Fn(usize) -> Settled + Sync),
    full: &dyn Fn(usize) -> Report,
    workers: usize,
    rule: RollupRule,
) -> Report {
    let workers = workers.max(1);
    let order: Vec<usize> = (0..projects.len()).collect();
    let mut fold = Fold::new(rule);
    // One line per project: no copies of a half-grown table.
    fold.summaries.reserve_exact(projects.len());
    for batch in order.chunks(PROJECTS_PER_WORKER * workers) {
        prepare(batch[0]..batch[batch.len() - 1] + 1);
        let share = batch.len().div_ceil(workers);
        let scored: Vec<Scored> = std::thread::scope(|s| {
            let handles: Vec<_> = batch
                .chunks(share)
                .map(|part| {
                    s.spawn(move || {
                        part.iter()
                            .map(|&i| Scored::of(&projects[i], outcomes(i)))
                            .collect::<Vec<_>>()
                    })
                })
                .collect();
            handles
                .into_iter()
                .flat_map(|h| h.join().unwrap_or_else(|e| std::panic::resume_unwind(e)))
                .collect()
        });
        for (&i, one) in batch.iter().zip(scored) {
            fold.add(i, one);
        }
    }
    fold.finish(projects, full).expect("two or more projects")
}

/// Projects each worker scores before they are folded.
const PROJECTS_PER_WORKER: usize = 64;

/// Folds the projects' figures, one at a time, into the repository's
/// report: a monorepo of thousands of projects holds their table lines,
/// not their reports.
pub struct Fold {
    rule: RollupRule,
    /// The project the figures are for so far: its index, level and score.
    chosen: Option<(usize, (u8, u8))>,
    /// Per area, the first project at the level the rule prefers.
    areas: Vec<Option<(usize, Option<u8>)>>,
    summaries: Vec<ProjectSummary>,
    /// The shared values the summaries hold (see [`Shared`]).
    shared: Shared,
    distribution: [usize; 4],
    gate: Option<Gate>,
}

/// One copy of each distinct area row list, next step and blocking list
/// the summaries hold: in a monorepo most projects share them, and a
/// summary kept for each of thousands of projects then costs its name and
/// three pointers.
#[derive(Default)]
struct Shared {
    areas: HashSet<Arc<[ProjectArea]>>,
    next: HashSet<Arc<str>>,
    blocking: HashSet<Arc<[String]>>,
}

impl Shared {
    fn intern<T: ?Sized + Eq + std::hash::Hash>(set: &mut HashSet<Arc<T>>, value: &mut Arc<T>) {
        match set.get(value) {
            Some(held) => *value = Arc::clone(held),
            None => {
                set.insert(Arc::clone(value));
            }
        }
    }

    fn share(
        &mut self,
        areas: &mut Arc<[ProjectArea]>,
        blocking: &mut Arc<[String]>,
        next: &mut Option<Arc<str>>,
    ) {
        Self::intern(&mut self.areas, areas);
        Self::intern(&mut self.blocking, blocking);
        if let Some(next) = next {
            Self::intern(&mut self.next, next);
        }
    }
}

impl Fold {
    pub fn new(rule: RollupRule) -> Fold {
        Fold {
            rule,
            chosen: None,
            areas: Vec::new(),
            summaries: Vec::new(),
            shared: Shared::default(),
            distribution: [0; 4],
            gate: None,
        }
    }

    /// Adds project `index` (projects in their listed order).
    pub fn add(&mut self, index: usize, scored: Scored) {
        let Scored { mut summary, gate } = scored;
        self.shared
            .share(&mut summary.areas, &mut summary.blocking, &mut summary.next);
        self.distribution[usize::from(summary.level.min(3))] += 1;
        if let Some(gate) = &gate {
            fold_gate(&mut self.gate, &summary.project.name, gate);
        }
        let prefer = |new: Option<u8>, old: Option<u8>| match (new, old) {
            (Some(_), None) => true,
            (Some(n), Some(o)) => match self.rule {
                RollupRule::MostMature => n > o,
                RollupRule::Weakest => n < o,
            },
            _ => false,
        };
        self.areas.resize(summary.areas.len(), None);
        for (slot, area) in self.areas.iter_mut().zip(summary.areas.iter()) {
            let held = slot.and_then(|(_, level)| level);
            if prefer(area.level, held) {
                *slot = Some((index, area.level));
            }
        }
        let key = (summary.level, summary.score);
        let replace = match self.chosen {
            None => true,
            Some((_, held)) => match self.rule {
                RollupRule::MostMature => key > held,
                RollupRule::Weakest => key < held,
            },
        };
        if replace {
            self.chosen = Some((index, key));
        }
        self.summaries.push(summary);
    }

    /// The repository's report, from the full reports `full` builds for
    /// the chosen project and each project an area row comes from; `None`
    /// when no project was added.
    pub fn finish(self, projects: &[Project], full: &dyn Fn(usize) -> Report) -> Option<Report> {
        let (chosen, _) = self.chosen?;
        let project = &projects[chosen];
        let mut report = full(chosen);
        let mut others: Vec<(usize, Report)> = Vec::new();
        // Each area row: the chosen project's own when it is at the level
        // the rule prefers (a tie goes to it), else the first project that is.
        let mut areas = Vec::with_capacity(report.areas.len());
        for (j, own) in report.areas.iter().enumerate() {
            let row = match self.areas.get(j).copied().flatten() {
                Some((best, level)) if best != chosen && level != own.level => {
                    let at = match others.iter().position(|(i, _)| *i == best) {
                        Some(at) => at,
                        None => {
                            others.push((best, full(best)));
                            others.len() - 1
                        }
                    };
                    AreaResult {
                        project: Some(projects[best].name.clone()),
                        ..others[at].1.areas[j].clone()
                    }
                }
                _ => AreaResult {
                    project: Some(project.name.clone()),
                    ..own.clone()
                },
            };
            areas.push(row);
        }
        report.areas = areas;
        report.rollup = Some(Rollup {
            rule: self.rule,
            project: project.name.clone(),
            distribution: self.distribution,
        });
        report.project = Some(reference(project));
        report.projects = self.summaries;
        report.gate = self.gate;
        Some(report)
    }
}

/// Adds one project's gate to the repository's: it passes when each
/// passes, and each failure names its project.
fn fold_gate(into: &mut Option<Gate>, project: &str, gate: &Gate) {
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
            .map(|f| format!("project {project}: {f}")),
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn settled_outcomes_are_held_per_key_up_to_a_bound() {
        let memo = SettledByKey::default();
        let calls = std::cell::Cell::new(0);
        let get = |key: Option<u32>, level| {
            let key = key.map(|k| OutcomeKey::of_words(vec![k]));
            memo.get_or_settle(key, || {
                calls.set(calls.get() + 1);
                Settled {
                    level,
                    score: 0,
                    areas: Arc::from(vec![ProjectArea {
                        id: "evals".into(),
                        level: Some(level),
                    }]),
                    next: None,
                    blocking: Arc::from(Vec::new()),
                    gate: None,
                }
            })
        };
        let first = get(Some(1), 1);
        assert_eq!(get(Some(1), 2), first, "held for its key");
        assert_eq!(calls.get(), 1);
        // Equal area rows of other keys share one copy.
        let other = get(Some(2), 1);
        assert!(Arc::ptr_eq(&first.areas, &other.areas));
        assert_eq!(get(None, 2).level, 2, "no key: scored on its own");
        assert_eq!(calls.get(), 3);
        for key in 3..=SETTLED_KEYS as u32 {
            get(Some(key), 0);
        }
        // Full: a new key is scored every time, the held ones are not.
        let before = calls.get();
        get(Some(u32::MAX), 3);
        get(Some(u32::MAX), 3);
        get(Some(1), 3);
        assert_eq!(calls.get(), before + 2);
    }

    fn scored(name: &str, level: Option<u8>, next: &str) -> Scored {
        Scored {
            summary: ProjectSummary {
                project: ProjectRef {
                    name: name.to_owned(),
                    folders: vec![name.to_owned()],
                    origin: super::super::Origin::Detected,
                },
                level: 0,
                score: 10,
                areas: ["versioning", "evals"]
                    .map(|id| ProjectArea {
                        id: id.to_owned(),
                        level,
                    })
                    .into(),
                next: Some(Arc::from(next)),
                blocking: vec!["VER-01".to_owned()].into(),
                gate_passed: None,
            },
            gate: None,
        }
    }

    #[test]
    fn projects_with_the_same_rows_hold_one_copy_of_them() {
        let mut fold = Fold::new(RollupRule::MostMature);
        fold.add(0, scored("a", Some(0), "reach level 1"));
        fold.add(1, scored("b", Some(0), "reach level 1"));
        fold.add(2, scored("c", Some(1), "reach level 2"));
        let [a, b, c] = &fold.summaries[..] else {
            panic!("three summaries");
        };
        assert!(Arc::ptr_eq(&a.areas, &b.areas));
        assert!(Arc::ptr_eq(&a.blocking, &c.blocking));
        assert!(Arc::ptr_eq(
            a.next.as_ref().unwrap(),
            b.next.as_ref().unwrap()
        ));
        // Different values stay different, and every value is kept as given.
        assert!(!Arc::ptr_eq(&a.areas, &c.areas));
        assert_eq!(c.areas[1].level, Some(1));
        assert_eq!(c.next.as_deref(), Some("reach level 2"));
        assert_eq!(b.project.name, "b");
    }
}
