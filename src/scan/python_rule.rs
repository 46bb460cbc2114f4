//! Matching `python` rules against the calls `scan::python` reads from a
//! file: qualified-name patterns, required keywords, guarding conditions and
//! calls the same file must also make.

use super::content::Pattern;
use super::python::{Call, Facts};
use crate::rubric::model::PythonProbe;
use globset::{GlobSet, GlobSetBuilder};

/// Compiles one qualified-name pattern (`sagemaker.**.ConditionStep`) to a
/// glob over the name with `/` for `.`, and checks that its last part is
/// spelled out.
pub fn compile_name(pattern: &str) -> Result<globset::Glob, String> {
    if pattern.is_empty() || pattern.split('.').any(str::is_empty) {
        return Err("write dotted names without empty parts".into());
    }
    if pattern.contains('/') {
        return Err("parts are separated by `.`, not `/`".into());
    }
    if literals(pattern).iter().any(|l| l.len() < 2) {
        return Err(
            "the last part must spell out at least two characters of each name (`register_model`, `*Deploy*`, `{a,b}`), so that files without it are not parsed"
                .into(),
        );
    }
    super::glob::compile(&pattern.replace('.', "/")).map_err(|e| e.to_string())
}

fn last_part(pattern: &str) -> &str {
    // `{a,b}` may hold no dots, so the last `.` ends the previous part.
    pattern.rsplit('.').next().unwrap_or(pattern)
}

/// Text a file must contain for a pattern to match any of its calls: per
/// alternative of the last part, its longest run without wildcards.
pub fn literals(pattern: &str) -> Vec<String> {
    name_literals(pattern).into_iter().map(|(l, _)| l).collect()
}

/// [`literals`], each with whether it is the whole last part (its
/// alternative has no wildcard), so that a call can only spell it as a
/// whole identifier.
fn name_literals(pattern: &str) -> Vec<(String, bool)> {
    part_literals(last_part(pattern))
}

/// What a file's code must hold for one pattern to match any of its calls:
/// one literal of each group. Every part of a called name comes from the
/// file's text (an import, an identifier, an attribute), so each spelled
/// part is there: the last part as [`name_literals`] gives it, and each
/// earlier part's alternatives, as whole identifiers where they have no
/// wildcard (`**.aiplatform.*Model.upload` needs `aiplatform`, some
/// `…Model…` and `upload`). Parts that spell fewer than two characters
/// (`*`, `**`) ask for nothing.
fn requirement(pattern: &str) -> Vec<Vec<(String, bool)>> {
    let last = last_part(pattern);
    let earlier = pattern[..pattern.len() - last.len()].trim_end_matches('.');
    let mut groups: Vec<Vec<(String, bool)>> = earlier
        .split('.')
        .filter(|part| !part.is_empty())
        .map(part_literals)
        .filter(|group| group.iter().all(|(l, _)| l.len() >= 2))
        .collect();
    groups.push(name_literals(pattern));
    groups
}

/// Per alternative of one part (`{a,b}` or a single name), its longest run
/// without wildcards and whether that run is the whole alternative.
fn part_literals(part: &str) -> Vec<(String, bool)> {
    let alternatives: Vec<&str> = match part.strip_prefix('{').and_then(|s| s.strip_suffix('}')) {
        Some(inner) => inner.split(',').map(str::trim).collect(),
        None => vec![part],
    };
    const WILDCARDS: [char; 4] = ['*', '?', '[', ']'];
    alternatives
        .into_iter()
        .map(|alt| {
            let run = alt
                .split(WILDCARDS)
                .max_by_key(|run| run.len())
                .unwrap_or("")
                .to_owned();
            (run, !alt.contains(WILDCARDS))
        })
        .collect()
}

fn set(patterns: &[String]) -> Result<GlobSet, String> {
    let mut builder = GlobSetBuilder::new();
    for p in patterns {
        builder.add(compile_name(p)?);
    }
    builder.build().map_err(|e| e.to_string())
}

