//! The text a Python rule's names and guards are looked for in before a
//! file is parsed: the file's code (no comments, docstrings or return
//! annotations, so that a name or a comparison there does not send the file
//! to the parser) and, apart, its conditions as `python::Guard` reads them.
//!
//! A small lexer, not a parser: it knows strings (prefixes, triple quotes,
//! escapes), comments, brackets and logical lines, which is all it takes to
//! tell a bare string statement from a string inside an expression. Where it
//! cannot tell (broken code), it keeps the text: keeping is always safe.

/// What [`read`] returns.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CodeText {
    /// The file with every comment, every bare string statement (a
    /// docstring, or any logical line made of string literals alone) and
    /// every `->` replaced by a space, and each run of whitespace made one
    /// space; each logical line on a line of its own. A string literal inside
    /// an expression reads `''` when it is closed and holds no brace: no
    /// name in it is code, where an f-string's (or a t-string's) fields
    /// are; after a string whose braces do not pair up, or a backquote, no
    /// string reads empty (see `braces_balance`).
    pub code: String,
    /// One line per logical line of `code` that can hold a condition (one
    /// with an `if`, `elif`, `while`, `assert` or `with` keyword), then one
    /// per name assigned a comparison, as it reads in a condition (see
    /// [`read`]). A guard condition's text is read with comments dropped
    /// and whitespace collapsed, so each one is a substring of one line.
    pub conditions: String,
    /// Whether the text lexed as code the parser reads without error
    /// recovery as far as brackets and strings go: every bracket closed by
    /// its own kind, no string left open, none read otherwise by the
    /// parser (see `braces_balance`). Where it did not, the parser may
    /// skip what stands between a callee and its `(`, so a name's place
    /// says nothing (see `names::Names::present_in_python`).
    pub regular: bool,
}

/// Keywords after which a guard condition is written: `if`/`elif` (and
/// conditional expressions), `while`, `assert`, and `with` (a
/// `dsl.Condition(…)` block).
const CONDITION_KEYWORDS: &[&str] = &["if", "elif", "while", "assert", "with"];

/// Reads `text` as Python code; see [`CodeText`]. A line assigning a
/// comparison to a name (`wins = auc > best`) adds `not wins (auc > best)`
/// to the conditions: that is how a condition naming it reads (`if wins:`
/// and `if not wins:` stand for the comparison).
pub fn read(text: &str) -> CodeText {
    let bytes = text.as_bytes();
    let mut out = Output::with_capacity(text.len());
    // The current logical line: where it started in `out`, whether it holds
    // anything but string literals so far, and the bracket depth.
    let mut line = Line::default();
    let mut depth = 0usize;
    // Whether strings are still read as the parser reads them (see
    // `braces_balance`).
    let mut in_step = true;
    let (mut open, mut regular) = (Vec::new(), true);
    let mut conditions = String::new();
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
                end_logical_line(&mut out, &line, &mut conditions, &mut flags);
                out.newline();
                if b == b';' {
                    // What follows a `;` shares its line's block, which
                    // may be a body (`def f(): a; b`): never column 0.
                    out.text.push(' ');
                }
                line = Line {
                    start: out.len(),
                    ..Line::default()
                };
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
                line.only_strings = false;
                out.space();
                i += 2;
                continue;
            }
            _ if b.is_ascii_whitespace() => out.space(),
            _ => {
                if let Some((end, closed)) = string_span(bytes, i) {
                    let token = &text[i..end];
                    // An f-string's fields are expressions: `{a if ok else b}`.
                    line.has_condition |= is_f_string(token) && holds_word(token, "if");
                    let start = out.len();
                    out.push(token);
                    // Fields only in a format string, or one whose prefix
                    // this lexer does not know (`t'…'`, read as a name).
                    let format = is_f_string(token) || (i > 0 && is_word(bytes[i - 1]));
                    in_step &= !format || braces_balance(token);
                    regular &= closed;
                    // A string left open is no docstring: the parser may
                    // read what follows its quote as code. Nor is an
                    // f-string with a field: the field's code runs.
                    line.only_strings &= closed && !(is_f_string(token) && token.contains('{'));
                    if in_step && closed && !token.contains(['{', '}']) {
                        out.strings.push((start, out.len()));
                    }
                    i = end;
                    continue;
                }
                match b {
                    b'(' | b'[' | b'{' => {
                        depth += 1;
                        open.push(b);
                    }
                    b')' | b']' | b'}' => {
                        depth = depth.saturating_sub(1);
                        let opener = match b {
                            b')' => b'(',
                            b']' => b'[',
                            _ => b'{',
                        };
                        regular &= open.pop() == Some(opener);
                    }
                    _ => {}
                }
                if is_word(b) {
                    line.only_strings = false;
                    // Copy an identifier or number whole, so that a string
                    // prefix is only ever looked for at a token's start. It
                    // holds no whitespace, and a keyword is one of them.
                    let end = bytes[i..]
                        .iter()
                        .position(|&c| !is_word(c))
                        .map_or(bytes.len(), |n| i + n);
                    let token = &text[i..end];
                    line.has_condition |= CONDITION_KEYWORDS.contains(&token);
                    out.text.push_str(token);
                    i = end;
                    continue;
                }
                if b.is_ascii_graphic() {
                    // Punctuation: one byte, copied as it is. A backquote
                    // starts a string for the parser (Python 2's repr).
                    in_step &= b != b'`';
                    // Nothing but (collapsed) blank space before it on its line.
                    let at_line_start = out.text[line.start..].len() <= 1
                        && out.text[line.start..].bytes().all(|c| c == b' ');
                    regular &= !is_no_python(bytes, i, at_line_start);
                    line.only_strings = false;
                    out.text.push(char::from(b));
                    i += 1;
                    continue;
                }
                // A whole UTF-8 character (or a control character).
                let end = i + text[i..].chars().next().map_or(1, char::len_utf8);
                if text[i..end].chars().all(char::is_whitespace) {
                    // Whitespace beyond ASCII, collapsed as conditions are.
                    out.space();
                    i = end;
                    continue;
                }
                line.only_strings = false;
                out.push(&text[i..end]);
                i = end;
                continue;
            }
        }
        i += 1;
    }
    end_logical_line(&mut out, &line, &mut conditions, &mut flags);
    conditions.push_str(&flags);
    CodeText {
        code: out.without_strings(),
        conditions,
        regular: regular && in_step && open.is_empty(),
    }
}

