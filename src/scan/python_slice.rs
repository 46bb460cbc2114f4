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
//! the module-level code. A definition is also parsed when it may call a
//! function defined in one of those outside any function: a call with no
//! guard of its own takes the guards of the calls to its function
//! (`python::walk`), and a function nested in another is called by its name
//! only there.
//!
//! What a skipped definition binds inside its body is local to it, as in
//! Python, so it no longer resolves names in other definitions, as it did
//! when the whole file was parsed and every binding counted for the lines
//! below it.

use super::names::{ends_callee, is_identifier_byte};
use super::plan::Plan;
use super::py_code;
use super::py_segments::{self, Segment};
use super::ProbeId;
use std::cell::RefCell;
use std::collections::{HashMap, HashSet};

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
    let module_text: String = segments
        .iter()
        .filter(|s| !s.definition)
        .map(|s| &text[s.start..s.end])
        .collect();
    let module = py_code::read(&module_text);
    let module_present = plan
        .python_literals
        .present_in_python(&module_text, &module);
    let codes: Vec<py_code::CodeText> = segments
        .iter()
        .map(|s| match s.definition {
            true => py_code::read(&text[s.start..s.end]),
            false => py_code::CodeText::default(),
        })
        .collect();
    // Only a rule that asks for a guard needs the calls to a definition's
    // functions: they pass their guards on.
    let guarded = wanted.iter().any(|id| plan.python[id].guarded());
    let callers = match guarded {
        true => callers(text, &segments, &codes, (&module_text, &module)),
        false => vec![Vec::new(); segments.len()],
    };
    let conditions = |j: usize| match segments[j].definition {
        true => codes[j].conditions.as_str(),
        false => module.conditions.as_str(),
    };
    // Whether segment `j`'s conditions hold a guard: each regex is tried on
    // each segment once, however many definitions it calls.
    let tried: RefCell<HashMap<(String, usize), bool>> = RefCell::default();
    let holds = |j: usize, re: &super::content::Pattern| {
        let key = (re.as_str().to_owned(), j);
        if let Some(&known) = tried.borrow().get(&key) {
            return known;
        }
        let found = conditions(j).lines().any(|l| re.is_match(l.as_bytes()));
        tried.borrow_mut().insert(key, found);
        found
    };
    let module_index = segments.iter().position(|s| !s.definition);
    let mut keep = vec![false; segments.len()];
    for (i, segment) in segments.iter().enumerate() {
        if !segment.definition {
            keep[i] = true;
            continue;
        }
        let mut present = plan
            .python_literals
            .present_in_python(&text[segment.start..segment.end], &codes[i]);
        for (p, m) in present.iter_mut().zip(&module_present) {
            *p |= *m;
        }
        // A guard is a condition of the definition, a flag assigned in
        // the module, or a condition of a call to one of its functions.
        let may_match = |id: &ProbeId| {
            plan.python[id].may_match(&present, |re| {
                holds(i, re)
                    || module_index.is_some_and(|m| holds(m, re))
                    || callers[i].iter().any(|&j| holds(j, re))
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

/// Per definition, the other segments (module-level code included) that
/// may call a function it defines outside any function, or a module-level
/// alias of one (`run = deploy`): a call there passes its guards to the
/// calls in that function.
/// `codes` holds each definition's code (module-level segments: empty),
/// `module` the module-level code.
fn callers<'t>(
    text: &'t str,
    segments: &[Segment],
    codes: &'t [py_code::CodeText],
    (module_text, module): (&'t str, &'t py_code::CodeText),
) -> Vec<Vec<usize>> {
    let module_words = callee_identifiers(module_text, module);
    let own_words: Vec<HashSet<&str>> = segments
        .iter()
        .zip(codes)
        .map(|(segment, code)| match segment.definition {
            true => callee_identifiers(&text[segment.start..segment.end], code),
            false => HashSet::new(),
        })
        .collect();
    let words = |j: usize| match segments[j].definition {
        true => &own_words[j],
        false => &module_words,
    };
    let aliases = module_assignments(text, segments);
    codes
        .iter()
        .zip(segments)
        .enumerate()
        .map(|(i, (code, segment))| {
            let own = &text[segment.start..segment.end];
            // A function nested in another is called by its name only
            // there (see `python::walk`): only the others can be called
            // from other segments.
            let outer = code
                .regular
                .then(|| py_segments::outer_functions(own))
                .flatten();
            let mut defined: Vec<&str> = match outer {
                Some(outer) => outer,
                None if code.regular => defined_functions(&code.code).collect(),
                None => defined_functions(own).collect(),
            };
            if defined.is_empty() {
                return Vec::new();
            }
            let aliased: Vec<&str> = aliases
                .iter()
                .filter(|(_, value)| defined.iter().any(|f| value.contains(f)))
                .map(|(name, _)| *name)
                .collect();
            defined.extend(aliased);
            (0..segments.len())
                .filter(|&j| j != i && defined.iter().any(|name| words(j).contains(name)))
                .collect()
        })
        .collect()
}

/// The names after `def` in Python code as [`py_code::read`] writes it, or
/// in a file's text.
fn defined_functions(code: &str) -> impl Iterator<Item = &str> {
    code.match_indices("def").filter_map(|(at, _)| {
        if code[..at]
            .bytes()
            .next_back()
            .is_some_and(is_identifier_byte)
        {
            return None;
        }
        let after = &code[at + 3..];
        let rest = after.trim_start_matches([' ', '\t', '\x0c']);
        if rest.len() == after.len() {
            return None;
        }
        let end = rest
            .bytes()
            .position(|b| !is_identifier_byte(b))
            .unwrap_or(rest.len());
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
                && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_');
            simple.then(|| (name, identifiers(value)))
        })
        .collect()
}

/// The identifiers in `code` (read from `text`) that may end a callee or a
/// bound value where they occur (see `names::ends_callee`): a function
/// passed as an argument (`compile(pipeline_func=p)`) is not called there,
/// and a call to it cannot be guarded there. Every identifier of `text`
/// when the code is not regular (see [`py_code::CodeText::regular`]).
fn callee_identifiers<'t>(text: &'t str, code: &'t py_code::CodeText) -> HashSet<&'t str> {
    if !code.regular {
        return identifiers(text);
    }
    let bytes = code.code.as_bytes();
    let mut out = HashSet::new();
    let mut at = 0;
    while at < bytes.len() {
        if !is_identifier_byte(bytes[at]) {
            at += 1;
            continue;
        }
        let start = at;
        while at < bytes.len() && is_identifier_byte(bytes[at]) {
            at += 1;
        }
        if ends_callee(bytes, at) {
            out.insert(&code.code[start..at]);
        }
    }
    out
}

/// The identifiers (and numbers) in `code`.
fn identifiers(code: &str) -> HashSet<&str> {
    code.split(|c: char| c.is_ascii() && !is_identifier_byte(c as u8))
        .filter(|w| !w.is_empty())
        .collect()
}

#[cfg(test)]
mod tests;
