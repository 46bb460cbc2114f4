//! `readiness fleet` as a table, JSON or Markdown: pure functions of one
//! [`Fleet`] value. Names come from other repositories' reports, so every
//! human format shows them with control characters escaped.

use crate::fleet::Fleet;
use crate::text::printable;
use std::fmt::Write;

fn level(l: Option<u8>) -> String {
    l.map_or_else(|| "n/a".to_owned(), |l| l.to_string())
}

/// The area columns, in the order the reports list them.
fn area_ids(fleet: &Fleet) -> Vec<&str> {
    fleet.areas.iter().map(|a| a.area.as_str()).collect()
}

fn flags(r: &crate::fleet::Repository) -> String {
    let mut flags = Vec::new();
    if r.stale {
        flags.push(match &r.commit_date {
            Some(d) => format!("stale ({d})"),
            None => "no commit date".to_owned(),
        });
    }
    if !r.older_rubrics.is_empty() {
        flags.push(format!("older rubric: {}", r.older_rubrics.join(", ")));
    }
    flags.join("; ")
}

/// One line of the levels table: each repository, then its projects.
struct Row<'f> {
    name: String,
    level: u8,
    score: u8,
    areas: &'f std::collections::BTreeMap<String, Option<u8>>,
    flags: String,
}

fn rows(fleet: &Fleet) -> Vec<Row<'_>> {
    let mut out = Vec::new();
    for r in &fleet.repositories {
        out.push(Row {
            name: r.repository.clone(),
            level: r.level,
            score: r.score,
            areas: &r.areas,
            flags: flags(r),
        });
        out.extend(r.projects.iter().map(|p| Row {
            name: format!("{} › {}", r.repository, p.name),
            level: p.level,
            score: p.score,
            areas: &p.areas,
            flags: String::new(),
        }));
    }
    out
}

pub fn json(fleet: &Fleet) -> String {
    let mut text = serde_json::to_string_pretty(fleet)
        .unwrap_or_else(|e| serde_json::json!({ "error": e.to_string() }).to_string());
    text.push('\n');
    text
}

pub fn table(fleet: &Fleet) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "Fleet: {} repositories from {} reports; overall level 0: {}, 1: {}, 2: {}, 3: {}",
        fleet.repositories.len(),
        fleet.reports,
        fleet.overall[0],
        fleet.overall[1],
        fleet.overall[2],
        fleet.overall[3]
    );
    let areas = area_ids(fleet);
    let mut t = comfy_table::Table::new();
    t.load_preset(comfy_table::presets::UTF8_FULL_CONDENSED);
    let mut header = vec![
        "Repository".to_owned(),
        "Level".to_owned(),
        "Score".to_owned(),
    ];
    header.extend(areas.iter().map(|a| (*a).to_owned()));
    header.push("Flags".to_owned());
    t.set_header(header);
    for r in rows(fleet) {
        let mut row = vec![
            printable(&r.name).into_owned(),
            r.level.to_string(),
            r.score.to_string(),
        ];
        row.extend(
            areas
                .iter()
                .map(|a| r.areas.get(*a).map_or("-".to_owned(), |l| level(*l))),
        );
        row.push(printable(&r.flags).into_owned());
        t.add_row(row);
    }
    let _ = writeln!(out, "{t}");
    let _ = writeln!(
        out,
        "\nLevels per area (repositories at 0 / 1 / 2 / 3, not applicable)"
    );
    for a in &fleet.areas {
        let _ = writeln!(
            out,
            "  {:<12} {} / {} / {} / {}, n/a {}",
            printable(&a.area),
            a.levels[0],
            a.levels[1],
            a.levels[2],
            a.levels[3],
            a.not_applicable
        );
    }
    if !fleet.blocking.is_empty() {
        let _ = writeln!(out, "\nMost common next steps (repositories held back)");
        for b in &fleet.blocking {
            let _ = writeln!(
                out,
                "  {:>4}  {} {}",
                b.repositories,
                printable(&b.check),
                printable(&b.title)
            );
        }
    }
    for note in &fleet.notes {
        let _ = writeln!(out, "note: {}", printable(note));
    }
    out
}

