//! The JSON report: pretty-printed, keys in a fixed order, newline-terminated.
//!
//! [`write`] streams it: a monorepo's report lists every project, and the
//! text (about 1 KB a project) is never held whole beside the report.

use crate::report::Report;
use std::io::Write;

/// Writes the report to `out` (buffer it: serde writes small pieces).
pub fn write(report: &Report, out: &mut dyn Write) -> std::io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, report).map_err(std::io::Error::from)?;
    out.write_all(b"\n")
}

/// The report as one string, for callers that compare or embed it.
pub fn render(report: &Report) -> String {
    let mut bytes = Vec::new();
    match write(report, &mut bytes) {
        Ok(()) => String::from_utf8(bytes)
            .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned()),
        // Serializing plain structs of strings and numbers into memory
        // cannot fail; keep the contract (valid JSON) even if it somehow does.
        Err(e) => format!("{}\n", serde_json::json!({ "error": e.to_string() })),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_streamed_report_is_the_rendered_one_byte_for_byte() {
        let catalog = crate::load_catalog(&[]).expect("built-in rubrics load");
        let root =
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/level-2-deployment");
        let report =
            crate::score(&root, &catalog, &Default::default(), None, None).expect("scores");
        let mut streamed = Vec::new();
        write(&report, &mut std::io::BufWriter::new(&mut streamed)).unwrap();
        let text = render(&report);
        assert!(text.ends_with("}\n"), "{text}");
        assert_eq!(String::from_utf8(streamed).unwrap(), text);
        serde_json::from_str::<serde_json::Value>(&text).expect("valid JSON");
    }
}
