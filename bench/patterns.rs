//! Prints, one per line, every regex the built-in rules run over file
//! content (content patterns and key value tests), so `rg -f` can search the
//! same patterns over the same tree.
//!
//! Usage: `cargo run --release --example patterns > patterns.txt`

use readiness::rubric::model::Probe;
use std::collections::BTreeSet;
use std::io::Write;

fn main() {
    let catalog = readiness::load_catalog(&[]).expect("built-in rubrics load");
    let mut patterns = BTreeSet::new();
    for probe in &catalog.probes {
        match probe {
            Probe::Content {
                pattern,
                exclude,
                also,
                ..
            } => {
                patterns.insert(pattern.clone());
                patterns.extend(exclude.clone());
                patterns.extend(also.clone());
            }
            Probe::Key(key) => {
                patterns.extend(key.value.clone());
            }
            Probe::File { .. } | Probe::Dependency { .. } => {}
        }
    }
    let mut out = std::io::stdout().lock();
    for p in patterns {
        writeln!(out, "{p}").expect("write");
    }
}
