//! JSON reports given back to the tool: `diff OLD NEW` and `--baseline`.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let (old, new) = data.split_at(data.len() / 2);
    let (old, new) = (String::from_utf8_lossy(old), String::from_utf8_lossy(new));
    let _ = readiness::diff::compare(&old, "old.json", &new, "new.json");
    let _ = readiness::diff::compare(&text, "old.json", &text, "new.json");
});
