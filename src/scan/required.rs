//! The literals a regex cannot match without: for each content pattern, a
//! set of strings one of which every match contains. A file whose text holds
//! none of them cannot match, so the scanner skips the pattern after one
//! literal pass over the file instead of running the regex.
//!
//! Literals are lowercased and searched case-insensitively (ASCII), so the
//! set over-approximates: it may let a file through, never keep one out.

use regex_syntax::hir::{Class, Hir, HirKind};

/// Literal sets with a shorter literal than this filter too little to pay
/// for the pass.
const MIN_LEN: usize = 3;
/// Alternations beyond this many literals are left to the regex.
const MAX_LITERALS: usize = 64;

/// The literals one of which every match of `pattern` contains (lowercase),
/// or `None` when the pattern requires no usable literal.
pub fn required_literals(pattern: &str) -> Option<Vec<String>> {
    let hir = regex_syntax::ParserBuilder::new()
        .unicode(false)
        .utf8(false)
        .multi_line(true)
        .build()
        .parse(pattern)
        .ok()?;
    let mut set = required(&hir)?;
    set.sort();
    set.dedup();
    (quality(&set) >= MIN_LEN).then_some(set)
}

/// Words found in most source files: a set holding one filters nothing, so
/// another part of the pattern is preferred (`from feast import` requires
/// `feast`, not `import`).
const COMMON: &[&str] = &[
    "import", "from", "def", "class", "return", "self", "assert", "true", "false", "none",
    "version", "name", "run", "with", "for", "not", "and", "the",
];

/// The shortest literal of a set: how selective the set is.
fn quality(set: &[String]) -> usize {
    set.iter().map(String::len).min().unwrap_or(0)
}

/// How a set ranks: usable at all (no literal shorter than `MIN_LEN`)
/// first, then without common words, then by its shortest literal, then by
/// fewer literals: `assert` beats a choice that includes `f1`.
fn rank(set: &[String]) -> (bool, bool, usize, std::cmp::Reverse<usize>) {
    let rare = !set
        .iter()
        .any(|l| COMMON.contains(&l.trim_matches(|c: char| !c.is_ascii_alphanumeric())));
    (
        quality(set) >= MIN_LEN,
        rare,
        quality(set),
        std::cmp::Reverse(set.len()),
    )
}

/// The better of two candidate sets (see [`rank`]).
fn better(a: Option<Vec<String>>, b: Option<Vec<String>>) -> Option<Vec<String>> {
    match (a, b) {
        (Some(a), Some(b)) => Some(if rank(&b) > rank(&a) { b } else { a }),
        (a, b) => a.or(b),
    }
}

/// A single character matched by `hir` up to ASCII case, lowercased:
/// `a`, `[Aa]` (what `(?i)a` becomes).
fn one_char(hir: &Hir) -> Option<u8> {
    match hir.kind() {
        HirKind::Literal(lit) if lit.0.len() == 1 => Some(lit.0[0].to_ascii_lowercase()),
        HirKind::Class(Class::Bytes(class)) => folded(
            class
                .ranges()
                .iter()
                .flat_map(|r| r.start()..=r.end())
                .map(u32::from),
        ),
        HirKind::Class(Class::Unicode(class)) => folded(
            class
                .ranges()
                .iter()
                .flat_map(|r| r.start()..=r.end())
                .map(u32::from),
        ),
        _ => None,
    }
}

/// The one ASCII letter (lowercased) a class of `members` stands for: a
/// single member, or a letter in both cases.
fn folded(mut members: impl Iterator<Item = u32>) -> Option<u8> {
    let first = u8::try_from(members.next()?).ok()?;
    match (members.next(), members.next()) {
        (None, _) => Some(first.to_ascii_lowercase()),
        (Some(second), None)
            if u8::try_from(second).is_ok_and(|s| first.eq_ignore_ascii_case(&s)) =>
        {
            Some(first.to_ascii_lowercase())
        }
        _ => None,
    }
}

