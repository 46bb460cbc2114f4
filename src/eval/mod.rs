//! Evaluation and scoring (pure): rules × evidence index → check outcomes →
//! area levels → the overall level and the next steps.
//!
//! - A rule is three-valued: met, unmet, or unknown (some file it needed
//!   could not be read or parsed and nothing else settled it).
//! - An area's level and the overall level follow `ladder.md`, as
//!   [`crate::ladder`] implements it: an area's rungs name the checks that
//!   define each level; the overall level is a ladder of capabilities.
//!   Unknown checks block like unmet ones but are shown as unknown.
//! - The 0–100 score is the weighted share of met checks among applicable
//!   checks whose outcome is known.
//!
//! One file per step: `rules` settles a rule over the evidence, `area`
//! each check of an area (answers and waivers included) and the area's
//! level, `gate` the release gate and the answers' summary; this module
//! puts the report together.

mod area;
mod gate;
mod rules;

use crate::answers::{Answers, Date};
use crate::config::Config;
use crate::report::{
    level_name, AreaResult, Outcome, Overall, Report, RubricInfo, ScanSummary, Tool, SCHEMA_VERSION,
};
use crate::rubric::model::Catalog;
use crate::scan::EvidenceIndex;

/// Answers from the questionnaire, as the evaluation uses them.
pub struct AnswerInput<'a> {
    pub answers: &'a Answers,
    /// The file, as shown in messages.
    pub file: String,
    pub today: Date,
    pub max_age_days: i64,
    /// `--evidence-only`: report the file but let no answer change a result.
    pub ignore: bool,
}

/// The release policy: thresholds from the CLI or config, the config's
/// disabled checks and waivers, and the date waivers are judged against.
pub struct GateInput<'a> {
    pub config: Option<&'a Config>,
    /// The overall threshold; overrides the config's `min_level`.
    pub min_level: Option<u8>,
    pub today: Date,
}

impl GateInput<'_> {
    fn file(&self) -> &str {
        self.config
            .map_or(crate::config::FILE_NAME, |c| c.file.as_str())
    }

    fn area_disabled(&self, area: &str) -> bool {
        self.config
            .is_some_and(|c| c.disable_areas.iter().any(|(a, _)| a == area))
    }

    fn check_disabled(&self, check: &str) -> bool {
        self.config
            .is_some_and(|c| c.disable_checks.iter().any(|(id, _)| id == check))
    }

    fn waiver(&self, check: &str) -> Option<&crate::config::Waiver> {
        self.config
            .and_then(|c| c.waivers.iter().find(|w| w.check == check))
    }
}

/// Half-credits: 2 for detected or automated, 1 for manual, 0 otherwise.
fn halves(credit: f64) -> u32 {
    if credit >= 1.0 {
        2
    } else if credit > 0.0 {
        1
    } else {
        0
    }
}

/// Rounds half up; 0 when nothing is known.
fn percent(part: u32, whole: u32) -> u8 {
    if whole == 0 {
        return 0;
    }
    u8::try_from((u64::from(part) * 200 + u64::from(whole)) / (2 * u64::from(whole))).unwrap_or(100)
}

