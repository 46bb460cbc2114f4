//! Literals that probes require in a file's text, found in one pass.

/// Literals that probes require in a file's text (key names for key probes,
/// called names for Python probes), searched for in one pass over the file
/// instead of one substring search per literal per probe.
#[derive(Default)]
pub struct Literals {
    literals: Vec<String>,
    index: std::collections::HashMap<String, usize>,
    automaton: Option<aho_corasick::AhoCorasick>,
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

    /// A DFA: a few dozen short literals make a small one, and it is the
    /// fastest of the crate's automatons to run. Case-folded sets (hundreds
    /// of content literals, searched only in files that passed a cheaper
    /// test) use the contiguous NFA, much faster to build.
    pub fn build(&mut self) {
        let kind = if self.fold_case {
            aho_corasick::AhoCorasickKind::ContiguousNFA
        } else {
            aho_corasick::AhoCorasickKind::DFA
        };
        self.automaton = aho_corasick::AhoCorasick::builder()
            .kind(Some(kind))
            .ascii_case_insensitive(self.fold_case)
            .build(&self.literals)
            .ok();
    }

    /// Every occurrence in `text`: (literal id, line number), in text order
    /// (lines are 1-based). Overlapping occurrences all count.
    pub fn lines_of(&self, text: &str) -> Vec<(usize, u32)> {
        let Some(ac) = &self.automaton else {
            return self.lines_without_automaton(text);
        };
        let mut out = Vec::new();
        // Matches arrive ordered by their end, so the line count only moves
        // forward from the previous match's line start.
        let bytes = text.as_bytes();
        let (mut counted_to, mut line) = (0usize, 1u32);
        for m in ac.find_overlapping_iter(text) {
            let start = m.start();
            if start >= counted_to {
                line += count_newlines(&bytes[counted_to..start]);
                counted_to = start;
                out.push((m.pattern().as_usize(), line));
            } else {
                // Started before the last counted position (a longer
                // literal ending later): count back.
                let back = count_newlines(&bytes[start..counted_to]);
                out.push((m.pattern().as_usize(), line - back));
            }
        }
        out
    }

    fn lines_without_automaton(&self, text: &str) -> Vec<(usize, u32)> {
        let mut out = Vec::new();
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
                    out.push((i, line));
                }
            }
        }
        out
    }

    /// Which literals occur in `text`.
    pub fn present(&self, text: &str) -> Vec<bool> {
        let mut present = vec![false; self.literals.len()];
        match &self.automaton {
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

fn count_newlines(bytes: &[u8]) -> u32 {
    u32::try_from(bytes.iter().filter(|&&b| b == b'\n').count()).unwrap_or(u32::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn occurrences_carry_their_line_whatever_the_order_of_matches() {
        let mut literals = Literals::folding_case();
        let (short, long) = (literals.id("eval"), literals.id("mlflow.evaluate("));
        literals.build();
        let text = "x\nmlflow.EVALUATE(m)\n\nEval\n";
        let mut found = literals.lines_of(text);
        found.sort_unstable();
        assert_eq!(found, vec![(short, 2), (short, 4), (long, 2)]);
        let mut plain = Literals::folding_case();
        plain.id("eval");
        plain.id("mlflow.evaluate(");
        assert_eq!(plain.lines_without_automaton(text).len(), 3);
    }
}
