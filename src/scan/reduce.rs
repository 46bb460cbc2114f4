//! What a report can show of a probe's hits, kept while every hit streams
//! past once: memory bounded by probes, not by hits.
//!
//! A report settles a check from the kinds of hit it found (class and
//! strength), shows at most [`SHOWN_FILES`] hits spread over as many files
//! as it can (in path and line order) and counts the rest. So per probe and
//! kind it is enough to keep every hit of the first [`SHOWN_FILES`] files in
//! path order, and to count distinct hits per set of probes that produced
//! them:
//!
//! - the first files of any union of kept lists (the probes a rule combines,
//!   the kinds a check accepts) are among the first files of each list, and
//!   a file's hits of one probe and kind are kept together;
//! - a hit several probes produced is stored once with all of them (see
//!   [`super::hit_store`]), so the distinct hits a rule's probes produced are
//!   the sum of the counts of the probe sets that meet them: the number the
//!   evaluation's deduplication leaves.

use super::Evidence;
use crate::rubric::model::{Class, ProbeId, Strength};
use std::collections::HashMap;

/// Files whose hits are kept per probe and kind: the evidence a check shows
/// (`EVIDENCE_PER_CHECK` in the evaluation).
pub const SHOWN_FILES: usize = 10;

/// Kinds of hit: every (class, strength) pair.
pub const KINDS: usize = 12;

/// A hit's kind, below [`KINDS`]: each (class, strength) pair its own. A
/// new class or strength does not compile here until it has one.
pub fn kind(hit: &Evidence) -> usize {
    let class = match hit.class {
        Class::Prod => 0,
        Class::Test => 1,
        Class::Example => 2,
        Class::Notebook => 3,
    };
    let strength = match hit.strength {
        Strength::Weak => 0,
        Strength::Medium => 1,
        Strength::Strong => 2,
    };
    class * 3 + strength
}

fn of_kind(kind: usize) -> (Class, Strength) {
    let class = [Class::Prod, Class::Test, Class::Example, Class::Notebook][kind / 3];
    let strength = [Strength::Weak, Strength::Medium, Strength::Strong][kind % 3];
    (class, strength)
}

/// Distinct hits per set of probes that produced them and per kind.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Tallies {
    counts: HashMap<Box<[ProbeId]>, [u64; KINDS]>,
}

impl Tallies {
    fn add(&mut self, probes: &[ProbeId], hit: &Evidence) {
        if let Some(counts) = self.counts.get_mut(probes) {
            counts[kind(hit)] += 1;
        } else {
            let mut counts = [0; KINDS];
            counts[kind(hit)] = 1;
            self.counts.insert(probes.into(), counts);
        }
    }

    /// Distinct hits of any of `probes` whose kind `accepts` takes.
    pub fn total(&self, probes: &[ProbeId], accepts: impl Fn(Class, Strength) -> bool) -> usize {
        let taken: Vec<bool> = (0..KINDS)
            .map(|k| {
                let (class, strength) = of_kind(k);
                accepts(class, strength)
            })
            .collect();
        let mut total = 0u64;
        for (set, counts) in &self.counts {
            if set.iter().any(|p| probes.contains(p)) {
                total += (0..KINDS)
                    .filter(|&k| taken[k])
                    .map(|k| counts[k])
                    .sum::<u64>();
            }
        }
        usize::try_from(total).unwrap_or(usize::MAX)
    }
}

/// Takes hits in any order and keeps, per probe and kind, those of the
/// first [`SHOWN_FILES`] files in path order.
#[derive(Debug, Default)]
pub struct Reducer {
    /// Per probe, per kind, kept hits in order.
    kept: Vec<Vec<Vec<Evidence>>>,
    tallies: Tallies,
}

impl Reducer {
    pub fn new(probes: usize) -> Reducer {
        Reducer {
            kept: vec![Vec::new(); probes],
            tallies: Tallies::default(),
        }
    }

