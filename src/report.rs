//! The report: the one value every output format renders. Its JSON form is a
//! stable, documented contract (`schema_version`), see `docs/json-report.md`.

use crate::scan::{Evidence, ScanStats};
use serde::Serialize;
use std::sync::Arc;

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
    /// The release gate: thresholds, waivers and whether it passed (absent
    /// when no threshold or config applies).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub gate: Option<Gate>,
    /// The comparison with `--baseline` (absent without one).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub baseline: Option<BaselineSummary>,
    /// Where the report comes from, when `score` was told (`--repository`,
    /// `--commit`, `--commit-date`): what `fleet` and `trend` group and
    /// order reports by. Absent otherwise, so output stays deterministic.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub provenance: Option<Provenance>,
    /// The questionnaire answers used (absent when no answers file was read).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub answers: Option<AnswersSummary>,
    /// The project the levels above are for, when the repository holds
    /// several (see `projects`) or one was asked for (`--project`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub project: Option<ProjectRef>,
    /// Every project of the repository, when it holds two or more; empty
    /// (absent) for a repository that is one system.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub projects: Vec<ProjectSummary>,
    /// How the repository's figure was chosen among its projects.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rollup: Option<Rollup>,
    pub scan: ScanSummary,
}

/// A project: its name, folders and how it was found.
#[derive(Debug, Clone, Serialize)]
pub struct ProjectRef {
    pub name: String,
    pub folders: Vec<String>,
    pub origin: crate::projects::Origin,
}

/// One project's levels, as the per-project table shows them.
///
/// A monorepo holds thousands of these, and most projects share their
/// area levels, next step and blocking checks: those are shared values
/// (see [`crate::projects::rollup::Fold`]), held once however many
/// projects have them.
#[derive(Debug, Clone, Serialize)]
pub struct ProjectSummary {
    #[serde(flatten)]
    pub project: ProjectRef,
    pub level: u8,
    pub score: u8,
    /// Each area's level (`null` when it does not apply), in report order.
    pub areas: Arc<[ProjectArea]>,
    /// What stands between the project and its next level (absent at 3).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next: Option<Arc<str>>,
    /// The checks its next overall level needs.
    pub blocking: Arc<[String]>,
    /// Whether its release gate passed (absent without a gate).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub gate_passed: Option<bool>,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct ProjectArea {
    pub id: String,
    pub level: Option<u8>,
}

/// The rule that picked the project the repository's figure is for.
#[derive(Debug, Clone, Serialize)]
pub struct Rollup {
    pub rule: crate::projects::RollupRule,
    /// The project chosen.
    pub project: String,
    /// How many projects are at each level, 0 to 3.
    pub distribution: [usize; 4],
}

/// Where a report comes from, as the caller said.
#[derive(Debug, Clone, Default, Serialize, serde::Deserialize, PartialEq, Eq)]
pub struct Provenance {
    /// The repository, e.g. `org/name`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub repository: Option<String>,
    /// The commit scored.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub commit: Option<String>,
    /// The commit's date, `YYYY-MM-DD`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub commit_date: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Gate {
    /// The config file, when one was read.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub config: Option<String>,
    pub min_level: Option<u8>,
    pub area_min_levels: std::collections::BTreeMap<String, u8>,
    pub passed: bool,
    /// Why it failed: one line per failure, sorted.
    pub failures: Vec<String>,
    /// Waivers expiring soon or not needed, sorted.
    pub warnings: Vec<String>,
    pub waivers: Vec<WaiverStatus>,
}

