//! The text a Python rule's guard is looked for in before a file is parsed:
//! the file's code as its conditions are read (see `python::Guard`), so that
//! a docstring, a comment or a return annotation that happens to name a
//! metric beside a `<` or `>` does not send the file to the parser.
//!
//! A small lexer, not a parser: it knows strings (prefixes, triple quotes,
//! escapes), comments, brackets and logical lines, which is all it takes to
//! tell a bare string statement from a string inside an expression. Where it
//! cannot tell (broken code), it keeps the text: keeping is always safe.

/// `text` with every comment, every bare string statement (a docstring, or
/// any logical line made of string literals alone) and every `->` replaced
/// by a space, and each run of whitespace made one space. A condition never
/// holds any of these, and a guard condition's text is read with comments
/// dropped and whitespace collapsed, so each condition's text is a
/// substring of what this returns.
pub fn condition_text(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Output::with_capacity(text.len());
    // The current logical line: where it started in `out`, whether it holds
    // anything but string literals so far, and the bracket depth.
    let mut line_start = 0;
    let mut only_strings = true;
    let mut depth = 0usize;
    let mut flags = String::new();
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        match b {
            b'#' => {
                i = memchr::memchr(b'\n', &bytes[i..]).map_or(bytes.len(), |n| i + n);
                out.space();
                continue;
            }
            b'\n' | b';' if depth == 0 => {
                end_logical_line(&mut out, line_start, only_strings, &mut flags);
                out.space();
                line_start = out.len();
                only_strings = true;
            }
            b'\\' if bytes.get(i + 1) == Some(&b'\n') => {
                // A continuation joins the next line to this logical line
                // (a condition read over it keeps the backslash).
                out.push("\\");
                out.space();
                i += 2;
                continue;
            }
            b'-' if bytes.get(i + 1) == Some(&b'>') => {
                only_strings = false;
                out.space();
                i += 2;
                continue;
            }
            _ if b.is_ascii_whitespace() => out.space(),
            _ => {
                if let Some(end) = string_end(bytes, i) {
                    out.push(&text[i..end]);
                    i = end;
                    continue;
                }
                match b {
                    b'(' | b'[' | b'{' => depth += 1,
                    b')' | b']' | b'}' => depth = depth.saturating_sub(1),
                    _ => {}
                }
                // Copy an identifier or number whole, so that a string
                // prefix is only ever looked for at a token's start.
                let end = if is_word(b) {
                    bytes[i..]
                        .iter()
                        .position(|&c| !is_word(c))
                        .map_or(bytes.len(), |n| i + n)
                } else {
                    // A whole UTF-8 character.
                    i + text[i..].chars().next().map_or(1, char::len_utf8)
                };
                if text[i..end].chars().all(char::is_whitespace) {
                    // Whitespace beyond ASCII, collapsed as conditions are.
                    out.space();
                    i = end;
                    continue;
                }
                only_strings = false;
                out.push(&text[i..end]);
                i = end;
                continue;
            }
        }
        i += 1;
    }
    end_logical_line(&mut out, line_start, only_strings, &mut flags);
    if !flags.is_empty() {
        out.space();
        out.text.push_str(&flags);
    }
    out.text
}

/// Drops a logical line that held string literals alone (a docstring). A
/// line assigning a comparison to a name (`wins = auc > best`) adds
/// `not wins (auc > best)` to `flags`: that is how a condition naming it
/// reads (`if wins:` and `if not wins:` stand for the comparison).
fn end_logical_line(out: &mut Output, line_start: usize, only_strings: bool, flags: &mut String) {
    if only_strings {
        out.text.truncate(line_start);
        return;
    }
    if let Some((name, comparison)) = assigned_comparison(&out.text[line_start..]) {
        flags.push_str(&format!("not {name} ({comparison}) "));
    }
}