/// Builds the report from a catalog, the scan's evidence and, optionally,
/// the questionnaire's answers and the release policy.
pub fn build_report(
    catalog: &Catalog,
    index: &EvidenceIndex,
    input: Option<&AnswerInput>,
    policy: Option<&GateInput>,
) -> Report {
    let mut contradictions = Vec::new();
    let areas: Vec<AreaResult> = catalog
        .rubrics
        .iter()
        .map(|r| area::evaluate_area(r, index, input, policy, &mut contradictions))
        .collect();
    let applicable: Vec<&AreaResult> = areas.iter().filter(|a| a.applicable).collect();
    let ladder = crate::ladder::overall(&areas);
    let level = ladder.level;
    let (met, known) = applicable
        .iter()
        .flat_map(|a| a.checks.iter())
        // Unknown checks count as not met (see the area score).
        .filter(|c| c.outcome != Outcome::NotApplicable)
        .fold((0, 0), |(m, k), c| {
            (
                m + if c.outcome == Outcome::Met {
                    c.weight
                } else {
                    0
                },
                k + c.weight,
            )
        });
    let next_level = (level < 3).then_some(level + 1);
    let answers = input.map(|i| gate::answers_summary(catalog, &areas, i, contradictions));
    let gate = policy.and_then(|p| gate::gate(p, level, &areas));
    let next_steps = next_level.map_or_else(Vec::new, |next| {
        crate::next_steps::plan(catalog, &areas, next)
    });
    Report {
        schema_version: SCHEMA_VERSION,
        tool: Tool {
            name: "readiness".to_owned(),
            version: env!("CARGO_PKG_VERSION").to_owned(),
        },
        rubrics: catalog
            .rubrics
            .iter()
            .map(|r| RubricInfo {
                area: r.area.clone(),
                version: r.version.clone(),
                digest: r.digest.clone(),
                source: r.source.clone(),
            })
            .collect(),
        overall: Overall {
            level,
            name: level_name(level).to_owned(),
            score: percent(met, known),
            next_level,
            reason: ladder.reason,
            next: ladder.next,
            ladder: ladder.rungs,
        },
        areas,
        next_steps,
        gate,
        baseline: None,
        provenance: None,
        answers,
        project: None,
        projects: Vec::new(),
        rollup: None,
        scan: ScanSummary {
            stats: index.stats.clone(),
            problems: index.problems.clone(),
            notes: index.notes.clone(),
            readme: index.readme.clone(),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rubric::load::{load_catalog, RubricSource};
    use crate::scan::Evidence;

    fn catalog(yaml: &str) -> Catalog {
        load_catalog(
            &[RubricSource {
                name: "t.yaml".into(),
                origin: "t.yaml".into(),
                text: yaml.into(),
                trusted: false,
                parsed: None,
            }],
            &[],
        )
        .unwrap()
    }

    const RUBRIC: &str = r#"
area: demo
title: Demo
version: "1"
checks:
  - { id: A1, title: a1, level: 1, weight: 2, why: w, fix: f, evidence: { file: a1 } }
  - { id: A2, title: a2, level: 2, weight: 1, why: w, fix: f, evidence: { file: a2 } }
  - { id: A3, title: a3, level: 3, weight: 1, why: w, fix: f, evidence: { file: a3 } }
"#;

    fn index(cat: &Catalog, present: &[&str], unknown: &[&str]) -> EvidenceIndex {
        let mut idx = EvidenceIndex {
            hits: vec![Vec::new(); cat.probes.len()],
            unknown: vec![Vec::new(); cat.probes.len()],
            ..EvidenceIndex::default()
        };
        for (id, probe) in cat.probes.iter().enumerate() {
            if let crate::rubric::Probe::File { globs } = probe {
                if present.contains(&globs[0].as_str()) {
                    idx.hits[id].push(Evidence::new(
                        &globs[0],
                        1,
                        String::new(),
                        cat.strengths[id],
                    ));
                }
                if unknown.contains(&globs[0].as_str()) {
                    idx.unknown[id].push(format!("{}: cannot read", globs[0]));
                }
            }
        }
        idx
    }

    fn build_report_no_answers(cat: &Catalog, idx: &EvidenceIndex) -> Report {
        build_report(cat, idx, None, None)
    }

    #[test]
    fn level_is_the_highest_rung_whose_checks_all_hold() {
        let cat = catalog(RUBRIC);
        let r = build_report_no_answers(&cat, &index(&cat, &["a1", "a3"], &[]));
        assert_eq!(r.areas[0].level, Some(1));
        assert_eq!(r.areas[0].score, Some(75));
        assert_eq!(r.areas[0].blocking, vec!["A2"]);
        // A custom area does not move the overall ladder (ladder.md), and
        // at level 1 it is already past what overall level 1 asks of areas.
        assert_eq!(r.overall.level, 0);
        assert!(r.next_steps.is_empty());
    }

    #[test]
    fn a_higher_check_does_not_lift_a_missing_lower_one() {
        let cat = catalog(RUBRIC);
        let r = build_report_no_answers(&cat, &index(&cat, &["a2", "a3"], &[]));
        assert_eq!(r.areas[0].level, Some(0));
    }

    #[test]
    fn unknown_is_reported_blocks_the_level_and_earns_nothing() {
        let cat = catalog(RUBRIC);
        let r = build_report_no_answers(&cat, &index(&cat, &["a1", "a3"], &["a2"]));
        let a2 = r.areas[0].checks.iter().find(|c| c.id == "A2").unwrap();
        assert_eq!(a2.outcome, Outcome::Unknown);
        assert_eq!(a2.reason.as_deref(), Some("a2: cannot read"));
        assert_eq!(r.areas[0].level, Some(1));
        // A1 (weight 2) and A3 (1) met, A2 (1) unknown: 3 of 4, not 3 of 3.
        assert_eq!(r.areas[0].score, Some(75));
        assert_eq!(r.areas[0].checks_unknown, 1);
        assert_eq!(r.areas[0].blocking, vec!["A2"]);
    }

    #[test]
    fn not_applicable_area_is_left_out_of_the_minimum() {
        let na = RUBRIC
            .replace(
                "version: \"1\"",
                "version: \"1\"\napplies_when: { file: never }\nnot_applicable: no embeddings",
            )
            .replace("area: demo", "area: other")
            .replace("id: A", "id: B");
        let cat = load_catalog(
            &[
                RubricSource {
                    name: "a".into(),
                    origin: "a".into(),
                    text: RUBRIC.into(),
                    trusted: false,
                    parsed: None,
                },
                RubricSource {
                    name: "b".into(),
                    origin: "b".into(),
                    text: na,
                    trusted: false,
                    parsed: None,
                },
            ],
            &[],
        )
        .unwrap();
        let r = build_report_no_answers(&cat, &index(&cat, &["a1", "a2", "a3"], &[]));
        let other = r.areas.iter().find(|a| a.id == "other").unwrap();
        assert!(!other.applicable);
        assert_eq!(other.level, None);
        assert_eq!(
            other.not_applicable_reason.as_deref(),
            Some("no embeddings")
        );
        assert!(other
            .checks
            .iter()
            .all(|c| c.outcome == Outcome::NotApplicable));
        assert!(other.blocking.is_empty());
        assert_eq!(
            r.areas.iter().find(|a| a.id == "demo").unwrap().level,
            Some(3)
        );
    }

    #[test]
    fn any_all_not_combine_three_valued() {
        let yaml = r#"
area: demo
title: Demo
version: "1"
checks:
  - { id: C1, title: t, level: 1, why: w, fix: f, evidence: { any: [ { file: x }, { file: u } ] } }
  - { id: C2, title: t, level: 1, why: w, fix: f, evidence: { all: [ { file: y }, { file: u } ] } }
  - { id: C3, title: t, level: 1, why: w, fix: f, evidence: { not: { file: y } } }
  - { id: C4, title: t, level: 1, why: w, fix: f, evidence: { all: [ { file: y }, { not: { file: z } } ] } }
"#;
        let cat = catalog(yaml);
        let r = build_report_no_answers(&cat, &index(&cat, &["y"], &["u"]));
        let outcome = |id: &str| {
            r.areas[0]
                .checks
                .iter()
                .find(|c| c.id == id)
                .unwrap()
                .outcome
        };
        assert_eq!(outcome("C1"), Outcome::Unknown);
        assert_eq!(outcome("C2"), Outcome::Unknown);
        assert_eq!(outcome("C3"), Outcome::Unmet);
        assert_eq!(outcome("C4"), Outcome::Met);
    }

    #[test]
    fn weak_or_example_evidence_does_not_meet_a_higher_level_on_its_own() {
        let yaml = r#"
area: demo
title: Demo
version: "1"
checks:
  - { id: L1, title: t, level: 1, why: w, fix: f, evidence: { file: { globs: a1, strength: weak } } }
  - { id: L2, title: t, level: 2, why: w, fix: f, evidence: { file: { globs: a2, strength: weak } } }
  - { id: L2B, title: t, level: 2, why: w, fix: f, evidence: { file: docs/a3 } }
  - { id: L2C, title: t, level: 2, why: w, fix: f, evidence_from: [prod, example], evidence: { file: docs/a3 } }
  - { id: L3, title: t, level: 3, why: w, fix: f, min_strength: weak, evidence: { file: { globs: a4, strength: weak } } }
"#;
        let cat = catalog(yaml);
        let r = build_report_no_answers(&cat, &index(&cat, &["a1", "a2", "docs/a3", "a4"], &[]));
        let check = |id: &str| {
            r.areas[0]
                .checks
                .iter()
                .find(|c| c.id == id)
                .unwrap()
                .clone()
        };
        assert_eq!(
            check("L1").outcome,
            Outcome::Met,
            "level 1 accepts weak evidence"
        );
        let l2 = check("L2");
        assert_eq!(l2.outcome, Outcome::Unmet);
        assert_eq!(l2.unconfirmed.len(), 1);
        assert!(l2.reason.unwrap().starts_with("found only weak evidence"));
        let l2b = check("L2B");
        assert_eq!(l2b.outcome, Outcome::Unmet);
        assert!(l2b.reason.unwrap().contains("examples, docs or notebooks"));
        assert_eq!(
            check("L2C").outcome,
            Outcome::Met,
            "the rule may accept examples"
        );
        assert_eq!(
            check("L3").outcome,
            Outcome::Met,
            "the rule may accept weak evidence"
        );
    }

    #[test]
    fn percent_rounds_half_up() {
        assert_eq!(percent(1, 3), 33);
        assert_eq!(percent(2, 3), 67);
        assert_eq!(percent(1, 8), 13);
        assert_eq!(percent(0, 0), 0);
    }
}
