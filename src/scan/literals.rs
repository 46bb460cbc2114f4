//! Literals that probes require in a file's text, found in one pass.

use aho_corasick::automaton::{Automaton, StateID};
use aho_corasick::Anchored;

/// Literals that probes require in a file's text (what content patterns
/// cannot match without, key names), searched for in one pass over the
/// file instead of one substring search per literal per probe: by one
/// automaton of them all, or, for a few of them, by a [`Subset`].
#[derive(Default)]
pub struct Literals {
    literals: Vec<String>,
    index: std::collections::HashMap<String, usize>,
    /// Built on first search: a run whose files need no literal search
    /// (an empty tree, a tree without YAML) never pays for it.
    automaton: std::sync::OnceLock<Option<Dfa>>,
    /// Literals are lowercase and match regardless of ASCII case.
    fold_case: bool,
}

impl Literals {
    /// A set whose (lowercase) literals match regardless of ASCII case.
    pub fn folding_case() -> Literals {
        Literals {
            fold_case: true,
            ..Literals::default()
        }
    }

    /// The id of `literal`, added when new.
    pub fn id(&mut self, literal: &str) -> usize {
        if let Some(&i) = self.index.get(literal) {
            return i;
        }
        self.literals.push(literal.to_owned());
        self.index
            .insert(literal.to_owned(), self.literals.len() - 1);
        self.literals.len() - 1
    }

