//! Parses rubric YAML into the [`Catalog`], validating everything and
//! reporting every problem at once with its file, line and column. This
//! module reads the files and the scalar fields; `checks` reads a rubric
//! and its checks, `rules` the rules that meet them, `python` the `python`
//! rule.

use super::model::{
    Acceptance, Catalog, Check, Class, Ecosystem, Format, KeyProbe, Needs, Probe, Rubric, Rule,
    Scale, Strength,
};
use crate::diag::{Diagnostic, Diagnostics};
use crate::node::{self, Entry, Node, Pos, Value};
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::path::Path;

mod checks;
mod python;
mod rules;

/// The source text of one rubric file.
#[derive(Debug, Clone)]
pub struct RubricSource {
    /// Shown in diagnostics: a path, or `rubrics/<file>` for built-ins.
    pub name: String,
    /// Recorded in reports: `builtin:<file>` or the path.
    pub origin: String,
    pub text: String,
    /// Embedded built-ins, already validated in full by the test suite:
    /// their regexes, globs and call patterns are not compiled again at
    /// every start (nearly half of start-up). User rubrics are never trusted.
    pub trusted: bool,
    /// The tree of `text` when it was parsed ahead of time (the built-ins,
    /// when the binary was built), encoded by `node_codec`; `None`: the
    /// text is parsed when loaded.
    pub parsed: Option<&'static [u8]>,
}

const RUBRIC_KEYS: &[&str] = &[
    "schema",
    "area",
    "title",
    "version",
    "description",
    "applies_when",
    "not_applicable",
    "checks",
    "rungs",
];
const CHECK_KEYS: &[&str] = &[
    "id",
    "title",
    "level",
    "weight",
    "why",
    "fix",
    "evidence",
    "applies_when",
    "not_applicable",
    "question",
    "needs",
    "scale",
    "evidence_from",
    "min_strength",
    "references",
];
const RULE_KEYS: &[&str] = &[
    "any",
    "all",
    "not",
    "file",
    "content",
    "dependency",
    "key",
    "python",
];
const FILE_KEYS: &[&str] = &["globs", "strength"];
const CONTENT_KEYS: &[&str] = &["files", "pattern", "exclude", "also", "prose", "strength"];
const DEPENDENCY_KEYS: &[&str] = &["name", "ecosystem", "strength"];
const KEY_KEYS: &[&str] = &[
    "files", "format", "path", "value", "where", "has", "gates", "strength",
];

/// Each source's tree: the one parsed ahead of time (the built-ins), or
/// its YAML parsed here, on two threads when there are several: parsing is
/// most of the cost of loading, and it comes before the scan can start.
fn parse_all(sources: &[(&RubricSource, bool)]) -> Vec<Result<Node, node::ParseError>> {
    let to_parse: Vec<(usize, &RubricSource)> = sources
        .iter()
        .map(|(s, _)| *s)
        .enumerate()
        .filter(|(_, s)| s.parsed.is_none())
        .collect();
    let parse = |part: Vec<(usize, &RubricSource)>| {
        part.into_iter()
            .map(|(i, s)| (i, node::parse_yaml(&s.text)))
            .collect::<Vec<_>>()
    };
    let parsed = if to_parse.len() < 2 {
        parse(to_parse)
    } else {
        // Alternate the sources between the threads so each gets a similar
        // share.
        let even: Vec<_> = to_parse.iter().copied().step_by(2).collect();
        let odd: Vec<_> = to_parse.iter().copied().skip(1).step_by(2).collect();
        std::thread::scope(|scope| {
            let other = scope.spawn(|| parse(odd));
            let mut mine = parse(even);
            match other.join() {
                Ok(theirs) => mine.extend(theirs),
                Err(panic) => std::panic::resume_unwind(panic),
            }
            mine
        })
    };
    // An encoded tree that does not decode (it cannot: the binary wrote
    // it) is parsed from its text instead.
    let mut results: Vec<Option<Result<Node, node::ParseError>>> = sources
        .iter()
        .map(|(s, _)| {
            let encoded = s.parsed?;
            Some(
                crate::node_codec::Decoder::new(encoded)
                    .node()
                    .map_or_else(|| node::parse_yaml(&s.text), Ok),
            )
        })
        .collect();
    for (i, result) in parsed {
        results[i] = Some(result);
    }
    results.into_iter().flatten().collect()
}

