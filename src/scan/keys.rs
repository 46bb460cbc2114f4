//! Key lookups in parsed structured documents, and the CI semantics of
//! "does this step actually gate the build".

use super::ci::{gates, stops_something, workflow_can_gate};
use super::content::Pattern;
use super::shell::{shell_code, SHELL_KEYS};
use crate::node::{Node, Pos, Value};

/// A compiled key probe.
pub struct KeyMatcher {
    pub path: Vec<String>,
    pub value: Option<Pattern>,
    pub where_: Vec<(Vec<String>, Option<Pattern>)>,
    pub has: Vec<(Vec<String>, Option<Pattern>)>,
    pub gates: bool,
}

/// A hit: where it is, and the text to quote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyHit {
    pub pos: Pos,
    pub text: String,
    /// For a value regex matched inside a multi-line scalar (a `run: |`
    /// block), the line of the value that holds the match, so the evidence
    /// can cite that line rather than the key's.
    pub matched_line: Option<String>,
}

pub fn split_path(path: &str) -> Vec<String> {
    path.split('.').map(str::to_owned).collect()
}

/// A node reached by a path, with the position of the key that led to it
/// (for `run: |` blocks the key line is the useful one) and its ancestors.
pub(super) struct Selected<'a> {
    pub(super) node: &'a Node,
    pub(super) pos: Pos,
    pub(super) key: Option<&'a str>,
    pub(super) ancestors: Vec<&'a Node>,
}

fn select<'a>(root: &'a Node, path: &[String]) -> Vec<Selected<'a>> {
    let mut out = Vec::new();
    walk(root, root.pos, None, path, &mut Vec::new(), &mut out);
    out
}

fn walk<'a>(
    node: &'a Node,
    pos: Pos,
    key: Option<&'a str>,
    path: &[String],
    ancestors: &mut Vec<&'a Node>,
    out: &mut Vec<Selected<'a>>,
) {
    let Some((head, rest)) = path.split_first() else {
        out.push(Selected {
            node,
            pos,
            key,
            ancestors: ancestors.clone(),
        });
        return;
    };
    if head == "**" {
        // Zero levels, then one level deeper keeping `**`.
        walk(node, pos, key, rest, ancestors, out);
        ancestors.push(node);
        for_children(node, |child, cpos, ckey| {
            walk(child, cpos, ckey, path, ancestors, out)
        });
        ancestors.pop();
        return;
    }
    ancestors.push(node);
    match &node.value {
        Value::Map(entries) => {
            for entry in entries {
                if segment_matches(head, &entry.key) {
                    walk(
                        &entry.node,
                        entry.key_pos,
                        Some(&entry.key),
                        rest,
                        ancestors,
                        out,
                    );
                }
            }
        }
        Value::Seq(items) => {
            for (i, item) in items.iter().enumerate() {
                if head == "*" || head.parse::<usize>().ok() == Some(i) {
                    walk(item, item.pos, None, rest, ancestors, out);
                }
            }
        }
        _ => {}
    }
    ancestors.pop();
}

/// A path segment: `*`, a literal key, or `{a,b,c}` alternatives.
fn segment_matches(segment: &str, key: &str) -> bool {
    if segment == "*" || segment == key {
        return true;
    }
    segment
        .strip_prefix('{')
        .and_then(|s| s.strip_suffix('}'))
        .is_some_and(|alts| alts.split(',').any(|alt| alt.trim() == key))
}

fn for_children<'a>(node: &'a Node, mut f: impl FnMut(&'a Node, Pos, Option<&'a str>)) {
    match &node.value {
        Value::Map(entries) => entries
            .iter()
            .for_each(|e| f(&e.node, e.key_pos, Some(&e.key))),
        Value::Seq(items) => items.iter().for_each(|i| f(i, i.pos, None)),
        _ => {}
    }
}

