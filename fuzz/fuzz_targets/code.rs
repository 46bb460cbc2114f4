//! Reading source as code: comment stripping for every syntax, every
//! dependency-manifest kind, Python parsed with tree-sitter (whole, and cut
//! into top-level statements, each parsed with the module-level code, and
//! the functions each defines outside a function), the Python lexer that
//! prefilters guards, reading only some lines as code, and the text
//! escaping applied to what is shown.
#![no_main]
use libfuzzer_sys::fuzz_target;
use readiness::scan::{content, manifest, py_segments, python};

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
    // The vectorised line cut is `str::lines`.
    assert!(content::lines(&text).eq(text.lines()));
    let wanted: Vec<u32> = (1..=u32::try_from(text.lines().count()).unwrap_or(0))
        .filter(|n| n % 3 == 1)
        .collect();
    for name in NAMES {
        let syntax = content::syntax_for(name);
        let all = content::code_lines(&text, syntax, 4096);
        // The code of some lines is what reading them all gives there.
        let some: Vec<_> = all
            .into_iter()
            .filter(|(n, _)| wanted.binary_search(n).is_ok())
            .collect();
        assert_eq!(content::code_lines_at(&text, syntax, 4096, &wanted), some);
    }
    for (_, kind) in manifest::GLOBS {
        let _ = manifest::read(*kind, &text);
    }
    if let Some(facts) = python::facts(&text) {
        for call in facts.calls {
            assert!(call.line >= 1);
        }
    }
    if let Some(segments) = py_segments::split(&text) {
        // The segments cover the text in order, each whole lines.
        let mut at = 0;
        for s in &segments {
            assert_eq!(s.start, at);
            assert!(s.end > s.start && s.end_row > s.start_row);
            assert!(s.start == 0 || text.as_bytes()[s.start - 1] == b'\n');
            at = s.end;
        }
        assert_eq!(at, text.len());
        for s in segments.iter().filter(|s| s.definition) {
            let _ = py_segments::outer_functions(&text[s.start..s.end]);
        }
        let kept: Vec<_> = segments
            .iter()
            .enumerate()
            .filter(|(i, s)| !s.definition || i % 2 == 0)
            .map(|(_, s)| *s)
            .collect();
        if let Some(facts) = python::facts_in(&text, &kept) {
            for call in facts.calls {
                assert!(call.line >= 1);
            }
        }
    }
    let read = readiness::scan::py_code::read(&text);
    assert!(read.code.len() <= 2 * text.len() + 1);
    let shown = readiness::text::printable(&text);
    assert!(!shown.chars().any(char::is_control));
});
