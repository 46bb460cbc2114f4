//! Content matching: which lines of a file are code (comments, docstrings and
//! notebook prose removed), and how content regexes are compiled.
//!
//! Regexes run on bytes with Unicode disabled: `\b`, `\w`, `\s` are ASCII.
//! A Unicode word boundary forces the regex engine off its DFA as soon as a
//! file holds a non-ASCII byte, which costs 15-124x on real trees.

use regex::bytes::{Regex, RegexBuilder};
use std::borrow::Cow;

/// Limits that keep the regex engine's memory bounded for hostile patterns.
const SIZE_LIMIT: usize = 4 << 20;
const DFA_SIZE_LIMIT: usize = 8 << 20;

/// A rubric's regex, compiled (see [`compile_regex`]).
#[derive(Clone, Debug)]
pub struct Pattern {
    regex: regex_automata::meta::Regex,
    source: String,
}

impl Pattern {
    /// Whether the pattern matches somewhere in `bytes`.
    pub fn is_match(&self, bytes: &[u8]) -> bool {
        self.regex.is_match(bytes)
    }

    /// Where the pattern's first (leftmost-first) match in `bytes` starts.
    pub fn find_start(&self, bytes: &[u8]) -> Option<usize> {
        self.regex.find(bytes).map(|m| m.start())
    }

    /// The pattern as the rubric wrote it.
    pub fn as_str(&self) -> &str {
        &self.source
    }
}

/// Compiles a rubric's regex as `regex::bytes::Regex` would (Unicode off,
/// multi-line, leftmost-first) but without the literal prefilter the regex
/// crate builds for it: a rubric's regex only ever runs on a line that the
/// scanner's own literal pass picked, so extracting and compiling its
/// literals again (a quarter of the compile) would buy nothing. A pattern
/// that does not compile gets the regex crate's own message.
pub fn compile_regex(pattern: &str) -> Result<Pattern, String> {
    let config = regex_automata::meta::Config::new()
        .match_kind(regex_automata::MatchKind::LeftmostFirst)
        .utf8_empty(false)
        .auto_prefilter(false)
        .nfa_size_limit(Some(SIZE_LIMIT))
        .hybrid_cache_capacity(DFA_SIZE_LIMIT);
    let syntax = regex_automata::util::syntax::Config::new()
        .unicode(false)
        .utf8(false)
        .multi_line(true);
    match regex_automata::meta::Builder::new()
        .configure(config)
        .syntax(syntax)
        .build(pattern)
    {
        Ok(regex) => Ok(Pattern {
            regex,
            source: pattern.to_owned(),
        }),
        Err(_) => Err(RegexBuilder::new(pattern)
            .unicode(false)
            .multi_line(true)
            .size_limit(SIZE_LIMIT)
            .dfa_size_limit(DFA_SIZE_LIMIT)
            .build()
            .map_or_else(
                |e| e.to_string(),
                |_| format!("{pattern}: cannot be compiled"),
            )),
    }
}

/// Checks a pattern's syntax with the regex crate's own parser, in the same
/// mode the scanner compiles it (bytes, Unicode off, multi-line), without
/// building an automaton: rubric validation stays cheap.
pub fn check_regex(pattern: &str) -> Result<(), String> {
    regex_syntax::ParserBuilder::new()
        .unicode(false)
        .utf8(false)
        .multi_line(true)
        .build()
        .parse(pattern)
        .map(|_| ())
        .map_err(|e| e.to_string())
}

/// The "can anything match?" alternation over every pattern targeting a
/// file: one large automaton, so it gets a larger lazy-DFA cache (a cache
/// that fills up is cleared and rebuilt, which is slow).
pub fn compile_alternation(patterns: &[&str]) -> Result<Regex, String> {
    let alternation = patterns
        .iter()
        .map(|p| format!("(?:{p})"))
        .collect::<Vec<_>>()
        .join("|");
    RegexBuilder::new(&alternation)
        .unicode(false)
        .multi_line(true)
        .size_limit(SIZE_LIMIT * 4)
        .dfa_size_limit(DFA_SIZE_LIMIT * 8)
        .build()
        .map_err(|e| e.to_string())
}

/// How comments look in a file, decided from its name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Syntax {
    /// `#` line comments (Python also drops bare docstrings).
    Hash { python: bool },
    /// `//` and `/* */`.
    CLike,
    /// `#`, `//` and `/* */` (Terraform/HCL).
    Hcl,
    /// `--` and `/* */`.
    Sql,
    /// Jupyter notebook JSON: only code-cell source lines count.
    Notebook,
    /// No comment syntax known: every line counts.
    Plain,
}

