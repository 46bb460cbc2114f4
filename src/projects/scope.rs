//! The evidence one project may count.
//!
//! - **Its own**: every hit inside its folders, classed as if the folder were
//!   the repository root (a project under `examples/` is production code to
//!   itself; a notebook a job runs stays promoted).
//! - **Never another's**: hits inside another project, or in a sibling
//!   folder with ML work of its own ([`super::Layout::other_work`]).
//! - **What the repository provides to it**: the rest (root files, shared
//!   libraries, runbooks), except where the repository says whom it covers
//!   (see [`super::claims`]).
//!
//! The shared hits are held once for all projects. A project's own hits are
//! read back from the scan's store (see [`crate::scan::hit_store`]) a run
//! of projects at a time, [`HITS_PER_PASS`] at most unless one batch of
//! projects has more: a monorepo of thousands of projects never holds all its evidence
//! at once.

use super::claims::{ci_coverage, shared_claim, Claim, Folders};
use super::Layout;
use crate::rubric::model::{Class, ProbeId};
use crate::scan::{Evidence, EvidenceIndex};
use std::ops::Range;
use std::sync::RwLock;

/// Own hits read back in one pass over the store, unless the projects of
/// one batch (or one project) hold more, or unless that would take more
/// than [`MOST_PASSES`] passes.
pub const HITS_PER_PASS: usize = 1 << 13;

/// In [`Partition`]'s `block_owners`, a file no project owns.
const NOT_OWN: u32 = u32::MAX;
/// In [`Partition`]'s `block_owners`, a file whose owner is looked up
/// again (a project index that does not fit).
const LOOK_UP: u32 = u32::MAX - 1;

/// Passes over the store that read back own hits, at most (plus one per
/// batch whose projects alone hold more than a pass): each pass skips the
/// rest of the store, so more would cost time growing with the square of
/// the hits.
pub const MOST_PASSES: usize = 32;