    /// `bytes` as the literals are compared with it: lowercased (ASCII)
    /// when they match regardless of case.
    fn searched<'t>(&self, bytes: &'t [u8]) -> std::borrow::Cow<'t, [u8]> {
        if self.fold_case {
            std::borrow::Cow::Owned(bytes.to_ascii_lowercase())
        } else {
            std::borrow::Cow::Borrowed(bytes)
        }
    }

    /// How many literals there are.
    pub fn len(&self) -> usize {
        self.literals.len()
    }

    /// The literals, by id.
    pub fn all(&self) -> &[String] {
        &self.literals
    }

    /// A DFA, the fastest of the crate's automatons to run: every file a
    /// content, key or Python rule targets goes through one. Even the
    /// case-folded set of several hundred content literals builds in a few
    /// milliseconds, once per run. `None`: too large to build (each search
    /// then looks for each literal in turn).
    fn automaton(&self) -> Option<&Dfa> {
        self.automaton
            .get_or_init(|| {
                // No prefilter: it would make the start state special, a
                // branch on most bytes of a text dense with literals.
                let dfa = aho_corasick::dfa::Builder::new()
                    .ascii_case_insensitive(self.fold_case)
                    .prefilter(false)
                    .build(&self.literals)
                    .ok()?;
                let start = dfa.start_state(Anchored::No).ok()?;
                let longest = self.literals.iter().map(String::len).max().unwrap_or(0);
                Some(Dfa {
                    dfa,
                    start,
                    longest,
                })
            })
            .as_ref()
    }

    /// Every occurrence on a line of at most `max_line` bytes (its newline
    /// not counted), in text order; overlapping occurrences all count.
    /// Longer lines (minified bundles, data on
    /// one line) are never matched, so they are not searched either.
    pub fn occurrences_in_lines_up_to(&self, text: &str, max_line: usize) -> Vec<Occurrence> {
        let Some(ac) = self.automaton() else {
            return self.occurrences_without_automaton(text, max_line);
        };
        let mut out = Vec::new();
        for (start, end, first_line) in short_line_regions(text.as_bytes(), max_line) {
            search(
                ac,
                &text.as_bytes()[start..end],
                start,
                first_line,
                &mut out,
            );
        }
        out
    }

    fn occurrences_without_automaton(&self, text: &str, max_line: usize) -> Vec<Occurrence> {
        let mut out = Vec::new();
        let mut line_start = 0;
        for (index, raw) in text.split('\n').enumerate() {
            let line = u32::try_from(index + 1).unwrap_or(u32::MAX);
            if raw.len() > max_line {
                line_start += raw.len() + 1;
                continue;
            }
            let haystack = self.searched(raw.as_bytes());
            for (i, l) in self.literals.iter().enumerate() {
                if memchr::memmem::find(&haystack, l.as_bytes()).is_some() {
                    out.push(Occurrence {
                        literal: i,
                        line,
                        span: (line_start, line_start + raw.len()),
                    });
                }
            }
            line_start += raw.len() + 1;
        }
        out
    }

    /// A search for the literals `ids` alone, when they are few enough for
    /// a packed (SIMD) searcher: `None` when there are more than
    /// [`SUBSET_LIMIT`], when one spans lines, when the set has no automaton
    /// or when the machine has no packed searcher.
    pub fn subset(&self, ids: &[usize]) -> Option<Subset> {
        if ids.is_empty()
            || ids.len() > SUBSET_LIMIT
            || self.automaton().is_none()
            || ids.iter().any(|&i| self.literals[i].contains('\n'))
        {
            return None;
        }
        let mut builder = aho_corasick::packed::Config::new().builder();
        for &i in ids {
            let literal = &self.literals[i];
            if self.fold_case {
                builder.add(literal.to_ascii_lowercase());
            } else {
                builder.add(literal);
            }
        }
        let mut members = vec![false; self.literals.len()];
        for &i in ids {
            members[i] = true;
        }
        Some(Subset {
            searcher: builder.build()?,
            members,
        })
    }

    /// What [`Literals::occurrences_in_lines_up_to`] finds of the literals
    /// in `subset`, found faster: the packed searcher finds the lines that
    /// hold one of them, and only those lines go through the automaton.
    pub fn subset_occurrences_in_lines_up_to(
        &self,
        subset: &Subset,
        text: &str,
        max_line: usize,
    ) -> Vec<Occurrence> {
        let Some(ac) = self.automaton() else {
            let mut all = self.occurrences_in_lines_up_to(text, max_line);
            all.retain(|o| subset.members[o.literal]);
            return all;
        };
        let bytes = text.as_bytes();
        let haystack = self.searched(bytes);
        let haystack = haystack.as_ref();
        let (mut out, mut on_line) = (Vec::new(), Vec::new());
        let (mut counted_to, mut line, mut at) = (0usize, 1u32, 0usize);
        while let Some(found) = subset
            .searcher
            .find_in(haystack, aho_corasick::Span::from(at..haystack.len()))
        {
            let (start, end) = line_span(bytes, found.start());
            line = line.saturating_add(count_newlines(&bytes[counted_to..start]));
            counted_to = start;
            if end - start <= max_line {
                on_line.clear();
                search(ac, &bytes[start..end], start, line, &mut on_line);
                out.extend(on_line.iter().filter(|o| subset.members[o.literal]));
            }
            at = end + 1;
            if at >= haystack.len() {
                break;
            }
        }
        out
    }

    /// Which literals occur in `text` at least once where `keep`, given
    /// the byte offset just past the occurrence, accepts it.
    pub fn present_where(&self, text: &str, keep: impl Fn(usize) -> bool) -> Vec<bool> {
        self.present_where_found(text, |_, _, end| keep(end))
    }

    /// Which literals occur in `text` at least once where `keep`, given
    /// the literal and the occurrence's start and end offsets, accepts it.
    pub fn present_where_found(
        &self,
        text: &str,
        keep: impl Fn(usize, usize, usize) -> bool,
    ) -> Vec<bool> {
        let mut present = vec![false; self.literals.len()];
        match self.automaton() {
            Some(ac) => ac.overlapping(text.as_bytes(), |literal, start, end| {
                if !present[literal] && keep(literal, start, end) {
                    present[literal] = true;
                }
            }),
            None => {
                let haystack = self.searched(text.as_bytes());
                for (i, literal) in self.literals.iter().enumerate() {
                    // Overlapping occurrences too, as the automaton finds.
                    let finder = memchr::memmem::Finder::new(literal.as_bytes());
                    let mut from = 0;
                    while let Some(at) = haystack.get(from..).and_then(|rest| finder.find(rest)) {
                        let start = from + at;
                        if keep(i, start, start + literal.len()) {
                            present[i] = true;
                            break;
                        }
                        from = start + 1;
                    }
                }
            }
        }
        present
    }

    /// Which literals occur in `text`.
    pub fn present(&self, text: &str) -> Vec<bool> {
        self.present_where(text, |_| true)
    }
}

/// At most this many literals go into a [`Subset`]: the packed searcher's
/// limit.
pub const SUBSET_LIMIT: usize = 64;

/// A few of a set's literals, searched for together by a packed searcher
/// (Teddy on x86-64 and aarch64), which reads a text several times faster
/// than the set's automaton and reports only these literals. A file that a
/// handful of content probes target asks for a handful of literals, not for
/// every literal of every probe.
pub struct Subset {
    searcher: aho_corasick::packed::Searcher,
    /// Per literal of the whole set: whether it is in the subset.
    members: Vec<bool>,
}

/// The literals' automaton, walked by [`Dfa::overlapping`]: the crate's
/// own overlapping iterator keeps its position in memory between bytes and
/// returns to the caller at every match, about 20 instructions a byte;
/// this loop keeps both in registers.
struct Dfa {
    dfa: aho_corasick::dfa::DFA,
    start: StateID,
    /// The longest literal's length in bytes: how far before its part of
    /// the text a stream must start to see every match ending in it.
    longest: usize,
}

