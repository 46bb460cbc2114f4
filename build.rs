//! Parses the built-in rubrics (`rubrics/*.yaml`) when the binary is built
//! and embeds their trees in the binary's compact form (`node_codec`), so
//! no run pays for parsing their YAML again. The parser and the codec are
//! the crate's own modules, included here by path, so the trees are exactly
//! what a parse at run time gives (a test compares the two).
//!
//! A rubric that does not parse is written as "not parsed": the binary then
//! parses its text at run time, which reports the error with its position.
//!
//! It also reads what the scanner needs to know of each of their regexes
//! (`src/scan/required.rs`: the literals a pattern cannot match without,
//! and the shape of a key's value regex) into a table the binary looks
//! them up in: every run would otherwise parse each pattern again for it.

#[allow(dead_code)]
#[path = "src/node.rs"]
mod node;
#[allow(dead_code)]
#[path = "src/node_codec.rs"]
mod node_codec;
#[allow(dead_code)]
#[path = "src/scan/required.rs"]
mod required;
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
        "src/scan/required.rs",
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
    let mut patterns = Vec::new();
    for name in &names {
        let text = std::fs::read_to_string(Path::new("rubrics").join(name))
            .unwrap_or_else(|e| panic!("rubrics/{name}: {e}"));
        node_codec::encode_str(name, &mut table);
        match node::parse_yaml(&text) {
            Ok(tree) => {
                regexes(&tree, &mut patterns);
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
    std::fs::write(
        Path::new(&out).join("builtin_regexes.rs"),
        regex_table(patterns),
    )
    .expect("writing the built-in regexes' table");
}

/// Every string a `pattern` or `value` key holds, anywhere in `node`: the
/// regexes the scanner reads literals from (content patterns, key values).
fn regexes(node: &node::Node, out: &mut Vec<String>) {
    match &node.value {
        node::Value::Seq(items) => items.iter().for_each(|n| regexes(n, out)),
        node::Value::Map(entries) => {
            for entry in entries {
                if let (node::Value::String(s), "pattern" | "value") =
                    (&entry.node.value, entry.key.as_str())
                {
                    out.push(s.clone());
                }
                regexes(&entry.node, out);
            }
        }
        _ => {}
    }
}

/// The Rust source of `BUILTIN`: per pattern (sorted, for a binary
/// search), what `required` reads of it.
fn regex_table(mut patterns: Vec<String>) -> String {
    patterns.sort();
    patterns.dedup();
    let mut rust = String::from("pub static BUILTIN: &[Facts] = &[\n");
    for pattern in &patterns {
        let literals = match required::required_literals(pattern) {
            Some(set) => format!("Some(&{set:?})"),
            None => "None".to_owned(),
        };
        rust.push_str(&format!(
            "    Facts {{ pattern: {pattern:?}, literals: {literals}, token_only: {}, whole_value: {} }},\n",
            required::token_only(pattern),
            required::whole_value(pattern),
        ));
    }
    rust.push_str("];\n");
    rust
}