pub fn syntax_for(path: &str) -> Syntax {
    let name = path.rsplit('/').next().unwrap_or(path);
    let lower = name.to_ascii_lowercase();
    let ext = lower.rsplit_once('.').map(|(_, e)| e).unwrap_or("");
    match ext {
        "py" | "pyi" | "pyw" => Syntax::Hash { python: true },
        "sh" | "bash" | "zsh" | "yml" | "yaml" | "toml" | "cfg" | "ini" | "conf" | "r" | "rb"
        | "pl" | "env" | "properties" | "mk" | "dockerfile" | "txt" | "in" | "cmake" => {
            Syntax::Hash { python: false }
        }
        "js" | "jsx" | "ts" | "tsx" | "mjs" | "cjs" | "go" | "rs" | "java" | "kt" | "kts"
        | "scala" | "groovy" | "gradle" | "c" | "h" | "cc" | "cpp" | "hpp" | "cs" | "swift"
        | "proto" | "jsonc" | "prisma" => Syntax::CLike,
        "tf" | "hcl" | "tfvars" => Syntax::Hcl,
        "sql" => Syntax::Sql,
        "ipynb" => Syntax::Notebook,
        _ => match lower.as_str() {
            "jenkinsfile" => Syntax::CLike,
            "dockerfile" | "makefile" | "codeowners" | "owners" | "pipfile" | "mlproject"
            | ".gitattributes" | ".gitignore" | "procfile" => Syntax::Hash { python: false },
            _ if lower.starts_with("jenkinsfile") => Syntax::CLike,
            _ if lower.starts_with("dockerfile") => Syntax::Hash { python: false },
            _ => Syntax::Plain,
        },
    }
}

/// Prose: documentation that never counts as evidence on its own.
pub fn is_prose(path: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or(path).to_ascii_lowercase();
    let ext = name.rsplit_once('.').map(|(_, e)| e).unwrap_or("");
    match ext {
        "md" | "markdown" | "mdx" | "rst" | "adoc" | "asciidoc" | "org" | "tex" | "html"
        | "htm" => true,
        "txt" => !(name.starts_with("requirements") || name.starts_with("constraints")),
        _ => false,
    }
}

/// Splits `text` into `(line number, code)` pairs, with comments replaced by
/// nothing and lines that are entirely comment, docstring or notebook prose
/// left out. Lines longer than `max_line` bytes (minified code) are skipped.
/// Lines are borrowed from `text` unless stripping had to build a new one.
pub fn code_lines(text: &str, syntax: Syntax, max_line: usize) -> Vec<(u32, Cow<'_, str>)> {
    code_lines_where(text, syntax, max_line, None)
}

/// [`code_lines`] of the lines `wanted` (1-based, ascending) alone. Every
/// line up to the last wanted one is still read, in order, for the comment
/// or string it may open; only the wanted ones are kept.
pub fn code_lines_at<'t>(
    text: &'t str,
    syntax: Syntax,
    max_line: usize,
    wanted: &[u32],
) -> Vec<(u32, Cow<'t, str>)> {
    code_lines_where(text, syntax, max_line, Some(wanted))
}

fn code_lines_where<'t>(
    text: &'t str,
    syntax: Syntax,
    max_line: usize,
    wanted: Option<&[u32]>,
) -> Vec<(u32, Cow<'t, str>)> {
    let mut out = Vec::new();
    let mut state = State::default();
    let mut wanted = wanted.map(|w| w.iter().copied().peekable());
    for (i, raw) in lines(text).enumerate() {
        let line_no = u32::try_from(i + 1).unwrap_or(u32::MAX);
        let keep = match &mut wanted {
            None => true,
            Some(wanted) => {
                while wanted.next_if(|&w| w < line_no).is_some() {}
                match wanted.peek() {
                    None => break,
                    Some(&w) => w == line_no,
                }
            }
        };
        if raw.len() > max_line {
            continue;
        }
        // A line no comment or string can start or end in leaves the
        // state as it was: only a kept one is read.
        if !keep && (syntax == Syntax::Plain || !may_change_state(raw, syntax)) {
            continue;
        }
        let code = match syntax {
            Syntax::Plain => Some(Cow::Borrowed(raw)),
            Syntax::Hash { python } => strip_hash(raw, python, &mut state),
            Syntax::CLike => strip_c(raw, &mut state, false, false),
            Syntax::Hcl => strip_c(raw, &mut state, true, false),
            Syntax::Sql => strip_c(raw, &mut state, false, true),
            Syntax::Notebook => notebook_line(raw, &mut state)
                // Each notebook source line is stripped on its own: a docstring
                // spanning JSON lines is rare, and keeping the line is the
                // conservative outcome.
                .and_then(|src| {
                    strip_hash(&src, true, &mut State::default())
                        .map(|code| Cow::Owned(code.into_owned()))
                }),
        };
        if let Some(code) = code {
            if keep && !code.trim().is_empty() {
                out.push((line_no, code));
            }
        }
    }
    out
}