/// Whether the punctuation at `i` starts text that is no Python, which the
/// parser can only recover from: a template's `{{` or `{%`, a notebook's
/// magic or shell line (`%time`, `!pip`) or a merge marker at the start of
/// a line (`at_line_start`).
fn is_no_python(bytes: &[u8], i: usize, at_line_start: bool) -> bool {
    let b = bytes[i];
    let next = bytes.get(i + 1).copied();
    (b == b'{' && matches!(next, Some(b'{' | b'%')))
        || (at_line_start && matches!(b, b'%' | b'!'))
        || (at_line_start && matches!(b, b'<' | b'>' | b'=') && bytes[i..].starts_with(&[b; 7]))
}

/// Whether every `{` of a format string token has its `}` (`{{` and `}}`
/// are escapes). One that does not is where this lexer and the parser part
/// ways: an f-string nesting its own quote (`f"{a["k"]}"`, Python 3.12)
/// is one string to the parser and several here, and its field's code
/// would be read as string. From there on no string is written empty.
fn braces_balance(token: &str) -> bool {
    let bytes = token.as_bytes();
    let (mut open, mut k) = (0usize, 0);
    while k < bytes.len() {
        match bytes[k] {
            b'{' | b'}' if bytes.get(k + 1) == Some(&bytes[k]) => k += 1,
            b'{' => open += 1,
            b'}' => {
                let Some(left) = open.checked_sub(1) else {
                    return false;
                };
                open = left;
            }
            _ => {}
        }
        k += 1;
    }
    open == 0
}

/// The logical line being read: where it starts in the output, whether it
/// holds anything but string literals so far, and whether a condition
/// keyword starts one of its tokens.
struct Line {
    start: usize,
    only_strings: bool,
    has_condition: bool,
}

impl Default for Line {
    fn default() -> Line {
        Line {
            start: 0,
            only_strings: true,
            has_condition: false,
        }
    }
}