pub fn markdown(fleet: &Fleet) -> String {
    use super::markdown::cell;
    let mut out = String::new();
    let _ = writeln!(
        out,
        "## readiness fleet: {} repositories\n\nOverall level 0: {}, 1: {}, 2: {}, 3: {} ({} reports read).\n",
        fleet.repositories.len(),
        fleet.overall[0],
        fleet.overall[1],
        fleet.overall[2],
        fleet.overall[3],
        fleet.reports
    );
    let areas = area_ids(fleet);
    let _ = write!(out, "| Repository | Level | Score |");
    for a in &areas {
        let _ = write!(out, " {} |", cell(&printable(a)));
    }
    let _ = writeln!(out, " Flags |");
    let _ = writeln!(out, "|---|---:|---:|{}---|", "---:|".repeat(areas.len()));
    for r in rows(fleet) {
        let _ = write!(
            out,
            "| {} | {} | {} |",
            cell(&printable(&r.name)),
            r.level,
            r.score
        );
        for a in &areas {
            let _ = write!(
                out,
                " {} |",
                r.areas.get(*a).map_or("-".to_owned(), |l| level(*l))
            );
        }
        let _ = writeln!(out, " {} |", cell(&printable(&r.flags)));
    }
    let _ = writeln!(
        out,
        "\n### Levels per area\n\n| Area | 0 | 1 | 2 | 3 | n/a |\n|---|---:|---:|---:|---:|---:|"
    );
    for a in &fleet.areas {
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {} | {} |",
            cell(&printable(&a.area)),
            a.levels[0],
            a.levels[1],
            a.levels[2],
            a.levels[3],
            a.not_applicable
        );
    }
    if !fleet.blocking.is_empty() {
        let _ = writeln!(
            out,
            "\n### Most common next steps\n\n| Check | Title | Repositories |\n|---|---|---:|"
        );
        for b in &fleet.blocking {
            let _ = writeln!(
                out,
                "| {} | {} | {} |",
                cell(&printable(&b.check)),
                cell(&printable(&b.title)),
                b.repositories
            );
        }
    }
    if !fleet.notes.is_empty() {
        let _ = writeln!(out, "\n### Notes\n");
        for n in &fleet.notes {
            let _ = writeln!(out, "- {}", super::markdown::inline_text(&printable(n)));
        }
    }
    out
}

/// The organisation view as one self-contained page (see
/// [`super::html::page`]): a table per section, a caption on each.
pub fn html(fleet: &Fleet) -> String {
    use super::html::escape;
    let mut out = String::new();
    let _ = writeln!(
        out,
        "<h1>readiness fleet: {} repositories</h1>\n<p>Overall level 0: {}, 1: {}, 2: {}, 3: {} ({} reports read).</p>",
        fleet.repositories.len(),
        fleet.overall[0],
        fleet.overall[1],
        fleet.overall[2],
        fleet.overall[3],
        fleet.reports
    );
    let areas = area_ids(fleet);
    out.push_str("<table>\n<caption>Levels per repository (its newest report)</caption>\n<thead><tr><th scope=\"col\">Repository</th><th scope=\"col\">Level</th><th scope=\"col\">Score</th>");
    for a in &areas {
        let _ = write!(out, "<th scope=\"col\">{}</th>", escape(a));
    }
    out.push_str("<th scope=\"col\">Flags</th></tr></thead>\n<tbody>\n");
    for r in rows(fleet) {
        let _ = write!(
            out,
            "<tr><th scope=\"row\">{}</th><td class=\"num\">{}</td><td class=\"num\">{}</td>",
            escape(&r.name),
            r.level,
            r.score
        );
        for a in &areas {
            let _ = write!(
                out,
                "<td class=\"num\">{}</td>",
                r.areas.get(*a).map_or("-".to_owned(), |l| level(*l))
            );
        }
        let _ = writeln!(out, "<td>{}</td></tr>", escape(&r.flags));
    }
    out.push_str("</tbody>\n</table>\n<h2>Levels per area</h2>\n<table>\n<caption>Repositories at each level</caption>\n<thead><tr><th scope=\"col\">Area</th><th scope=\"col\">0</th><th scope=\"col\">1</th><th scope=\"col\">2</th><th scope=\"col\">3</th><th scope=\"col\">n/a</th></tr></thead>\n<tbody>\n");
    for a in &fleet.areas {
        let _ = writeln!(
            out,
            "<tr><th scope=\"row\">{}</th><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td></tr>",
            escape(&a.area),
            a.levels[0],
            a.levels[1],
            a.levels[2],
            a.levels[3],
            a.not_applicable
        );
    }
    out.push_str("</tbody>\n</table>\n");
    if !fleet.blocking.is_empty() {
        out.push_str("<h2>Most common next steps</h2>\n<table>\n<caption>Checks that hold the most repositories back</caption>\n<thead><tr><th scope=\"col\">Check</th><th scope=\"col\">Title</th><th scope=\"col\">Repositories</th></tr></thead>\n<tbody>\n");
        for b in &fleet.blocking {
            let _ = writeln!(
                out,
                "<tr><th scope=\"row\">{}</th><td>{}</td><td class=\"num\">{}</td></tr>",
                escape(&b.check),
                escape(&b.title),
                b.repositories
            );
        }
        out.push_str("</tbody>\n</table>\n");
    }
    if !fleet.notes.is_empty() {
        out.push_str("<h2>Notes</h2>\n<ul>\n");
        for n in &fleet.notes {
            let _ = writeln!(out, "<li>{}</li>", escape(n));
        }
        out.push_str("</ul>\n");
    }
    super::html::page(
        &format!("readiness fleet: {} repositories", fleet.repositories.len()),
        &out,
    )
}