/// A `python` probe, ready to match. Its name sets and guard regex are
/// compiled on first use: most runs never parse a Python file for most
/// rules, and building them all up front was a sixth of the start-up.
#[derive(Clone)]
pub struct PythonMatcher {
    call_patterns: Vec<String>,
    also_patterns: Vec<String>,
    guard_pattern: Option<String>,
    compiled: std::sync::OnceLock<Result<Compiled, String>>,
    keywords: Vec<String>,
    /// Per call pattern, then per companion-call pattern, its
    /// [`requirement`].
    literals: Vec<Vec<Vec<(String, bool)>>>,
    also_literals: Vec<Vec<Vec<(String, bool)>>>,
    /// The same literals as numbered by the caller's literal finder
    /// ([`Self::number_literals`]): calls, companion calls.
    ids: [Vec<Vec<Vec<usize>>>; 2],
    /// The required keywords' literal numbers.
    keyword_ids: Vec<usize>,
}

impl PythonMatcher {
    pub fn new(probe: &PythonProbe) -> Result<PythonMatcher, String> {
        let names = |patterns: &[String]| patterns.iter().map(|p| requirement(p)).collect();
        // The rubric loader has checked the patterns (built-ins in the test
        // suite); they are compiled on first use, and a pattern that does
        // not compile makes the rule unknown for the file that needed it.
        Ok(PythonMatcher {
            call_patterns: probe.calls.clone(),
            also_patterns: probe.also_calls.clone(),
            guard_pattern: probe.guarded.clone(),
            compiled: std::sync::OnceLock::new(),
            keywords: probe.keywords.clone(),
            literals: names(&probe.calls),
            also_literals: names(&probe.also_calls),
            ids: Default::default(),
            keyword_ids: Vec::new(),
        })
    }

    /// Whether the rule asks for a guard condition.
    pub fn guarded(&self) -> bool {
        self.guard_pattern.is_some()
    }

    /// The compiled name sets and guard, or why they cannot be built (a
    /// size limit: the patterns themselves were checked).
    pub fn compiled(&self) -> Result<&Compiled, &str> {
        self.compiled
            .get_or_init(|| {
                Ok(Compiled {
                    calls: set(&self.call_patterns)?,
                    also: if self.also_patterns.is_empty() {
                        None
                    } else {
                        Some(set(&self.also_patterns)?)
                    },
                    guarded: self
                        .guard_pattern
                        .as_deref()
                        .map(super::content::compile_regex)
                        .transpose()?,
                })
            })
            .as_ref()
            .map_err(String::as_str)
    }

    /// Numbers every literal [`Self::may_match`] asks about with `id_of`
    /// (the caller's literal finder, told whether the literal is a whole
    /// identifier and whether it spells the last part of a called name), so
    /// the per-file test indexes instead of hashing strings.
    pub fn number_literals(&mut self, mut id_of: impl FnMut(&str, bool, bool) -> usize) {
        let mut number = |requirements: &[Vec<Vec<(String, bool)>>]| {
            requirements
                .iter()
                .map(|groups| {
                    // `requirement` puts the last part's group last.
                    let last = groups.len().saturating_sub(1);
                    groups
                        .iter()
                        .enumerate()
                        .map(|(k, group)| {
                            group.iter().map(|(l, w)| id_of(l, *w, k == last)).collect()
                        })
                        .collect()
                })
                .collect()
        };
        self.ids = [number(&self.literals), number(&self.also_literals)];
        self.keyword_ids = self
            .keywords
            .iter()
            .map(|k| id_of(k, true, false))
            .collect();
    }

    /// Whether a file could hold a matching call, with `present` telling
    /// which literals (numbered by [`Self::number_literals`]) occur in its
    /// code: every spelled part of a called name (see `requirement`); so
    /// does a companion call's and every required keyword; and a guard's
    /// condition is text of the code (`guard_matches` answers for the
    /// rule's guard pattern, asked only when the names are there).
    pub fn may_match(
        &self,
        present: &[bool],
        guard_matches: impl FnOnce(&Pattern) -> bool,
    ) -> bool {
        let [calls, also] = &self.ids;
        let holds =
            |groups: &Vec<Vec<usize>>| groups.iter().all(|group| group.iter().any(|&l| present[l]));
        calls.iter().any(holds)
            && (also.is_empty() || also.iter().any(holds))
            && self.keyword_ids.iter().all(|&k| present[k])
            && (self.guard_pattern.is_none()
                || self
                    .compiled()
                    // A guard that cannot be built: parse, and let the
                    // match report it.
                    .map_or(true, |c| c.guarded.as_ref().is_none_or(guard_matches)))
    }

