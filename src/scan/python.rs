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

use std::collections::HashMap;
use tree_sitter::{Node, Parser};

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
    let mut parser = Parser::new();
    parser
        .set_language(&tree_sitter_python::LANGUAGE.into())
        .ok()?;
    let tree = parser.parse(text, None)?;
    let src = text.as_bytes();
    let names = bindings(tree.root_node(), src);
    Some(Walk::new(src, &names).run(tree.root_node()))
}

/// Name bindings from imports and from `x = <name or call>` assignments, in
/// document order (a later binding wins, as it does at run time for code
/// below it); and flags: names assigned a comparison (`wins = new_auc >
/// old_auc`), so that `if wins:` reads as the comparison it stands for.
fn bindings(root: Node, src: &[u8]) -> Names {
    let mut map: HashMap<String, String> = HashMap::new();
    let mut assigned: HashMap<String, String> = HashMap::new();
    let mut flags: HashMap<String, String> = HashMap::new();
    let mut stack = vec![root];
    let mut order = Vec::new();
    while let Some(node) = stack.pop() {
        match node.kind() {
            "import_statement" | "import_from_statement" | "assignment" => order.push(node),
            _ => {}
        }
        for i in (0..node.named_child_count()).rev() {
            if let Some(child) = node.named_child(i as u32) {
                stack.push(child);
            }
        }
    }
    for node in order {
        match node.kind() {
            "import_statement" => {
                for name in children_by_field(node, "name") {
                    if name.kind() == "aliased_import" {
                        if let (Some(target), Some(alias)) = (
                            name.child_by_field_name("name"),
                            name.child_by_field_name("alias"),
                        ) {
                            map.insert(text_of(alias, src), dotted_text(target, src));
                        }
                    }
                    // `import a.b.c` binds `a` to itself: nothing to record.
                }
            }
            "import_from_statement" => {
                let module = node
                    .child_by_field_name("module_name")
                    .map(|m| dotted_text(m, src).trim_start_matches('.').to_owned())
                    .unwrap_or_default();
                let qualify = |name: &str| {
                    if module.is_empty() {
                        name.to_owned()
                    } else {
                        format!("{module}.{name}")
                    }
                };
                for name in children_by_field(node, "name") {
                    match name.kind() {
                        "aliased_import" => {
                            if let (Some(target), Some(alias)) = (
                                name.child_by_field_name("name"),
                                name.child_by_field_name("alias"),
                            ) {
                                map.insert(text_of(alias, src), qualify(&dotted_text(target, src)));
                            }
                        }
                        _ => {
                            let local = dotted_text(name, src);
                            map.insert(local.clone(), qualify(&local));
                        }
                    }
                }
            }
            "assignment" => {
                let (Some(left), Some(right)) = (
                    node.child_by_field_name("left"),
                    node.child_by_field_name("right"),
                ) else {
                    continue;
                };
                if left.kind() != "identifier" {
                    continue;
                }
                if matches!(
                    right.kind(),
                    "comparison_operator"
                        | "boolean_operator"
                        | "not_operator"
                        | "parenthesized_expression"
                        | "conditional_expression"
                ) && contains_kind(right, "comparison_operator")
                {
                    flags.insert(text_of(left, src), one_line(&code_text(right, src)));
                    continue;
                }
                let value = match right.kind() {
                    "call" => right.child_by_field_name("function"),
                    "identifier" | "attribute" => Some(right),
                    _ => None,
                };
                if let Some(value) = value.and_then(|v| qualified(v, src, &map, Some(&assigned))) {
                    let local = text_of(left, src);
                    // `x = x.child()` keeps what `x` was: the receiver is unchanged.
                    if !value.starts_with('_') && value != local {
                        assigned.insert(local, value);
                    }
                }
            }
            _ => {}
        }
    }
    Names {
        imports: map,
        assigned,
        flags,
    }
}

