//! The terminal scorecard: overall level, a per-area table (comfy-table),
//! next steps with why and how, and the evidence behind every met check.
//! Fits 80 columns, or the terminal's width when the binary knows it,
//! counted in display columns; an evidence location (`path:line`) is never
//! cut (a long path loses middle directories, not its file or line).
//! Colour only when asked for (the binary decides: a terminal and no
//! `NO_COLOR`).

use crate::answers::AnswerValue;
use crate::report::{level_name, AreaResult, Outcome, Report, Source, StepRole};
use comfy_table::{presets, Attribute, Cell, CellAlignment, Color, ContentArrangement, Table};
use std::fmt::Write;
use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

pub const WIDTH: usize = 80;

#[derive(Debug, Clone, Copy, Default)]
pub struct TableOptions {
    pub color: bool,
    /// Evidence lines shown per met check.
    pub evidence_per_check: usize,
    /// Columns to fit (the terminal's); `None`: [`WIDTH`].
    pub width: Option<usize>,
}

struct Style {
    color: bool,
    width: usize,
}

impl Style {
    fn paint(&self, text: &str, effect: anstyle::Effects) -> String {
        if self.color {
            let style = anstyle::Style::new().effects(effect);
            format!("{style}{text}{style:#}")
        } else {
            text.to_owned()
        }
    }
    fn bold(&self, text: &str) -> String {
        self.paint(text, anstyle::Effects::BOLD)
    }
    fn dim(&self, text: &str) -> String {
        self.paint(text, anstyle::Effects::DIMMED)
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

/// Word-wraps `text` to `width` display columns, the first line after
/// `first`, the others after `indent`. Words are never broken (a long path
/// stays whole on its own line).
pub fn wrap_into(out: &mut String, width: usize, text: &str, first: &str, indent: &str) {
    let options = textwrap::Options::new(width)
        .initial_indent(first)
        .subsequent_indent(indent)
        .break_words(false)
        // A hyphen is no place to break `conda-lock.yml` or `blue-green`.
        .word_splitter(textwrap::WordSplitter::NoHyphenation);
    let words = text.split_whitespace().collect::<Vec<_>>().join(" ");
    let lines = textwrap::wrap(&words, options);
    if lines.is_empty() {
        out.push_str(first.trim_end());
        out.push('\n');
    }
    for line in lines {
        out.push_str(line.trim_end());
        out.push('\n');
    }
}

/// One wrapped `warning: …` item per line of `list`.
fn warnings(out: &mut String, style: &Style, list: &[String]) {
    for w in list {
        wrap_into(out, style.width, &format!("warning: {w}"), "  ", "    ");
    }
}

/// `path:line` in at most `room` display columns where it can be: middle
/// directories give way to `…` first; the file name and line always stay.
fn fit_location(path: &str, line: u32, room: usize) -> String {
    let whole = format!("{path}:{line}");
    if whole.width() <= room {
        return whole;
    }
    let parts: Vec<&str> = path.split('/').collect();
    if parts.len() < 3 {
        return whole;
    }
    let last = parts.len() - 1;
    // Keep the first directory and the file; add back directories nearest
    // the file while they fit.
    let mut kept_tail = 0;
    let shown = |tail: usize| format!("{}/…/{}:{line}", parts[0], parts[last - tail..].join("/"));
    while kept_tail + 1 < last && shown(kept_tail + 1).width() <= room {
        kept_tail += 1;
    }
    shown(kept_tail)
}

/// `text` cut to at most `room` display columns, ending in `…` when cut.
fn fit(text: &str, room: usize) -> String {
    if text.width() <= room {
        return text.to_owned();
    }
    let mut out = String::new();
    let mut used = 0;
    for c in text.chars() {
        let w = c.width().unwrap_or(0);
        if used + w + 1 > room {
            break;
        }
        out.push(c);
        used += w;
    }
    out.push('…');
    out
}

/// A table in the report's style: condensed borders, fitted to the width,
/// coloured only when the style is.
fn new_table(style: &Style) -> Table {
    let mut table = Table::new();
    table
        .load_preset(presets::UTF8_FULL_CONDENSED)
        .set_content_arrangement(ContentArrangement::Dynamic)
        .set_width(u16::try_from(style.width).unwrap_or(u16::MAX));
    if !style.color {
        table.force_no_tty();
    } else {
        table.enforce_styling();
    }
    table
}

fn area_table(areas: &[AreaResult], style: &Style) -> String {
    let mut table = new_table(style);
    let header = |text: &str| {
        let cell = Cell::new(text);
        if style.color {
            cell.add_attribute(Attribute::Bold)
        } else {
            cell
        }
    };
    let by_project = areas.iter().any(|a| a.project.is_some());
    let mut headers = vec![
        header("Area"),
        header("Title"),
        header("Level"),
        header("Score"),
        header("Checks"),
    ];
    if by_project {
        // In a repository of projects the title gives way to the project
        // each row is from.
        headers[1] = header("Project");
    }
    table.set_header(headers);
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
        let second = if by_project {
            area.project.as_deref().unwrap_or("")
        } else {
            &area.title
        };
        table.add_row(vec![
            Cell::new(&area.id),
            Cell::new(second),
            level.set_alignment(CellAlignment::Right),
            score.set_alignment(CellAlignment::Right),
            checks.set_alignment(CellAlignment::Right),
        ]);
    }
    table.to_string()
}

/// One row per project: its level, score, area levels and gate.
fn projects_table(report: &Report, style: &Style) -> String {
    let mut table = new_table(style);
    let gated = report.projects.iter().any(|p| p.gate_passed.is_some());
    let mut header = vec!["Project", "Level", "Score", "Areas"];
    if gated {
        header.push("Gate");
    }
    table.set_header(header);
    for p in &report.projects {
        let areas: Vec<String> = p
            .areas
            .iter()
            .map(|a| super::projects::level(a.level))
            .collect();
        let mut row = vec![
            Cell::new(&p.project.name),
            Cell::new(p.level).set_alignment(CellAlignment::Right),
            Cell::new(p.score).set_alignment(CellAlignment::Right),
            Cell::new(areas.join(" ")),
        ];
        if gated {
            row.push(Cell::new(super::projects::gate(p.gate_passed)));
        }
        table.add_row(row);
    }
    let legend: Vec<&str> = report.areas.iter().map(|a| a.id.as_str()).collect();
    let mut out = format!("{table}\n");
    wrap_into(
        &mut out,
        style.width,
        &format!("Areas: {} (- = not applicable)", legend.join(", ")),
        "",
        "  ",
    );
    out
}

pub fn render(report: &Report, options: &TableOptions) -> String {
    let style = Style {
        color: options.color,
        width: options.width.unwrap_or(WIDTH).max(40),
    };
    let mut out = String::new();
    let overall = &report.overall;
    let headline = format!(
        "Readiness: Level {} of 3 - {} (score {}/100)",
        overall.level, overall.name, overall.score
    );
    out.push_str(&style.bold(&headline));
    out.push('\n');
    wrap_into(&mut out, style.width, &overall.reason, "  Why: ", "       ");
    if let Some(next) = &overall.next {
        wrap_into(&mut out, style.width, next, "  Next: ", "        ");
    }
    if let Some(which) = super::projects::which(report, &|n| n.to_owned()) {
        wrap_into(&mut out, style.width, &which, "  ", "  ");
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
            wrap_into(&mut out, style.width, &format!("fail: {f}"), "  ", "    ");
        }
        warnings(&mut out, &style, &gate.warnings);
    }
    out.push('\n');
    out.push_str(&area_table(&report.areas, &style));
    out.push('\n');
    for area in report.areas.iter().filter(|a| !a.applicable) {
        let reason = area.not_applicable_reason.as_deref().unwrap_or("");
        wrap_into(
            &mut out,
            style.width,
            &format!("{} is not applicable: {reason}", area.id),
            "",
            "  ",
        );
    }
    if !report.projects.is_empty() {
        out.push('\n');
        out.push_str(&style.bold(&format!("Projects ({})", report.projects.len())));
        out.push('\n');
        out.push_str(&projects_table(report, &style));
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
                    style.width,
                    &format!(
                        "{} [{}, L{}]{role} {}{marker}",
                        step.check, step.area, step.level, step.title
                    ),
                    &first,
                    "     ",
                );
                wrap_into(&mut out, style.width, &step.why, "     Why: ", "          ");
                wrap_into(&mut out, style.width, &step.fix, "     Fix: ", "          ");
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
                style.width,
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
                style.width,
                &format!("{} {}", check.id, check.title),
                "  ",
                "    ",
            );
            if let (Some(Source::Waived), Some(w)) = (check.source, &check.waiver) {
                wrap_into(
                    &mut out,
                    style.width,
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
                wrap_into(&mut out, style.width, &text, "    ", "      ");
            }
            for ev in check
                .evidence
                .iter()
                .take(options.evidence_per_check.max(1))
            {
                // The location is never cut; the snippet gets what is left
                // (nothing when too little is).
                let location = fit_location(&ev.path, ev.line, style.width - 4);
                let room = style.width.saturating_sub(4 + location.width() + 2);
                let snippet = if room >= 8 {
                    fit(&ev.snippet, room)
                } else {
                    String::new()
                };
                let line = format!("    {}  {snippet}", style.dim(&location));
                let _ = writeln!(out, "{}", line.trim_end());
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
            wrap_into(&mut out, style.width, line, "  ", "      ");
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
                style.width,
                &format!("contradiction: {} {}", c.check, c.message),
                "  ",
                "    ",
            );
        }
        warnings(&mut out, &style, &answers.warnings);
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
    wrap_into(&mut out, style.width, &summary, "", "  ");
    for problem in &report.scan.problems {
        wrap_into(
            &mut out,
            style.width,
            &format!("warning: {problem}"),
            "",
            "  ",
        );
    }
    for note in &report.scan.notes {
        wrap_into(
            &mut out,
            style.width,
            &format!("note: skipped, decides no check (test, example or template): {note}"),
            "",
            "  ",
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locations_lose_middle_directories_never_their_file_or_line() {
        let path =
            "deploy_code_not_models/sagemaker/pipelines/build/lib/pipelines/abalone/evaluate.py";
        let shown = fit_location(path, 123, 60);
        assert!(shown.width() <= 60, "{shown}");
        assert!(shown.starts_with("deploy_code_not_models/…/"), "{shown}");
        assert!(shown.ends_with("/abalone/evaluate.py:123"), "{shown}");
        assert_eq!(fit_location("a/b.py", 7, 3), "a/b.py:7");
        assert_eq!(
            fit_location("x/y/very_long_file_name.py", 9, 10),
            "x/…/very_long_file_name.py:9"
        );
    }

    #[test]
    fn cutting_and_wrapping_count_display_columns() {
        assert_eq!(fit("日本語のテキスト", 7), "日本語…");
        assert_eq!(fit("e\u{301}e\u{301}e\u{301}", 2), "e\u{301}…");
        assert_eq!(fit("short", 10), "short");
        let mut out = String::new();
        wrap_into(&mut out, 12, "日本語 日本語 日本語", "> ", "  ");
        assert_eq!(out, "> 日本語\n  日本語\n  日本語\n");
    }
}
