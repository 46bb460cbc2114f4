//! The walk over a parsed Python file that records each call with the
//! conditions guarding it: enclosing `if`/`elif`/`else`/`while`, conditional
//! expressions, `with` blocks whose clause calls something, and earlier
//! stop-guards (`if bad: raise`, `assert ok`) in the same block.

use super::names::{definition_scope, qualified, Names};
use super::syntax::{child, code_text, contains_kind, line_of, named_children, text_of};
use super::syntax::{Field, Kind};
use super::{one_line, Call, Facts, Guard, MAX_CALLS, MAX_GUARDS};
use std::collections::HashMap;
use tree_sitter::Node;

/// A node still to visit: the node, the guard chain in force, the
/// enclosing function, and the top-level definition it is in (see
/// `Names::scope`).
type Pending<'a> = (Node<'a>, Option<usize>, Option<usize>, Option<usize>);

/// One entry of the guard chain: a condition and the chain above it.
struct GuardNode {
    guard: Guard,
    parent: Option<usize>,
}

pub(super) struct Walk<'a> {
    src: &'a [u8],
    names: &'a Names,
    guards: Vec<GuardNode>,
    /// Per call: its guard chain head, the function it is defined in (an
    /// index into `functions`) and where it starts.
    calls: Vec<(Call, Option<usize>, Option<usize>, usize)>,
    /// The functions defined in the file, in walk order: each node on the
    /// stack refers to its enclosing one by index.
    functions: Vec<Function>,
}

/// A function defined in the file.
struct Function {
    name: String,
    /// The bytes of the function its definition is nested in, where alone
    /// its name can be called; `None` at module or class level (a method
    /// is called through its object, from anywhere).
    within: Option<(usize, usize)>,
    /// Its own bytes.
    span: (usize, usize),
}