/// Drops a logical line that held string literals alone (a docstring),
/// copies one that can hold a condition to `conditions`, and adds a
/// comparison assigned to a name to `flags`.
fn end_logical_line(out: &mut Output, line: &Line, conditions: &mut String, flags: &mut String) {
    if line.only_strings {
        out.text.truncate(line.start);
        while out
            .strings
            .last()
            .is_some_and(|&(start, _)| start >= line.start)
        {
            out.strings.pop();
        }
        return;
    }
    let text = &out.text[line.start..];
    if line.has_condition {
        conditions.push_str(text.trim());
        conditions.push('\n');
    }
    if let Some((name, comparison)) = assigned_comparison(text) {
        flags.push_str(&format!("not {name} ({comparison})\n"));
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
    compares(value).then_some((name, value))
}

/// Whether `value` holds `<`, `>`, `==`, `!=`, or `in` or `is` as a word
/// between spaces (or the value's ends): one pass.
fn compares(value: &str) -> bool {
    let bytes = value.as_bytes();
    let word_at = |k: usize| {
        (k == 0 || bytes[k - 1] == b' ')
            && matches!(bytes.get(k..k + 2), Some(b"in" | b"is"))
            && bytes.get(k + 2).is_none_or(|&b| b == b' ')
    };
    bytes.iter().enumerate().any(|(k, &b)| match b {
        b'<' | b'>' => true,
        b'=' | b'!' => bytes.get(k + 1) == Some(&b'='),
        b'i' => word_at(k),
        _ => false,
    })
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

/// Whether a string token (prefix included) is an f-string.
fn is_f_string(token: &str) -> bool {
    token
        .bytes()
        .take_while(|b| b.is_ascii_alphabetic())
        .any(|b| b.eq_ignore_ascii_case(&b'f'))
}

/// Whether `word` occurs in `text` with no word character either side.
fn holds_word(text: &str, word: &str) -> bool {
    text.match_indices(word).any(|(at, _)| {
        let before = text.as_bytes()[..at].last().copied();
        let after = text.as_bytes().get(at + word.len()).copied();
        !before.is_some_and(is_word) && !after.is_some_and(is_word)
    })
}

fn is_word(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

/// Where the string literal starting at `i` ends (past its closing quote,
/// or at the end of the line or file when unterminated), or `None` when no
/// string starts there. A string may carry up to two prefix letters
/// (`r`, `b`, `u`, `f` in either case).
pub(super) fn string_end(bytes: &[u8], i: usize) -> Option<usize> {
    string_span(bytes, i).map(|(end, _)| end)
}

/// [`string_end`], and whether the string is closed by its quote.
fn string_span(bytes: &[u8], i: usize) -> Option<(usize, bool)> {
    let is_prefix = |b: u8| matches!(b.to_ascii_lowercase(), b'r' | b'b' | b'u' | b'f');
    if !matches!(bytes[i], b'"' | b'\'') && !is_prefix(bytes[i]) {
        return None;
    }
    let prefix = bytes[i..]
        .iter()
        .take(2)
        .take_while(|c| matches!(c.to_ascii_lowercase(), b'r' | b'b' | b'u' | b'f'))
        .count();
    let at = i + prefix;
    let quote = *bytes.get(at).filter(|&&q| q == b'"' || q == b'\'')?;
    let triple = bytes.get(at..at + 3) == Some(&[quote; 3][..]);
    let mut j = at + if triple { 3 } else { 1 };
    // Only a quote, a backslash or (in a one-quote string) a line break
    // can end the string or change how it reads: the rest is skipped.
    loop {
        let rest = bytes.get(j..).unwrap_or_default();
        let found = match triple {
            true => memchr::memchr2(quote, b'\\', rest),
            false => memchr::memchr3(quote, b'\\', b'\n', rest),
        };
        let Some(k) = found else {
            return Some((bytes.len(), false));
        };
        j += k;
        match bytes[j] {
            b'\\' => j += 2,
            b'\n' => return Some((j, false)),
            _ if !triple => return Some((j + 1, true)),
            _ if bytes.get(j..j + 3) == Some(&[quote; 3][..]) => return Some((j + 3, true)),
            _ => j += 1,
        }
    }
}

/// Text with whitespace runs collapsed to one space as it is written.
struct Output {
    text: String,
    /// Where the string literals that hold no code are in `text`, in order.
    strings: Vec<(usize, usize)>,
}

impl Output {
    fn with_capacity(n: usize) -> Output {
        Output {
            text: String::with_capacity(n),
            strings: Vec::new(),
        }
    }

    /// The text with each of `strings` written `''`.
    fn without_strings(self) -> String {
        if self.strings.is_empty() {
            return self.text;
        }
        let mut code = String::with_capacity(self.text.len());
        let mut at = 0;
        for (start, end) in self.strings {
            code.push_str(&self.text[at..start]);
            code.push_str("''");
            at = end;
        }
        code.push_str(&self.text[at..]);
        code
    }

    fn len(&self) -> usize {
        self.text.len()
    }

    fn space(&mut self) {
        if !self.text.is_empty() && !self.text.ends_with(' ') {
            self.text.push(' ');
        }
    }

    /// Ends a logical line (its trailing space dropped).
    fn newline(&mut self) {
        if self.text.ends_with(' ') {
            self.text.pop();
        }
        if !self.text.is_empty() && !self.text.ends_with('\n') {
            self.text.push('\n');
        }
    }

    /// Appends a token; whitespace inside it (a multi-line string) is
    /// collapsed too.
    fn push(&mut self, token: &str) {
        let bytes = token.as_bytes();
        if token.is_ascii() && !bytes.iter().any(|b| matches!(b, 0x09..=0x0d | b' ')) {
            self.text.push_str(token);
            return;
        }
        // The text between blank runs is copied whole; only a byte that
        // may start blank space (ASCII or beyond) is looked at closely.
        let (mut copied, mut k) = (0, 0);
        while k < bytes.len() {
            let blank = match bytes[k] {
                0x09..=0x0d | b' ' => 1,
                0x80.. => {
                    // `k` is at a character's start: every step below
                    // moves by whole characters.
                    let c = token[k..].chars().next().unwrap_or(' ');
                    if !c.is_whitespace() {
                        k += c.len_utf8();
                        continue;
                    }
                    c.len_utf8()
                }
                _ => {
                    k += 1;
                    continue;
                }
            };
            self.text.push_str(&token[copied..k]);
            self.space();
            k += blank;
            copied = k;
        }
        self.text.push_str(&token[copied..]);
    }
}

#[cfg(test)]
mod tests;