/// The repository's evidence split among its projects: the shared hits
/// with the projects they cover, and how to read back each project's own.
pub struct Partition {
    /// How many probes the catalog has.
    probes: usize,
    folders: Folders,
    /// Own hits per project (a hit of two probes counts twice).
    own_counts: Vec<usize>,
    /// Own hits to read back in one pass (see [`HITS_PER_PASS`]).
    pass_hits: usize,
    /// Per file (or taken-in hit) the index offers, in the order
    /// `for_each_hit_where` offers them, the project that owns it, or
    /// [`NOT_OWN`]: each pass of [`Self::prepare`] skips the files of other
    /// projects without looking their folders up again (four bytes per
    /// file with hits, against most of a pass's time at a million files).
    block_owners: Vec<u32>,
    /// The own hits of the projects read back last.
    loaded: RwLock<Loaded>,
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

/// Own hits of a run of projects, sorted by probe, path and line.
#[derive(Default)]
struct Loaded {
    projects: Range<usize>,
    hits: Vec<Vec<(ProbeId, Evidence)>>,
    /// Why the store could not be read back, if it could not.
    problem: Option<String>,
}

impl Loaded {
    /// The own hits of `project`, none when it is not in the run read back.
    fn own_hits(&self, project: usize) -> &[(ProbeId, Evidence)] {
        if self.projects.contains(&project) {
            &self.hits[project - self.projects.start]
        } else {
            &[]
        }
    }
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

/// What settles a project's outcomes and nothing else: per probe, the
/// kinds of hit it counts and whether a file the probe needed could not be
/// read (see [`Partition::outcome_key`]), one word per probe with marks.
/// Paths, lines and reasons are left out: they change what a report
/// shows, not an outcome.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct OutcomeKey(Vec<u32>);

#[cfg(test)]
impl OutcomeKey {
    /// A key of the given words, for tests of what holds keys.
    pub(crate) fn of_words(words: Vec<u32>) -> OutcomeKey {
        OutcomeKey(words)
    }
}

/// In an [`OutcomeKey`]'s word, the low bits are a probe's marks (a bit
/// per kind of hit, and [`UNREADABLE`]); the probe is above them.
const MARK_BITS: u32 = crate::scan::reduce::KINDS as u32 + 1;

/// The mark of a probe with a file it could not read.
const UNREADABLE: u32 = 1 << crate::scan::reduce::KINDS;

/// The mark of a hit's kind (class and strength).
fn kind_bit(hit: &Evidence) -> u32 {
    1 << crate::scan::reduce::kind(hit)
}

/// Whether `hit` adds a kind of hit `kept` does not have yet.
fn new_kind(kept: &[Evidence], hit: &Evidence) -> bool {
    !kept
        .iter()
        .any(|k| k.class == hit.class && k.strength == hit.strength)
}

impl Partition {
    /// Splits `index` among the projects of `layout`: keeps the shared hits
    /// and counts each project's own, taking the markers over (the rest
    /// stays for [`Self::scoped`]). Shared CI definitions that hold
    /// evidence are read through `read` (which returns `None` for a file it
    /// cannot read: such a file covers no project, so nothing is credited
    /// that was not seen).
    pub fn new(
        index: &mut EvidenceIndex,
        layout: &Layout,
        read: &dyn Fn(&str) -> Option<String>,
    ) -> Result<Partition, String> {
        let folders = Folders::new(layout);
        let n = layout.projects.len();
        let mut own_counts = vec![0; n];
        let mut shared = Vec::new();
        // The owner of the file whose hits are offered, as `select` finds
        // it; each file's owning project is also kept for `prepare`.
        let owner = std::cell::RefCell::new(None);
        let mut block_owners = Vec::new();
        let select = |path: &str| {
            let claim = folders.owner(path);
            block_owners.push(match claim {
                Some(Claim::Own(project, _)) => u32::try_from(project)
                    .ok()
                    .filter(|&p| p < LOOK_UP)
                    .unwrap_or(LOOK_UP),
                _ => NOT_OWN,
            });
            *owner.borrow_mut() = claim;
            true
        };
        index.for_each_hit_where(select, |probes, hit| match &*owner.borrow() {
            Some(Claim::Own(project, _)) => own_counts[*project] += probes.len(),
            Some(_) => {}
            None => shared.extend(probes.iter().map(|&probe| (probe, hit.clone()))),
        })?;
        // In probe, path and line order, as the index lists them.
        shared.sort_unstable();
        shared.dedup();
        let ci = ci_coverage(shared.iter().map(|(_, hit)| &*hit.path), layout, read);
        let mut partition = Partition {
            probes: index.hits.len(),
            folders,
            own_counts,
            pass_hits: HITS_PER_PASS,
            block_owners,
            loaded: RwLock::new(Loaded::default()),
            shared: Vec::new(),
            for_all: Vec::new(),
            for_all_kinds: Vec::new(),
            for_some: vec![Vec::new(); n],
            own_unknown: vec![Vec::new(); n],
            shared_unknown: Vec::new(),
            own_markers: vec![Vec::new(); n],
        };
        for (k, (_, hit)) in shared.iter().enumerate() {
            match shared_claim(&hit.path, &hit.snippet, layout, &ci) {
                Claim::All => partition.for_all.push(k),
                Claim::Some(list) => {
                    for project in list {
                        partition.for_some[project].push(k);
                    }
                }
                Claim::Own(..) | Claim::Nobody => {}
            }
        }
        partition.shared = shared;
        for (probe, reasons) in index.unknown.iter().enumerate() {
            for reason in reasons {
                let path = reason.split(": ").next().unwrap_or(reason);
                match partition.folders.owner(path) {
                    Some(Claim::Own(project, _)) => {
                        partition.own_unknown[project].push((probe, reason.clone()))
                    }
                    Some(_) => {}
                    None => partition.shared_unknown.push((probe, reason.clone())),
                }
            }
        }
        for marker in std::mem::take(&mut index.markers) {
            if let Some(Claim::Own(project, _)) = partition.folders.owner(&marker) {
                partition.own_markers[project].push(marker);
            }
        }
        let mut kinds: Vec<Vec<Evidence>> = vec![Vec::new(); partition.probes];
        for &k in &partition.for_all {
            let (probe, hit) = &partition.shared[k];
            if new_kind(&kinds[*probe], hit) {
                kinds[*probe].push(hit.clone());
                partition.for_all_kinds.push(k);
            }
        }
        Ok(partition)
    }

