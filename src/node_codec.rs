//! A compact binary form of [`Node`] trees, so the built-in rubrics are
//! parsed once, when the binary is built (`build.rs`), not at every start:
//! parsing their YAML was most of the tool's start-up.
//!
//! The layout is private to one build: `build.rs` encodes with this very
//! module and the binary decodes what it embedded. A node is its position
//! (line and column as varints), a tag byte and the tag's payload: nothing
//! for null and the booleans, a string for numbers and strings, a count and
//! the items for sequences, a count and `key, key position, node` entries
//! for mappings. A string is a varint byte length and its UTF-8 bytes.

use crate::node::{Entry, Node, Pos, Value};

const NULL: u8 = 0;
const FALSE: u8 = 1;
const TRUE: u8 = 2;
const NUMBER: u8 = 3;
const STRING: u8 = 4;
const SEQ: u8 = 5;
const MAP: u8 = 6;

/// Deeper than any rubric nests; decoding stops there instead of recursing
/// without end on a damaged table.
const MAX_DEPTH: usize = 256;

/// Appends `node` to `out`.
pub fn encode(node: &Node, out: &mut Vec<u8>) {
    encode_pos(node.pos, out);
    match &node.value {
        Value::Null => out.push(NULL),
        Value::Bool(false) => out.push(FALSE),
        Value::Bool(true) => out.push(TRUE),
        Value::Number(text) => {
            out.push(NUMBER);
            encode_str(text, out);
        }
        Value::String(text) => {
            out.push(STRING);
            encode_str(text, out);
        }
        Value::Seq(items) => {
            out.push(SEQ);
            encode_len(items.len(), out);
            for item in items {
                encode(item, out);
            }
        }
        Value::Map(entries) => {
            out.push(MAP);
            encode_len(entries.len(), out);
            for entry in entries {
                encode_str(&entry.key, out);
                encode_pos(entry.key_pos, out);
                encode(&entry.node, out);
            }
        }
    }
}

/// Appends `text` to `out` as a string.
pub fn encode_str(text: &str, out: &mut Vec<u8>) {
    encode_bytes(text.as_bytes(), out);
}

/// Appends `bytes` to `out`, preceded by their length.
pub fn encode_bytes(bytes: &[u8], out: &mut Vec<u8>) {
    encode_len(bytes.len(), out);
    out.extend_from_slice(bytes);
}

fn encode_pos(pos: Pos, out: &mut Vec<u8>) {
    encode_varint(u64::from(pos.line), out);
    encode_varint(u64::from(pos.column), out);
}

fn encode_len(len: usize, out: &mut Vec<u8>) {
    encode_varint(len as u64, out);
}

fn encode_varint(mut value: u64, out: &mut Vec<u8>) {
    while value >= 0x80 {
        out.push((value as u8) | 0x80);
        value >>= 7;
    }
    out.push(value as u8);
}

/// Reads what [`encode`], [`encode_str`] and [`encode_bytes`] wrote, front to back. Every read
/// returns `None` on bytes it did not write (truncated, not UTF-8, too deep).
pub struct Decoder<'b> {
    bytes: &'b [u8],
}

impl<'b> Decoder<'b> {
    pub fn new(bytes: &'b [u8]) -> Decoder<'b> {
        Decoder { bytes }
    }

    /// Whether everything has been read.
    pub fn is_empty(&self) -> bool {
        self.bytes.is_empty()
    }

    pub fn node(&mut self) -> Option<Node> {
        self.node_at(0)
    }

    pub fn string(&mut self) -> Option<String> {
        String::from_utf8(self.bytes()?.to_vec()).ok()
    }

    /// What [`encode_bytes`] wrote, borrowed.
    pub fn bytes(&mut self) -> Option<&'b [u8]> {
        let len = self.len()?;
        if len > self.bytes.len() {
            return None;
        }
        let (bytes, rest) = self.bytes.split_at(len);
        self.bytes = rest;
        Some(bytes)
    }

