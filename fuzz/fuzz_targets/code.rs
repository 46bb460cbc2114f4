//! Reading source as code: comment stripping for every syntax, every
//! dependency-manifest kind, Python parsed with tree-sitter, the Python lexer
//! that prefilters guards, and the text escaping applied to what is shown.
#![no_main]
use libfuzzer_sys::fuzz_target;
use readiness::scan::{content, manifest, python};

const NAMES: &[&str] = &[
    "a.py",
    "a.yml",
    "a.ts",
    "a.tf",
    "a.sql",
    "a.ipynb",
    "Dockerfile",
    "README.md",
];

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    for name in NAMES {
        let _ = content::code_lines(&text, content::syntax_for(name), 4096);
    }
    for (_, kind) in manifest::GLOBS {
        let _ = manifest::read(*kind, &text);
    }
    if let Some(facts) = python::facts(&text) {
        for call in facts.calls {
            assert!(call.line >= 1);
        }
    }
    let read = readiness::scan::py_code::read(&text);
    assert!(read.code.len() <= 2 * text.len() + 1);
    let shown = readiness::text::printable(&text);
    assert!(!shown.chars().any(char::is_control));
});
