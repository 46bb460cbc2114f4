//! Glob semantics shared by every rule: paths are repository-relative with `/`
//! separators, `*` never crosses a `/`, `**/` matches any depth, `{a,b}`
//! alternates. Matching is case-sensitive, as on the file systems CI runs on.

pub fn compile(glob: &str) -> Result<globset::Glob, globset::Error> {
    globset::GlobBuilder::new(glob)
        .literal_separator(true)
        .backslash_escape(true)
        .empty_alternates(true)
        .build()
}

/// At most this many globs come out of one glob's alternates.
const MAX_EXPANSIONS: usize = 64;

/// The globs to put in a glob set for `glob`: its `{a,b}` alternates
/// written out (`**/*.{yml,yaml}` → `**/*.yml`, `**/*.yaml`) when every
/// one is a shape a glob set matches without a regex (any file with an
/// extension, a file name at any depth, one path); otherwise `glob` itself.
/// Either way the globs match exactly the paths `glob` matches. A glob set
/// compiles every glob with alternates into one regex set, whose building
/// was most of the scan's fixed start-up.
pub fn set_entries(glob: &str) -> Vec<String> {
    match expand_alternates(glob) {
        Some(parts) if parts.iter().all(|p| is_regex_free(p)) => parts,
        _ => vec![glob.to_owned()],
    }
}

/// `**/*.ext`, `**/name` or a literal path: no wildcard beyond a leading
/// `**/` and an extension's `*`, no escape, no class.
fn is_regex_free(glob: &str) -> bool {
    let special = |s: &str| s.is_empty() || s.contains(['*', '?', '[', ']', '{', '}', '\\']);
    if let Some(ext) = glob.strip_prefix("**/*.") {
        return !special(ext) && !ext.contains(['/', '.']);
    }
    match glob.strip_prefix("**/") {
        Some(name) => !special(name) && !name.contains('/'),
        None => !special(glob),
    }
}

/// `glob` with its alternates written out, or `None` when its braces do not
/// balance or there would be more than [`MAX_EXPANSIONS`] globs. Brackets
/// (`[{]`) and escapes (`\{`) are left alone.
fn expand_alternates(glob: &str) -> Option<Vec<String>> {
    let mut done = Vec::new();
    let mut pending = vec![glob.to_owned()];
    while let Some(g) = pending.pop() {
        match first_group(&g)? {
            None => done.push(g),
            Some((open, close, commas)) => {
                let mut start = open + 1;
                for end in commas.into_iter().chain([close]) {
                    pending.push(format!(
                        "{}{}{}",
                        &g[..open],
                        &g[start..end],
                        &g[close + 1..]
                    ));
                    start = end + 1;
                }
            }
        }
        if done.len() + pending.len() > MAX_EXPANSIONS {
            return None;
        }
    }
    done.reverse();
    Some(done)
}

/// The first outermost `{…}` of `glob`: where it opens and closes, and its
/// top-level commas; `Some(None)` when there is none, `None` when the
/// braces or brackets do not balance.
#[allow(clippy::type_complexity)]
fn first_group(glob: &str) -> Option<Option<(usize, usize, Vec<usize>)>> {
    let bytes = glob.as_bytes();
    let (mut depth, mut open, mut commas) = (0usize, 0usize, Vec::new());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' => i += 1,
            b'[' => {
                // A class: a `]` first in it is literal.
                let from = (i + if bytes.get(i + 1) == Some(&b']') {
                    2
                } else {
                    1
                })
                .min(bytes.len());
                i = from + bytes[from..].iter().position(|&b| b == b']')?;
            }
            b'{' => {
                if depth == 0 {
                    open = i;
                    commas.clear();
                }
                depth += 1;
            }
            b'}' if depth > 0 => {
                depth -= 1;
                if depth == 0 {
                    return Some(Some((open, i, commas)));
                }
            }
            b',' if depth == 1 => commas.push(i),
            _ => {}
        }
        i += 1;
    }
    (depth == 0).then_some(None)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn alternates_are_written_out_only_into_globs_that_need_no_regex() {
        assert_eq!(
            set_entries("**/*.{yml,yaml}"),
            vec!["**/*.yml", "**/*.yaml"]
        );
        assert_eq!(
            set_entries("{CODEOWNERS,.github/CODEOWNERS,**/OWNERS}"),
            vec!["CODEOWNERS", ".github/CODEOWNERS", "**/OWNERS"]
        );
        assert_eq!(
            set_entries("**/{a,b{c,d}}.{py,txt}"),
            vec![
                "**/a.py",
                "**/a.txt",
                "**/bc.py",
                "**/bc.txt",
                "**/bd.py",
                "**/bd.txt"
            ]
        );
        // One part would need a regex: the glob stays whole.
        for glob in [
            ".github/workflows/*.{yml,yaml}",
            "**/{serve,api}/**/*.py",
            "**/*.{tar.gz,zip}",
            "**/Dockerfile*",
            "a[{,]b",
            "a\\{b,c}",
            "a{b,c",
            "a[b",
        ] {
            assert_eq!(set_entries(glob), vec![glob.to_owned()], "{glob}");
        }
        let many = format!("**/{}", "{a,b}".repeat(7));
        assert_eq!(set_entries(&many), vec![many.clone()]);
    }

    #[test]
    fn written_out_alternates_match_what_the_whole_glob_matches() {
        let paths = [
            "x.yml",
            "x.yaml",
            "d/x.yml",
            "d/e/x.yaml",
            "x.ymlx",
            "CODEOWNERS",
            ".github/CODEOWNERS",
            "a/.github/CODEOWNERS",
            "OWNERS",
            "a/b/OWNERS",
            "a/OWNERSx",
            "bc.py",
            "z/bd.txt",
            "b.py",
            "abc.py",
            "a.py/x",
        ];
        for glob in [
            "**/*.{yml,yaml}",
            "{CODEOWNERS,.github/CODEOWNERS,**/OWNERS}",
            "**/{a,b{c,d}}.{py,txt}",
            "**/{Dockerfile,*.Dockerfile}",
            "**/{a,}x",
        ] {
            let whole = compile(glob).unwrap().compile_matcher();
            let parts: Vec<_> = set_entries(glob)
                .iter()
                .map(|g| compile(g).unwrap().compile_matcher())
                .collect();
            assert!(parts.len() > 1, "{glob}");
            for path in paths {
                assert_eq!(
                    whole.is_match(path),
                    parts.iter().any(|m| m.is_match(path)),
                    "{glob} {path}"
                );
            }
        }
    }

    fn matches(glob: &str, path: &str) -> bool {
        compile(glob).unwrap().compile_matcher().is_match(path)
    }

    #[test]
    fn star_stays_in_one_directory_and_double_star_crosses() {
        assert!(matches(
            ".github/workflows/*.{yml,yaml}",
            ".github/workflows/ci.yaml"
        ));
        assert!(!matches(
            ".github/workflows/*.yml",
            ".github/workflows/sub/ci.yml"
        ));
        assert!(matches("**/dvc.yaml", "dvc.yaml"));
        assert!(matches("**/dvc.yaml", "a/b/dvc.yaml"));
        assert!(!matches("**/*.py", "a/b/x.pyc"));
    }
}