/// A text is walked as this many streams at once (see
/// [`Dfa::overlapping`]).
const STREAMS: usize = 4;

/// Texts that would give a stream fewer bytes of its own than this are
/// walked as one stream.
const MIN_STREAM_BYTES: usize = 64;

/// A match as the walk reports it: literal, start and end.
type Found = (usize, usize, usize);

impl Dfa {
    /// Calls `found(literal, start, end)` for every occurrence of a literal
    /// in `bytes`, overlapping ones included, in the order of their ends
    /// (as `AhoCorasick::find_overlapping_iter` reports them).
    fn overlapping(&self, bytes: &[u8], found: impl FnMut(usize, usize, usize)) {
        self.overlapping_in_streams(bytes, MIN_STREAM_BYTES, found);
    }

    /// [`Dfa::overlapping`], walking a text of at least `min_stream` bytes
    /// per stream as [`STREAMS`] streams in lockstep. One walk is a chain
    /// of dependent table loads, bound by memory latency (about 2 ns a
    /// byte with several hundred literals); independent streams overlap
    /// their loads and take about a quarter of that. Each stream owns the
    /// matches that end in its part of the text and starts early enough
    /// to see them whole; the automaton has standard (not leftmost)
    /// semantics, so from any start it reports every occurrence after
    /// that start.
    fn overlapping_in_streams(
        &self,
        bytes: &[u8],
        min_stream: usize,
        mut found: impl FnMut(usize, usize, usize),
    ) {
        let dfa = &self.dfa;
        if dfa.is_match(self.start) {
            for k in 0..dfa.match_len(self.start) {
                found(dfa.match_pattern(self.start, k).as_usize(), 0, 0);
            }
        }
        // Every stream but the first starts `reach` bytes before the part
        // it owns, so each walks `span` bytes (the last up to 3 more).
        let reach = self.longest.saturating_sub(1);
        let span = (bytes.len() + (STREAMS - 1) * reach) / STREAMS;
        if span < reach + min_stream.max(1) {
            self.walk_from(self.start, bytes, 0, &mut |m: Found| found(m.0, m.1, m.2));
            return;
        }
        // Stream w owns the matches ending in (owned[w], owned[w + 1]].
        let owned: [usize; STREAMS + 1] = std::array::from_fn(|w| match w {
            0 => 0,
            STREAMS => bytes.len(),
            w => span + (w - 1) * (span - reach),
        });
        let from: [usize; STREAMS] = std::array::from_fn(|w| owned[w].saturating_sub(reach));
        // Every stream walks `span` bytes together; the last one's few
        // more are walked on their own below.
        let lockstep = span;
        let mut matches: [Vec<Found>; STREAMS] = Default::default();
        let mut sid = [self.start; STREAMS];
        let parts: [&[u8]; STREAMS] = std::array::from_fn(|w| &bytes[from[w]..from[w] + lockstep]);
        let mut at = 0;
        while at < lockstep {
            let (stopped, states) = self.lockstep_until_special(parts, at, sid);
            sid = states;
            if stopped == lockstep {
                break;
            }
            for w in 0..STREAMS {
                let end = from[w] + stopped + 1;
                if end > owned[w] {
                    self.matches_at(sid[w], end, &mut |m| matches[w].push(m));
                }
            }
            at = stopped + 1;
        }
        for w in 0..STREAMS {
            let rest = from[w] + lockstep;
            let mut each = |m: Found| {
                if m.2 > owned[w] {
                    matches[w].push(m);
                }
            };
            self.walk_from(sid[w], &bytes[rest..owned[w + 1]], rest, &mut each);
            for &(literal, start, end) in &matches[w] {
                found(literal, start, end);
            }
        }
    }

    /// Walks the streams `parts` (all as long) in lockstep from byte `at`
    /// in states `sid`, up to the first byte after which a stream is in a
    /// special (matching) state: that byte's index and the states after
    /// it, or the parts' length and the states at their end. The states
    /// stay in registers: this loop is the whole cost of the search.
    #[inline(never)]
    fn lockstep_until_special(
        &self,
        parts: [&[u8]; STREAMS],
        at: usize,
        sid: [StateID; STREAMS],
    ) -> (usize, [StateID; STREAMS]) {
        let dfa = &self.dfa;
        let [mut s0, mut s1, mut s2, mut s3] = sid;
        let [p0, p1, p2, p3] = parts;
        let len = p0.len();
        let (p0, p1, p2, p3) = (&p0[at..len], &p1[at..len], &p2[at..len], &p3[at..len]);
        let bytes = p0.iter().zip(p1).zip(p2).zip(p3);
        for (i, (((&b0, &b1), &b2), &b3)) in bytes.enumerate() {
            s0 = dfa.next_state(Anchored::No, s0, b0);
            s1 = dfa.next_state(Anchored::No, s1, b1);
            s2 = dfa.next_state(Anchored::No, s2, b2);
            s3 = dfa.next_state(Anchored::No, s3, b3);
            if dfa.is_special(s0) | dfa.is_special(s1) | dfa.is_special(s2) | dfa.is_special(s3) {
                return (at + i, [s0, s1, s2, s3]);
            }
        }
        (len, [s0, s1, s2, s3])
    }

