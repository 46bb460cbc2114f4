//! Which key literals end a mapping key in a YAML or JSON text, found from
//! the text's colons instead of from every byte.
//!
//! A key probe's literal counts in YAML and JSON only where it ends a key
//! (see `key_match::ends_a_key`): followed by an optional closing quote,
//! blank space and a colon. So every place where a counted literal ends
//! lies just before the blank space before some colon, or just before the
//! quote there. Colons are found with `memchr`, and at each of those places
//! the text is read backwards through a trie of the reversed literals. A
//! manifest holds about one colon per line, so this reads a few bytes per
//! line where an automaton over the whole text reads every byte.

/// The blank space between a key and its colon (`ends_a_key` skips the
/// same): the trie is only right if both agree.
pub(super) fn is_blank(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\r' | b'\n')
}

/// The longest literal the trie takes. Each colon reads back at most this
/// many bytes, so a text costs at most this many steps a byte whatever it
/// holds (a rubric in the repository may spell a long key of colons, and
/// a file of colons would otherwise be read back in full from each one);
/// the built-in key names are far shorter.
const MAX_LITERAL: usize = 64;

/// A node of the trie of reversed literals.
#[derive(Default)]
struct Node {
    /// The next byte back, and its node.
    next: Vec<(u8, u32)>,
    /// The literals that end here, read backwards from their last byte.
    complete: Vec<usize>,
}

/// The literals of a set, reversed into a trie.
pub struct KeyEnds {
    nodes: Vec<Node>,
    /// The root's children by byte: the one lookup every place makes.
    root: Box<[u32; 256]>,
    count: usize,
}

impl KeyEnds {
    /// The trie of `literals`; `None` when one is empty, ends in blank
    /// space (it could end anywhere in the space before a colon) or is
    /// longer than [`MAX_LITERAL`]: the automaton serves.
    pub fn new(literals: &[String]) -> Option<KeyEnds> {
        if literals
            .iter()
            .any(|l| l.len() > MAX_LITERAL || l.as_bytes().last().is_none_or(|&b| is_blank(b)))
        {
            return None;
        }
        let mut nodes = vec![Node::default()];
        for (id, literal) in literals.iter().enumerate() {
            let mut at = 0usize;
            for &b in literal.as_bytes().iter().rev() {
                at = match nodes[at].next.iter().find(|(byte, _)| *byte == b) {
                    Some(&(_, next)) => next as usize,
                    None => {
                        nodes.push(Node::default());
                        let next = nodes.len() - 1;
                        nodes[at].next.push((b, u32::try_from(next).ok()?));
                        next
                    }
                };
            }
            nodes[at].complete.push(id);
        }
        let mut root = Box::new([0u32; 256]);
        for &(b, next) in &nodes[0].next {
            root[usize::from(b)] = next;
        }
        Some(KeyEnds {
            nodes,
            root,
            count: literals.len(),
        })
    }

    /// Per literal (by its position in the list given to [`KeyEnds::new`]):
    /// whether it occurs in `text` ending where `ends_a_key` accepts.
    pub fn present(&self, text: &str) -> Vec<bool> {
        let bytes = text.as_bytes();
        let mut present = vec![false; self.count];
        for colon in memchr::memchr_iter(b':', bytes) {
            let mut end = colon;
            while end > 0 && is_blank(bytes[end - 1]) {
                end -= 1;
            }
            self.mark_ending_at(bytes, end, &mut present);
            if end > 0 && matches!(bytes[end - 1], b'"' | b'\'') {
                self.mark_ending_at(bytes, end - 1, &mut present);
            }
        }
        present
    }

    /// Marks the literals that `bytes[..end]` ends with.
    fn mark_ending_at(&self, bytes: &[u8], end: usize, present: &mut [bool]) {
        let Some(&last) = end.checked_sub(1).and_then(|i| bytes.get(i)) else {
            return;
        };
        let mut node = self.root[usize::from(last)] as usize;
        let mut at = end - 1;
        while node != 0 {
            for &id in &self.nodes[node].complete {
                present[id] = true;
            }
            if at == 0 {
                break;
            }
            at -= 1;
            let b = bytes[at];
            node = self.nodes[node]
                .next
                .iter()
                .find(|(byte, _)| *byte == b)
                .map_or(0, |&(_, next)| next as usize);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn literals(words: &[&str]) -> Vec<String> {
        words.iter().map(|w| (*w).to_owned()).collect()
    }

    #[test]
    fn a_literal_counts_where_it_ends_a_key() {
        let ends = KeyEnds::new(&literals(&["image", "age", "script", "run"])).unwrap();
        assert_eq!(
            ends.present("containers:\n  - image: x\n"),
            [true, true, false, false],
            "`age` ends `image`, a key"
        );
        assert_eq!(
            ends.present("{\"script\" : 1}"),
            [false, false, true, false]
        );
        assert_eq!(ends.present("run\n  :\n"), [false, false, false, true]);
        assert_eq!(ends.present("'run': x"), [false, false, false, true]);
        // Not before a colon: a value, prose, a longer key.
        assert_eq!(ends.present("name: image\nrunner: x\nrun it"), [false; 4]);
        assert_eq!(ends.present(":image:"), [true, true, false, false]);
        assert_eq!(ends.present(""), [false; 4]);
    }

    #[test]
    fn literals_that_could_end_in_the_space_before_a_colon_or_are_long_are_refused() {
        assert!(KeyEnds::new(&literals(&["a", "b "])).is_none());
        assert!(KeyEnds::new(&literals(&["a\t"])).is_none());
        assert!(KeyEnds::new(&literals(&[""])).is_none());
        // A long literal would let each colon read far back.
        assert!(KeyEnds::new(&literals(&[&"a:".repeat(MAX_LITERAL / 2)])).is_some());
        assert!(KeyEnds::new(&literals(&[&"a:".repeat(MAX_LITERAL / 2 + 1)])).is_none());
        assert!(KeyEnds::new(&literals(&[])).is_some());
    }

    #[test]
    fn the_trie_finds_what_the_automaton_finds_where_keys_end() {
        let words = literals(&[
            "image",
            "age",
            "ge",
            "containers",
            "run",
            "script",
            "a:b",
            "x\"",
            "é",
            "steps",
        ]);
        let ends = KeyEnds::new(&words).unwrap();
        let mut all = super::super::literals::Literals::default();
        for w in &words {
            all.id(w);
        }
        let pieces = [
            "image", "age", "ge", "im", "contain", "ers", "run", "scr", "ipt", "a", "b", "x", "é",
            "steps", ":", ": ", " :", "\"", "'", " ", "\t", "\n", "\r\n", "- ", "{", "}", ",",
        ];
        let mut generated = super::super::generated::Generated::new(0x9e37_79b9);
        for case in 0..2_000 {
            let text = generated.text(&pieces, 40);
            let bytes = text.as_bytes();
            let expected =
                all.present_where(&text, |end| super::super::key_match::ends_a_key(bytes, end));
            assert_eq!(ends.present(&text), expected, "case {case}: {text:?}");
        }
    }
}