/// The exact text `hir` matches, up to ASCII case (a literal or a run of
/// case-folded characters), lowercased.
fn exact(hir: &Hir) -> Option<Vec<u8>> {
    match hir.kind() {
        HirKind::Literal(lit) => Some(lit.0.to_ascii_lowercase()),
        HirKind::Capture(cap) => exact(&cap.sub),
        HirKind::Concat(parts) => {
            let mut out = Vec::new();
            for part in parts {
                out.extend(exact(part)?);
            }
            Some(out)
        }
        _ => one_char(hir).map(|c| vec![c]),
    }
}

fn to_strings(set: Vec<Vec<u8>>) -> Option<Vec<String>> {
    set.into_iter()
        .map(|bytes| String::from_utf8(bytes).ok())
        .collect()
}

/// Literals one of which every match of `hir` contains.
fn required(hir: &Hir) -> Option<Vec<String>> {
    if let Some(text) = exact(hir) {
        return (!text.is_empty()).then(|| to_strings(vec![text])).flatten();
    }
    match hir.kind() {
        HirKind::Capture(cap) => required(&cap.sub),
        HirKind::Repetition(rep) if rep.min >= 1 => required(&rep.sub),
        HirKind::Alternation(branches) => union_of(branches, required),
        HirKind::Concat(parts) => {
            // Any one part's requirement holds for the whole. Adjacent parts
            // that each match one of a few exact texts (`embe`, then
            // `(dding_model|d_model)`) join into the texts they spell
            // together, longer and rarer than any part alone.
            let mut best = None;
            let mut run: Vec<Vec<u8>> = vec![Vec::new()];
            let spelled = |run: &mut Vec<Vec<u8>>| {
                let run = std::mem::replace(run, vec![Vec::new()]);
                (!run.iter().any(Vec::is_empty))
                    .then(|| to_strings(run))
                    .flatten()
            };
            for part in parts {
                match exact_choices(part) {
                    Some(choices) if run.len() * choices.len() <= MAX_LITERALS => {
                        run = run
                            .iter()
                            .flat_map(|head| {
                                choices
                                    .iter()
                                    .map(move |tail| [head.as_slice(), tail].concat())
                            })
                            .collect();
                    }
                    Some(choices) => {
                        best = better(best, spelled(&mut run));
                        run = choices;
                    }
                    None => {
                        best = better(best, spelled(&mut run));
                        best = better(best, required(part));
                    }
                }
            }
            better(best, spelled(&mut run))
        }
        _ => None,
    }
}

/// The texts, at most [`MAX_LITERALS`], one of which `hir` matches exactly
/// (up to ASCII case, lowercased): an exact text, an alternation of them,
/// or an assertion, which matches the empty text (`\b`, `^`).
fn exact_choices(hir: &Hir) -> Option<Vec<Vec<u8>>> {
    if let Some(text) = exact(hir) {
        return Some(vec![text]);
    }
    match hir.kind() {
        HirKind::Look(_) => Some(vec![Vec::new()]),
        HirKind::Capture(cap) => exact_choices(&cap.sub),
        HirKind::Alternation(branches) => union_of(branches, exact_choices),
        _ => None,
    }
}

/// What `each` gives for every branch of an alternation, together: `None`
/// when a branch gives nothing or there are more than [`MAX_LITERALS`].
fn union_of<T>(branches: &[Hir], each: impl Fn(&Hir) -> Option<Vec<T>>) -> Option<Vec<T>> {
    let mut all = Vec::new();
    for branch in branches {
        all.extend(each(branch)?);
        if all.len() > MAX_LITERALS {
            return None;
        }
    }
    Some(all)
}

