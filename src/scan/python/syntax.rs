//! The tree-sitter Python grammar as the walk reads it: the node kinds and
//! fields it asks about, as numbers looked up once, and the source text of a
//! node.
//!
//! `Node::kind` returns the kind's name through a C string checked as UTF-8
//! on every call, and `child_by_field_name` looks the field's name up among
//! all of the grammar's fields: together a seventh of the time spent on a
//! parsed file. Here a kind is one table load and a field is a number.
//! Children are still read by index (`named_child(i)`): a cursor costs more,
//! because it steps over the punctuation between them too.

use std::sync::OnceLock;
use tree_sitter::{Language, Node};

/// The node kinds the walk tells apart; every other kind is [`Kind::Other`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Kind {
    AliasedImport,
    AssertStatement,
    Assignment,
    Attribute,
    Block,
    BooleanOperator,
    Call,
    ClassDefinition,
    Comment,
    ComparisonOperator,
    DecoratedDefinition,
    ConditionalExpression,
    ElifClause,
    ExpressionStatement,
    FunctionDefinition,
    Identifier,
    IfStatement,
    ImportFromStatement,
    ImportStatement,
    KeywordArgument,
    Lambda,
    Module,
    NotOperator,
    ParenthesizedExpression,
    RaiseStatement,
    ReturnStatement,
    WhileStatement,
    WithClause,
    WithStatement,
    Other,
}

impl Kind {
    /// The kind a grammar name stands for.
    pub(super) fn named(name: &str) -> Kind {
        match name {
            "aliased_import" => Kind::AliasedImport,
            "assert_statement" => Kind::AssertStatement,
            "assignment" => Kind::Assignment,
            "attribute" => Kind::Attribute,
            "block" => Kind::Block,
            "boolean_operator" => Kind::BooleanOperator,
            "call" => Kind::Call,
            "class_definition" => Kind::ClassDefinition,
            "comment" => Kind::Comment,
            "comparison_operator" => Kind::ComparisonOperator,
            "conditional_expression" => Kind::ConditionalExpression,
            "decorated_definition" => Kind::DecoratedDefinition,
            "elif_clause" => Kind::ElifClause,
            "expression_statement" => Kind::ExpressionStatement,
            "function_definition" => Kind::FunctionDefinition,
            "identifier" => Kind::Identifier,
            "if_statement" => Kind::IfStatement,
            "import_from_statement" => Kind::ImportFromStatement,
            "import_statement" => Kind::ImportStatement,
            "keyword_argument" => Kind::KeywordArgument,
            "lambda" => Kind::Lambda,
            "module" => Kind::Module,
            "not_operator" => Kind::NotOperator,
            "parenthesized_expression" => Kind::ParenthesizedExpression,
            "raise_statement" => Kind::RaiseStatement,
            "return_statement" => Kind::ReturnStatement,
            "while_statement" => Kind::WhileStatement,
            "with_clause" => Kind::WithClause,
            "with_statement" => Kind::WithStatement,
            _ => Kind::Other,
        }
    }

    /// A node's kind: what [`Kind::named`] gives for `node.kind()`.
    pub(super) fn of(node: Node) -> Kind {
        grammar()
            .kinds
            .get(usize::from(node.kind_id()))
            .copied()
            .unwrap_or(Kind::Other)
    }
}

/// The fields the walk reads.
#[derive(Debug, Clone, Copy)]
pub(super) enum Field {
    Alias,
    Arguments,
    Attribute,
    Condition,
    Consequence,
    Function,
    Left,
    ModuleName,
    Name,
    Object,
    Right,
}

impl Field {
    const ALL: [(Field, &'static str); 11] = [
        (Field::Alias, "alias"),
        (Field::Arguments, "arguments"),
        (Field::Attribute, "attribute"),
        (Field::Condition, "condition"),
        (Field::Consequence, "consequence"),
        (Field::Function, "function"),
        (Field::Left, "left"),
        (Field::ModuleName, "module_name"),
        (Field::Name, "name"),
        (Field::Object, "object"),
        (Field::Right, "right"),
    ];
}

/// The grammar's numbers for [`Kind`] and [`Field`], looked up once.
struct Grammar {
    language: Language,
    /// Indexed by kind id.
    kinds: Vec<Kind>,
    /// Indexed by [`Field`]; 0 where the grammar has no such field (no child
    /// has field 0).
    fields: [u16; Field::ALL.len()],
}

fn grammar() -> &'static Grammar {
    static GRAMMAR: OnceLock<Grammar> = OnceLock::new();
    GRAMMAR.get_or_init(|| {
        let language: Language = tree_sitter_python::LANGUAGE.into();
        let kinds = (0..language.node_kind_count())
            .map(|id| {
                u16::try_from(id)
                    .ok()
                    .and_then(|id| language.node_kind_for_id(id))
                    .map_or(Kind::Other, Kind::named)
            })
            .collect();
        let mut fields = [0; Field::ALL.len()];
        for (field, name) in Field::ALL {
            fields[field as usize] = language.field_id_for_name(name).map_or(0, |id| id.get());
        }
        Grammar {
            language,
            kinds,
            fields,
        }
    })
}

