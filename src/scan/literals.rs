//! Literals that probes require in a file's text, found in one pass.

/// Literals that probes require in a file's text (key names for key probes,
/// called names for Python probes), searched for in one pass over the file
/// instead of one substring search per literal per probe.
#[derive(Default)]
pub struct Literals {
    literals: Vec<String>,
    index: std::collections::HashMap<String, usize>,
    /// Built on first search: a run whose files need no literal search
    /// (an empty tree, a tree without YAML) never pays for it.
    automaton: std::sync::OnceLock<Option<aho_corasick::AhoCorasick>>,
    /// Literals are lowercase and match regardless of ASCII case.
    fold_case: bool,
}

impl Literals {
    /// A set whose (lowercase) literals match regardless of ASCII case.
    pub fn folding_case() -> Literals {
        Literals {
            fold_case: true,
            ..Literals::default()
        }
    }

    /// The id of `literal`, added when new.
    pub fn id(&mut self, literal: &str) -> usize {
        if let Some(&i) = self.index.get(literal) {
            return i;
        }
        self.literals.push(literal.to_owned());
        self.index
            .insert(literal.to_owned(), self.literals.len() - 1);
        self.literals.len() - 1
    }

    /// How many literals there are.
    pub fn len(&self) -> usize {
        self.literals.len()
    }

    /// A DFA, the fastest of the crate's automatons to run: every file a
    /// content, key or Python rule targets goes through one. Even the
    /// case-folded set of several hundred content literals builds in a few
    /// milliseconds, once per run. `None`: too large to build (each search
    /// then looks for each literal in turn).
    fn automaton(&self) -> Option<&aho_corasick::AhoCorasick> {
        self.automaton
            .get_or_init(|| {
                aho_corasick::AhoCorasick::builder()
                    .kind(Some(aho_corasick::AhoCorasickKind::DFA))
                    .ascii_case_insensitive(self.fold_case)
                    .build(&self.literals)
                    .ok()
            })
            .as_ref()
    }

    /// Every occurrence in `text`, in text order. Overlapping occurrences
    /// all count.
    pub fn occurrences(&self, text: &str) -> Vec<Occurrence> {
        let Some(ac) = self.automaton() else {
            return self.occurrences_without_automaton(text);
        };
        let mut out = Vec::new();
        // Matches arrive ordered by their end, so the line count only moves
        // forward from the previous match's line start; the current line's
        // span is found once, however many literals it holds.
        let bytes = text.as_bytes();
        let (mut counted_to, mut line) = (0usize, 1u32);
        let mut current: Option<(usize, usize)> = None;
        for m in ac.find_overlapping_iter(text) {
            let start = m.start();
            let (line_no, span) = if start >= counted_to {
                let newlines = count_newlines(&bytes[counted_to..start]);
                if newlines > 0 {
                    current = None;
                }
                line += newlines;
                counted_to = start;
                let span = *current.get_or_insert_with(|| line_span(bytes, start));
                (line, span)
            } else {
                // Started before the last counted position (a longer
                // literal ending later): count back.
                let back = count_newlines(&bytes[start..counted_to]);
                let span = if back == 0 {
                    *current.get_or_insert_with(|| line_span(bytes, start))
                } else {
                    line_span(bytes, start)
                };
                (line - back, span)
            };
            out.push(Occurrence {
                literal: m.pattern().as_usize(),
                line: line_no,
                span,
            });
        }
        out
    }

    fn occurrences_without_automaton(&self, text: &str) -> Vec<Occurrence> {
        let mut out = Vec::new();
        let mut line_start = 0;
        for (index, raw) in text.split('\n').enumerate() {
            let line = u32::try_from(index + 1).unwrap_or(u32::MAX);
            let folded;
            let haystack = if self.fold_case {
                folded = raw.to_ascii_lowercase();
                folded.as_str()
            } else {
                raw
            };
            for (i, l) in self.literals.iter().enumerate() {
                if haystack.contains(l.as_str()) {
                    out.push(Occurrence {
                        literal: i,
                        line,
                        span: (line_start, line_start + raw.len()),
                    });
                }
            }
            line_start += raw.len() + 1;
        }
        out
    }

    /// Which literals occur in `text`.
    pub fn present(&self, text: &str) -> Vec<bool> {
        let mut present = vec![false; self.literals.len()];
        match self.automaton() {
            Some(ac) => {
                for m in ac.find_overlapping_iter(text) {
                    present[m.pattern().as_usize()] = true;
                }
            }
            None => {
                let folded;
                let haystack = if self.fold_case {
                    folded = text.to_ascii_lowercase();
                    &folded
                } else {
                    text
                };
                for (i, l) in self.literals.iter().enumerate() {
                    present[i] = haystack.contains(l.as_str());
                }
            }
        }
        present
    }
}

/// Where a literal occurs: which one, on which line (1-based), and that
/// line's byte range in the text (without its newline).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Occurrence {
    pub literal: usize,
    pub line: u32,
    pub span: (usize, usize),
}

/// The byte range of the line holding `at`, without its newline.
fn line_span(bytes: &[u8], at: usize) -> (usize, usize) {
    let start = memchr::memrchr(b'\n', &bytes[..at]).map_or(0, |i| i + 1);
    let end = memchr::memchr(b'\n', &bytes[at..]).map_or(bytes.len(), |i| at + i);
    (start, end)
}

fn count_newlines(bytes: &[u8]) -> u32 {
    u32::try_from(bytes.iter().filter(|&&b| b == b'\n').count()).unwrap_or(u32::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn occurrences_carry_their_line_and_its_span_whatever_the_order_of_matches() {
        let mut literals = Literals::folding_case();
        let (short, long) = (literals.id("eval"), literals.id("mlflow.evaluate("));
        let text = "x\nmlflow.EVALUATE(m)\n\nEval\n";
        let at = |literal, line, span| Occurrence {
            literal,
            line,
            span,
        };
        let expected = vec![
            at(short, 2, (2, 20)),
            at(short, 4, (22, 26)),
            at(long, 2, (2, 20)),
        ];
        let mut found = literals.occurrences(text);
        found.sort_unstable();
        assert_eq!(found, expected);
        let mut plain = Literals::folding_case();
        plain.id("eval");
        plain.id("mlflow.evaluate(");
        let mut found = plain.occurrences_without_automaton(text);
        found.sort_unstable();
        assert_eq!(found, expected);
    }
}
