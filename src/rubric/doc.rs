//! Renders the catalogue as Markdown (`docs/checks.md`): every check with its
//! level, weight, why, fix and exactly what it looks for. A test keeps the
//! committed file in step with the rubrics.

use super::model::{Acceptance, Catalog, Probe, Rule, Strength};
use std::fmt::Write;

fn code(s: &str) -> String {
    if s.contains('`') {
        format!("`` {s} ``")
    } else {
        format!("`{s}`")
    }
}

fn list(items: &[String]) -> String {
    items.iter().map(|s| code(s)).collect::<Vec<_>>().join(", ")
}

fn probe(catalog: &Catalog, id: usize) -> String {
    let text = probe_text(catalog, id);
    match catalog.strengths[id] {
        Strength::Medium => text,
        other => format!("{text} [{} evidence]", other.as_str()),
    }
}

fn acceptance(accept: &Acceptance) -> String {
    let classes: Vec<&str> = accept.classes.iter().map(|c| c.as_str()).collect();
    format!(
        "accepts {} evidence or stronger from {}",
        accept.min_strength.as_str(),
        classes.join(", ")
    )
}

fn probe_text(catalog: &Catalog, id: usize) -> String {
    match &catalog.probes[id] {
        Probe::File { globs } => format!("a file matching {}", list(globs)),
        Probe::Content {
            globs,
            pattern,
            exclude,
            also,
            prose,
        } => {
            let mut s = format!("a code line in {} matching {}", list(globs), code(pattern));
            if let Some(e) = exclude {
                let _ = write!(s, ", unless it matches {}", code(e));
            }
            if let Some(a) = also {
                let _ = write!(s, ", in a file that also has a line matching {}", code(a));
            }
            if *prose {
                s.push_str(" (prose files count)");
            }
            s
        }
        Probe::Dependency { names, ecosystem } => {
            let eco = ecosystem.map(|e| format!(" ({e})")).unwrap_or_default();
            format!("a declared dependency{eco}: {}", list(names))
        }
        Probe::Python(py) => {
            let mut s = format!(
                "a Python call in {} to {}",
                list(&py.globs),
                list(&py.calls)
            );
            if !py.keywords.is_empty() {
                let _ = write!(s, " passing {}", list(&py.keywords));
            }
            if let Some(g) = &py.guarded {
                let _ = write!(s, ", run only under a condition matching {}", code(g));
            }
            if !py.also_calls.is_empty() {
                let _ = write!(s, ", in a file that also calls {}", list(&py.also_calls));
            }
            s
        }
        Probe::Key(k) => {
            let mut s = format!("in {}, key {}", list(&k.globs), code(&k.path));
            match &k.value {
                Some(v) => {
                    let _ = write!(s, " with a value matching {}", code(v));
                }
                None => s.push_str(" present"),
            }
            for (label, conds) in [
                ("where the document has", &k.where_),
                ("where the node has", &k.has),
            ] {
                if !conds.is_empty() {
                    let parts: Vec<String> = conds
                        .iter()
                        .map(|(p, r)| match r {
                            Some(r) => format!("{} ~ {}", code(p), code(r)),
                            None => code(p),
                        })
                        .collect();
                    let _ = write!(s, ", {label} {}", parts.join(" and "));
                }
            }
            if k.gates {
                s.push_str(", in a CI step or job that can fail the build");
            }
            s
        }
    }
}

fn rule(catalog: &Catalog, rule: &Rule, depth: usize, out: &mut String) {
    let indent = "  ".repeat(depth);
    match rule {
        Rule::Probe(id) => {
            let _ = writeln!(out, "{indent}- {}", probe(catalog, *id));
        }
        Rule::Any(rules) | Rule::All(rules) => {
            let word = if matches!(rule, Rule::Any(_)) {
                "any of"
            } else {
                "all of"
            };
            let _ = writeln!(out, "{indent}- {word}:");
            for r in rules {
                self::rule(catalog, r, depth + 1, out);
            }
        }
        Rule::Not(inner) => {
            let _ = writeln!(out, "{indent}- none of:");
            self::rule(catalog, inner, depth + 1, out);
        }
    }
}

/// The answer that counts toward the check's level: `yes` for a question of
/// fact, else what the check `needs`.
fn counting_answer(c: &crate::rubric::Check) -> String {
    match c.scale {
        crate::rubric::model::Scale::YesNo => "`yes` (a question of fact)".to_owned(),
        crate::rubric::model::Scale::Practice => format!("`{}`", c.needs.as_str()),
    }
}

