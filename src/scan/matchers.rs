//! Per-file matching of content, key and Python probes: each test runs only
//! when the file's text holds what the probe cannot match without.

use super::plan::{Combination, CombinationCache, Plan, RequiredLiterals};
use super::*;

pub(super) fn match_content(
    plan: &Plan,
    path: &str,
    text: &str,
    ids: &[ProbeId],
    combinations: &mut CombinationCache,
    result: &mut FileResult,
) {
    let syntax = content::syntax_for(rendered_name(path));
    let max_line = plan.options.max_line_length;
    let yaml = {
        let name = rendered_name(path);
        name.ends_with(".yml") || name.ends_with(".yaml")
    };
    let kept;
    let text = if yaml {
        kept = yaml_docs::without_resource_types(text);
        kept.as_ref()
    } else {
        text
    };
    // A notebook's code is JSON-escaped in the file (`\"seed\"`): the gate
    // and the literal pass read its decoded code lines instead, joined, and
    // line k of that text is decoded line k.
    let decoded = (syntax == content::Syntax::Notebook).then(|| {
        let lines = content::code_lines(text, syntax, max_line);
        // A decoded line may end in (or hold) an escaped newline: one
        // decoded line must stay one line of the joined text.
        let joined = lines
            .iter()
            .map(|(_, l)| l.replace(['\n', '\r'], " "))
            .collect::<Vec<_>>()
            .join("\n");
        (lines, joined)
    });
    let scanned = decoded.as_ref().map_or(text, |(_, joined)| joined.as_str());
    // One pass finds where every probe's required literals occur: a probe
    // can only match on a line holding one of its literals, so only those
    // lines are tried, first as they are in the file (the comment stripping
    // below costs more than the whole search) and then as code. Probes
    // without usable literals share one whole-file gate (an alternation of
    // their patterns) and then try every line.
    let required = plan
        .content_literals
        .get_or_init(|| RequiredLiterals::new(&plan.content, plan.strengths.len()));
    let combination = combination(plan, ids, combinations);
    // Only the literals of the probes that target this file are looked
    // for: the occurrences of the others would be skipped below.
    let subset = combination.literals.get_or_init(|| {
        let mut wanted: Vec<usize> = ids
            .iter()
            .filter_map(|id| required.by_probe.get(id))
            .flatten()
            .copied()
            .collect();
        wanted.sort_unstable();
        wanted.dedup();
        required.literals.subset(&wanted)
    });
    let mut occurrences = match subset {
        Some(subset) => required
            .literals
            .subset_occurrences_in_lines_up_to(subset, scanned, max_line),
        None => required
            .literals
            .occurrences_in_lines_up_to(scanned, max_line),
    };
    let mut raw_hit = vec![false; plan.strengths.len()];
    let mut wanted = vec![false; plan.strengths.len()];
    for &id in ids {
        wanted[id] = required.by_probe.get(&id).is_some();
    }
    // The line each probe was last tried on: a line full of one literal is
    // tried once per probe, not once per occurrence.
    let mut tried_at = vec![usize::MAX; plan.strengths.len()];
    for occurrence in &occurrences {
        let (start, end) = occurrence.span;
        let line = &scanned.as_bytes()[start..end];
        for &id in &required.probes_of[occurrence.literal] {
            if wanted[id] && !raw_hit[id] && tried_at[id] != start {
                tried_at[id] = start;
                // A pattern too large to compile goes on, to be reported.
                raw_hit[id] = plan.content[&id]
                    .compiled()
                    .is_none_or(|m| m.pattern.is_match(line));
            }
        }
    }
    let mut open_matches = None;
    let candidates: Vec<ProbeId> = ids
        .iter()
        .copied()
        .filter(|&id| match required.by_probe.get(&id) {
            Some(_) => raw_hit[id],
            None => *open_matches.get_or_insert_with(|| {
                open_gate(plan, ids, required, &combination)
                    .is_none_or(|gate| gate.is_match(scanned.as_bytes()))
            }),
        })
        .collect();
    if candidates.is_empty() {
        return;
    }
    let mut every_line = true;
    let lines = match decoded {
        Some((lines, _)) => {
            // Decoded line k back to its line in the file.
            for occurrence in &mut occurrences {
                occurrence.line = usize::try_from(occurrence.line)
                    .ok()
                    .and_then(|k| lines.get(k.checked_sub(1)?))
                    .map_or(0, |(line_no, _)| *line_no);
            }
            lines
        }
        // A probe without literals tries every line.
        None if candidates
            .iter()
            .any(|id| required.by_probe.get(id).is_none()) =>
        {
            content::code_lines(text, syntax, max_line)
        }
        // Only the lines holding a literal are tried: only they are read
        // as code (with what the lines before them open or close).
        None => {
            let mut wanted: Vec<u32> = occurrences.iter().map(|o| o.line).collect();
            wanted.sort_unstable();
            wanted.dedup();
            every_line = false;
            content::code_lines_at(text, syntax, max_line, &wanted)
        }
    };
    // `also` reads every line: read on its first use when `lines` are some.
    let mut all_lines = None;
    for id in candidates {
        let Some(matcher) = plan.content[&id].compiled() else {
            result.unknown.push((
                id,
                format!("{path}: a pattern of this rule exceeds the regex size limit"),
            ));
            continue;
        };
        let tried: Vec<&(u32, std::borrow::Cow<str>)> = match required.by_probe.get(&id) {
            Some(literals) => {
                let mut numbers: Vec<u32> = occurrences
                    .iter()
                    .filter(|o| literals.contains(&o.literal))
                    .map(|o| o.line)
                    .collect();
                numbers.sort_unstable();
                numbers.dedup();
                numbers
                    .into_iter()
                    .filter_map(|n| {
                        lines
                            .binary_search_by_key(&n, |(line_no, _)| *line_no)
                            .ok()
                            .map(|at| &lines[at])
                    })
                    .collect()
            }
            None => lines.iter().collect(),
        };
        let hits: Vec<&(u32, std::borrow::Cow<str>)> = tried
            .into_iter()
            .filter(|(_, line)| {
                let bytes = line.as_bytes();
                matcher.pattern.is_match(bytes)
                    && !matcher.exclude.as_ref().is_some_and(|e| e.is_match(bytes))
            })
            .take(HITS_PER_FILE)
            .collect();
        // `also` asks for another line of the file: tried only after a hit.
        if hits.is_empty() {
            continue;
        }
        if let Some(also) = &matcher.also {
            let all = match every_line {
                true => &lines,
                false => {
                    all_lines.get_or_insert_with(|| content::code_lines(text, syntax, max_line))
                }
            };
            if !all.iter().any(|(_, l)| also.is_match(l.as_bytes())) {
                continue;
            }
        }
        for (line_no, line) in hits {
            result.hits.push((
                id,
                Evidence::new(path, *line_no, snippet(line), plan.strengths[id]),
            ));
        }
    }
}

