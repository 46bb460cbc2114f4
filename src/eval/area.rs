//! Each check of one area: its evidence, then the questionnaire's answer
//! and the policy's waiver, then the area's level and score.

use super::rules::{evaluate, spread_over_files, total, unknown_reason, Evaluated, Tri};
use super::{halves, percent, AnswerInput, GateInput};
use crate::answers::{is_stale, Answer, AnswerValue};
use crate::report::{
    AnswerInfo, AreaResult, CheckResult, Contradiction, Outcome, Source, WaiverState, WaiverStatus,
    EVIDENCE_PER_CHECK,
};
use crate::rubric::model::{Acceptance, Needs, Rubric, Scale};
use crate::scan::{Evidence, EvidenceIndex};

struct CheckEval<'i> {
    outcome: Outcome,
    evidence: Vec<&'i Evidence>,
    /// Distinct hits `evidence` stands for (it may hold only some).
    evidence_total: usize,
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
            evidence_total: 0,
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
            evidence_total: 0,
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
    let evidence_total = match result.tri {
        Tri::Met => total(&result, index, &check.accept),
        _ => 0,
    };
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
        evidence_total,
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

pub(super) fn evaluate_area(
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
                evidence_total: 0,
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
        let evidence_total = found.evidence_total;
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
