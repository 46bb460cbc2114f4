//! Per-file matching of key probes: a structured file is parsed only where
//! some probe can match, one YAML document at a time (see [`yaml_docs`]),
//! and once per format however many probes read it.

use super::key_ends::KeyEnds;
use super::plan::{KeyPlan, Plan};
use super::yaml_docs::{self, Piece};
use super::*;
use std::cell::OnceCell;

/// What a piece of the file holds, found on first need.
struct PieceState<'t> {
    piece: Piece<'t>,
    format: Format,
    resource_type: OnceCell<bool>,
    present: OnceCell<Vec<bool>>,
    lowered: OnceCell<String>,
    detemplated: OnceCell<Option<String>>,
    lowered_detemplated: OnceCell<Option<String>>,
    parsed: OnceCell<Result<Vec<Node>, String>>,
}

impl<'t> PieceState<'t> {
    fn new(piece: Piece<'t>, format: Format) -> PieceState<'t> {
        PieceState {
            piece,
            format,
            resource_type: OnceCell::new(),
            present: OnceCell::new(),
            lowered: OnceCell::new(),
            detemplated: OnceCell::new(),
            lowered_detemplated: OnceCell::new(),
            parsed: OnceCell::new(),
        }
    }

    /// See [`yaml_docs::defines_a_resource_type`].
    fn is_resource_type(&self) -> bool {
        *self
            .resource_type
            .get_or_init(|| yaml_docs::defines_a_resource_type(&self.piece))
    }

    /// The piece as the parser reads it when it holds a Helm template that
    /// does not parse as it is (see [`detemplate`]); `None` without `{{`.
    fn detemplated(&self) -> Option<&str> {
        self.detemplated
            .get_or_init(|| {
                let text = self.piece.text;
                (self.format == Format::Yaml && text.contains("{{")).then(|| detemplate(text))
            })
            .as_deref()
    }

    /// Whether the piece's text holds everything `key_plan` cannot match
    /// without.
    fn may_match(&self, plan: &Plan, key_plan: &KeyPlan) -> bool {
        let present = self.present.get_or_init(|| {
            let text = self.piece.text;
            match self.format {
                // A key of a YAML or JSON file is spelled out in its text,
                // followed by its colon, unless it is written as an explicit
                // key or an alias; in TOML it may be a table's name.
                Format::Yaml | Format::Json if !keys_may_hide(text) => {
                    let ends = plan
                        .key_ends
                        .get_or_init(|| KeyEnds::new(plan.key_literals.all()));
                    match ends {
                        Some(ends) => ends.present(text),
                        None => {
                            let bytes = text.as_bytes();
                            plan.key_literals
                                .present_where(text, |end| ends_a_key(bytes, end))
                        }
                    }
                }
                _ => plan.key_literals.present(text),
            }
        });
        key_plan.may_match(present)
            && key_plan.value_literals().is_none_or(|value| {
                let holds = |lower: &str| {
                    value.literals.iter().any(|l| match value.whole_value {
                        true => holds_word(lower, l),
                        false => memchr::memmem::find(lower.as_bytes(), l.as_bytes()).is_some(),
                    })
                };
                let lower = self
                    .lowered
                    .get_or_init(|| self.piece.text.to_ascii_lowercase());
                let somewhere = holds(lower)
                    || self
                        .lowered_detemplated
                        .get_or_init(|| self.detemplated().map(str::to_ascii_lowercase))
                        .as_deref()
                        .is_some_and(holds);
                // A root key whose whole value must be one of the literals
                // (`kind`): the literal must be that key's value, not any
                // word of the document.
                let root_key = &key_plan.probe.path;
                let is_root_key = value.whole_value
                    && self.format == Format::Yaml
                    && !root_key.contains(['.', '*', '{', '['])
                    && !root_key.bytes().all(|b| b.is_ascii_digit());
                somewhere
                    && (!is_root_key
                        || yaml_docs::root_value_may_be(&self.piece, root_key, &|v| {
                            value.literals.iter().any(|l| v.eq_ignore_ascii_case(l))
                        }))
                    && (!value.raw_regex || self.raw_text_may_match(key_plan, &value.literals))
            })
    }

    /// Whether the value regex of `key_plan` (see
    /// [`super::plan::ValueLiterals::raw_regex`]) matches the piece's raw
    /// text, where a parsed value's match must also be: an escape that
    /// writes a letter or digit (`\x41`, `\u0041`) leaves it to the parse, and an
    /// escaped line break (which joins two lines of a double-quoted YAML
    /// or multi-line TOML string) is joined first. Every match is a run of
    /// token characters holding one of `literals`, so only such runs are
    /// tried.
    fn raw_text_may_match(&self, key_plan: &KeyPlan, literals: &[String]) -> bool {
        let Ok(super::keys::KeyMatcher {
            value: Some(regex), ..
        }) = key_plan.matcher()
        else {
            return true;
        };
        let bytes = self.piece.text.as_bytes();
        let mut joins = false;
        for at in memchr::memchr_iter(b'\\', bytes) {
            let digits = match bytes.get(at + 1) {
                Some(b'x') => 2,
                Some(b'u') => 4,
                Some(b'U') => 8,
                Some(b'\n' | b'\r' | b' ' | b'\t') => {
                    joins = true;
                    continue;
                }
                _ => continue,
            };
            // `\u201C` writes a quote, which no match holds; an escape that
            // may write a letter, digit, `_`, `.` or `-` needs the parse.
            let written = bytes
                .get(at + 2..at + 2 + digits)
                .and_then(|hex| std::str::from_utf8(hex).ok())
                .and_then(|hex| u32::from_str_radix(hex, 16).ok());
            let token = |c: u32| u8::try_from(c).is_ok_and(super::required::is_token_byte);
            if written.is_none_or(token) {
                return true;
            }
        }
        let matches = |bytes: &[u8], lowered: &str| match joins {
            true => {
                let joined = join_escaped_line_breaks(bytes);
                token_runs_match(regex, &joined, &joined.to_ascii_lowercase(), literals)
            }
            false => token_runs_match(regex, bytes, lowered.as_bytes(), literals),
        };
        let lowered = self
            .lowered
            .get_or_init(|| self.piece.text.to_ascii_lowercase());
        // A Helm template may be parsed with its `{{ … }}` replaced (see
        // [`detemplate`]): text the raw bytes never held.
        matches(bytes, lowered)
            || self.detemplated().is_some_and(|t| {
                let lowered = self
                    .lowered_detemplated
                    .get_or_init(|| self.detemplated().map(str::to_ascii_lowercase));
                matches(t.as_bytes(), lowered.as_deref().unwrap_or(""))
            })
    }

    /// The piece's documents, or why it cannot be parsed (with the file's
    /// own line numbers).
    fn documents(&self, path: &str) -> &Result<Vec<Node>, String> {
        self.parsed.get_or_init(|| {
            let parse = |t: &str| match self.format {
                Format::Yaml => node::parse_yaml_documents(t, false),
                Format::Json => node::parse_json(t)
                    .map(|n| vec![n])
                    .or_else(|err| node::parse_json_lines(t).ok_or(err)),
                Format::Toml => node::parse_toml(t).map(|n| vec![n]),
            };
            parse(self.piece.text)
                .or_else(|err| match self.detemplated() {
                    Some(detemplated) => parse(detemplated),
                    _ => Err(err),
                })
                .map_err(|mut e| {
                    e.pos.line = e.pos.line.saturating_add(self.piece.first_line - 1);
                    format!("{path}:{e}")
                })
        })
    }
}

/// Whether `regex`, whose every match is a run of token characters (see
/// `required::token_only`) holding one of `literals` (lowercase), matches
/// `bytes`: tried on the maximal runs of token characters around each
/// literal in `lowered` (`bytes` in ASCII lowercase), each once. The
/// pattern has no anchor or word boundary, so a run matches alone exactly
/// when it matches in place.
fn token_runs_match(
    regex: &super::content::Pattern,
    bytes: &[u8],
    lowered: &[u8],
    literals: &[String],
) -> bool {
    use super::required::is_token_byte;
    literals.iter().any(|literal| {
        let mut tried_to = 0;
        memchr::memmem::find_iter(lowered, literal.as_bytes()).any(|at| {
            if at < tried_to {
                return false;
            }
            let start = bytes[..at]
                .iter()
                .rposition(|&b| !is_token_byte(b))
                .map_or(0, |k| k + 1);
            let end = bytes[at..]
                .iter()
                .position(|&b| !is_token_byte(b))
                .map_or(bytes.len(), |k| at + k);
            tried_to = end.max(at + 1);
            regex.is_match(&bytes[start..end])
        })
    })
}

/// Whether `word` occurs in `text` other than inside a longer word: the
/// byte before it is not a letter, digit or `_` (unless it ends an escape
/// such as `\n` in a double-quoted scalar), nor the byte after it.
fn holds_word(text: &str, word: &str) -> bool {
    let bytes = text.as_bytes();
    let is_word = |b: u8| b.is_ascii_alphanumeric() || b == b'_';
    memchr::memmem::find_iter(bytes, word.as_bytes()).any(|at| {
        let end = at + word.len();
        let before = match at {
            0 => true,
            _ if !is_word(bytes[at - 1]) => true,
            _ => at >= 2 && bytes[at - 2] == b'\\',
        };
        before && bytes.get(end).is_none_or(|&b| !is_word(b))
    })
}

/// Whether the byte at `end`, just after a key literal, ends a mapping key
/// as YAML and JSON write one: an optional closing quote, blank space, then
/// the colon (`script:`, `"script" :`). A literal followed by anything else
/// is part of a longer key, a value or prose.
pub(super) fn ends_a_key(bytes: &[u8], end: usize) -> bool {
    let mut at = end;
    if matches!(bytes.get(at), Some(b'"' | b'\'')) {
        at += 1;
    }
    while bytes.get(at).is_some_and(|&b| super::key_ends::is_blank(b)) {
        at += 1;
    }
    bytes.get(at) == Some(&b':')
}

/// Whether a YAML text may write a key other than as its text followed by
/// a colon: an explicit key (`? script` then `: value` on the next line) or
/// an alias used as a key (`*name : value`, the key's text written at the
/// anchor). Either sends the piece to the plain test of [`ends_a_key`]'s
/// caller: the key's literal anywhere in the text.
fn keys_may_hide(text: &str) -> bool {
    let bytes = text.as_bytes();
    let explicit_key = memchr::memchr_iter(b'?', bytes).any(|at| {
        let after = bytes.get(at + 1).is_none_or(|b| b.is_ascii_whitespace());
        let before = bytes[..at]
            .iter()
            .rev()
            .find(|&&b| b != b' ' && b != b'\t')
            .is_none_or(|b| matches!(b, b'\n' | b'\r' | b'-' | b'{' | b'[' | b','));
        after && before
    });
    static ALIAS_KEY: std::sync::LazyLock<Regex> =
        std::sync::LazyLock::new(|| Regex::new(r"\*[^\s\[\]{},]+[ \t]*:").expect("a valid regex"));
    explicit_key || ALIAS_KEY.is_match(bytes)
}

pub(super) fn match_keys(
    plan: &Plan,
    path: &str,
    text: &str,
    ids: &[ProbeId],
    result: &mut FileResult,
) {
    let default_format = Format::from_path(rendered_name(path));
    // Per format: YAML in pieces, one document each where the stream
    // allows; JSON and TOML whole.
    let mut by_format: BTreeMap<Format, Vec<PieceState>> = BTreeMap::new();
    for &id in ids {
        let key_plan = &plan.keys[&id];
        let format = key_plan.probe.format.unwrap_or(default_format);
        let pieces = by_format.entry(format).or_insert_with(|| {
            let pieces = match format {
                Format::Yaml => yaml_docs::pieces(text),
                _ => vec![Piece {
                    text,
                    first_line: 1,
                    single: false,
                }],
            };
            pieces
                .into_iter()
                .map(|piece| PieceState::new(piece, format))
                .collect()
        });
        let mut hits = 0;
        let mut failed = None;
        for piece in pieces.iter() {
            if piece.is_resource_type() || !piece.may_match(plan, key_plan) {
                continue;
            }
            let matcher = match key_plan.matcher() {
                Ok(matcher) => matcher,
                Err(err) => {
                    result.unknown.push((
                        id,
                        format!("{path}: a regex of this rule cannot be built: {err}"),
                    ));
                    break;
                }
            };
            let docs = match piece.documents(path) {
                Ok(docs) => docs,
                Err(reason) => {
                    failed.get_or_insert_with(|| reason.clone());
                    continue;
                }
            };
            for hit in docs.iter().flat_map(|d| matcher.find(d)) {
                if hits == HITS_PER_FILE {
                    break;
                }
                hits += 1;
                let line = hit
                    .pos
                    .line
                    .max(1)
                    .saturating_add(piece.piece.first_line - 1);
                let (line, quoted) = hit
                    .matched_line
                    .as_deref()
                    .and_then(|wanted| {
                        keys::source_line_of(text, line, wanted).map(|at| (at, wanted))
                    })
                    .unwrap_or((line, &hit.text));
                result.hits.push((
                    id,
                    Evidence::new(path, line, snippet(quoted), plan.strengths[id]),
                ));
            }
        }
        match failed {
            Some(reason) if decides(path) => {
                result.unknown.push((id, format!("cannot parse {reason}")))
            }
            Some(reason) => result.note = Some(format!("cannot parse {reason}")),
            None => {}
        }
    }
}

/// Helm and other templated YAML: drop directive-only lines and replace
/// inline `{{ … }}` with a placeholder so the structure parses. Each line
/// ends with `\n`.
pub(super) fn detemplate(text: &str) -> String {
    let open = memchr::memmem::Finder::new("{{");
    if memchr::memchr(b'\r', text.as_bytes()).is_some() {
        // `str::lines` drops the `\r` of each `\r\n`.
        let mut out = String::with_capacity(text.len());
        for line in text.lines() {
            detemplate_line(line, &open, &mut out);
        }
        return out;
    }
    // Lines without `{{`, most of them, are copied in stretches.
    let bytes = text.as_bytes();
    let mut out = String::with_capacity(text.len() + 1);
    let mut copied = 0;
    for at in open.find_iter(bytes) {
        if at < copied {
            continue;
        }
        let start = memchr::memrchr(b'\n', &bytes[copied..at]).map_or(copied, |k| copied + k + 1);
        let end = memchr::memchr(b'\n', &bytes[at..]).map_or(bytes.len(), |k| at + k);
        out.push_str(&text[copied..start]);
        detemplate_line(&text[start..end], &open, &mut out);
        copied = (end + 1).min(bytes.len());
    }
    out.push_str(&text[copied..]);
    if !out.is_empty() && !out.ends_with('\n') {
        out.push('\n');
    }
    out
}

/// One line of [`detemplate`], its `\n` included, into `out`.
fn detemplate_line(line: &str, open: &memchr::memmem::Finder, out: &mut String) {
    let close = memchr::memmem::Finder::new("}}");
    {
        let Some(first) = open.find(line.as_bytes()) else {
            out.push_str(line);
            out.push('\n');
            return;
        };
        let trimmed = line.trim();
        if trimmed.starts_with("{{")
            && trimmed.ends_with("}}")
            && open.find(&trimmed.as_bytes()[2..]).is_none()
        {
            out.push('\n');
            return;
        }
        let mut rest = line;
        let mut start = Some(first);
        while let Some(at) = start {
            out.push_str(&rest[..at]);
            match close.find(&rest.as_bytes()[at..]) {
                Some(end) => {
                    out.push_str("TEMPLATE");
                    rest = &rest[at + end + 2..];
                }
                None => rest = "",
            }
            start = open.find(rest.as_bytes());
        }
        out.push_str(rest);
        out.push('\n');
    }
}

/// `bytes` with each backslash that ends a line (`\n`, `\r\n` or `\r`)
/// removed together with the blank space after it (line breaks included),
/// as YAML and TOML strings join such lines; other text is kept as it is.
fn join_escaped_line_breaks(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(bytes.len());
    let mut copied = 0;
    for at in memchr::memchr_iter(b'\\', bytes) {
        let blank = bytes[at + 1..]
            .iter()
            .take_while(|b| matches!(b, b' ' | b'\t' | b'\r' | b'\n'))
            .count();
        if bytes[at + 1..at + 1 + blank]
            .iter()
            .any(|&b| b == b'\n' || b == b'\r')
        {
            out.extend_from_slice(&bytes[copied..at]);
            copied = at + 1 + blank;
        }
    }
    out.extend_from_slice(&bytes[copied..]);
    out
}

#[cfg(test)]
mod tests;