/// The line of a multi-line `text` that holds `regex`'s first match (in the
/// script as the shell reads it, for a shell value).
fn matched_line(text: &str, regex: Option<&Pattern>, shell: bool) -> Option<String> {
    if !text.contains('\n') {
        return None;
    }
    let code = if shell {
        shell_code(text)
    } else {
        text.to_owned()
    };
    let start = regex?.find_start(code.as_bytes())?;
    let index = code.as_bytes()[..start]
        .iter()
        .filter(|&&b| b == b'\n')
        .count();
    text.split('\n').nth(index).map(str::to_owned)
}

/// The 1-based line, at or after `from_line`, where the source spells
/// `wanted` (a line of a literal block scalar) on its own line.
pub fn source_line_of(source: &str, from_line: u32, wanted: &str) -> Option<u32> {
    /// A block scalar longer than this is cited at its key.
    const WINDOW: usize = 4096;
    let wanted = wanted.trim();
    if wanted.is_empty() {
        return None;
    }
    source
        .lines()
        .enumerate()
        .skip((from_line as usize).saturating_sub(1))
        .take(WINDOW)
        .find(|(_, line)| line.trim() == wanted)
        .and_then(|(index, _)| u32::try_from(index + 1).ok())
}

/// Does a value test hold for this node? Returns the matching position and
/// text: the scalar itself, an element of a sequence, or a key of a map.
fn value_hit(node: &Node, pos: Pos, regex: Option<&Pattern>, shell: bool) -> Option<(Pos, String)> {
    let Some(regex) = regex else {
        return match node.value {
            Value::Null => None,
            _ => Some((pos, node.scalar_text().unwrap_or_default())),
        };
    };
    let matches = |text: &str| {
        if shell {
            regex.is_match(shell_code(text).as_bytes())
        } else {
            regex.is_match(text.as_bytes())
        }
    };
    match &node.value {
        Value::Seq(items) => items.iter().find_map(|item| {
            item.scalar_text()
                .filter(|t| matches(t))
                .map(|t| (item.pos, t))
        }),
        Value::Map(entries) => entries
            .iter()
            .find(|e| regex.is_match(e.key.as_bytes()))
            .map(|e| (e.key_pos, e.key.clone())),
        _ => node.scalar_text().filter(|t| matches(t)).map(|t| (pos, t)),
    }
}

fn is_shell(selected: &Selected) -> bool {
    selected.key.is_some_and(|key| SHELL_KEYS.contains(&key))
}

fn condition_holds(base: &Node, path: &[String], regex: Option<&Pattern>) -> bool {
    select(base, path)
        .iter()
        .any(|s| value_hit(s.node, s.pos, regex, is_shell(s)).is_some())
}

/// The first node at `path` under `base` that satisfies `regex`, as a hit.
fn condition_hit(base: &Node, path: &[String], regex: Option<&Pattern>) -> Option<KeyHit> {
    select(base, path).iter().find_map(|s| {
        let shell = is_shell(s);
        let (pos, text) = value_hit(s.node, s.pos, regex, shell)?;
        Some(key_hit(s, pos, text, regex, shell))
    })
}

/// The hit for a node whose value satisfied `regex`: its position (the
/// key's when the value has none), its text quoted as `key: value`, and the
/// line of a multi-line value that holds the match.
fn key_hit(
    selected: &Selected,
    pos: Pos,
    text: String,
    regex: Option<&Pattern>,
    shell: bool,
) -> KeyHit {
    let matched_line = matched_line(&text, regex, shell);
    let shown = match (selected.key, text.is_empty()) {
        (Some(key), false) => format!("{key}: {text}"),
        (Some(key), true) => format!("{key}:"),
        (None, _) => text,
    };
    let pos = if pos.line == 0 { selected.pos } else { pos };
    KeyHit {
        pos,
        text: shown,
        matched_line,
    }
}

