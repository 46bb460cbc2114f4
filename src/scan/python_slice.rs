//! Which parts of a large Python file to parse for the rules that may match
//! in it: parsing is most of a Python rule's cost, and in a large file most
//! top-level functions and classes hold none of the names a rule calls.
//!
//! A file is cut into its top-level statements ([`py_segments`]). Its
//! module-level code is always parsed: imports and module-level assignments
//! are what names resolve through, and a module-level `if bad: raise` guards
//! the code after it. A top-level definition is parsed when one of the rules
//! may match in it, read exactly as the whole file is read before a parse
//! (`PythonMatcher::may_match`: every spelled part of a called name, the
//! keywords, a guard condition), over the definition's code together with
//! the module-level code. A definition is also parsed when it mentions a
//! function defined in one of those: a call with no guard of its own takes
//! the guards of the calls to its function (`python::walk`).
//!
//! What a skipped definition binds inside its body is local to it, as in
//! Python, so it no longer resolves names in other definitions, as it did
//! when the whole file was parsed and every binding counted for the lines
//! below it.

use super::plan::Plan;
use super::py_code;
use super::py_segments::{self, Segment};
use super::ProbeId;
use std::collections::HashSet;

/// Files smaller than this are parsed whole: cutting would save little.
pub const MIN_BYTES: usize = 8 << 10;

/// Files with more top-level definitions than this are parsed whole: which
/// definitions call which is worked out pair by pair.
pub const MAX_DEFINITIONS: usize = 500;

/// The segments of `text` to parse for the rules `wanted` (each of which
/// may match somewhere in the file), in order; `None` to parse it whole.
pub(super) fn parts(plan: &Plan, text: &str, wanted: &[ProbeId]) -> Option<Vec<Segment>> {
    if text.len() < MIN_BYTES {
        return None;
    }
    let segments = py_segments::split(text)?;
    let definitions = segments.iter().filter(|s| s.definition).count();
    if !(2..=MAX_DEFINITIONS).contains(&definitions) {
        return None;
    }
    let module: String = segments
        .iter()
        .filter(|s| !s.definition)
        .map(|s| &text[s.start..s.end])
        .collect();
    let module = py_code::read(&module);
    let module_present = plan.python_literals.present(&module.code);
    let codes: Vec<py_code::CodeText> = segments
        .iter()
        .map(|s| match s.definition {
            true => py_code::read(&text[s.start..s.end]),
            false => py_code::CodeText::default(),
        })
        .collect();
    // Per definition, the other segments that mention a function it
    // defines: a call there passes its guards to calls in that function.
    // Only a rule that asks for a guard needs them.
    let guarded = wanted.iter().any(|id| plan.python[id].guarded());
    let words: Vec<HashSet<&str>> = match guarded {
        true => (0..segments.len())
            .map(|j| match segments[j].definition {
                true => identifiers(&codes[j].code),
                false => HashSet::new(),
            })
            .collect(),
        false => Vec::new(),
    };
    let module_words = match guarded {
        true => identifiers(&module.code),
        false => HashSet::new(),
    };
    let aliases = match guarded {
        true => module_assignments(text, &segments),
        false => Vec::new(),
    };
    let callers: Vec<Vec<usize>> = codes
        .iter()
        .enumerate()
        .map(|(i, code)| {
            if !guarded || !segments[i].definition {
                return Vec::new();
            }
            let mut defined: Vec<&str> = defined_functions(&code.code).collect();
            if defined.is_empty() {
                return Vec::new();
            }
            // `run = deploy` at module level: a call to `run` is one to `deploy`.
            let aliased = aliases
                .iter()
                .filter(|(_, value)| defined.iter().any(|f| value.contains(f)));
            defined.extend(aliased.map(|(name, _)| *name).collect::<Vec<_>>());
            (0..segments.len())
                .filter(|&j| j != i)
                .filter(|&j| {
                    let other = match segments[j].definition {
                        true => &words[j],
                        false => &module_words,
                    };
                    defined.iter().any(|name| other.contains(name))
                })
                .collect()
        })
        .collect();
    let conditions = |j: usize| match segments[j].definition {
        true => codes[j].conditions.as_str(),
        false => module.conditions.as_str(),
    };
    let holds = |conditions: &str, re: &regex::bytes::Regex| {
        conditions.lines().any(|l| re.is_match(l.as_bytes()))
    };
    let mut keep = vec![false; segments.len()];
    for (i, segment) in segments.iter().enumerate() {
        if !segment.definition {
            keep[i] = true;
            continue;
        }
        let mut present = plan.python_literals.present(&codes[i].code);
        for (p, m) in present.iter_mut().zip(&module_present) {
            *p |= *m;
        }
        // A guard is a condition of the definition, a flag assigned in
        // the module, or a condition of a call to one of its functions.
        let may_match = |id: &ProbeId| {
            plan.python[id].may_match(&present, |re| {
                holds(&codes[i].conditions, re)
                    || holds(&module.conditions, re)
                    || callers[i].iter().any(|&j| holds(conditions(j), re))
            })
        };
        if wanted.iter().any(may_match) {
            keep[i] = true;
            for &j in &callers[i] {
                keep[j] = true;
            }
        }
    }
    if keep.iter().all(|&k| k) {
        return None;
    }
    Some(
        segments
            .into_iter()
            .zip(keep)
            .filter_map(|(s, k)| k.then_some(s))
            .collect(),
    )
}

/// The names after `def` in Python code as [`py_code::read`] writes it.
fn defined_functions(code: &str) -> impl Iterator<Item = &str> {
    code.match_indices("def ").filter_map(|(at, _)| {
        if code[..at].bytes().next_back().is_some_and(is_word) {
            return None;
        }
        let rest = &code[at + 4..];
        let end = rest.bytes().position(|b| !is_word(b)).unwrap_or(rest.len());
        (end > 0).then(|| &rest[..end])
    })
}

/// The module-level lines `name = …`: each name, with the identifiers of
/// what it is assigned.
fn module_assignments<'t>(text: &'t str, segments: &[Segment]) -> Vec<(&'t str, HashSet<&'t str>)> {
    segments
        .iter()
        .filter(|s| !s.definition)
        .flat_map(|s| text[s.start..s.end].lines())
        .filter_map(|line| {
            let (name, value) = line.split_once('=')?;
            let name = name.trim();
            let simple = !name.is_empty()
                && !value.starts_with('=')
                && !name.starts_with(|c: char| c.is_ascii_digit())
                && name.bytes().all(|b| is_word(b) && b < 0x80);
            simple.then(|| (name, identifiers(value)))
        })
        .collect()
}

/// The identifiers (and numbers) in `code`.
fn identifiers(code: &str) -> HashSet<&str> {
    code.split(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || !c.is_ascii()))
        .filter(|w| !w.is_empty())
        .collect()
}

/// ASCII letters, digits, `_`, and every byte of a non-ASCII character.
fn is_word(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || b >= 0x80
}

#[cfg(test)]
mod tests;
