//! Python read as code, not lines: a file is parsed with tree-sitter, its
//! imports and simple assignments resolve names (`from azureml.core import
//! Model as M` … `M.register(` is `azureml.core.Model.register`), and each call
//! is recorded with its qualified name, its keyword arguments (wherever the
//! line breaks fall) and the conditions that guard it: an enclosing `if`,
//! `elif`, `else`, `while`, conditional expression or `with dsl.Condition(…)`,
//! or an earlier `if …: raise` / `assert …` in the same block that stops the
//! run before the call is reached.
//!
//! Comments and strings are never calls, so a commented-out registration or
//! one quoted in a docstring does not count. The walk is iterative and every
//! list it builds is bounded, so deeply nested or huge input cannot overflow
//! the stack or grow without limit.

mod names;
mod syntax;
mod walk;

use crate::scan::py_segments::Segment;
use std::cell::RefCell;
use tree_sitter::{Parser, Point, Range};

/// Files larger than this are not parsed (the scan records why).
pub const MAX_PARSE_BYTES: usize = 2 << 20;
/// At most this many calls are recorded per file.
const MAX_CALLS: usize = 20_000;
/// At most this many guards are reported per call (the nearest ones).
const MAX_GUARDS: usize = 8;
/// Guard conditions longer than this are cut (they are only matched and shown).
const MAX_CONDITION: usize = 240;

/// One call in a Python file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Call {
    /// Dotted name with imports and simple assignments resolved:
    /// `mlflow.register_model`, `sagemaker.workflow.condition_step.ConditionStep`,
    /// `client.create_model_version` when `client` is not resolvable. A part
    /// that is not a name (a subscript, a literal) is written `_`.
    pub name: String,
    /// The name with imports resolved but not assignments, when it differs:
    /// `deploy_component(...)` after `deploy_component = make_component(f)`.
    pub written: Option<String>,
    /// Names of the keyword arguments.
    pub keywords: Vec<String>,
    /// 1-based line where the call starts.
    pub line: u32,
    /// The conditions under which the call runs, nearest first.
    pub guards: Vec<Guard>,
}

/// A condition that must hold for a call to run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Guard {
    /// The condition's source text on one line (`auc >= MIN_AUC`).
    pub condition: String,
    pub line: u32,
}

/// What a file says as code.
#[derive(Debug, Default)]
pub struct Facts {
    pub calls: Vec<Call>,
}

/// Parses `text` as Python. Syntax errors do not fail: tree-sitter recovers,
/// and what it recognises is used (templates with Jinja placeholders parse
/// mostly). Returns `None` only when the parser cannot run at all.
pub fn facts(text: &str) -> Option<Facts> {
    facts_in(text, &[])
}

/// [`facts`] from the given top-level statements of `text` alone (all of
/// it when `parts` is empty): the parser skips the rest, and what it reads
/// keeps its place (lines and offsets are the file's).
pub fn facts_in(text: &str, parts: &[Segment]) -> Option<Facts> {
    // One parser per thread, reset for each file: making one and setting
    // its language took a tenth of a small file's parse.
    thread_local! {
        static PARSER: RefCell<Option<Parser>> = const { RefCell::new(None) };
    }
    let tree = PARSER.with(|cell| {
        let mut slot = cell.borrow_mut();
        if slot.is_none() {
            let mut parser = Parser::new();
            parser.set_language(syntax::language()).ok()?;
            *slot = Some(parser);
        }
        let parser = slot.as_mut()?;
        parser.reset();
        // No ranges: the whole text.
        parser.set_included_ranges(&ranges(parts)).ok()?;
        parser.parse(text, None)
    })?;
    let src = text.as_bytes();
    let root = tree.root_node();
    let names = names::bindings(root, src);
    Some(walk::Walk::new(src, &names).run(root))
}

