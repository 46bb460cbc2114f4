//! A rubric file and its checks (ids, levels, weights, texts, the rules
//! that meet them and when they apply), read with every problem reported
//! at its position.

use super::*;

impl Loader {
    pub(super) fn rubric(
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
            match crate::rubric::rungs::parse(node, &ids) {
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

    pub(super) fn check(&mut self, file: &str, node: &Node) -> Option<Check> {
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
            title: title?.into(),
            level: level?,
            weight: weight?,
            why: why?.into(),
            fix: fix?.into(),
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
    pub(super) fn reads_only_notebooks(&self, rule: &Rule) -> bool {
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
}
