//! One rule over the evidence index: met, unmet or unknown, with the hits
//! it rests on (borrowed from the index) and the ones it does not accept.

use crate::rubric::model::{Acceptance, ProbeId, Rule};
use crate::scan::{Evidence, EvidenceIndex};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Tri {
    Met,
    Unmet,
    Unknown,
}

/// A rule's outcome, with the evidence it rests on borrowed from the index:
/// a check shows a few of its hits, so only those are ever copied.
pub(super) struct Evaluated<'i> {
    pub(super) tri: Tri,
    pub(super) evidence: Vec<&'i Evidence>,
    pub(super) reasons: Vec<String>,
    /// Hits the check does not accept on its own (weak, or only in
    /// examples, docs or notebooks).
    pub(super) unconfirmed: Vec<&'i Evidence>,
    /// The probes whose hits `evidence` holds (sorted): what counts them
    /// when the index keeps only some (see [`total`]).
    pub(super) probes: Vec<ProbeId>,
}

/// How many distinct hits `evaluated` rests on: its evidence, or, when the
/// index keeps only what a report shows, the count of every accepted hit of
/// its probes.
pub(super) fn total(evaluated: &Evaluated, index: &EvidenceIndex, accept: &Acceptance) -> usize {
    match &index.tallies {
        Some(tallies) if evaluated.tri == Tri::Met => tallies
            .total(&evaluated.probes, |class, strength| {
                accept.accepts(class, strength)
            }),
        _ => evaluated.evidence.len(),
    }
}

pub(super) fn evaluate<'i>(
    rule: &Rule,
    index: &'i EvidenceIndex,
    accept: &Acceptance,
) -> Evaluated<'i> {
    match rule {
        Rule::Probe(id) => {
            let (accepted, unconfirmed): (Vec<&Evidence>, Vec<&Evidence>) = index.hits[*id]
                .iter()
                .partition(|e| accept.accepts(e.class, e.strength));
            let unknown = &index.unknown[*id];
            let tri = if !accepted.is_empty() {
                Tri::Met
            } else if !unknown.is_empty() {
                Tri::Unknown
            } else {
                Tri::Unmet
            };
            Evaluated {
                tri,
                evidence: accepted,
                reasons: if tri == Tri::Unknown {
                    unknown.clone()
                } else {
                    Vec::new()
                },
                unconfirmed,
                probes: if tri == Tri::Met {
                    vec![*id]
                } else {
                    Vec::new()
                },
            }
        }
        Rule::Not(inner) => {
            let inner = evaluate(inner, index, accept);
            Evaluated {
                tri: match inner.tri {
                    Tri::Met => Tri::Unmet,
                    Tri::Unmet => Tri::Met,
                    Tri::Unknown => Tri::Unknown,
                },
                // Absence is not located anywhere.
                evidence: Vec::new(),
                reasons: inner.reasons,
                unconfirmed: Vec::new(),
                probes: Vec::new(),
            }
        }
        Rule::Any(rules) => {
            let parts: Vec<Evaluated> = rules.iter().map(|r| evaluate(r, index, accept)).collect();
            let tri = if parts.iter().any(|p| p.tri == Tri::Met) {
                Tri::Met
            } else if parts.iter().any(|p| p.tri == Tri::Unknown) {
                Tri::Unknown
            } else {
                Tri::Unmet
            };
            combine(tri, parts)
        }
        Rule::All(rules) => {
            let parts: Vec<Evaluated> = rules.iter().map(|r| evaluate(r, index, accept)).collect();
            let tri = if parts.iter().any(|p| p.tri == Tri::Unmet) {
                Tri::Unmet
            } else if parts.iter().any(|p| p.tri == Tri::Unknown) {
                Tri::Unknown
            } else {
                Tri::Met
            };
            combine(tri, parts)
        }
    }
}

/// Keeps the evidence of the parts that agree with the combined outcome.
fn combine(tri: Tri, parts: Vec<Evaluated<'_>>) -> Evaluated<'_> {
    let mut evidence = Vec::new();
    let mut reasons = Vec::new();
    let mut unconfirmed = Vec::new();
    let mut probes = Vec::new();
    for part in parts {
        if tri != Tri::Met {
            unconfirmed.extend(part.unconfirmed);
        }
        if tri == Tri::Met && part.tri == Tri::Met {
            evidence.extend(part.evidence);
            probes.extend(part.probes);
        }
        if tri == Tri::Unknown && part.tri == Tri::Unknown {
            reasons.extend(part.reasons);
        }
    }
    evidence.sort();
    evidence.dedup();
    reasons.sort();
    reasons.dedup();
    unconfirmed.sort();
    unconfirmed.dedup();
    probes.sort_unstable();
    probes.dedup();
    Evaluated {
        tri,
        evidence,
        reasons,
        unconfirmed,
        probes,
    }
}

pub(super) fn unknown_reason(reasons: &[String]) -> String {
    const SHOWN: usize = 3;
    let mut text = reasons
        .iter()
        .take(SHOWN)
        .cloned()
        .collect::<Vec<_>>()
        .join("; ");
    if reasons.len() > SHOWN {
        text.push_str(&format!("; and {} more", reasons.len() - SHOWN));
    }
    text
}

/// At most `n` pieces of evidence, as many files as possible: the first hit
/// of each file (in path and line order) before a second hit of any; the
/// result is in path and line order. Ten lines of one file say less than one
/// line of ten files.
pub(super) fn spread_over_files(mut evidence: Vec<&Evidence>, n: usize) -> Vec<Evidence> {
    if evidence.len() > n {
        evidence.sort();
        let mut seen = std::collections::HashSet::new();
        let (firsts, rest): (Vec<_>, Vec<_>) =
            evidence.into_iter().partition(|e| seen.insert(&*e.path));
        evidence = firsts.into_iter().chain(rest).take(n).collect();
        evidence.sort();
    }
    evidence.into_iter().cloned().collect()
}

#[cfg(test)]
mod spread_tests {
    use super::*;
    use crate::rubric::model::Strength;

    #[test]
    fn shown_evidence_covers_as_many_files_as_it_can() {
        let hit = |p: &str, l: u32| Evidence::new(p, l, String::new(), Strength::Medium);
        let mut all: Vec<Evidence> = (1..=5).map(|l| hit("a.py", l)).collect();
        all.extend([hit("b.py", 3), hit("c.py", 9), hit("b.py", 1)]);
        let shown: Vec<(String, u32)> = spread_over_files(all.iter().collect(), 4)
            .into_iter()
            .map(|e| (e.path.to_string(), e.line))
            .collect();
        assert_eq!(
            shown,
            vec![
                ("a.py".into(), 1),
                ("a.py".into(), 2),
                ("b.py".into(), 1),
                ("c.py".into(), 9)
            ]
        );
    }
}