    /// Reads back the own hits of `projects` (a batch about to be scored in
    /// parallel), and of the projects after them while they fit in
    /// [`HITS_PER_PASS`], unless they are read back already.
    pub fn prepare(&self, index: &EvidenceIndex, projects: Range<usize>) {
        let n = self.own_counts.len();
        let projects = projects.start.min(n)..projects.end.min(n);
        {
            let loaded = self.loaded.read().unwrap_or_else(|e| e.into_inner());
            let covered = |p: usize| loaded.projects.contains(&p) || self.own_counts[p] == 0;
            if projects.clone().all(covered) {
                return;
            }
        }
        let per_pass = self
            .pass_hits
            .max(self.own_counts.iter().sum::<usize>() / MOST_PASSES);
        let mut end = projects.end;
        let mut total: usize = self.own_counts[projects.clone()].iter().sum();
        while end < n && total + self.own_counts[end] <= per_pass {
            total += self.own_counts[end];
            end += 1;
        }
        let run = projects.start..end;
        let mut hits: Vec<Vec<(ProbeId, Evidence)>> = vec![Vec::new(); run.len()];
        // The owner of the file being read, when it is one of `run`.
        let owner = std::cell::Cell::new(None);
        let mut offered = 0;
        let select = |path: &str| {
            let known = self.block_owners.get(offered).copied();
            offered += 1;
            // A file another project owns, or no project, is skipped as
            // `Self::new` found it; the folder is looked up only for the
            // files read back (and for any the index did not offer then).
            let candidate = match known {
                Some(NOT_OWN) => false,
                Some(LOOK_UP) | None => true,
                Some(project) => run.contains(&(project as usize)),
            };
            owner.set(
                match candidate.then(|| self.folders.owner(path)).flatten() {
                    Some(Claim::Own(project, len)) if run.contains(&project) => {
                        Some((project, len))
                    }
                    _ => None,
                },
            );
            owner.get().is_some()
        };
        let read = index.for_each_hit_where(select, |probes, hit| {
            if let Some((project, len)) = owner.get() {
                let hit = reclassed(hit.clone(), len);
                let list = &mut hits[project - run.start];
                list.extend(probes.iter().map(|&probe| (probe, hit.clone())));
            }
        });
        for list in &mut hits {
            list.sort_unstable();
            list.dedup();
        }
        let mut loaded = self.loaded.write().unwrap_or_else(|e| e.into_inner());
        *loaded = Loaded {
            projects: run,
            hits,
            problem: read.err(),
        };
    }

    /// What settles project `project`'s outcomes ([`OutcomeKey`]). A rule
    /// is met by a hit of a kind its check accepts and unknown when a file
    /// it needed could not be read, so two projects with the same key have
    /// the same outcomes, hence the same levels, score, next steps and gate:
    /// in a monorepo of many alike projects, one is scored for all of them.
    /// `None` when a probe's number does not fit in a key's word (a
    /// catalog of half a million probes): the project is then scored.
    pub fn outcome_key(&self, index: &EvidenceIndex, project: usize) -> Option<OutcomeKey> {
        self.prepare(index, project..project + 1);
        let loaded = self.loaded.read().unwrap_or_else(|e| e.into_inner());
        let own_hits = loaded.own_hits(project);
        let shared = self
            .for_all_kinds
            .iter()
            .chain(&self.for_some[project])
            .map(|&k| (&self.shared[k].0, &self.shared[k].1));
        let mut marks: Vec<(ProbeId, u32)> = own_hits
            .iter()
            .map(|(p, e)| (p, e))
            .chain(shared)
            .map(|(&probe, hit)| (probe, kind_bit(hit)))
            .chain(
                self.own_unknown[project]
                    .iter()
                    .chain(&self.shared_unknown)
                    .map(|&(probe, _)| (probe, UNREADABLE)),
            )
            .collect();
        marks.sort_unstable_by_key(|&(probe, _)| probe);
        marks.dedup_by(|next, kept| {
            let same = next.0 == kept.0;
            if same {
                kept.1 |= next.1;
            }
            same
        });
        let word = |(probe, mark): (ProbeId, u32)| {
            u32::try_from(probe)
                .ok()
                .filter(|&p| p < 1 << (32 - MARK_BITS))
                .map(|p| p << MARK_BITS | mark)
        };
        marks
            .into_iter()
            .map(word)
            .collect::<Option<_>>()
            .map(OutcomeKey)
    }

    /// The evidence index as project `project` sees it, in full or with
    /// only what settles outcomes.
    pub fn scoped(&self, index: &EvidenceIndex, project: usize, detail: Detail) -> EvidenceIndex {
        self.prepare(index, project..project + 1);
        let loaded = self.loaded.read().unwrap_or_else(|e| e.into_inner());
        let own_hits = loaded.own_hits(project);
        let probes = self.probes;
        let mut hits: Vec<Vec<Evidence>> = vec![Vec::new(); probes];
        let mut touched = Vec::new();
        let all = match detail {
            Detail::Full => &self.for_all,
            Detail::Outcomes => &self.for_all_kinds,
        };
        let own = own_hits.iter().map(|(p, e)| (*p, e));
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
        let mut problems = if full {
            index.problems.clone()
        } else {
            Vec::new()
        };
        problems.extend(loaded.problem.clone());
        EvidenceIndex {
            hits,
            unknown,
            stats: if full {
                index.stats.clone()
            } else {
                Default::default()
            },
            problems,
            notes: if full {
                index.notes.clone()
            } else {
                Vec::new()
            },
            readme: if full { index.readme.clone() } else { None },
            markers: self.own_markers[project].clone(),
            ..EvidenceIndex::default()
        }
    }
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

#[cfg(test)]
mod tests;