    pub fn byte(&mut self) -> Option<u8> {
        let (&first, rest) = self.bytes.split_first()?;
        self.bytes = rest;
        Some(first)
    }

    fn node_at(&mut self, depth: usize) -> Option<Node> {
        if depth > MAX_DEPTH {
            return None;
        }
        let pos = self.pos()?;
        let value = match self.byte()? {
            NULL => Value::Null,
            FALSE => Value::Bool(false),
            TRUE => Value::Bool(true),
            NUMBER => Value::Number(self.string()?),
            STRING => Value::String(self.string()?),
            SEQ => {
                let count = self.count()?;
                let mut items = Vec::with_capacity(count);
                for _ in 0..count {
                    items.push(self.node_at(depth + 1)?);
                }
                Value::Seq(items)
            }
            MAP => {
                let count = self.count()?;
                let mut entries = Vec::with_capacity(count);
                for _ in 0..count {
                    let key = self.string()?;
                    let key_pos = self.pos()?;
                    let node = self.node_at(depth + 1)?;
                    entries.push(Entry { key, key_pos, node });
                }
                Value::Map(entries)
            }
            _ => return None,
        };
        Some(Node::new(pos, value))
    }

    fn pos(&mut self) -> Option<Pos> {
        let line = u32::try_from(self.varint()?).ok()?;
        let column = u32::try_from(self.varint()?).ok()?;
        Some(Pos { line, column })
    }

    fn len(&mut self) -> Option<usize> {
        usize::try_from(self.varint()?).ok()
    }

    /// A count of items, each taking at least one byte: never more than the
    /// bytes left, so a damaged count cannot reserve unbounded memory.
    fn count(&mut self) -> Option<usize> {
        self.len().filter(|&n| n <= self.bytes.len())
    }

    fn varint(&mut self) -> Option<u64> {
        let mut value = 0u64;
        for shift in (0..64).step_by(7) {
            let byte = self.byte()?;
            value |= u64::from(byte & 0x7f) << shift;
            if byte & 0x80 == 0 {
                return Some(value);
            }
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn round_trip(node: &Node) -> Option<Node> {
        let mut bytes = Vec::new();
        encode(node, &mut bytes);
        let mut decoder = Decoder::new(&bytes);
        let back = decoder.node();
        assert!(decoder.is_empty(), "bytes left after the node");
        back
    }

    #[test]
    fn every_kind_of_node_comes_back_with_its_positions() {
        let text =
            "a: 1\nb: [true, false, ~, 2.5e-3]\n\"é\u{1F600}\": {x: 'y', z: \"\"}\nlong: 300\n";
        let node = crate::node::parse_yaml(text).unwrap();
        assert_eq!(round_trip(&node).as_ref(), Some(&node));
        let far = Node::new(
            Pos {
                line: u32::MAX,
                column: 200_000,
            },
            Value::String("x".repeat(300)),
        );
        assert_eq!(round_trip(&far), Some(far));
    }

    #[test]
    fn damaged_bytes_decode_to_none_not_a_panic() {
        let node = crate::node::parse_yaml("a: [1, {b: c}]\nd: e\n").unwrap();
        let mut bytes = Vec::new();
        encode(&node, &mut bytes);
        for cut in 0..bytes.len() {
            assert_eq!(Decoder::new(&bytes[..cut]).node(), None, "cut at {cut}");
        }
        // An unknown tag, a count larger than the input, a varint that never
        // ends, and nesting past the limit.
        assert_eq!(Decoder::new(&[1, 1, 9]).node(), None);
        assert_eq!(Decoder::new(&[1, 1, SEQ, 0xff, 0x7f]).node(), None);
        assert_eq!(Decoder::new(&[0xff; 12]).node(), None);
        let mut deep = Vec::new();
        for _ in 0..=MAX_DEPTH + 1 {
            deep.extend_from_slice(&[1, 1, SEQ, 1]);
        }
        deep.extend_from_slice(&[1, 1, NULL]);
        assert_eq!(Decoder::new(&deep).node(), None);
    }
}
