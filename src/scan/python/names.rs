//! What the names in one Python file stand for: import bindings, simple
//! assignments and flags assigned a comparison; and the qualified name of a
//! callee read through them.

use super::one_line;
use super::syntax::text_of;
use super::syntax::{child, children_in, code_text, contains_kind, dotted_text, named_children};
use super::syntax::{Field, Kind};
use std::collections::HashMap;
use tree_sitter::Node;

/// What names stand for in one scope.
#[derive(Clone, Default)]
pub(super) struct Scope {
    /// Import bindings: local name → qualified module path.
    pub imports: HashMap<String, String>,
    /// `x = Client()` / `x = y.z`: local name → what was assigned.
    pub assigned: HashMap<String, String>,
    /// Names assigned a comparison → its text.
    pub flags: HashMap<String, String>,
}

/// What names stand for in one file: at module level, and inside each
/// top-level function or class, where the module's names hold unless the
/// body binds them again. A name bound inside one definition means
/// nothing in another, as in Python.
pub(super) struct Names {
    module: Scope,
    /// By the start byte of a top-level definition whose body binds names.
    local: HashMap<usize, Scope>,
}

impl Names {
    /// The names in force inside the top-level definition starting at
    /// `definition` (module level when `None`).
    pub(super) fn scope(&self, definition: Option<usize>) -> &Scope {
        definition
            .and_then(|d| self.local.get(&d))
            .unwrap_or(&self.module)
    }
}

/// The scope a top-level statement opens: its start byte when it is a
/// function or class definition.
pub(super) fn definition_scope(statement: Node) -> Option<usize> {
    matches!(
        Kind::of(statement),
        Kind::FunctionDefinition | Kind::ClassDefinition | Kind::DecoratedDefinition
    )
    .then(|| statement.start_byte())
}

/// Name bindings from imports and from `x = <name or call>` assignments, in
/// document order (a later binding wins, as it does at run time for code
/// below it); and flags: names assigned a comparison (`wins = new_auc >
/// old_auc`), so that `if wins:` reads as the comparison it stands for.
/// Module-level statements bind for the whole file; each top-level
/// definition's body binds for itself, over the module's names.
pub(super) fn bindings(root: Node, src: &[u8]) -> Names {
    let mut stack: Vec<(Node, Option<usize>)> = named_children(root)
        .rev()
        .map(|statement| (statement, definition_scope(statement)))
        .collect();
    let mut order: Vec<(Node, Option<usize>)> = Vec::new();
    while let Some((node, scope)) = stack.pop() {
        if matches!(
            Kind::of(node),
            Kind::ImportStatement | Kind::ImportFromStatement | Kind::Assignment
        ) {
            order.push((node, scope));
        }
        stack.extend(named_children(node).rev().map(|child| (child, scope)));
    }
    let mut module = Scope::default();
    for &(node, _) in order.iter().filter(|(_, scope)| scope.is_none()) {
        bind(&mut module, node, src);
    }
    let mut local: HashMap<usize, Scope> = HashMap::new();
    for (node, scope) in order {
        if let Some(definition) = scope {
            let scope = local.entry(definition).or_insert_with(|| module.clone());
            bind(scope, node, src);
        }
    }
    Names { module, local }
}

/// Records what one import or assignment binds.
fn bind(scope: &mut Scope, node: Node, src: &[u8]) {
    let Scope {
        imports: map,
        assigned,
        flags,
    } = scope;
    match Kind::of(node) {
        Kind::ImportStatement => {
            for name in children_in(node, Field::Name) {
                if Kind::of(name) == Kind::AliasedImport {
                    if let (Some(target), Some(alias)) =
                        (child(name, Field::Name), child(name, Field::Alias))
                    {
                        map.insert(text_of(alias, src), dotted_text(target, src));
                    }
                }
                // `import a.b.c` binds `a` to itself: nothing to record.
            }
        }
        Kind::ImportFromStatement => {
            let module = child(node, Field::ModuleName)
                .map(|m| dotted_text(m, src).trim_start_matches('.').to_owned())
                .unwrap_or_default();
            let qualify = |name: &str| {
                if module.is_empty() {
                    name.to_owned()
                } else {
                    format!("{module}.{name}")
                }
            };
            for name in children_in(node, Field::Name) {
                if Kind::of(name) == Kind::AliasedImport {
                    if let (Some(target), Some(alias)) =
                        (child(name, Field::Name), child(name, Field::Alias))
                    {
                        map.insert(text_of(alias, src), qualify(&dotted_text(target, src)));
                    }
                } else {
                    let local = dotted_text(name, src);
                    map.insert(local.clone(), qualify(&local));
                }
            }
        }
        Kind::Assignment => {
            let (Some(left), Some(right)) = (child(node, Field::Left), child(node, Field::Right))
            else {
                return;
            };
            if Kind::of(left) != Kind::Identifier {
                return;
            }
            if matches!(
                Kind::of(right),
                Kind::ComparisonOperator
                    | Kind::BooleanOperator
                    | Kind::NotOperator
                    | Kind::ParenthesizedExpression
                    | Kind::ConditionalExpression
            ) && contains_kind(right, Kind::ComparisonOperator)
            {
                flags.insert(text_of(left, src), one_line(&code_text(right, src)));
                return;
            }
            let value = match Kind::of(right) {
                Kind::Call => child(right, Field::Function),
                Kind::Identifier | Kind::Attribute => Some(right),
                _ => None,
            };
            if let Some(value) = value.and_then(|v| qualified(v, src, map, Some(assigned))) {
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

/// The dotted name of a callee expression with its first part resolved:
/// identifiers and attribute chains; a call in the chain stands for what it
/// returns (`MlflowClient().create_model_version` →
/// `mlflow.tracking.MlflowClient.create_model_version`); anything else is `_`.
/// Without `assigned`, only imports are resolved: the name as written.
pub(super) fn qualified(
    node: Node,
    src: &[u8],
    imports: &HashMap<String, String>,
    assigned: Option<&HashMap<String, String>>,
) -> Option<String> {
    let mut parts = Vec::new();
    let mut current = node;
    // Bounded: a chain is as long as the text, and each step moves inward.
    loop {
        match Kind::of(current) {
            Kind::Identifier => {
                let name = text_of(current, src);
                let bound = assigned
                    .and_then(|a| a.get(&name))
                    .or_else(|| imports.get(&name));
                parts.push(bound.cloned().unwrap_or(name));
                break;
            }
            Kind::Attribute => {
                let attr = child(current, Field::Attribute)?;
                parts.push(text_of(attr, src));
                current = child(current, Field::Object)?;
            }
            Kind::Call => current = child(current, Field::Function)?,
            Kind::ParenthesizedExpression => current = current.named_child(0)?,
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
