//! Prints the calls readiness reads from a Python file: qualified name, the
//! name as written, keyword arguments and guarding conditions. For writing
//! and debugging `python` rules: `cargo run --example python-calls FILE.py`.

use std::io::Write;

fn main() -> anyhow::Result<()> {
    let path = std::env::args()
        .nth(1)
        .ok_or_else(|| anyhow::anyhow!("usage: python-calls FILE.py"))?;
    let text = String::from_utf8_lossy(&std::fs::read(&path)?).into_owned();
    let facts = readiness::scan::python::facts(&text)
        .ok_or_else(|| anyhow::anyhow!("the Python parser could not run"))?;
    let mut out = std::io::stdout().lock();
    for call in facts.calls {
        let written = call
            .written
            .map(|w| format!(" (written {w})"))
            .unwrap_or_default();
        writeln!(out, "{}: {}{written}", call.line, call.name)?;
        if !call.keywords.is_empty() {
            writeln!(out, "    keywords: {}", call.keywords.join(", "))?;
        }
        for guard in call.guards {
            writeln!(out, "    under: {} (line {})", guard.condition, guard.line)?;
        }
    }
    Ok(())
}
