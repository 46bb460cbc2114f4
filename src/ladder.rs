//! The ladder, as `ladder.md` defines it.
//!
//! **The overall level** is a ladder of capabilities, not an average and not
//! the minimum over areas. A repository is at level L when
//! - the defining capability of L is implemented,
//! - the levels below are met, and
//! - at most one of L's supporting criteria is entirely missing (a partly
//!   met one counts).
//!
//! | level | name | defining capability | supporting criteria |
//! |---|---|---|---|
//! | 1 | Automated training | tracked or registered artifacts (versioning ≥ 1) | — |
//! | 2 | Automated deployment | an automated eval gate (evals ≥ 2) | rollout or rollback (rollback ≥ 2, partly ≥ 1); monitoring with alerts (monitoring ≥ 2, partly ≥ 1) |
//! | 3 | Fully automated ML | signals trigger retraining (monitoring ≥ 3) | online A/B or champion/challenger (evals ≥ 3); a feature store (VER-08); full lineage (versioning ≥ 3, partly ≥ 2) |
//!
//! Ownership and the data layer do not move the overall level: they are
//! areas of the scorecard, gated per area.
//!
//! **An area's level** is the highest L such that the rungs 1..=L of its
//! rubric hold (each rung is a formula over the checks that define it, see
//! [`crate::rubric::rungs`]); a rubric without rungs falls back to "every
//! applicable check at or below L is met".

use crate::report::{AreaResult, CheckResult, LadderRung, Outcome, Support, SupportStatus};
use crate::rubric::rungs::Truth;
use crate::rubric::Rubric;

/// What must hold for a rung of the overall ladder.
struct Rung {
    level: u8,
    /// The defining capability, in `ladder.md`'s words.
    capability: &'static str,
    /// It is shown by this area reaching this level.
    area: &'static str,
    area_level: u8,
    supporting: &'static [Criterion],
}

/// A supporting criterion: met at `full`, partly met at `partial`.
struct Criterion {
    name: &'static str,
    signal: Signal,
}

