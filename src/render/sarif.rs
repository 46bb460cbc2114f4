//! SARIF 2.1.0 for code scanning: one rule per check (its help links to the
//! check's own section of `docs/checks.md`), one result per unmet check with
//! a fingerprint that survives line moves (it hashes the check and the file,
//! not the line). A result sits at its first evidence; a check with none is
//! about the repository as a whole and says so (see [`REPOSITORY_LEVEL`]).
//! Checks that could not be evaluated and scan problems are tool execution
//! notifications, not silently missing.

use crate::report::{CheckResult, Outcome, Report};
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

/// Where rule documentation lives (`helpUri`).
pub const HELP_URI: &str = concat!(env!("CARGO_PKG_HOMEPAGE"), "/blob/main/docs/checks.md");

/// A check's level on the ladder mapped to a SARIF severity: what blocks
/// level 1 is an error, level 2 a warning, level 3 a note.
fn severity(level: u8) -> &'static str {
    match level {
        1 => "error",
        2 => "warning",
        _ => "note",
    }
}

/// The location of a result about the repository as a whole. GitHub code
/// scanning rejects a result without a location, and shows "no file
/// associated with this alert" (the convention OpenSSF Scorecard's
/// repository-level checks use) as an alert with no file, instead of one
/// pinned on a README that may not exist. Percent-encoded, as a SARIF
/// `uri` must be.
pub const REPOSITORY_LEVEL: &str = "no%20file%20associated%20with%20this%20alert";

/// Where a finding about a check belongs: its first piece of evidence, else
/// the repository as a whole.
fn location(check: &CheckResult) -> (String, u32) {
    match check.evidence.first() {
        Some(e) => (e.path.to_string(), e.line.max(1)),
        None => (REPOSITORY_LEVEL.to_owned(), 1),
    }
}

/// The anchor GitHub gives a Markdown heading: lowercase, punctuation
/// dropped, spaces made hyphens (`### VER-01 — Trained models` →
/// `ver-01--trained-models`).
fn heading_anchor(heading: &str) -> String {
    heading
        .chars()
        .filter(|c| c.is_alphanumeric() || matches!(c, '-' | '_' | ' '))
        .flat_map(char::to_lowercase)
        .map(|c| if c == ' ' { '-' } else { c })
        .collect()
}

/// A built-in check's section of `docs/checks.md`; the page itself for a
/// check from a team's own rubric.
fn help_uri(report: &Report, area: &str, c: &CheckResult) -> String {
    let builtin = report
        .rubrics
        .iter()
        .any(|r| r.area == area && r.source.starts_with("builtin:"));
    if builtin {
        format!(
            "{HELP_URI}#{}",
            heading_anchor(&format!("{} — {}", c.id, c.title))
        )
    } else {
        HELP_URI.to_owned()
    }
}

/// Stable across line moves and unrelated edits: the check and the file.
pub fn fingerprint(check: &str, path: &str) -> String {
    let digest = Sha256::digest(format!("{check}\u{0}{path}").as_bytes());
    digest[..16].iter().map(|b| format!("{b:02x}")).collect()
}

fn rule_name(title: &str) -> String {
    title
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| {
            let mut chars = w.chars();
            match chars.next() {
                Some(first) => first.to_ascii_uppercase().to_string() + chars.as_str(),
                None => String::new(),
            }
        })
        .collect()
}

/// A check that defines a rung keeps its ladder severity; a supporting
/// check never blocks a level, so it is a note.
fn check_severity(c: &CheckResult) -> &'static str {
    if c.defines {
        severity(c.level)
    } else {
        "note"
    }
}

fn message(area: &str, c: &CheckResult) -> String {
    let role = if c.defines {
        format!("blocks {area} level {}", c.level)
    } else {
        format!("supports {area}; it does not block a level")
    };
    let mut text = format!("{} ({role}).", c.title);
    if let Some(reason) = &c.reason {
        text.push_str(&format!(" {reason}."));
    }
    text.push_str(&format!(" Fix: {}", c.fix));
    text
}

