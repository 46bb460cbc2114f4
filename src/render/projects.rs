//! What every human format says about projects: which project the figures
//! are for and why, and one line per project. Pure functions of the report;
//! the text is plain (each format escapes it for its own context).

use crate::report::Report;

/// One sentence saying which project the report's figures are for, when
/// the repository holds several or one was asked for. Names and folders
/// are the repository's text: `name` shows them in the format's own way
/// (a code span in Markdown, escaped in HTML).
pub fn which(report: &Report, name: &dyn Fn(&str) -> String) -> Option<String> {
    let project = report.project.as_ref()?;
    let Some(rollup) = &report.rollup else {
        let shown: Vec<String> = project
            .folders
            .iter()
            .map(|f| {
                if f.is_empty() {
                    "the repository root".to_owned()
                } else {
                    name(f)
                }
            })
            .collect();
        return Some(format!(
            "For project {} ({}).",
            name(&project.name),
            shown.join(", ")
        ));
    };
    let counts: Vec<String> = rollup
        .distribution
        .iter()
        .enumerate()
        .filter(|(_, n)| **n > 0)
        .map(|(level, n)| format!("{n} at Level {level}"))
        .collect();
    let per_area = match rollup.rule {
        crate::projects::RollupRule::MostMature => "the best",
        crate::projects::RollupRule::Weakest => "the weakest",
    };
    Some(format!(
        "For project {}, {} of {} projects ({}); capabilities of different projects do not add up. Each area shows {per_area} level a project reaches in it.",
        name(&rollup.project),
        rollup.rule.describe(),
        report.projects.len(),
        counts.join(", ")
    ))
}

/// An area level as a table shows it: the level, or `-` when not applicable.
pub fn level(level: Option<u8>) -> String {
    level.map_or_else(|| "-".to_owned(), |l| l.to_string())
}

/// A project's gate, as a table shows it.
pub fn gate(passed: Option<bool>) -> &'static str {
    match passed {
        Some(true) => "passed",
        Some(false) => "FAILED",
        None => "",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn levels_show_a_dash_when_the_area_does_not_apply() {
        assert_eq!(level(None), "-");
        assert_eq!(level(Some(2)), "2");
    }
}
