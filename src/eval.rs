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

use crate::answers::{is_stale, Answer, AnswerValue, Answers, Date};
use crate::config::Config;
use crate::report::{
    level_name, AreaResult, CheckResult, Outcome, Overall, Report, RubricInfo, ScanSummary, Tool,
    EVIDENCE_PER_CHECK, SCHEMA_VERSION,
};
use crate::report::{
    AnswerInfo, AnswersSummary, Contradiction, Gate, Source, WaiverState, WaiverStatus,
};
use crate::rubric::model::{Acceptance, Catalog, Needs, Rubric, Rule, Scale};
use crate::scan::{Evidence, EvidenceIndex};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Tri {
    Met,
    Unmet,
    Unknown,
}

/// A rule's outcome, with the evidence it rests on borrowed from the index:
/// a check shows a few of its hits, so only those are ever copied.
struct Evaluated<'i> {
    tri: Tri,
    evidence: Vec<&'i Evidence>,
    reasons: Vec<String>,
    /// Hits the check does not accept on its own (weak, or only in
    /// examples, docs or notebooks).
    unconfirmed: Vec<&'i Evidence>,
}

fn evaluate<'i>(rule: &Rule, index: &'i EvidenceIndex, accept: &Acceptance) -> Evaluated<'i> {
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
    for part in parts {
        if tri != Tri::Met {
            unconfirmed.extend(part.unconfirmed);
        }
        if tri == Tri::Met && part.tri == Tri::Met {
            evidence.extend(part.evidence);
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
    Evaluated {
        tri,
        evidence,
        reasons,
        unconfirmed,
    }
}

fn unknown_reason(reasons: &[String]) -> String {
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

struct CheckEval<'i> {
    outcome: Outcome,
    evidence: Vec<&'i Evidence>,
    unconfirmed: Vec<&'i Evidence>,
    reason: Option<String>,
    /// The area's or the check's applicability rule matched something.
    applies_by_evidence: bool,
}

fn evaluate_evidence<'i>(
    rubric: &Rubric,
    check: &crate::rubric::Check,
    area: &Option<Evaluated>,
    index: &'i EvidenceIndex,
) -> CheckEval<'i> {
    let area_applies = area.as_ref().is_none_or(|e| e.tri != Tri::Unmet);
    if !area_applies {
        return CheckEval {
            outcome: Outcome::NotApplicable,
            evidence: Vec::new(),
            unconfirmed: Vec::new(),
            reason: Some(rubric.not_applicable.clone()),
            applies_by_evidence: false,
        };
    }
    let applies = check
        .applies_when
        .as_ref()
        .map(|r| evaluate(r, index, &Acceptance::anything()));
    let applies_by_evidence = area.as_ref().is_some_and(|e| e.tri == Tri::Met)
        || applies.as_ref().is_some_and(|a| a.tri == Tri::Met);
    if applies.as_ref().is_some_and(|a| a.tri == Tri::Unmet) {
        return CheckEval {
            outcome: Outcome::NotApplicable,
            evidence: Vec::new(),
            unconfirmed: Vec::new(),
            reason: Some(
                check
                    .not_applicable
                    .clone()
                    .unwrap_or_else(|| "its `applies_when` rule did not match".to_owned()),
            ),
            applies_by_evidence,
        };
    }
    let result = evaluate(&check.evidence, index, &check.accept);
    let applies_unknown = applies.as_ref().is_some_and(|a| a.tri == Tri::Unknown);
    let (outcome, evidence, reason) = match result.tri {
        Tri::Met => (Outcome::Met, result.evidence, None),
        Tri::Unknown => (
            Outcome::Unknown,
            Vec::new(),
            Some(unknown_reason(&result.reasons)),
        ),
        Tri::Unmet if applies_unknown => {
            let reasons = applies.map(|a| a.reasons).unwrap_or_default();
            (Outcome::Unknown, Vec::new(), Some(unknown_reason(&reasons)))
        }
        Tri::Unmet if !result.unconfirmed.is_empty() => (
            Outcome::Unmet,
            Vec::new(),
            Some(format!(
                "found only {}; confirm it with `readiness ask`",
                describe_unconfirmed(&result.unconfirmed, &check.accept)
            )),
        ),
        Tri::Unmet => (Outcome::Unmet, Vec::new(), None),
    };
    CheckEval {
        outcome,
        evidence,
        unconfirmed: if outcome == Outcome::Met {
            Vec::new()
        } else {
            result.unconfirmed
        },
        reason,
        applies_by_evidence,
    }
}

