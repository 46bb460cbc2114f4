//! The JSON report: pretty-printed, keys in a fixed order, newline-terminated.

use crate::report::Report;

pub fn render(report: &Report) -> String {
    let mut text = serde_json::to_string_pretty(report).unwrap_or_else(|e| {
        // Serializing plain structs of strings and numbers cannot fail; keep
        // the contract (valid JSON on stdout) even if it somehow does.
        serde_json::json!({ "error": e.to_string() }).to_string()
    });
    text.push('\n');
    text
}
