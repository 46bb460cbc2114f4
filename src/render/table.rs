//! The terminal scorecard: overall level, a per-area table (comfy-table),
//! next steps with why and how, and the evidence behind every met check.
//! Fits 80 columns; colour only when asked for (the binary decides: a
//! terminal and no `NO_COLOR`).

use crate::answers::AnswerValue;
use crate::report::{level_name, AreaResult, Outcome, Report, Source, StepRole};
use comfy_table::{presets, Attribute, Cell, CellAlignment, Color, ContentArrangement, Table};
use std::fmt::Write;

pub const WIDTH: usize = 80;

#[derive(Debug, Clone, Copy, Default)]
pub struct TableOptions {
    pub color: bool,
    /// Evidence lines shown per met check.
    pub evidence_per_check: usize,
}

struct Style {
    color: bool,
}

impl Style {
    fn paint(&self, text: &str, code: &str) -> String {
        if self.color {
            format!("\x1b[{code}m{text}\x1b[0m")
        } else {
            text.to_owned()
        }
    }
    fn bold(&self, text: &str) -> String {
        self.paint(text, "1")
    }
    fn dim(&self, text: &str) -> String {
        self.paint(text, "2")
    }
}

fn level_color(level: u8) -> Color {
    match level {
        0 => Color::Red,
        1 => Color::Yellow,
        2 => Color::Cyan,
        _ => Color::Green,
    }
}

/// Word-wraps `text` to the width, prefixing every line with `indent`.
pub fn wrap_into(out: &mut String, text: &str, first: &str, indent: &str) {
    let mut line = String::from(first);
    let mut empty = true;
    for word in text.split_whitespace() {
        let fits = line.chars().count() + 1 + word.chars().count() <= WIDTH;
        if !empty && !fits {
            out.push_str(line.trim_end());
            out.push('\n');
            line = String::from(indent);
            empty = true;
        }
        if !empty {
            line.push(' ');
        }
        line.push_str(word);
        empty = false;
    }
    out.push_str(line.trim_end());
    out.push('\n');
}

fn area_table(areas: &[AreaResult], style: &Style) -> String {
    let mut table = Table::new();
    table
        .load_preset(presets::UTF8_FULL_CONDENSED)
        .set_content_arrangement(ContentArrangement::Dynamic)
        .set_width(u16::try_from(WIDTH).unwrap_or(80));
    if !style.color {
        table.force_no_tty();
    } else {
        table.enforce_styling();
    }
    let header = |text: &str| {
        let cell = Cell::new(text);
        if style.color {
            cell.add_attribute(Attribute::Bold)
        } else {
            cell
        }
    };
    table.set_header(vec![
        header("Area"),
        header("Title"),
        header("Level"),
        header("Score"),
        header("Checks"),
    ]);
    for area in areas {
        let (level, score, checks) = match (area.level, area.score) {
            (Some(level), Some(score)) => {
                let mut level_cell = Cell::new(level.to_string());
                if style.color {
                    level_cell = level_cell.fg(level_color(level));
                }
                let checks = if area.checks_unknown > 0 {
                    format!(
                        "{}/{} ({}?)",
                        area.checks_met, area.checks_applicable, area.checks_unknown
                    )
                } else {
                    format!("{}/{}", area.checks_met, area.checks_applicable)
                };
                (level_cell, Cell::new(score.to_string()), Cell::new(checks))
            }
            _ => (Cell::new("n/a"), Cell::new("-"), Cell::new("-")),
        };
        table.add_row(vec![
            Cell::new(&area.id),
            Cell::new(&area.title),
            level.set_alignment(CellAlignment::Right),
            score.set_alignment(CellAlignment::Right),
            checks.set_alignment(CellAlignment::Right),
        ]);
    }
    table.to_string()
}