/// "weak evidence", "evidence in examples, docs or notebooks", or both.
fn describe_unconfirmed(found: &[&Evidence], accept: &Acceptance) -> String {
    let weak = found.iter().any(|e| e.strength < accept.min_strength);
    let elsewhere = found.iter().any(|e| !accept.classes.contains(&e.class));
    match (weak, elsewhere) {
        (true, true) => {
            "weak evidence, or evidence in examples, docs, notebooks or tests".to_owned()
        }
        (true, false) => "weak evidence (e.g. a declared dependency no code uses)".to_owned(),
        _ => "evidence in examples, docs or notebooks".to_owned(),
    }
}

/// What the report shows of an answer; its free text is the repository's
/// and is shown escaped (see [`crate::text`]).
fn answer_info(answer: &Answer, input: &AnswerInput) -> AnswerInfo {
    let shown = |t: &String| crate::text::printable(t).into_owned();
    AnswerInfo {
        value: answer.answer,
        note: answer.note.as_ref().map(shown),
        reason: answer.reason.as_ref().map(shown),
        by: shown(&answer.by),
        date: answer.date,
        stale: is_stale(answer.date, input.today, input.max_age_days),
    }
}

fn evaluate_area(
    rubric: &Rubric,
    index: &EvidenceIndex,
    input: Option<&AnswerInput>,
    policy: Option<&GateInput>,
    contradictions: &mut Vec<Contradiction>,
) -> AreaResult {
    let area_disabled = policy.is_some_and(|p| p.area_disabled(&rubric.area));
    let disabled_reason = || format!("disabled in {}", policy.map_or("", |p| p.file()));
    let area_rule = rubric
        .applies_when
        .as_ref()
        .map(|r| evaluate(r, index, &Acceptance::anything()));
    let area_applies = !area_disabled && area_rule.as_ref().is_none_or(|e| e.tri != Tri::Unmet);
    let mut checks = Vec::new();
    for check in &rubric.checks {
        let mut found = evaluate_evidence(rubric, check, &area_rule, index);
        if area_disabled || policy.is_some_and(|p| p.check_disabled(&check.id)) {
            found = CheckEval {
                outcome: Outcome::NotApplicable,
                evidence: Vec::new(),
                unconfirmed: Vec::new(),
                reason: Some(disabled_reason()),
                applies_by_evidence: false,
            };
        }
        let answer = input.and_then(|i| i.answers.get(&check.id).map(|a| (a, i)));
        let mut outcome = found.outcome;
        let mut reason = found.reason;
        let mut credit = if outcome == Outcome::Met { 1.0 } else { 0.0 };
        let mut source = (outcome == Outcome::Met).then_some(Source::Detected);
        let info = answer.map(|(a, i)| answer_info(a, i));
        if let Some((answer, input)) = answer {
            if found.outcome == Outcome::Met {
                source = Some(Source::Both);
                if matches!(answer.answer, AnswerValue::No | AnswerValue::NotApplicable) {
                    let at = found
                        .evidence
                        .first()
                        .map(|e| format!(" at {}:{}", e.path, e.line))
                        .unwrap_or_default();
                    contradictions.push(Contradiction {
                        check: check.id.clone(),
                        answer: answer.answer,
                        message: format!(
                            "answered `{}`, but the scan found evidence{at}",
                            answer.answer.describe()
                        ),
                    });
                }
            } else if found.outcome != Outcome::NotApplicable && !input.ignore {
                source = Some(Source::Answered);
                match (answer.answer, check.scale) {
                    // A fact is there or not: "yes" meets it at any level.
                    (AnswerValue::Automated, _) | (AnswerValue::Yes, Scale::YesNo) => {
                        outcome = Outcome::Met;
                        credit = 1.0;
                        reason = None;
                    }
                    // "Yes" to a practice does not say how: counted as done
                    // by hand, and the reason says so.
                    (AnswerValue::Manual | AnswerValue::Yes, _) => {
                        credit = 0.5;
                        if check.needs == Needs::Manual {
                            outcome = Outcome::Met;
                            reason = None;
                        } else {
                            outcome = Outcome::Unmet;
                            let said = if answer.answer == AnswerValue::Yes {
                                "`yes` without saying how; counted as done manually, and"
                            } else {
                                "`yes, done manually`;"
                            };
                            reason = Some(format!(
                                "answered {said} level {} needs it automated",
                                check.level
                            ));
                        }
                    }
                    (AnswerValue::No, _) => {
                        outcome = Outcome::Unmet;
                        reason = None;
                    }
                    (AnswerValue::NotApplicable, _) => {
                        outcome = Outcome::NotApplicable;
                        reason = Some(format!(
                            "answered not applicable: {}",
                            answer.reason.as_deref().unwrap_or("")
                        ));
                    }
                }
            }
            if answer.answer == AnswerValue::NotApplicable
                && found.outcome != Outcome::Met
                && found.applies_by_evidence
            {
                contradictions.push(Contradiction {
                    check: check.id.clone(),
                    answer: answer.answer,
                    message:
                        "answered `not applicable`, but the scan found what makes this check apply"
                            .to_owned(),
                });
            }
        }
        let mut waiver = None;
        if let Some((policy, w)) = policy.and_then(|p| p.waiver(&check.id).map(|w| (p, w))) {
            let days_left = w.expires.days() - policy.today.days();
            let state = if days_left < 0 {
                WaiverState::Expired
            } else if matches!(outcome, Outcome::Met | Outcome::NotApplicable) {
                WaiverState::Unused
            } else if days_left <= crate::config::EXPIRY_WARNING_DAYS {
                WaiverState::Expiring
            } else {
                WaiverState::Active
            };
            if matches!(state, WaiverState::Active | WaiverState::Expiring) {
                outcome = Outcome::Met;
                credit = 1.0;
                source = Some(Source::Waived);
                reason = None;
            }
            waiver = Some(WaiverStatus {
                check: w.check.clone(),
                reason: crate::text::printable(&w.reason).into_owned(),
                owner: crate::text::printable(&w.owner).into_owned(),
                expires: w.expires,
                status: state,
            });
        }
        let unconfirmed = if outcome == Outcome::Met {
            Vec::new()
        } else {
            found
                .unconfirmed
                .into_iter()
                .take(EVIDENCE_PER_CHECK)
                .cloned()
                .collect()
        };
        let evidence = found.evidence;
        let evidence_total = evidence.len();
        checks.push(CheckResult {
            id: check.id.clone(),
            title: check.title.clone(),
            level: check.level,
            weight: check.weight,
            needs: check.needs.as_str(),
            defines: rubric.defines(&check.id),
            outcome,
            credit,
            source,
            answer: info,
            waiver,
            reason,
            why: check.why.clone(),
            fix: check.fix.clone(),
            evidence: spread_over_files(evidence, EVIDENCE_PER_CHECK),
            evidence_total,
            unconfirmed,
        });
    }
    checks.sort_by(|a, b| a.level.cmp(&b.level).then_with(|| a.id.cmp(&b.id)));

    let applicable: Vec<&CheckResult> = checks
        .iter()
        .filter(|c| c.outcome != Outcome::NotApplicable)
        .collect();
    let is_applicable = area_applies && !applicable.is_empty();
    let not_applicable_reason = if area_disabled {
        disabled_reason()
    } else {
        rubric.not_applicable.clone()
    };
    let (level, blocking) = crate::ladder::area_level_of(rubric, &checks);
    // An unknown check earns nothing but still counts: a file that cannot
    // be read must not raise the score by leaving the denominator.
    let earned: u32 = applicable
        .iter()
        .filter(|c| c.outcome != Outcome::Unknown)
        .map(|c| c.weight * halves(c.credit))
        .sum();
    let possible: u32 = applicable.iter().map(|c| c.weight * 2).sum();
    let score = percent(earned, possible);
    AreaResult {
        id: rubric.area.clone(),
        title: rubric.title.clone(),
        applicable: is_applicable,
        not_applicable_reason: (!is_applicable).then_some(not_applicable_reason),
        level: is_applicable.then_some(level),
        score: is_applicable.then_some(score),
        checks_met: applicable
            .iter()
            .filter(|c| c.outcome == Outcome::Met)
            .count(),
        checks_applicable: applicable.len(),
        checks_unknown: applicable
            .iter()
            .filter(|c| c.outcome == Outcome::Unknown)
            .count(),
        capability: (is_applicable && level > 0)
            .then(|| crate::ladder::area_capability(rubric, level))
            .flatten(),
        next_capability: (is_applicable && level < 3)
            .then(|| crate::ladder::area_capability(rubric, level + 1))
            .flatten(),
        blocking: if is_applicable { blocking } else { Vec::new() },
        checks,
        project: None,
    }
}

