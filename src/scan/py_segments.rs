//! A Python file cut into its top-level statements, without parsing it:
//! each function or class defined at the top (decorators included) is one
//! segment, and the module-level code between them is another. A rule's
//! calls are looked for segment by segment, so that a large file is parsed
//! only where a rule can match (see `python_slice`).
//!
//! A small lexer: it knows strings (prefixes, triple quotes, escapes),
//! comments, brackets and backslash continuations, which is all it takes to
//! tell where a statement starts at column 0. Where the text does not read
//! as plain Python at the top level (a template's `{% … %}` line, a merge
//! marker, an unclosed bracket or string at the end) it gives up, and the
//! file is parsed whole.

/// One top-level stretch of a file: whole lines, from `start` to `end`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Segment {
    /// Byte offsets in the text: `start` is at a line's start, `end` is
    /// past a line break or at the end of the text.
    pub start: usize,
    pub end: usize,
    /// 0-based rows of `start` and `end`.
    pub start_row: usize,
    pub end_row: usize,
    /// A top-level `def`, `async def` or `class` (with its decorators);
    /// otherwise module-level code.
    pub definition: bool,
}

/// Keywords that continue the statement before them at column 0.
const CLAUSES: &[&str] = &["else", "elif", "except", "finally"];

/// The segments of `text` in order, covering it all; `None` when its top
/// level does not read as plain Python.
pub fn split(text: &str) -> Option<Vec<Segment>> {
    let bytes = text.as_bytes();
    let mut segments: Vec<Segment> = Vec::new();
    // Whether the open segment is decorators still waiting for their
    // definition.
    let mut decorators_only = false;
    let mut lexer = Lexer::default();
    let mut row = 0;
    let mut at = 0;
    while at < bytes.len() {
        let line_end = memchr::memchr(b'\n', &bytes[at..]).map_or(bytes.len(), |n| at + n + 1);
        if lexer.at_top() {
            let first = bytes[at];
            if !matches!(first, b' ' | b'\t' | b'\x0c' | b'\r' | b'\n' | b'#') {
                let word = leading_word(&bytes[at..line_end]);
                let starts_definition = match word {
                    "def" | "class" => true,
                    "async" => leading_word(bytes[at + 5..line_end].trim_ascii_start()) == "def",
                    _ => false,
                };
                if first == b'@' {
                    if !decorators_only {
                        open(&mut segments, at, row, true);
                        decorators_only = true;
                    }
                } else if starts_definition {
                    if !decorators_only {
                        open(&mut segments, at, row, true);
                    }
                    decorators_only = false;
                } else if decorators_only || !starts_statement(first) {
                    return None;
                } else if CLAUSES.contains(&word) {
                    // `else:` after a module-level `if`: the same
                    // statement, which a definition cannot have.
                    if segments.last().is_none_or(|s| s.definition) {
                        return None;
                    }
                } else if segments.last().is_none_or(|s| s.definition) {
                    open(&mut segments, at, row, false);
                }
            }
        }
        if segments.is_empty() {
            // Blank lines and comments before the first statement.
            open(&mut segments, at, row, false);
        }
        lexer.line(&bytes[at..line_end]);
        at = line_end;
        row += 1;
    }
    if !lexer.at_top() || decorators_only {
        return None;
    }
    let ends: Vec<(usize, usize)> = segments
        .iter()
        .skip(1)
        .map(|s| (s.start, s.start_row))
        .chain(std::iter::once((bytes.len(), row)))
        .collect();
    for (segment, (end, end_row)) in segments.iter_mut().zip(ends) {
        segment.end = end;
        segment.end_row = end_row;
    }
    Some(segments)
}

fn open(segments: &mut Vec<Segment>, start: usize, row: usize, definition: bool) {
    segments.push(Segment {
        start,
        end: start,
        start_row: row,
        end_row: row,
        definition,
    });
}

/// Bytes a top-level statement can start with: a name or keyword, a
/// bracket, a string, a number, `*` (`*a, b = …`), `.` (`...`), a sign.
fn starts_statement(b: u8) -> bool {
    b.is_ascii_alphanumeric()
        || b >= 0x80
        || matches!(
            b,
            b'_' | b'(' | b'[' | b'"' | b'\'' | b'*' | b'.' | b'-' | b'+' | b'~'
        )
}

/// The identifier a line starts with ("" when none).
fn leading_word(line: &[u8]) -> &str {
    let end = line
        .iter()
        .position(|&b| !(b.is_ascii_alphanumeric() || b == b'_'))
        .unwrap_or(line.len());
    std::str::from_utf8(&line[..end]).unwrap_or("")
}

/// Lexical state carried from one line to the next.
#[derive(Default)]
struct Lexer {
    /// Inside a triple-quoted string: its quote byte.
    triple: Option<u8>,
    /// Open brackets.
    depth: usize,
    /// The last line ended with a backslash.
    continued: bool,
    /// A one-quote string ran on past a line break (`"a\` at a line's
    /// end): rare enough to leave to the parser.
    broken: bool,
}

impl Lexer {
    /// Whether the next line starts a logical line.
    fn at_top(&self) -> bool {
        self.triple.is_none() && self.depth == 0 && !self.continued && !self.broken
    }

    /// Reads one line (its break included).
    fn line(&mut self, line: &[u8]) {
        self.continued = false;
        let mut i = 0;
        if let Some(quote) = self.triple {
            match triple_end(line, 0, quote) {
                Some(end) => {
                    self.triple = None;
                    i = end;
                }
                None => return,
            }
        }
        while i < line.len() {
            match line[i] {
                b'#' => return,
                b'\\' => {
                    if line[i + 1..].iter().all(|&b| b == b'\r' || b == b'\n') {
                        self.continued = true;
                        return;
                    }
                    i += 2;
                }
                quote @ (b'"' | b'\'') => {
                    if line.get(i..i + 3) == Some(&[quote; 3][..]) {
                        match triple_end(line, i + 3, quote) {
                            Some(end) => i = end,
                            None => {
                                self.triple = Some(quote);
                                return;
                            }
                        }
                    } else {
                        match single_end(line, i + 1, quote) {
                            Some(end) => i = end,
                            None => {
                                self.broken = true;
                                return;
                            }
                        }
                    }
                }
                b'(' | b'[' | b'{' => {
                    self.depth += 1;
                    i += 1;
                }
                b')' | b']' | b'}' => {
                    self.depth = self.depth.saturating_sub(1);
                    i += 1;
                }
                _ => i += 1,
            }
        }
    }
}

/// Past the closing triple quote at or after `from`, if the line has it.
fn triple_end(line: &[u8], from: usize, quote: u8) -> Option<usize> {
    let mut i = from;
    while i < line.len() {
        match line[i] {
            b'\\' => i += 2,
            b if b == quote && line.get(i..i + 3) == Some(&[quote; 3][..]) => return Some(i + 3),
            _ => i += 1,
        }
    }
    None
}

/// Past the closing quote of a one-line string, or the line's end (an
/// unterminated string ends there, as Python reports it); `None` when an
/// escaped line break carries it on to the next line.
fn single_end(line: &[u8], from: usize, quote: u8) -> Option<usize> {
    let mut i = from;
    while i < line.len() {
        match line[i] {
            b'\\' if line[i + 1..].iter().all(|&b| b == b'\r' || b == b'\n') => return None,
            b'\\' => i += 2,
            b'\n' => return Some(i),
            b if b == quote => return Some(i + 1),
            _ => i += 1,
        }
    }
    Some(line.len())
}

#[cfg(test)]
mod tests;
