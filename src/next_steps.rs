//! The next steps: which unmet checks to work on to reach the next overall
//! level, most decisive first.

use crate::report::{AreaResult, NextStep, Outcome, StepRole};
use crate::rubric::model::Catalog;

/// What to do next to reach overall level `next`: first what the next
/// rung needs (its defining area's next rung, then its supporting areas'),
/// then the next rung of every other area below `next`, then supporting
/// checks at or below `next`. Within a role: lowest rung, heaviest, by id.
pub fn plan(catalog: &Catalog, areas: &[AreaResult], next: u8) -> Vec<NextStep> {
    let needed = crate::ladder::needed_for(next);
    let mut steps = Vec::new();
    for (rubric, area) in catalog.rubrics.iter().zip(areas) {
        if !area.applicable {
            continue;
        }
        let level = area.level.unwrap_or(0);
        // The defining area comes first, then supporting areas, in order.
        let rank = needed
            .iter()
            .position(|(a, needs)| *a == area.id && level < *needs);
        let overall = rank.is_some();
        for result in &area.checks {
            if !matches!(result.outcome, Outcome::Unmet | Outcome::Unknown) {
                continue;
            }
            let role = if area.blocking.contains(&result.id) && overall {
                StepRole::Overall
            } else if area.blocking.contains(&result.id) && level < next {
                StepRole::Area
            } else if result.level <= next && !result.defines {
                StepRole::Supporting
            } else {
                continue;
            };
            let Some(check) = rubric.checks.iter().find(|c| c.id == result.id) else {
                continue;
            };
            steps.push((
                (rank.unwrap_or(usize::MAX), check.weight),
                NextStep {
                    check: check.id.clone(),
                    area: rubric.area.clone(),
                    level: check.level,
                    role,
                    title: check.title.clone(),
                    outcome: result.outcome,
                    answered: result.answer.as_ref().map(|a| a.value),
                    reason: result.reason.clone(),
                    why: check.why.clone(),
                    fix: check.fix.clone(),
                },
            ));
        }
    }
    steps.sort_by(|((ra, wa), a), ((rb, wb), b)| {
        a.role
            .cmp(&b.role)
            .then(ra.cmp(rb))
            .then(a.level.cmp(&b.level))
            .then(wb.cmp(wa))
            .then_with(|| a.check.cmp(&b.check))
    });
    steps.into_iter().map(|(_, s)| s).collect()
}