    /// The calls of `facts` that meet the rule, in line order (none when
    /// the rule cannot be compiled; see [`Self::compiled`]).
    pub fn matching<'f>(&self, facts: &'f Facts) -> Vec<&'f Call> {
        let Ok(compiled) = self.compiled() else {
            return Vec::new();
        };
        if let Some(also) = &compiled.also {
            if !facts.calls.iter().any(|c| names_match(also, c)) {
                return Vec::new();
            }
        }
        facts
            .calls
            .iter()
            .filter(|c| names_match(&compiled.calls, c))
            .filter(|c| self.keywords.iter().all(|k| c.keywords.contains(k)))
            .filter(|c| match &compiled.guarded {
                Some(re) => c.guards.iter().any(|g| re.is_match(g.condition.as_bytes())),
                None => true,
            })
            .collect()
    }
}

/// A `python` probe's compiled name sets and guard.
#[derive(Clone)]
pub struct Compiled {
    calls: GlobSet,
    also: Option<GlobSet>,
    guarded: Option<Pattern>,
}

/// A call matches by its resolved name or by its name as written.
fn names_match(set: &GlobSet, call: &Call) -> bool {
    set.is_match(path_form(&call.name))
        || call
            .written
            .as_ref()
            .is_some_and(|w| set.is_match(path_form(w)))
}

