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

/// Text in a table cell: one line, and `|` escaped (GitHub reads `\|` as
/// a pipe even inside a code span there).
pub(crate) fn cell(text: &str) -> String {
    inline(text).replace('|', "\\|")
}

/// Text in a paragraph or a list item: one line. A `|` stays as written (a
/// backslash before it would show inside a code span such as `` `|| true` ``).
pub(crate) fn inline_text(text: &str) -> String {
    inline(text)
}

fn inline(text: &str) -> String {
    text.replace(['\r', '\n'], " ")
}

/// A repository path as link text: a code span whose fence is longer than
/// any run of backticks in the path, so no path can end it early.
fn code_span(text: &str) -> String {
    let text = inline(text);
    let longest = text.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    let fence = "`".repeat(longest + 1);
    let pad = if text.starts_with('`') || text.ends_with('`') {
        " "
    } else {
        ""
    };
    format!("{fence}{pad}{text}{pad}{fence}")
}

/// A repository path in a link destination, percent-encoded so that spaces,
/// parentheses, `#`, `?` and `%` keep it one destination and one path.
pub(crate) fn link_path(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for b in path.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' | b'/' => {
                out.push(char::from(b))
            }
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

pub fn render(report: &Report, options: &MarkdownOptions) -> String {
    let mut out = String::new();
    let o = &report.overall;
    let _ = writeln!(
        out,
        "## readiness: Level {} of 3, {} (score {}/100)\n",
        o.level, o.name, o.score
    );
    let _ = writeln!(out, "**Why:** {}.", inline(&o.reason));
    if let Some(next) = &o.next {
        let _ = writeln!(out, "\n**Next:** {}.", inline(next));
    }
    if let Some(which) = super::projects::which(report, &code_span) {
        let _ = writeln!(out, "\n{}", inline(&which));
    }
    out.push('\n');
    if let Some(gate) = &report.gate {
        let verdict = if gate.passed { "passed" } else { "**failed**" };
        let _ = writeln!(out, "Release gate {verdict}.");
        for f in &gate.failures {
            let _ = writeln!(out, "- {}", inline(f));
        }
        for w in &gate.warnings {
            let _ = writeln!(out, "- warning: {}", inline(w));
        }
        out.push('\n');
    }
    let by_project = report.areas.iter().any(|a| a.project.is_some());
    if by_project {
        out.push_str("| Area | Project | Level | Score | Checks met |\n|---|---|---:|---:|---:|\n");
    } else {
        out.push_str("| Area | Level | Score | Checks met |\n|---|---:|---:|---:|\n");
    }
    for a in &report.areas {
        let title = match (&a.project, by_project) {
            (Some(project), true) => format!("{} | {}", cell(&a.title), cell(&code_span(project))),
            _ => cell(&a.title),
        };
        match (a.level, a.score) {
            (Some(level), Some(score)) => {
                let unknown = if a.checks_unknown > 0 {
                    format!(" ({} unknown)", a.checks_unknown)
                } else {
                    String::new()
                };
                let _ = writeln!(
                    out,
                    "| {title} | {level} | {score} | {}/{}{unknown} |",
                    a.checks_met, a.checks_applicable
                );
            }
            _ => {
                let _ = writeln!(out, "| {title} | n/a | - | - |");
            }
        }
    }
    projects_table(&mut out, report);
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
                    inline(&step.title),
                    inline(&step.fix)
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
                        "[{}]({}{}#L{})",
                        code_span(&format!("{}:{}", e.path, e.line)),
                        options.link_base,
                        link_path(&e.path),
                        e.line
                    )
                })
                .collect();
            let source = match (&c.waiver, &c.answer, links.is_empty()) {
                (Some(w), _, true) => format!(
                    "waived until {} by {}: {}",
                    w.expires,
                    inline(&w.owner),
                    inline(&w.reason)
                ),
                (_, answer, empty) => match (answer, empty) {
                    (Some(a), true) => {
                        format!("answered: {} ({})", a.value.describe(), inline(&a.by))
                    }
                    _ => links.join(", "),
                },
            };
            let _ = writeln!(out, "- **{}** {}: {}", c.id, inline(&c.title), source);
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
                    let _ = writeln!(out, "- {label}: {}", inline(l));
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
                inline(&c.message)
            );
        }
    }
    out
}

/// One row per project, one column per area.
fn projects_table(out: &mut String, report: &Report) {
    if report.projects.is_empty() {
        return;
    }
    let gated = report.projects.iter().any(|p| p.gate_passed.is_some());
    let _ = write!(
        out,
        "\n### Projects ({})\n\n| Project | Level | Score |",
        report.projects.len()
    );
    for a in &report.areas {
        let _ = write!(out, " {} |", cell(&a.id));
    }
    out.push_str(if gated {
        " Gate |\n|---|---:|---:|"
    } else {
        "\n|---|---:|---:|"
    });
    out.push_str(&"---:|".repeat(report.areas.len()));
    out.push_str(if gated { "---|\n" } else { "\n" });
    for p in &report.projects {
        let _ = write!(
            out,
            "| {} | {} | {} |",
            cell(&code_span(&p.project.name)),
            p.level,
            p.score
        );
        for a in p.areas.iter() {
            let _ = write!(out, " {} |", super::projects::level(a.level));
        }
        if gated {
            let _ = write!(out, " {} |", super::projects::gate(p.gate_passed));
        }
        out.push('\n');
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pipes_are_escaped_in_tables_only() {
        assert_eq!(
            inline("run `eval.py || true`\nnext"),
            "run `eval.py || true` next"
        );
        assert_eq!(cell("a | b\nc"), "a \\| b c");
    }

    #[test]
    fn paths_stay_one_link_whatever_they_hold() {
        assert_eq!(
            link_path("deploy (old)/my model#1?.py"),
            "deploy%20%28old%29/my%20model%231%3F.py"
        );
        assert_eq!(link_path("src/é.py"), "src/%C3%A9.py");
        assert_eq!(code_span("a.py:3"), "`a.py:3`");
        assert_eq!(code_span("x`y``z:1"), "```x`y``z:1```");
        assert_eq!(code_span("`a`:1"), "`` `a`:1 ``");
    }
}
