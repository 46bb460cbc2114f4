//! One self-contained HTML page for people who will not read a terminal:
//! the ladder position, an area chart (inline SVG with a table as its text
//! alternative), what blocks the next level, and the evidence behind met
//! checks. Inline CSS only, and a Content-Security-Policy that forbids
//! every network load, so it opens the same from disk or a CI artifact.
//! Everything that comes from the repository is escaped.

use crate::report::{Outcome, Report, StepRole, SupportStatus};
use std::fmt::Write;

#[derive(Debug, Clone, Default)]
pub struct HtmlOptions {
    /// Prefix for evidence links (e.g. `https://github.com/o/r/blob/<sha>/`);
    /// repository-relative when empty.
    pub link_base: String,
}

/// Text or an attribute value: control characters shown escaped (they
/// carry no meaning in a page), then the XML escapes, which HTML reads the
/// same way.
pub fn escape(text: &str) -> String {
    super::junit::xml(&crate::text::printable(text))
}

/// Prose from the rubrics: escaped, with `code spans` set as code.
fn prose(text: &str) -> String {
    let escaped = escape(text);
    let parts: Vec<&str> = escaped.split('`').collect();
    if parts.len().is_multiple_of(2) {
        return escaped;
    }
    let mut out = String::with_capacity(escaped.len() + 16);
    for (i, part) in parts.iter().enumerate() {
        if !i.is_multiple_of(2) {
            let _ = write!(out, "<code>{part}</code>");
        } else {
            out.push_str(part);
        }
    }
    out
}