pub fn render(report: &Report, options: &TableOptions) -> String {
    let style = Style {
        color: options.color,
    };
    let mut out = String::new();
    let overall = &report.overall;
    let headline = format!(
        "Readiness: Level {} of 3 - {} (score {}/100)",
        overall.level, overall.name, overall.score
    );
    out.push_str(&style.bold(&headline));
    out.push('\n');
    wrap_into(&mut out, &overall.reason, "  Why: ", "       ");
    if let Some(next) = &overall.next {
        wrap_into(&mut out, next, "  Next: ", "        ");
    }
    if let Some(gate) = &report.gate {
        let mut thresholds = Vec::new();
        if let Some(min) = gate.min_level {
            thresholds.push(format!("overall >= {min}"));
        }
        thresholds.extend(
            gate.area_min_levels
                .iter()
                .map(|(a, l)| format!("{a} >= {l}")),
        );
        let verdict = if gate.passed { "passed" } else { "FAILED" };
        let line = if thresholds.is_empty() {
            format!("Gate {verdict}")
        } else {
            format!("Gate {verdict} ({})", thresholds.join(", "))
        };
        out.push_str(&style.bold(&line));
        out.push('\n');
        for f in &gate.failures {
            wrap_into(&mut out, &format!("fail: {f}"), "  ", "    ");
        }
        for w in &gate.warnings {
            wrap_into(&mut out, &format!("warning: {w}"), "  ", "    ");
        }
    }
    out.push('\n');
    out.push_str(&area_table(&report.areas, &style));
    out.push('\n');
    for area in report.areas.iter().filter(|a| !a.applicable) {
        let reason = area.not_applicable_reason.as_deref().unwrap_or("");
        wrap_into(
            &mut out,
            &format!("{} is not applicable: {reason}", area.id),
            "",
            "  ",
        );
    }

    out.push('\n');
    match overall.next_level {
        Some(next) => {
            let count = report.next_steps.len();
            let heading = format!(
                "Next steps to Level {next} - {} ({count} check{} to go)",
                level_name(next),
                if count == 1 { "" } else { "s" }
            );
            out.push_str(&style.bold(&heading));
            out.push('\n');
            for (i, step) in report.next_steps.iter().enumerate() {
                let marker = match (step.outcome, step.answered) {
                    (Outcome::Unknown, _) => " (could not be evaluated)".to_owned(),
                    (_, Some(AnswerValue::Manual)) => {
                        " (answered: done manually; this level needs it automated)".to_owned()
                    }
                    (_, Some(answer)) => format!(" (answered: {})", answer.describe()),
                    _ => match &step.reason {
                        Some(r) if r.starts_with("found only") => format!(" ({r})"),
                        _ => String::new(),
                    },
                };
                let first = format!("{:>3}. ", i + 1);
                let role = match step.role {
                    StepRole::Overall => "",
                    StepRole::Area => " (area)",
                    StepRole::Supporting => " (supporting)",
                };
                wrap_into(
                    &mut out,
                    &format!(
                        "{} [{}, L{}]{role} {}{marker}",
                        step.check, step.area, step.level, step.title
                    ),
                    &first,
                    "     ",
                );
                wrap_into(&mut out, &step.why, "     Why: ", "          ");
                wrap_into(&mut out, &step.fix, "     Fix: ", "          ");
            }
        }
        None => {
            out.push_str(&style.bold("Every applicable check is met: Level 3 reached."));
            out.push('\n');
        }
    }

    let unknown: Vec<_> = report
        .checks()
        .filter(|c| c.outcome == Outcome::Unknown)
        .collect();
    if !unknown.is_empty() {
        out.push('\n');
        out.push_str(&style.bold("Could not be evaluated"));
        out.push('\n');
        for check in unknown {
            wrap_into(
                &mut out,
                &format!(
                    "{} {}: {}",
                    check.id,
                    check.title,
                    check.reason.as_deref().unwrap_or("")
                ),
                "  ",
                "    ",
            );
        }
    }

    let met: Vec<_> = report
        .checks()
        .filter(|c| c.outcome == Outcome::Met)
        .collect();
    if !met.is_empty() {
        out.push('\n');
        out.push_str(&style.bold("Evidence for met checks"));
        out.push('\n');
        for check in met {
            wrap_into(
                &mut out,
                &format!("{} {}", check.id, check.title),
                "  ",
                "    ",
            );
            if let (Some(Source::Waived), Some(w)) = (check.source, &check.waiver) {
                wrap_into(
                    &mut out,
                    &format!("waived until {} by {}: {}", w.expires, w.owner, w.reason),
                    "    ",
                    "      ",
                );
            }
            if let Some(answer) = &check.answer {
                let label = if check.source == Some(Source::Both) {
                    "also answered"
                } else {
                    "answered"
                };
                let mut text = format!(
                    "{label}: {} ({}, {}{})",
                    answer.value.describe(),
                    answer.by,
                    answer.date,
                    if answer.stale { ", stale" } else { "" }
                );
                if let Some(note) = &answer.note {
                    let _ = write!(text, " - {note}");
                }
                wrap_into(&mut out, &text, "    ", "      ");
            }
            for ev in check
                .evidence
                .iter()
                .take(options.evidence_per_check.max(1))
            {
                let location = format!("{}:{}", ev.path, ev.line);
                let line = format!("    {}  {}", location, ev.snippet);
                let line: String = if line.chars().count() > WIDTH {
                    let mut cut: String = line.chars().take(WIDTH - 1).collect();
                    cut.push('…');
                    cut
                } else {
                    line
                };
                let _ = writeln!(
                    out,
                    "{}",
                    line.replacen(&location, &style.dim(&location), 1)
                );
            }
            let shown = check.evidence.len().min(options.evidence_per_check.max(1));
            if check.evidence_total > shown {
                let _ = writeln!(out, "    … and {} more", check.evidence_total - shown);
            }
        }
    }
    if let Some(baseline) = &report.baseline {
        out.push('\n');
        out.push_str(&style.bold(&format!("Compared with {}", baseline.file)));
        out.push('\n');
        for line in crate::diff::render(&baseline.comparison).lines() {
            wrap_into(&mut out, line, "  ", "      ");
        }
    }
    if let Some(answers) = &report.answers {
        out.push('\n');
        let heading = if answers.ignored {
            format!("Answers in {} ignored (--evidence-only)", answers.file)
        } else {
            format!(
                "Answers: {} check{} settled by answers in {}",
                answers.used,
                if answers.used == 1 { "" } else { "s" },
                answers.file
            )
        };
        out.push_str(&style.bold(&heading));
        out.push('\n');
        for c in &answers.contradictions {
            wrap_into(
                &mut out,
                &format!("contradiction: {} {}", c.check, c.message),
                "  ",
                "    ",
            );
        }
        for w in &answers.warnings {
            wrap_into(&mut out, &format!("warning: {w}"), "  ", "    ");
        }
    }
    let s = &report.scan.stats;
    out.push('\n');
    let mut summary = format!(
        "Scanned {} files, read {}; skipped {} binary, {} too large, {} symlinks",
        s.files_seen, s.files_read, s.skipped_binary, s.skipped_too_large, s.skipped_symlinks
    );
    if s.skipped_special > 0 {
        let _ = write!(
            summary,
            ", {} special files (FIFOs, sockets, devices)",
            s.skipped_special
        );
    }
    if s.tracked_but_ignored > 0 {
        let _ = write!(
            summary,
            "; {} committed files a .gitignore hides were scanned anyway",
            s.tracked_but_ignored
        );
    }
    if s.unreadable > 0 {
        let _ = write!(summary, "; {} unreadable", s.unreadable);
    }
    if s.read_lossily > 0 {
        let _ = write!(
            summary,
            "; {} not valid UTF-8 (read with replacement characters)",
            s.read_lossily
        );
    }
    summary.push('.');
    wrap_into(&mut out, &summary, "", "  ");
    for problem in &report.scan.problems {
        wrap_into(&mut out, &format!("warning: {problem}"), "", "  ");
    }
    for note in &report.scan.notes {
        wrap_into(
            &mut out,
            &format!("note: skipped, decides no check (test, example or template): {note}"),
            "",
            "  ",
        );
    }
    out
}
