//! The release gate (thresholds, expired and expiring waivers) and the
//! answers file's summary (stale and unknown answers, contradictions).

use super::{AnswerInput, GateInput};
use crate::answers::is_stale;
use crate::report::{
    AnswersSummary, AreaResult, Contradiction, Gate, Source, WaiverState, WaiverStatus,
};
use crate::rubric::model::Catalog;

/// Judges the release gate: overall and per-area thresholds, expired waivers.
pub(super) fn gate(policy: &GateInput, level: u8, areas: &[AreaResult]) -> Option<Gate> {
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

pub(super) fn answers_summary(
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