/// Everything about one check, for `readiness explain`: what it gates, why,
/// how to fix it, and exactly which files, patterns and keys it looks for.
pub fn explain(catalog: &Catalog, id: &str) -> Option<String> {
    let (rubric, c) = catalog.check(id)?;
    let mut out = format!(
        "{} {}\narea: {} ({}), rubric version {} from {}\nlevel {}, weight {}; an answer counts for the level when it says {}; {}\n\nWhy: {}\n\nFix: {}\n",
        c.id,
        c.title,
        rubric.area,
        rubric.title,
        rubric.version,
        rubric.source,
        c.level,
        c.weight,
        counting_answer(c),
        acceptance(&c.accept),
        c.why.trim(),
        c.fix.trim()
    );
    let _ = writeln!(out, "\n{}", role(rubric, &c.id));
    if let Some(q) = &c.question {
        let _ = write!(out, "\nQuestion when the scan cannot tell: {q}\n");
    }
    if let Some(applies) = &rubric.applies_when {
        let reason = Some(rubric.not_applicable.as_str());
        applicability(
            catalog,
            "\nThe area applies when:\n",
            applies,
            reason,
            &mut out,
        );
    }
    if let Some(applies) = &c.applies_when {
        let reason = c.not_applicable.as_deref();
        applicability(
            catalog,
            "\nThe check applies when:\n",
            applies,
            reason,
            &mut out,
        );
    }
    out.push_str("\nEvidence:\n");
    rule(catalog, &c.evidence, 0, &mut out);
    Some(out)
}

/// Whether the check defines a rung of its area (and which) or supports it.
fn role(rubric: &crate::rubric::Rubric, id: &str) -> String {
    if rubric.rungs.is_empty() {
        return "Defines the area's level: this rubric has no `rungs`, so every check at or below a level must be met.".to_owned();
    }
    let levels: Vec<String> = rubric
        .rungs
        .iter()
        .filter(|r| r.met_when.names(id))
        .map(|r| r.level.to_string())
        .collect();
    if levels.is_empty() {
        "Supports the area: it counts in the score and the next steps, not in the level.".to_owned()
    } else {
        format!(
            "Defines the area's rung {} (see the area's rungs).",
            levels.join(", ")
        )
    }
}

/// The area's rungs as a list: level, capability, the checks that show it.
fn rungs(rubric: &crate::rubric::Rubric, out: &mut String) {
    if rubric.rungs.is_empty() {
        return;
    }
    out.push_str("\nLevels of the area (each needs the ones below it):\n\n");
    for r in &rubric.rungs {
        let _ = writeln!(
            out,
            "- **{}**: {}. Met when {}.",
            r.level,
            r.capability,
            code(&r.met_when.describe())
        );
    }
}

/// "Applies when" with its rule, then the reason shown when it does not.
fn applicability(
    catalog: &Catalog,
    heading: &str,
    applies: &Rule,
    reason: Option<&str>,
    out: &mut String,
) {
    out.push_str(heading);
    rule(catalog, applies, 0, out);
    if let Some(reason) = reason {
        let _ = writeln!(out, "\nOtherwise it is not applicable: {}", reason.trim());
    }
}

pub fn checks_markdown(catalog: &Catalog) -> String {
    let mut out = String::from(
        "# Built-in checks\n\n<!-- Generated from rubrics/*.yaml by `UPDATE_DOCS=1 cargo test --test docs`; do not edit. -->\n\n",
    );
    let total: usize = catalog.rubrics.iter().map(|r| r.checks.len()).sum();
    let _ = writeln!(out, "{total} checks in {} areas.\n", catalog.rubrics.len());
    out.push_str("| area | level 1 | level 2 | level 3 |\n|---|---:|---:|---:|\n");
    for r in &catalog.rubrics {
        let n = |l: u8| r.checks.iter().filter(|c| c.level == l).count();
        let _ = writeln!(out, "| {} | {} | {} | {} |", r.area, n(1), n(2), n(3));
    }
    for r in &catalog.rubrics {
        let _ = write!(
            out,
            "\n## {} (`{}`, version {})\n\n{}\n",
            r.title, r.area, r.version, r.description
        );
        if let Some(applies) = &r.applies_when {
            let reason = Some(r.not_applicable.as_str());
            applicability(
                catalog,
                "\nThe area applies when:\n\n",
                applies,
                reason,
                &mut out,
            );
        }
        rungs(r, &mut out);
        let mut checks: Vec<_> = r.checks.iter().collect();
        checks.sort_by(|a, b| a.level.cmp(&b.level).then_with(|| a.id.cmp(&b.id)));
        for c in checks {
            let _ = write!(
                out,
                "\n### {} — {}\n\nLevel {}, weight {}. {} A questionnaire answer counts when it says {}; the scan {}.\n\n**Why.** {}\n\n**Fix.** {}\n",
                c.id,
                c.title,
                c.level,
                c.weight,
                role(r, &c.id),
                counting_answer(c),
                acceptance(&c.accept),
                c.why.trim(),
                c.fix.trim()
            );
            if let Some(q) = &c.question {
                let _ = write!(out, "\n**Question when the scan cannot tell.** {q}\n");
            }
            if let Some(applies) = &c.applies_when {
                let reason = c.not_applicable.as_deref();
                applicability(
                    catalog,
                    "\n**Applies when:**\n\n",
                    applies,
                    reason,
                    &mut out,
                );
            }
            out.push_str("\n**Evidence:**\n\n");
            rule(catalog, &c.evidence, 0, &mut out);
        }
    }
    out
}
