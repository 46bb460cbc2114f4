//! Which Python names a file's text holds, found in one pass over its
//! identifiers: the test that decides whether a file is worth parsing for a
//! `python` rule.
//!
//! A name a rule spells out whole (`register_model`, a keyword argument)
//! can only be called or passed as a whole identifier, so the text is cut
//! into identifiers and each is compared with the names of its first byte
//! and length. A substring test would also pass `run` in `running`, `log`
//! in `logging` and `fit` in `profit`, and send most files of a real
//! repository to the parser for nothing. A name a pattern only partly
//! spells (`*Deploy*`) is searched as a substring.
//!
//! The last part of a called name can only come from where a call or a
//! binding can put it: before the `(` of a call, or at the end of what an
//! import or an assignment binds. In a file's code (see
//! [`Names::present_in_python`]), a name registered as the last part of a
//! call ([`Names::called_id`]) counts only where the identifier holding it
//! is followed by something other than an attribute's dot, a separator, a
//! subscript or an operator: `except ValueError:`, `x.deploy.status` and
//! `f(run=1)` send no file to the parser for a rule calling `*Error`,
//! `deploy` or `run`.

use super::literals::Literals;
use super::py_code::CodeText;
use memchr::memmem::Finder;
use std::collections::HashMap;

/// A set of names, each with an id, and the test of which occur in a text.
#[derive(Default)]
pub struct Names {
    /// By (name, whole, called).
    ids: HashMap<(String, bool, bool), usize>,
    /// Whole names by first byte.
    whole: Vec<Vec<Name<Box<[u8]>>>>,
    /// Per first byte, a bit per name length (lengths of 63 and more share
    /// the last bit): most identifiers are rejected with one test.
    lengths: Vec<u64>,
    partial: Vec<Name<Finder<'static>>>,
    /// All the partial names in one packed (SIMD) searcher, built on first
    /// use when there are several: one pass over a text instead of one per
    /// name. `None`: each name is searched for in turn.
    partial_together: std::sync::OnceLock<Option<aho_corasick::packed::Searcher>>,
    /// The whole names as one automaton's literals, built on first use,
    /// and per literal the ids of the names spelled so: a raw text is
    /// searched for them all in one pass (see [`Names::mark_whole`]).
    whole_together: std::sync::OnceLock<(Literals, Vec<Vec<usize>>)>,
}

/// One name of a [`Names`]: how it is looked for, its id, and whether it
/// is a call's last part (see [`Names::called_id`]).
#[derive(Clone)]
struct Name<T> {
    spelled: T,
    id: usize,
    called: bool,
}

/// At most this many partial names go into one packed searcher (its limit).
const PACKED_LIMIT: usize = 64;

/// Bytes that continue a Python identifier: ASCII letters, digits and `_`,
/// and every byte of a non-ASCII character (Python allows Unicode letters,
/// so `logé` is one identifier, not `log`).
pub(super) fn is_identifier_byte(b: u8) -> bool {
    IDENTIFIER[usize::from(b)]
}

/// [`is_identifier_byte`] as a table: the scan loop is one load per byte.
static IDENTIFIER: [bool; 256] = {
    let mut table = [false; 256];
    let mut b = 0;
    while b < 256 {
        let byte = b as u8;
        table[b] = byte.is_ascii_alphanumeric() || byte == b'_' || byte >= 0x80;
        b += 1;
    }
    table
};

fn length_bit(len: usize) -> u64 {
    1u64 << len.min(63)
}

impl Names {
    /// The id of `name`, added when new. `whole` says the name must be a
    /// whole identifier; otherwise any occurrence counts. A name that is
    /// not an identifier is always searched as a substring.
    pub fn id(&mut self, name: &str, whole: bool) -> usize {
        self.add(name, whole, false)
    }

    /// [`Names::id`] for a name a call's last part spells: in code it
    /// counts only where it can end a callee or a bound value.
    pub fn called_id(&mut self, name: &str, whole: bool) -> usize {
        self.add(name, whole, true)
    }