    /// Takes one distinct hit and the probes that produced it.
    pub fn add(&mut self, probes: &[ProbeId], hit: &Evidence) {
        self.tallies.add(probes, hit);
        for &probe in probes {
            if probe >= self.kept.len() {
                self.kept.resize(probe + 1, Vec::new());
            }
            let lists = &mut self.kept[probe];
            if lists.is_empty() {
                *lists = vec![Vec::new(); KINDS];
            }
            keep(&mut lists[kind(hit)], hit);
        }
    }

    /// Per probe the kept hits in path and line order, and the tallies.
    pub fn finish(self) -> (Vec<Vec<Evidence>>, Tallies) {
        let hits = self
            .kept
            .into_iter()
            .map(|lists| {
                let mut all: Vec<Evidence> = lists.into_iter().flatten().collect();
                all.sort_unstable();
                all
            })
            .collect();
        (hits, self.tallies)
    }
}

/// Adds `hit` to `list` (sorted) unless its file comes after the first
/// [`SHOWN_FILES`] files; drops the hits of a file pushed past them.
fn keep(list: &mut Vec<Evidence>, hit: &Evidence) {
    let files = 1 + list.windows(2).filter(|w| w[0].path != w[1].path).count();
    if let Some(last) = list.last() {
        if files >= SHOWN_FILES && hit.path > last.path {
            return;
        }
    }
    let Err(at) = list.binary_search(hit) else {
        return;
    };
    list.insert(at, hit.clone());
    let files = 1 + list.windows(2).filter(|w| w[0].path != w[1].path).count();
    if files > SHOWN_FILES {
        let last = list.last().expect("not empty").path.clone();
        list.retain(|e| e.path != last);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hit(path: &str, line: u32, strength: Strength) -> Evidence {
        Evidence::new(path, line, format!("line {line}"), strength)
    }

    #[test]
    fn keeps_every_hit_of_the_first_files_of_each_kind_whatever_the_order() {
        let mut hits = Vec::new();
        for f in 0..30 {
            for line in 1..=3 {
                hits.push(hit(&format!("src/m{f:02}.py"), line, Strength::Strong));
                hits.push(hit(&format!("docs/d{f:02}.py"), line, Strength::Weak));
            }
        }
        // A scrambled arrival order (the walk's threads interleave).
        let mut order: Vec<usize> = (0..hits.len()).collect();
        order.sort_by_key(|&i| (i * 7919) % hits.len());
        let mut reducer = Reducer::new(1);
        for i in order {
            reducer.add(&[0], &hits[i]);
        }
        let (kept, tallies) = reducer.finish();
        let mut expected: Vec<Evidence> = hits
            .iter()
            .filter(|h| {
                let n: usize = h.path[h.path.len() - 5..h.path.len() - 3].parse().unwrap();
                n < SHOWN_FILES
            })
            .cloned()
            .collect();
        expected.sort();
        assert_eq!(kept[0], expected);
        assert_eq!(tallies.total(&[0], |_, _| true), 180);
        assert_eq!(tallies.total(&[0], |_, s| s == Strength::Strong), 90);
        assert_eq!(
            tallies.total(&[0], |c, _| c == Class::Example),
            90,
            "docs/ is example"
        );
        assert_eq!(tallies.total(&[1], |_, _| true), 0);
    }

    #[test]
    fn a_hit_of_two_probes_counts_once_for_a_rule_that_reads_both() {
        let mut reducer = Reducer::new(3);
        reducer.add(&[0, 1], &hit("a.py", 1, Strength::Strong));
        reducer.add(&[1], &hit("a.py", 2, Strength::Strong));
        reducer.add(&[2], &hit("b.py", 2, Strength::Strong));
        let (kept, tallies) = reducer.finish();
        assert_eq!(kept[0].len(), 1);
        assert_eq!(kept[1].len(), 2);
        assert_eq!(tallies.total(&[0, 1], |_, _| true), 2);
        assert_eq!(tallies.total(&[0, 1, 2], |_, _| true), 3);
        assert_eq!(tallies.total(&[0, 2], |_, _| true), 2);
    }
}
