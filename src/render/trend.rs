//! `readiness trend` as a table or JSON: pure functions of one [`Trend`].

use crate::text::printable;
use crate::trend::Trend;
use std::fmt::Write;

pub fn json(trend: &Trend) -> String {
    let mut text = serde_json::to_string_pretty(trend)
        .unwrap_or_else(|e| serde_json::json!({ "error": e.to_string() }).to_string());
    text.push('\n');
    text
}

fn cell(level: Option<u8>, score: Option<u8>) -> String {
    match (level, score) {
        (Some(l), Some(s)) => format!("{l} ({s})"),
        (Some(l), None) => l.to_string(),
        _ => "n/a".to_owned(),
    }
}

pub fn table(trend: &Trend) -> String {
    let mut out = String::new();
    for history in &trend.repositories {
        let _ = writeln!(
            out,
            "{}: {} reports, oldest first (each area: level (score))",
            printable(&history.repository),
            history.points.len()
        );
        let mut areas: Vec<&str> = Vec::new();
        for p in &history.points {
            for a in &p.areas {
                if !areas.contains(&a.area.as_str()) {
                    areas.push(&a.area);
                }
            }
        }
        let mut t = comfy_table::Table::new();
        t.load_preset(comfy_table::presets::UTF8_FULL_CONDENSED);
        let mut header = vec![
            "Commit date".to_owned(),
            "Level".to_owned(),
            "Score".to_owned(),
        ];
        header.extend(areas.iter().map(|a| (*a).to_owned()));
        header.push("Changes".to_owned());
        t.set_header(header);
        for p in &history.points {
            let mut row = vec![
                printable(&p.commit_date).into_owned(),
                p.level.to_string(),
                p.score.to_string(),
            ];
            for area in &areas {
                row.push(match p.areas.iter().find(|a| a.area == *area) {
                    Some(a) => cell(a.level, a.score),
                    None => "-".to_owned(),
                });
            }
            let mut marks = Vec::new();
            if !p.regressions.is_empty() {
                marks.push("regression");
            }
            if !p.rubric_changes.is_empty() {
                marks.push("rubric changed");
            }
            row.push(marks.join(", "));
            t.add_row(row);
        }
        let _ = writeln!(out, "{t}");
        for p in &history.points {
            if !p.regressions.is_empty() {
                let _ = writeln!(
                    out,
                    "  {} regression (same rubric): {}",
                    printable(&p.commit_date),
                    printable(&p.regressions.join(", "))
                );
            }
            if !p.rubric_changes.is_empty() {
                let _ = writeln!(
                    out,
                    "  {} rubric changed, so its moves may be the rubric's: {}",
                    printable(&p.commit_date),
                    printable(&p.rubric_changes.join(", "))
                );
            }
        }
        out.push('\n');
    }
    for note in &trend.notes {
        let _ = writeln!(out, "note: {}", printable(note));
    }
    out
}

/// A line chart of the overall score over time (0-100), each point marked
/// with its level; the table after it has the same figures.
fn score_chart(history: &crate::trend::History, id: usize) -> String {
    use super::html::escape;
    let points = &history.points;
    let (w, h, pad) = (640usize, 220usize, 40usize);
    let step = if points.len() > 1 {
        (w - 2 * pad) / (points.len() - 1)
    } else {
        0
    };
    let xy = |i: usize, score: u8| {
        (
            pad + i * step,
            h - pad - usize::from(score.min(100)) * (h - 2 * pad) / 100,
        )
    };
    let mut svg = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" aria-labelledby=\"trend-{id}\" width=\"{w}\" height=\"{h}\" viewBox=\"0 0 {w} {h}\"><title id=\"trend-{id}\">Overall score of {} over time, 0 to 100; the table below has the same figures</title><rect x=\"{pad}\" y=\"{pad}\" width=\"{}\" height=\"{}\" fill=\"none\" stroke=\"#bbb\"/>",
        escape(&history.repository),
        w - 2 * pad,
        h - 2 * pad
    );
    let line: Vec<String> = points
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let (x, y) = xy(i, p.score);
            format!("{x},{y}")
        })
        .collect();
    let _ = write!(
        svg,
        "<polyline points=\"{}\" fill=\"none\" stroke=\"#0b5cad\" stroke-width=\"2\"/>",
        line.join(" ")
    );
    for (i, p) in points.iter().enumerate() {
        let (x, y) = xy(i, p.score);
        let colour = if p.regressions.is_empty() {
            "#0b5cad"
        } else {
            "#b00020"
        };
        let _ = write!(
            svg,
            "<circle cx=\"{x}\" cy=\"{y}\" r=\"5\" fill=\"{colour}\"/><text x=\"{x}\" y=\"{}\" font-size=\"12\" text-anchor=\"middle\" fill=\"#1a1a1a\">L{}</text><text x=\"{x}\" y=\"{}\" font-size=\"11\" text-anchor=\"middle\" fill=\"#1a1a1a\">{}</text>",
            y.saturating_sub(9),
            p.level,
            h - pad + 16,
            escape(&p.commit_date)
        );
    }
    svg.push_str("</svg>");
    svg
}

/// Each repository's history as one self-contained page: the chart, then
/// the table of levels and scores with rubric changes and regressions.
pub fn html(trend: &Trend) -> String {
    use super::html::escape;
    let mut out = String::from("<h1>readiness trend</h1>\n");
    for (id, history) in trend.repositories.iter().enumerate() {
        let _ = writeln!(
            out,
            "<h2>{}: {} reports</h2>",
            escape(&history.repository),
            history.points.len()
        );
        out.push_str(&score_chart(history, id));
        let mut areas: Vec<&str> = Vec::new();
        for p in &history.points {
            for a in &p.areas {
                if !areas.contains(&a.area.as_str()) {
                    areas.push(&a.area);
                }
            }
        }
        out.push_str("\n<table>\n<caption>Level (score) per area, oldest first</caption>\n<thead><tr><th scope=\"col\">Commit date</th><th scope=\"col\">Level</th><th scope=\"col\">Score</th>");
        for a in &areas {
            let _ = write!(out, "<th scope=\"col\">{}</th>", escape(a));
        }
        out.push_str("<th scope=\"col\">Changes</th></tr></thead>\n<tbody>\n");
        for p in &history.points {
            let _ = write!(
                out,
                "<tr><th scope=\"row\">{}</th><td class=\"num\">{}</td><td class=\"num\">{}</td>",
                escape(&p.commit_date),
                p.level,
                p.score
            );
            for area in &areas {
                let text = match p.areas.iter().find(|a| a.area == *area) {
                    Some(a) => cell(a.level, a.score),
                    None => "-".to_owned(),
                };
                let _ = write!(out, "<td class=\"num\">{text}</td>");
            }
            let mut changes: Vec<String> = p
                .regressions
                .iter()
                .map(|r| format!("<strong>regression</strong>: {}", escape(r)))
                .collect();
            changes.extend(
                p.rubric_changes
                    .iter()
                    .map(|c| format!("rubric changed: {}", escape(c))),
            );
            let _ = writeln!(out, "<td>{}</td></tr>", changes.join("<br>"));
        }
        out.push_str("</tbody>\n</table>\n");
    }
    if !trend.notes.is_empty() {
        out.push_str("<h2>Notes</h2>\n<ul>\n");
        for n in &trend.notes {
            let _ = writeln!(out, "<li>{}</li>", escape(n));
        }
        out.push_str("</ul>\n");
    }
    super::html::page("readiness trend", &out)
}
