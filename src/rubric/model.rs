//! The validated, in-memory form of rubrics: areas, checks, evidence rules and
//! the deduplicated table of probes (the primitive tests the scanner runs).

use std::fmt;
use std::sync::Arc;

/// Index into [`Catalog::probes`].
pub type ProbeId = usize;

/// Every rubric in use plus the probes their rules refer to.
#[derive(Debug, Clone)]
pub struct Catalog {
    pub rubrics: Vec<Rubric>,
    pub probes: Vec<Probe>,
    /// How strong a hit of each probe is, parallel to `probes`.
    pub strengths: Vec<Strength>,
}

/// How much a piece of evidence says on its own. Weak evidence (a declared
/// dependency, a naming convention) never meets a level-2 or level-3 check
/// by default: it makes the check a question for the questionnaire.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Strength {
    Weak,
    Medium,
    Strong,
}

impl Strength {
    pub fn parse(s: &str) -> Option<Strength> {
        Some(match s {
            "weak" => Strength::Weak,
            "medium" => Strength::Medium,
            "strong" => Strength::Strong,
            _ => return None,
        })
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Strength::Weak => "weak",
            Strength::Medium => "medium",
            Strength::Strong => "strong",
        }
    }
}

/// Where a piece of evidence lives.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Class {
    /// Production code and config: source, deploy, infra, CI.
    Prod,
    /// Tests and test data.
    Test,
    /// Examples, docs, sandboxes: exploration, not practice.
    Example,
    /// Jupyter notebooks and `notebooks/` folders. `ladder.md`: notebooks
    /// count only where they configure real resources the pipeline uses, so
    /// a notebook no job runs never meets a check on its own: the report
    /// shows it and the questionnaire asks.
    Notebook,
}

impl Class {
    pub fn parse(s: &str) -> Option<Class> {
        Some(match s {
            "prod" => Class::Prod,
            "test" => Class::Test,
            "example" => Class::Example,
            "notebook" => Class::Notebook,
            _ => return None,
        })
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Class::Prod => "prod",
            Class::Test => "test",
            Class::Example => "example",
            Class::Notebook => "notebook",
        }
    }

    /// Classifies a repository-relative path.
    pub fn of(path: &str) -> Class {
        let lower = path.to_ascii_lowercase();
        let mut segments = lower.split('/').collect::<Vec<_>>();
        let name = segments.pop().unwrap_or("");
        const EXAMPLE_DIRS: &[&str] = &[
            "examples",
            "example",
            "samples",
            "sample",
            "demo",
            "demos",
            "docs",
            "doc",
            "tutorials",
            "tutorial",
            "playground",
            "sandbox",
            "scratch",
        ];
        const TEST_DIRS: &[&str] = &[
            "tests",
            "test",
            "testing",
            "testdata",
            "__tests__",
            "fixtures",
            "spec",
        ];
        if name.ends_with(".ipynb")
            || segments
                .iter()
                .any(|s| matches!(*s, "notebooks" | "notebook"))
        {
            Class::Notebook
        } else if segments.iter().any(|s| EXAMPLE_DIRS.contains(s)) {
            Class::Example
        } else if segments.iter().any(|s| TEST_DIRS.contains(s))
            || name.starts_with("test_")
            || name == "conftest.py"
            || name.ends_with("_test.py")
            || name.ends_with("_test.go")
            || name.contains(".test.")
            || name.contains(".spec.")
        {
            Class::Test
        } else {
            Class::Prod
        }
    }
}

/// Which evidence a check accepts on its own.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Acceptance {
    pub classes: Vec<Class>,
    pub min_strength: Strength,
}

impl Acceptance {
    /// Level-1 checks accept any evidence but a notebook's; levels 2 and 3
    /// need medium or strong evidence outside examples, docs and notebooks.
    pub fn default_for(level: u8) -> Acceptance {
        if level <= 1 {
            Acceptance {
                classes: vec![Class::Prod, Class::Test, Class::Example],
                min_strength: Strength::Weak,
            }
        } else {
            Acceptance {
                classes: vec![Class::Prod, Class::Test],
                min_strength: Strength::Medium,
            }
        }
    }

