//! JUnit XML so CI test tabs show the checks: one test suite per area, one
//! test case per check. Met passes, unmet fails with the fix, not applicable
//! is skipped, and unknown is an error (it could not be evaluated).

use crate::report::{Outcome, Report, Source};
use std::fmt::Write;

/// Escapes text for XML attributes and content, dropping characters XML 1.0
/// cannot carry.
fn xml(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if (c as u32) < 0x20 => {}
            c => out.push(c),
        }
    }
    out
}

pub fn render(report: &Report) -> String {
    let count =
        |f: &dyn Fn(Outcome) -> bool| -> usize { report.checks().filter(|c| f(c.outcome)).count() };
    let total = count(&|_| true);
    let failures = count(&|o| o == Outcome::Unmet);
    let errors = count(&|o| o == Outcome::Unknown);
    let waived = report
        .checks()
        .filter(|c| c.source == Some(Source::Waived))
        .count();
    let skipped = count(&|o| o == Outcome::NotApplicable) + waived;
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let _ = writeln!(
        out,
        "<testsuites name=\"readiness\" tests=\"{total}\" failures=\"{failures}\" errors=\"{errors}\" skipped=\"{skipped}\">"
    );
    for area in &report.areas {
        let n = |o: Outcome| area.checks.iter().filter(|c| c.outcome == o).count();
        let area_waived = area
            .checks
            .iter()
            .filter(|c| c.source == Some(Source::Waived))
            .count();
        let _ = writeln!(
            out,
            "  <testsuite name=\"{}\" tests=\"{}\" failures=\"{}\" errors=\"{}\" skipped=\"{}\">",
            xml(&area.id),
            area.checks.len(),
            n(Outcome::Unmet),
            n(Outcome::Unknown),
            n(Outcome::NotApplicable) + area_waived
        );
        for c in &area.checks {
            let _ = write!(
                out,
                "    <testcase classname=\"readiness.{}\" name=\"{} (L{}) {}\"",
                xml(&area.id),
                xml(&c.id),
                c.level,
                xml(&c.title)
            );
            match c.outcome {
                Outcome::Met if c.source == Some(Source::Waived) => {
                    let w = c.waiver.as_ref();
                    let _ = writeln!(
                        out,
                        ">\n      <skipped message=\"waived until {} by {}: {}\"/>\n    </testcase>",
                        w.map(|w| w.expires.to_string()).unwrap_or_default(),
                        xml(w.map_or("", |w| w.owner.as_str())),
                        xml(w.map_or("", |w| w.reason.as_str()))
                    );
                }
                Outcome::Met => out.push_str("/>\n"),
                Outcome::Unmet => {
                    let _ = writeln!(
                        out,
                        ">\n      <failure type=\"unmet\" message=\"{}\">Fix: {}\nWhy: {}</failure>\n    </testcase>",
                        xml(c.reason.as_deref().unwrap_or("no evidence found")),
                        xml(&c.fix),
                        xml(&c.why)
                    );
                }
                Outcome::Unknown => {
                    let _ = writeln!(
                        out,
                        ">\n      <error type=\"unknown\" message=\"could not be evaluated\">{}</error>\n    </testcase>",
                        xml(c.reason.as_deref().unwrap_or(""))
                    );
                }
                Outcome::NotApplicable => {
                    let _ = writeln!(
                        out,
                        ">\n      <skipped message=\"not applicable: {}\"/>\n    </testcase>",
                        xml(c.reason.as_deref().unwrap_or(""))
                    );
                }
            }
        }
        out.push_str("  </testsuite>\n");
    }
    out.push_str("</testsuites>\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn xml_escapes_markup_and_drops_control_characters() {
        assert_eq!(xml("a<b & \"c\"\u{1}"), "a&lt;b &amp; &quot;c&quot;");
    }
}