/// Builds a catalog from rubric sources. Later sources replace earlier ones
/// with the same area id (so `--rubrics DIR` can override a built-in area);
/// two user rubrics for one area, or a check id used twice, are errors.
pub fn load_catalog(
    builtin: &[RubricSource],
    user: &[RubricSource],
) -> Result<Catalog, Diagnostics> {
    let mut loader = Loader::default();
    // (rubric, from the user, shown name, position of `area`, source index)
    let mut rubrics: Vec<(Rubric, bool, String, Pos, usize)> = Vec::new();
    let sources: Vec<(&RubricSource, bool)> = builtin
        .iter()
        .map(|s| (s, false))
        .chain(user.iter().map(|s| (s, true)))
        .collect();
    let parsed = parse_all(&sources);
    for (index, ((source, is_user), parsed)) in sources.into_iter().zip(parsed).enumerate() {
        loader.source_index = index;
        loader.trusted = source.trusted;
        if let Some((rubric, area_pos)) = loader.rubric(source, parsed) {
            match rubrics
                .iter()
                .position(|(r, _, _, _, _)| r.area == rubric.area)
            {
                Some(i) if is_user && !rubrics[i].1 => {
                    rubrics[i] = (rubric, true, source.name.clone(), area_pos, index)
                }
                Some(i) => {
                    let first = format!("{}:{}", rubrics[i].2, rubrics[i].3.line);
                    loader.error(
                        &source.name,
                        area_pos,
                        format!("area `{}` is already defined in {first}", rubric.area),
                    );
                }
                None => rubrics.push((rubric, is_user, source.name.clone(), area_pos, index)),
            }
        }
    }
    // Check ids are unique across the final catalogue.
    let mut seen: HashMap<String, String> = HashMap::new();
    for (rubric, _, name, _, index) in &rubrics {
        for check in &rubric.checks {
            let pos = loader
                .check_pos
                .get(&(*index, check.id.clone()))
                .copied()
                .unwrap_or_default();
            if let Some(first) = seen.get(&check.id) {
                let message = format!(
                    "duplicate check id `{}` (also defined in {first})",
                    check.id
                );
                loader.error(name, pos, message);
            } else {
                seen.insert(check.id.clone(), format!("{name}:{}", pos.line));
            }
        }
    }
    if !loader.diagnostics.is_empty() {
        loader.diagnostics.sort();
        loader.diagnostics.dedup();
        return Err(Diagnostics(loader.diagnostics));
    }
    let mut rubrics: Vec<Rubric> = rubrics.into_iter().map(|(r, _, _, _, _)| r).collect();
    rubrics.sort_by(|a, b| {
        area_order(&a.area)
            .cmp(&area_order(&b.area))
            .then(a.area.cmp(&b.area))
    });
    Ok(Catalog {
        rubrics,
        probes: loader.probes,
        strengths: loader.strengths,
    })
}

/// The six built-in areas come first, in ladder-reading order; custom areas follow.
fn area_order(area: &str) -> usize {
    crate::BUILTIN_AREAS
        .iter()
        .position(|a| *a == area)
        .unwrap_or(usize::MAX)
}

/// Reads every `*.yaml` / `*.yml` file in a directory (sorted) as rubric
/// sources. A directory the repository names (in `readiness.toml`) must lie
/// inside it, and its rubric files must be regular files there.
pub fn read_rubric_dir(
    dir: &Path,
    chosen: crate::fsutil::Chosen,
) -> std::io::Result<Vec<RubricSource>> {
    if let crate::fsutil::Chosen::ByRepository { root } = chosen {
        crate::fsutil::ensure_inside(root, &dir.join("rubric.yaml"))?;
    }
    let mut paths = Vec::new();
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        let is_yaml = path
            .extension()
            .and_then(|e| e.to_str())
            .is_some_and(|e| e == "yaml" || e == "yml");
        if is_yaml {
            paths.push(path);
        }
    }
    paths.sort();
    paths
        .into_iter()
        .map(|path| {
            let name = path.display().to_string();
            let bytes = crate::fsutil::read_bounded(&path, crate::fsutil::MAX_OWN_FILE, chosen)
                .map_err(|e| std::io::Error::new(e.kind(), format!("{name}: {e}")))?;
            let text = String::from_utf8(bytes).map_err(|_| {
                std::io::Error::new(
                    std::io::ErrorKind::InvalidData,
                    format!("{name}: rubric is not valid UTF-8"),
                )
            })?;
            Ok(RubricSource {
                origin: name.clone(),
                name,
                text,
                trusted: false,
                parsed: None,
            })
        })
        .collect()
}

#[derive(Default)]
struct Loader {
    diagnostics: Vec<Diagnostic>,
    probes: Vec<Probe>,
    strengths: Vec<Strength>,
    probe_index: HashMap<(Probe, Strength), usize>,
    /// Where each check id was defined, per source (by index: two sources
    /// may be shown under the same name).
    check_pos: HashMap<(usize, String), Pos>,
    source_index: usize,
    trusted: bool,
}

/// Field access on a map node with unknown-key detection.
struct Fields<'a> {
    entries: &'a [Entry],
}

impl<'a> Fields<'a> {
    fn get(&self, key: &str) -> Option<&'a Node> {
        self.entries.iter().find(|e| e.key == key).map(|e| &e.node)
    }
}

fn describe(node: &Node) -> &'static str {
    match node.value {
        Value::Null => "nothing",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Seq(_) => "a list",
        Value::Map(_) => "a mapping",
    }
}