enum Signal {
    /// The area's level: met at `full`, partly met at `partial`.
    Area {
        area: &'static str,
        full: u8,
        partial: u8,
    },
    /// One check being met.
    Check(&'static str),
}

const LADDER: [Rung; 3] = [
    Rung {
        level: 1,
        capability: "scripted, version-controlled training with tracked or registered artifacts, \
                     or for an LLM app versioned prompts, index or deploy assets and pinned model ids",
        area: "versioning",
        area_level: 1,
        supporting: &[],
    },
    Rung {
        level: 2,
        capability: "an automated deployment path with an eval gate: thresholds or a champion \
                     comparison that block registration, promotion or deployment",
        area: "evals",
        area_level: 2,
        supporting: &[
            Criterion {
                name: "traffic shifting or scripted rollback",
                signal: Signal::Area {
                    area: "rollback",
                    full: 2,
                    partial: 1,
                },
            },
            Criterion {
                name: "scheduled quality or drift monitoring with alerts",
                signal: Signal::Area {
                    area: "monitoring",
                    full: 2,
                    partial: 1,
                },
            },
        ],
    },
    Rung {
        level: 3,
        capability: "retraining triggered automatically by drift or performance signals",
        area: "monitoring",
        area_level: 3,
        supporting: &[
            Criterion {
                name: "online A/B or champion/challenger evaluation",
                signal: Signal::Area {
                    area: "evals",
                    full: 3,
                    partial: 3,
                },
            },
            Criterion {
                name: "a feature store",
                signal: Signal::Check("VER-08"),
            },
            Criterion {
                name: "full lineage (model, data and code)",
                signal: Signal::Area {
                    area: "versioning",
                    full: 3,
                    partial: 2,
                },
            },
        ],
    },
];

/// The overall level and the state of each rung.
pub struct Overall {
    pub level: u8,
    pub rungs: Vec<LadderRung>,
    /// One line: why the project is at its level.
    pub reason: String,
    /// One line: what stands between it and the next level.
    pub next: Option<String>,
}

fn area_level(areas: &[AreaResult], id: &str) -> Option<u8> {
    areas.iter().find(|a| a.id == id).and_then(|a| a.level)
}

fn check_met(areas: &[AreaResult], id: &str) -> bool {
    areas
        .iter()
        .flat_map(|a| a.checks.iter())
        .any(|c| c.id == id && c.outcome == Outcome::Met)
}

fn support(areas: &[AreaResult], criterion: &Criterion) -> Support {
    let status = match criterion.signal {
        Signal::Area {
            area,
            full,
            partial,
        } => match area_level(areas, area) {
            Some(l) if l >= full => SupportStatus::Met,
            Some(l) if l >= partial => SupportStatus::Partial,
            _ => SupportStatus::Missing,
        },
        Signal::Check(id) if check_met(areas, id) => SupportStatus::Met,
        Signal::Check(_) => SupportStatus::Missing,
    };
    let shown_by = match criterion.signal {
        Signal::Area { area, full, .. } => format!("{area} at level {full}"),
        Signal::Check(id) => id.to_owned(),
    };
    Support {
        criterion: criterion.name.to_owned(),
        shown_by,
        status,
    }
}

/// Where the defining area's evidence is, for the one-line reason.
fn first_evidence(areas: &[AreaResult], area: &str, needed: u8) -> Option<String> {
    let area = areas.iter().find(|a| a.id == area)?;
    let mut met: Vec<&CheckResult> = area
        .checks
        .iter()
        .filter(|c| c.defines && c.outcome == Outcome::Met)
        .collect();
    // The check placed closest to the needed rung (at or below it) shows it
    // best: a registry for level 1 rather than the lineage of level 3.
    met.sort_by_key(|c| (c.level > needed, std::cmp::Reverse(c.level), c.id.clone()));
    met.into_iter().find_map(|c| {
        c.evidence
            .first()
            .map(|e| format!("{} at {}:{}", c.id, e.path, e.line))
            .or_else(|| Some(format!("{} ({})", c.id, source_word(c))))
    })
}

fn source_word(check: &CheckResult) -> &'static str {
    match check.source {
        Some(crate::report::Source::Waived) => "waived",
        Some(crate::report::Source::Answered) => "answered",
        _ => "detected",
    }
}

/// Scores the overall ladder from the area results.
pub fn overall(areas: &[AreaResult]) -> Overall {
    let mut rungs = Vec::new();
    let mut level = 0;
    let mut climbing = true;
    for rung in &LADDER {
        let got = area_level(areas, rung.area);
        let capability_met = got.is_some_and(|l| l >= rung.area_level);
        let supporting: Vec<Support> = rung.supporting.iter().map(|c| support(areas, c)).collect();
        let missing = supporting
            .iter()
            .filter(|s| s.status == SupportStatus::Missing)
            .count();
        let met = capability_met && missing <= 1;
        if climbing && met {
            level = rung.level;
        } else {
            climbing = false;
        }
        rungs.push(LadderRung {
            level: rung.level,
            name: crate::report::level_name(rung.level).to_owned(),
            capability: rung.capability.to_owned(),
            area: rung.area.to_owned(),
            area_level: rung.area_level,
            capability_met,
            supporting,
            met,
        });
    }
    let reason = if level == 0 {
        format!(
            "not yet implemented: {} (versioning is at level 0)",
            LADDER[0].capability
        )
    } else {
        let rung = &LADDER[usize::from(level) - 1];
        let got = area_level(areas, rung.area).unwrap_or(rung.area_level);
        let at = first_evidence(areas, rung.area, rung.area_level)
            .map(|e| format!("; {e}"))
            .unwrap_or_default();
        format!(
            "implemented: {} ({} at level {got}{at})",
            rung.capability, rung.area
        )
    };
    let next = rungs.get(usize::from(level)).map(|next| {
        let got = area_level(areas, &next.area)
            .map_or("not applicable".to_owned(), |l| format!("at level {l}"));
        let mut parts = Vec::new();
        if !next.capability_met {
            parts.push(format!(
                "{} must reach level {} ({}; it is {got})",
                next.area, next.area_level, next.capability
            ));
        }
        let missing: Vec<&Support> = next
            .supporting
            .iter()
            .filter(|s| s.status == SupportStatus::Missing)
            .collect();
        if missing.len() > 1 {
            parts.push(format!(
                "at least {} of these supporting criteria (all missing): {}",
                missing.len() - 1,
                missing
                    .iter()
                    .map(|s| format!("{} ({})", s.criterion, s.shown_by))
                    .collect::<Vec<_>>()
                    .join("; ")
            ));
        }
        format!(
            "Level {} - {} needs: {}",
            next.level,
            next.name,
            if parts.is_empty() {
                "nothing more".to_owned()
            } else {
                parts.join("; and ")
            }
        )
    });
    Overall {
        level,
        rungs,
        reason,
        next,
    }
}

