//! Prints, one per line, every regex the built-in rules run over file
//! content (content patterns, key value tests, and the names Python rules call), so `rg -f` can search the
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
            // What a text search needs to find the same calls: the called
            // names, and the guard regex.
            Probe::Python(py) => {
                for call in py.calls.iter().chain(&py.also_calls) {
                    for name in readiness::scan::python_rule::literals(call) {
                        patterns.insert(regex::escape(&name));
                    }
                }
                patterns.extend(py.guarded.clone());
            }
            Probe::File { .. } | Probe::Dependency { .. } => {}
        }
    }
    let mut out = std::io::stdout().lock();
    for p in patterns {
        writeln!(out, "{p}").expect("write");
    }
}