#[derive(Debug, Clone, Serialize)]
pub struct BaselineSummary {
    /// The baseline report, as given.
    pub file: String,
    #[serde(flatten)]
    pub comparison: crate::diff::Comparison,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct WaiverStatus {
    pub check: String,
    pub reason: String,
    pub owner: String,
    pub expires: crate::answers::Date,
    pub status: WaiverState,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum WaiverState {
    /// In force and the check needed it.
    Active,
    /// In force, expiring within 14 days.
    Expiring,
    /// Past its date: no longer applies, and fails the gate.
    Expired,
    /// In force but the check is met anyway.
    Unused,
}

#[derive(Debug, Clone, Serialize)]
pub struct AnswersSummary {
    /// The answers file, relative to the scanned directory when inside it.
    pub file: String,
    /// True with `--evidence-only`: answers were read but not used.
    pub ignored: bool,
    /// How many answers affected a check.
    pub used: usize,
    /// Answers for unknown checks (kept in the file), stale answers.
    pub warnings: Vec<String>,
    /// Answers the evidence disagrees with; reported, never resolved silently.
    pub contradictions: Vec<Contradiction>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Contradiction {
    pub check: String,
    pub answer: crate::answers::AnswerValue,
    pub message: String,
}

/// Where a check's result came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Source {
    Detected,
    Answered,
    Both,
    /// Met by a waiver in the config, not by evidence or an answer.
    Waived,
}

#[derive(Debug, Clone, Serialize)]
pub struct AnswerInfo {
    pub value: crate::answers::AnswerValue,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    pub by: String,
    pub date: crate::answers::Date,
    /// Older than the maximum age: `readiness ask` will ask again.
    pub stale: bool,
}

impl Report {
    /// Every check of every area, in report order.
    pub fn checks(&self) -> impl Iterator<Item = &CheckResult> {
        self.areas.iter().flat_map(|a| a.checks.iter())
    }
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
    /// One line: why the project is at this level (the defining capability
    /// and where its evidence is).
    pub reason: String,
    /// One line: what stands between this level and the next (absent at 3).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next: Option<String>,
    /// Each rung of the overall ladder: its defining capability and
    /// supporting criteria, and whether they hold.
    pub ladder: Vec<LadderRung>,
}

/// One rung of the overall ladder as `ladder.md` defines it.
#[derive(Debug, Clone, Serialize)]
pub struct LadderRung {
    pub level: u8,
    pub name: String,
    /// The defining capability, in words.
    pub capability: String,
    /// The area whose level shows the capability, and the level it needs.
    pub area: String,
    pub area_level: u8,
    pub capability_met: bool,
    pub supporting: Vec<Support>,
    /// The capability holds and at most one supporting criterion is missing.
    pub met: bool,
}

/// A supporting criterion of a rung.
#[derive(Debug, Clone, Serialize)]
pub struct Support {
    pub criterion: String,
    /// What shows it: an area level or a check.
    pub shown_by: String,
    pub status: SupportStatus,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SupportStatus {
    Met,
    Partial,
    Missing,
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
    /// The capability the area's current level stands for (absent at 0,
    /// when not applicable, or for rubrics without rungs).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub capability: Option<String>,
    /// The capability of the next level (absent at 3).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_capability: Option<String>,
    /// Checks standing between this area and its next level: the unmet
    /// checks that define the next rung.
    pub blocking: Vec<String>,
    pub checks: Vec<CheckResult>,
    /// In a repository of several projects, the project this area's row is
    /// from (the rollup rule picks it per area).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub project: Option<String>,
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
    pub title: Arc<str>,
    pub level: u8,
    pub weight: u32,
    /// What an answer must say to count toward the level: manual or automated.
    pub needs: &'static str,
    /// True when a rung of the area names the check (it defines a level);
    /// false for supporting checks, which count in the score only.
    pub defines: bool,
    pub outcome: Outcome,
    /// Share of the weight earned: 1 detected or automated, 0.5 manual, else 0.
    pub credit: f64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source: Option<Source>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub answer: Option<AnswerInfo>,
    /// The waiver that covers the check (any state).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub waiver: Option<WaiverStatus>,
    /// Why the outcome is `unknown` or `not_applicable`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// Why the check matters and how to meet it (from the rubric).
    pub why: Arc<str>,
    pub fix: Arc<str>,
    /// Where the evidence is (sorted, at most [`EVIDENCE_PER_CHECK`]).
    pub evidence: Vec<Evidence>,
    pub evidence_total: usize,
    /// What the scan found that the check does not accept on its own (weak,
    /// or in examples, docs or notebooks): the questionnaire asks about it.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub unconfirmed: Vec<Evidence>,
}

#[derive(Debug, Clone, Serialize)]
pub struct NextStep {
    pub check: String,
    pub area: String,
    pub level: u8,
    /// Why it is a next step: it is part of what the next overall level
    /// needs, it defines the next level of its area, or it supports it.
    pub role: StepRole,
    pub title: Arc<str>,
    pub outcome: Outcome,
    /// The answer on file, when one was given but does not meet the level.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub answered: Option<crate::answers::AnswerValue>,
    /// Why the check is not met when the scan found something (weak or
    /// example-only evidence, an insufficient answer) or could not tell.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    pub why: Arc<str>,
    pub fix: Arc<str>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum StepRole {
    /// Needed for the next overall level.
    Overall,
    /// Defines the next level of its area.
    Area,
    /// Good practice at that rung; counts in the score.
    Supporting,
}

#[derive(Debug, Clone, Serialize)]
pub struct ScanSummary {
    #[serde(flatten)]
    pub stats: ScanStats,
    /// Paths or directories the walk could not enter, sorted.
    pub problems: Vec<String>,
    /// Files that could not be parsed but decide no check (tests, examples,
    /// docs, templates), sorted; absent when there are none.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
    /// The repository's top-level README, where reports point findings that
    /// have no file of their own.
    pub readme: Option<String>,
}

pub fn level_name(level: u8) -> &'static str {
    match level {
        0 => "Manual everything",
        1 => "Automated training",
        2 => "Automated deployment",
        _ => "Fully automated ML",
    }
}