/// The areas (with the level each must reach) the next overall rung needs:
/// its defining area first, then supporting areas entirely missing.
pub fn needed_for(level: u8) -> Vec<(&'static str, u8)> {
    let Some(rung) = LADDER.iter().find(|r| r.level == level) else {
        return Vec::new();
    };
    let mut out = vec![(rung.area, rung.area_level)];
    for c in rung.supporting {
        if let Signal::Area { area, partial, .. } = c.signal {
            out.push((area, partial));
        }
    }
    out
}

/// What an overall level of `level` can be held back by: per area, the
/// highest level any rung up to `level` reads of it (a defining area's rung
/// level, a supporting area's partial level), and the checks supporting
/// criteria name. A check beyond these blocks no overall level up to
/// `level`.
pub fn held_back_by(level: u8) -> (Vec<(&'static str, u8)>, Vec<&'static str>) {
    let mut areas: Vec<(&'static str, u8)> = Vec::new();
    let mut checks = Vec::new();
    let mut raise = |area: &'static str, to: u8| match areas.iter_mut().find(|(a, _)| *a == area) {
        Some((_, l)) => *l = (*l).max(to),
        None => areas.push((area, to)),
    };
    for rung in LADDER.iter().filter(|r| r.level <= level) {
        raise(rung.area, rung.area_level);
        for c in rung.supporting {
            match c.signal {
                Signal::Area { area, partial, .. } => raise(area, partial),
                Signal::Check(id) => checks.push(id),
            }
        }
    }
    (areas, checks)
}

fn truth(outcome: Outcome) -> Truth {
    match outcome {
        Outcome::Met => Truth::Met,
        Outcome::Unmet => Truth::Unmet,
        Outcome::Unknown => Truth::Unknown,
        Outcome::NotApplicable => Truth::Unmet,
    }
}

/// An area's level and the checks blocking its next level.
pub fn area_level_of(rubric: &Rubric, checks: &[CheckResult]) -> (u8, Vec<String>) {
    let outcome = |id: &str| {
        checks
            .iter()
            .find(|c| c.id == id)
            .map_or(Truth::Unmet, |c| truth(c.outcome))
    };
    let open = |c: &&CheckResult| matches!(c.outcome, Outcome::Unmet | Outcome::Unknown);
    if rubric.rungs.is_empty() {
        let level = (1..=3u8)
            .take_while(|&l| {
                checks
                    .iter()
                    .filter(|c| c.level <= l && c.outcome != Outcome::NotApplicable)
                    .all(|c| c.outcome == Outcome::Met)
            })
            .last()
            .unwrap_or(0);
        let blocking = checks
            .iter()
            .filter(|c| c.level <= level + 1)
            .filter(open)
            .map(|c| c.id.clone())
            .collect();
        return (level, blocking);
    }
    let mut level = 0;
    for rung in &rubric.rungs {
        if rung.met_when.eval(&outcome) == Truth::Met {
            level = rung.level;
        } else {
            break;
        }
    }
    let blocking = match rubric.rungs.iter().find(|r| r.level == level + 1) {
        Some(next) => checks
            .iter()
            .filter(|c| next.met_when.names(&c.id))
            .filter(open)
            .map(|c| c.id.clone())
            .collect(),
        None => Vec::new(),
    };
    (level, blocking)
}

/// The capability the rubric names for a level of the area.
pub fn area_capability(rubric: &Rubric, level: u8) -> Option<String> {
    rubric
        .rungs
        .iter()
        .find(|r| r.level == level)
        .map(|r| r.capability.clone())
}

#[cfg(test)]
mod tests {
    use super::held_back_by;

    #[test]
    fn a_gate_is_held_back_by_the_rungs_it_reads() {
        assert_eq!(held_back_by(0), (vec![], vec![]));
        assert_eq!(held_back_by(1), (vec![("versioning", 1)], vec![]));
        assert_eq!(
            held_back_by(2),
            (
                vec![
                    ("versioning", 1),
                    ("evals", 2),
                    ("rollback", 1),
                    ("monitoring", 1)
                ],
                vec![]
            )
        );
        let (areas, checks) = held_back_by(3);
        assert!(areas.contains(&("monitoring", 3)), "{areas:?}");
        assert_eq!(checks, vec!["VER-08"]);
    }

    use super::*;

    fn area(id: &str, level: Option<u8>) -> AreaResult {
        AreaResult {
            id: id.to_owned(),
            title: id.to_owned(),
            applicable: level.is_some(),
            not_applicable_reason: None,
            level,
            score: level.map(|_| 0),
            checks_met: 0,
            checks_applicable: 0,
            checks_unknown: 0,
            capability: None,
            next_capability: None,
            blocking: Vec::new(),
            checks: Vec::new(),
            project: None,
        }
    }

    /// versioning, evals, monitoring, ownership, rollback, data layer.
    fn areas(levels: [Option<u8>; 6]) -> Vec<AreaResult> {
        crate::BUILTIN_AREAS
            .iter()
            .zip(levels)
            .map(|(id, l)| area(id, l))
            .collect()
    }

    #[test]
    fn ownership_and_the_data_layer_do_not_move_the_overall_level() {
        let r = overall(&areas([
            Some(2),
            Some(2),
            Some(1),
            Some(0),
            Some(1),
            Some(0),
        ]));
        assert_eq!(r.level, 2);
        assert!(
            r.reason
                .starts_with("implemented: an automated deployment path"),
            "{}",
            r.reason
        );
        assert!(r.reason.contains("(evals at level 2"), "{}", r.reason);
        let next = r.next.unwrap();
        assert!(next.contains("monitoring must reach level 3"), "{next}");
    }

    #[test]
    fn the_defining_capability_is_required_however_much_else_exists() {
        let r = overall(&areas([Some(0), Some(3), Some(3), Some(3), Some(3), None]));
        assert_eq!(r.level, 0, "no tracked artifacts: not even level 1");
        let r = overall(&areas([Some(3), Some(1), Some(2), Some(3), Some(3), None]));
        assert_eq!(r.level, 1, "no eval gate: level 1 whatever the rollout");
        assert!(r.next.unwrap().contains("evals must reach level 2"));
    }

    #[test]
    fn at_most_one_supporting_criterion_may_be_entirely_missing() {
        // Level 2: rollback and monitoring support it; partly met counts.
        let r = overall(&areas([Some(1), Some(2), Some(0), Some(0), Some(1), None]));
        assert_eq!(r.level, 2, "monitoring missing, rollback partly met");
        assert_eq!(r.rungs[1].supporting[0].status, SupportStatus::Partial);
        assert_eq!(r.rungs[1].supporting[1].status, SupportStatus::Missing);
        let r = overall(&areas([Some(1), Some(2), Some(0), Some(0), Some(0), None]));
        assert_eq!(r.level, 1, "both supporting criteria missing");
        let next = r.next.unwrap();
        assert!(
            next.contains("at least 1 of these supporting criteria"),
            "{next}"
        );
    }

    #[test]
    fn levels_are_climbed_in_order() {
        // Drift-triggered retraining without an eval gate is not level 3.
        let r = overall(&areas([Some(3), Some(1), Some(3), Some(0), Some(2), None]));
        assert_eq!(r.level, 1);
        assert!(r.rungs[2].capability_met);
        assert!(!r.rungs[1].met);
    }
}