    fn add(&mut self, name: &str, whole: bool, called: bool) -> usize {
        let identifier = !name.is_empty() && name.bytes().all(is_identifier_byte);
        let whole = whole && identifier;
        let called = called && identifier;
        let next = self.ids.len();
        let id = *self
            .ids
            .entry((name.to_owned(), whole, called))
            .or_insert(next);
        if id != next {
            return id;
        }
        if whole {
            if self.whole.is_empty() {
                self.whole = vec![Vec::new(); 256];
                self.lengths = vec![0; 256];
            }
            let first = usize::from(name.as_bytes()[0]);
            self.whole[first].push(Name {
                spelled: name.as_bytes().into(),
                id,
                called,
            });
            self.lengths[first] |= length_bit(name.len());
        } else {
            self.partial.push(Name {
                spelled: Finder::new(name.as_bytes()).into_owned(),
                id,
                called,
            });
        }
        id
    }

    /// How many names there are.
    pub fn len(&self) -> usize {
        self.ids.len()
    }

    /// Marks the partial names that occur in `bytes` (when `placed`, a
    /// called one only where [`ends_callee`]).
    fn mark_partial(&self, bytes: &[u8], placed: bool, present: &mut [bool]) {
        // Where the identifier holding the last occurrence ends: a long
        // identifier full of a name is read to its end once.
        // (from, end): the identifier bytes from `from` run to `end`.
        let known = std::cell::Cell::new((0, 0));
        let counts = |at: usize, len: usize, called: bool| {
            if !called || !placed {
                return true;
            }
            let (from, end) = known.get();
            let q = at + len;
            if !(from..=end).contains(&q) {
                known.set((q, identifier_end(bytes, q)));
            }
            ends_callee(bytes, known.get().1)
        };
        let together = self.partial_together.get_or_init(|| {
            let usable = (2..=PACKED_LIMIT).contains(&self.partial.len())
                && self.partial.iter().all(|n| !n.spelled.needle().is_empty());
            usable.then(|| {
                let mut builder = aho_corasick::packed::Config::new().builder();
                for name in &self.partial {
                    builder.add(name.spelled.needle());
                }
                builder.build()
            })?
        });
        let Some(searcher) = together else {
            for Name {
                spelled: finder,
                id,
                called,
            } in &self.partial
            {
                let len = finder.needle().len();
                present[*id] = finder.find_iter(bytes).any(|at| counts(at, len, *called));
            }
            return;
        };
        // The searcher reports one name per place, the first that starts
        // there: every name is tried wherever one starts, and the search
        // goes on from the next byte, so overlapping names count too.
        let (mut at, mut missing) = (0, self.partial.len());
        while missing > 0 {
            let Some(found) = searcher.find_in(bytes, aho_corasick::Span::from(at..bytes.len()))
            else {
                break;
            };
            let here = &bytes[found.start()..];
            for Name {
                spelled: finder,
                id,
                called,
            } in &self.partial
            {
                if !present[*id]
                    && here.starts_with(finder.needle())
                    && counts(found.start(), finder.needle().len(), *called)
                {
                    present[*id] = true;
                    missing -= 1;
                }
            }
            at = found.start() + 1;
        }
    }

    /// Which names (by id) occur in `text`, a file's raw text, wherever
    /// they stand.
    pub fn present(&self, text: &str) -> Vec<bool> {
        self.present_as(text, false)
    }

    /// Which names (by id) the Python `text` holds as code, `code` being
    /// what `py_code::read` reads of it (one logical line per line, no
    /// comments, no string literals but f-strings): a called name only
    /// where [`ends_callee`]. When the code is not regular (see
    /// `py_code::CodeText::regular`) the parser may read strings otherwise
    /// and, recovering from errors, make a call of anything: names count
    /// wherever they stand in the text.
    pub fn present_in_python(&self, text: &str, code: &CodeText) -> Vec<bool> {
        match code.regular {
            true => self.present_as(&code.code, true),
            false => self.present_as(text, false),
        }
    }

    /// `placed`: a called name counts only where its place allows.
    fn present_as(&self, text: &str, placed: bool) -> Vec<bool> {
        if placed {
            return self.present_by_identifiers(text, true);
        }
        let mut present = vec![false; self.len()];
        self.mark_partial(text.as_bytes(), false, &mut present);
        self.mark_whole(text, &mut present);
        present
    }