impl Loader {
    fn error(&mut self, file: &str, pos: Pos, message: impl Into<String>) {
        self.diagnostics.push(Diagnostic::new(file, pos, message));
    }

    fn intern(&mut self, probe: Probe, strength: Strength) -> usize {
        let key = (probe, strength);
        if let Some(&id) = self.probe_index.get(&key) {
            return id;
        }
        let id = self.probes.len();
        self.probes.push(key.0.clone());
        self.strengths.push(strength);
        self.probe_index.insert(key, id);
        id
    }

    /// The optional `strength` of a primitive (`default` when absent).
    fn strength(&mut self, file: &str, fields: &Fields, default: Strength) -> Option<Strength> {
        match fields.get("strength") {
            None => Some(default),
            Some(n) => match n.as_str().and_then(Strength::parse) {
                Some(s) => Some(s),
                None => {
                    self.error(
                        file,
                        n.pos,
                        "`strength` must be `weak`, `medium` or `strong`",
                    );
                    None
                }
            },
        }
    }

    /// Checks a mapping's keys against the allowed set; returns its entries.
    fn map<'a>(
        &mut self,
        file: &str,
        node: &'a Node,
        what: &str,
        allowed: &[&str],
    ) -> Option<Fields<'a>> {
        let Value::Map(entries) = &node.value else {
            self.error(
                file,
                node.pos,
                format!("{what} must be a mapping, found {}", describe(node)),
            );
            return None;
        };
        for entry in entries {
            if !allowed.contains(&entry.key.as_str()) {
                self.error(
                    file,
                    entry.key_pos,
                    format!(
                        "unknown key `{}` in {what}; expected one of: {}",
                        entry.key,
                        allowed.join(", ")
                    ),
                );
            }
        }
        Some(Fields { entries })
    }

    fn string(
        &mut self,
        file: &str,
        fields: &Fields,
        parent: &Node,
        key: &str,
        what: &str,
    ) -> Option<String> {
        match fields.get(key) {
            None => {
                self.error(
                    file,
                    parent.pos,
                    format!("{what} is missing required key `{key}`"),
                );
                None
            }
            Some(node) => {
                let what = format!("`{key}` in {what}");
                let text = self.string_value(file, node, &what)?;
                if SINGLE_LINE.contains(&key) && text.contains('\n') {
                    self.error(file, node.pos, format!("{what} must be one line"));
                    return None;
                }
                Some(text)
            }
        }
    }

    fn string_value(&mut self, file: &str, node: &Node, what: &str) -> Option<String> {
        match &node.value {
            // Rubric text reaches terminals, Markdown and PR comments, and a
            // repository may ship its own rubrics: no escape sequences, other
            // control characters or bidi overrides.
            Value::String(s) if first_forbidden(s).is_some() => {
                let c = first_forbidden(s).unwrap_or_default();
                self.error(
                    file,
                    node.pos,
                    format!(
                        "{what} contains U+{:04X}, a control character or direction override; write plain text",
                        u32::from(c)
                    ),
                );
                None
            }
            Value::String(s) if !s.trim().is_empty() => Some(s.trim().to_owned()),
            Value::Number(n) => Some(n.clone()),
            Value::String(_) => {
                self.error(file, node.pos, format!("{what} must not be empty"));
                None
            }
            _ => {
                self.error(
                    file,
                    node.pos,
                    format!("{what} must be a string, found {}", describe(node)),
                );
                None
            }
        }
    }

    /// A string or a list of strings.
    fn strings(&mut self, file: &str, node: &Node, what: &str) -> Option<Vec<String>> {
        match &node.value {
            Value::Seq(items) if !items.is_empty() => {
                let mut out = Vec::new();
                for item in items {
                    out.push(self.string_value(file, item, what)?);
                }
                Some(out)
            }
            Value::Seq(_) => {
                self.error(file, node.pos, format!("{what} must not be an empty list"));
                None
            }
            _ => self.string_value(file, node, what).map(|s| vec![s]),
        }
    }
}

/// Fields shown on one line (table cells, headings, prompts).
const SINGLE_LINE: &[&str] = &["title", "question", "area", "id", "version"];

/// Characters rubric text may not hold: controls other than line breaks and
/// tabs, and bidi overrides.
fn forbidden_in_text(c: char) -> bool {
    crate::text::needs_escape(c) && c != '\n' && c != '\t'
}

/// The first character of `s` that rubric text may not hold. Printable
/// ASCII (most rubric text) is told apart a byte at a time.
fn first_forbidden(s: &str) -> Option<char> {
    // No early exit: the compiler reads the bytes many at a time.
    let plain = |ok: bool, &b: &u8| ok & ((0x20..0x7f).contains(&b) | (b == b'\n') | (b == b'\t'));
    if s.as_bytes().iter().fold(true, plain) {
        return None;
    }
    s.chars().find(|&c| forbidden_in_text(c))
}

fn is_identifier(s: &str) -> bool {
    !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_')
}

#[cfg(test)]
mod tests;