fn path_form(name: &str) -> String {
    name.replace('.', "/")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn probe(calls: &[&str]) -> PythonProbe {
        PythonProbe {
            globs: vec!["**/*.py".into()],
            calls: calls.iter().map(|s| (*s).to_owned()).collect(),
            keywords: Vec::new(),
            guarded: None,
            also_calls: Vec::new(),
        }
    }

    fn names(matcher: &PythonMatcher, text: &str) -> Vec<String> {
        let facts = super::super::python::facts(text).unwrap();
        matcher
            .matching(&facts)
            .into_iter()
            .map(|c| c.name.clone())
            .collect()
    }

    #[test]
    fn patterns_match_whole_parts() {
        let m = PythonMatcher::new(&probe(&["**.register_model", "azureml.**.Model.register"]))
            .unwrap();
        let text = "from azureml.core import Model as M\nM.register(ws, 'p', 'n')\nclient.register_model(x)\nregister_model(x)\nclient.register_models(x)\nmy.Model.register(x)\n";
        assert_eq!(
            names(&m, text),
            vec![
                "azureml.core.Model.register",
                "client.register_model",
                "register_model"
            ]
        );
    }

    #[test]
    fn keywords_guards_and_companion_calls_narrow_the_match() {
        let mut p = probe(&["**.evaluate"]);
        p.keywords = vec!["validation_thresholds".into()];
        p.also_calls = vec!["**.{register_model,set_registered_model_alias}".into()];
        let m = PythonMatcher::new(&p).unwrap();
        let gate = "mlflow.evaluate(m, d,\n  validation_thresholds=t)\nclient.set_registered_model_alias('m', 'champion', v)\n";
        assert_eq!(names(&m, gate), vec!["mlflow.evaluate"]);
        let report_only = "mlflow.evaluate(m, d, validation_thresholds=t)\n";
        assert!(names(&m, report_only).is_empty());

        let mut p = probe(&["**.register_model"]);
        p.guarded = Some(r"(?i)\b(auc|f1)\b.*[<>]".into());
        let m = PythonMatcher::new(&p).unwrap();
        assert!(!names(&m, "if f1 >= 0.9:\n    mlflow.register_model(u, 'm')\n").is_empty());
        assert!(names(&m, "if model_name:\n    mlflow.register_model(u, 'm')\n").is_empty());
    }

    #[test]
    fn the_last_part_must_be_spelled_out() {
        assert!(compile_name("mlflow.*").is_err());
        assert!(compile_name("**.r*").is_err());
        assert!(compile_name("**.{*deploy*,Deploy}").is_ok());
        assert_eq!(literals("**.{*deploy*,*Deploy}"), vec!["deploy", "Deploy"]);
        assert!(compile_name("a..b").is_err());
        assert!(compile_name("**.{register_model,create_model_version}").is_ok());
        assert_eq!(literals("x.{a, b}"), vec!["a", "b"]);
    }

    #[test]
    fn files_without_the_called_name_are_not_parsed() {
        let may = |m: &PythonMatcher, text: &str| {
            let mut m = m.clone();
            let mut names = crate::scan::names::Names::default();
            m.number_literals(|l, whole, called| match called {
                true => names.called_id(l, whole),
                false => names.id(l, whole),
            });
            let code = super::super::py_code::read(text);
            m.may_match(&names.present_in_python(text, &code), |re| {
                code.conditions.lines().any(|l| re.is_match(l.as_bytes()))
            })
        };
        let m = PythonMatcher::new(&probe(&["sagemaker.**.ConditionStep"])).unwrap();
        assert!(may(
            &m,
            "from sagemaker.workflow.condition_step import ConditionStep as C"
        ));
        assert!(!may(&m, "import sagemaker\n"));
        // A name in a docstring or a comment calls nothing.
        assert!(!may(
            &m,
            "import sagemaker\n\"\"\"Builds a ConditionStep.\"\"\"\n# ConditionStep(...)\n"
        ));
        // Every spelled part of the name is in the file, as an import or
        // an identifier, whatever the aliases.
        let m = PythonMatcher::new(&probe(&["**.aiplatform.*Model.upload", "wandb.init"])).unwrap();
        assert!(!may(
            &m,
            "atexit.register(f)\nclient.upload(x)\nself.init()\n"
        ));
        assert!(!may(&m, "import aiplatform\nclient.upload(x)\n"));
        assert!(may(
            &m,
            "from google.cloud import aiplatform as aip\naip.Model.upload(x)\n"
        ));
        assert!(may(
            &m,
            "from google.cloud.aiplatform import Model as M\nM.upload(x)\n"
        ));
        assert!(may(&m, "import wandb as wb\nwb.init()\n"));
        assert!(!may(&m, "# import wandb\nsuper().init()\n"));
        let mut guarded = probe(&["**.*Error"]);
        guarded.guarded = Some(r"\bauc\b.*<".into());
        let m = PythonMatcher::new(&guarded).unwrap();
        assert!(!may(&m, "raise ValueError('no data')\n"));
        assert!(may(&m, "if auc < 0.8:\n    raise ValueError('weak')\n"));
        // A return annotation is no comparison; a condition beside it is.
        let mut quality = probe(&["**.*Error"]);
        quality.guarded = Some(r"\bscore\w*\b[^<>=]*(<=?|>=?)".into());
        let m = PythonMatcher::new(&quality).unwrap();
        let annotated = "def score(x) -> float:\n    raise ValueError('x')\n";
        assert!(!may(&m, annotated));
        assert!(may(
            &m,
            &format!("{annotated}if score < 1:\n    raise ValueError()\n")
        ));
        // Each condition is matched alone: a metric's name in one and a
        // comparison in the next, or in a line that is no condition, are
        // not a metric compared.
        let apart = "if score_card:\n    x = 1\nif n > 0:\n    raise ValueError()\n";
        assert!(!may(&m, apart));
        assert!(!may(&m, "score = 1\nraise ValueError(f'{a} < {b}')\n"));
        let mut keyword = probe(&["**.evaluate"]);
        keyword.keywords = vec!["validation_thresholds".into()];
        let m = PythonMatcher::new(&keyword).unwrap();
        assert!(!may(&m, "mlflow.evaluate(m, data)\n"));
        assert!(may(
            &m,
            "mlflow.evaluate(m, data, validation_thresholds=t)\n"
        ));
        // A spelled-out name is a whole identifier: `evaluate` inside
        // `evaluate_model` or `reevaluate` is another name.
        assert!(!may(
            &m,
            "reevaluate(m, validation_thresholds=t)\nevaluate_model(x)\n"
        ));
        // A wildcard pattern's literal is found inside identifiers.
        assert!(may(&m_partial(), "raise ModelLoadError('x')\n"));
    }

    fn m_partial() -> PythonMatcher {
        PythonMatcher::new(&probe(&["**.*Error"])).unwrap()
    }
}