    /// Marks the whole names that occur in `text` as whole identifiers,
    /// wherever they stand: one pass of an automaton of them all (about
    /// three times as fast as cutting the text into identifiers, most of
    /// a Python file's bytes being read for no rule), each occurrence kept
    /// when no identifier byte is next to it.
    fn mark_whole(&self, text: &str, present: &mut [bool]) {
        if self.whole.is_empty() {
            return;
        }
        let (literals, ids) = self.whole_together.get_or_init(|| {
            let mut literals = Literals::default();
            let mut ids: Vec<Vec<usize>> = Vec::new();
            for name in self.whole.iter().flatten() {
                let literal = literals.id(&String::from_utf8_lossy(&name.spelled));
                if ids.len() <= literal {
                    ids.resize(literal + 1, Vec::new());
                }
                ids[literal].push(name.id);
            }
            (literals, ids)
        });
        let bytes = text.as_bytes();
        let alone = |_, start: usize, end: usize| {
            (start == 0 || !is_identifier_byte(bytes[start - 1]))
                && bytes.get(end).is_none_or(|&b| !is_identifier_byte(b))
        };
        let found = literals.present_where_found(text, alone);
        for (literal, _) in found.iter().enumerate().filter(|(_, &yes)| yes) {
            for &id in &ids[literal] {
                present[id] = true;
            }
        }
    }

    /// [`Names::present_as`] by cutting `text` into identifiers and
    /// comparing each with the whole names of its first byte and length:
    /// what a called name's place needs.
    fn present_by_identifiers(&self, text: &str, placed: bool) -> Vec<bool> {
        let mut present = vec![false; self.len()];
        self.mark_partial(text.as_bytes(), placed, &mut present);
        if self.whole.is_empty() {
            return present;
        }
        let bytes = text.as_bytes();
        let mut bare: Option<Vec<Bare>> = None;
        let mut lines = LineStarts::default();
        let mut at = 0;
        loop {
            while at < bytes.len() && !is_identifier_byte(bytes[at]) {
                at += 1;
            }
            let start = at;
            while at < bytes.len() && is_identifier_byte(bytes[at]) {
                at += 1;
            }
            if start == at {
                break;
            }
            let first = usize::from(bytes[start]);
            if self.lengths[first] & length_bit(at - start) == 0 {
                continue;
            }
            let word = &bytes[start..at];
            for Name {
                spelled: name,
                id,
                called,
            } in &self.whole[first]
            {
                if **name != *word {
                    continue;
                }
                if !*called || !placed {
                    present[*id] = true;
                    continue;
                }
                let bare = bare.get_or_insert_with(|| vec![Bare::default(); self.len()]);
                match use_in_code(bytes, start, at, &mut lines) {
                    Use::Ends => present[*id] = true,
                    Use::NoCallee => {}
                    Use::BareCall => bare[*id].called = true,
                    Use::ModuleAlias => bare[*id].aliased = true,
                    Use::OtherBare { ends } => {
                        bare[*id].bound_otherwise = true;
                        present[*id] |= ends;
                    }
                }
            }
        }
        for (id, bare) in bare.iter().flatten().enumerate() {
            present[id] |= bare.called && (!bare.aliased || bare.bound_otherwise);
        }
        present
    }
}

/// The bare uses of a called name in a file's code.
#[derive(Clone, Default)]
struct Bare {
    /// `name(…)`.
    called: bool,
    /// `import a.b as name` or `from m import b as name` at module level.
    aliased: bool,
    /// Any other bare use (`name = …`, `from m import name`, `def
    /// name`, a parameter, `with … as name`, an alias inside a function).
    bound_otherwise: bool,
}

/// What an occurrence of a called name in code can do for a call's name.
enum Use {
    /// It may end a callee or a bound value.
    Ends,
    /// It ends none: `x.name.y`, `x.name[0]`, `x.name == 1`.
    NoCallee,
    /// `name(…)` with no dot before it.
    BareCall,
    /// The alias of a module-level import (`from m import other as name`).
    ModuleAlias,
    /// Any other use without a dot before it, and whether it [`ends_callee`].
    OtherBare { ends: bool },
}