/// Rounds half up; 0 when nothing is known.
fn percent(part: u32, whole: u32) -> u8 {
    if whole == 0 {
        return 0;
    }
    u8::try_from((u64::from(part) * 200 + u64::from(whole)) / (2 * u64::from(whole))).unwrap_or(100)
}

/// Judges the release gate: overall and per-area thresholds, expired waivers.
fn gate(policy: &GateInput, level: u8, areas: &[AreaResult]) -> Option<Gate> {
    let min_level = policy.min_level.or(policy.config.and_then(|c| c.min_level));
    if min_level.is_none() && policy.config.is_none() {
        return None;
    }
    let area_min_levels: std::collections::BTreeMap<String, u8> = policy
        .config
        .map(|c| {
            c.area_min_levels
                .iter()
                .map(|(a, (l, _))| (a.clone(), *l))
                .collect()
        })
        .unwrap_or_default();
    let mut failures = Vec::new();
    let mut warnings = Vec::new();
    if let Some(min) = min_level.filter(|&m| level < m) {
        failures.push(format!(
            "overall level {level} is below the required level {min}"
        ));
    }
    for (area, min) in &area_min_levels {
        if let Some(got) = areas.iter().find(|a| &a.id == area).and_then(|a| a.level) {
            if got < *min {
                failures.push(format!(
                    "area `{area}` is at level {got}, below its required level {min}"
                ));
            }
        }
    }
    let mut waivers: Vec<WaiverStatus> = areas
        .iter()
        .flat_map(|a| a.checks.iter())
        .filter_map(|c| c.waiver.clone())
        .collect();
    waivers.sort_by(|a, b| a.check.cmp(&b.check));
    for w in &waivers {
        let days = w.expires.days() - policy.today.days();
        match w.status {
            WaiverState::Expired => failures.push(format!(
                "the waiver for `{}` (owner {}) expired on {}; the check counts again",
                w.check, w.owner, w.expires
            )),
            WaiverState::Expiring => warnings.push(format!(
                "the waiver for `{}` (owner {}) expires on {} ({days} day{} left)",
                w.check,
                w.owner,
                w.expires,
                if days == 1 { "" } else { "s" }
            )),
            WaiverState::Unused => warnings.push(format!(
                "the waiver for `{}` is not needed: the check is met or does not apply",
                w.check
            )),
            WaiverState::Active => {}
        }
    }
    failures.sort();
    Some(Gate {
        config: policy.config.map(|c| c.file.clone()),
        min_level,
        area_min_levels,
        passed: failures.is_empty(),
        failures,
        warnings,
        waivers,
    })
}

