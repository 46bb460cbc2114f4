//! CI semantics for `gates: true`: whether a step can fail its build
//! (failure-tolerating keys, commands that swallow their exit status) and
//! whether that failure stops a change (what triggers the workflow or
//! pipeline, and in GitHub Actions what depends on the job).

use super::keys::Selected;
use super::shell::shell_code;
use crate::node::{Node, Value};

/// Commands that swallow their own failure.
fn command_swallows_failure(command: &str) -> bool {
    let squeezed: String = shell_code(command)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    [
        "|| true",
        "||true",
        "|| exit 0",
        "||exit 0",
        "; exit 0",
        "|| :",
        "set +e",
        // Linters told never to fail: flake8, pylint and ruff `--exit-zero`.
        "--exit-zero",
    ]
    .iter()
    .any(|p| squeezed.contains(p))
}

/// Keys that let a step or job fail without failing the pipeline:
/// GitHub Actions `continue-on-error`, GitLab and Bitbucket `allow_failure`,
/// Azure Pipelines `continueOnError`, Buildkite `soft_fail`, Google Cloud
/// Build `allowFailure`, AWS CodeBuild `on-failure: CONTINUE`.
fn tolerates_failure(node: &Node) -> bool {
    let Value::Map(entries) = &node.value else {
        return false;
    };
    entries.iter().any(|e| match e.key.as_str() {
        "continue-on-error" | "continueOnError" | "allow_failure" | "soft_fail"
        | "allowFailure" => !matches!(e.node.value, Value::Bool(false) | Value::Null),
        // AWS CodeBuild: a phase that continues on failure gates nothing.
        "on-failure" => e
            .node
            .as_str()
            .is_some_and(|v| v.eq_ignore_ascii_case("CONTINUE")),
        // A step or job that never runs gates nothing: `if: false`,
        // `if: ${{ false }}`, Azure `condition: false`.
        "if" | "condition" => e.node.scalar_text().is_some_and(|t| {
            t.trim()
                .trim_start_matches("${{")
                .trim_end_matches("}}")
                .trim()
                == "false"
        }),
        // GitLab manual jobs are allowed to fail unless stated otherwise.
        "when" => e.node.as_str() == Some("manual") && node.get("allow_failure").is_none(),
        _ => false,
    })
}

pub(super) fn gates(selected: &Selected, text: &str) -> bool {
    if command_swallows_failure(text) {
        return false;
    }
    if tolerates_failure(selected.node) {
        return false;
    }
    if let Value::Map(entries) = &selected.node.value {
        for entry in entries {
            if matches!(
                entry.key.as_str(),
                "run" | "script" | "command" | "commands"
            ) && entry
                .node
                .scalar_text()
                .is_some_and(|t| command_swallows_failure(&t))
            {
                return false;
            }
        }
    }
    !selected.ancestors.iter().any(|a| tolerates_failure(a))
}

/// GitHub Actions events that run a workflow on a change to the code (or
/// on its way to production): only such a workflow can gate. Workflows
/// started by hand, on a schedule, or by issues and comments cannot.
const CHANGE_EVENTS: &[&str] = &[
    "push",
    "pull_request",
    "pull_request_target",
    "merge_group",
    "workflow_call",
    "workflow_run",
    "release",
    "deployment",
];

/// The events that trigger a GitHub Actions workflow (`on:`, which a YAML
/// 1.1 reader may also have turned into the key `true`).
fn workflow_triggers(doc: &Node) -> Option<Vec<String>> {
    let on = doc.get("on").or_else(|| doc.get("true"))?;
    Some(match &on.value {
        Value::String(s) => vec![s.clone()],
        Value::Seq(items) => items.iter().filter_map(Node::scalar_text).collect(),
        Value::Map(entries) => entries.iter().map(|e| e.key.clone()).collect(),
        _ => Vec::new(),
    })
}

/// Events whose failing checks stop a change: a pull request (or merge
/// queue) check blocks the merge; a reusable workflow's failure fails its
/// caller.
const BLOCKING_EVENTS: &[&str] = &[
    "pull_request",
    "pull_request_target",
    "merge_group",
    "workflow_call",
];

/// Commands that ship something: a failure before them keeps it out.
const SHIPS: &str = r"(?i)\b(deploy|release|publish|promote|register|rollout)|\bpush_to_hub\b|\b(docker|podman)\s+push\b|\bkubectl\s+(apply|set\s+image|rollout)|\bhelm\s+(upgrade|install)\b|\bterraform\s+apply\b|\bazd\s+(up|deploy|provision)\b|\baz\s+(ml|containerapp|webapp|functionapp)\b|\bgcloud\s+\S+\s+deploy\b|\b(sam|cdk|serverless|sls)\s+deploy\b|\bmlflow\s+models\b|\bdatabricks\s+bundle\s+(deploy|run)\b";