/// How the occurrence of a called name at `start..end` of code (as
/// `py_code::read` writes it) is used. A bare `name(…)` calls `m.other`
/// when a module-level import binds `name` as an alias of it and nothing
/// else in the file binds `name`: every scope sees the module's imports
/// unless it binds the name again, which takes another bare use of it.
fn use_in_code(bytes: &[u8], start: usize, end: usize, lines: &mut LineStarts) -> Use {
    let before = bytes[..start].trim_ascii_end();
    let before = before
        .strip_suffix(b"\\")
        .unwrap_or(before)
        .trim_ascii_end();
    if before.last() == Some(&b'.') {
        return match ends_callee(bytes, end) {
            true => Use::Ends,
            false => Use::NoCallee,
        };
    }
    let after = bytes[end..].trim_ascii_start();
    if after.first() == Some(&b'(') {
        return Use::BareCall;
    }
    if let Some(target) = alias_target(before) {
        let line = &before[lines.start_of(bytes, before.len())..];
        let module_import = line.starts_with(b"from ") || line.starts_with(b"import ");
        if module_import && target != &bytes[start..end] {
            return Use::ModuleAlias;
        }
    }
    Use::OtherBare {
        ends: ends_callee(bytes, end),
    }
}

/// The start of the line holding an offset, for offsets asked in
/// increasing order: each byte is looked at once however many are asked.
#[derive(Default)]
struct LineStarts {
    looked_to: usize,
    start: usize,
}

impl LineStarts {
    fn start_of(&mut self, bytes: &[u8], at: usize) -> usize {
        if at > self.looked_to {
            if let Some(n) = memchr::memrchr(b'\n', &bytes[self.looked_to..at]) {
                self.start = self.looked_to + n + 1;
            }
            self.looked_to = at;
        }
        self.start.min(at)
    }
}

/// When `before` ends with `<identifier> as`, that identifier.
fn alias_target(before: &[u8]) -> Option<&[u8]> {
    let rest = before.strip_suffix(b"as")?;
    if rest.last() != Some(&b' ') {
        return None;
    }
    let rest = rest.trim_ascii_end();
    let name_start = rest
        .iter()
        .rposition(|&b| !is_identifier_byte(b))
        .map_or(0, |n| n + 1);
    (name_start < rest.len()).then(|| &rest[name_start..])
}

/// Where the identifier holding the byte before `at` ends.
fn identifier_end(bytes: &[u8], at: usize) -> usize {
    at + bytes[at..]
        .iter()
        .position(|&b| !is_identifier_byte(b))
        .unwrap_or(bytes.len() - at)
}

/// Whether an identifier ending at `end` of Python code (as
/// `py_code::read` writes it) can be the last part of a callee or of a
/// bound value: what follows it past blank space and line continuations
/// is a call's `(`, closing brackets and then a `(` (`(a.run)(x)`), the end
/// of the logical line (`x = a.run`), a word (`import a.run as r`, or
/// anything the parser might read otherwise), a string or anything
/// unusual. An attribute's dot, a separator, a subscript, a colon, `=` or
/// an operator ends no callee: `except ValueError:`, `f(run=1)`,
/// `x.deploy.status`.
pub(super) fn ends_callee(bytes: &[u8], end: usize) -> bool {
    let blank = |b: u8| matches!(b, b' ' | b'\\');
    let mut next = end;
    while next < bytes.len() && blank(bytes[next]) {
        next += 1;
    }
    match bytes.get(next) {
        None | Some(b'(' | b'\n') => true,
        Some(b')') => {
            let mut k = next;
            while k < bytes.len() && (bytes[k] == b')' || blank(bytes[k])) {
                k += 1;
            }
            bytes.get(k) == Some(&b'(')
        }
        Some(b'.' | b',' | b':' | b'[' | b']' | b'{' | b'}' | b'=') => false,
        Some(b'+' | b'-' | b'*' | b'/' | b'%' | b'<' | b'>' | b'!' | b'&' | b'|' | b'^') => false,
        Some(b'~' | b'@') => false,
        Some(_) => true,
    }
}

#[cfg(test)]
mod tests;
