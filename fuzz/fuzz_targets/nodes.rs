//! YAML (streams and single documents), JSON, JSON Lines and TOML into the
//! spanned node tree that key rules walk; and the fast YAML reading, which
//! must give exactly the thorough parse's tree whenever it answers; and the
//! cut of a stream into documents, which must cover it exactly and parse to
//! the same documents.
#![no_main]
use libfuzzer_sys::fuzz_target;
use readiness::node;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    if let Some(fast) = readiness::yaml_fast::documents(&text) {
        let thorough = node::parse_yaml_thoroughly(&text, false);
        assert_eq!(Ok(fast), thorough, "the fast reading differs");
    }
    let whole = node::parse_yaml_documents(&text, false);
    let pieces = readiness::scan::yaml_docs::pieces(&text);
    let mut covered = String::new();
    for piece in &pieces {
        let before = covered.matches('\n').count() + 1;
        assert_eq!(piece.first_line as usize, before, "a piece starts at the wrong line");
        covered.push_str(piece.text);
    }
    assert_eq!(covered, text, "the pieces do not cover the stream");
    if let (Ok(docs), true) = (&whole, pieces.len() > 1) {
        let count: usize = pieces
            .iter()
            .map(|p| {
                node::parse_yaml_documents(p.text, false)
                    .expect("a piece of a valid stream parses")
                    .len()
            })
            .sum();
        assert_eq!(count, docs.len(), "the pieces hold other documents");
    }
    let _ = node::parse_yaml_documents(&text, true);
    let _ = node::parse_yaml(&text);
    let _ = node::parse_json(&text);
    let _ = node::parse_json_lines(&text);
    let _ = node::parse_toml(&text);
});
