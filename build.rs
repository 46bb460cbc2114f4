//! Parses the built-in rubrics (`rubrics/*.yaml`) when the binary is built
//! and embeds their trees in the binary's compact form (`node_codec`), so
//! no run pays for parsing their YAML again. The parser and the codec are
//! the crate's own modules, included here by path, so the trees are exactly
//! what a parse at run time gives (a test compares the two).
//!
//! A rubric that does not parse is written as "not parsed": the binary then
//! parses its text at run time, which reports the error with its position.

#[allow(dead_code)]
#[path = "src/node.rs"]
mod node;
#[allow(dead_code)]
#[path = "src/node_codec.rs"]
mod node_codec;
#[allow(dead_code)]
#[path = "src/yaml_fast.rs"]
mod yaml_fast;

use std::io::Write;
use std::path::Path;

fn main() {
    // Cargo reads its instructions from the script's standard output.
    let mut cargo = std::io::stdout().lock();
    for source in [
        "rubrics",
        "src/node.rs",
        "src/node_codec.rs",
        "src/yaml_fast.rs",
    ] {
        writeln!(cargo, "cargo::rerun-if-changed={source}").expect("writing to cargo");
    }
    let mut names: Vec<String> = std::fs::read_dir("rubrics")
        .expect("the rubrics directory")
        .filter_map(|entry| entry.ok()?.file_name().into_string().ok())
        .filter(|name| name.ends_with(".yaml"))
        .collect();
    names.sort();
    let mut table = Vec::new();
    for name in &names {
        let text = std::fs::read_to_string(Path::new("rubrics").join(name))
            .unwrap_or_else(|e| panic!("rubrics/{name}: {e}"));
        node_codec::encode_str(name, &mut table);
        match node::parse_yaml(&text) {
            Ok(tree) => {
                table.push(1);
                let mut encoded = Vec::new();
                node_codec::encode(&tree, &mut encoded);
                node_codec::encode_bytes(&encoded, &mut table);
            }
            Err(_) => table.push(0),
        }
    }
    let out = std::env::var("OUT_DIR").expect("cargo sets OUT_DIR");
    std::fs::write(Path::new(&out).join("builtin_rubrics.bin"), table)
        .expect("writing the parsed built-in rubrics");
}