/// What names stand for in one file.
struct Names {
    /// Import bindings: local name → qualified module path.
    imports: HashMap<String, String>,
    /// `x = Client()` / `x = y.z`: local name → what was assigned.
    assigned: HashMap<String, String>,
    /// Names assigned a comparison → its text.
    flags: HashMap<String, String>,
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

fn children_by_field<'t>(node: Node<'t>, field: &str) -> Vec<Node<'t>> {
    let mut cursor = node.walk();
    node.children_by_field_name(field, &mut cursor).collect()
}

fn text_of(node: Node, src: &[u8]) -> String {
    String::from_utf8_lossy(&src[node.byte_range()]).into_owned()
}

/// A node's source text with the comments inside it (a condition written
/// over several lines may hold some) replaced by a space: a commented-out
/// comparison is no condition.
fn code_text(node: Node, src: &[u8]) -> String {
    let mut comments = Vec::new();
    let mut stack = vec![node];
    while let Some(n) = stack.pop() {
        if n.kind() == "comment" {
            comments.push(n.byte_range());
            continue;
        }
        for i in 0..n.child_count() {
            if let Some(child) = n.child(i) {
                stack.push(child);
            }
        }
    }
    if comments.is_empty() {
        return text_of(node, src);
    }
    comments.sort_unstable_by_key(|r| r.start);
    let mut out = Vec::with_capacity(node.byte_range().len());
    let mut at = node.start_byte();
    for range in comments {
        out.extend_from_slice(&src[at..range.start]);
        out.push(b' ');
        at = range.end;
    }
    out.extend_from_slice(&src[at..node.end_byte()]);
    String::from_utf8_lossy(&out).into_owned()
}

/// A `dotted_name` (or identifier) without the whitespace Python allows in it.
fn dotted_text(node: Node, src: &[u8]) -> String {
    text_of(node, src)
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '\\')
        .collect()
}

/// The dotted name of a callee expression with its first part resolved:
/// identifiers and attribute chains; a call in the chain stands for what it
/// returns (`MlflowClient().create_model_version` →
/// `mlflow.tracking.MlflowClient.create_model_version`); anything else is `_`.
/// Without `assigned`, only imports are resolved: the name as written.
fn qualified(
    node: Node,
    src: &[u8],
    imports: &HashMap<String, String>,
    assigned: Option<&HashMap<String, String>>,
) -> Option<String> {
    let mut parts = Vec::new();
    let mut current = node;
    // Bounded: a chain is as long as the text, and each step moves inward.
    loop {
        match current.kind() {
            "identifier" => {
                let name = text_of(current, src);
                let bound = assigned
                    .and_then(|a| a.get(&name))
                    .or_else(|| imports.get(&name));
                parts.push(bound.cloned().unwrap_or(name));
                break;
            }
            "attribute" => {
                let attr = current.child_by_field_name("attribute")?;
                parts.push(text_of(attr, src));
                current = current.child_by_field_name("object")?;
            }
            "call" => current = current.child_by_field_name("function")?,
            "parenthesized_expression" => current = current.named_child(0)?,
            _ => {
                parts.push("_".to_owned());
                break;
            }
        }
        if parts.len() > 64 {
            return None;
        }
    }
    parts.reverse();
    Some(parts.join("."))
}

/// One entry of the guard chain: a condition and the chain above it.
struct GuardNode {
    guard: Guard,
    parent: Option<usize>,
}

struct Walk<'a> {
    src: &'a [u8],
    names: &'a Names,
    guards: Vec<GuardNode>,
    /// Per call: its guard chain head and the function it is defined in.
    calls: Vec<(Call, Option<usize>, Option<String>)>,
}

