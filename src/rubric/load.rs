//! Parses rubric YAML into the [`Catalog`], validating everything and
//! reporting every problem at once with its file, line and column.

use super::model::{
    Acceptance, Catalog, Check, Class, Ecosystem, Format, KeyProbe, Needs, Probe, Rubric, Rule,
    Scale, Strength,
};
use crate::diag::{Diagnostic, Diagnostics};
use crate::node::{self, Entry, Node, Pos, Value};
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::path::Path;

mod python;

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

    fn rubric(
        &mut self,
        source: &RubricSource,
        parsed: Result<Node, node::ParseError>,
    ) -> Option<(Rubric, Pos)> {
        let file = source.name.as_str();
        let root = match parsed {
            Ok(root) => root,
            Err(e) => {
                self.error(file, e.pos, format!("invalid YAML: {}", e.message));
                return None;
            }
        };
        let before = self.diagnostics.len();
        let fields = self.map(file, &root, "the rubric", RUBRIC_KEYS)?;
        if let Some(schema) = fields.get("schema") {
            if schema.scalar_text().as_deref() != Some("1") {
                self.error(
                    file,
                    schema.pos,
                    "unsupported `schema`; this version of readiness reads schema 1",
                );
            }
        }
        let area_pos = fields.get("area").map(|n| n.pos).unwrap_or(root.pos);
        let area = self.string(file, &fields, &root, "area", "the rubric");
        if let Some(area) = &area {
            if !is_identifier(area) {
                self.error(
                    file,
                    area_pos,
                    format!("area id `{area}` must be lowercase letters, digits and `-`"),
                );
            }
        }
        let title = self.string(file, &fields, &root, "title", "the rubric");
        let version = self.string(file, &fields, &root, "version", "the rubric");
        let description = match fields.get("description") {
            Some(n) => self
                .string_value(file, n, "`description`")
                .unwrap_or_default(),
            None => String::new(),
        };
        let applies_when = fields
            .get("applies_when")
            .and_then(|n| self.rule(file, n, "`applies_when`"));
        let not_applicable = match fields.get("not_applicable") {
            Some(n) => self
                .string_value(file, n, "`not_applicable`")
                .unwrap_or_default(),
            None => "The area's applicability rule did not match this repository.".to_owned(),
        };
        let mut checks = Vec::new();
        match fields.get("checks") {
            None => self.error(
                file,
                root.pos,
                "the rubric is missing required key `checks`",
            ),
            Some(node) => match &node.value {
                Value::Seq(items) if !items.is_empty() => {
                    for item in items {
                        if let Some(check) = self.check(file, item) {
                            checks.push(check);
                        }
                    }
                }
                _ => self.error(
                    file,
                    node.pos,
                    "`checks` must be a non-empty list of checks",
                ),
            },
        }
        let mut rungs = Vec::new();
        if let Some(node) = fields.get("rungs") {
            let ids: Vec<&str> = checks.iter().map(|c| c.id.as_str()).collect();
            match super::rungs::parse(node, &ids) {
                Ok(parsed) => rungs = parsed,
                Err(problems) => {
                    for (pos, message) in problems {
                        self.error(file, pos, message);
                    }
                }
            }
        }
        if self.diagnostics.len() > before {
            return None;
        }
        let digest = format!("sha256:{:x}", Sha256::digest(source.text.as_bytes()));
        Some((
            Rubric {
                area: area?,
                title: title?,
                version: version?,
                description,
                source: source.origin.clone(),
                digest,
                applies_when,
                not_applicable,
                checks,
                rungs,
            },
            area_pos,
        ))
    }

    fn check(&mut self, file: &str, node: &Node) -> Option<Check> {
        let before = self.diagnostics.len();
        let fields = self.map(file, node, "a check", CHECK_KEYS)?;
        let id = self.string(file, &fields, node, "id", "a check");
        let what = match &id {
            Some(id) => format!("check `{id}`"),
            None => "a check".to_owned(),
        };
        if let Some(id) = &id {
            let pos = fields.get("id").map(|n| n.pos).unwrap_or(node.pos);
            if !id
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_' || c == '.')
            {
                self.error(
                    file,
                    pos,
                    format!(
                        "check id `{id}` may contain only ASCII letters, digits, `-`, `_` and `.`"
                    ),
                );
            }
            if let Some(first) = self.check_pos.get(&(self.source_index, id.clone())) {
                let line = first.line;
                self.error(
                    file,
                    pos,
                    format!("duplicate check id `{id}` (first defined at line {line})"),
                );
            } else {
                self.check_pos.insert((self.source_index, id.clone()), pos);
            }
        }
        let title = self.string(file, &fields, node, "title", &what);
        let level = match fields.get("level") {
            None => {
                self.error(
                    file,
                    node.pos,
                    format!("{what} is missing required key `level`"),
                );
                None
            }
            Some(n) => match n.scalar_text().and_then(|t| t.parse::<u8>().ok()) {
                Some(l @ 1..=3) if matches!(n.value, Value::Number(_)) => Some(l),
                _ => {
                    self.error(
                        file,
                        n.pos,
                        format!(
                            "bad level `{}` in {what}: expected 1, 2 or 3 (the rung of the ladder the check gates)",
                            n.scalar_text().unwrap_or_else(|| describe(n).to_owned())
                        ),
                    );
                    None
                }
            },
        };
        let weight = match fields.get("weight") {
            None => Some(1),
            Some(n) => match n.scalar_text().and_then(|t| t.parse::<u32>().ok()) {
                Some(w @ 1..=100) if matches!(n.value, Value::Number(_)) => Some(w),
                _ => {
                    self.error(
                        file,
                        n.pos,
                        format!("bad weight in {what}: expected a whole number from 1 to 100"),
                    );
                    None
                }
            },
        };
        let why = self.string(file, &fields, node, "why", &what);
        let fix = self.string(file, &fields, node, "fix", &what);
        let evidence = match fields.get("evidence") {
            None => {
                self.error(
                    file,
                    node.pos,
                    format!("{what} is missing required key `evidence`"),
                );
                None
            }
            Some(n) => self.rule(file, n, "`evidence`"),
        };
        let applies_when = fields
            .get("applies_when")
            .and_then(|n| self.rule(file, n, "`applies_when`"));
        let mut not_applicable = None;
        if let Some(n) = fields.get("not_applicable") {
            not_applicable = self.string_value(file, n, "`not_applicable`");
            if fields.get("applies_when").is_none() {
                self.error(
                    file,
                    n.pos,
                    format!("{what} has `not_applicable` but no `applies_when` rule it explains"),
                );
            }
        }
        let question = fields
            .get("question")
            .and_then(|n| self.string_value(file, n, "`question`"));
        let mut accept = Acceptance::default_for(level.unwrap_or(1));
        if let Some(n) = fields.get("evidence_from") {
            if let Some(list) = self.strings(file, n, "`evidence_from`") {
                let classes: Option<Vec<Class>> = list.iter().map(|c| Class::parse(c)).collect();
                match classes {
                    Some(classes) => accept.classes = classes,
                    None => self.error(
                        file,
                        n.pos,
                        "`evidence_from` lists locations among `prod`, `test`, `example`, `notebook`",
                    ),
                }
            }
        }
        if let Some(n) = fields.get("min_strength") {
            match n.as_str().and_then(Strength::parse) {
                Some(st) => accept.min_strength = st,
                None => self.error(
                    file,
                    n.pos,
                    "`min_strength` must be `weak`, `medium` or `strong`",
                ),
            }
        }
        let needs = match fields.get("needs") {
            None => Some(None),
            Some(n) => match n.as_str() {
                Some("manual") => Some(Some(Needs::Manual)),
                Some("automated") => Some(Some(Needs::Automated)),
                _ => {
                    self.error(
                        file,
                        n.pos,
                        format!("`needs` in {what} must be `manual` or `automated`"),
                    );
                    None
                }
            },
        };
        // A check that reads nothing but notebooks is the author asking
        // about notebooks: it accepts them unless `evidence_from` says not.
        if fields.get("evidence_from").is_none()
            && evidence
                .as_ref()
                .is_some_and(|rule| self.reads_only_notebooks(rule))
        {
            accept.classes.push(Class::Notebook);
        }
        let scale = match fields.get("scale") {
            None => Some(Scale::Practice),
            Some(n) => match n.as_str().and_then(Scale::parse) {
                Some(scale) => Some(scale),
                None => {
                    self.error(
                        file,
                        n.pos,
                        format!("`scale` in {what} must be `practice` or `yes_no`"),
                    );
                    None
                }
            },
        };
        if let Some(refs) = fields.get("references") {
            self.strings(file, refs, "`references`");
        }
        if self.diagnostics.len() > before {
            return None;
        }
        Some(Check {
            id: id?,
            title: title?,
            level: level?,
            weight: weight?,
            why: why?,
            fix: fix?,
            applies_when,
            not_applicable,
            evidence: evidence?,
            question,
            needs: needs?.unwrap_or_else(|| Needs::default_for(level.unwrap_or(1))),
            scale: scale?,
            accept,
        })
    }

    /// Every probe of the rule selects files by globs, and every glob names
    /// `.ipynb` files only.
    fn reads_only_notebooks(&self, rule: &Rule) -> bool {
        let mut ids = Vec::new();
        rule.probes(&mut ids);
        !ids.is_empty()
            && ids.iter().all(|&id| {
                let globs = match &self.probes[id] {
                    Probe::File { globs } | Probe::Content { globs, .. } => globs,
                    Probe::Key(k) => &k.globs,
                    Probe::Python(p) => &p.globs,
                    Probe::Dependency { .. } => return false,
                };
                !globs.is_empty() && globs.iter().all(|g| g.ends_with(".ipynb"))
            })
    }

    fn rule(&mut self, file: &str, node: &Node, what: &str) -> Option<Rule> {
        let Value::Map(entries) = &node.value else {
            self.error(
                file,
                node.pos,
                format!(
                    "{what} must be a rule (a mapping with one of: {}), found {}",
                    RULE_KEYS.join(", "),
                    describe(node)
                ),
            );
            return None;
        };
        if entries.len() != 1 {
            self.error(
                file,
                node.pos,
                format!(
                    "a rule must have exactly one key, one of: {}; found {}",
                    RULE_KEYS.join(", "),
                    entries.len()
                ),
            );
            return None;
        }
        let entry = &entries[0];
        let body = &entry.node;
        match entry.key.as_str() {
            "any" | "all" => {
                let Value::Seq(items) = &body.value else {
                    self.error(
                        file,
                        body.pos,
                        format!("`{}` must be a list of rules", entry.key),
                    );
                    return None;
                };
                if items.is_empty() {
                    self.error(
                        file,
                        body.pos,
                        format!("`{}` must list at least one rule", entry.key),
                    );
                    return None;
                }
                let rules: Vec<Option<Rule>> = items
                    .iter()
                    .map(|item| self.rule(file, item, "a list item"))
                    .collect();
                let rules: Option<Vec<Rule>> = rules.into_iter().collect();
                let rules = rules?;
                Some(if entry.key == "any" {
                    Rule::Any(rules)
                } else {
                    Rule::All(rules)
                })
            }
            "not" => self
                .rule(file, body, "`not`")
                .map(|r| Rule::Not(Box::new(r))),
            "file" => {
                let (globs, strength) = match &body.value {
                    Value::Map(_) => {
                        let fields = self.map(file, body, "`file`", FILE_KEYS)?;
                        let globs = match fields.get("globs") {
                            Some(n) => self.globs(file, n, "`file.globs`"),
                            None => {
                                self.error(
                                    file,
                                    body.pos,
                                    "`file` is missing required key `globs`",
                                );
                                None
                            }
                        };
                        let strength = self.strength(file, &fields, Strength::Medium);
                        (globs?, strength?)
                    }
                    _ => (self.globs(file, body, "`file`")?, Strength::Medium),
                };
                Some(Rule::Probe(self.intern(Probe::File { globs }, strength)))
            }
            "content" => self.content(file, body),
            "dependency" => self.dependency(file, body),
            "key" => self.key(file, body),
            "python" => self.python(file, body),
            other => {
                self.error(
                    file,
                    entry.key_pos,
                    format!(
                        "unknown rule `{other}`; expected one of: {}",
                        RULE_KEYS.join(", ")
                    ),
                );
                None
            }
        }
    }

    fn globs(&mut self, file: &str, node: &Node, what: &str) -> Option<Vec<String>> {
        let globs = self.strings(file, node, what)?;
        let mut ok = true;
        for glob in &globs {
            // Built-ins are compiled in full by the test suite.
            if self.trusted {
                continue;
            }
            if let Err(e) = crate::scan::glob::compile(glob) {
                self.error(
                    file,
                    node.pos,
                    format!("glob `{glob}` in {what} does not compile: {e}"),
                );
                ok = false;
            }
            if glob.starts_with('/') || glob.starts_with("./") {
                self.error(file, node.pos, format!("glob `{glob}` in {what} must be relative to the repository root, without a leading `/` or `./`"));
                ok = false;
            }
        }
        ok.then_some(globs)
    }

    fn regex(&mut self, file: &str, node: &Node, what: &str) -> Option<String> {
        let pattern = self.string_value(file, node, what)?;
        if self.trusted {
            return Some(pattern);
        }
        // Parse, then build with the scanner's own size limits: a pattern
        // that parses but is too large would otherwise fail only in `score`,
        // without a position.
        match crate::scan::content::check_regex(&pattern)
            .and_then(|()| crate::scan::content::compile_regex(&pattern).map(|_| ()))
        {
            Ok(()) => Some(pattern),
            Err(e) => {
                let first = e
                    .lines()
                    .last()
                    .unwrap_or("invalid regex")
                    .trim()
                    .to_owned();
                self.error(
                    file,
                    node.pos,
                    format!("regex in {what} does not compile: {first}"),
                );
                None
            }
        }
    }

    fn boolean(&mut self, file: &str, node: &Node, what: &str) -> Option<bool> {
        match node.value {
            Value::Bool(b) => Some(b),
            _ => {
                self.error(
                    file,
                    node.pos,
                    format!("{what} must be true or false, found {}", describe(node)),
                );
                None
            }
        }
    }

    fn content(&mut self, file: &str, body: &Node) -> Option<Rule> {
        let fields = self.map(file, body, "`content`", CONTENT_KEYS)?;
        let globs = match fields.get("files") {
            Some(n) => self.globs(file, n, "`content.files`"),
            None => {
                self.error(file, body.pos, "`content` is missing required key `files`");
                None
            }
        };
        let pattern = match fields.get("pattern") {
            Some(n) => self.regex(file, n, "`content.pattern`"),
            None => {
                self.error(
                    file,
                    body.pos,
                    "`content` is missing required key `pattern`",
                );
                None
            }
        };
        let exclude = fields
            .get("exclude")
            .map(|n| self.regex(file, n, "`content.exclude`"));
        let also = fields
            .get("also")
            .map(|n| self.regex(file, n, "`content.also`"));
        let prose = fields
            .get("prose")
            .map(|n| self.boolean(file, n, "`content.prose`"));
        let strength = self.strength(file, &fields, Strength::Medium);
        let probe = Probe::Content {
            globs: globs?,
            pattern: pattern?,
            exclude: exclude.map_or(Some(None), |e| e.map(Some))?,
            also: also.map_or(Some(None), |e| e.map(Some))?,
            prose: prose.unwrap_or(Some(false))?,
        };
        Some(Rule::Probe(self.intern(probe, strength?)))
    }

    fn dependency(&mut self, file: &str, body: &Node) -> Option<Rule> {
        let (names, ecosystem, strength) = match &body.value {
            Value::Map(_) => {
                let fields = self.map(file, body, "`dependency`", DEPENDENCY_KEYS)?;
                // A declaration says a package is installed, not that it is used.
                let strength = self.strength(file, &fields, Strength::Weak);
                let names = match fields.get("name") {
                    Some(n) => self.strings(file, n, "`dependency.name`"),
                    None => {
                        self.error(
                            file,
                            body.pos,
                            "`dependency` is missing required key `name`",
                        );
                        None
                    }
                };
                let ecosystem = match fields.get("ecosystem") {
                    None => Some(None),
                    Some(n) => match n.as_str() {
                        Some("python") => Some(Some(Ecosystem::Python)),
                        Some("npm") => Some(Some(Ecosystem::Npm)),
                        _ => {
                            self.error(
                                file,
                                n.pos,
                                "`dependency.ecosystem` must be `python` or `npm`",
                            );
                            None
                        }
                    },
                };
                (names?, ecosystem?, strength?)
            }
            _ => (
                self.strings(file, body, "`dependency`")?,
                None,
                Strength::Weak,
            ),
        };
        let names = names
            .iter()
            .map(|n| crate::scan::manifest::normalize(n, ecosystem))
            .collect();
        Some(Rule::Probe(
            self.intern(Probe::Dependency { names, ecosystem }, strength),
        ))
    }

    fn key(&mut self, file: &str, body: &Node) -> Option<Rule> {
        let fields = self.map(file, body, "`key`", KEY_KEYS)?;
        let globs = match fields.get("files") {
            Some(n) => self.globs(file, n, "`key.files`"),
            None => {
                self.error(file, body.pos, "`key` is missing required key `files`");
                None
            }
        };
        let format = match fields.get("format") {
            None => Some(None),
            Some(n) => match n.as_str() {
                Some("yaml") => Some(Some(Format::Yaml)),
                Some("json") => Some(Some(Format::Json)),
                Some("toml") => Some(Some(Format::Toml)),
                _ => {
                    self.error(file, n.pos, "`key.format` must be `yaml`, `json` or `toml`");
                    None
                }
            },
        };
        let path = match fields.get("path") {
            Some(n) => self.path(file, n, "`key.path`"),
            None => {
                self.error(file, body.pos, "`key` is missing required key `path`");
                None
            }
        };
        let value = fields
            .get("value")
            .map(|n| self.regex(file, n, "`key.value`"));
        let where_ = fields
            .get("where")
            .map(|n| self.conditions(file, n, "`key.where`"));
        let has = fields
            .get("has")
            .map(|n| self.conditions(file, n, "`key.has`"));
        let gates = fields
            .get("gates")
            .map(|n| self.boolean(file, n, "`key.gates`"));
        let strength = self.strength(file, &fields, Strength::Medium);
        let probe = Probe::Key(KeyProbe {
            globs: globs?,
            format: format?,
            path: path?,
            value: value.map_or(Some(None), |v| v.map(Some))?,
            where_: where_.unwrap_or(Some(Vec::new()))?,
            has: has.unwrap_or(Some(Vec::new()))?,
            gates: gates.unwrap_or(Some(false))?,
        });
        Some(Rule::Probe(self.intern(probe, strength?)))
    }

    fn path(&mut self, file: &str, node: &Node, what: &str) -> Option<String> {
        let path = self.string_value(file, node, what)?;
        if path
            .split('.')
            .any(|seg| seg.starts_with('{') != seg.ends_with('}'))
        {
            self.error(
                file,
                node.pos,
                format!("{what} `{path}`: a `{{a,b}}` alternative holds single keys; it cannot contain a `.` (write two rules under `any`)"),
            );
            return None;
        }
        if path.split('.').any(str::is_empty) {
            self.error(
                file,
                node.pos,
                format!(
                    "{what} `{path}` has an empty segment; write segments separated by single dots"
                ),
            );
            return None;
        }
        Some(path)
    }

    /// `path: regex` pairs; a null regex means "exists", a list of regexes
    /// means each must match some node at the path (not necessarily the
    /// same one).
    fn conditions(
        &mut self,
        file: &str,
        node: &Node,
        what: &str,
    ) -> Option<Vec<(String, Option<String>)>> {
        let Value::Map(entries) = &node.value else {
            self.error(
                file,
                node.pos,
                format!("{what} must be a mapping of key path to regex"),
            );
            return None;
        };
        let mut out = Vec::new();
        let mut ok = true;
        for entry in entries {
            if entry.key.split('.').any(str::is_empty) {
                self.error(
                    file,
                    entry.key_pos,
                    format!("key path `{}` in {what} has an empty segment", entry.key),
                );
                ok = false;
                continue;
            }
            let regexes: Vec<&Node> = match &entry.node.value {
                Value::Null => {
                    out.push((entry.key.clone(), None));
                    continue;
                }
                Value::Seq(items) if items.is_empty() => {
                    self.error(
                        file,
                        entry.node.pos,
                        format!("{what} `{}` lists no regex", entry.key),
                    );
                    ok = false;
                    continue;
                }
                Value::Seq(items) => items.iter().collect(),
                _ => vec![&entry.node],
            };
            for regex in regexes {
                match self.regex(file, regex, what) {
                    Some(r) => out.push((entry.key.clone(), Some(r))),
                    None => ok = false,
                }
            }
        }
        // Sorted by path (stable: a path's regexes keep their order), so
        // the plan does not depend on how the mapping was written.
        out.sort_by(|a, b| a.0.cmp(&b.0));
        ok.then_some(out)
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
mod tests {
    use super::*;

    fn src(name: &str, text: &str) -> RubricSource {
        RubricSource {
            name: name.to_owned(),
            origin: name.to_owned(),
            text: text.to_owned(),
            trusted: false,
            parsed: None,
        }
    }

    #[test]
    fn the_ascii_fast_path_finds_what_reading_every_character_finds() {
        let slow = |s: &str| s.chars().find(|&c| forbidden_in_text(c));
        for code in (0u32..0x3000).chain([0x202e, 0x2066, 0x2069, 0x061c, 0xfeff]) {
            let Some(c) = char::from_u32(code) else {
                continue;
            };
            for text in [c.to_string(), format!("plain text {c} more\n")] {
                assert_eq!(first_forbidden(&text), slow(&text), "U+{code:04X}");
            }
        }
        assert_eq!(first_forbidden("a\tb\nc"), None);
        assert_eq!(first_forbidden("a\u{1b}[2Jb"), Some('\u{1b}'));
        assert_eq!(first_forbidden("é\u{7f}"), Some('\u{7f}'));
    }

    #[test]
    fn builtin_rubrics_pass_full_validation_when_not_trusted() {
        // Built-ins skip regex parsing at run time; this keeps that safe.
        let untrusted: Vec<RubricSource> = crate::rubric::builtin::sources()
            .into_iter()
            .map(|s| RubricSource {
                trusted: false,
                ..s
            })
            .collect();
        let full = load_catalog(&untrusted, &[]).unwrap();
        let fast = load_catalog(&crate::rubric::builtin::sources(), &[]).unwrap();
        assert_eq!(full.probes, fast.probes);
        for pattern in full.probes.iter().filter_map(|p| match p {
            Probe::Content { pattern, .. } => Some(pattern),
            Probe::Python(py) => py.guarded.as_ref(),
            _ => None,
        }) {
            assert!(
                crate::scan::content::compile_regex(pattern).is_ok(),
                "{pattern}"
            );
        }
    }

    const GOOD: &str = r#"
area: demo
title: Demo
version: "1.0.0"
checks:
  - id: DEMO-01
    title: Has a Dockerfile
    level: 1
    weight: 2
    why: Because.
    fix: Add one.
    evidence:
      any:
        - file: "**/Dockerfile"
        - content: { files: "**/*.py", pattern: 'import\s+docker' }
"#;

    #[test]
    fn a_good_rubric_loads_and_shares_probes() {
        let catalog = load_catalog(&[src("a.yaml", GOOD)], &[]).unwrap();
        assert_eq!(catalog.rubrics.len(), 1);
        let check = &catalog.rubrics[0].checks[0];
        assert_eq!(check.level, 1);
        assert_eq!(check.weight, 2);
        assert_eq!(catalog.probes.len(), 2);
        assert!(catalog.rubrics[0].digest.starts_with("sha256:"));
    }

    #[test]
    fn a_check_that_reads_only_notebooks_accepts_them_unless_told_otherwise() {
        let rubric = |files: &str, from: &str| {
            format!(
                "area: nb\ntitle: Nb\nversion: \"1\"\nchecks:\n  - id: NB-01\n    title: t\n    level: 1\n    why: w\n    fix: f\n{from}    evidence: {{ content: {{ files: \"{files}\", pattern: seed }} }}\n"
            )
        };
        let accepts = |text: String| {
            let catalog = load_catalog(&[src("nb.yaml", &text)], &[]).unwrap();
            catalog.rubrics[0].checks[0]
                .accept
                .accepts(Class::Notebook, Strength::Medium)
        };
        assert!(accepts(rubric("**/*.ipynb", "")));
        assert!(accepts(rubric("{a,b}/*.ipynb", "")));
        assert!(!accepts(rubric("**/*.{py,ipynb}", "")));
        assert!(!accepts(rubric("**/*.py", "")));
        assert!(!accepts(rubric(
            "**/*.ipynb",
            "    evidence_from: [prod]\n"
        )));
        assert!(accepts(rubric(
            "**/*.py",
            "    evidence_from: [notebook]\n"
        )));
    }

    #[test]
    fn every_problem_is_reported_at_once_with_positions() {
        let bad = r#"
area: demo
title: Demo
version: "1"
checks:
  - id: DEMO-01
    title: One
    level: 4
    why: w
    fix: f
    evidnce: {}
    evidence:
      content: { files: "**/*.py", pattern: '(unclosed' }
  - id: DEMO-01
    title: Two
    level: 1
    why: w
    fix: f
    evidence: { file: "a" }
"#;
        let err = load_catalog(&[src("bad.yaml", bad)], &[]).unwrap_err();
        let text = err.to_string();
        assert!(text.contains("bad.yaml:8:12: bad level `4`"), "{text}");
        assert!(
            text.contains("bad.yaml:11:5: unknown key `evidnce`"),
            "{text}"
        );
        assert!(
            text.contains("bad.yaml:13:45: regex in `content.pattern` does not compile"),
            "{text}"
        );
        assert!(
            text.contains("bad.yaml:14:9: duplicate check id `DEMO-01`"),
            "{text}"
        );
        assert_eq!(err.0.len(), 4, "{text}");
    }

    #[test]
    fn a_regex_too_large_for_the_scanner_is_rejected_with_its_position() {
        // Parses, but its automaton exceeds the scanner's size limit.
        let text = GOOD.replace(r"import\s+docker", "(?:[a-z]{100}){1000}");
        let Err(err) = load_catalog(&[src("big.yaml", &text)], &[]) else {
            panic!("an oversized regex was accepted");
        };
        let err = err.to_string();
        assert!(err.contains("big.yaml:15:"), "{err}");
        assert!(err.contains("does not compile"), "{err}");
    }

    #[test]
    fn a_has_condition_may_list_several_regexes_for_one_path() {
        let with_list = GOOD.replace(
            r#"        - content: { files: "**/*.py", pattern: 'import\s+docker' }"#,
            r#"        - key: { files: 'ci.yml', path: 'jobs.*', has: { steps.*.run: ['dvc pull', 'evaluate'], runs-on: ~ } }"#,
        );
        let catalog = load_catalog(&[src("a.yaml", &with_list)], &[]).unwrap();
        let key = catalog
            .probes
            .iter()
            .find_map(|p| match p {
                Probe::Key(key) => Some(key),
                _ => None,
            })
            .unwrap();
        assert_eq!(
            key.has,
            vec![
                ("runs-on".to_owned(), None),
                ("steps.*.run".to_owned(), Some("dvc pull".to_owned())),
                ("steps.*.run".to_owned(), Some("evaluate".to_owned())),
            ]
        );
        let empty = with_list.replace("['dvc pull', 'evaluate']", "[]");
        let err = load_catalog(&[src("a.yaml", &empty)], &[]).unwrap_err();
        assert!(
            err.to_string()
                .contains("`key.has` `steps.*.run` lists no regex"),
            "{err}"
        );
    }

    #[test]
    fn rubric_text_cannot_carry_escape_sequences_or_forge_lines() {
        let hostile = GOOD
            .replace(
                "title: Has a Dockerfile",
                "title: \"Has a Dockerfile\\e]0;owned\\a\"",
            )
            .replace("why: Because.", "why: \"Because\\u202e.\"");
        let err = load_catalog(&[src("a.yaml", &hostile)], &[])
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("a.yaml:7:12: `title` in check `DEMO-01` contains U+001B"),
            "{err}"
        );
        assert!(
            err.contains("a.yaml:10:10: `why` in check `DEMO-01` contains U+202E"),
            "{err}"
        );
        let two_lines = GOOD.replace(
            "title: Has a Dockerfile",
            "title: \"Has a Dockerfile\\nFAKE: all checks met\"",
        );
        let err = load_catalog(&[src("a.yaml", &two_lines)], &[])
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("`title` in check `DEMO-01` must be one line"),
            "{err}"
        );
        // Prose may still break lines and hold tabs.
        let prose = GOOD.replace("why: Because.", "why: \"Because\\n\\tit helps.\"");
        assert!(load_catalog(&[src("a.yaml", &prose)], &[]).is_ok());
    }

    #[test]
    fn rungs_name_the_checks_that_define_each_level() {
        let with_rungs = GOOD.replace(
            "checks:\n",
            "rungs:\n  1: { capability: a Dockerfile, met_when: DEMO-01 }\n  2: { capability: more, met_when: { all: [DEMO-01] } }\n  3: { capability: most, met_when: { any: [DEMO-01] } }\nchecks:\n",
        );
        let catalog = load_catalog(&[src("a.yaml", &with_rungs)], &[]).unwrap();
        let rubric = &catalog.rubrics[0];
        assert_eq!(rubric.rungs.len(), 3);
        assert!(rubric.defines("DEMO-01"));
        assert!(!rubric.defines("OTHER"));
        // A rung naming a check the rubric does not have, at its position.
        let bad = with_rungs.replace("met_when: DEMO-01 }", "met_when: DEMO-99 }");
        let err = load_catalog(&[src("a.yaml", &bad)], &[]).unwrap_err();
        assert!(
            err.to_string().contains(
                "a.yaml:6:44: `met_when` names `DEMO-99`, which is not a check of this rubric"
            ),
            "{err}"
        );
        // A rubric without rungs keeps the old rule: every check defines it.
        let plain = load_catalog(&[src("a.yaml", GOOD)], &[]).unwrap();
        assert!(plain.rubrics[0].rungs.is_empty());
        assert!(plain.rubrics[0].defines("DEMO-01"));
    }

    #[test]
    fn a_check_level_not_applicable_reason_needs_an_applies_when_rule() {
        let with_rule = GOOD.replace(
            "    evidence:\n",
            "    applies_when: { file: \"**/*.py\" }\n    not_applicable: No Python here.\n    evidence:\n",
        );
        let catalog = load_catalog(&[src("a.yaml", &with_rule)], &[]).unwrap();
        assert_eq!(
            catalog.rubrics[0].checks[0].not_applicable.as_deref(),
            Some("No Python here.")
        );
        let without = GOOD.replace(
            "    evidence:\n",
            "    not_applicable: No Python here.\n    evidence:\n",
        );
        let err = load_catalog(&[src("a.yaml", &without)], &[]).unwrap_err();
        assert!(
            err.to_string().contains(
                "a.yaml:12:21: check `DEMO-01` has `not_applicable` but no `applies_when` rule it explains"
            ),
            "{err}"
        );
    }

    #[test]
    fn invalid_yaml_is_reported_with_position() {
        let err = load_catalog(&[src("x.yaml", "area: [\n")], &[]).unwrap_err();
        assert!(err.to_string().contains("x.yaml:"), "{err}");
        assert!(err.to_string().contains("invalid YAML"), "{err}");
    }

    #[test]
    fn user_rubric_replaces_builtin_area_but_not_another_user_rubric() {
        let user = GOOD.replace("Has a Dockerfile", "Custom title");
        let catalog =
            load_catalog(&[src("builtin.yaml", GOOD)], &[src("mine.yaml", &user)]).unwrap();
        assert_eq!(catalog.rubrics.len(), 1);
        assert_eq!(catalog.rubrics[0].checks[0].title, "Custom title");
        let err = load_catalog(&[], &[src("a.yaml", GOOD), src("b.yaml", GOOD)]).unwrap_err();
        assert!(
            err.to_string()
                .contains("area `demo` is already defined in a.yaml:2"),
            "{err}"
        );
    }

    #[test]
    fn a_user_rubric_shown_under_a_builtin_name_is_not_a_duplicate_of_itself() {
        let catalog = load_catalog(
            &[src("rubrics/a.yaml", GOOD)],
            &[src("rubrics/a.yaml", GOOD)],
        )
        .unwrap();
        assert_eq!(catalog.rubrics.len(), 1);
    }

    #[test]
    fn check_ids_must_be_unique_across_rubrics() {
        let other = GOOD.replace("area: demo", "area: other");
        let err = load_catalog(&[src("a.yaml", GOOD), src("b.yaml", &other)], &[]).unwrap_err();
        assert!(
            err.to_string()
                .contains("duplicate check id `DEMO-01` (also defined in a.yaml:6)"),
            "{err}"
        );
    }

    #[test]
    fn brace_alternatives_cannot_span_path_segments() {
        let bad = GOOD.replace(
            "- file: \"**/Dockerfile\"",
            "- key: { files: \"a.yaml\", path: \"{a,b.c}\" }",
        );
        let err = load_catalog(&[src("a.yaml", &bad)], &[]).unwrap_err();
        assert!(err.to_string().contains("cannot contain a `.`"), "{err}");
    }

    #[test]
    fn rules_need_exactly_one_known_key() {
        let bad = GOOD.replace(
            "any:\n        - file: \"**/Dockerfile\"",
            "anyy:\n        - file: \"**/Dockerfile\"",
        );
        let err = load_catalog(&[src("a.yaml", &bad)], &[]).unwrap_err();
        assert!(err.to_string().contains("unknown rule `anyy`"), "{err}");
    }
}