fn answers_summary(
    catalog: &Catalog,
    areas: &[AreaResult],
    input: &AnswerInput,
    mut contradictions: Vec<Contradiction>,
) -> AnswersSummary {
    let mut warnings = Vec::new();
    for (answer, pos) in input.answers.entries.iter().zip(&input.answers.positions) {
        let at = if pos.line > 0 {
            format!("{}:{}:{}", input.file, pos.line, pos.column)
        } else {
            input.file.clone()
        };
        if catalog.check(&answer.check).is_none() {
            warnings.push(format!(
                "{at}: answer for unknown check `{}` is kept (it may belong to another rubric version)",
                answer.check
            ));
        } else if is_stale(answer.date, input.today, input.max_age_days) {
            warnings.push(format!(
                "{at}: the answer for `{}` dates from {}, more than {} days ago; `readiness ask` will ask again",
                answer.check, answer.date, input.max_age_days
            ));
        }
    }
    contradictions.sort_by(|a, b| a.check.cmp(&b.check));
    let used = if input.ignore {
        0
    } else {
        areas
            .iter()
            .flat_map(|a| a.checks.iter())
            .filter(|c| matches!(c.source, Some(Source::Answered)))
            .count()
    };
    AnswersSummary {
        file: input.file.clone(),
        ignored: input.ignore,
        used,
        warnings,
        contradictions,
    }
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
        .map(|r| evaluate_area(r, index, input, policy, &mut contradictions))
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
    let answers = input.map(|i| answers_summary(catalog, &areas, i, contradictions));
    let gate = policy.and_then(|p| gate(p, level, &areas));
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

    fn catalog(yaml: &str) -> Catalog {
        load_catalog(
            &[RubricSource {
                name: "t.yaml".into(),
                origin: "t.yaml".into(),
                text: yaml.into(),
                trusted: false,
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
                },
                RubricSource {
                    name: "b".into(),
                    origin: "b".into(),
                    text: na,
                    trusted: false,
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

/// At most `n` pieces of evidence, as many files as possible: the first hit
/// of each file (in path and line order) before a second hit of any; the
/// result is in path and line order. Ten lines of one file say less than one
/// line of ten files.
fn spread_over_files(mut evidence: Vec<&Evidence>, n: usize) -> Vec<Evidence> {
    if evidence.len() > n {
        evidence.sort();
        let mut seen = std::collections::HashSet::new();
        let (firsts, rest): (Vec<_>, Vec<_>) = evidence
            .into_iter()
            .partition(|e| seen.insert(e.path.as_str()));
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
            .map(|e| (e.path, e.line))
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
