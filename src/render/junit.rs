//! JUnit XML so CI test tabs show the checks: one test suite per area, one
//! test case per check. Met passes, not applicable is skipped. Without a
//! gate, unmet fails with the fix and unknown is an error (it could not be
//! evaluated). With a gate, the test tab agrees with it: only a check that
//! holds the failed gate back fails or errs; the others (the gate passed,
//! the check is above the levels it requires, or it supports rather than
//! defines a level) are skipped with the reason, so a merge-request widget
//! is not red on a green gate. In a repository of several projects with a
//! gate, one more suite, `projects`, has a test case per project that fails
//! when that project's gate failed; the checks only say why they are spared.

use crate::report::{CheckResult, Outcome, Report, Source};
use std::fmt::Write;

/// Which unmet or unknown checks can hold the gate back.
enum Scope {
    /// No gate: every unmet check fails, every unknown one errs.
    Checklist,
    /// The gate passed: nothing held it back.
    Passed,
    /// A repository of several projects with a gate: each area row may be
    /// another project's, so the gate is judged in the `projects` suite,
    /// one test case per project, and no check fails on its own.
    PerProject,
    /// The gate failed: a check that defines a level at or below what the
    /// gate requires of its area (directly, through the overall level's
    /// rungs, or the level it had in the `--baseline`), a check a required
    /// rung names, or a check the baseline had met.
    Failed {
        areas: Vec<(String, u8)>,
        checks: Vec<String>,
    },
}

impl Scope {
    fn of(report: &Report) -> Scope {
        let Some(gate) = &report.gate else {
            return Scope::Checklist;
        };
        if !report.projects.is_empty() {
            return Scope::PerProject;
        }
        if gate.passed {
            return Scope::Passed;
        }
        let (ladder_areas, ladder_checks) =
            crate::ladder::held_back_by(gate.min_level.unwrap_or(0));
        let mut areas: Vec<(String, u8)> = gate
            .area_min_levels
            .iter()
            .map(|(a, l)| (a.clone(), *l))
            .collect();
        let mut checks: Vec<String> = ladder_checks.iter().map(|c| (*c).to_owned()).collect();
        let mut required: Vec<(String, u8)> = ladder_areas
            .iter()
            .map(|(a, l)| ((*a).to_owned(), *l))
            .collect();
        if let Some(baseline) = &report.baseline {
            required.extend(baseline.comparison.dropped_areas.iter().cloned());
            checks.extend(baseline.comparison.lost_checks.iter().cloned());
        }
        for (area, level) in required {
            match areas.iter_mut().find(|(a, _)| *a == area) {
                Some((_, l)) => *l = (*l).max(level),
                None => areas.push((area, level)),
            }
        }
        Scope::Failed { areas, checks }
    }

    /// `None` when `check` (not met) can hold the gate back; otherwise why
    /// it does not.
    fn spares(&self, area: &str, check: &CheckResult) -> Option<String> {
        match self {
            Scope::Checklist => None,
            Scope::Passed => Some("does not block the release gate, which passed".to_owned()),
            Scope::PerProject => {
                Some("the release gate is judged per project (the `projects` suite)".to_owned())
            }
            Scope::Failed { areas, checks } => {
                if checks.contains(&check.id) {
                    return None;
                }
                let required = areas.iter().find(|(a, _)| a == area).map_or(0, |(_, l)| *l);
                if !check.defines {
                    Some("supports rather than defines a level: counts in the score and next steps, blocks no gate".to_owned())
                } else if check.level > required {
                    Some(match required {
                        0 => format!("above the release gate: it requires no level of `{area}`"),
                        _ => format!(
                            "above the release gate: a level {} check, and the gate requires level {required} of `{area}`",
                            check.level
                        ),
                    })
                } else {
                    None
                }
            }
        }
    }
}

/// Escapes text for XML attributes and content, dropping characters XML 1.0
/// cannot carry.
pub(crate) fn xml(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if (c as u32) < 0x20 => {}
            c => out.push(c),
        }
    }
    out
}

/// How a test case reads.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Case {
    Passed,
    Failed,
    Error,
    Skipped,
}

fn case(scope: &Scope, area: &str, c: &CheckResult) -> Case {
    match c.outcome {
        Outcome::Met if c.source == Some(Source::Waived) => Case::Skipped,
        Outcome::Met => Case::Passed,
        Outcome::NotApplicable => Case::Skipped,
        _ if scope.spares(area, c).is_some() => Case::Skipped,
        Outcome::Unmet => Case::Failed,
        Outcome::Unknown => Case::Error,
    }
}

