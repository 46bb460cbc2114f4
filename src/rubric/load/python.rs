//! The `python` rule: calls in Python source matched by qualified name,
//! keyword arguments and guarding conditions (see `scan::python`).

use super::{Fields, Loader};
use crate::node::Node;
use crate::rubric::model::{Probe, PythonProbe, Rule, Strength};

const PYTHON_KEYS: &[&str] = &[
    "files",
    "calls",
    "keywords",
    "guarded",
    "also_calls",
    "strength",
];

impl Loader {
    pub(super) fn python(&mut self, file: &str, body: &Node) -> Option<Rule> {
        let fields = self.map(file, body, "`python`", PYTHON_KEYS)?;
        let globs = match fields.get("files") {
            Some(n) => self.globs(file, n, "`python.files`"),
            None => {
                self.error(file, body.pos, "`python` is missing required key `files`");
                None
            }
        };
        let calls = match fields.get("calls") {
            Some(n) => self.call_patterns(file, n, "`python.calls`"),
            None => {
                self.error(file, body.pos, "`python` is missing required key `calls`");
                None
            }
        };
        let keywords = optional_list(self, &fields, file, "keywords");
        let also_calls = match fields.get("also_calls") {
            Some(n) => self.call_patterns(file, n, "`python.also_calls`"),
            None => Some(Vec::new()),
        };
        let guarded = fields
            .get("guarded")
            .map(|n| self.regex(file, n, "`python.guarded`"));
        let strength = self.strength(file, &fields, Strength::Medium);
        let probe = Probe::Python(PythonProbe {
            globs: globs?,
            calls: calls?,
            keywords: keywords?,
            guarded: guarded.map_or(Some(None), |g| g.map(Some))?,
            also_calls: also_calls?,
        });
        Some(Rule::Probe(self.intern(probe, strength?)))
    }

    /// Qualified-name patterns. The last part must be spelled out (a name or
    /// `{a,b}` of names): the scanner parses only files whose text holds it.
    fn call_patterns(&mut self, file: &str, node: &Node, what: &str) -> Option<Vec<String>> {
        let patterns = self.strings(file, node, what)?;
        let mut ok = true;
        // Built-ins are compiled in full by the test suite.
        let checked = if self.trusted { &[][..] } else { &patterns[..] };
        for pattern in checked {
            if let Err(e) = crate::scan::python_rule::compile_name(pattern) {
                self.error(
                    file,
                    node.pos,
                    format!("call pattern `{pattern}` in {what}: {e}"),
                );
                ok = false;
            }
        }
        ok.then_some(patterns)
    }
}

fn optional_list(
    loader: &mut Loader,
    fields: &Fields,
    file: &str,
    key: &str,
) -> Option<Vec<String>> {
    match fields.get(key) {
        Some(n) => loader.strings(file, n, &format!("`python.{key}`")),
        None => Some(Vec::new()),
    }
}

#[cfg(test)]
mod tests {
    use crate::rubric::load::{load_catalog, RubricSource};
    use crate::rubric::model::Probe;

    fn rubric(evidence: &str) -> String {
        format!("area: demo\ntitle: Demo\nversion: \"1\"\nchecks:\n  - id: DEMO-01\n    title: One\n    level: 1\n    why: w\n    fix: f\n    evidence:\n{evidence}")
    }

    fn load(text: &str) -> Result<crate::rubric::Catalog, String> {
        let source = RubricSource {
            name: "p.yaml".into(),
            origin: "p.yaml".into(),
            text: text.into(),
            trusted: false,
            parsed: None,
        };
        load_catalog(&[source], &[]).map_err(|e| e.to_string())
    }

    #[test]
    fn a_python_rule_loads_with_every_field() {
        let catalog = load(&rubric(
            "      python:\n        files: \"**/*.py\"\n        calls: [\"**.register_model\"]\n        keywords: [registered_model_name]\n        guarded: '(?i)auc'\n        also_calls: [\"**.set_registered_model_alias\"]\n",
        ))
        .unwrap();
        let Probe::Python(py) = &catalog.probes[0] else {
            panic!("{:?}", catalog.probes)
        };
        assert_eq!(py.calls, vec!["**.register_model"]);
        assert_eq!(py.keywords, vec!["registered_model_name"]);
        assert_eq!(py.guarded.as_deref(), Some("(?i)auc"));
        assert_eq!(py.also_calls, vec!["**.set_registered_model_alias"]);
    }

    #[test]
    fn python_rule_mistakes_are_reported_with_positions() {
        let err = load(&rubric(
            "      python:\n        files: \"**/*.py\"\n        calls: [\"mlflow.*\"]\n        guarded: '(unclosed'\n        keyword: [x]\n",
        ))
        .unwrap_err();
        assert!(err.contains("p.yaml:15:9: unknown key `keyword`"), "{err}");
        assert!(
            err.contains("p.yaml:13:16: call pattern `mlflow.*` in `python.calls`: the last part must spell out"),
            "{err}"
        );
        assert!(
            err.contains("p.yaml:14:18: regex in `python.guarded` does not compile"),
            "{err}"
        );
        let err = load(&rubric("      python: { files: \"**/*.py\" }\n")).unwrap_err();
        assert!(
            err.contains("`python` is missing required key `calls`"),
            "{err}"
        );
    }
}