/// The parser's ranges for `parts`: adjacent ones joined. Each part is
/// whole lines, so every range starts at a column 0.
fn ranges(parts: &[Segment]) -> Vec<Range> {
    let mut ranges: Vec<Range> = Vec::with_capacity(parts.len());
    for part in parts {
        match ranges.last_mut() {
            Some(last) if last.end_byte == part.start => {
                last.end_byte = part.end;
                last.end_point = Point::new(part.end_row, 0);
            }
            _ => ranges.push(Range {
                start_byte: part.start,
                end_byte: part.end,
                start_point: Point::new(part.start_row, 0),
                end_point: Point::new(part.end_row, 0),
            }),
        }
    }
    ranges
}

/// Source text on one line, cut to [`MAX_CONDITION`] bytes.
fn one_line(text: &str) -> String {
    let mut line = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if line.len() > MAX_CONDITION {
        let mut cut = MAX_CONDITION;
        while !line.is_char_boundary(cut) {
            cut -= 1;
        }
        line.truncate(cut);
    }
    line
}

#[cfg(test)]
mod tests {
    use super::*;

    fn calls(text: &str) -> Vec<Call> {
        facts(text).unwrap().calls
    }

    fn find<'a>(calls: &'a [Call], suffix: &str) -> &'a Call {
        calls
            .iter()
            .find(|c| c.name.ends_with(suffix))
            .unwrap_or_else(|| panic!("no call ending in {suffix}: {calls:#?}"))
    }

    /// The thread's one parser forgets each file: the ranges of a sliced
    /// parse do not cut the next file's.
    #[test]
    fn a_parse_reads_nothing_of_the_one_before() {
        let text = "import mlflow\n\ndef a():\n    mlflow.log_metric('x', 1)\n\ndef b():\n    mlflow.register_model('m')\n";
        let alone = calls(text);
        assert_eq!(alone.len(), 2);
        // Only the module's imports and `b`.
        let sliced = Segment {
            start: 0,
            end: 14,
            start_row: 0,
            end_row: 1,
            definition: false,
        };
        let b_start = text.find("def b").unwrap();
        let b = Segment {
            start: b_start,
            end: text.len(),
            start_row: 5,
            end_row: 7,
            definition: true,
        };
        let some = facts_in(text, &[sliced, b]).unwrap().calls;
        assert_eq!(some.len(), 1, "{some:#?}");
        assert_eq!(calls(text), alone);
    }

    #[test]
    fn imports_and_aliases_resolve_call_names() {
        let text = "import mlflow as mf\nfrom azureml.core import Model as M\nfrom sagemaker.workflow.condition_step import ConditionStep\nfrom mlflow.tracking import MlflowClient\nclient = MlflowClient()\nmf.register_model('runs:/1/m', 'm')\nM.register(workspace=ws, model_path='m', model_name='n')\nConditionStep(name='c', if_steps=[s])\nclient.create_model_version(name='n', source='s')\n";
        let calls = calls(text);
        let names: Vec<&str> = calls.iter().map(|c| c.name.as_str()).collect();
        assert!(names.contains(&"mlflow.register_model"), "{names:?}");
        assert!(names.contains(&"azureml.core.Model.register"), "{names:?}");
        assert!(names.contains(&"sagemaker.workflow.condition_step.ConditionStep"));
        assert!(names.contains(&"mlflow.tracking.MlflowClient.create_model_version"));
        let register = find(&calls, "Model.register");
        assert_eq!(
            register.keywords,
            vec!["workspace", "model_path", "model_name"]
        );
        assert_eq!(register.line, 7);
    }

    #[test]
    fn names_bound_in_a_definition_stay_in_it() {
        let text = "from mlflow.tracking import MlflowClient\nimport boto3\n\
            client = boto3.client('s3')\n\
            def register():\n    client = MlflowClient()\n    client.create_model_version(name='n')\n\
            def upload():\n    client.upload_file('a', 'b', 'c')\n\
            class Job:\n    def run(self):\n        from sagemaker import Model as M\n        M(image_uri='x').deploy()\n\
            def later():\n    M.deploy()\n";
        let calls = calls(text);
        // The module's binding holds in a definition that does not bind the
        // name again; one that does sees its own.
        find(&calls, "mlflow.tracking.MlflowClient.create_model_version");
        find(&calls, "boto3.client.upload_file");
        find(&calls, "sagemaker.Model.deploy");
        // An import inside one definition means nothing in another.
        assert!(calls.iter().any(|c| c.name == "M.deploy"), "{calls:#?}");
    }

    #[test]
    fn only_the_given_statements_are_parsed_and_keep_their_lines() {
        let text = "import sys\nMIN = 0.8\n\
            def noise():\n    print('x')\n\
            def check(auc):\n    if auc < MIN:\n        sys.exit(1)\n\
            check(0.5)\n";
        let segments = crate::scan::py_segments::split(text).unwrap();
        assert_eq!(segments.len(), 4);
        let parts: Vec<_> = segments
            .iter()
            .copied()
            .filter(|s| !s.definition || s.start_row != 2)
            .collect();
        let sliced = facts_in(text, &parts).unwrap().calls;
        let whole = calls(text);
        let kept: Vec<&Call> = whole.iter().filter(|c| c.line != 4).collect();
        assert_eq!(sliced.iter().collect::<Vec<_>>(), kept);
        assert_eq!(find(&sliced, "sys.exit").line, 7);
        assert_eq!(find(&sliced, "sys.exit").guards[0].condition, "auc < MIN");
        assert!(!sliced.iter().any(|c| c.name == "print"));
    }

    #[test]
    fn keyword_arguments_are_found_across_line_breaks() {
        let text = "result = mlflow.evaluate(\n    model_uri,\n    data,\n    targets='y',\n    validation_thresholds=thresholds,\n)\n";
        let calls = calls(text);
        let evaluate = find(&calls, "mlflow.evaluate");
        assert_eq!(evaluate.line, 1);
        assert_eq!(evaluate.keywords, vec!["targets", "validation_thresholds"]);
    }

    #[test]
    fn comments_and_strings_hold_no_calls() {
        let text = "# mlflow.register_model(uri, 'm')\n\"\"\"\nmlflow.register_model(uri, 'm')\n\"\"\"\nx = 'mlflow.register_model(uri)'\n";
        assert!(calls(text)
            .iter()
            .all(|c| !c.name.contains("register_model")));
    }

    #[test]
    fn enclosing_conditions_guard_a_call() {
        let text =
            "if metrics['auc'] >= MIN_AUC:\n    client.register_model(m)\nelse:\n    notify()\n";
        let calls = calls(text);
        assert_eq!(
            find(&calls, "register_model").guards,
            vec![Guard {
                condition: "metrics['auc'] >= MIN_AUC".into(),
                line: 1
            }]
        );
        // The `else` branch is guarded by the same condition.
        assert_eq!(find(&calls, "notify").guards.len(), 1);
    }

    #[test]
    fn a_comment_inside_a_condition_is_not_part_of_it() {
        let text =
            "if (ready  # was: auc > 0.9\n        and approved):\n    client.register_model(m)\n";
        let calls = calls(text);
        let guard = &find(&calls, "register_model").guards[0];
        assert_eq!(guard.condition, "(ready and approved)");
        // Every condition is text of what the guard prefilter reads.
        let conditions = super::super::py_code::read(text).conditions;
        assert!(
            conditions.lines().any(|l| l.contains(&guard.condition)),
            "{conditions}"
        );
    }

    #[test]
    fn an_earlier_stop_in_the_same_block_guards_what_follows() {
        let text = "def promote(run):\n    if run.f1 < threshold:\n        raise ValueError('too weak')\n    assert run.auc > 0.8\n    mlflow.register_model(run.uri, 'm')\n";
        let calls = calls(text);
        let guards: Vec<&str> = find(&calls, "register_model")
            .guards
            .iter()
            .map(|g| g.condition.as_str())
            .collect();
        assert_eq!(guards, vec!["run.auc > 0.8", "run.f1 < threshold"]);
    }

    #[test]
    fn a_condition_that_does_not_stop_the_run_guards_nothing_after_it() {
        let text = "if auc < threshold:\n    print('weak')\nmlflow.register_model(uri, 'm')\n";
        assert!(find(&calls(text), "register_model").guards.is_empty());
    }

    #[test]
    fn a_helper_called_under_a_guard_passes_the_guard_to_its_calls() {
        let text = "def register(uri):\n    mlflow.register_model(uri, 'm')\n\nif auc > best_auc:\n    register(uri)\n";
        let calls = calls(text);
        assert_eq!(
            find(&calls, "mlflow.register_model").guards[0].condition,
            "auc > best_auc"
        );
    }

    #[test]
    fn a_nested_helper_takes_guards_only_from_calls_that_see_its_name() {
        let text = "def a():\n    def helper():\n        mlflow.register_model(u, 'm')\n    helper()\n\n\
                    def b():\n    def helper():\n        pass\n    if auc > best:\n        helper()\n\n\
                    def c():\n    def helper():\n        mlflow.log_model(m)\n    class Step:\n        \
                    def run(self):\n            if f1 > 0.9:\n                helper()\n";
        let found = calls(text);
        // `b` calls its own `helper`: `a`'s is not guarded.
        assert!(find(&found, "register_model").guards.is_empty());
        // Inside `c`, a method of a class defined there sees `c`'s helper.
        assert_eq!(find(&found, "log_model").guards[0].condition, "f1 > 0.9");
        // A method is called through its object, from anywhere.
        let text = "class P:\n    def promote(self):\n        mlflow.register_model(u, 'm')\n\n\
                    def main(p):\n    if auc > best:\n        p.promote()\n";
        assert_eq!(
            find(&calls(text), "register_model").guards[0].condition,
            "auc > best"
        );
    }

    #[test]
    fn a_flag_assigned_from_a_comparison_reads_as_that_comparison() {
        let text = "wins = new_rmse < prod_rmse\nif wins:\n    client.set_registered_model_alias(n, 'prod', v)\n";
        assert_eq!(
            find(&calls(text), "set_registered_model_alias").guards[0].condition,
            "wins (new_rmse < prod_rmse)"
        );
        let text = "better = (\n    (new < old) if lower_is_better else (new > old)\n)\nif not better:\n    raise RuntimeError('keep the champion')\npromote(v)\n";
        assert_eq!(
            find(&calls(text), "promote").guards[0].condition,
            "not better (( (new < old) if lower_is_better else (new > old) ))"
        );
    }

    #[test]
    fn a_call_matches_by_the_name_it_was_written_with_too() {
        let text = "from kfp.components import create_component_from_func as make\ndeploy_component = make(deploy)\ndeploy_component(model=m)\n";
        let calls = calls(text);
        let call = calls.iter().find(|c| c.line == 3).unwrap();
        assert_eq!(call.name, "kfp.components.create_component_from_func");
        assert_eq!(call.written.as_deref(), Some("deploy_component"));
    }

    #[test]
    fn kubeflow_condition_blocks_guard_their_tasks() {
        let text = "with dsl.Condition(eval_task.outputs['auc'] > 0.8):\n    deploy_op(model=m)\n";
        let calls = calls(text);
        assert!(find(&calls, "deploy_op").guards[0]
            .condition
            .contains("outputs['auc'] > 0.8"));
    }

    #[test]
    fn hostile_nesting_neither_overflows_nor_explodes() {
        let deep = format!("{}x{}", "f(".repeat(50_000), ")".repeat(50_000));
        let facts = facts(&deep).unwrap();
        assert!(facts.calls.len() <= MAX_CALLS);
        let ifs: String = (0..2_000)
            .map(|i| format!("{}if a{i} > 1:\n", " ".repeat(i % 80)))
            .collect();
        assert!(facts_ok(&ifs));
        assert!(facts_ok(
            "def (:\n  ))) if if\n\u{0}\u{7f} register_model(\n"
        ));
    }

    fn facts_ok(text: &str) -> bool {
        facts(text).is_some()
    }
}