impl<'a> Walk<'a> {
    fn new(src: &'a [u8], names: &'a Names) -> Walk<'a> {
        Walk {
            src,
            names,
            guards: Vec::new(),
            calls: Vec::new(),
        }
    }

    fn push_guard(&mut self, parent: Option<usize>, condition: Node) -> Option<usize> {
        let mut condition_text = one_line(&code_text(condition, self.src));
        // `if wins:` / `if not passed:` stand for the comparison behind them.
        let flag = condition_text.trim_start_matches("not ").trim();
        if let Some(comparison) = self.names.flags.get(flag) {
            condition_text = one_line(&format!("{condition_text} ({comparison})"));
        }
        self.guards.push(GuardNode {
            guard: Guard {
                condition: condition_text,
                line: line_of(condition),
            },
            parent,
        });
        Some(self.guards.len() - 1)
    }

    fn chain(&self, mut head: Option<usize>) -> Vec<Guard> {
        let mut out = Vec::new();
        while let Some(i) = head {
            if out.len() == MAX_GUARDS {
                break;
            }
            out.push(self.guards[i].guard.clone());
            head = self.guards[i].parent;
        }
        out
    }

    fn run(mut self, root: Node<'a>) -> Facts {
        // Explicit stack: (node, guards in force, enclosing function).
        let mut stack: Vec<(Node<'a>, Option<usize>, Option<String>)> = vec![(root, None, None)];
        while let Some((node, head, function)) = stack.pop() {
            if node.kind() == "call" && self.calls.len() < MAX_CALLS {
                self.record_call(node, head, function.clone());
            }
            let children = self.child_guards(node, head);
            let inner_function = match node.kind() {
                "function_definition" => node
                    .child_by_field_name("name")
                    .map(|n| text_of(n, self.src)),
                _ => function.clone(),
            };
            for (child, child_head) in children.into_iter().rev() {
                stack.push((child, child_head, inner_function.clone()));
            }
        }
        self.finish()
    }

    fn record_call(&mut self, node: Node, head: Option<usize>, enclosing: Option<String>) {
        let Some(function) = node.child_by_field_name("function") else {
            return;
        };
        let imports = &self.names.imports;
        let Some(name) = qualified(function, self.src, imports, Some(&self.names.assigned)) else {
            return;
        };
        let written = qualified(function, self.src, imports, None).filter(|w| *w != name);
        let mut keywords = Vec::new();
        if let Some(args) = node.child_by_field_name("arguments") {
            for i in 0..args.named_child_count() {
                if let Some(arg) = args.named_child(i as u32) {
                    if arg.kind() == "keyword_argument" {
                        if let Some(n) = arg.child_by_field_name("name") {
                            keywords.push(text_of(n, self.src));
                        }
                    }
                }
            }
        }
        let call = Call {
            name,
            written,
            keywords,
            line: line_of(node),
            guards: Vec::new(),
        };
        self.calls.push((call, head, enclosing));
    }

    /// The named children of `node`, each with the guard chain in force for it.
    fn child_guards(
        &mut self,
        node: Node<'a>,
        head: Option<usize>,
    ) -> Vec<(Node<'a>, Option<usize>)> {
        let kind = node.kind();
        let condition = node.child_by_field_name("condition");
        let mut out = Vec::with_capacity(node.named_child_count());
        // In a block, a stop-guard (`if bad: raise`, `assert ok`) guards every
        // statement after it.
        let mut running = head;
        for i in 0..node.named_child_count() {
            let Some(child) = node.named_child(i as u32) else {
                continue;
            };
            let child_head = match kind {
                "if_statement" | "elif_clause" | "while_statement"
                    if Some(child) != condition && child.kind() != "elif_clause" =>
                {
                    // Consequence, body or `else`: the condition guards it.
                    match condition {
                        Some(c) => self.push_guard(head, c),
                        None => head,
                    }
                }
                // An `elif` runs only when the `if` before it failed.
                "if_statement" if child.kind() == "elif_clause" => match condition {
                    Some(c) => self.push_guard(head, c),
                    None => head,
                },
                "conditional_expression" if i != 1 => match node.named_child(1) {
                    Some(c) => self.push_guard(head, c),
                    None => head,
                },
                "with_statement" if child.kind() == "block" => {
                    match node.named_child(0).filter(|c| c.kind() == "with_clause") {
                        Some(clause) if contains_kind(clause, "call") => {
                            self.push_guard(head, clause)
                        }
                        _ => head,
                    }
                }
                "block" | "module" => running,
                // The body of a function runs when it is called, not where it
                // is defined: conditions around the definition do not guard it.
                "function_definition" | "lambda" | "class_definition" => None,
                _ => head,
            };
            out.push((child, child_head));
            if matches!(kind, "block" | "module") {
                if let Some(guard) = stop_guard(child, self.src) {
                    running = self.push_guard(running, guard);
                }
            }
        }
        out
    }

    /// Calls inside a function with no guard of their own take the guards of
    /// the calls to that function in the same file (one level).
    fn finish(mut self) -> Facts {
        let mut by_function: HashMap<String, Option<usize>> = HashMap::new();
        for (call, head, _) in &self.calls {
            if head.is_some() {
                let last = call.name.rsplit('.').next().unwrap_or(&call.name);
                by_function.entry(last.to_owned()).or_insert(*head);
            }
        }
        let mut calls = Vec::with_capacity(self.calls.len());
        for (mut call, head, function) in std::mem::take(&mut self.calls) {
            let head = head.or_else(|| {
                function
                    .as_ref()
                    .and_then(|f| by_function.get(f).copied().flatten())
            });
            call.guards = self.chain(head);
            calls.push(call);
        }
        calls.sort_by_key(|c| c.line);
        Facts { calls }
    }
}

