//! The report: the one value every output format renders. Its JSON form is a
//! stable, documented contract (`schema_version`), see `docs/json-report.md`.

use crate::scan::{Evidence, ScanStats};
use serde::Serialize;

/// Bumped when a field changes meaning or disappears; additions keep it.
pub const SCHEMA_VERSION: u32 = 1;

/// Evidence entries kept per check in the report (the total is recorded).
pub const EVIDENCE_PER_CHECK: usize = 10;

#[derive(Debug, Clone, Serialize)]
pub struct Report {
    pub schema_version: u32,
    pub tool: Tool,
    pub rubrics: Vec<RubricInfo>,
    pub overall: Overall,
    pub areas: Vec<AreaResult>,
    pub next_steps: Vec<NextStep>,
    pub scan: ScanSummary,
}

#[derive(Debug, Clone, Serialize)]
pub struct Tool {
    pub name: String,
    pub version: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct RubricInfo {
    pub area: String,
    pub version: String,
    pub digest: String,
    pub source: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct Overall {
    pub level: u8,
    pub name: String,
    /// Weighted share of met checks over all applicable areas, 0-100.
    pub score: u8,
    /// The next rung, absent at level 3.
    pub next_level: Option<u8>,
}

#[derive(Debug, Clone, Serialize)]
pub struct AreaResult {
    pub id: String,
    pub title: String,
    pub applicable: bool,
    /// Why the area does not apply (only when `applicable` is false).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub not_applicable_reason: Option<String>,
    /// Absent when not applicable.
    pub level: Option<u8>,
    pub score: Option<u8>,
    pub checks_met: usize,
    pub checks_applicable: usize,
    pub checks_unknown: usize,
    /// Checks standing between this area and its next level.
    pub blocking: Vec<String>,
    pub checks: Vec<CheckResult>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    Met,
    Unmet,
    NotApplicable,
    /// Could not be evaluated (e.g. a file it needs is unreadable).
    Unknown,
}

impl Outcome {
    pub fn label(self) -> &'static str {
        match self {
            Outcome::Met => "met",
            Outcome::Unmet => "unmet",
            Outcome::NotApplicable => "n/a",
            Outcome::Unknown => "unknown",
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct CheckResult {
    pub id: String,
    pub title: String,
    pub level: u8,
    pub weight: u32,
    pub outcome: Outcome,
    /// Why the outcome is `unknown` or `not_applicable`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// Where the evidence is (sorted, at most [`EVIDENCE_PER_CHECK`]).
    pub evidence: Vec<Evidence>,
    pub evidence_total: usize,
}

#[derive(Debug, Clone, Serialize)]
pub struct NextStep {
    pub check: String,
    pub area: String,
    pub level: u8,
    pub title: String,
    pub outcome: Outcome,
    pub why: String,
    pub fix: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct ScanSummary {
    #[serde(flatten)]
    pub stats: ScanStats,
    /// Paths or directories the walk could not enter, sorted.
    pub problems: Vec<String>,
}

pub fn level_name(level: u8) -> &'static str {
    match level {
        0 => "Manual everything",
        1 => "Automated training",
        2 => "Automated deployment",
        _ => "Fully automated ML",
    }
}