/// In GitHub Actions, workflows and jobs run side by side: a failing step
/// stops something only when the workflow is a pull-request check, when
/// another job `needs` its job, or when a later step of its job ships
/// (deploys, registers, publishes). An eval on `push` to main that runs
/// beside the deploy gates nothing. Other CI systems run stages in order,
/// so any step that can fail stops what follows it.
pub(super) fn stops_something(doc: &Node, selected: &Selected) -> bool {
    let (Some(triggers), Some(Value::Map(jobs))) =
        (workflow_triggers(doc), doc.get("jobs").map(|j| &j.value))
    else {
        return !gitlab_job_skips_changes(doc, selected);
    };
    if triggers
        .iter()
        .any(|t| BLOCKING_EVENTS.contains(&t.as_str()))
    {
        return true;
    }
    let Some(job) = jobs
        .iter()
        .find(|j| selected.ancestors.iter().any(|a| std::ptr::eq(*a, &j.node)))
    else {
        return false;
    };
    let needed = jobs.iter().any(|other| {
        other
            .node
            .get("needs")
            .is_some_and(|needs| match &needs.value {
                Value::Seq(items) => items.iter().any(|i| i.as_str() == Some(job.key.as_str())),
                _ => needs.as_str() == Some(job.key.as_str()),
            })
    });
    if needed {
        return true;
    }
    static SHIPS_RE: std::sync::LazyLock<regex::Regex> =
        std::sync::LazyLock::new(|| regex::Regex::new(SHIPS).expect("SHIPS is a valid regex"));
    let ships = &*SHIPS_RE;
    let Some(Value::Seq(steps)) = job.node.get("steps").map(|s| &s.value) else {
        return false;
    };
    let this = steps.iter().position(|step| {
        std::ptr::eq(step, selected.node)
            || selected.ancestors.iter().any(|a| std::ptr::eq(*a, step))
    });
    let Some(this) = this else {
        return false;
    };
    steps[this + 1..].iter().any(|step| {
        ["run", "uses", "name"].iter().any(|k| {
            step.get(k)
                .and_then(Node::scalar_text)
                .is_some_and(|t| ships.is_match(&t))
        })
    })
}

/// Pipeline sources that are not a change to the code: a schedule, the web
/// UI, the API, a trigger token, chat.
const NOT_A_CHANGE: &[&str] = &[
    "schedules",
    "schedule",
    "web",
    "api",
    "triggers",
    "trigger",
    "chat",
];

/// A GitLab CI job that only runs on a schedule, by hand from the UI or API
/// (`only: [schedules]`, or `rules` whose every runnable entry asks for
/// `$CI_PIPELINE_SOURCE == "schedule"` and the like) gates no change.
fn gitlab_job_skips_changes(doc: &Node, selected: &Selected) -> bool {
    let Value::Map(entries) = &doc.value else {
        return false;
    };
    let Some(job) = entries.iter().map(|e| &e.node).find(|n| {
        std::ptr::eq(*n, selected.node) || selected.ancestors.iter().any(|a| std::ptr::eq(*a, *n))
    }) else {
        return false;
    };
    if job.get("script").is_none() {
        return false;
    }
    let list = |node: &Node| -> Vec<String> {
        match &node.value {
            Value::Seq(items) => items.iter().filter_map(Node::scalar_text).collect(),
            _ => node.scalar_text().into_iter().collect(),
        }
    };
    if let Some(only) = job.get("only") {
        let sources = match &only.value {
            Value::Map(_) => only.get("refs").map(list).unwrap_or_default(),
            _ => list(only),
        };
        if !sources.is_empty() && sources.iter().all(|s| NOT_A_CHANGE.contains(&s.as_str())) {
            return true;
        }
    }
    if let Some(Value::Seq(rules)) = job.get("rules").map(|r| &r.value) {
        let runnable: Vec<&Node> = rules
            .iter()
            .filter(|r| r.get("when").and_then(Node::as_str) != Some("never"))
            .collect();
        let source_only = |rule: &&Node| {
            rule.get("if")
                .and_then(Node::scalar_text)
                .is_some_and(|cond| {
                    cond.contains("CI_PIPELINE_SOURCE")
                        && !cond.contains("!=")
                        && !cond.contains("||")
                        && NOT_A_CHANGE.iter().any(|s| {
                            cond.contains(&format!("\"{s}\"")) || cond.contains(&format!("'{s}'"))
                        })
                })
        };
        if !runnable.is_empty() && runnable.iter().all(source_only) {
            return true;
        }
    }
    false
}

/// A workflow gates only when a change to the code can trigger it (a file
/// without `on:` is not a workflow and is judged by its own keys).
pub(super) fn workflow_can_gate(doc: &Node) -> bool {
    workflow_triggers(doc)
        .is_none_or(|triggers| triggers.iter().any(|t| CHANGE_EVENTS.contains(&t.as_str())))
        && !azure_pipeline_runs_on_no_change(doc)
}

/// An Azure Pipelines definition with `trigger: none` and `pr: none` runs
/// only by hand, on a schedule or after another pipeline: no push or pull
/// request starts it (without `pr:`, pull requests do), so it gates nothing.
fn azure_pipeline_runs_on_no_change(doc: &Node) -> bool {
    let none = |key: &str| {
        doc.get(key)
            .and_then(Node::as_str)
            .is_some_and(|v| v.eq_ignore_ascii_case("none"))
    };
    none("trigger") && none("pr")
}