pub fn render(report: &Report) -> String {
    let checks: Vec<(&str, &CheckResult)> = report
        .areas
        .iter()
        .flat_map(|a| a.checks.iter().map(move |c| (a.id.as_str(), c)))
        .collect();
    let rules: Vec<Value> = checks
        .iter()
        .map(|(area, c)| {
            json!({
                "id": c.id,
                "name": rule_name(&c.title),
                "shortDescription": { "text": c.title },
                "fullDescription": { "text": c.why },
                "help": {
                    "text": format!("Why: {}\nFix: {}", c.why, c.fix),
                    "markdown": format!("**Why.** {}\n\n**Fix.** {}", c.why, c.fix),
                },
                "helpUri": help_uri(report, area, c),
                "defaultConfiguration": { "level": check_severity(c) },
                "properties": {
                    "area": area,
                    "ladderLevel": c.level,
                    "definesLevel": c.defines,
                    "weight": c.weight,
                    "tags": ["readiness", "mlops", area],
                },
            })
        })
        .collect();
    let results: Vec<Value> = checks
        .iter()
        .enumerate()
        .filter(|(_, (_, c))| c.outcome == Outcome::Unmet)
        .map(|(index, (area, c))| {
            let (path, line) = location(c);
            json!({
                "ruleId": c.id,
                "ruleIndex": index,
                "level": check_severity(c),
                "message": { "text": message(area, c) },
                "locations": [{
                    "physicalLocation": {
                        "artifactLocation": { "uri": path, "uriBaseId": "%SRCROOT%" },
                        "region": { "startLine": line },
                    },
                }],
                "partialFingerprints": { "readinessCheck/v1": fingerprint(&c.id, &path) },
            })
        })
        .collect();
    // What the run could not judge: unknown checks, then scan problems and
    // files left unparsed that decide nothing.
    let mut notifications: Vec<Value> = checks
        .iter()
        .enumerate()
        .filter(|(_, (_, c))| c.outcome == Outcome::Unknown)
        .map(|(index, (_, c))| {
            json!({
                "level": "warning",
                "message": { "text": format!(
                    "{} could not be evaluated: {}",
                    c.id,
                    c.reason.as_deref().unwrap_or("no reason recorded")
                ) },
                "associatedRule": { "id": c.id, "index": index },
            })
        })
        .collect();
    notifications.extend(
        report
            .scan
            .problems
            .iter()
            .map(|p| json!({ "level": "warning", "message": { "text": p } })),
    );
    notifications.extend(
        report
            .scan
            .notes
            .iter()
            .map(|n| json!({ "level": "note", "message": { "text": n } })),
    );
    let sarif = json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {
                "driver": {
                    "name": "readiness",
                    "version": report.tool.version,
                    "informationUri": env!("CARGO_PKG_HOMEPAGE"),
                    "rules": rules,
                },
            },
            "originalUriBaseIds": {
                "%SRCROOT%": { "description": { "text": "The scanned repository." } },
            },
            "invocations": [{
                "executionSuccessful": true,
                "toolExecutionNotifications": notifications,
            }],
            "results": results,
            "properties": {
                "overallLevel": report.overall.level,
                "overallScore": report.overall.score,
                "rubrics": report.rubrics,
            },
        }],
    });
    let mut text = serde_json::to_string_pretty(&sarif).unwrap_or_default();
    text.push('\n');
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_fingerprints_are_stable() {
        assert_eq!(
            rule_name("CI runs the model eval, as a gate"),
            "CIRunsTheModelEvalAsAGate"
        );
        assert_eq!(
            fingerprint("EVL-03", "README.md"),
            fingerprint("EVL-03", "README.md")
        );
        assert_ne!(
            fingerprint("EVL-03", "README.md"),
            fingerprint("EVL-04", "README.md")
        );
        assert_eq!(fingerprint("A", "b").len(), 32);
    }

    #[test]
    fn help_anchors_are_the_ones_github_gives_the_headings() {
        assert_eq!(
            heading_anchor("VER-01 — Trained models are registered in a model registry"),
            "ver-01--trained-models-are-registered-in-a-model-registry"
        );
        assert_eq!(
            heading_anchor("EVL-03 — CI runs the model eval, as a `gate` (L2)"),
            "evl-03--ci-runs-the-model-eval-as-a-gate-l2"
        );
    }
}