fn line_of(node: Node) -> u32 {
    u32::try_from(node.start_position().row + 1).unwrap_or(u32::MAX)
}

/// Whether `node` holds a node of `kind` (looking at most 256 nodes deep).
fn contains_kind(node: Node, kind: &str) -> bool {
    let mut stack = vec![node];
    let mut seen = 0;
    while let Some(n) = stack.pop() {
        if n.kind() == kind {
            return true;
        }
        seen += 1;
        if seen > 256 {
            return false;
        }
        for i in 0..n.named_child_count() {
            if let Some(c) = n.named_child(i as u32) {
                stack.push(c);
            }
        }
    }
    false
}

/// The condition of a statement that stops the run unless it holds:
/// `if <cond>: raise/return/sys.exit(...)/run.cancel()` (its direct
/// statements) or `assert <cond>`.
fn stop_guard<'t>(statement: Node<'t>, src: &[u8]) -> Option<Node<'t>> {
    match statement.kind() {
        "assert_statement" => statement.named_child(0),
        "if_statement" => {
            let body = statement.child_by_field_name("consequence")?;
            let stops = (0..body.named_child_count())
                .filter_map(|i| body.named_child(i as u32))
                .any(|s| stops_the_run(s, src));
            if stops {
                statement.child_by_field_name("condition")
            } else {
                None
            }
        }
        _ => None,
    }
}

fn stops_the_run(statement: Node, src: &[u8]) -> bool {
    match statement.kind() {
        "raise_statement" | "return_statement" => true,
        "expression_statement" => {
            let Some(function) = statement
                .named_child(0)
                .filter(|c| c.kind() == "call")
                .and_then(|c| c.child_by_field_name("function"))
            else {
                return false;
            };
            let name = match function.kind() {
                "identifier" => Some(function),
                "attribute" => function.child_by_field_name("attribute"),
                _ => None,
            };
            name.is_some_and(|n| STOP_CALLS.contains(&text_of(n, src).as_str()))
        }
        _ => false,
    }
}

/// Calls that end or abort a run: `sys.exit`, `exit`, `quit`, `os._exit`,
/// and the cancel/fail methods of pipeline and job SDKs.
const STOP_CALLS: &[&str] = &[
    "exit",
    "quit",
    "_exit",
    "abort",
    "cancel",
    "fail",
    "stop",
    "set_failed",
    "fail_run",
];

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
