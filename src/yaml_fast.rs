//! The common case of YAML parsing, read straight from the parser's events
//! into [`Node`] trees.
//!
//! `node::parse_yaml_documents` reads YAML through serde-saphyr, which wraps
//! every node in a `Spanned` value passed through serde: about two thirds of
//! the cost of parsing a Kubernetes manifest or a workflow, and YAML parsing
//! is most of a scan's time on real trees. The YAML itself is scanned by the
//! same parser (granit-parser, with the options serde-saphyr gives it), so
//! this module sees the same events and builds the same tree.
//!
//! It only takes the plain case: block and flow collections of untagged
//! scalars with string keys, and aliases of anchored trees. A tag, a merge key,
//! a duplicate key, a scalar it would not resolve exactly as serde-saphyr
//! does, nesting or sizes near serde-saphyr's budgets, or any parse error
//! returns `None`, and the caller parses the text the thorough way (which
//! also words the error). A test compares the two on every case it knows.

use crate::node::{Entry, Node, Pos, Value};
use granit_parser::{Event, Parser, ScalarStyle, Span};
use std::collections::{HashMap, HashSet};

/// Limits well inside serde-saphyr's default budget (64 levels, 250,000
/// nodes, 1,000,000 events with alias replays, 1,024 documents, 50,000
/// anchors, 64 MiB of scalars, and from 100 aliases on, at most ten per
/// anchor): past them the thorough parse decides, so its budget errors
/// stay the only ones.
const MAX_DEPTH: usize = 48;
const MAX_NODES: usize = 100_000;
const MAX_EVENTS: usize = 400_000;
const MAX_DOCUMENTS: usize = 1_000;
const MAX_ANCHORS: usize = 40_000;
const MAX_ALIASES: usize = 99;
const MAX_SCALAR_BYTES: usize = 32 << 20;
/// Up to this many entries, a mapping checks for a repeated key by looking
/// through them; past it, through a set (so 100k keys stay linear).
const LINEAR_KEYS: usize = 32;

/// The documents of `text` (null documents left out), or `None` when the
/// text needs the thorough parse (see the module documentation). A
/// duplicate key always does, so the result is the same whichever policy
/// the thorough parse applies to them.
pub fn documents(text: &str) -> Option<Vec<Node>> {
    let mut builder = Builder::default();
    for event in Parser::new_from_str_with_options(text, parser_options()) {
        let (event, span) = event.ok()?;
        builder.events += 1;
        if builder.events > MAX_EVENTS {
            return None;
        }
        builder.event(event, &span)?;
    }
    Some(builder.documents)
}

/// The options serde-saphyr 2 passes to the parser for the options
/// `node::parse_yaml_documents` sets (its default budget, lenient
/// indentation), so both reject and accept the same text.
fn parser_options() -> granit_parser::Options {
    let budget = serde_saphyr::Budget::default();
    let mut options = granit_parser::Options::default();
    options.simple_key_max_lookahead = budget.simple_key_max_lookahead;
    options.flow_nesting_limit = budget.flow_nesting_limit;
    options.block_nesting_limit = options
        .block_nesting_limit
        .max(budget.max_depth.saturating_add(1));
    options.strict_indentation = false;
    // Comments are not data; the thorough parse skips them too.
    options.set_emit_comments(false);
    options
}

/// A collection being read.
struct Frame {
    pos: Pos,
    /// The anchor it defines (0 for none): its tree is kept for aliases.
    anchor: usize,
    kind: Kind,
}

enum Kind {
    Seq(Vec<Node>),
    /// Entries, the key waiting for its value, and (in a large mapping)
    /// the keys seen.
    Map(Vec<Entry>, Option<(String, Pos)>, Option<HashSet<String>>),
}

#[derive(Default)]
struct Builder {
    stack: Vec<Frame>,
    root: Option<Node>,
    documents: Vec<Node>,
    /// Anchored trees of the current document, with their node counts and
    /// depths.
    anchored: HashMap<usize, (Node, usize, usize)>,
    events: usize,
    nodes: usize,
    anchors: usize,
    aliases: usize,
    scalar_bytes: usize,
    seen_documents: usize,
}

fn pos_of(span: &Span) -> Pos {
    Pos {
        line: u32::try_from(span.start.line()).unwrap_or(u32::MAX),
        column: u32::try_from(span.start.col() + 1).unwrap_or(u32::MAX),
    }
}

/// How many nodes a tree holds (keys included), as the budgets count them.
fn size(node: &Node) -> usize {
    1 + match &node.value {
        Value::Seq(items) => items.iter().map(size).sum(),
        Value::Map(entries) => entries.iter().map(|e| 1 + size(&e.node)).sum(),
        _ => 0,
    }
}

/// How many levels of collections a tree holds (0 for a scalar).
fn depth(node: &Node) -> usize {
    match &node.value {
        Value::Seq(items) => 1 + items.iter().map(depth).max().unwrap_or(0),
        Value::Map(entries) => 1 + entries.iter().map(|e| depth(&e.node)).max().unwrap_or(0),
        _ => 0,
    }
}