/// The Python grammar, for the parser.
pub(super) fn language() -> &'static Language {
    &grammar().language
}

/// `node`'s child in `field`, as `child_by_field_name` finds it.
pub(super) fn child<'t>(node: Node<'t>, field: Field) -> Option<Node<'t>> {
    match grammar().fields[field as usize] {
        0 => None,
        id => node.child_by_field_id(id),
    }
}

/// `node`'s named children in order.
pub(super) fn named_children<'t>(node: Node<'t>) -> impl DoubleEndedIterator<Item = Node<'t>> {
    (0..node.named_child_count()).filter_map(move |i| node.named_child(i as u32))
}

/// `node`'s children in `field`, in order.
pub(super) fn children_in<'t>(node: Node<'t>, field: Field) -> Vec<Node<'t>> {
    match std::num::NonZeroU16::new(grammar().fields[field as usize]) {
        Some(id) => node.children_by_field_id(id, &mut node.walk()).collect(),
        None => Vec::new(),
    }
}

/// A node's source text.
pub(super) fn text_of(node: Node, src: &[u8]) -> String {
    String::from_utf8_lossy(&src[node.byte_range()]).into_owned()
}

/// A `dotted_name` (or identifier) without the whitespace Python allows in it.
pub(super) fn dotted_text(node: Node, src: &[u8]) -> String {
    text_of(node, src)
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '\\')
        .collect()
}

/// A node's source text with the comments inside it (a condition written
/// over several lines may hold some) replaced by a space: a commented-out
/// comparison is no condition.
pub(super) fn code_text(node: Node, src: &[u8]) -> String {
    let mut comments = Vec::new();
    let mut stack = vec![node];
    while let Some(n) = stack.pop() {
        if Kind::of(n) == Kind::Comment {
            comments.push(n.byte_range());
            continue;
        }
        stack.extend((0..n.child_count()).filter_map(|i| n.child(i)));
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

/// Whether `node` holds a node of `kind` (looking at most 256 nodes deep).
pub(super) fn contains_kind(node: Node, kind: Kind) -> bool {
    let mut stack = vec![node];
    let mut seen = 0;
    while let Some(n) = stack.pop() {
        if Kind::of(n) == kind {
            return true;
        }
        seen += 1;
        if seen > 256 {
            return false;
        }
        stack.extend(named_children(n));
    }
    false
}

/// The 1-based line a node starts on.
pub(super) fn line_of(node: Node) -> u32 {
    u32::try_from(node.start_position().row + 1).unwrap_or(u32::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;
    use tree_sitter::Parser;

    /// Every node of `text`, named or not, depth first.
    fn each_node(text: &str, mut visit: impl FnMut(Node)) {
        let mut parser = Parser::new();
        parser.set_language(language()).unwrap();
        let tree = parser.parse(text, None).unwrap();
        let mut stack = vec![tree.root_node()];
        while let Some(node) = stack.pop() {
            visit(node);
            for i in 0..node.child_count() {
                stack.push(node.child(i).unwrap());
            }
        }
    }

    const SAMPLES: &[&str] = &[
        "import mlflow as mf\nfrom a.b import C as D, e\nx = mf.f(1, k=2)  # c\n",
        "def f(a):\n    if a > 1 and not b:\n        raise ValueError('x')\n    elif c:\n        return lambda y: y\n    while d:\n        assert e, 'm'\n",
        "class K:\n    with dsl.Condition(t.output > 0.8) as c:\n        g(x if y else z)\n",
        "def (:\n  ))) if if\n\u{0}\u{7f} lambda lambda: (\n",
        "print(f'{x!r}' \"\"\"doc\"\"\" b'\\x00')\n@dec\nasync def h(): await i[0:1]\n",
    ];

    #[test]
    fn the_kind_table_agrees_with_the_kind_names() {
        let mut named = std::collections::BTreeSet::new();
        for text in SAMPLES {
            each_node(text, |node| {
                assert_eq!(Kind::of(node), Kind::named(node.kind()), "{}", node.kind());
                named.insert(format!("{:?}", Kind::of(node)));
            });
        }
        // The samples reach most kinds, so the agreement is not vacuous.
        assert!(named.len() >= 25, "{named:?}");
    }

    #[test]
    fn fields_and_children_read_as_the_named_calls_do() {
        for text in SAMPLES {
            each_node(text, |node| {
                for (field, name) in Field::ALL {
                    assert_eq!(child(node, field), node.child_by_field_name(name));
                    let mut cursor = node.walk();
                    let by_name: Vec<Node> =
                        node.children_by_field_name(name, &mut cursor).collect();
                    assert_eq!(children_in(node, field), by_name);
                }
                let listed: Vec<Node> = named_children(node).collect();
                let mut cursor = node.walk();
                let walked: Vec<Node> = node.named_children(&mut cursor).collect();
                assert_eq!(listed, walked);
            });
        }
        // Every field the walk reads is one the grammar has.
        assert!(grammar().fields.iter().all(|&id| id != 0));
    }
}