/// What the combination of content probes `ids` needs compiled, shared
/// by all threads (see [`Combination`]).
fn combination(
    plan: &Plan,
    ids: &[ProbeId],
    combinations: &mut CombinationCache,
) -> Arc<Combination> {
    if let Some(known) = combinations.get(ids) {
        return Arc::clone(known);
    }
    let shared = Arc::clone(
        plan.shared_combinations
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .entry(ids.to_vec())
            .or_default(),
    );
    combinations.insert(ids.to_vec(), Arc::clone(&shared));
    shared
}

/// The whole-file gate of the probes among `ids` that have no required
/// literals: one alternation of their patterns answers "can any of them
/// match?" in one pass. `None`: too large for the regex limits (their lines
/// are all tried). Compiled once per combination of probes.
fn open_gate<'c>(
    plan: &Plan,
    ids: &[ProbeId],
    required: &RequiredLiterals,
    combination: &'c Combination,
) -> Option<&'c Regex> {
    combination
        .gate
        .get_or_init(|| {
            let patterns: Vec<&str> = ids
                .iter()
                .filter(|id| required.by_probe.get(id).is_none())
                .map(|&id| plan.content[&id].pattern.as_str())
                .collect();
            content::compile_alternation(&patterns).ok()
        })
        .as_ref()
}

/// Python probes: the file is parsed once, and only when its text holds a
/// name one of the probes calls.
pub(super) fn match_python(
    plan: &Plan,
    path: &str,
    text: &str,
    ids: &[ProbeId],
    result: &mut FileResult,
) {
    // The names first in the raw text (one pass), then in the code alone:
    // a name or a comparison in a docstring or a comment calls nothing.
    let raw = plan.python_literals.present(text);
    if !ids
        .iter()
        .any(|id| plan.python[id].may_match(&raw, |_| true))
    {
        return;
    }
    let code = py_code::read(text);
    let present = plan.python_literals.present_in_python(text, &code);
    // Rules share guard patterns: each is tried once per file.
    let mut guards: Vec<(String, bool)> = Vec::new();
    let wanted: Vec<ProbeId> = ids
        .iter()
        .copied()
        .filter(|id| {
            plan.python[id].may_match(&present, |re| {
                if let Some(&(_, matched)) = guards.iter().find(|(p, _)| *p == re.as_str()) {
                    return matched;
                }
                // A condition is one line of them: a match across lines
                // (`[^<]*` runs on) would be no condition's.
                let matched = code.conditions.lines().any(|l| re.is_match(l.as_bytes()));
                guards.push((re.as_str().to_owned(), matched));
                matched
            })
        })
        .collect();
    if wanted.is_empty() {
        return;
    }
    if text.len() > python::MAX_PARSE_BYTES {
        let reason = format!(
            "{path}: larger than {} MiB, not parsed as Python",
            python::MAX_PARSE_BYTES >> 20
        );
        if decides(path) {
            result
                .unknown
                .extend(wanted.iter().map(|&id| (id, reason.clone())));
        } else {
            result.note = Some(reason);
        }
        return;
    }
    let parts = super::python_slice::parts(plan, text, &wanted).unwrap_or_default();
    let Some(facts) = python::facts_in(text, &parts) else {
        return;
    };
    let lines: Vec<&str> = text.lines().collect();
    for id in wanted {
        if let Err(err) = plan.python[&id].compiled() {
            result.unknown.push((
                id,
                format!("{path}: a pattern of this rule cannot be built: {err}"),
            ));
            continue;
        }
        for call in plan.python[&id]
            .matching(&facts)
            .into_iter()
            .take(HITS_PER_FILE)
        {
            let line = lines
                .get(call.line.saturating_sub(1) as usize)
                .copied()
                .unwrap_or("");
            result.hits.push((
                id,
                Evidence::new(path, call.line, snippet(line), plan.strengths[id]),
            ));
        }
    }
}