impl<'a> Walk<'a> {
    pub(super) fn new(src: &'a [u8], names: &'a Names) -> Walk<'a> {
        Walk {
            src,
            names,
            guards: Vec::new(),
            calls: Vec::new(),
            functions: Vec::new(),
        }
    }

    fn push_guard(
        &mut self,
        parent: Option<usize>,
        condition: Node,
        scope: Option<usize>,
    ) -> Option<usize> {
        let mut condition_text = one_line(&code_text(condition, self.src));
        // `if wins:` / `if not passed:` stand for the comparison behind them.
        let flag = condition_text.trim_start_matches("not ").trim();
        if let Some(comparison) = self.names.scope(scope).flags.get(flag) {
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

    pub(super) fn run(mut self, root: Node<'a>) -> Facts {
        // Explicit stack, so that deep nesting cannot overflow.
        let mut stack: Vec<Pending<'a>> = vec![(root, None, None, None)];
        let mut children = Vec::new();
        while let Some((node, head, function, scope)) = stack.pop() {
            let kind = Kind::of(node);
            if kind == Kind::Call && self.calls.len() < MAX_CALLS {
                self.record_call(node, head, function, scope);
            }
            self.child_guards(node, kind, head, scope, &mut children);
            let inner_function = match kind {
                Kind::FunctionDefinition => child(node, Field::Name).map(|n| {
                    self.functions.push(Function {
                        name: text_of(n, self.src),
                        within: function.map(|f| self.functions[f].span),
                        span: (node.start_byte(), node.end_byte()),
                    });
                    self.functions.len() - 1
                }),
                _ => function,
            };
            for (child, child_head) in children.drain(..).rev() {
                let child_scope = match kind {
                    Kind::Module => definition_scope(child),
                    _ => scope,
                };
                stack.push((child, child_head, inner_function, child_scope));
            }
        }
        self.finish()
    }

    fn record_call(
        &mut self,
        node: Node<'a>,
        head: Option<usize>,
        enclosing: Option<usize>,
        scope: Option<usize>,
    ) {
        let Some(function) = child(node, Field::Function) else {
            return;
        };
        let names = self.names.scope(scope);
        let imports = &names.imports;
        let Some(name) = qualified(function, self.src, imports, Some(&names.assigned)) else {
            return;
        };
        let written = qualified(function, self.src, imports, None).filter(|w| *w != name);
        let mut keywords = Vec::new();
        if let Some(args) = child(node, Field::Arguments) {
            for arg in named_children(args) {
                if Kind::of(arg) == Kind::KeywordArgument {
                    if let Some(n) = child(arg, Field::Name) {
                        keywords.push(text_of(n, self.src));
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
        self.calls.push((call, head, enclosing, node.start_byte()));
    }

    /// The named children of `node`, each with the guard chain in force for
    /// it, into `out` (emptied first).
    fn child_guards(
        &mut self,
        node: Node<'a>,
        kind: Kind,
        head: Option<usize>,
        scope: Option<usize>,
        out: &mut Vec<(Node<'a>, Option<usize>)>,
    ) {
        out.clear();
        out.extend(named_children(node).map(|child| (child, head)));
        let condition = child(node, Field::Condition);
        // In a block, a stop-guard (`if bad: raise`, `assert ok`) guards every
        // statement after it.
        let mut running = head;
        for i in 0..out.len() {
            let child = out[i].0;
            let child_kind = Kind::of(child);
            let child_head = match kind {
                Kind::IfStatement | Kind::ElifClause | Kind::WhileStatement
                    if Some(child) != condition && child_kind != Kind::ElifClause =>
                {
                    // Consequence, body or `else`: the condition guards it.
                    match condition {
                        Some(c) => self.push_guard(head, c, scope),
                        None => head,
                    }
                }
                // An `elif` runs only when the `if` before it failed.
                Kind::IfStatement if child_kind == Kind::ElifClause => match condition {
                    Some(c) => self.push_guard(head, c, scope),
                    None => head,
                },
                Kind::ConditionalExpression if i != 1 => match out.get(1) {
                    Some(&(c, _)) => self.push_guard(head, c, scope),
                    None => head,
                },
                Kind::WithStatement if child_kind == Kind::Block => {
                    match out
                        .first()
                        .map(|&(c, _)| c)
                        .filter(|&c| Kind::of(c) == Kind::WithClause)
                    {
                        Some(clause) if contains_kind(clause, Kind::Call) => {
                            self.push_guard(head, clause, scope)
                        }
                        _ => head,
                    }
                }
                Kind::Block | Kind::Module => running,
                // The body of a function runs when it is called, not where it
                // is defined: conditions around the definition do not guard it.
                Kind::FunctionDefinition | Kind::Lambda | Kind::ClassDefinition => None,
                _ => head,
            };
            out[i].1 = child_head;
            if matches!(kind, Kind::Block | Kind::Module) {
                if let Some(guard) = stop_guard(child, self.src) {
                    running = self.push_guard(running, guard, scope);
                }
            }
        }
    }

    /// Calls inside a function with no guard of their own take the guards of
    /// the first guarded call to that function in the file (one level),
    /// among the calls that can reach it: a function nested in another is
    /// called by its name only inside that one.
    fn finish(mut self) -> Facts {
        // Per called name (its last part), the guarded calls to it: where
        // each starts, and its guard chain, in the file's order.
        let mut guarded: HashMap<String, Vec<(usize, usize)>> = HashMap::new();
        for (call, head, _, start) in &self.calls {
            if let Some(head) = head {
                let last = call.name.rsplit('.').next().unwrap_or(&call.name);
                guarded
                    .entry(last.to_owned())
                    .or_default()
                    .push((*start, *head));
            }
        }
        for calls in guarded.values_mut() {
            calls.sort_by_key(|&(start, _)| start);
        }
        let inherited: Vec<Option<usize>> = self
            .functions
            .iter()
            .map(|function| {
                let calls = guarded.get(&function.name)?;
                let (from, to) = function.within.unwrap_or((0, usize::MAX));
                let first = calls.partition_point(|&(start, _)| start < from);
                calls
                    .get(first)
                    .filter(|&&(start, _)| start < to)
                    .map(|&(_, head)| head)
            })
            .collect();
        let mut calls = Vec::with_capacity(self.calls.len());
        for (mut call, head, function, _) in std::mem::take(&mut self.calls) {
            let head = head.or_else(|| function.and_then(|f| inherited[f]));
            call.guards = self.chain(head);
            calls.push(call);
        }
        calls.sort_by_key(|c| c.line);
        Facts { calls }
    }
}

/// The condition of a statement that stops the run unless it holds:
/// `if <cond>: raise/return/sys.exit(...)/run.cancel()` (its direct
/// statements) or `assert <cond>`.
fn stop_guard<'t>(statement: Node<'t>, src: &[u8]) -> Option<Node<'t>> {
    match Kind::of(statement) {
        Kind::AssertStatement => statement.named_child(0),
        Kind::IfStatement => {
            let body = child(statement, Field::Consequence)?;
            let stops = named_children(body).any(|s| stops_the_run(s, src));
            if stops {
                child(statement, Field::Condition)
            } else {
                None
            }
        }
        _ => None,
    }
}

fn stops_the_run(statement: Node, src: &[u8]) -> bool {
    match Kind::of(statement) {
        Kind::RaiseStatement | Kind::ReturnStatement => true,
        Kind::ExpressionStatement => {
            let Some(function) = statement
                .named_child(0)
                .filter(|c| Kind::of(*c) == Kind::Call)
                .and_then(|c| child(c, Field::Function))
            else {
                return false;
            };
            let name = match Kind::of(function) {
                Kind::Identifier => Some(function),
                Kind::Attribute => child(function, Field::Attribute),
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