/// Gives every node and key of `node` the position `pos`.
fn relocate(node: &mut Node, pos: Pos) {
    node.pos = pos;
    match &mut node.value {
        Value::Seq(items) => items.iter_mut().for_each(|item| relocate(item, pos)),
        Value::Map(entries) => {
            for entry in entries {
                entry.key_pos = pos;
                relocate(&mut entry.node, pos);
            }
        }
        _ => {}
    }
}

impl Builder {
    fn event(&mut self, event: Event<'_>, span: &Span) -> Option<()> {
        match event {
            Event::StreamStart | Event::StreamEnd => {}
            Event::DocumentStart(..) => {
                self.seen_documents += 1;
                if self.seen_documents > MAX_DOCUMENTS || !self.stack.is_empty() {
                    return None;
                }
                self.root = None;
                self.anchored.clear();
            }
            Event::DocumentEnd => {
                if !self.stack.is_empty() {
                    return None;
                }
                if let Some(root) = self.root.take() {
                    if root.value != Value::Null {
                        self.documents.push(root);
                    }
                }
            }
            Event::Scalar(text, style, anchor, tag) => {
                self.count(anchor, 1)?;
                self.scalar_bytes += text.len();
                if tag.is_some() || self.scalar_bytes > MAX_SCALAR_BYTES {
                    return None;
                }
                let pos = pos_of(span);
                if let Some(Frame {
                    kind: Kind::Map(_, key @ None, _),
                    ..
                }) = self.stack.last_mut()
                {
                    if anchor != 0 {
                        return None;
                    }
                    *key = Some((key_text(&text, style)?, pos));
                    return Some(());
                }
                let node = Node::new(pos, scalar(&text, style)?);
                self.keep(anchor, &node);
                self.add(node)?;
            }
            Event::SequenceStart(_, anchor, tag) => {
                self.count(anchor, 1)?;
                self.open(tag.is_some(), pos_of(span), anchor, Kind::Seq(Vec::new()))?
            }
            Event::MappingStart(_, anchor, tag) => {
                self.count(anchor, 1)?;
                self.open(
                    tag.is_some(),
                    pos_of(span),
                    anchor,
                    Kind::Map(Vec::new(), None, None),
                )?
            }
            Event::SequenceEnd | Event::MappingEnd => {
                let frame = self.stack.pop()?;
                let node = match frame.kind {
                    Kind::Seq(items) => Node::new(frame.pos, Value::Seq(items)),
                    Kind::Map(entries, None, _) => Node::new(frame.pos, Value::Map(entries)),
                    // A key without a value: leave it to the thorough parse.
                    Kind::Map(_, Some(_), _) => return None,
                };
                self.keep(frame.anchor, &node);
                self.add(node)?;
            }
            Event::Alias(id) => {
                // An alias stands for a copy of the anchored tree, every
                // node of it cited at the alias (as serde-saphyr does); copies count against the node budget, so an
                // alias bomb goes the thorough way (and fails its budget).
                // Copies nest no deeper than the document itself may.
                self.aliases += 1;
                let (tree, nodes, levels) = self.anchored.get(&id)?;
                if self.aliases > MAX_ALIASES || self.stack.len() + levels > MAX_DEPTH {
                    return None;
                }
                let nodes = *nodes;
                let mut copy = tree.clone();
                relocate(&mut copy, pos_of(span));
                self.count(0, nodes)?;
                if let Some(Frame {
                    kind: Kind::Map(_, None, _),
                    ..
                }) = self.stack.last()
                {
                    return None;
                }
                self.add(copy)?;
            }
            // Anything this version of the parser adds goes the thorough way.
            _ => return None,
        }
        Some(())
    }

    /// Counts nodes (keys included) and an anchor against the limits.
    fn count(&mut self, anchor: usize, nodes: usize) -> Option<()> {
        self.nodes += nodes;
        self.anchors += usize::from(anchor != 0);
        (self.nodes <= MAX_NODES && self.anchors <= MAX_ANCHORS).then_some(())
    }

    /// Keeps a copy of an anchored tree for the aliases that follow.
    fn keep(&mut self, anchor: usize, node: &Node) {
        if anchor != 0 {
            self.anchored
                .insert(anchor, (node.clone(), size(node), depth(node)));
        }
    }

    fn open(&mut self, tagged: bool, pos: Pos, anchor: usize, kind: Kind) -> Option<()> {
        if tagged || self.stack.len() >= MAX_DEPTH {
            return None;
        }
        // A collection as a mapping key ("complex key") is left alone.
        if let Some(Frame {
            kind: Kind::Map(_, None, _),
            ..
        }) = self.stack.last()
        {
            return None;
        }
        self.stack.push(Frame { pos, anchor, kind });
        Some(())
    }

