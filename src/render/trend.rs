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