const STYLE: &str = "
body{font-family:system-ui,-apple-system,'Segoe UI',sans-serif;color:#1a1a1a;background:#fff;max-width:60rem;margin:2rem auto;padding:0 1rem;line-height:1.5}
h1{font-size:1.6rem;margin-bottom:.2rem}h2{font-size:1.25rem;margin-top:2rem;border-bottom:1px solid #ccc}
.score{font-size:1.1rem;color:#333}
ol.ladder{list-style:none;padding:0;display:flex;gap:.5rem;flex-wrap:wrap}
ol.ladder>li{flex:1 1 12rem;border:2px solid #767676;border-radius:.4rem;padding:.5rem}
ol.ladder>li.met{border-color:#1b6e20;background:#eaf5ea}
.status{font-weight:600}
table{border-collapse:collapse;margin:.5rem 0}th,td{border:1px solid #bbb;padding:.25rem .6rem;text-align:left}
td.num{text-align:right;white-space:nowrap}tbody th{white-space:nowrap}
code{background:#f2f2f2;padding:0 .2rem;border-radius:.2rem;word-break:break-all}
a{color:#0b5cad}
.why{color:#333}
@media print{body{margin:0;max-width:none}a{color:#000}}
";

fn level_label(level: Option<u8>) -> String {
    level.map_or_else(|| "not applicable".to_owned(), |l| l.to_string())
}

/// A bar chart of the area scores, 0-100, with each area's level; its
/// text alternative is the table that follows it.
fn chart(report: &Report) -> String {
    let rows = report.areas.len();
    let (label_w, bar_w, row_h) = (170usize, 400usize, 28usize);
    let height = rows * row_h + 10;
    let mut svg = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" aria-labelledby=\"chart-title\" width=\"{}\" height=\"{height}\" viewBox=\"0 0 {} {height}\"><title id=\"chart-title\">Score per area, 0 to 100; the table below has the same figures</title>",
        label_w + bar_w + 120,
        label_w + bar_w + 120
    );
    for (i, a) in report.areas.iter().enumerate() {
        let y = i * row_h + 5;
        let score = usize::from(a.score.unwrap_or(0).min(100));
        let _ = write!(
            svg,
            "<text x=\"0\" y=\"{}\" font-size=\"14\" fill=\"#1a1a1a\">{}</text><rect x=\"{label_w}\" y=\"{y}\" width=\"{bar_w}\" height=\"18\" fill=\"#e6e6e6\"/><rect x=\"{label_w}\" y=\"{y}\" width=\"{}\" height=\"18\" fill=\"#0b5cad\"/><text x=\"{}\" y=\"{}\" font-size=\"14\" fill=\"#1a1a1a\">{}</text>",
            y + 14,
            escape(&a.id),
            score * bar_w / 100,
            label_w + bar_w + 8,
            y + 14,
            match (a.level, a.score) {
                (Some(l), Some(s)) => format!("L{l}, {s}"),
                _ => "n/a".to_owned(),
            }
        );
    }
    svg.push_str("</svg>");
    svg
}

/// The document around a page's body: its title, the inline style and the
/// policy that forbids every network load.
pub fn page(title: &str, body: &str) -> String {
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; img-src data:\">\n<title>{}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n<main>\n{body}</main>\n</body>\n</html>\n",
        escape(title)
    )
}

pub fn render(report: &Report, options: &HtmlOptions) -> String {
    let o = &report.overall;
    let mut out = String::new();
    let title = format!("readiness: Level {} of 3, {}", o.level, o.name);
    let _ = writeln!(
        out,
        "<h1>Readiness: Level {} of 3, {}</h1>\n<p class=\"score\">Score {}/100</p>\n<p><strong>Why:</strong> {}.</p>",
        o.level,
        escape(&o.name),
        o.score,
        escape(&o.reason)
    );
    if let Some(next) = &o.next {
        let _ = writeln!(out, "<p><strong>Next:</strong> {}.</p>", escape(next));
    }
    let code = |name: &str| format!("<code>{}</code>", escape(name));
    if let Some(which) = super::projects::which(report, &code) {
        // `which` escaped the names it was given; the rest is our own text.
        let _ = writeln!(out, "<p class=\"which\">{which}</p>");
    }
    if let Some(gate) = &report.gate {
        let verdict = if gate.passed { "passed" } else { "failed" };
        let _ = writeln!(out, "<p><strong>Release gate {verdict}.</strong></p>");
        if !gate.failures.is_empty() {
            out.push_str("<ul>\n");
            for f in &gate.failures {
                let _ = writeln!(out, "<li>{}</li>", escape(f));
            }
            out.push_str("</ul>\n");
        }
    }
    out.push_str("<h2>The ladder</h2>\n<ol class=\"ladder\">\n");
    for rung in &o.ladder {
        let status = if rung.met { "reached" } else { "not reached" };
        let _ = write!(
            out,
            "<li class=\"{}\"><span class=\"status\">Level {}: {} ({status})</span><br>{}",
            if rung.met { "met" } else { "open" },
            rung.level,
            escape(&rung.name),
            escape(&rung.capability)
        );
        if !rung.supporting.is_empty() {
            out.push_str("<ul>");
            for s in &rung.supporting {
                let state = match s.status {
                    SupportStatus::Met => "met",
                    SupportStatus::Partial => "partly",
                    SupportStatus::Missing => "missing",
                };
                let _ = write!(out, "<li>{}: {state}</li>", escape(&s.criterion));
            }
            out.push_str("</ul>");
        }
        out.push_str("</li>\n");
    }
    out.push_str("</ol>\n<h2>Areas</h2>\n");
    out.push_str(&chart(report));
    let by_project = report.areas.iter().any(|a| a.project.is_some());
    let _ = writeln!(
        out,
        "\n<table>\n<caption>Level, score and checks met per area</caption>\n<thead><tr><th scope=\"col\">Area</th>{}<th scope=\"col\">Level</th><th scope=\"col\">Score</th><th scope=\"col\">Checks met</th></tr></thead>\n<tbody>",
        if by_project { "<th scope=\"col\">Project</th>" } else { "" }
    );
    for a in &report.areas {
        let project = match (&a.project, by_project) {
            (Some(p), true) => format!("<td>{}</td>", code(p)),
            _ => String::new(),
        };
        let _ = writeln!(
            out,
            "<tr><th scope=\"row\">{}</th>{project}<td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td></tr>",
            escape(&a.title),
            level_label(a.level),
            a.score.map_or("-".to_owned(), |s| s.to_string()),
            if a.level.is_some() {
                format!("{}/{}", a.checks_met, a.checks_applicable)
            } else {
                "-".to_owned()
            }
        );
    }
    out.push_str("</tbody>\n</table>\n");
    projects_table(&mut out, report);
    match o.next_level {
        Some(next) => {
            let _ = writeln!(
                out,
                "<h2>What blocks Level {next} ({})</h2>\n<ol>",
                escape(crate::report::level_name(next))
            );
            for step in &report.next_steps {
                let role = match step.role {
                    StepRole::Overall => "",
                    StepRole::Area => ", area",
                    StepRole::Supporting => ", supporting",
                };
                let unknown = if step.outcome == Outcome::Unknown {
                    " (could not be evaluated)"
                } else {
                    ""
                };
                let _ = writeln!(
                    out,
                    "<li><strong>{}</strong> ({}, level {}{role}) {}{unknown}<br><span class=\"why\">Why: {}</span><br>Fix: {}</li>",
                    escape(&step.check),
                    escape(&step.area),
                    step.level,
                    prose(&step.title),
                    prose(&step.why),
                    prose(&step.fix)
                );
            }
            out.push_str("</ol>\n");
        }
        None => out.push_str("<p>Every applicable check is met.</p>\n"),
    }
    let met: Vec<_> = report
        .checks()
        .filter(|c| c.outcome == Outcome::Met)
        .collect();
    if !met.is_empty() {
        let _ = writeln!(out, "<h2>Evidence for {} met checks</h2>\n<ul>", met.len());
        for c in met {
            let links: Vec<String> = c
                .evidence
                .iter()
                .take(3)
                .map(|e| {
                    format!(
                        "<a href=\"{}{}#L{}\"><code>{}:{}</code></a>",
                        escape(&options.link_base),
                        super::markdown::link_path(&e.path),
                        e.line,
                        escape(&e.path),
                        e.line
                    )
                })
                .collect();
            let source = match (&c.answer, links.is_empty()) {
                (Some(a), true) => format!(
                    "answered: {} ({})",
                    escape(a.value.describe()),
                    escape(&a.by)
                ),
                _ => links.join(", "),
            };
            let _ = writeln!(
                out,
                "<li><strong>{}</strong> {}: {}</li>",
                escape(&c.id),
                escape(&c.title),
                source
            );
        }
        out.push_str("</ul>\n");
    }
    page(&title, &out)
}

/// One row per project, one column per area.
fn projects_table(out: &mut String, report: &Report) {
    if report.projects.is_empty() {
        return;
    }
    let gated = report.projects.iter().any(|p| p.gate_passed.is_some());
    let _ = write!(
        out,
        "<h2>Projects ({n})</h2>\n<table>\n<caption>Overall and area levels of each of the {n} projects</caption>\n<thead><tr><th scope=\"col\">Project</th><th scope=\"col\">Level</th><th scope=\"col\">Score</th>",
        n = report.projects.len()
    );
    for a in &report.areas {
        let _ = write!(out, "<th scope=\"col\">{}</th>", escape(&a.title));
    }
    if gated {
        out.push_str("<th scope=\"col\">Gate</th>");
    }
    out.push_str("</tr></thead>\n<tbody>\n");
    for p in &report.projects {
        let _ = write!(
            out,
            "<tr><th scope=\"row\"><code>{}</code></th><td class=\"num\">{}</td><td class=\"num\">{}</td>",
            escape(&p.project.name),
            p.level,
            p.score
        );
        for a in p.areas.iter() {
            let _ = write!(out, "<td class=\"num\">{}</td>", level_label(a.level));
        }
        if gated {
            let _ = write!(out, "<td>{}</td>", super::projects::gate(p.gate_passed));
        }
        out.push_str("</tr>\n");
    }
    out.push_str("</tbody>\n</table>\n");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markup_and_control_characters_are_escaped() {
        assert_eq!(
            escape("<script>alert('x')</script> & \"q\""),
            "&lt;script&gt;alert(&apos;x&apos;)&lt;/script&gt; &amp; &quot;q&quot;"
        );
        assert!(!escape("a\u{1b}[2Jb").contains('\u{1b}'));
        assert_eq!(prose("run `a<b` now"), "run <code>a&lt;b</code> now");
        assert_eq!(prose("one ` tick"), "one ` tick");
    }
}
