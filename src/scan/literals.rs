//! Literals that probes require in a file's text, found in one pass.

/// Literals that probes require in a file's text (key names for key probes,
/// called names for Python probes), searched for in one pass over the file
/// instead of one substring search per literal per probe.
#[derive(Default)]
pub struct Literals {
    literals: Vec<String>,
    index: std::collections::HashMap<String, usize>,
    automaton: Option<aho_corasick::AhoCorasick>,
}

impl Literals {
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

    /// The id of a literal added before.
    pub fn lookup(&self, literal: &str) -> Option<usize> {
        self.index.get(literal).copied()
    }

    /// A DFA: a few dozen short literals make a small one, and it is the
    /// fastest of the crate's automatons to run.
    pub fn build(&mut self) {
        self.automaton = aho_corasick::AhoCorasick::builder()
            .kind(Some(aho_corasick::AhoCorasickKind::DFA))
            .build(&self.literals)
            .ok();
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
                for (i, l) in self.literals.iter().enumerate() {
                    present[i] = text.contains(l.as_str());
                }
            }
        }
        present
    }
}