pub fn render(report: &Report) -> String {
    let scope = Scope::of(report);
    let mut cases: Vec<Case> = report
        .areas
        .iter()
        .flat_map(|a| a.checks.iter().map(|c| case(&scope, &a.id, c)))
        .collect();
    let projects = project_cases(report);
    cases.extend(projects.iter().map(|(case, _)| *case));
    let count = |k: Case| cases.iter().filter(|&&c| c == k).count();
    let total = cases.len();
    let (failures, errors, skipped) = (
        count(Case::Failed),
        count(Case::Error),
        count(Case::Skipped),
    );
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let _ = writeln!(
        out,
        "<testsuites name=\"readiness\" tests=\"{total}\" failures=\"{failures}\" errors=\"{errors}\" skipped=\"{skipped}\">"
    );
    for area in &report.areas {
        let n = |k: Case| {
            area.checks
                .iter()
                .filter(|c| case(&scope, &area.id, c) == k)
                .count()
        };
        let _ = writeln!(
            out,
            "  <testsuite name=\"{}\" tests=\"{}\" failures=\"{}\" errors=\"{}\" skipped=\"{}\">",
            xml(&area.id),
            area.checks.len(),
            n(Case::Failed),
            n(Case::Error),
            n(Case::Skipped)
        );
        for c in &area.checks {
            let _ = write!(
                out,
                "    <testcase classname=\"readiness.{}\" name=\"{} (L{}) {}\"",
                xml(&area.id),
                xml(&c.id),
                c.level,
                xml(&c.title)
            );
            // Judged once per check: why a failing outcome does not count.
            let spared = match c.outcome {
                Outcome::Unmet | Outcome::Unknown => scope.spares(&area.id, c),
                _ => None,
            };
            match c.outcome {
                Outcome::Met if c.source == Some(Source::Waived) => {
                    let w = c.waiver.as_ref();
                    let _ = writeln!(
                        out,
                        ">\n      <skipped message=\"waived until {} by {}: {}\"/>\n    </testcase>",
                        w.map(|w| w.expires.to_string()).unwrap_or_default(),
                        xml(w.map_or("", |w| w.owner.as_str())),
                        xml(w.map_or("", |w| w.reason.as_str()))
                    );
                }
                Outcome::Met => out.push_str("/>\n"),
                Outcome::Unmet | Outcome::Unknown if spared.is_some() => {
                    let why = spared.unwrap_or_default();
                    let what = match c.outcome {
                        Outcome::Unmet => c.reason.as_deref().unwrap_or("not met"),
                        _ => "could not be evaluated",
                    };
                    let _ = writeln!(
                        out,
                        ">\n      <skipped message=\"{}: {}\"/>\n    </testcase>",
                        xml(what),
                        xml(&why)
                    );
                }
                Outcome::Unmet => {
                    let _ = writeln!(
                        out,
                        ">\n      <failure type=\"unmet\" message=\"{}\">Fix: {}\nWhy: {}</failure>\n    </testcase>",
                        xml(c.reason.as_deref().unwrap_or("no evidence found")),
                        xml(&c.fix),
                        xml(&c.why)
                    );
                }
                Outcome::Unknown => {
                    let _ = writeln!(
                        out,
                        ">\n      <error type=\"unknown\" message=\"could not be evaluated\">{}</error>\n    </testcase>",
                        xml(c.reason.as_deref().unwrap_or(""))
                    );
                }
                Outcome::NotApplicable => {
                    let _ = writeln!(
                        out,
                        ">\n      <skipped message=\"not applicable: {}\"/>\n    </testcase>",
                        xml(c.reason.as_deref().unwrap_or(""))
                    );
                }
            }
        }
        out.push_str("  </testsuite>\n");
    }
    if !projects.is_empty() {
        let n = |k: Case| projects.iter().filter(|(c, _)| *c == k).count();
        let _ = writeln!(
            out,
            "  <testsuite name=\"projects\" tests=\"{}\" failures=\"{}\" errors=\"0\" skipped=\"0\">",
            projects.len(),
            n(Case::Failed)
        );
        for (_, text) in &projects {
            out.push_str(text);
        }
        out.push_str("  </testsuite>\n");
    }
    out.push_str("</testsuites>\n");
    out
}

/// One test case per project of a repository of several: it fails when
/// the project's gate failed, with that project's failures.
fn project_cases(report: &Report) -> Vec<(Case, String)> {
    report
        .projects
        .iter()
        .map(|p| {
            let name = format!(
                "    <testcase classname=\"readiness.projects\" name=\"{} (level {}, score {})\"",
                xml(&p.project.name),
                p.level,
                p.score
            );
            if p.gate_passed != Some(false) {
                return (Case::Passed, format!("{name}/>\n"));
            }
            let prefix = format!("project {}: ", p.project.name);
            let failures: Vec<&str> = report
                .gate
                .iter()
                .flat_map(|g| &g.failures)
                .filter_map(|f| f.strip_prefix(&prefix))
                .collect();
            (
                Case::Failed,
                format!(
                    "{name}>\n      <failure type=\"gate\" message=\"{}\">{}</failure>\n    </testcase>\n",
                    xml(failures.first().copied().unwrap_or("the project's gate failed")),
                    xml(&failures.join("\n"))
                ),
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn xml_escapes_markup_and_drops_control_characters() {
        assert_eq!(xml("a<b & \"c\"\u{1}"), "a&lt;b &amp; &quot;c&quot;");
    }
}