/// `(name, value)` of a logical line `name = value` or `name: type =
/// value` whose value may hold a comparison operator. In `a = b = x > y`
/// the comparison is `b`'s (the parser reads `a` as assigned an
/// assignment), so the last name of a chain is the one given; each step
/// looks only at a name and its `=`, so a long chain costs one pass.
fn assigned_comparison(line: &str) -> Option<(&str, &str)> {
    let (mut name, mut value) = assignment(line, true)?;
    while let Some((next, rest)) = assignment(value, false) {
        (name, value) = (next, rest);
    }
    let value = value.trim_end();
    let compares = value.contains(['<', '>'])
        || value.contains("==")
        || value.contains("!=")
        || value.split(' ').any(|w| w == "in" || w == "is");
    compares.then_some((name, value))
}

/// `name = rest` at the start of `line` (or `name: type = rest` when
/// `annotated` may be): the name and what follows the `=`.
fn assignment(line: &str, annotated: bool) -> Option<(&str, &str)> {
    let line = line.trim_start();
    let name_end = line.bytes().position(|b| !is_word(b)).unwrap_or(line.len());
    let name = &line[..name_end];
    if name.is_empty() || name.starts_with(|c: char| c.is_ascii_digit()) {
        return None;
    }
    let rest = line[name_end..].trim_start();
    let bytes = rest.as_bytes();
    let equals = if annotated && rest.starts_with(':') {
        (1..bytes.len()).find(|&k| {
            bytes[k] == b'='
                && bytes.get(k + 1) != Some(&b'=')
                && !matches!(bytes[k - 1], b'=' | b'<' | b'>' | b'!' | b':')
        })?
    } else {
        0
    };
    if bytes.get(equals) != Some(&b'=') || bytes.get(equals + 1) == Some(&b'=') {
        return None;
    }
    Some((name, rest[equals + 1..].trim_start()))
}

