//! The rules a check is met by (`content`, `dependency`, `key`, `path`,
//! `python` and their `all`/`any`/`not` combinations): each read from its
//! YAML with every problem reported at its position.

use super::*;

impl Loader {
    pub(super) fn rule(&mut self, file: &str, node: &Node, what: &str) -> Option<Rule> {
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

    pub(super) fn globs(&mut self, file: &str, node: &Node, what: &str) -> Option<Vec<String>> {
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

    pub(super) fn regex(&mut self, file: &str, node: &Node, what: &str) -> Option<String> {
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

    pub(super) fn boolean(&mut self, file: &str, node: &Node, what: &str) -> Option<bool> {
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

    pub(super) fn content(&mut self, file: &str, body: &Node) -> Option<Rule> {
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

    pub(super) fn dependency(&mut self, file: &str, body: &Node) -> Option<Rule> {
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

    pub(super) fn key(&mut self, file: &str, body: &Node) -> Option<Rule> {
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

    pub(super) fn path(&mut self, file: &str, node: &Node, what: &str) -> Option<String> {
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
    pub(super) fn conditions(
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
