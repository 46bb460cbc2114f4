//! The built-in rubrics, embedded in the binary so it needs no files at run time.

use super::load::RubricSource;
use crate::node_codec::Decoder;

/// `(file name, contents)` of every built-in rubric, in ladder-reading order.
pub const BUILTIN_RUBRICS: &[(&str, &str)] = &[
    (
        "versioning.yaml",
        include_str!("../../rubrics/versioning.yaml"),
    ),
    ("evals.yaml", include_str!("../../rubrics/evals.yaml")),
    (
        "monitoring.yaml",
        include_str!("../../rubrics/monitoring.yaml"),
    ),
    (
        "ownership.yaml",
        include_str!("../../rubrics/ownership.yaml"),
    ),
    ("rollback.yaml", include_str!("../../rubrics/rollback.yaml")),
    (
        "data-layer.yaml",
        include_str!("../../rubrics/data-layer.yaml"),
    ),
];

/// `(file name, tree)` of every `rubrics/*.yaml`, parsed when the binary was
/// built (`build.rs`) and encoded by `node_codec`; a tree is missing where
/// its YAML did not parse.
const PARSED: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/builtin_rubrics.bin"));

pub fn sources() -> Vec<RubricSource> {
    let parsed = parsed_ahead();
    BUILTIN_RUBRICS
        .iter()
        .map(|(file, text)| RubricSource {
            name: format!("rubrics/{file}"),
            origin: format!("builtin:{file}"),
            text: (*text).to_owned(),
            trusted: true,
            parsed: parsed
                .iter()
                .find(|(name, _)| name == file)
                .and_then(|(_, tree)| *tree),
        })
        .collect()
}

/// The encoded trees `build.rs` wrote, by file name; empty if the table
/// does not decode (the rubrics are then parsed at run time, as user
/// rubrics are). A tree is decoded when the catalog is loaded.
fn parsed_ahead() -> Vec<(String, Option<&'static [u8]>)> {
    let mut decoder = Decoder::new(PARSED);
    let mut trees = Vec::new();
    while !decoder.is_empty() {
        let entry = decoder.string().and_then(|name| match decoder.byte()? {
            0 => Some((name, None)),
            _ => Some((name, Some(decoder.bytes()?))),
        });
        match entry {
            Some(entry) => trees.push(entry),
            None => return Vec::new(),
        }
    }
    trees
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_trees_parsed_at_build_time_are_what_parsing_the_text_gives() {
        let sources = sources();
        assert_eq!(sources.len(), BUILTIN_RUBRICS.len());
        for source in sources {
            let encoded = source
                .parsed
                .unwrap_or_else(|| panic!("{} was not parsed at build time", source.name));
            let mut decoder = Decoder::new(encoded);
            let tree = decoder
                .node()
                .unwrap_or_else(|| panic!("{}: the tree does not decode", source.name));
            assert!(decoder.is_empty(), "{}: bytes after the tree", source.name);
            assert_eq!(
                Ok(tree),
                crate::node::parse_yaml(&source.text),
                "{}",
                source.name
            );
        }
    }
}