/// Whether every match of `pattern` is a run of ASCII letters, digits,
/// `_`, `.` and `-` that the pattern matches wherever it stands (no
/// anchor, no word boundary). Such a match in a parsed value is also in
/// the raw text, unless an escape wrote it (see
/// [`super::key_match`]): quoting, folding and comments add or remove
/// only other characters.
pub fn token_only(pattern: &str) -> bool {
    fn walk(hir: &Hir) -> bool {
        match hir.kind() {
            HirKind::Empty => true,
            HirKind::Literal(lit) => lit.0.iter().all(|&b| is_token_byte(b)),
            HirKind::Class(Class::Bytes(class)) => class
                .ranges()
                .iter()
                .all(|r| (r.start()..=r.end()).all(is_token_byte)),
            HirKind::Class(Class::Unicode(class)) => class.ranges().iter().all(|r| {
                (u32::from(r.start())..=u32::from(r.end()))
                    .all(|c| u8::try_from(c).is_ok_and(is_token_byte))
            }),
            HirKind::Look(_) => false,
            HirKind::Repetition(rep) => walk(&rep.sub),
            HirKind::Capture(cap) => walk(&cap.sub),
            HirKind::Concat(parts) | HirKind::Alternation(parts) => parts.iter().all(walk),
        }
    }
    regex_syntax::ParserBuilder::new()
        .unicode(false)
        .utf8(false)
        .build()
        .parse(pattern)
        .is_ok_and(|hir| walk(&hir))
}

/// The characters a [`token_only`] pattern's matches are made of.
pub fn is_token_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.' | b'-')
}

