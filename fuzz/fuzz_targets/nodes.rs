//! YAML (streams and single documents), JSON, JSON Lines and TOML into the
//! spanned node tree that key rules walk; and the fast YAML reading, which
//! must give exactly the thorough parse's tree whenever it answers.
#![no_main]
use libfuzzer_sys::fuzz_target;
use readiness::node;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    if let Some(fast) = readiness::yaml_fast::documents(&text) {
        let thorough = node::parse_yaml_thoroughly(&text, false);
        assert_eq!(Ok(fast), thorough, "the fast reading differs");
    }
    let _ = node::parse_yaml_documents(&text, false);
    let _ = node::parse_yaml_documents(&text, true);
    let _ = node::parse_yaml(&text);
    let _ = node::parse_json(&text);
    let _ = node::parse_json_lines(&text);
    let _ = node::parse_toml(&text);
});