    fn add(&mut self, node: Node) -> Option<()> {
        let Some(frame) = self.stack.last_mut() else {
            if self.root.is_some() {
                return None;
            }
            self.root = Some(node);
            return Some(());
        };
        match &mut frame.kind {
            Kind::Seq(items) => items.push(node),
            Kind::Map(entries, key, seen) => {
                let (key, key_pos) = key.take()?;
                // A merge key never reaches here (see `key_text`).
                let repeated = if entries.len() < LINEAR_KEYS {
                    entries.iter().any(|e| e.key == key)
                } else {
                    let seen =
                        seen.get_or_insert_with(|| entries.iter().map(|e| e.key.clone()).collect());
                    !seen.insert(key.clone())
                };
                if repeated {
                    return None;
                }
                entries.push(Entry { key, key_pos, node });
            }
        }
        Some(())
    }
}

/// A mapping key's text, when serde-saphyr would read it as that same
/// string: quoted keys always; a plain key when it resolves as a value
/// would (see [`scalar`]) to a string, or to a number Rust writes back the
/// way it is written (`1` and `0.5`: read as text or as a number, the same
/// key). Null and boolean keys, other number spellings and the merge key
/// (`<<`) are left to the thorough parse.
fn key_text(text: &str, style: ScalarStyle) -> Option<String> {
    if style == ScalarStyle::Plain {
        let same = match scalar(text, style)? {
            Value::String(_) => text != "<<",
            Value::Number(n) => n == text,
            _ => false,
        };
        if !same {
            return None;
        }
    }
    Some(text.to_owned())
}

/// A value scalar resolved as serde-saphyr resolves it for `node`'s options
/// (YAML 1.2 core booleans and nulls, 64-bit integers, finite floats), or
/// `None` for spellings whose resolution this module does not repeat.
fn scalar(text: &str, style: ScalarStyle) -> Option<Value> {
    if style != ScalarStyle::Plain {
        return Some(Value::String(text.to_owned()));
    }
    match text {
        "" | "~" | "null" | "Null" | "NULL" => return Some(Value::Null),
        "true" | "True" | "TRUE" => return Some(Value::Bool(true)),
        "false" | "False" | "FALSE" => return Some(Value::Bool(false)),
        _ => {}
    }
    if !could_be_number(text) {
        return Some(Value::String(text.to_owned()));
    }
    let unsigned = text.strip_prefix('-').unwrap_or(text);
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    let no_leading_zero = |s: &str| s == "0" || !s.starts_with('0');
    if digits(unsigned) && no_leading_zero(unsigned) {
        // Integers as serde-saphyr reads them (i64 when negative, else
        // u64); beyond 64 bits the thorough parse decides.
        return if text.starts_with('-') {
            let v: i64 = text.parse().ok()?;
            (v != 0).then(|| Value::Number(v.to_string()))
        } else {
            text.parse::<u64>()
                .ok()
                .map(|v| Value::Number(v.to_string()))
        };
    }
    // A plain decimal fraction (`0.5`, `-20.04`, `3.10`), with or without
    // an exponent (`1e-05`, `1.0e-05`, `-2.5E+3`, common in compiled
    // pipelines): read as a finite f64 and written back as Rust writes it,
    // as `node` does. A negative zero is left to the thorough parse.
    let (mantissa, exponent) = match unsigned.split_once(['e', 'E']) {
        Some((m, e)) => (m, Some(e.strip_prefix(['-', '+']).unwrap_or(e))),
        None => (unsigned, None),
    };
    let (whole, fraction) = match mantissa.split_once('.') {
        Some((whole, fraction)) => (whole, Some(fraction)),
        None => (mantissa, None),
    };
    let decimal = digits(whole)
        && no_leading_zero(whole)
        && fraction.is_none_or(digits)
        && exponent.is_none_or(digits)
        && (fraction.is_some() || exponent.is_some());
    if decimal {
        let v: f64 = text.parse().ok()?;
        let negative_zero = v == 0.0 && text.starts_with('-');
        return (v.is_finite() && !negative_zero).then(|| Value::Number(v.to_string()));
    }
    None
}

/// Whether a plain scalar could be read as a number in some YAML spelling
/// (sign, digits, `.`, `_`, `:`, exponent, radix prefixes and digits,
/// `.inf`, `.nan`): any other character, two dots, or no digit at all
/// outside `.inf` and `.nan` make it a string for sure (command-line flags
/// such as `-c` and `-ec`, a lone `.`).
fn could_be_number(text: &str) -> bool {
    let starts = text.starts_with(|c: char| c.is_ascii_digit() || matches!(c, '+' | '-' | '.'));
    let unsigned = text.trim_start_matches(['+', '-']);
    let special = [".inf", ".nan"]
        .iter()
        .any(|s| unsigned.eq_ignore_ascii_case(s));
    starts
        && (special || text.bytes().any(|b| b.is_ascii_digit()))
        && text.matches('.').count() < 2
        && text.bytes().all(|b| {
            b.is_ascii_hexdigit()
                || matches!(
                    b,
                    b'+' | b'-'
                        | b'.'
                        | b'_'
                        | b':'
                        | b'x'
                        | b'X'
                        | b'o'
                        | b'O'
                        | b'i'
                        | b'I'
                        | b'n'
                        | b'N'
                        | b'f'
                        | b'F'
                        | b'a'
                        | b'A'
                )
        })
}

// The path is spelled out: build.rs includes this file from the crate root.
#[cfg(test)]
#[path = "yaml_fast/tests.rs"]
mod tests;