    /// Any evidence at all, wherever it lives: what applicability reads (an
    /// LLM call in a notebook still means the project uses LLMs).
    pub fn anything() -> Acceptance {
        Acceptance {
            classes: vec![Class::Prod, Class::Test, Class::Example, Class::Notebook],
            min_strength: Strength::Weak,
        }
    }

    pub fn accepts(&self, class: Class, strength: Strength) -> bool {
        self.classes.contains(&class) && strength >= self.min_strength
    }
}

/// One area of the ladder, loaded from one YAML file.
#[derive(Debug, Clone)]
pub struct Rubric {
    pub area: String,
    pub title: String,
    pub version: String,
    pub description: String,
    /// Where the rubric came from: `builtin:<file>` or the path given.
    pub source: String,
    /// `sha256:<hex>` of the file's bytes.
    pub digest: String,
    /// When set and not met, the whole area is not applicable.
    pub applies_when: Option<Rule>,
    /// Shown when the area is not applicable.
    pub not_applicable: String,
    pub checks: Vec<Check>,
    /// Which checks define each level of the area (see [`super::rungs`]).
    /// Empty in rubrics written before rungs existed: then every check at
    /// or below a level defines it.
    pub rungs: Vec<super::rungs::Rung>,
}

impl Rubric {
    /// True when a rung names the check: it defines a level of the area
    /// rather than supporting it.
    pub fn defines(&self, check: &str) -> bool {
        if self.rungs.is_empty() {
            return true;
        }
        self.rungs.iter().any(|r| r.met_when.names(check))
    }
}

#[derive(Debug, Clone)]
pub struct Check {
    pub id: String,
    /// Shared with every report that shows the check (one per project in a
    /// monorepo): cloned by reference, not copied.
    pub title: Arc<str>,
    /// The rung of the ladder this check gates: 1, 2 or 3.
    pub level: u8,
    pub weight: u32,
    pub why: Arc<str>,
    pub fix: Arc<str>,
    pub applies_when: Option<Rule>,
    /// Shown when `applies_when` does not match; a generic reason otherwise.
    pub not_applicable: Option<String>,
    pub evidence: Rule,
    /// Asked by the questionnaire when the scan cannot settle the check.
    pub question: Option<String>,
    /// What an answer must say for the check to count toward its level.
    pub needs: Needs,
    /// The answers the questionnaire offers.
    pub scale: Scale,
    /// Which evidence meets the check on its own.
    pub accept: Acceptance,
}

/// The answer a check needs to count toward its level. Detected evidence
/// always counts as automated. In the 0-100 score a manual answer earns half.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Needs {
    /// "Yes, done manually" is enough (the default for level-1 checks).
    Manual,
    /// Only "yes, automated" counts (the default for level-2 and -3 checks).
    Automated,
}

impl Needs {
    pub fn default_for(level: u8) -> Needs {
        if level <= 1 {
            Needs::Manual
        } else {
            Needs::Automated
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Needs::Manual => "manual",
            Needs::Automated => "automated",
        }
    }
}

/// The answers a question offers. A practice is done by hand or automated
/// (the ML Test Score scale); a fact (a model card exists, seeds are fixed,
/// an owner is named) is simply there or not, and "yes" meets the check at
/// any level.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Scale {
    #[default]
    Practice,
    YesNo,
}

impl Scale {
    pub fn parse(s: &str) -> Option<Scale> {
        match s {
            "practice" => Some(Scale::Practice),
            "yes_no" => Some(Scale::YesNo),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Scale::Practice => "practice",
            Scale::YesNo => "yes_no",
        }
    }
}

/// An evidence rule: primitives combined with `any`, `all` and `not`.
#[derive(Debug, Clone, PartialEq)]
pub enum Rule {
    Any(Vec<Rule>),
    All(Vec<Rule>),
    Not(Box<Rule>),
    Probe(ProbeId),
}

impl Rule {
    /// Every probe the rule refers to, in order of appearance.
    pub fn probes(&self, out: &mut Vec<ProbeId>) {
        match self {
            Rule::Any(rules) | Rule::All(rules) => rules.iter().for_each(|r| r.probes(out)),
            Rule::Not(rule) => rule.probes(out),
            Rule::Probe(id) => out.push(*id),
        }
    }
}