    /// One stream over `bytes` from state `sid`, reporting matches with
    /// positions offset by `base`.
    fn walk_from(
        &self,
        mut sid: StateID,
        bytes: &[u8],
        base: usize,
        found: &mut impl FnMut(Found),
    ) {
        let dfa = &self.dfa;
        for (at, &byte) in bytes.iter().enumerate() {
            sid = dfa.next_state(Anchored::No, sid, byte);
            if dfa.is_special(sid) {
                self.matches_at(sid, base + at + 1, found);
            }
        }
    }

    /// The matches of state `sid` reached at `end`: none for a state that
    /// is special without matching (there are no dead states with
    /// standard semantics).
    fn matches_at(&self, sid: StateID, end: usize, found: &mut impl FnMut(Found)) {
        let dfa = &self.dfa;
        if !dfa.is_match(sid) {
            return;
        }
        for k in 0..dfa.match_len(sid) {
            let literal = dfa.match_pattern(sid, k);
            found((literal.as_usize(), end - dfa.pattern_len(literal), end));
        }
    }
}

/// Every overlapping match in `bytes`, a region of the file that starts at
/// byte `base` on line `first_line`.
fn search(ac: &Dfa, bytes: &[u8], base: usize, first_line: u32, out: &mut Vec<Occurrence>) {
    // Matches arrive ordered by their end, so the line count only moves
    // forward from the previous match's line start; the current line's
    // span is found once, however many literals it holds.
    let (mut counted_to, mut line) = (0usize, first_line);
    let mut current: Option<(usize, usize)> = None;
    ac.overlapping(bytes, |literal, start, _| {
        let (line_no, span) = if start >= counted_to {
            let newlines = count_newlines(&bytes[counted_to..start]);
            if newlines > 0 {
                current = None;
            }
            line += newlines;
            counted_to = start;
            let span = *current.get_or_insert_with(|| line_span(bytes, start));
            (line, span)
        } else {
            // Started before the last counted position (a longer
            // literal ending later): count back.
            let back = count_newlines(&bytes[start..counted_to]);
            let span = if back == 0 {
                *current.get_or_insert_with(|| line_span(bytes, start))
            } else {
                line_span(bytes, start)
            };
            (line - back, span)
        };
        out.push(Occurrence {
            literal,
            line: line_no,
            span: (base + span.0, base + span.1),
        });
    });
}

/// The runs of consecutive lines no longer than `max_line` bytes, as
/// `(start, end, first line)`; each run ends at its last line's end.
fn short_line_regions(bytes: &[u8], max_line: usize) -> Vec<(usize, usize, u32)> {
    if bytes.len() <= max_line {
        return vec![(0, bytes.len(), 1)];
    }
    let mut regions = Vec::new();
    let mut open: Option<(usize, u32)> = None;
    let (mut line_start, mut line) = (0usize, 1u32);
    let ends = memchr::memchr_iter(b'\n', bytes).chain(std::iter::once(bytes.len()));
    for end in ends {
        if end - line_start > max_line {
            if let Some((start, first)) = open.take() {
                regions.push((start, line_start, first));
            }
        } else if open.is_none() {
            open = Some((line_start, line));
        }
        line_start = end + 1;
        line = line.saturating_add(1);
    }
    if let Some((start, first)) = open {
        regions.push((start, bytes.len(), first));
    }
    regions
}

/// Where a literal occurs: which one, on which line (1-based), and that
/// line's byte range in the text (without its newline).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Occurrence {
    pub literal: usize,
    pub line: u32,
    pub span: (usize, usize),
}

/// The byte range of the line holding `at`, without its newline.
fn line_span(bytes: &[u8], at: usize) -> (usize, usize) {
    let start = memchr::memrchr(b'\n', &bytes[..at]).map_or(0, |i| i + 1);
    let end = memchr::memchr(b'\n', &bytes[at..]).map_or(bytes.len(), |i| at + i);
    (start, end)
}

fn count_newlines(bytes: &[u8]) -> u32 {
    u32::try_from(bytes.iter().filter(|&&b| b == b'\n').count()).unwrap_or(u32::MAX)
}

#[cfg(test)]
mod tests;