fn is_word(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

/// Where the string literal starting at `i` ends (past its closing quote,
/// or at the end of the line or file when unterminated), or `None` when no
/// string starts there. A string may carry up to two prefix letters
/// (`r`, `b`, `u`, `f` in either case).
fn string_end(bytes: &[u8], i: usize) -> Option<usize> {
    let prefix = bytes[i..]
        .iter()
        .take(2)
        .take_while(|c| matches!(c.to_ascii_lowercase(), b'r' | b'b' | b'u' | b'f'))
        .count();
    let at = i + prefix;
    let quote = *bytes.get(at).filter(|&&q| q == b'"' || q == b'\'')?;
    let triple = bytes.get(at..at + 3) == Some(&[quote; 3][..]);
    let mut j = at + if triple { 3 } else { 1 };
    while j < bytes.len() {
        match bytes[j] {
            b'\\' => j += 2,
            c if c == quote => {
                if !triple {
                    return Some(j + 1);
                }
                if bytes.get(j..j + 3) == Some(&[quote; 3][..]) {
                    return Some(j + 3);
                }
                j += 1;
            }
            b'\n' if !triple => return Some(j),
            _ => j += 1,
        }
    }
    Some(bytes.len())
}

/// Text with whitespace runs collapsed to one space as it is written.
struct Output {
    text: String,
}

impl Output {
    fn with_capacity(n: usize) -> Output {
        Output {
            text: String::with_capacity(n),
        }
    }

    fn len(&self) -> usize {
        self.text.len()
    }

    fn space(&mut self) {
        if !self.text.is_empty() && !self.text.ends_with(' ') {
            self.text.push(' ');
        }
    }

    /// Appends a token; whitespace inside it (a multi-line string) is
    /// collapsed too.
    fn push(&mut self, token: &str) {
        if token.is_ascii() && !token.bytes().any(|b| b.is_ascii_whitespace()) {
            self.text.push_str(token);
            return;
        }
        for (k, part) in token.split_whitespace().enumerate() {
            if k > 0 || token.starts_with(char::is_whitespace) {
                self.space();
            }
            self.text.push_str(part);
        }
        if token.ends_with(char::is_whitespace) {
            self.space();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::condition_text;

    #[test]
    fn comments_docstrings_and_annotations_go_conditions_stay() {
        let text = "\"\"\"Module about accuracy > 0.9.\"\"\"\n\
            def score(x) -> float:  # score > 1 here\n    \
            '''Returns the best\n    score > baseline.'''\n    \
            if metrics['accuracy'] >= THRESHOLD and (\n        \
            auc  # the AUC\n        > 0.8):\n        \
            raise ValueError(\"accuracy too low: \" '< 0.9')\n";
        assert_eq!(
            condition_text(text),
            "def score(x) float: if metrics['accuracy'] >= THRESHOLD and ( auc > 0.8): \
             raise ValueError(\"accuracy too low: \" '< 0.9') "
        );
    }

    #[test]
    fn strings_inside_expressions_and_prefixed_strings_are_kept() {
        assert_eq!(
            condition_text("x = f\"{a}\" + rb'\\'' \nprint('''a\n  b''')\n"),
            "x = f\"{a}\" + rb'\\'' print('''a b''') "
        );
        // Identifiers ending in a prefix letter are not string prefixes.
        assert_eq!(condition_text("bar'x'\n"), "bar'x' ");
        // Statements after `;` are logical lines of their own.
        assert_eq!(condition_text("x = 1; 'doc'; y = 2\n"), "x = 1 y = 2 ");
    }

    #[test]
    fn a_name_assigned_a_comparison_reads_as_its_condition_does() {
        let text = "is_best = new > old  # keep\nlimit: float = 0.5\nok: bool = a == b\nx == y\n";
        let code = condition_text(text);
        assert!(
            code.ends_with("not is_best (new > old) not ok (a == b) "),
            "{code}"
        );
        assert!(code.contains("not is_best (new > old)"));
    }

    #[test]
    fn every_guard_the_parser_reads_is_text_of_what_the_prefilter_reads() {
        let text = r#""""Promotion."""
import mlflow
def promote(run, best) -> None:
    '''Promote when better.'''
    wins = run.auc > best.auc  # strictly
    done = ok = run.f1 >= 0.8
    limit: float = 0.5
    if not wins:
        raise ValueError('worse')
    if not ok:
        raise ValueError('weak')
    if ok and \
            run.loss < limit:
        mlflow.register_model(run.uri, 'm')
    while (run.recall  # not yet
           < 0.9):
        run = retry(run)
    x = mlflow.register_model(run.uri, 'n') if run.acc > 0.5 else None
"#;
        let facts = crate::scan::python::facts(text).unwrap();
        let code = condition_text(text);
        let guards: Vec<&str> = facts
            .calls
            .iter()
            .flat_map(|c| c.guards.iter().map(|g| g.condition.as_str()))
            .collect();
        assert!(guards.len() >= 4, "{guards:?}");
        for guard in guards {
            assert!(code.contains(guard), "{guard:?} not in {code:?}");
        }
    }

    #[test]
    fn a_chain_of_assignments_names_only_its_last_target() {
        assert!(condition_text("a = b = x > y\n").ends_with("not b (x > y) "));
        // A hostile chain stays one pass and adds no more than the line.
        let chain = format!("{}x > 1\n", "a = ".repeat(100_000));
        let code = condition_text(&chain);
        assert!(code.len() < 2 * chain.len(), "{}", code.len());
        assert!(code.ends_with("not a (x > 1) "));
    }

    #[test]
    fn a_continuation_keeps_its_backslash() {
        assert_eq!(condition_text("if a \\\n  and b:\n"), "if a \\ and b: ");
    }

    #[test]
    fn broken_code_is_kept_rather_than_lost() {
        assert_eq!(
            condition_text("if (acc > 1\n'unterminated"),
            "if (acc > 1 'unterminated"
        );
        let open = condition_text("a = '''open\nb > c");
        assert!(open.starts_with("a = '''open b > c"), "{open}");
        assert_eq!(condition_text(""), "");
        assert_eq!(condition_text("é > 1 \\\n and\u{a0}x"), "é > 1 \\ and x");
    }
}