/// The lines of `text` as `str::lines` cuts them (`\n` or `\r\n` ends a
/// line; a final line break is optional), found with a vectorised search.
pub fn lines(text: &str) -> impl Iterator<Item = &str> {
    let bytes = text.as_bytes();
    let ends = memchr::memchr_iter(b'\n', bytes).map(Some);
    let last = (!text.is_empty() && !text.ends_with('\n')).then_some(None);
    let mut start = 0;
    ends.chain(last).map(move |end| {
        let line = match end {
            Some(end) => {
                let line = &text[start..end];
                start = end + 1;
                line.strip_suffix('\r').unwrap_or(line)
            }
            None => &text[start..],
        };
        line
    })
}

/// Whether reading `line` may change the state [`code_lines`] carries to
/// the next line. `#` comments end with their line; Python's strings run
/// on over lines only when triple-quoted.
fn may_change_state(line: &str, syntax: Syntax) -> bool {
    match syntax {
        Syntax::Plain | Syntax::Hash { python: false } => false,
        Syntax::Hash { python: true } => {
            memchr::memchr2(b'"', b'\'', line.as_bytes()).is_some()
                && (triples(line, b'"') > 0 || triples(line, b'\'') > 0)
        }
        _ => true,
    }
}

#[derive(Default, Clone)]
struct State {
    /// Inside a `/* */` block comment.
    in_block: bool,
    /// Inside a Python bare string (docstring) opened with this delimiter.
    docstring: Option<&'static str>,
    /// Inside a Python triple-quoted string that is part of an expression
    /// (`sql = """...`): its lines are kept (embedded SQL is evidence), and
    /// its closing delimiter must not be taken for a docstring's opening.
    string: Option<&'static str>,
    /// Notebook: the current cell is a code cell.
    code_cell: bool,
    /// Notebook: inside the `source` array of the current cell.
    in_source: bool,
}

/// Removes a `#` comment (outside quotes, at line start or after whitespace).
/// For Python, lines inside a bare triple-quoted string are dropped.
fn strip_hash<'a>(line: &'a str, python: bool, state: &mut State) -> Option<Cow<'a, str>> {
    if memchr::memchr3(b'"', b'\'', b'#', line.as_bytes()).is_none() {
        // Nothing opens or closes a string or a comment here: the line is
        // code as it stands, unless a docstring holds it.
        return if state.docstring.is_some() {
            None
        } else {
            Some(Cow::Borrowed(line))
        };
    }
    if python {
        let trimmed = line.trim_start();
        if let Some(delim) = state.docstring {
            if trimmed.contains(delim) {
                state.docstring = None;
            }
            return None;
        }
        if let Some(delim) = state.string {
            if triples(line, delim.as_bytes()[0]) % 2 == 1 {
                state.string = None;
            }
            return Some(Cow::Borrowed(line));
        }
        let body = trimmed.trim_start_matches(['r', 'R', 'u', 'U', 'b', 'B']);
        for delim in ["\"\"\"", "'''"] {
            if let Some(rest) = body.strip_prefix(delim) {
                if !rest.contains(delim) {
                    state.docstring = Some(delim);
                }
                return None;
            }
        }
        // A triple-quoted string opened inside an expression stays open
        // when the line holds an odd number of its delimiters.
        let code = strip_hash(line, false, state)?;
        if triples(&code, b'"') % 2 == 1 {
            state.string = Some("\"\"\"");
        } else if triples(&code, b'\'') % 2 == 1 {
            state.string = Some("'''");
        }
        return Some(code);
    }
    let bytes = line.as_bytes();
    let mut quote: Option<u8> = None;
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        match quote {
            Some(q) => {
                if b == b'\\' {
                    i += 1;
                } else if b == q {
                    quote = None;
                }
            }
            None => {
                if b == b'"' || b == b'\'' {
                    quote = Some(b);
                } else if b == b'#' && (i == 0 || bytes[i - 1].is_ascii_whitespace()) {
                    return Some(Cow::Borrowed(&line[..i]));
                }
            }
        }
        i += 1;
    }
    Some(Cow::Borrowed(line))
}