/// Whether `pattern` matches only a whole value (or a whole line of one)
/// that is one of a few literals: `^(Deployment|Service)$`. Its literals
/// then stand alone in the raw text, not inside a longer word.
pub fn whole_value(pattern: &str) -> bool {
    use regex_syntax::hir::Look;
    let Ok(hir) = regex_syntax::ParserBuilder::new()
        .unicode(false)
        .utf8(false)
        .multi_line(true)
        .build()
        .parse(pattern)
    else {
        return false;
    };
    let HirKind::Concat(parts) = hir.kind() else {
        return false;
    };
    let look =
        |h: &Hir, wanted: &[Look]| matches!(h.kind(), HirKind::Look(l) if wanted.contains(l));
    let [start, middle, end] = parts.as_slice() else {
        return false;
    };
    let mut middle = middle;
    while let HirKind::Capture(cap) = middle.kind() {
        middle = &cap.sub;
    }
    let literals = match middle.kind() {
        HirKind::Alternation(branches) => branches.iter().all(|b| exact(b).is_some()),
        _ => exact(middle).is_some(),
    };
    look(start, &[Look::Start, Look::StartLF, Look::StartCRLF])
        && look(end, &[Look::End, Look::EndLF, Look::EndCRLF])
        && literals
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_usable_literal_beats_a_choice_with_a_short_one() {
        assert_eq!(
            req(r"^\s*assert\s+.*\b(accuracy|f1|auc)\b.*(>=|<=)"),
            strings(&["assert"])
        );
    }

    #[test]
    fn a_whole_value_is_an_anchored_choice_of_literals() {
        assert!(whole_value("^(Deployment|StatefulSet|Service)$"));
        assert!(whole_value("^(?:CANARY|LINEAR)$"));
        assert!(whole_value("^Rollout$"));
        assert!(whole_value("(?i)^(slo)$"));
        assert!(!whole_value("^(Deployment|Service)"));
        assert!(!whole_value("(Deployment|Service)$"));
        assert!(!whole_value("^Deploy.*$"));
        assert!(!whole_value("^([1-9]|[1-9][0-9])$"));
        assert!(!whole_value("@sha256:[0-9a-f]{64}$"));
    }

    fn req(pattern: &str) -> Option<Vec<String>> {
        required_literals(pattern)
    }

    fn strings(list: &[&str]) -> Option<Vec<String>> {
        Some(list.iter().map(|s| (*s).to_owned()).collect())
    }

    #[test]
    fn token_only_patterns_match_runs_of_name_characters_anywhere() {
        for p in [
            "(?i)model[-_.]?version",
            "mlflow|wandb",
            "v[0-9]+\\.[0-9]+",
            "a_b-c",
            "model\\w*",
        ] {
            assert!(token_only(p), "{p}");
        }
        for p in [
            "^model$",
            "\\bmodel",
            "model version",
            "model\\s*version",
            "[^x]model",
            "model.version",
            "model:",
        ] {
            assert!(!token_only(p), "{p}");
        }
    }

    #[test]
    fn a_literal_run_is_required() {
        assert_eq!(req(r"mlflow\.start_run\("), strings(&["mlflow.start_run("]));
        assert_eq!(req(r"\bFeatureView\("), strings(&["featureview("]));
    }

    #[test]
    fn alternations_require_one_of_their_branches() {
        assert_eq!(
            req(r"^\s*(from|import)\s+(evidently|whylogs)\b"),
            strings(&["evidently", "whylogs"])
        );
        assert_eq!(
            req(r"\b(random\.seed|np\.random\.seed)\("),
            strings(&["np.random.seed(", "random.seed("])
        );
    }

    #[test]
    fn adjacent_exact_parts_join_into_the_texts_they_spell() {
        // The parser factors `embedding_model|embed_model` into `embed`
        // and a choice; the parts alone would require `_model`.
        assert_eq!(
            req(r"(?i)\b(embedding_model|embed_model|embedding_version)\b"),
            strings(&["embed_model", "embedding_model", "embedding_version"])
        );
        // Through assertions, which match no text.
        assert_eq!(
            req(r"\bdsl\b\.(If|Condition)\("),
            strings(&["dsl.condition(", "dsl.if("])
        );
        // A choice too large to multiply leaves each side to stand alone.
        let wide = (0..40)
            .map(|i| format!("w{i:02}"))
            .collect::<Vec<_>>()
            .join("|");
        assert_eq!(
            req(&format!("(abc|abd)x({wide})")),
            strings(&["abcx", "abdx"])
        );
    }

    #[test]
    fn common_words_give_way_to_rarer_parts() {
        assert_eq!(req(r"^\s*from\s+feast\s+import\b"), strings(&["feast"]));
        assert_eq!(
            req(r"^\s*def\s+\w*(evaluat|judge)\w*\("),
            strings(&["evaluat", "judge"])
        );
        // Still used when nothing else is required.
        assert_eq!(req(r"^\s*assert\s"), strings(&["assert"]));
    }

    #[test]
    fn case_insensitive_letters_count_as_literals() {
        assert_eq!(
            req(r"(?i)create\s+extension\s+vector"),
            strings(&["extension"])
        );
    }

    #[test]
    fn optional_parts_and_short_literals_require_nothing() {
        assert_eq!(req(r"(mlflow)?\.log\("), strings(&[".log("]));
        assert_eq!(req(r"a|bc"), None);
        assert_eq!(req(r"(\w+)?"), None);
        assert_eq!(req(r"x*"), None);
        assert_eq!(req(r"abc|\d+"), None);
    }

    #[test]
    fn required_literals_are_found_in_every_match() {
        // Soundness on the shapes the built-in rules use: whenever the regex
        // matches, one of its literals occurs in the text (ignoring case).
        let cases = [
            (
                r"(?i)\bappInsightsEnabled[:=]\s*true",
                "AppInsightsEnabled: TRUE",
            ),
            (
                r"\b(DefaultModelMonitor|ModelQualityMonitor)\(",
                "x = ModelQualityMonitor(r)",
            ),
            (r"'\bdvc\s+(pull|repro)\b'", "'dvc  repro'"),
            (r"(?i)using\s+(hnsw|ivfflat)", "USING HNSW (embedding)"),
            (r"--hash=sha256:", "pkg==1 --hash=sha256:ab"),
        ];
        for (pattern, text) in cases {
            let regex = crate::scan::content::compile_regex(pattern).unwrap();
            assert!(regex.is_match(text.as_bytes()), "{pattern}");
            let literals = req(pattern).unwrap();
            let lower = text.to_ascii_lowercase();
            assert!(
                literals.iter().any(|l| lower.contains(l.as_str())),
                "{pattern}: {literals:?}"
            );
        }
    }
}
