//! A compact Markdown summary for a pull-request comment or
//! `$GITHUB_STEP_SUMMARY`: the level per area, what blocks the next level,
//! and links to the evidence behind met checks.

use crate::report::{level_name, Outcome, Report};
use std::fmt::Write;

#[derive(Debug, Clone, Default)]
pub struct MarkdownOptions {
    /// Prefix for evidence links, e.g. `https://github.com/o/r/blob/<sha>/`;
    /// links are repository-relative when empty.
    pub link_base: String,
}

/// Escapes the characters that would break a table cell or inline text.
fn cell(text: &str) -> String {
    text.replace('|', "\\|").replace('\n', " ")
}

pub fn render(report: &Report, options: &MarkdownOptions) -> String {
    let mut out = String::new();
    let o = &report.overall;
    let _ = writeln!(
        out,
        "## readiness: Level {} of 3, {} (score {}/100)\n",
        o.level, o.name, o.score
    );
    let _ = writeln!(out, "**Why:** {}.", cell(&o.reason));
    if let Some(next) = &o.next {
        let _ = writeln!(out, "\n**Next:** {}.", cell(next));
    }
    out.push('\n');
    if let Some(gate) = &report.gate {
        let verdict = if gate.passed { "passed" } else { "**failed**" };
        let _ = writeln!(out, "Release gate {verdict}.");
        for f in &gate.failures {
            let _ = writeln!(out, "- {}", cell(f));
        }
        for w in &gate.warnings {
            let _ = writeln!(out, "- warning: {}", cell(w));
        }
        out.push('\n');
    }
    out.push_str("| Area | Level | Score | Checks met |\n|---|---:|---:|---:|\n");
    for a in &report.areas {
        match (a.level, a.score) {
            (Some(level), Some(score)) => {
                let unknown = if a.checks_unknown > 0 {
                    format!(" ({} unknown)", a.checks_unknown)
                } else {
                    String::new()
                };
                let _ = writeln!(
                    out,
                    "| {} | {level} | {score} | {}/{}{unknown} |",
                    cell(&a.title),
                    a.checks_met,
                    a.checks_applicable
                );
            }
            _ => {
                let _ = writeln!(out, "| {} | n/a | - | - |", cell(&a.title));
            }
        }
    }
    match o.next_level {
        Some(next) => {
            let _ = writeln!(
                out,
                "\n### What blocks Level {next} ({})\n",
                level_name(next)
            );
            for step in &report.next_steps {
                let state = match step.outcome {
                    Outcome::Unknown => " *(could not be evaluated)*",
                    _ => "",
                };
                let role = match step.role {
                    crate::report::StepRole::Overall => "",
                    crate::report::StepRole::Area => ", area",
                    crate::report::StepRole::Supporting => ", supporting",
                };
                let _ = writeln!(
                    out,
                    "- [ ] **{}** ({}, L{}{role}) {}{state}. {}",
                    step.check,
                    step.area,
                    step.level,
                    cell(&step.title),
                    cell(&step.fix)
                );
            }
        }
        None => out.push_str("\nEvery applicable check is met.\n"),
    }
    let met: Vec<_> = report
        .checks()
        .filter(|c| c.outcome == Outcome::Met)
        .collect();
    if !met.is_empty() {
        let _ = writeln!(
            out,
            "\n<details><summary>Evidence for {} met checks</summary>\n",
            met.len()
        );
        for c in met {
            let links: Vec<String> = c
                .evidence
                .iter()
                .take(3)
                .map(|e| {
                    format!(
                        "[`{}:{}`]({}{}#L{})",
                        e.path, e.line, options.link_base, e.path, e.line
                    )
                })
                .collect();
            let source = match (&c.waiver, &c.answer, links.is_empty()) {
                (Some(w), _, true) => format!(
                    "waived until {} by {}: {}",
                    w.expires,
                    cell(&w.owner),
                    cell(&w.reason)
                ),
                (_, answer, empty) => match (answer, empty) {
                    (Some(a), true) => {
                        format!("answered: {} ({})", a.value.describe(), cell(&a.by))
                    }
                    _ => links.join(", "),
                },
            };
            let _ = writeln!(out, "- **{}** {}: {}", c.id, cell(&c.title), source);
        }
        out.push_str("\n</details>\n");
    }
    if let Some(baseline) = &report.baseline {
        let c = &baseline.comparison;
        if c.regressions.is_empty() && c.improvements.is_empty() && c.rubric_changes.is_empty() {
            let _ = writeln!(out, "\nNo change since `{}`.", baseline.file);
        } else {
            let _ = writeln!(out, "\n### Since `{}`\n", baseline.file);
            for (label, lines) in [
                ("Regressed", &c.regressions),
                ("Improved", &c.improvements),
                ("Rubric changed", &c.rubric_changes),
            ] {
                for l in lines.iter() {
                    let _ = writeln!(out, "- {label}: {}", cell(l));
                }
            }
        }
    }
    if let Some(answers) = &report.answers {
        for c in &answers.contradictions {
            let _ = writeln!(
                out,
                "\n> **Contradiction** {}: {}",
                c.check,
                cell(&c.message)
            );
        }
    }
    out
}