/// How many runs of three `quote` bytes the line holds (`"""` or `'''`).
fn triples(line: &str, quote: u8) -> usize {
    let bytes = line.as_bytes();
    let (mut i, mut n) = (0, 0);
    while i + 2 < bytes.len() {
        if bytes[i] == quote && bytes[i + 1] == quote && bytes[i + 2] == quote {
            n += 1;
            i += 3;
        } else {
            i += 1;
        }
    }
    n
}

/// Removes `//` (and `#` for HCL, `--` for SQL) line comments and `/* */`
/// block comments, tracking blocks across lines.
fn strip_c<'a>(line: &'a str, state: &mut State, hash: bool, sql: bool) -> Option<Cow<'a, str>> {
    // Most lines have no comment: borrow them whole.
    let may_comment = state.in_block
        || line.contains("//")
        || line.contains("/*")
        || (sql && line.contains("--"))
        || (hash && line.contains('#'));
    if !may_comment {
        return Some(Cow::Borrowed(line));
    }
    let bytes = line.as_bytes();
    let mut out = String::with_capacity(line.len());
    let mut quote: Option<u8> = None;
    let mut i = 0;
    let mut start = 0;
    while i < bytes.len() {
        let b = bytes[i];
        let next = bytes.get(i + 1).copied();
        if state.in_block {
            if b == b'*' && next == Some(b'/') {
                state.in_block = false;
                i += 2;
                start = i;
                continue;
            }
            i += 1;
            continue;
        }
        match quote {
            Some(q) => {
                if b == b'\\' && !sql {
                    i += 1;
                } else if b == q {
                    quote = None;
                }
            }
            None => {
                if b == b'"' || b == b'\'' || (b == b'`' && !sql) {
                    quote = Some(b);
                } else if b == b'/' && next == Some(b'*') {
                    out.push_str(&line[start..i]);
                    out.push(' ');
                    state.in_block = true;
                    i += 2;
                    continue;
                } else if (b == b'/' && next == Some(b'/'))
                    || (sql && b == b'-' && next == Some(b'-'))
                    || (hash && b == b'#')
                {
                    out.push_str(&line[start..i]);
                    return Some(Cow::Owned(out));
                }
            }
        }
        i += 1;
    }
    if !state.in_block && start <= line.len() {
        out.push_str(&line[start.min(line.len())..]);
    }
    Some(Cow::Owned(out))
}

/// Tracks nbformat JSON (one source line per JSON line, as Jupyter writes it)
/// and returns the decoded source text of code-cell lines only.
fn notebook_line(raw: &str, state: &mut State) -> Option<String> {
    let t = raw.trim();
    if t.starts_with("\"cell_type\"") {
        state.code_cell = t.contains("\"code\"");
        state.in_source = false;
        return None;
    }
    if t.starts_with("\"source\"") {
        // `"source": "single string"` or `"source": [` on its own line.
        let rest = t.split_once(':').map(|(_, r)| r.trim()).unwrap_or("");
        if rest.starts_with('[') {
            let inline = rest.trim_start_matches('[').trim();
            if inline.starts_with(']') {
                return None;
            }
            state.in_source = !inline.ends_with("],") && !inline.ends_with(']');
            return (state.code_cell && !inline.is_empty()).then(|| decode_json_string(inline));
        }
        return state.code_cell.then(|| decode_json_string(rest));
    }
    if state.in_source {
        if t.starts_with(']') {
            state.in_source = false;
            return None;
        }
        return state.code_cell.then(|| decode_json_string(t));
    }
    None
}

