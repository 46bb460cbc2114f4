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

use super::py_code;

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
        if lexer.at_top(at) {
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
        lexer.line(bytes, at, line_end);
        at = line_end;
        row += 1;
    }
    if !lexer.at_top(bytes.len()) || decorators_only {
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

/// The names of the functions `text` (Python code, such as one top-level
/// definition) defines outside any function: at its top level, or as
/// methods of classes that are. A function nested in another can only be
/// called by its name inside that one. `None` when the indentation is not
/// plain spaces, or the text does not end as plain Python.
pub fn outer_functions(text: &str) -> Option<Vec<&str>> {
    let bytes = text.as_bytes();
    let mut names = Vec::new();
    // The open `def` and `class` blocks: their indentation, and whether
    // each is a function's.
    let mut blocks: Vec<(usize, bool)> = Vec::new();
    let mut lexer = Lexer::default();
    let mut at = 0;
    while at < bytes.len() {
        let line_end = memchr::memchr(b'\n', &bytes[at..]).map_or(bytes.len(), |n| at + n + 1);
        if lexer.at_top(at) {
            let line = &bytes[at..line_end];
            let indent = line.iter().take_while(|&&b| b == b' ').count();
            let rest = &line[indent..];
            match rest.first() {
                None | Some(b'\n' | b'\r' | b'#') => {}
                Some(b'\t' | b'\x0c') => return None,
                Some(_) => {
                    while blocks.last().is_some_and(|&(open, _)| open >= indent) {
                        blocks.pop();
                    }
                    let word = leading_word(rest);
                    let def = match word {
                        "def" => Some(&text[at + indent + 3..line_end]),
                        "async" if leading_word(rest[5..].trim_ascii_start()) == "def" => {
                            let after = text[at + indent + 5..line_end].trim_start();
                            Some(&after[3..])
                        }
                        _ => None,
                    };
                    if let Some(after) = def {
                        if !blocks.iter().any(|&(_, function)| function) {
                            let name = after.trim_start_matches([' ', '\t', '\\']);
                            let end = name
                                .bytes()
                                .position(|b| {
                                    !(b.is_ascii_alphanumeric() || b == b'_' || b >= 0x80)
                                })
                                .unwrap_or(name.len());
                            if end == 0 {
                                return None;
                            }
                            names.push(&name[..end]);
                        }
                        blocks.push((indent, true));
                    } else if word == "class" {
                        blocks.push((indent, false));
                    }
                }
            }
        }
        lexer.line(bytes, at, line_end);
        at = line_end;
    }
    lexer.at_top(bytes.len()).then_some(names)
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

/// Lexical state carried from one line to the next. Strings are read with
/// the code lexer's own reader ([`py_code::string_end`]), over the whole
/// text, since a triple-quoted string or one continued by an escaped line
/// break runs on over lines.
#[derive(Default)]
struct Lexer {
    /// Where lexing has read to: past the current line when a string
    /// started on it runs on.
    read_to: usize,
    /// Open brackets.
    depth: usize,
    /// The last line ended with a backslash.
    continued: bool,
    /// A string runs on to the end of the text without its closing quote.
    unclosed: bool,
}

impl Lexer {
    /// Whether the line starting at `at` starts a logical line.
    fn at_top(&self, at: usize) -> bool {
        self.read_to <= at && self.depth == 0 && !self.continued && !self.unclosed
    }

    /// Reads the line `bytes[at..end]` (its break included), unless a
    /// string from an earlier line covers it.
    fn line(&mut self, bytes: &[u8], at: usize, end: usize) {
        if self.read_to >= end {
            return;
        }
        self.continued = false;
        let mut i = self.read_to.max(at);
        while i < end {
            match bytes[i] {
                b'#' => break,
                b'\\' => {
                    if bytes[i + 1..end].iter().all(|&b| b == b'\r' || b == b'\n') {
                        self.continued = true;
                        break;
                    }
                    i += 2;
                }
                quote @ (b'"' | b'\'') => {
                    // At the quote itself: a prefix (`rb`) changes nothing here.
                    let close = py_code::string_end(bytes, i).unwrap_or(bytes.len());
                    let last = &bytes[i..close];
                    let triple = last.starts_with(&[quote; 3]);
                    let closes =
                        last.len() >= if triple { 6 } else { 2 } && last.ends_with(&[quote]);
                    self.unclosed |= close == bytes.len() && !closes;
                    i = close;
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
        self.read_to = i.max(end);
    }
}

#[cfg(test)]
mod tests;
