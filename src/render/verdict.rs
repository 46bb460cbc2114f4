//! The one-line verdict printed on stderr after `score` (unless `--quiet`),
//! so a run whose every format went to a file still says how it ended.

use crate::report::Report;

/// `readiness: gate FAILED: <first failure> (and N more); level L of 3,
/// score S/100`, or `gate passed`, or just the level when no gate applies.
/// Control characters are escaped: failures can quote `readiness.toml`.
pub fn render(report: &Report) -> String {
    let mut level = format!(
        "level {} of 3 ({}), score {}/100",
        report.overall.level, report.overall.name, report.overall.score
    );
    match (&report.project, &report.rollup) {
        (Some(_), Some(rollup)) => level.push_str(&format!(
            " for project {}, {} of {}",
            rollup.project,
            rollup.rule.describe(),
            report.projects.len()
        )),
        (Some(project), None) => level.push_str(&format!(" for project {}", project.name)),
        _ => {}
    }
    let line = match &report.gate {
        None => format!("readiness: {level}"),
        Some(gate) if gate.passed => format!("readiness: gate passed; {level}"),
        Some(gate) => {
            let first = gate.failures.first().map_or("", String::as_str);
            let more = match gate.failures.len() {
                0 | 1 => String::new(),
                n => format!(" (and {} more)", n - 1),
            };
            format!("readiness: gate FAILED: {first}{more}; {level}")
        }
    };
    format!("{}\n", crate::text::printable(&line))
}