impl KeyMatcher {
    /// Every hit of this matcher in one document.
    pub fn find(&self, doc: &Node) -> Vec<KeyHit> {
        if !self
            .where_
            .iter()
            .all(|(path, regex)| condition_holds(doc, path, regex.as_ref()))
        {
            return Vec::new();
        }
        if self.gates && !workflow_can_gate(doc) {
            return Vec::new();
        }
        let mut hits = Vec::new();
        for selected in select(doc, &self.path) {
            let shell = is_shell(&selected);
            let Some((pos, text)) =
                value_hit(selected.node, selected.pos, self.value.as_ref(), shell)
            else {
                continue;
            };
            if !self
                .has
                .iter()
                .all(|(path, regex)| condition_holds(selected.node, path, regex.as_ref()))
            {
                continue;
            }
            if self.gates && !(gates(&selected, &text) && stops_something(doc, &selected)) {
                continue;
            }
            // Without a value regex, the evidence cites the node that
            // satisfies the first `has` regex (the step that runs `dvc
            // pull`, not the job that holds it).
            let cited =
                match &self.value {
                    Some(_) => None,
                    None => self.has.iter().find(|(_, regex)| regex.is_some()).and_then(
                        |(path, regex)| condition_hit(selected.node, path, regex.as_ref()),
                    ),
                };
            hits.push(
                cited.unwrap_or_else(|| key_hit(&selected, pos, text, self.value.as_ref(), shell)),
            );
        }
        hits
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::node::parse_yaml_documents;
    use crate::scan::content::compile_regex;

    fn matcher(path: &str, value: Option<&str>, gates: bool) -> KeyMatcher {
        KeyMatcher {
            path: split_path(path),
            value: value.map(|v| compile_regex(v).unwrap()),
            where_: Vec::new(),
            has: Vec::new(),
            gates,
        }
    }

    fn lines(m: &KeyMatcher, yaml: &str) -> Vec<u32> {
        parse_yaml_documents(yaml, false)
            .unwrap()
            .iter()
            .flat_map(|d| m.find(d))
            .map(|h| h.pos.line)
            .collect()
    }

    const WORKFLOW: &str = "on: [pull_request]\njobs:\n  eval:\n    runs-on: x\n    steps:\n      - run: python eval.py\n      - run: python eval.py --soft\n        continue-on-error: true\n      - run: python eval.py || true\n      - run: |\n          set -e\n          python evaluate.py\n";

    #[test]
    fn a_step_that_cannot_fail_the_build_is_not_a_gate() {
        let m = matcher("jobs.*.steps.*.run", Some(r"\beval(uate)?\.py"), true);
        assert_eq!(lines(&m, WORKFLOW), vec![6, 10]);
        let ungated = matcher("jobs.*.steps.*.run", Some(r"\beval(uate)?\.py"), false);
        assert_eq!(lines(&ungated, WORKFLOW), vec![6, 7, 9, 10]);
    }

    #[test]
    fn job_level_tolerance_and_gitlab_allow_failure_are_not_gates() {
        let gh = "on: push\njobs:\n  eval:\n    continue-on-error: true\n    steps:\n      - run: python eval.py\n";
        let m = matcher("jobs.*.steps.*.run", Some("eval"), true);
        assert!(lines(&m, gh).is_empty());
        let gitlab = "eval:\n  script:\n    - python eval.py\n  allow_failure: true\ngate:\n  script: [\"python eval.py\"]\n";
        let m = matcher("*.script", Some("eval"), true);
        assert_eq!(lines(&m, gitlab), vec![6]);
    }

    #[test]
    fn cloud_build_and_codebuild_tolerance_is_not_a_gate() {
        let cloudbuild = "steps:\n  - name: python\n    args: [python, eval.py]\n    allowFailure: true\n  - name: python\n    args: [python, eval.py, --strict]\n";
        let m = matcher("steps.*.args", Some("eval"), true);
        assert_eq!(lines(&m, cloudbuild), vec![6]);
        let buildspec =
            "phases:\n  build:\n    on-failure: CONTINUE\n    commands:\n      - python eval.py\n";
        let m = matcher("phases.*.commands", Some("eval"), true);
        assert!(lines(&m, buildspec).is_empty());
    }

    #[test]
    fn on_push_a_step_gates_only_what_waits_for_it() {
        let m = matcher("jobs.*.steps.*.run", Some("evaluate"), true);
        // Beside the deploy, in its own workflow: stops nothing.
        let alone = "on:\n  push:\n    branches: [main]\njobs:\n  evaluate:\n    steps:\n      - run: python -m evaluate\n      - uses: actions/upload-artifact@v4\n";
        assert!(lines(&m, alone).is_empty());
        // A deploy job that needs it, or a deploy step after it: a gate.
        let needed = "on: push\njobs:\n  evaluate:\n    steps:\n      - run: python -m evaluate\n  ship:\n    needs: [evaluate]\n    steps:\n      - run: ./release.sh\n";
        assert_eq!(lines(&m, needed), [5]);
        let needed_one = needed.replace("needs: [evaluate]", "needs: evaluate");
        assert_eq!(lines(&m, &needed_one), [5]);
        let before_deploy = "on: push\njobs:\n  cd:\n    steps:\n      - run: python -m evaluate\n      - name: Deploy the endpoint\n        run: ./scripts/roll.sh\n";
        assert_eq!(lines(&m, before_deploy), [5]);
        // Other CI systems run stages in order: no change there.
        let gitlab = "evaluate:\n  stage: test\n  script: [python -m evaluate]\n";
        assert_eq!(
            lines(&matcher("*.script", Some("evaluate"), true), gitlab),
            [3]
        );
    }

    #[test]
    fn gitlab_jobs_that_run_only_on_a_schedule_or_by_hand_are_not_gates() {
        let m = matcher("*.script", Some("evaluate"), true);
        for (job, gates) in [
            ("only: [schedules]", false),
            ("only: {refs: [web, api]}", false),
            ("rules:\n    - if: '$CI_PIPELINE_SOURCE == \"schedule\"'", false),
            ("rules:\n    - if: $CI_PIPELINE_SOURCE == 'web'\n    - when: never", false),
            ("rules:\n    - if: $CI_PIPELINE_SOURCE == \"merge_request_event\"", true),
            ("rules:\n    - if: $CI_PIPELINE_SOURCE == \"schedule\"\n    - if: $CI_COMMIT_BRANCH == \"main\"", true),
            ("only: [main, merge_requests]", true),
        ] {
            let yaml = format!("evaluate:\n  {job}\n  script: [python -m evaluate]\n");
            assert_eq!(!lines(&m, &yaml).is_empty(), gates, "{job}");
        }
    }

    #[test]
    fn a_match_inside_a_run_block_is_cited_at_its_own_line() {
        let wf = "on: [pull_request]\njobs:\n  e:\n    steps:\n      - run: |\n          # python evaluate.py --old\n          echo \"evaluate next\"\n          pip install .\n          python evaluate.py --split test\n";
        let m = matcher("jobs.*.steps.*.run", Some(r"evaluate"), false);
        let doc = &parse_yaml_documents(wf, false).unwrap()[0];
        let hits = m.find(doc);
        assert_eq!(hits.len(), 1);
        let wanted = hits[0].matched_line.as_deref().unwrap();
        assert_eq!(wanted, "python evaluate.py --split test");
        assert_eq!(source_line_of(wf, hits[0].pos.line, wanted), Some(9));
    }

    #[test]
    fn commented_out_or_printed_commands_never_match() {
        let m = matcher("jobs.*.steps.*.run", Some(r"evaluate"), false);
        for run in [
            "run: |\n          # python evaluate.py",
            "run: echo 'python evaluate.py is disabled'",
            "run: python train.py # evaluate later",
        ] {
            let wf = format!("on: [pull_request]\njobs:\n  e:\n    steps:\n      - {run}\n");
            assert!(lines(&m, &wf).is_empty(), "{run}");
        }
        // Only in shell values: a key that is not a script keeps its text.
        let named = matcher("jobs.*.steps.*.name", Some(r"evaluate"), false);
        let wf = "on: [pull_request]\njobs:\n  e:\n    steps:\n      - name: echo evaluate\n";
        assert_eq!(lines(&named, wf), vec![5]);
    }

    #[test]
    fn azure_pipelines_that_no_push_or_pull_request_starts_are_not_gates() {
        let m = matcher("**.steps.*.script", Some("evaluate"), true);
        let steps = "steps:\n  - script: python -m churn.evaluate\n";
        for (head, gates) in [
            (
                "trigger: none\npr: none\nschedules:\n  - cron: '0 3 * * *'\n",
                false,
            ),
            ("trigger: none\npr: none\n", false),
            ("trigger: none\n", true),
            ("trigger: [main]\npr: none\n", true),
            ("", true),
        ] {
            let yaml = format!("{head}{steps}");
            assert_eq!(!lines(&m, &yaml).is_empty(), gates, "{head}");
        }
    }

    #[test]
    fn manual_only_workflows_are_not_gates() {
        let wf = "on: workflow_dispatch\njobs:\n  e:\n    steps:\n      - run: python eval.py\n";
        assert!(lines(&matcher("jobs.*.steps.*.run", Some("eval"), true), wf).is_empty());
    }

    #[test]
    fn workflows_that_no_change_triggers_are_not_gates() {
        let m = matcher("jobs.*.steps.*.run", Some("pytest"), true);
        for on in [
            "issues",
            "[issues, issue_comment]",
            "{schedule: [{cron: '0 0 * * *'}]}",
        ] {
            let wf = format!("on: {on}\njobs:\n  t:\n    steps:\n      - run: pytest\n");
            assert!(lines(&m, &wf).is_empty(), "{on}");
        }
        for on in ["[pull_request]", "{merge_group: {}, workflow_dispatch: {}}"] {
            let wf = format!("on: {on}\njobs:\n  t:\n    steps:\n      - run: pytest\n");
            assert_eq!(lines(&m, &wf), [5], "{on}");
        }
        for on in ["push", "release"] {
            let wf = format!(
                "on: {on}\njobs:\n  t:\n    steps:\n      - run: pytest\n      - run: azd deploy\n"
            );
            assert_eq!(lines(&m, &wf), [5], "{on}");
        }
        let lint = "on: push\njobs:\n  l:\n    steps:\n      - run: flake8 . --exit-zero\n";
        assert!(lines(&matcher("jobs.*.steps.*.run", Some("flake8"), true), lint).is_empty());
    }

    #[test]
    fn where_and_has_filter_documents_and_nodes() {
        let yaml = "apiVersion: serving.kserve.io/v1beta1\nkind: InferenceService\nspec:\n  predictor:\n    canaryTrafficPercent: 10\n---\nkind: Other\nspec:\n  predictor:\n    canaryTrafficPercent: 10\n";
        let mut m = matcher(
            "spec.predictor.canaryTrafficPercent",
            Some("^([1-9]|[1-9][0-9])$"),
            false,
        );
        m.where_ = vec![(
            split_path("kind"),
            Some(compile_regex("^InferenceService$").unwrap()),
        )];
        assert_eq!(lines(&m, yaml), vec![5]);
        let hundred = yaml.replace(
            "canaryTrafficPercent: 10\n---",
            "canaryTrafficPercent: 100\n---",
        );
        assert!(lines(&m, &hundred).is_empty());

        let mut step = matcher("jobs.*.steps.*", None, false);
        step.has = vec![(
            split_path("uses"),
            Some(compile_regex("upload-artifact").unwrap()),
        )];
        let wf = "jobs:\n  a:\n    steps:\n      - uses: actions/checkout@v4\n      - uses: actions/upload-artifact@v4\n";
        assert_eq!(lines(&step, wf), vec![5]);
    }

    #[test]
    fn brace_segments_are_alternatives() {
        let m = matcher("steps.*.{run,script}", None, false);
        assert_eq!(
            lines(&m, "steps:\n  - run: a\n  - script: b\n  - other: c\n"),
            vec![2, 3]
        );
    }

    #[test]
    fn double_star_matches_any_depth() {
        let m = matcher("**.canaryTrafficPercent", None, false);
        assert_eq!(
            lines(&m, "a:\n  b:\n    canaryTrafficPercent: 5\n"),
            vec![3]
        );
    }
}
