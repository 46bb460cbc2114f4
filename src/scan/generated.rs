//! Texts made of fragments in a pseudo-random order, the same on every run:
//! what the tests that compare two ways of finding the same thing feed
//! them (a linear congruential generator, so no crate is needed); and the
//! Python files committed under `examples/` and `tests/fixtures/`.

/// Every committed Python file (`examples/`, `tests/fixtures/`) that reads
/// as UTF-8: its path and text.
pub fn committed_python_files() -> Vec<(std::path::PathBuf, String)> {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    for dir in ["examples", "tests/fixtures"] {
        for entry in ignore::WalkBuilder::new(root.join(dir))
            .hidden(false)
            .build()
            .flatten()
        {
            if entry.path().extension().is_some_and(|e| e == "py") {
                if let Ok(text) = std::fs::read_to_string(entry.path()) {
                    files.push((entry.into_path(), text));
                }
            }
        }
    }
    files
}

pub struct Generated {
    state: u64,
}

impl Generated {
    pub fn new(seed: u64) -> Generated {
        Generated { state: seed }
    }

    /// A number below `n`.
    pub fn below(&mut self, n: usize) -> usize {
        self.state = self
            .state
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1);
        (self.state >> 33) as usize % n
    }

    /// Fewer than `most` of `pieces`, joined.
    pub fn text(&mut self, pieces: &[&str], most: usize) -> String {
        let count = self.below(most);
        (0..count)
            .map(|_| pieces[self.below(pieces.len())])
            .collect()
    }
}