/// Decodes one JSON string literal (with a trailing comma allowed), leniently.
fn decode_json_string(s: &str) -> String {
    let s = s.trim().trim_end_matches(',').trim_end_matches(']').trim();
    serde_json::from_str::<String>(s).unwrap_or_else(|_| s.trim_matches('"').to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The vectorised line cut is `str::lines`; the code of some lines is
    /// what reading them all gives for those lines.
    #[test]
    fn lines_and_code_of_some_lines_agree_with_reading_them_all() {
        let pieces = [
            "x = 1", "\n", "\r\n", "\r", "'''", "\"\"\"", "# c", "'", "\"", " ", "/*", "*/", "//",
            "--", "a", "é",
        ];
        let mut generated = super::super::generated::Generated::new(0x11e5);
        for _ in 0..3_000 {
            let text = generated.text(&pieces, 24);
            assert_eq!(
                lines(&text).collect::<Vec<_>>(),
                text.lines().collect::<Vec<_>>(),
                "{text:?}"
            );
            let count = u32::try_from(text.lines().count()).unwrap() + 2;
            let wanted: Vec<u32> = (1..=count).filter(|_| generated.below(3) == 0).collect();
            for path in ["a.py", "a.sh", "a.js", "a.tf", "a.sql", "a.txt"] {
                let syntax = syntax_for(path);
                let all: Vec<(u32, Cow<str>)> = code_lines(&text, syntax, 40)
                    .into_iter()
                    .filter(|(n, _)| wanted.contains(n))
                    .collect();
                assert_eq!(
                    code_lines_at(&text, syntax, 40, &wanted),
                    all,
                    "{path} {text:?}"
                );
            }
        }
    }

    fn code(text: &str, path: &str) -> Vec<String> {
        code_lines(text, syntax_for(path), 4096)
            .into_iter()
            .map(|(_, c)| c.trim().to_owned())
            .collect()
    }

    #[test]
    fn python_comments_and_docstrings_are_not_code() {
        let text = "import os  # mlflow.register_model(\n# import evidently\n\"\"\"\nimport evidently\n\"\"\"\nx = \"#notacomment\"\nsql = \"\"\"CREATE EXTENSION vector\"\"\"\n";
        assert_eq!(
            code(text, "a.py"),
            vec![
                "import os",
                "x = \"#notacomment\"",
                "sql = \"\"\"CREATE EXTENSION vector\"\"\""
            ]
        );
    }

    #[test]
    fn a_multi_line_string_in_an_expression_does_not_flip_docstring_state() {
        // The closing `"""` of `sql = """...` starts its line: it must not
        // open a docstring that hides the code after it.
        let text = "\"\"\"\"Module docstring starting with a quote.\n\"\"\"\nsql = \"\"\"\n  CREATE TABLE t (e vector(3))\n  \"\"\"\nop = MLEngineVersionOperator(operation=\"set_default\")\ndef f():\n    \"\"\"Doc.\n    mlflow.register_model(x)\n    \"\"\"\n    return 1\n";
        assert_eq!(
            code(text, "dag.py"),
            vec![
                "sql = \"\"\"",
                "CREATE TABLE t (e vector(3))",
                "\"\"\"",
                "op = MLEngineVersionOperator(operation=\"set_default\")",
                "def f():",
                "return 1"
            ]
        );
    }

    #[test]
    fn yaml_hash_inside_a_value_is_kept() {
        assert_eq!(
            code("run: echo a#b # note\n", "ci.yml"),
            vec!["run: echo a#b"]
        );
    }

    #[test]
    fn c_like_block_and_line_comments_are_removed() {
        let text = "a(); /* x\n y */ b(); // c\n// d\ne('http://x');\n";
        assert_eq!(code(text, "x.ts"), vec!["a();", "b();", "e('http://x');"]);
    }

    #[test]
    fn sql_comments_are_removed() {
        let text = "-- CREATE EXTENSION vector;\nCREATE TABLE t (id int); -- note\n";
        assert_eq!(code(text, "m.sql"), vec!["CREATE TABLE t (id int);"]);
    }

    #[test]
    fn notebook_markdown_cells_and_outputs_are_not_code() {
        let nb = r##"{
 "cells": [
  {
   "cell_type": "markdown",
   "metadata": {},
   "source": [
    "TODO: import evidently\n"
   ]
  },
  {
   "cell_type": "code",
   "execution_count": 1,
   "metadata": {},
   "outputs": [
    {"text": ["import evidently\n"]}
   ],
   "source": [
    "import mlflow\n",
    "# import evidently\n",
    "mlflow.log_metric(\"a\", 1)"
   ]
  }
 ]
}"##;
        assert_eq!(
            code(nb, "n.ipynb"),
            vec!["import mlflow", "mlflow.log_metric(\"a\", 1)"]
        );
    }

    #[test]
    fn syntax_check_agrees_with_the_compiler() {
        for p in [
            r"(?i)create\s+extension",
            r"\bvector\(\d+\)",
            "(",
            "[z-a]",
            r"\p{Greek}",
        ] {
            assert_eq!(check_regex(p).is_ok(), compile_regex(p).is_ok(), "{p}");
        }
    }

    #[test]
    fn prose_files_are_recognised() {
        assert!(is_prose("README.md"));
        assert!(is_prose("docs/notes.txt"));
        assert!(!is_prose("requirements-dev.txt"));
        assert!(!is_prose("train.py"));
    }

    #[test]
    fn overlong_lines_are_skipped() {
        let long = "x".repeat(5000);
        assert!(code_lines(&long, Syntax::Plain, 4096).is_empty());
    }
}