/// A primitive test against the repository. Equal probes are shared between
/// checks so the scanner evaluates each only once.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Probe {
    /// A file whose repository-relative path matches one of the globs exists.
    File { globs: Vec<String> },
    /// A code line (comments stripped) of a file selected by the globs
    /// matches `pattern` and not `exclude`; with `also`, another line of the
    /// same file must match `also`. Prose files are skipped unless `prose`.
    Content {
        globs: Vec<String>,
        pattern: String,
        exclude: Option<String>,
        also: Option<String>,
        prose: bool,
    },
    /// A package named in a dependency manifest.
    Dependency {
        names: Vec<String>,
        ecosystem: Option<Ecosystem>,
    },
    /// A lookup in structured files (YAML, JSON, TOML).
    Key(KeyProbe),
    /// A call in Python source, read from its syntax tree.
    Python(PythonProbe),
}

/// A Python call matched by qualified name (imports and aliases resolved),
/// keyword arguments and the conditions that guard it.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct PythonProbe {
    pub globs: Vec<String>,
    /// Qualified-name patterns: dotted parts, `*` one part, `**` any number,
    /// `{a,b}` alternatives (`mlflow.register_model`, `**.register_model`).
    pub calls: Vec<String>,
    /// Keyword arguments the call must pass (all of them).
    pub keywords: Vec<String>,
    /// The call must run under a condition whose text matches this regex
    /// (an enclosing `if`, or an earlier `if …: raise` / `assert` in its block).
    pub guarded: Option<String>,
    /// The same file must also make a call matching one of these.
    pub also_calls: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct KeyProbe {
    pub globs: Vec<String>,
    pub format: Option<Format>,
    /// Dotted path; `*` matches one level, `**` any number of levels.
    pub path: String,
    /// Regex the selected value must match (scalar text, an element of a
    /// sequence, or a key of a map). Without it, the key must exist.
    pub value: Option<String>,
    /// Conditions on the document root: path → regex (or mere existence).
    pub where_: Vec<(String, Option<String>)>,
    /// Conditions relative to the selected node.
    pub has: Vec<(String, Option<String>)>,
    /// The selected CI step or job must be able to fail the build.
    pub gates: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Ecosystem {
    Python,
    Npm,
}

impl fmt::Display for Ecosystem {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str(match self {
            Ecosystem::Python => "python",
            Ecosystem::Npm => "npm",
        })
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Format {
    Yaml,
    Json,
    Toml,
}

impl Format {
    pub fn from_path(path: &str) -> Format {
        let lower = path.to_ascii_lowercase();
        if lower.ends_with(".json") || lower.ends_with(".ipynb") {
            Format::Json
        } else if lower.ends_with(".toml") || lower.ends_with("pipfile") {
            Format::Toml
        } else {
            Format::Yaml
        }
    }
}

impl Catalog {
    pub fn check(&self, id: &str) -> Option<(&Rubric, &Check)> {
        self.rubrics
            .iter()
            .find_map(|r| r.checks.iter().find(|c| c.id == id).map(|c| (r, c)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn notebooks_are_their_own_location_class() {
        assert_eq!(Class::of("eda.ipynb"), Class::Notebook);
        assert_eq!(Class::of("src/model/Train.IPYNB"), Class::Notebook);
        assert_eq!(Class::of("Notebooks/train.py"), Class::Notebook);
        assert_eq!(Class::of("examples/demo.ipynb"), Class::Notebook);
        assert_eq!(Class::of("examples/train.py"), Class::Example);
        assert_eq!(Class::of("notebook_utils/train.py"), Class::Prod);
        assert_eq!(Class::of("tests/test_nb.py"), Class::Test);
    }

    #[test]
    fn no_default_acceptance_takes_a_notebook_but_applicability_does() {
        for level in 1..=3 {
            let accept = Acceptance::default_for(level);
            assert!(!accept.accepts(Class::Notebook, Strength::Strong));
        }
        assert!(Acceptance::default_for(1).accepts(Class::Example, Strength::Weak));
        assert!(Acceptance::anything().accepts(Class::Notebook, Strength::Weak));
    }
}
